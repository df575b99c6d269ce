import { ClusterResource } from './types';

/**
 * A Kubernetes resource the DR evaluation reads: where it is listed and which key of
 * `ClusterObjects` holds it.
 *
 * @public
 */
export interface DrResourceType {
  /** The key in `ClusterObjects`. */
  resource: ClusterResource;
  /** API group; empty for the core group. */
  group: string;
  version: string;
  /** The plural in REST paths, e.g. `backups`. */
  plural: string;
  kind: string;
  /** The status provider that reads it: `velero`, `csi-snapshots`, `volsync`, `cloudnative-pg`, `strimzi`, `workloads`. */
  provider: string;
}

/**
 * Every resource type the DR evaluation reads, by provider.
 *
 * @public
 */
export const DR_RESOURCE_TYPES: readonly DrResourceType[] = Object.freeze([
  {
    resource: 'backups',
    group: 'velero.io',
    version: 'v1',
    plural: 'backups',
    kind: 'Backup',
    provider: 'velero',
  },
  {
    resource: 'schedules',
    group: 'velero.io',
    version: 'v1',
    plural: 'schedules',
    kind: 'Schedule',
    provider: 'velero',
  },
  {
    resource: 'restores',
    group: 'velero.io',
    version: 'v1',
    plural: 'restores',
    kind: 'Restore',
    provider: 'velero',
  },
  {
    resource: 'backupStorageLocations',
    group: 'velero.io',
    version: 'v1',
    plural: 'backupstoragelocations',
    kind: 'BackupStorageLocation',
    provider: 'velero',
  },
  {
    resource: 'volumeSnapshots',
    group: 'snapshot.storage.k8s.io',
    version: 'v1',
    plural: 'volumesnapshots',
    kind: 'VolumeSnapshot',
    provider: 'csi-snapshots',
  },
  {
    resource: 'replicationSources',
    group: 'volsync.backube',
    version: 'v1alpha1',
    plural: 'replicationsources',
    kind: 'ReplicationSource',
    provider: 'volsync',
  },
  {
    resource: 'replicationDestinations',
    group: 'volsync.backube',
    version: 'v1alpha1',
    plural: 'replicationdestinations',
    kind: 'ReplicationDestination',
    provider: 'volsync',
  },
  {
    resource: 'postgresClusters',
    group: 'postgresql.cnpg.io',
    version: 'v1',
    plural: 'clusters',
    kind: 'Cluster',
    provider: 'cloudnative-pg',
  },
  {
    resource: 'mirrorMakers',
    group: 'kafka.strimzi.io',
    version: 'v1',
    plural: 'kafkamirrormaker2s',
    kind: 'KafkaMirrorMaker2',
    provider: 'strimzi',
  },
  {
    resource: 'persistentVolumeClaims',
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    provider: 'workloads',
  },
  {
    resource: 'statefulSets',
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    kind: 'StatefulSet',
    provider: 'workloads',
  },
  {
    resource: 'deployments',
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    provider: 'workloads',
  },
]);

/**
 * The REST path that lists a resource type in every namespace, e.g. `/apis/velero.io/v1/backups`.
 *
 * @public
 */
export function listPath(type: DrResourceType): string {
  return type.group === ''
    ? `/api/${type.version}/${type.plural}`
    : `/apis/${type.group}/${type.version}/${type.plural}`;
}

/**
 * The resource type of an object by its `apiVersion` and `kind` (as in `kubectl get -o yaml`),
 * or undefined when none of `types` (default: the built-in {@link DR_RESOURCE_TYPES}; pass the
 * providers' `resourceTypes` for theirs) reads that kind. Any served version of the group is
 * accepted (Strimzi `v1beta2` objects map like `v1`).
 *
 * @public
 */
export function resourceTypeOf(
  apiVersion: string | undefined,
  kind: string | undefined,
  types: readonly DrResourceType[] = DR_RESOURCE_TYPES,
): DrResourceType | undefined {
  const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : '';
  return types.find(t => t.kind === kind && t.group === group);
}
