import { createBackendModule } from '@backstage/backend-plugin-api';
import { DR_RESOURCE_TYPES } from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DrStatusProvider,
  drStatusProvidersExtensionPoint,
} from '@backstage-dr/plugin-disaster-recovery-node';

function provider(id: string, title: string): DrStatusProvider {
  return {
    id,
    title,
    resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === id),
  };
}

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
  provider('workloads', 'Workloads'),
);

/**
 * Velero: `Backup`, `Schedule`, `Restore` and `BackupStorageLocation` (`velero.io/v1`).
 *
 * @public
 */
export const drModuleVeleroProvider = providerModule(
  'velero-provider',
  provider('velero', 'Velero'),
);

/**
 * CSI snapshots: `VolumeSnapshot` (`snapshot.storage.k8s.io/v1`), shown as local recovery points.
 *
 * @public
 */
export const drModuleCsiSnapshotsProvider = providerModule(
  'csi-snapshots-provider',
  provider('csi-snapshots', 'CSI snapshots'),
);

/**
 * VolSync: `ReplicationSource` and `ReplicationDestination` (`volsync.backube/v1alpha1`).
 *
 * @public
 */
export const drModuleVolSyncProvider = providerModule(
  'volsync-provider',
  provider('volsync', 'VolSync'),
);

/**
 * CloudNativePG: `Cluster` (`postgresql.cnpg.io/v1`), primary and replica clusters.
 *
 * @public
 */
export const drModuleCloudNativePgProvider = providerModule(
  'cloudnative-pg-provider',
  provider('cloudnative-pg', 'CloudNativePG'),
);

/**
 * Strimzi: `KafkaMirrorMaker2` (`kafka.strimzi.io/v1`), connector and task states.
 *
 * @public
 */
export const drModuleStrimziProvider = providerModule(
  'strimzi-provider',
  provider('strimzi', 'Strimzi'),
);
