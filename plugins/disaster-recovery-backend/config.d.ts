import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  disasterRecovery?: {
    /**
     * A service is at risk when its achieved RPO is above this share of its RPO target
     * (0 to 1). Default 0.8.
     */
    atRiskRatio?: number;
    /** Count `PartiallyFailed` Velero backups as usable recovery points. Default false. */
    countPartiallyFailedBackups?: boolean;
    /**
     * Count CSI or native volume snapshots that stay on the cluster's own storage (no
     * `snapshotMoveData`, no file-system backup) as surviving the loss of the cluster, for setups
     * that copy snapshots away by other means (storage replication). Default false: such
     * snapshots are local recovery points and never set the achieved RPO.
     */
    localSnapshotsSurviveClusterLoss?: boolean;
    /** How the DR status is refreshed from the clusters. */
    refresh?: {
      /** When the refresh runs; default every 5 minutes, timeout 4 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Clusters read at the same time. Default 4. */
      clusterConcurrency?: number;
      /** Objects per Kubernetes list page (`limit`). Default 500. */
      pageSize?: number;
      /** Timeout of one Kubernetes request, in seconds. Default 30. */
      requestTimeoutSeconds?: number;
      /**
       * How many of the newest Velero Backups of a service per cluster (and VolumeSnapshots per
       * PVC) are kept in its status. Older ones are dropped while the lists are paged, except
       * those that decide the status (the newest that may count per BackupStorageLocation, those
       * a Restore names), so memory grows with services, not with backups. Default 10; at least 1.
       */
      backupsKeptPerService?: number;
    };
    /** Drill, failover and failback runs. Every value a whole number of at least 1. */
    runs?: {
      /**
       * How long scale-up-and-verify waits for the workloads' ready replicas (and the health
       * URL), in seconds. Default 600.
       */
      verifyTimeoutSeconds?: number;
      /** How long a Velero Restore may take before the promote step fails, in seconds. Default 3600. */
      restoreTimeoutSeconds?: number;
      /** How often waiting steps check again, and free runs are looked for, in milliseconds (at least 10). Default 2000. */
      pollIntervalMs?: number;
      /**
       * How long a backend instance holds a run it executes without renewing its lease, in
       * seconds; another instance takes the run over once it expires. Default 30.
       */
      leaseSeconds?: number;
    };
    /**
     * The DR metrics (OpenTelemetry, through Backstage's metrics service; the backend exports
     * them, e.g. with the Prometheus exporter). See docs/alerting.md.
     */
    metrics?: {
      /** Create the DR metrics. Default true. */
      enabled?: boolean;
      /**
       * When a Velero Schedule's runs count as missed (`dr_schedule_missed_runs`): its last
       * successful backup is older than its longest interval plus a grace, the larger of
       * `graceRatio` × the interval and `minimumGrace`.
       */
      missedRuns?: {
        /** A share of the schedule's longest interval, from 0 to 10. Default 0.1. */
        graceRatio?: number;
        /** A duration, ISO 8601 (PT5M) or short form (5m). Default 5m. */
        minimumGrace?: string;
      };
    };
    /**
     * Notifications of verdict changes to the owning group of each service, through Backstage's
     * notifications (the notifications backend must be installed).
     */
    notifications?: {
      /** Notify owners when a verdict changes. Default true. */
      enabled?: boolean;
      /**
       * How long a service stays `unknown` (its evidence cannot be read) before its owner is
       * told: a duration, ISO 8601 (PT30M) or short form (30m). Default 30m.
       */
      unknownAfter?: string;
      /**
       * Full entity refs (groups or users) told of every verdict change besides the service's
       * owner, e.g. `[group:default/platform-team]`. Default none.
       */
      alsoNotify?: string[];
      /** A digest per owner of its services that are still breached. */
      digest?: {
        /** Send the digest. Default false. */
        enabled?: boolean;
        /** When; default every day at 08:00 (`{ frequency: { cron: '0 8 * * *' } }`). */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
    /** K8ssandra (`drModuleK8ssandraProvider`). */
    cassandra?: {
      /**
       * The applications replicate their keyspaces to every datacenter themselves, so a
       * datacenter counts as replicated without the `k8ssandra.io/dc-replication` annotation
       * naming it. Default false.
       */
      keyspacesReplicateToAllDcs?: boolean;
    };
    /** CloudNativePG. */
    cloudNativePg?: {
      /**
       * Port of the metrics exporter on CloudNativePG instances, read through the API server's pod
       * proxy for `cnpg_pg_replication_lag` (the credentials need `get` on `pods/proxy`).
       * Default 9187.
       */
      metricsPort?: number;
    };
  };
}
