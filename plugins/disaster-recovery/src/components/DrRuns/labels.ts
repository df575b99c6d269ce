import { parseEntityRef } from '@backstage/catalog-model';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import {
  DrRun,
  DrRunState,
  DrRunStep,
  DrRunStepName,
  DrRunType,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';

/** How each kind of run is named to people, as a noun. */
export const RUN_TYPE_LABELS: Record<DrRunType, string> = {
  drill: 'Drill',
  failover: 'Failover',
  failback: 'Failback',
};

/** The button (and verb) that starts each kind of run. */
export const RUN_ACTION_LABELS: Record<DrRunType, string> = {
  drill: 'Start drill',
  failover: 'Fail over',
  failback: 'Fail back',
};

/** How each state of a run is named to people. */
export const RUN_STATE_LABELS: Record<DrRunState, string> = {
  pending: 'Pending',
  running: 'Running',
  waiting: 'Waiting for a person',
  cancelling: 'Cancelling',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** How each state of a step is named to people. */
export const STEP_STATE_LABELS: Record<DrRunStep['state'], string> = {
  pending: 'Pending',
  running: 'Running',
  waiting: 'Waiting for confirmation',
  completed: 'Completed',
  failed: 'Failed',
  skipped: 'Skipped',
};

/** How each step is named to people. */
export const STEP_LABELS: Record<DrRunStepName, string> = {
  preflight: 'Preflight',
  fence: 'Fence',
  promote: 'Promote',
  'scale-up-and-verify': 'Scale up and verify',
  'traffic-gate': 'Traffic gate',
  cleanup: 'Clean up',
};

/** What each step does, in a sentence, for the plan. */
export function stepDescription(
  name: DrRunStepName,
  type: DrRunType,
  fromCluster: string,
  toCluster: string,
): string {
  switch (name) {
    case 'preflight':
      return `Checks that ${toCluster} is reachable, the newest recovery point is within the RPO, replication is healthy and no other run is active. Changes nothing.`;
    case 'fence':
      return `Stops writes on ${fromCluster}: scales its workloads to 0 and marks them as fenced by the run (demotes a CloudNativePG primary).`;
    case 'promote':
      return type === 'drill'
        ? `Restores the newest counted backup into a new namespace of ${toCluster}; ${fromCluster} is not touched.`
        : `Brings the service up on ${toCluster}, as its strategy does it.`;
    case 'scale-up-and-verify':
      return `Waits for the workloads on ${toCluster} to reach their desired ready replicas, and for the health URL, if any, to answer.`;
    case 'traffic-gate':
      return `Waits for a person to confirm that traffic now goes to ${toCluster} (DNS and load balancers are outside the cluster).`;
    case 'cleanup':
      return `Deletes the drill namespace on ${toCluster}.`;
    default:
      return '';
  }
}

/** The message of an error; for a backend error, the backend's own message (e.g. a 409's). */
export function errorMessage(error: unknown): string {
  const e = error as {
    message?: string;
    body?: { error?: { message?: string } };
    cause?: { message?: string };
  };
  return (
    e?.body?.error?.message ?? e?.cause?.message ?? e?.message ?? String(error)
  );
}

/** A user's entity ref as a short name: `user:default/jane` is `jane`. */
export function personLabel(ref: string | undefined): string {
  if (!ref) {
    return 'unknown';
  }
  try {
    return humanizeEntityRef(parseEntityRef(ref), { defaultKind: 'user' });
  } catch {
    return ref;
  }
}

/**
 * The data a run lost or may lose: a drill none; a failover or failback up to its data-loss
 * window, marked when the window was above the RPO and accepted.
 */
export function dataLostText(run: DrRun): string {
  if (run.type === 'drill') {
    return 'none (drill)';
  }
  const window =
    run.dataLossWindowSeconds === null ||
    run.dataLossWindowSeconds === undefined
      ? undefined
      : formatDuration(run.dataLossWindowSeconds);
  if (run.options.acceptDataLoss) {
    return window ? `up to ${window} (accepted)` : 'unknown (accepted)';
  }
  return window ? `up to ${window}` : '—';
}

/**
 * Whether a run can still be cancelled: it is active, not already cancelling, and nothing past
 * its fence has started (cancel is before promote; the fence is undone).
 */
export function isCancellable(run: DrRun): boolean {
  if (
    run.state !== 'pending' &&
    run.state !== 'running' &&
    run.state !== 'waiting'
  ) {
    return false;
  }
  return run.steps
    .filter(s => s.name !== 'preflight' && s.name !== 'fence')
    .every(s => s.state === 'pending');
}
