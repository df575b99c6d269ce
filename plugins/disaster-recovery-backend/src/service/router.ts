import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createPermissionIntegrationRouter } from '@backstage/plugin-permission-node';
import {
  drPermissions,
  drStatusRefreshPermission,
  DrServiceRecord,
  TierPolicies,
} from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import Router from 'express-promise-router';
import { DrRunStore } from '../database/DrRunStore';
import { DrStatusStore } from '../database/DrStatusStore';
import { RunService } from '../runs/RunService';
import { readableEntityRefs } from './access';
import { addClusterLossRoutes } from './clusterLossRoutes';
import { addClusterRoutes } from './clusterRoutes';
import { addEntityRoutes } from './entityRoutes';
import { addOverviewRoutes } from './overviewRoutes';
import { DrRefreshRequestResult } from './RefreshCoordinator';
import { addRunRoutes, withRunState } from './runRoutes';

/** The id of the scheduled refresh task. */
export const REFRESH_TASK_ID = 'disaster-recovery-refresh';

/**
 * The DR backend's HTTP API, mounted at `/api/disaster-recovery`:
 *
 * - `GET /entities/:kind/:namespace/:name/status`: the entity's stored `DrServiceRecord` with its
 *   `status` (`DrStatus`) or `problems`; 404 when the caller may not read the entity or no
 *   refresh has judged it yet.
 * - `GET /entities/:kind/:namespace/:name/history?from&to`: `{ items: DrHistoryPoint[] }`, RFC 3339
 *   bounds, default the last 30 days.
 * - `GET /overview?tier&owner&verdict&cluster&strategy&q&sort&offset&limit&attention&format`:
 *   `DrOverviewResponse` (`{ items, totalCount, counts: { verdict, tier, owner, tierVerdict,
 *   ownerVerdict }, criticalRecoveryPoints, facets, attention, updatedAt }`) over the services the
 *   caller may read; filters repeat for several values (any matches); `q` searches name and title,
 *   case insensitive; `sort` is `<field>[:asc|desc]`; `limit` ≤ 500 (default 50). Items carry no
 *   details. Counts and `criticalRecoveryPoints` are over every matching service, `facets` over
 *   every readable one. With `attention=<n>` (1 to 50): `attention` holds the first `n` breached
 *   and at-risk services among the matching ones in the `sort=attention` order, and their count,
 *   so that a page needs one request for both. With `format=csv`: every matching service (no paging) as `text/csv`, one
 *   row a service, durations in seconds, times in RFC 3339 (columns: see `CSV_COLUMNS`).
 * - `GET /overview/history?days`: `DrOverviewHistoryResponse`, the last `days` UTC days
 *   (1 to 90, default 30, today included), oldest first: per day, the readable services counted by
 *   their last verdict of that day.
 * - `GET /clusters`: `{ items: DrClusterOverview[] }`: per cluster its health (reachable,
 *   providers, `state` ok / degraded / unreachable with `failingResources`, read errors by kind;
 *   their messages only with `disaster-recovery.clusters.details`) and the
 *   BackupStorageLocations on it used by services the caller may read, with their phase and how
 *   many of those services use each (see `addClusterRoutes`).
 * - `POST /refresh`: asks for a refresh now (permission `disaster-recovery.status.refresh`);
 *   202 `{ accepted: true, state: 'started' }`, or, while a refresh runs,
 *   202 `{ accepted: true, state: 'running', startedAt }` (RFC 3339, the running refresh's start)
 *   and one more refresh runs right after it.
 * - `/runs`: drills, failovers and failbacks, when `runs` is given (see `addRunRoutes`).
 *
 * Records carry the entity's active run and active cluster as the runs are now.
 *
 * Bad query parameters answer 400 naming the parameter and the accepted form.
 *
 * @public
 */
export async function createRouter(options: {
  store: DrStatusStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  /** The tier policies in effect: `/overview` accepts their names as `tier`. */
  policies: TierPolicies;
  /**
   * Asks for a refresh (`POST /refresh`); see `RefreshCoordinator.request`, which coalesces a
   * request made while a refresh runs into one more refresh after it.
   */
  refresh: () => Promise<DrRefreshRequestResult>;
  /** The runs API; without it there is no `/runs` and records carry no run state. */
  runs?: {
    service: RunService;
    store: DrRunStore;
    auditor: AuditorService;
  };
}): Promise<express.Router> {
  const { store, httpAuth, permissions, catalog, refresh, runs } = options;
  const router = Router();
  router.use(express.json());
  router.use(createPermissionIntegrationRouter({ permissions: drPermissions }));
  if (runs) {
    addRunRoutes(router, {
      runs: runs.service,
      runStore: runs.store,
      httpAuth,
      permissions,
      auditor: runs.auditor,
    });
  }
  const runState = <T extends DrServiceRecord>(
    records: readonly T[],
    entityRef?: string,
  ): Promise<readonly T[]> =>
    runs
      ? withRunState(runs.store, records, entityRef)
      : Promise.resolve(records);

  const readableRefs = readableEntityRefs({ httpAuth, permissions, catalog });
  addEntityRoutes(router, { store, httpAuth, catalog, runState });
  addOverviewRoutes(router, {
    store,
    readableRefs,
    runState,
    tiers: options.policies.names(),
  });
  addClusterRoutes(router, {
    store,
    access: { httpAuth, permissions, readableRefs },
  });
  addClusterLossRoutes(router, { store, readableRefs, runState });

  router.post('/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: drStatusRefreshPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not refresh the DR status');
    }
    const result = await refresh();
    res.status(202).json({ accepted: true, ...result });
  });

  return router;
}
