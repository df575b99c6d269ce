import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Start a refresh of the DR status from every cluster (`POST /refresh` of the DR backend).
 *
 * @public
 */
export const drStatusRefreshPermission = createPermission({
  name: 'disaster-recovery.status.refresh',
  attributes: { action: 'update' },
});

/**
 * Start a non-disruptive DR drill of an entity: a test restore into an isolated namespace.
 * A resource permission on the catalog entity.
 *
 * @public
 */
export const drDrillCreatePermission = createPermission({
  name: 'disaster-recovery.drill.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Start a failover of an entity to its recovery cluster (fence, promote, verify).
 * A resource permission on the catalog entity.
 *
 * @public
 */
export const drFailoverCreatePermission = createPermission({
  name: 'disaster-recovery.failover.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Start a failback of an entity to its primary cluster. A resource permission on the catalog entity.
 *
 * @public
 */
export const drFailbackCreatePermission = createPermission({
  name: 'disaster-recovery.failback.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

/**
 * Cancel or resume a running drill, failover or failback of an entity.
 * A resource permission on the catalog entity.
 *
 * @public
 */
export const drRunUpdatePermission = createPermission({
  name: 'disaster-recovery.run.update',
  attributes: { action: 'update' },
  resourceType: 'catalog-entity',
});

/**
 * See the drill, failover and failback runs of an entity (`GET /runs`). A resource permission on
 * the catalog entity.
 *
 * @public
 */
export const drRunReadPermission = createPermission({
  name: 'disaster-recovery.run.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

/**
 * See why clusters could not be read (`GET /clusters`: the `message` of each item's `errors`, as
 * the API server or the Kubernetes backend worded it: RBAC subjects, addresses, TLS problems).
 * Without it, a caller still sees each cluster's state, the resource types that failed and the
 * kind of failure. Meant for platform engineers, who run the clusters.
 *
 * @public
 */
export const drClustersDetailsPermission = createPermission({
  name: 'disaster-recovery.clusters.details',
  attributes: { action: 'read' },
});

/**
 * Every permission of the DR suite, for `createPermissionIntegrationRouter`.
 *
 * @public
 */
export const drPermissions = [
  drStatusRefreshPermission,
  drDrillCreatePermission,
  drFailoverCreatePermission,
  drFailbackCreatePermission,
  drRunUpdatePermission,
  drRunReadPermission,
  drClustersDetailsPermission,
];
