export { DrStatusGate } from './DrStatusGate';
export { DrStatusSummary, reasonsOf } from './DrStatusSummary';
export type { JudgedRecord } from './DrStatusSummary';
export { ReasonList } from './ReasonList';
export { VerdictBanner } from './VerdictBanner';
export { useTierPolicies } from './useDrStatus';
