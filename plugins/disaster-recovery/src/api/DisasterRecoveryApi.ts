import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  DrClusterHealth,
  DrHistoryPoint,
  DrOverviewResponse,
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
  strategy?: DrStrategy | DrStrategy[];
  /** Text searched in the entity's name and title. */
  q?: string;
  /**
   * `name`, `owner`, `system`, `tier`, `strategy`, `verdict`, `achievedRpo`, `measuredRto` or
   * `lastDrill`, optionally followed by `:asc` or `:desc`. Default `tier:asc`.
   */
  sort?: string;
  offset?: number;
  /** 1 to 500; default 50. */
  limit?: number;
}

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

  /** The health of every cluster as the last refresh saw it. */
  getClusters(): Promise<{ items: DrClusterHealth[] }>;

  /**
   * Starts a refresh of every service's status now. Needs the
   * `disaster-recovery.status.refresh` permission; the new status shows once the refresh ends.
   */
  refresh(): Promise<void>;
}

/**
 * The {@link DisasterRecoveryApi}.
 *
 * @public
 */
export const disasterRecoveryApiRef = createApiRef<DisasterRecoveryApi>({
  id: 'plugin.disaster-recovery.service',
});
