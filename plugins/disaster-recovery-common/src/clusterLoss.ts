import { DrStatus, DrVerdict } from './evaluation';

// The shapes of `GET /overview/cluster-loss`: what would be lost, and what could come back, if
// one cluster failed now.

/**
 * The state of a cluster as the last refresh saw it: `ok` (everything read), `degraded` (some
 * resource types could not be read), `unreachable` (it did not answer), or `unknown` (no refresh
 * has read it).
 *
 * @public
 */
export type DrClusterLossClusterState =
  | 'ok'
  | 'degraded'
  | 'unreachable'
  | 'unknown';

/**
 * One service that runs on the lost cluster, and how it would come back.
 *
 * @public
 */
export interface DrClusterLossService {
  entityRef: string;
  name: string;
  title?: string;
  /** Entity ref of the owner, e.g. `group:default/payments-team`. */
  owner?: string;
  tier?: string;
  /** 0 for the most critical tier. */
  tierRank?: number;
  strategy?: string;
  verdict: DrVerdict;
  /**
   * `primary`: the cluster is its primary cluster; `active`: it runs there after a failover
   * (the cluster is its recovery cluster, or the one it failed over to).
   */
  role: 'primary' | 'active';
  /** The RPO target in seconds. */
  rpoSeconds?: number;
  /**
   * The data the service would lose, in seconds: now − the newest recovery point that survives
   * the cluster's loss of its worst PVC (of any counted point when it has no PVC). Null when it has
   * no such recovery point: everything since it started would be lost.
   */
  exposureSeconds: number | null;
  /** The PVC (`namespace/name`) whose recovery point is the oldest, when the service has PVCs. */
  worstPvc?: string;
  /** Whether it would lose more than its RPO target (or has no counted recovery point). */
  overRpo: boolean;
  /**
   * Where it would come back: its declared recovery cluster, or after a failover the cluster it
   * left. Undefined when none is declared (or it is the lost cluster itself).
   */
  recoveryCluster?: string;
  /** The state of `recoveryCluster` at the last refresh. */
  recoveryClusterState?: DrClusterLossClusterState;
  /**
   * The newest recovery point that survives the loss (counted), or null when there is none.
   * `onRecoveryCluster`: whether that point, or another counted one, is seen on the recovery
   * cluster itself (a synced backup copy, a replica) rather than only from the lost cluster.
   */
  recoveryPoint: {
    /** RFC 3339. */
    time: string;
    kind: string;
    name: string;
    namespace?: string;
    cluster: string;
    onRecoveryCluster: boolean;
  } | null;
  /**
   * The last restore test: a drill or failover run, or a `Completed` Velero Restore in the
   * recovery cluster. Null when it has never been restored.
   */
  lastRestore: {
    kind: NonNullable<DrStatus['lastDrill']>['kind'];
    name: string;
    cluster?: string;
    /** RFC 3339: when it completed. */
    completedAt: string;
    measuredRtoSeconds: number;
  } | null;
  /** The measured RTO (seconds) of the last restore test, if any. */
  measuredRtoSeconds?: number;
  /** The RTO target in seconds. */
  rtoSeconds?: number;
  /** Whether the measured RTO is above the RTO target. */
  overRto: boolean;
  /**
   * Whether it can come back: `yes` (a recovery cluster that answers, a recovery point that
   * survives, a restore tested within its RTO), `doubtful` (it might: untested, over its RTO, the
   * recovery cluster degraded or not read), `no` (no recovery cluster, it is unreachable, or no
   * recovery point survives).
   */
  recoverable: 'yes' | 'doubtful' | 'no';
  /** Why it is not `yes`, in plain words, most serious first; empty when `yes`. */
  gaps: string[];
}

/**
 * The services of one owner, worst exposure first.
 *
 * @public
 */
export interface DrClusterLossGroup {
  /** The owner's entity ref; undefined for services without an owner. */
  owner?: string;
  services: DrClusterLossService[];
}

/**
 * The answer of `GET /overview/cluster-loss?cluster=`: every service the caller may read whose
 * primary (or, after a failover, active) cluster it is, grouped by owner.
 *
 * @public
 */
export interface DrClusterLossResponse {
  cluster: string;
  /** The state of the cluster itself at the last refresh. */
  clusterState: DrClusterLossClusterState;
  totals: {
    services: number;
    /** Services of the most critical tier (`tierRank` 0). */
    mostCriticalTier: number;
    /** That tier's name, e.g. `tier-0`; undefined when no service has a ranked tier. */
    mostCriticalTierName?: string;
    /** Services that would lose more than their RPO target. */
    overRpo: number;
    /** Services never restored (no drill, failover or Restore as evidence). */
    neverRestored: number;
    /** Services with `recoverable: 'no'`. */
    cannotComeBack: number;
  };
  /**
   * The totals as one sentence, e.g. `14 services, 3 tier-0: 2 would lose more than their RPO,
   * 1 has never been restored.`
   */
  summary: string;
  /** Groups by owner: the group with the worst exposure first; services worst exposure first. */
  groups: DrClusterLossGroup[];
  /** RFC 3339: the time the exposure is computed for. */
  evaluatedAt: string;
}
