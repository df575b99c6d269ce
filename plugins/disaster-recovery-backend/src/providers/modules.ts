import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  cloudNativePgProvider,
  csiSnapshotsProvider,
  strimziProvider,
  veleroProvider,
  volSyncProvider,
  workloadsProvider,
} from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DrStatusProvider,
  drStatusProvidersExtensionPoint,
} from '@backstage-dr/plugin-disaster-recovery-node';

function providerModule(moduleId: string, ...providers: DrStatusProvider[]) {
  return createBackendModule({
    pluginId: 'disaster-recovery',
    moduleId,
    register(reg) {
      reg.registerInit({
        deps: { extension: drStatusProvidersExtensionPoint },
        async init({ extension }) {
          extension.addStatusProvider(...providers);
        },
      });
    },
  });
}

/**
 * The service's workloads: `PersistentVolumeClaim`s, `StatefulSet`s and `Deployment`s.
 *
 * @public
 */
export const drModuleWorkloadsProvider = providerModule(
  'workloads-provider',
  workloadsProvider,
);

/**
 * Velero: `Backup`, `Schedule`, `Restore` and `BackupStorageLocation` (`velero.io/v1`).
 *
 * @public
 */
export const drModuleVeleroProvider = providerModule(
  'velero-provider',
  veleroProvider,
);

/**
 * CSI snapshots: `VolumeSnapshot` (`snapshot.storage.k8s.io/v1`), shown as local recovery points.
 *
 * @public
 */
export const drModuleCsiSnapshotsProvider = providerModule(
  'csi-snapshots-provider',
  csiSnapshotsProvider,
);

/**
 * VolSync: `ReplicationSource` and `ReplicationDestination` (`volsync.backube/v1alpha1`).
 *
 * @public
 */
export const drModuleVolSyncProvider = providerModule(
  'volsync-provider',
  volSyncProvider,
);

/**
 * CloudNativePG: `Cluster` (`postgresql.cnpg.io/v1`), primary and replica clusters.
 *
 * @public
 */
export const drModuleCloudNativePgProvider = providerModule(
  'cloudnative-pg-provider',
  cloudNativePgProvider,
);

/**
 * Strimzi: `KafkaMirrorMaker2` (`kafka.strimzi.io/v1`), connector and task states.
 *
 * @public
 */
export const drModuleStrimziProvider = providerModule(
  'strimzi-provider',
  strimziProvider,
);
