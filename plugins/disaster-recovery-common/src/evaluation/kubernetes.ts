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
  /** Namespace names or glob patterns (`*`, `?`, `[...]`, Velero 1.18). */
  includedNamespaces?: string[] | null;
  excludedNamespaces?: string[] | null;
  /** Resource names as `kubectl` takes them (`pvc`, `persistentvolumeclaims`, `deployments.apps`). */
  includedResources?: string[] | null;
  excludedResources?: string[] | null;
  /** The newer resource filters (Velero 1.11+); they cannot be mixed with the ones above. */
  includedNamespaceScopedResources?: string[] | null;
  excludedNamespaceScopedResources?: string[] | null;
  includedClusterScopedResources?: string[] | null;
  excludedClusterScopedResources?: string[] | null;
  labelSelector?: LabelSelector | null;
  orLabelSelectors?: LabelSelector[] | null;
  snapshotVolumes?: boolean | null;
  /** CSI snapshot data movement: the snapshot's data is uploaded to the BackupStorageLocation. */
  snapshotMoveData?: boolean | null;
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
    validationErrors?: string[];
    /** Velero 1.18: the namespaces its glob patterns expanded to. */
    wildcardNamespaces?: { wildcardResult?: string[] | null } | null;
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
  status?: {
    phase?: string;
    lastBackup?: string;
    lastSkipped?: string;
    validationErrors?: string[];
  };
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
    includedNamespaces?: string[] | null;
    excludedNamespaces?: string[] | null;
    includedResources?: string[] | null;
    excludedResources?: string[] | null;
    labelSelector?: LabelSelector | null;
    orLabelSelectors?: LabelSelector[] | null;
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
  spec?: {
    default?: boolean;
    provider?: string;
    /** `ReadWrite` (default) or `ReadOnly`: a read-only location takes no new backups. */
    accessMode?: string;
    objectStorage?: { bucket?: string; prefix?: string };
    /** Provider settings, e.g. `s3Url` of an S3-compatible store. */
    config?: Record<string, string>;
  };
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
    lastManualSync?: string;
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
 * Whether a CloudNativePG `Cluster` is a replica cluster, as CloudNativePG's own
 * `Cluster.IsReplica()` decides it (api/v1/cluster_funcs.go): without `spec.replica`, no; when
 * `spec.replica.enabled` is set, its value; otherwise (distributed topology) whether
 * `spec.replica.primary` names another cluster than `spec.replica.self` (default: the
 * Cluster's own name).
 *
 * @public
 */
export function isPostgresReplica(cluster: PostgresCluster): boolean {
  const replica = cluster.spec?.replica;
  if (!replica) return false;
  if (typeof replica.enabled === 'boolean') return replica.enabled;
  const self = replica.self || cluster.metadata.name;
  return self !== replica.primary;
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
    /** Desired replicas; Kubernetes defaults it to 1 when unset. */
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    volumeClaimTemplates?: Array<{
      metadata?: { name?: string; labels?: Record<string, string> };
    }>;
    /** The pod template: its labels and annotations are the pods'. */
    template?: {
      metadata?: {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
      spec?: {
        volumes?: Array<{
          name: string;
          persistentVolumeClaim?: { claimName: string };
        }>;
      };
    };
  };
  status?: { readyReplicas?: number; replicas?: number };
}
