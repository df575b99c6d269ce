import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  DrClusterLossResponse,
  DrClusterOverview,
  DrHistoryPoint,
  DrOverviewHistoryResponse,
  DrOverviewResponse,
  DrRun,
  DrRunCreateRequest,
  DrRunPlan,
  DrServiceRecord,
  DrStrategy,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * An entity, by its ref string (`component:default/payments-api`) or its parts.
 *
 * @public
 */
export type DisasterRecoveryEntityRef = string | CompoundEntityRef;

/**
 * The filters, sorting and paging of {@link DisasterRecoveryApi.getOverview}. Every filter takes
 * one value or several (any of them matches).
 *
 * @public
 */
export interface DisasterRecoveryOverviewQuery {
  tier?: string | string[];
  /** Owner entity refs, e.g. `group:default/payments-team`. */
  owner?: string | string[];
  verdict?: DrVerdict | DrVerdict[];
  cluster?: string | string[];
  /**
   * With `cluster`: match the cluster only in one role: `primary` (where the service runs now,
   * its active cluster after a failover) or `recovery` (where it would go). Any role by default.
   */
  clusterRole?: 'primary' | 'recovery';
  strategy?: DrStrategy | DrStrategy[];
  /** Text searched in the entity's name and title. */
  q?: string;
  /**
   * `name`, `owner`, `system`, `tier`, `strategy`, `verdict`, `achievedRpo`, `measuredRto` or
   * `lastDrill`, optionally followed by `:asc` or `:desc`. Default `tier:asc`. `attention`:
   * breached, then at risk, then the others; the most critical tier, then the worst exposure
   * first.
   */
  sort?: string;
  offset?: number;
  /** 1 to 500; default 50. */
  limit?: number;
  /**
   * 1 to 50: also answer the first `attention` breached and at-risk services among the matching
   * ones, in the `attention` order (`DrOverviewResponse.attention`), in the same request.
   */
  attention?: number;
}

/**
 * What {@link DisasterRecoveryApi.createRun} and {@link DisasterRecoveryApi.planRun} take: the
 * kind of run, the entity and the options (`acceptDataLoss`, `primaryUnreachable`,
 * `keepNamespace`).
 *
 * @public
 */
export type DisasterRecoveryRunRequest = Omit<DrRunCreateRequest, 'dryRun'>;

/**
 * The client of the DR status backend (`/api/disaster-recovery`).
 *
 * Every method throws a `ResponseError` from `@backstage/errors` when the backend answers with an
 * error, except {@link DisasterRecoveryApi.getStatus}, which answers `undefined` for a 404.
 *
 * @public
 */
export interface DisasterRecoveryApi {
  /**
   * The entity's last DR status: its verdict, targets, achieved values and details.
   *
   * @param entityRef - the entity
   * @returns the record, or `undefined` when no refresh has judged the entity yet (or the
   *   caller may not read it: the backend answers 404 for both)
   */
  getStatus(
    entityRef: DisasterRecoveryEntityRef,
  ): Promise<DrServiceRecord | undefined>;

  /**
   * The entity's compliance history, oldest first.
   *
   * @param entityRef - the entity
   * @param options - the time range; the backend defaults to the last 30 days up to now
   */
  getHistory(
    entityRef: DisasterRecoveryEntityRef,
    options?: { from?: Date | string; to?: Date | string },
  ): Promise<{ items: DrHistoryPoint[] }>;

  /**
   * One page of the DR overview of every service the caller may read, without details, with
   * counts by verdict and tier.
   */
  getOverview(
    query?: DisasterRecoveryOverviewQuery,
  ): Promise<DrOverviewResponse>;

  /**
   * Every service that matches the filters of `query` (all pages; `offset` and `limit` are
   * ignored), in its sort order, as CSV text: one row a service, durations in seconds, times in
   * RFC 3339. The first line names the columns (`entity_ref`, `name`, `owner`, `tier`,
   * `verdict`, `rpo_target_seconds`, `achieved_rpo_seconds`, ...).
   */
  exportOverviewCsv(query?: DisasterRecoveryOverviewQuery): Promise<string>;

  /**
   * The compliance trend of every service the caller may read: per UTC day, oldest first and
   * today last, the services counted by their last verdict of that day.
   *
   * @param options - `days`: how many days, 1 to 90; the backend defaults to 30
   */
  getOverviewHistory(options?: {
    days?: number;
  }): Promise<DrOverviewHistoryResponse>;

  /**
   * The health of every cluster as the last refresh saw it, with the BackupStorageLocations on
   * it that services use.
   */
  getClusters(): Promise<{ items: DrClusterOverview[] }>;

  /**
   * If `cluster` failed now (`GET /overview/cluster-loss`): every service the caller may read
   * whose primary (or, after a failover, active) cluster it is, grouped by owner, worst exposure
   * first, with the data each would lose and whether it can come back, and the totals as a
   * sentence. A `ResponseError` (400) when the backend knows no such cluster.
   */
  getClusterLoss(cluster: string): Promise<DrClusterLossResponse>;

  /**
   * The same services as {@link DisasterRecoveryApi.getClusterLoss}, as CSV text: one row a
   * service, every field quoted, durations in seconds, times in RFC 3339.
   */
  exportClusterLossCsv(cluster: string): Promise<string>;

  /**
   * Starts a refresh of every service's status now. Needs the
   * `disaster-recovery.status.refresh` permission; the new status shows once the refresh ends.
   */
  refresh(): Promise<void>;

  /**
   * Starts a drill, failover or failback of an entity (`POST /runs`). Needs the
   * `disaster-recovery.{drill,failover,failback}.create` permission on the entity (403
   * otherwise); the backend answers 409 while the entity has an active run.
   *
   * @returns the new run, in its first state
   */
  createRun(request: DisasterRecoveryRunRequest): Promise<DrRun>;

  /**
   * What a run would do, touching nothing (`POST /runs` with `dryRun: true`): every object it
   * would create or patch, on which cluster, with the body, the data-loss window and the
   * preflight's warnings.
   */
  planRun(request: DisasterRecoveryRunRequest): Promise<DrRunPlan>;

  /** One run with its steps, their objects and log lines (`GET /runs/:id`). */
  getRun(id: string): Promise<DrRun>;

  /** The runs of an entity, newest first (`GET /runs?entityRef=`). */
  listRuns(entityRef: DisasterRecoveryEntityRef): Promise<{ items: DrRun[] }>;

  /**
   * Confirms, at a run's traffic gate, that traffic now goes to the new side
   * (`POST /runs/:id/confirm`). Needs `disaster-recovery.run.update` on the entity.
   *
   * @returns the run after the confirmation
   */
  confirmRun(id: string): Promise<DrRun>;

  /**
   * Cancels a run before its promote step; the fence is undone (`POST /runs/:id/cancel`). The
   * backend answers 409 once the run has promoted. Needs `disaster-recovery.run.update`.
   *
   * @returns the run after the cancellation was accepted
   */
  cancelRun(id: string): Promise<DrRun>;
}

/**
 * The {@link DisasterRecoveryApi}.
 *
 * @public
 */
export const disasterRecoveryApiRef = createApiRef<DisasterRecoveryApi>({
  id: 'plugin.disaster-recovery.service',
});
