export { DrStatusGate } from './DrStatusGate';
export { DrStatusSummary, reasonsOf } from './DrStatusSummary';
export type { JudgedRecord } from './DrStatusSummary';
export { EvidenceVerdictNote, InvalidDeclaration } from './InvalidDeclaration';
export { ReasonList } from './ReasonList';
export { VerdictBanner } from './VerdictBanner';
export { useTierPolicies } from './useDrStatus';
