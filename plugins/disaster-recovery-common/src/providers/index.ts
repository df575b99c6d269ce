import { DrStatusProvider } from '../evaluation/provider';
import { cloudNativePgProvider } from './cloudnative-pg';
import { cloudNativePgBackupsProvider } from './cloudnative-pg-backups';
import { csiSnapshotsProvider } from './csi-snapshots';
import { k8ssandraProvider } from './k8ssandra';
import { kastenProvider } from './kasten';
import { kubestashProvider } from './kubestash';
import { strimziProvider } from './strimzi';
import { veleroProvider } from './velero';
import { volSyncProvider } from './volsync';
import { volumeReplicationProvider } from './volume-replication';
import { workloadsProvider } from './workloads';

export * from './cloudnative-pg';
export * from './cloudnative-pg-backups';
export * from './csi-snapshots';
export * from './k8ssandra';
export * from './kasten';
export * from './kubestash';
export * from './strimzi';
export * from './velero';
export * from './volsync';
export * from './volume-replication';
export * from './workloads';

/**
 * The built-in status providers, in the order the evaluation runs them: Velero, VolSync,
 * CloudNativePG, Strimzi, CSI snapshots, then the workloads (read only). Other providers run
 * after them, by id.
 *
 * @public
 */
export const DR_BUILT_IN_PROVIDERS: readonly DrStatusProvider[] = Object.freeze(
  [
    veleroProvider,
    volSyncProvider,
    cloudNativePgProvider,
    strimziProvider,
    csiSnapshotsProvider,
    workloadsProvider,
  ],
);

/**
 * Every status provider of this suite: the built-in ones ({@link DR_BUILT_IN_PROVIDERS}) and
 * CloudNativePG backups, csi-addons VolumeReplication, KubeStash and Stash, Kasten K10 and
 * K8ssandra (default options). `dr-check` judges with these; the backend with the provider
 * modules it is given.
 *
 * @public
 */
export const DR_PROVIDERS: readonly DrStatusProvider[] = Object.freeze([
  ...DR_BUILT_IN_PROVIDERS,
  cloudNativePgBackupsProvider,
  volumeReplicationProvider,
  kubestashProvider,
  kastenProvider,
  k8ssandraProvider,
]);
