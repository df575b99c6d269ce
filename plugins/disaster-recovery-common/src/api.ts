import { DrRunState, DrRunType } from './runs';
import { DrDeclarationProblem } from './declaration';
import { ClusterResource, DrStatus, DrVerdict } from './evaluation';

// The shapes of the DR backend's HTTP API (`/api/disaster-recovery`), shared with the frontend.

/**
 * The stored DR status of one catalog entity, as the API returns it.
 *
 * @public
 */
export interface DrServiceRecord {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  title?: string;
  /** Entity ref of the owner, e.g. `group:default/payments-team`. */
  owner?: string;
  system?: string;
  tier?: string;
  /** 0 for the most critical tier. */
  tierRank?: number;
  strategy?: string;
  verdict: DrVerdict;
  /** The first reason of the verdict, followed by its next step when it has one. */
  firstReason?: string;
  /** The next step of the first reason alone (what to do about it), when it has one. */
  firstNextStep?: string;
  rpoSeconds?: number;
  achievedRpoSeconds?: number;
  rtoSeconds?: number;
  measuredRtoSeconds?: number;
  /** RFC 3339. */
  lastDrillAt?: string;
  /** RFC 3339: the newest counted recovery point. */
  newestRecoveryPointAt?: string;
  clusters: string[];
  /**
   * The cluster(s) the service runs on when it is not failed over: the declared
   * `disaster-recovery/primary-cluster`, else where the evaluation found its workloads serving
   * (several when that is ambiguous). After a failover see `activeCluster`: this stays the
   * cluster a failback returns to. Undefined for undeclared services and records stored before
   * the field existed (until the next refresh).
   */
  primaryClusters?: string[];
  /** The declared `disaster-recovery/recovery-cluster`, where a failover goes. */
  recoveryCluster?: string;
  /** Present for declared services. */
  status?: DrStatus;
  /** Present for invalid declarations. */
  problems?: DrDeclarationProblem[];
  /**
   * For an invalid declaration: the verdict the evidence gives when judged with the valid parts
   * of the declaration (tier, clusters, targets that parse; the tier's defaults for the rest), so
   * that a service with no usable recovery point is counted among its tier's exposed services.
   * Undefined when nothing could be judged (no valid tier, no Kubernetes annotations).
   */
  evidenceVerdict?: DrStatus['verdict'];
  /**
   * Where the service runs after a completed failover (the recovery cluster) until a failback
   * completes; undefined while it runs on its declared primary. The evaluation then judges the
   * active cluster as the primary.
   */
  activeCluster?: string;
  /** RFC 3339: since when it runs on `activeCluster`, and the failover run that moved it. */
  activeSince?: string;
  activeRunId?: string;
  /** The entity's active (not finished) drill, failover or failback run, if any. */
  activeRun?: { id: string; type: DrRunType; state: DrRunState };
  /** RFC 3339: when this status was computed. */
  updatedAt: string;
}

/**
 * One point of a service's compliance history.
 *
 * @public
 */
export interface DrHistoryPoint {
  /** RFC 3339. */
  time: string;
  /** `refresh`: one refresh; `hour` / `day`: the last refresh of that hour or day, kept by compaction. */
  resolution: 'refresh' | 'hour' | 'day';
  verdict: DrVerdict;
  achievedRpoSeconds: number | null;
}

/**
 * The health of one cluster as the last refresh saw it.
 *
 * @public
 */
export interface DrClusterHealth {
  cluster: string;
  /** Whether the cluster answered at all. */
  reachable: boolean;
  /** Per status provider: installed (every CRD present), not installed, or unknown (read failed). */
  providers: Array<{
    id: string;
    title: string;
    state: 'installed' | 'not-installed' | 'unknown';
  }>;
  /** Why resources could not be read; empty when everything was read. */
  errors: Array<{
    resources: ClusterResource[];
    kind: string;
    message: string;
  }>;
  /** RFC 3339. */
  checkedAt: string;
}

/**
 * A Velero BackupStorageLocation that at least one service backs up to, as the last refresh saw
 * it.
 *
 * @public
 */
export interface DrStorageLocationHealth {
  cluster: string;
  name: string;
  /** `status.phase`: `Available`, `Unavailable`, or `Unknown` when not reported. */
  phase: string;
  /** `status.message`, why it is unavailable. */
  message?: string;
  /** RFC 3339: `status.lastValidationTime`. */
  lastValidationTime?: string;
  /** How many services' recovery points use it (in `GET /clusters`: services the caller may read). */
  services: number;
}

/**
 * One item of `GET /clusters`: a cluster's health and the storage locations on it that the
 * caller's services use.
 *
 * @public
 */
export interface DrClusterOverview extends Omit<DrClusterHealth, 'errors'> {
  /**
   * - `unreachable`: the cluster answered no request of the last refresh (connection refused or
   *   closed, TLS failure, no answer within the request timeout, a cluster the Kubernetes backend
   *   does not know);
   * - `degraded`: it answered, but some resource types could not be read (`failingResources`):
   *   401, 403, 5xx, a list that was not a Kubernetes list, a continue token that kept expiring
   *   (410), or no answer any more after some types were read;
   * - `ok`: every resource type was read.
   *
   * A CRD that is not installed (its list answers 404 `NotFound`) is not a failure: no object of
   * that type can exist without it, so nothing is missing from the evidence. The cluster stays
   * `ok` and the provider is `not-installed` in `providers`.
   */
  state: 'ok' | 'degraded' | 'unreachable';
  /**
   * When `degraded`, the resource types that could not be read (keys of `ClusterObjects`, in the
   * order they were read); empty otherwise (`ok`: all were read; `unreachable`: none was).
   */
  failingResources: ClusterResource[];
  /**
   * Why resources could not be read, by kind (`unauthorized`, `forbidden`, `server-error`,
   * `timeout`, `unreachable`, `unknown-cluster`, `malformed`). `message` (the API server's or the
   * Kubernetes backend's words) only for callers allowed `disaster-recovery.clusters.details`.
   */
  errors: Array<{
    resources: ClusterResource[];
    kind: string;
    message?: string;
  }>;
  /**
   * The BackupStorageLocations on the cluster that at least one service the caller may read
   * backs up to; `services` counts only those services.
   */
  storageLocations: DrStorageLocationHealth[];
}

/**
 * The answer of `GET /overview`.
 *
 * @public
 */
export interface DrOverviewResponse {
  /** The page of services, without `status` and `problems`. */
  items: DrServiceRecord[];
  /** Services matching the filters, over all pages. */
  totalCount: number;
  /**
   * Counts of the matching services (over all pages): by verdict, by tier, and by owner;
   * `tierVerdict` and `ownerVerdict` split each tier and owner by verdict, e.g.
   * `tierVerdict['tier-1'].breached`. Services without a tier or owner count under none of those.
   */
  counts: {
    verdict: Record<string, number>;
    tier: Record<string, number>;
    owner?: Record<string, number>;
    tierVerdict?: Record<string, Record<string, number>>;
    ownerVerdict?: Record<string, Record<string, number>>;
  };
  /**
   * Of the matching services of the two most critical tiers (`tierRank` 0 and 1), the one whose
   * newest counted recovery point is the oldest, and how many have no counted recovery point at
   * all. Undefined when none matches.
   */
  criticalRecoveryPoints?: DrCriticalRecoveryPoints;
  /**
   * The values the filters can take, over every service the caller may read (not only the
   * matching ones), sorted: tier names most critical first, the others by name.
   */
  facets?: DrOverviewFacets;
  /**
   * Asked for with `attention=<n>`: the first `n` breached and at-risk services among the
   * matching ones (without `status` and `problems`), breached first, then the most critical tier,
   * then the worst exposure (no counted recovery point first, then the largest achieved RPO), as
   * `sort=attention` orders them; `totalCount` counts all of them.
   */
  attention?: { items: DrServiceRecord[]; totalCount: number };
  /** RFC 3339: the newest refresh; undefined before the first. */
  updatedAt?: string;
}

/**
 * The oldest recovery point among the tier-0 and tier-1 services of an overview.
 *
 * @public
 */
export interface DrCriticalRecoveryPoints {
  /** Services of `tierRank` 0 or 1 among the matching ones. */
  services: number;
  /** Those without any counted recovery point. */
  withoutRecoveryPoint: number;
  /** The service whose newest counted recovery point is the oldest, if any has one. */
  oldest?: {
    entityRef: string;
    name: string;
    tier: string;
    /** RFC 3339: its newest counted recovery point. */
    time: string;
    /** Its achieved RPO in seconds at the last refresh. */
    achievedRpoSeconds?: number;
    rpoSeconds?: number;
  };
}

/**
 * The values of the overview's filters.
 *
 * @public
 */
export interface DrOverviewFacets {
  tier: string[];
  /** Owner entity refs. */
  owner: string[];
  cluster: string[];
  strategy: string[];
}

/**
 * One day of the compliance trend of every service: how many services had each verdict at the
 * end of the day (each service's last history point of that day, UTC).
 *
 * @public
 */
export interface DrOverviewHistoryDay {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  /** Services by verdict; verdicts without services are left out. */
  counts: Partial<Record<DrVerdict, number>>;
  /** Services with a history point that day. */
  total: number;
}

/**
 * The answer of `GET /overview/history`: one entry a day, oldest first, including days without
 * history (empty `counts`).
 *
 * @public
 */
export interface DrOverviewHistoryResponse {
  days: DrOverviewHistoryDay[];
}
