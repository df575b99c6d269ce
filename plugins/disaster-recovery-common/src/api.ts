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
  firstReason?: string;
  rpoSeconds?: number;
  achievedRpoSeconds?: number;
  rtoSeconds?: number;
  measuredRtoSeconds?: number;
  /** RFC 3339. */
  lastDrillAt?: string;
  /** RFC 3339: the newest counted recovery point. */
  newestRecoveryPointAt?: string;
  clusters: string[];
  /** Present for declared services. */
  status?: DrStatus;
  /** Present for invalid declarations. */
  problems?: DrDeclarationProblem[];
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
 * The answer of `GET /overview`.
 *
 * @public
 */
export interface DrOverviewResponse {
  /** The page of services, without `status` and `problems`. */
  items: DrServiceRecord[];
  /** Services matching the filters, over all pages. */
  totalCount: number;
  /** Counts of the matching services by verdict and by tier. */
  counts: { verdict: Record<string, number>; tier: Record<string, number> };
  /** RFC 3339: the newest refresh; undefined before the first. */
  updatedAt?: string;
}
