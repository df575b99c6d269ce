export { ActiveClusterNote, ActiveRunNote } from './RunNotes';
export { RunActions } from './RunActions';
export { RunHistoryTable } from './RunHistoryTable';
export { RunStepper } from './RunStepper';
export { RunsPanel } from './RunsPanel';
export { StartRunDialog } from './StartRunDialog';
export { RUN_QUERY_PARAM, useDrTabLink } from './links';
