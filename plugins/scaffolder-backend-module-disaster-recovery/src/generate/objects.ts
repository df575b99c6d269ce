import { formatGoDuration } from '@backstage-dr/plugin-disaster-recovery-common';
import { cnpgSchedule } from './cadence';
import { DrConfigPlan } from './plan';

/** A Kubernetes object as written to YAML. */
export type KubeManifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
};

const GENERATED_BY = {
  'app.kubernetes.io/managed-by': 'backstage-disaster-recovery',
};

/**
 * The Velero `Schedule` (`velero.io/v1`, in Velero's namespace on the primary cluster) that backs
 * up the service: its namespace and labelled objects, with their volumes as CSI snapshots whose
 * data is moved to the BackupStorageLocation (`snapshotMoveData`, so the data survives the loss of
 * the cluster), or with Velero's file-system backup. Kept for the plan's TTL.
 */
export function veleroSchedule(plan: DrConfigPlan): KubeManifest {
  const { backup } = plan;
  const volumes =
    backup.mode === 'snapshot'
      ? { snapshotVolumes: true, snapshotMoveData: true }
      : { snapshotVolumes: false, defaultVolumesToFsBackup: true };
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: {
      name: `${plan.request.name}-dr`,
      namespace: backup.namespace,
      labels: { ...plan.labels, ...GENERATED_BY },
    },
    spec: {
      schedule: backup.cadence.cron,
      useOwnerReferencesInBackup: false,
      template: {
        includedNamespaces: [plan.request.namespace],
        labelSelector: { matchLabels: { ...plan.labels } },
        ...volumes,
        storageLocation: backup.storageLocation,
        ttl: formatGoDuration(backup.ttlSeconds),
      },
    },
  };
}

function keySecret(pvc: string) {
  return `volsync-rsync-tls-${pvc}`;
}

/**
 * VolSync `ReplicationSource`s (`volsync.backube/v1alpha1`), one per PVC, for the primary
 * cluster: rsync over TLS on the plan's schedule, from a snapshot of the PVC, to the address of
 * the matching destination's Service (`volsync-rsync-tls-dst-<name>`) in the recovery cluster.
 */
export function replicationSources(plan: DrConfigPlan): KubeManifest[] {
  const { request } = plan;
  return plan.pvcs.map(pvc => ({
    apiVersion: 'volsync.backube/v1alpha1',
    kind: 'ReplicationSource',
    metadata: {
      name: pvc,
      namespace: request.namespace,
      labels: { ...plan.labels, ...GENERATED_BY },
    },
    spec: {
      sourcePVC: pvc,
      trigger: { schedule: plan.replicationCadence!.cron },
      rsyncTLS: {
        keySecret: keySecret(pvc),
        address: `volsync-rsync-tls-dst-${pvc}.${request.namespace}.${plan.crossClusterDomain}`,
        copyMethod: 'Snapshot',
        ...(request.volumeSnapshotClassName
          ? { volumeSnapshotClassName: request.volumeSnapshotClassName }
          : {}),
      },
    },
  }));
}

/**
 * VolSync `ReplicationDestination`s, one per PVC, for the recovery cluster: they receive the
 * syncs into a volume of the plan's size and keep each sync as a VolumeSnapshot, the image a
 * failover restores the PVC from.
 */
export function replicationDestinations(plan: DrConfigPlan): KubeManifest[] {
  const { request } = plan;
  return plan.pvcs.map(pvc => ({
    apiVersion: 'volsync.backube/v1alpha1',
    kind: 'ReplicationDestination',
    metadata: {
      name: pvc,
      namespace: request.namespace,
      labels: { ...plan.labels, ...GENERATED_BY },
    },
    spec: {
      rsyncTLS: {
        keySecret: keySecret(pvc),
        copyMethod: 'Snapshot',
        capacity: plan.storageSize,
        accessModes: ['ReadWriteOnce'],
        ...(request.storageClassName
          ? { storageClassName: request.storageClassName }
          : {}),
        ...(request.volumeSnapshotClassName
          ? { volumeSnapshotClassName: request.volumeSnapshotClassName }
          : {}),
        serviceType: 'ClusterIP',
      },
    },
  }));
}

/** The CNPG external clusters both sides list: each side's `-rw` Service across clusters. */
function cnpgExternalClusters(plan: DrConfigPlan) {
  const { request } = plan;
  const tls = {
    sslKey: { name: `${plan.cnpgClusterName}-replication`, key: 'tls.key' },
    sslCert: { name: `${plan.cnpgClusterName}-replication`, key: 'tls.crt' },
    sslRootCert: { name: `${plan.cnpgClusterName}-ca`, key: 'ca.crt' },
  };
  return [plan.cnpgClusterName, plan.cnpgReplicaName].map(name => ({
    name,
    connectionParameters: {
      host: `${name}-rw.${request.namespace}.${plan.crossClusterDomain}`,
      user: 'streaming_replica',
      dbname: 'postgres',
      sslmode: 'verify-full',
    },
    ...tls,
  }));
}

/**
 * The CloudNativePG replica `Cluster` (`postgresql.cnpg.io/v1`) for the recovery cluster, in the
 * distributed topology: bootstrapped by `pg_basebackup` from the primary, then streaming from it
 * (`replica.primary` names the primary, `replica.self` this cluster). Two instances for
 * `warm-standby`, one for `pilot-light`.
 */
export function cnpgReplicaCluster(plan: DrConfigPlan): KubeManifest {
  const { request } = plan;
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name: plan.cnpgReplicaName,
      namespace: request.namespace,
      labels: { ...plan.labels, ...GENERATED_BY },
    },
    spec: {
      instances: plan.declaration.strategy === 'warm-standby' ? 2 : 1,
      inheritedMetadata: { labels: { ...plan.labels } },
      storage: {
        size: plan.storageSize,
        ...(request.storageClassName
          ? { storageClass: request.storageClassName }
          : {}),
      },
      bootstrap: { pg_basebackup: { source: plan.cnpgClusterName } },
      replica: {
        self: plan.cnpgReplicaName,
        primary: plan.cnpgClusterName,
        source: plan.cnpgClusterName,
      },
      externalClusters: cnpgExternalClusters(plan),
    },
  };
}

/**
 * The part of the primary CNPG `Cluster` that joins it to the distributed topology: its
 * `replica` stanza (it is the primary; after a switchover it streams from the replica) and the
 * external clusters; and the service's labels in `inheritedMetadata`, which CloudNativePG puts on
 * the PVCs and pods it makes, so that the Velero Schedule's label selector and the DR evaluation
 * find the database's volumes. A merge patch for the existing `Cluster` on the primary cluster.
 */
export function cnpgPrimaryPatch(plan: DrConfigPlan): {
  spec: Record<string, unknown>;
} {
  return {
    spec: {
      inheritedMetadata: { labels: { ...plan.labels } },
      replica: {
        self: plan.cnpgClusterName,
        primary: plan.cnpgClusterName,
        source: plan.cnpgReplicaName,
      },
      externalClusters: cnpgExternalClusters(plan),
    },
  };
}

/** The Barman Cloud CNPG-I plugin. */
const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/**
 * The CloudNativePG `ScheduledBackup` (`postgresql.cnpg.io/v1`) for the primary cluster: base
 * backups of the database to its object store on the Velero Schedule's cadence, the schedule
 * written with CloudNativePG's leading seconds field ({@link cnpgSchedule}), a first backup at
 * once (`immediate`), through the Barman Cloud plugin unless the request asks for the in-core
 * `barmanObjectStore`. The DR evaluation counts these backups (at their `status.stoppedAt`) only
 * when the Cluster archives WAL to an object store outside the cluster.
 */
export function cnpgScheduledBackup(plan: DrConfigPlan): KubeManifest {
  const method = plan.request.cnpgBackupMethod ?? 'plugin';
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    metadata: {
      name: `${plan.cnpgClusterName}-dr`,
      namespace: plan.request.namespace,
      labels: { ...plan.labels, ...GENERATED_BY },
    },
    spec: {
      schedule: cnpgSchedule(plan.backup.cadence.cron),
      immediate: true,
      backupOwnerReference: 'self',
      cluster: { name: plan.cnpgClusterName },
      method,
      ...(method === 'plugin'
        ? { pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN } }
        : {}),
    },
  };
}
