import {
  KafkaMirrorMaker2,
  KubeObject,
  LabelSelector,
  PersistentVolumeClaim,
  PostgresCluster,
  ReplicationSource,
  VeleroBackup,
  VeleroBackupStorageLocation,
  VeleroRestore,
  VeleroSchedule,
  VolumeSnapshot,
  Workload,
} from './kubernetes';

/**
 * The objects read from one cluster, by resource. A resource missing from the map was not read
 * (or its CRD is not installed: then there is nothing of it to read).
 *
 * @public
 */
export interface ClusterObjects {
  backups?: VeleroBackup[];
  schedules?: VeleroSchedule[];
  restores?: VeleroRestore[];
  backupStorageLocations?: VeleroBackupStorageLocation[];
  volumeSnapshots?: VolumeSnapshot[];
  replicationSources?: ReplicationSource[];
  replicationDestinations?: KubeObject[];
  postgresClusters?: PostgresCluster[];
  mirrorMakers?: KafkaMirrorMaker2[];
  persistentVolumeClaims?: PersistentVolumeClaim[];
  statefulSets?: Workload[];
  deployments?: Workload[];
  /** Objects of resource types that status providers add (`DrStatusProvider.resourceTypes`). */
  [resource: string]: unknown;
}

/**
 * The resource types the built-in status providers read: keys of {@link ClusterObjects}.
 *
 * @public
 */
export type BuiltInClusterResource =
  | 'backups'
  | 'schedules'
  | 'restores'
  | 'backupStorageLocations'
  | 'volumeSnapshots'
  | 'replicationSources'
  | 'replicationDestinations'
  | 'postgresClusters'
  | 'mirrorMakers'
  | 'persistentVolumeClaims'
  | 'statefulSets'
  | 'deployments';

/**
 * One resource of {@link ClusterObjects}: a built-in one, or one a status provider adds.
 *
 * @public
 */
export type ClusterResource = BuiltInClusterResource | (string & {});

/**
 * What was read from one cluster for the evaluation.
 *
 * @public
 */
export interface ClusterEvidence {
  /** The cluster's name, as in the Kubernetes plugin's config. */
  cluster: string;
  objects: ClusterObjects;
  /**
   * What could not be read, and why (unreachable, TLS, 401/403, 5xx, timeout, malformed object).
   * A failure without `resources` covers the whole cluster.
   */
  failures?: Array<{ resources?: ClusterResource[]; reason: string }>;
  /**
   * Replication lag of CloudNativePG replica clusters in seconds, by `namespace/name`, from the
   * `cnpg_pg_replication_lag` metric where it was read.
   */
  postgresReplicationLagSeconds?: Record<string, number>;
}

/**
 * How a service's Kubernetes objects are found, from the Kubernetes plugin's annotations:
 * the label `backstage.io/kubernetes-id=<id>`, or the `backstage.io/kubernetes-label-selector`,
 * in the `backstage.io/kubernetes-namespace` namespace if one is given.
 *
 * @public
 */
export interface DrServiceTarget {
  /** The value of `backstage.io/kubernetes-id`. */
  id?: string;
  /** The selector of `backstage.io/kubernetes-label-selector`; replaces `id` when given. */
  labelSelector?: LabelSelector;
  /** `backstage.io/kubernetes-namespace`: only objects in this namespace. */
  namespace?: string;
}

/**
 * A drill, failover or failback run of the DR workflows.
 *
 * @public
 */
export interface DrRunRecord {
  id: string;
  type: 'drill' | 'failover' | 'failback';
  /** Only `completed` runs count as evidence. */
  status: string;
  /** RFC 3339. */
  startedAt: string;
  /** RFC 3339: when the service was verified up; measured RTO = verifiedAt − startedAt. */
  verifiedAt?: string;
}

/**
 * Options of the evaluation.
 *
 * @public
 */
export interface DrEvaluationOptions {
  /** A service is at risk when its achieved RPO is above this share of its RPO target. Default 0.8. */
  atRiskRatio?: number;
  /** Count `PartiallyFailed` Velero backups as usable recovery points. Default false. */
  countPartiallyFailedBackups?: boolean;
  /**
   * Count CSI or native volume snapshots that stay on the cluster's storage as surviving the
   * cluster's loss (for setups that copy them away by other means). Default false
   * (`disasterRecovery.localSnapshotsSurviveClusterLoss`).
   */
  localSnapshotsSurviveClusterLoss?: boolean;
  /** Clock skew tolerated on a recovery point's time, in seconds. Default 300. */
  clockSkewSeconds?: number;
}

/**
 * The verdicts, from best to worst known, then the states without a judgement:
 * `compliant`, `at-risk`, `breached`, `unknown` (evidence could not be read),
 * `invalid` (the DR annotations have problems), `undeclared` (no DR annotations).
 *
 * @public
 */
export const DR_VERDICTS = [
  'compliant',
  'at-risk',
  'breached',
  'unknown',
  'invalid',
  'undeclared',
] as const;

/**
 * One of {@link DR_VERDICTS}.
 *
 * @public
 */
export type DrVerdict = (typeof DR_VERDICTS)[number];

/**
 * One reason for a verdict, in plain words. `severity` says which verdict it leads to.
 *
 * @public
 */
export interface DrReason {
  severity: 'breach' | 'risk' | 'unknown';
  /** A stable machine-readable code, e.g. `rpo-exceeded`, `pvc-uncovered`. */
  code: string;
  /**
   * What is wrong, naming the object (cluster, kind, namespace/name), e.g.
   * `Schedule velero/orders-db-daily on prod-eu backs up PVC commerce/data-orders-db-0 only every 1d; the RPO target is 1h.`
   */
  message: string;
  /**
   * What to do about it, e.g. `Add the PVC to orders-db-hourly or shorten the schedule.`
   * Absent only where nothing can be done from the service's side.
   */
  nextStep?: string;
  /** The object the reason is about, when it is one object. */
  object?: DrObjectRef;
}

/**
 * A Kubernetes object named by a reason or a recovery point.
 *
 * @public
 */
export interface DrObjectRef {
  cluster: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The field a malformed-object reason is about, e.g. `spec.schedule`. */
  field?: string;
}

/**
 * A recovery point: a state the service can be brought back to.
 *
 * @public
 */
export interface DrRecoveryPoint {
  /** RFC 3339; undefined when the source does not tell (a failed backup that never started). */
  time?: string;
  /** The built-in sources, or a status provider's own (its id, or `<id>-<what>`). */
  source:
    | 'velero-backup'
    | 'volume-snapshot'
    | 'volsync'
    | 'cnpg-replica'
    | 'mirrormaker2'
    | (string & {});
  /** The Kubernetes kind and name it comes from. */
  kind: string;
  name: string;
  namespace?: string;
  cluster: string;
  /** Whether it can be restored from. */
  usable: boolean;
  /** Whether it counts for the achieved RPO (usable and survives the loss of the primary cluster). */
  counted: boolean;
  /** Why it is not usable or not counted. */
  reason?: string;
  /** Velero `status.phase`, VolumeSnapshot readiness, replication state. */
  phase?: string;
  errors?: number;
  warnings?: number;
  /** RFC 3339. */
  expiresAt?: string;
  storageLocation?: string;
  /**
   * For a Velero backup of a service with PVCs: the PVCs (`namespace/name`) whose data it holds
   * off the cluster (file-system backup or CSI snapshot data movement). Empty when it holds only
   * manifests or local snapshots.
   */
  pvcs?: string[];
}

/**
 * One PVC of a service on its primary cluster, with what protects it. The achieved RPO of the
 * service is the worst PVC's.
 *
 * @public
 */
export interface DrPvcCoverage {
  cluster: string;
  namespace: string;
  pvc: string;
  /** The Schedules, ReplicationSources and replica links that back up or replicate its data. */
  coveredBy: Array<{
    /** The built-in kinds, or the kind a status provider reads. */
    kind:
      | 'Schedule'
      | 'ReplicationSource'
      | 'Cluster'
      | 'KafkaMirrorMaker2'
      | (string & {});
    name: string;
    paused: boolean;
    /** Whether what it makes survives the loss of the primary cluster (data moved off it). */
    offCluster?: boolean;
  }>;
  /** The newest counted recovery point of this PVC; null when there is none. */
  newestPoint: {
    /** RFC 3339. */
    time: string;
    source: DrRecoveryPoint['source'];
    kind: string;
    name: string;
    namespace?: string;
    cluster: string;
  } | null;
  /** now − `newestPoint.time` in whole seconds; null when there is no counted point. */
  achievedRpoSeconds: number | null;
  /**
   * The shortest worst-case interval, in seconds, of the mechanisms that move this PVC's data
   * off the cluster (Velero Schedules, VolSync triggers; 0 for continuous replication); null
   * when none has a readable interval.
   */
  cadenceSeconds: number | null;
}

/**
 * The DR status of a declared service at a point in time. Durations are whole seconds.
 *
 * @public
 */
export interface DrStatus {
  verdict: Exclude<DrVerdict, 'undeclared' | 'invalid'>;
  reasons: DrReason[];
  /** RFC 3339: the time the evaluation was made for. */
  evaluatedAt: string;
  /** now − the newest counted recovery point; null when there is none. */
  achievedRpoSeconds: number | null;
  /** Newest first. */
  recoveryPoints: DrRecoveryPoint[];
  /** Every PVC of the service on its primary cluster (see {@link DrPvcCoverage}). */
  coverage: DrPvcCoverage[];
  schedules: Array<{
    cluster: string;
    name: string;
    /** `spec.schedule` as written (empty when it is not a string). */
    schedule: string;
    /** The longest gap between two runs, in seconds; null when the expression cannot be read. */
    maxIntervalSeconds: number | null;
    paused: boolean;
    /** `status.phase`: `New`, `Enabled`, `FailedValidation`; undefined when not reported. */
    phase?: string;
    storageLocation?: string;
    /** `status.lastBackup` (RFC 3339): when the schedule last created a backup. */
    lastBackup?: string;
    /** `status.startTimestamp` of its newest `Completed` backup (RFC 3339), when one is seen. */
    lastSuccessfulBackup?: string;
    /** Runs missed since the last successful backup (DOMAIN.md "Missed runs"); 0 when none. */
    missedRuns: number;
    /** The first missed run (RFC 3339), when `missedRuns` > 0. */
    missedSince?: string;
    /** Whether its backups move PVC data off the cluster (not only manifests or local snapshots). */
    movesData: boolean;
  }>;
  replication: Array<{
    kind: 'ReplicationSource' | 'Cluster' | 'KafkaMirrorMaker2' | (string & {});
    name: string;
    namespace?: string;
    cluster: string;
    healthy: boolean;
    /** null when not measured. */
    lagSeconds: number | null;
    message: string;
  }>;
  storageLocations: Array<{
    cluster: string;
    name: string;
    phase: string;
    message?: string;
    lastValidationTime?: string;
  }>;
  lastDrill: {
    /** `run` (a DR run of this plugin), `Restore` (Velero) or the kind a status provider reads. */
    kind: 'Restore' | 'run' | (string & {});
    name: string;
    cluster?: string;
    type: 'drill' | 'failover' | 'restore';
    startedAt: string;
    completedAt: string;
    measuredRtoSeconds: number;
  } | null;
  measuredRtoSeconds: number | null;
  /** Clusters in scope whose evidence could not be read. */
  unreadable: Array<{ cluster: string; reason: string }>;
  /**
   * The cluster(s) judged as primary: the `disaster-recovery/primary-cluster` annotation, else
   * the one cluster where the service's workloads serve (desired replicas > 0).
   */
  primaryClusters: string[];
  /** How the primary was found. */
  primarySource: 'annotation' | 'serving-workloads' | 'ambiguous' | 'none';
}
