import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ClusterResource,
  DrClusterHealth,
  DrClusterOverview,
  drClustersDetailsPermission,
} from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import { DrStatusStore } from '../database/DrStatusStore';

/**
 * A cluster's state from its stored health: `unreachable` when it answered nothing, `degraded`
 * with the resource types that could not be read, `ok` otherwise. A CRD that is not installed
 * is no error (see `readClusters`), so it never makes a cluster degraded.
 */
export function clusterState(
  health: DrClusterHealth,
): Pick<DrClusterOverview, 'state' | 'failingResources'> {
  if (!health.reachable) {
    return { state: 'unreachable', failingResources: [] };
  }
  const failingResources = [
    ...new Set<ClusterResource>(health.errors.flatMap(e => e.resources)),
  ];
  return {
    state: failingResources.length > 0 ? 'degraded' : 'ok',
    failingResources,
  };
}

/**
 * Adds `GET /clusters`: `{ items: DrClusterOverview[] }`, one item per cluster the last refresh
 * read, by name. Each has its health (`reachable`, `providers`, `checkedAt`), its `state` (`ok`,
 * `degraded` with `failingResources`, `unreachable`), its read `errors` by kind and resource
 * types, and the BackupStorageLocations on it used by services the caller may read (as
 * `/overview` decides: `catalog.entity.read`), with how many of those services use each.
 * The errors' `message`s are there only for a caller allowed
 * `disaster-recovery.clusters.details`. Empty `items` before the first refresh.
 *
 * @param options.access - how the caller's rights are known. Without it no caller gets the
 *   errors' messages, and every service is counted (as when the caller may read every service).
 * @param options.access.readableRefs - the services the request's caller may read (undefined:
 *   every one)
 */
export function addClusterRoutes(
  router: express.Router,
  options: {
    store: DrStatusStore;
    access?: {
      httpAuth: HttpAuthService;
      permissions: PermissionsService;
      readableRefs: (
        req: express.Request,
      ) => Promise<ReadonlySet<string> | undefined>;
    };
  },
) {
  const { store, access } = options;
  /** Whether the caller may see error messages, and which services are counted. */
  const rightsOf = async (req: express.Request) => {
    if (!access) {
      return { details: false, readable: undefined };
    }
    const credentials = await access.httpAuth.credentials(req);
    const [[decision], readable] = await Promise.all([
      access.permissions.authorize(
        [{ permission: drClustersDetailsPermission }],
        { credentials },
      ),
      access.readableRefs(req),
    ]);
    return { details: decision.result === AuthorizeResult.ALLOW, readable };
  };
  router.get('/clusters', async (req, res) => {
    const [{ details, readable }, health] = await Promise.all([
      rightsOf(req),
      store.clusterHealth(),
    ]);
    const locations = await store.storageLocations(readable);
    const items: DrClusterOverview[] = health.map(h => ({
      ...h,
      ...clusterState(h),
      errors: h.errors.map(({ resources, kind, message }) =>
        details ? { resources, kind, message } : { resources, kind },
      ),
      storageLocations: locations.filter(l => l.cluster === h.cluster),
    }));
    res.json({ items });
  });
}
