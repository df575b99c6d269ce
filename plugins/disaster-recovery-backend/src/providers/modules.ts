import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  cloudNativePgBackupsProvider,
  cloudNativePgProvider,
  createK8ssandraProvider,
  csiSnapshotsProvider,
  kastenProvider,
  kubestashProvider,
  volumeReplicationProvider,
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

/**
 * CloudNativePG backups: `Backup` and `ScheduledBackup` (`postgresql.cnpg.io/v1`) to an object
 * store (in-tree Barman Cloud or the barman-cloud plugin's `ObjectStore`,
 * `barmancloud.cnpg.io/v1`) or volume snapshots; the cluster's WAL archiving.
 *
 * @public
 */
export const drModuleCloudNativePgBackupsProvider = providerModule(
  'cloudnative-pg-backups-provider',
  cloudNativePgBackupsProvider,
);

/**
 * Storage replication: csi-addons `VolumeReplication`, `VolumeGroupReplication` and their classes
 * (`replication.storage.openshift.io/v1alpha1`), e.g. Ceph RBD mirroring, as replication of PVCs.
 *
 * @public
 */
export const drModuleVolumeReplicationProvider = providerModule(
  'volume-replication-provider',
  volumeReplicationProvider,
);

/**
 * KubeStash (`core.kubestash.com` BackupConfiguration, BackupSession, RestoreSession;
 * `storage.kubestash.com` Snapshot, Repository, BackupStorage) and the legacy Stash
 * (`stash.appscode.com` BackupConfiguration, BackupSession, RestoreSession, Repository).
 *
 * @public
 */
export const drModuleKubeStashProvider = providerModule(
  'kubestash-provider',
  kubestashProvider,
);

/**
 * Kasten K10: `Policy` and `Profile` (`config.kio.kasten.io`), `RunAction`, `BackupAction`,
 * `ExportAction`, `RestoreAction` (`actions.kio.kasten.io`) and `RestorePoint`,
 * `RestorePointContent` (`apps.kio.kasten.io`).
 *
 * @public
 */
export const drModuleKastenProvider = providerModule(
  'kasten-provider',
  kastenProvider,
);

/**
 * K8ssandra: `K8ssandraCluster` (`k8ssandra.io`), `CassandraDatacenter`
 * (`cassandra.datastax.com`), `CassandraTask` (`control.k8ssandra.io`) and Medusa's backups,
 * schedules, restore jobs and configurations (`medusa.k8ssandra.io`). Reads
 * `disasterRecovery.cassandra.keyspacesReplicateToAllDcs`.
 *
 * @public
 */
export const drModuleK8ssandraProvider = createBackendModule({
  pluginId: 'disaster-recovery',
  moduleId: 'k8ssandra-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        extension: drStatusProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ extension, config }) {
        extension.addStatusProvider(
          createK8ssandraProvider({
            keyspacesReplicateToAllDcs:
              config.getOptionalBoolean(
                'disasterRecovery.cassandra.keyspacesReplicateToAllDcs',
              ) ?? false,
          }),
        );
      },
    });
  },
});
