/**
 * The parts of Kubernetes objects the DR evaluation reads. Field paths follow the projects' own
 * type definitions (Velero v1, snapshot.storage.k8s.io/v1, VolSync v1alpha1, CloudNativePG v1,
 * Strimzi kafka.strimzi.io/v1). Timestamps are RFC 3339 strings as the API server sends them.
 *
 * @public
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
  };
}

/**
 * A label selector as in Kubernetes' `metav1.LabelSelector`.
 *
 * @public
 */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
    values?: string[];
  }>;
}

/**
 * The scope of a Velero backup: `Backup.spec`, and `Schedule.spec.template`.
 *
 * @public
 */
export interface VeleroBackupSpec {
  includedNamespaces?: string[];
  excludedNamespaces?: string[];
  includedResources?: string[];
  excludedResources?: string[];
  labelSelector?: LabelSelector;
  orLabelSelectors?: LabelSelector[];
  snapshotVolumes?: boolean | null;
  defaultVolumesToFsBackup?: boolean | null;
  /** A Go duration, e.g. `720h0m0s`. */
  ttl?: string;
  storageLocation?: string;
}

/**
 * A Velero `Backup` (`velero.io/v1`).
 *
 * @public
 */
export interface VeleroBackup extends KubeObject {
  spec?: VeleroBackupSpec;
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    expiration?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
  };
}

/**
 * When a Velero Backup was taken, in epoch milliseconds: `status.startTimestamp`, else
 * `status.completionTimestamp`, else `metadata.creationTimestamp`; 0 when none is readable.
 *
 * @public
 */
export function veleroBackupTime(backup: VeleroBackup): number {
  const t =
    backup.status?.startTimestamp ??
    backup.status?.completionTimestamp ??
    backup.metadata.creationTimestamp;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

/**
 * A Velero `Schedule` (`velero.io/v1`).
 *
 * @public
 */
export interface VeleroSchedule extends KubeObject {
  spec?: {
    /** A cron expression (`0 * * * *`), or `@every <Go duration>`, `@hourly`, `@daily`, ... */
    schedule?: string;
    paused?: boolean;
    template?: VeleroBackupSpec;
  };
  status?: { phase?: string; lastBackup?: string; lastSkipped?: string };
}

/**
 * A Velero `Restore` (`velero.io/v1`).
 *
 * @public
 */
export interface VeleroRestore extends KubeObject {
  spec?: {
    backupName?: string;
    /** Restore the newest backup of this schedule. */
    scheduleName?: string;
    namespaceMapping?: Record<string, string>;
  };
  status?: {
    phase?: string;
    startTimestamp?: string;
    completionTimestamp?: string;
    errors?: number;
    warnings?: number;
    failureReason?: string;
  };
}

/**
 * A Velero `BackupStorageLocation` (`velero.io/v1`).
 *
 * @public
 */
export interface VeleroBackupStorageLocation extends KubeObject {
  spec?: { default?: boolean; provider?: string };
  status?: {
    phase?: string;
    lastValidationTime?: string;
    lastSyncedTime?: string;
    message?: string;
  };
}

/**
 * A CSI `VolumeSnapshot` (`snapshot.storage.k8s.io/v1`).
 *
 * @public
 */
export interface VolumeSnapshot extends KubeObject {
  spec?: {
    source?: { persistentVolumeClaimName?: string };
    volumeSnapshotClassName?: string;
  };
  status?: {
    readyToUse?: boolean;
    creationTime?: string;
    restoreSize?: string;
    error?: { message?: string; time?: string };
  };
}

/**
 * A VolSync `ReplicationSource` (`volsync.backube/v1alpha1`).
 *
 * @public
 */
export interface ReplicationSource extends KubeObject {
  spec?: {
    sourcePVC?: string;
    trigger?: { schedule?: string; manual?: string };
    paused?: boolean;
  };
  status?: {
    lastSyncTime?: string;
    lastSyncStartTime?: string;
    /** A Go duration, e.g. `42.1s`. */
    lastSyncDuration?: string;
    nextSyncTime?: string;
    conditions?: Condition[];
  };
}

/**
 * A Kubernetes status condition.
 *
 * @public
 */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * A CloudNativePG `Cluster` (`postgresql.cnpg.io/v1`).
 *
 * @public
 */
export interface PostgresCluster extends KubeObject {
  spec?: {
    replica?: {
      enabled?: boolean;
      primary?: string;
      source?: string;
      self?: string;
    };
  };
  status?: {
    phase?: string;
    conditions?: Condition[];
    /** The instance (pod) that is the primary, or the designated primary of a replica cluster. */
    currentPrimary?: string;
  };
}

/**
 * Whether a CloudNativePG `Cluster` is a replica cluster: `spec.replica.enabled`, or (distributed
 * topology) `spec.replica.primary` naming another cluster than `spec.replica.self`.
 *
 * @public
 */
export function isPostgresReplica(cluster: PostgresCluster): boolean {
  const replica = cluster.spec?.replica;
  return (
    replica?.enabled === true ||
    (replica?.primary !== undefined && replica.primary !== replica.self)
  );
}

/**
 * A Strimzi `KafkaMirrorMaker2` (`kafka.strimzi.io/v1`).
 *
 * @public
 */
export interface KafkaMirrorMaker2 extends KubeObject {
  status?: {
    conditions?: Condition[];
    connectors?: Array<{
      name?: string;
      connector?: { state?: string };
      tasks?: Array<{ id?: number; state?: string }>;
    }>;
  };
}

/**
 * A `PersistentVolumeClaim` (`v1`).
 *
 * @public
 */
export type PersistentVolumeClaim = KubeObject;

/**
 * A workload: `apps/v1` `StatefulSet` or `Deployment`.
 *
 * @public
 */
export interface Workload extends KubeObject {
  spec?: {
    replicas?: number;
    volumeClaimTemplates?: Array<{ metadata?: { name?: string } }>;
  };
  status?: { readyReplicas?: number };
}
