import { DrStrategy } from './strategies';

/**
 * The kinds of run: a non-disruptive `drill` (a test restore into an isolated namespace of the
 * recovery cluster), a `failover` to the recovery cluster, a `failback` to the primary.
 *
 * @public
 */
export const DR_RUN_TYPES = ['drill', 'failover', 'failback'] as const;

/**
 * One of {@link DR_RUN_TYPES}.
 *
 * @public
 */
export type DrRunType = (typeof DR_RUN_TYPES)[number];

/**
 * The states of a run. `waiting` means a step waits for a person (the traffic gate). A run is
 * *active* in `pending`, `running`, `waiting` and `cancelling`; at most one run per entity is
 * active. `completed`, `failed` and `cancelled` are final.
 *
 * @public
 */
export const DR_RUN_STATES = [
  'pending',
  'running',
  'waiting',
  'cancelling',
  'completed',
  'failed',
  'cancelled',
] as const;

/**
 * One of {@link DR_RUN_STATES}.
 *
 * @public
 */
export type DrRunState = (typeof DR_RUN_STATES)[number];

/**
 * Whether a run in this state still holds its entity (no other run may start).
 *
 * @public
 */
export function isActiveRunState(state: DrRunState): boolean {
  return (
    state === 'pending' ||
    state === 'running' ||
    state === 'waiting' ||
    state === 'cancelling'
  );
}

/**
 * The steps of a run, in order. Which steps a run has depends on its type and the strategy:
 *
 * - `preflight`: the recovery (target) cluster is reachable; the newest counted recovery point is
 *   within the RPO (else `acceptDataLoss` is needed); replication is healthy; no other active run.
 * - `fence` (failover, failback): stop writes on the side being left (scale to 0, annotate;
 *   CloudNativePG demotion).
 * - `promote`: by strategy (Velero Restore, scale up on replicated volumes, CloudNativePG
 *   promotion); none for active-active. A drill restores into `dr-drill-<entity>-<run id>`.
 * - `scale-up-and-verify`: workloads reach their desired ready replicas; the optional health URL
 *   answers 2xx.
 * - `traffic-gate` (failover, failback): a person confirms traffic goes to the new side.
 * - `cleanup` (drill): the drill namespace is deleted (unless kept).
 *
 * @public
 */
export const DR_RUN_STEPS = [
  'preflight',
  'fence',
  'promote',
  'scale-up-and-verify',
  'traffic-gate',
  'cleanup',
] as const;

/**
 * One of {@link DR_RUN_STEPS}.
 *
 * @public
 */
export type DrRunStepName = (typeof DR_RUN_STEPS)[number];

/**
 * A Kubernetes object a step created, changed or deleted (or would, in a plan).
 *
 * @public
 */
export interface DrRunObjectChange {
  cluster: string;
  /** e.g. `velero.io/v1`, `apps/v1`. */
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  action: 'create' | 'patch' | 'delete';
  /** The object created (`create`) or the merge patch applied (`patch`). */
  body?: unknown;
}

/**
 * One log line of a step.
 *
 * @public
 */
export interface DrRunLogLine {
  /** RFC 3339. */
  time: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/**
 * One step of a run, as recorded in the plugin's database.
 *
 * @public
 */
export interface DrRunStep {
  name: DrRunStepName;
  state: 'pending' | 'running' | 'waiting' | 'completed' | 'failed' | 'skipped';
  /** RFC 3339. */
  startedAt?: string;
  /** RFC 3339. */
  endedAt?: string;
  objects: DrRunObjectChange[];
  log: DrRunLogLine[];
  /** Why the step failed. */
  error?: string;
}

/**
 * The options a run is started with.
 *
 * @public
 */
export interface DrRunOptions {
  /**
   * Go on although the newest counted recovery point is older than the RPO target; the data-loss
   * window (seconds) is recorded with the run.
   */
  acceptDataLoss?: boolean;
  /** Go on although the side being left cannot be reached to fence it (recorded). */
  primaryUnreachable?: boolean;
  /** Drill: keep the drill namespace after verifying instead of deleting it. */
  keepNamespace?: boolean;
}

/**
 * The body of `POST /runs`.
 *
 * @public
 */
export interface DrRunCreateRequest extends DrRunOptions {
  type: DrRunType;
  /** The catalog entity, e.g. `component:default/orders-db`. */
  entityRef: string;
  /** Answer with the plan: every object the run would create or patch, touching nothing. */
  dryRun?: boolean;
}

/**
 * A drill, failover or failback of one catalog entity.
 *
 * @public
 */
export interface DrRun {
  id: string;
  type: DrRunType;
  entityRef: string;
  state: DrRunState;
  strategy: DrStrategy;
  /** The cluster being left (failover: the primary; failback: the recovery cluster; drill: none is touched). */
  fromCluster: string;
  /** The cluster the service comes up on (drill: the recovery cluster). */
  toCluster: string;
  options: DrRunOptions;
  /** Seconds of data that may be lost (now − the newest counted recovery point) at preflight; null when unknown. */
  dataLossWindowSeconds?: number | null;
  /** Entity ref of the user who started it. */
  createdBy: string;
  /** RFC 3339. */
  createdAt: string;
  /** RFC 3339, when the run ended (completed, failed or cancelled). */
  endedAt?: string;
  /** RFC 3339, when the service was verified up on `toCluster`. */
  verifiedAt?: string;
  /** `verifiedAt − createdAt` in whole seconds, once verified. */
  measuredRtoSeconds?: number;
  /** Who confirmed the traffic gate, and when (RFC 3339). */
  trafficConfirmedBy?: string;
  trafficConfirmedAt?: string;
  /** The drill's namespace on the recovery cluster. */
  drillNamespace?: string;
  steps: DrRunStep[];
  /** Why the run failed or was cancelled. */
  error?: string;
}

/**
 * The answer to a dry run: what the run would do, touching nothing.
 *
 * @public
 */
export interface DrRunPlan {
  type: DrRunType;
  entityRef: string;
  strategy: DrStrategy;
  fromCluster: string;
  toCluster: string;
  /** Seconds of data that would be lost now; null when there is no counted recovery point. */
  dataLossWindowSeconds: number | null;
  /** Whether the run needs `acceptDataLoss` (the window is above the RPO target, or unknown). */
  needsAcceptDataLoss: boolean;
  steps: Array<{ name: DrRunStepName; objects: DrRunObjectChange[] }>;
  /** Preflight findings a person should read before starting. */
  warnings: string[];
}
