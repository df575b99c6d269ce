import {
  DR_RUN_STEPS,
  DrDeclaration,
  DrRun,
  DrRunLogLine,
  DrRunObjectChange,
  DrRunStep,
  DrRunStepName,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { RunStepDefinition } from './types';

/** Steps that may be undone by a cancel: a run is cancellable until a step after them starts. */
export const STEPS_BEFORE_PROMOTE: ReadonlySet<DrRunStepName> = new Set([
  'preflight',
  'fence',
]);

/** The step whose end is the moment the service is verified up on the target cluster. */
export const VERIFY_STEP: DrRunStepName = 'scale-up-and-verify';

/** A step's log keeps its first lines and its newest ones, at most this many in all. */
export const MAX_LOG_LINES = 500;
const KEPT_FIRST_LINES = 50;
const OMITTED = '(earlier log lines omitted)';

/** The step definitions by name, in the order of `DR_RUN_STEPS`. */
export function orderSteps(
  definitions: RunStepDefinition[],
): RunStepDefinition[] {
  const seen = new Set<string>();
  for (const d of definitions) {
    if (!DR_RUN_STEPS.includes(d.name)) {
      throw new Error(`Unknown run step '${d.name}'`);
    }
    if (seen.has(d.name)) {
      throw new Error(`Run step '${d.name}' is defined twice`);
    }
    seen.add(d.name);
  }
  return [...definitions].sort(
    (a, b) => DR_RUN_STEPS.indexOf(a.name) - DR_RUN_STEPS.indexOf(b.name),
  );
}

/** The steps a run of this type and strategy has, all pending. */
export function applicableSteps(
  definitions: RunStepDefinition[],
  run: DrRun,
  declaration: DrDeclaration,
): DrRunStep[] {
  return orderSteps(definitions)
    .filter(d => d.applies(run, declaration))
    .map(d => ({ name: d.name, state: 'pending', objects: [], log: [] }));
}

/** Adds a log line to a step, dropping the oldest lines after its first ones past the limit. */
export function appendLog(
  step: { log: DrRunLogLine[] },
  line: DrRunLogLine,
): void {
  step.log.push(line);
  if (step.log.length > MAX_LOG_LINES) {
    if (step.log[KEPT_FIRST_LINES]?.message === OMITTED) {
      step.log.splice(KEPT_FIRST_LINES + 1, 1);
    } else {
      step.log.splice(KEPT_FIRST_LINES, 2, {
        time: step.log[KEPT_FIRST_LINES].time,
        level: 'info',
        message: OMITTED,
      });
    }
  }
}

/** Adds an object change to a step unless the same change is recorded already (a step re-run). */
export function appendObject(
  step: { objects: DrRunObjectChange[] },
  change: DrRunObjectChange,
): void {
  const key = JSON.stringify(change);
  if (!step.objects.some(o => JSON.stringify(o) === key)) {
    step.objects.push(change);
  }
}
