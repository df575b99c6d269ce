import { InputError } from '@backstage/errors';
import {
  DR_DRILL_CADENCE_ANNOTATION,
  DR_PRIMARY_CLUSTER_ANNOTATION,
  DR_RECOVERY_CLUSTER_ANNOTATION,
  DR_RPO_ANNOTATION,
  DR_RTO_ANNOTATION,
  DR_RUNBOOK_ANNOTATION,
  DR_STRATEGY_ANNOTATION,
  DR_TIER_ANNOTATION,
  DURATION_FORMS,
  DrDeclaration,
  DrStrategy,
  formatDuration,
  parseDrDeclaration,
  formatShortDuration,
  parseDurationOrThrow,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrScaffolderSettings } from '../config';
import { Cadence, cadenceAtMost, scheduleSeed } from './cadence';

/**
 * What `disaster-recovery:config:generate` is asked for: the service, its DR targets and how its
 * data is found and protected. Durations are ISO 8601 (`PT15M`) or short form (`15m`).
 *
 * @public
 */
export interface DrConfigRequest {
  /** The service's name: the catalog entity's name and the `backstage.io/kubernetes-id` label value. */
  name: string;
  /** The Kubernetes namespace of the service's workload. */
  namespace: string;
  /** A tier name from `disasterRecovery.tiers`, e.g. `tier-1`. */
  tier: string;
  /** `backup-restore`, `pilot-light`, `warm-standby` or `active-active`. */
  strategy: string;
  /** The RPO target; default: the tier's max RPO. */
  rpo?: string;
  /** The RTO target; default: the tier's max RTO. */
  rto?: string;
  /** How often the service must be drilled; default: the tier's max drill age. */
  drillCadence?: string;
  /** The cluster the service runs on, as named in the Kubernetes plugin's config. */
  primaryCluster: string;
  /** The cluster it fails over to; must differ from `primaryCluster`. */
  recoveryCluster: string;
  /** An http(s) URL of the runbook, for the `disaster-recovery/runbook` annotation. */
  runbookUrl?: string;
  /** The StatefulSet's name; default `name`. */
  statefulSet?: string;
  /** The StatefulSet's `volumeClaimTemplates` names; default `['data']`. */
  volumeClaimTemplates?: string[];
  /** The StatefulSet's replicas, for the PVC names `<template>-<statefulSet>-<ordinal>`; default 1. */
  replicas?: number;
  /** The PVC names, when they are not those of the StatefulSet's templates. */
  pvcs?: string[];
  /** Labels that select the service's objects (and its PVCs); default `backstage.io/kubernetes-id: <name>`. */
  labels?: Record<string, string>;
  /** The Velero BackupStorageLocation the backups go to; default `default`. */
  backupStorageLocation?: string;
  /** Velero's namespace; default `velero`. */
  veleroNamespace?: string;
  /** `snapshot` (CSI snapshots, moved to the BackupStorageLocation) or `fs-backup` (file-system backup); default `snapshot`. */
  volumeBackup?: 'snapshot' | 'fs-backup';
  /** How long backups are kept; default: the tier's max drill age. */
  backupTtl?: string;
  /** Size of each volume, a Kubernetes quantity; default `10Gi`. */
  storageSize?: string;
  /** StorageClass of the replicated volumes in the recovery cluster; default: the cluster's default. */
  storageClassName?: string;
  /** VolumeSnapshotClass VolSync uses for point-in-time copies; default: the cluster's default. */
  volumeSnapshotClassName?: string;
  /**
   * The DNS suffix under which a Service of one cluster is reached from the other, as
   * `<service>.<namespace>.<suffix>`; default `svc.clusterset.local` (Kubernetes multi-cluster
   * services, e.g. Submariner).
   */
  crossClusterDomain?: string;
  /** Whether the service is a CloudNativePG database (replicated by a replica `Cluster`, not VolSync). */
  cnpg?: boolean;
  /** The CNPG `Cluster` name on the primary cluster; default `name`. */
  cnpgClusterName?: string;
  /**
   * How the CNPG `ScheduledBackup` backs the database up: `plugin` (the Barman Cloud plugin,
   * `barman-cloud.cloudnative-pg.io`, with an `ObjectStore`; the default) or `barmanObjectStore`
   * (the Cluster's in-core `spec.backup.barmanObjectStore`, deprecated since CNPG 1.26).
   */
  cnpgBackupMethod?: 'plugin' | 'barmanObjectStore';
}

/** How a strategy's recovery points are made. */
export type DrMechanism = 'velero' | 'volsync' | 'cnpg' | 'application';

/**
 * A request checked against the tier policy and the mechanisms' limits, with every default
 * filled in. Durations are whole seconds.
 *
 * @public
 */
export interface DrConfigPlan {
  request: DrConfigRequest;
  declaration: DrDeclaration;
  /** What replicates the data to the recovery cluster, or `velero` when only backups do. */
  mechanism: DrMechanism;
  /** The DR annotations for `catalog-info.yaml`, in the documented order. */
  annotations: Record<string, string>;
  labels: Record<string, string>;
  statefulSet: string;
  pvcs: string[];
  backup: {
    cadence: Cadence;
    /** Whether the backups alone must meet the RPO (`backup-restore`). */
    meetsRpo: boolean;
    ttlSeconds: number;
    storageLocation: string;
    namespace: string;
    mode: 'snapshot' | 'fs-backup';
  };
  /** The VolSync trigger schedule, for `volsync`. */
  replicationCadence?: Cadence;
  storageSize: string;
  crossClusterDomain: string;
  cnpgClusterName: string;
  cnpgReplicaName: string;
}

/** The input field each DR annotation comes from, for error messages. */
const FIELD_OF_ANNOTATION: Record<string, string> = {
  [DR_TIER_ANNOTATION]: 'tier',
  [DR_STRATEGY_ANNOTATION]: 'strategy',
  [DR_RPO_ANNOTATION]: 'rpo',
  [DR_RTO_ANNOTATION]: 'rto',
  [DR_DRILL_CADENCE_ANNOTATION]: 'drillCadence',
  [DR_PRIMARY_CLUSTER_ANNOTATION]: 'primaryCluster',
  [DR_RECOVERY_CLUSTER_ANNOTATION]: 'recoveryCluster',
  [DR_RUNBOOK_ANNOTATION]: 'runbookUrl',
};

const MINUTE = 60;
const HOUR = 3600;

function primaryMechanism(strategy: DrStrategy, cnpg: boolean): DrMechanism {
  switch (strategy) {
    case 'backup-restore':
      return 'velero';
    case 'active-active':
      return 'application';
    default:
      return cnpg ? 'cnpg' : 'volsync';
  }
}

/**
 * Checks a request and fills in its defaults: the DR declaration is read with the suite's own
 * `parseDrDeclaration` (unknown tier, strategy the tier forbids, targets looser than the tier,
 * same or unknown clusters, bad durations or runbook URL), then the RPO is checked against what
 * the strategy's mechanism can give:
 *
 * - Velero backups (`backup-restore`) run at most every half RPO, and no more often than
 *   `minBackupIntervalSeconds`, so the RPO must be at least twice that;
 * - VolSync syncs run at most every half RPO on a cron schedule, at most once a minute: 2m or more;
 * - a CloudNativePG replica cluster streams WAL asynchronously: any RPO above 0s;
 * - `active-active` replication is the application's own, which the DR evaluation cannot read:
 *   the Velero backups are the recovery points it counts, so they too run at most every half RPO
 *   and no more often than `minBackupIntervalSeconds`: the RPO must be at least twice that.
 *
 * Half the RPO leaves the other half for the backup or sync to run, so the achieved RPO stays
 * under the evaluation's at-risk line (80% of the target) while backups take up to 30% of it.
 * Next to replication, the Velero Schedule is a safety net that still runs within the RPO
 * (every half RPO from 2h up, else every RPO up to an hour), never more often than
 * `minBackupIntervalSeconds`.
 *
 * @throws InputError naming every bad field, the value and the accepted form
 * @public
 */
export function planDrConfig(
  request: DrConfigRequest,
  settings: DrScaffolderSettings,
  now: Date = new Date(),
): DrConfigPlan {
  const given: Record<string, string | undefined> = {
    [DR_TIER_ANNOTATION]: request.tier,
    [DR_STRATEGY_ANNOTATION]: request.strategy,
    [DR_RPO_ANNOTATION]: request.rpo,
    [DR_RTO_ANNOTATION]: request.rto,
    [DR_PRIMARY_CLUSTER_ANNOTATION]: request.primaryCluster,
    [DR_RECOVERY_CLUSTER_ANNOTATION]: request.recoveryCluster,
    [DR_RUNBOOK_ANNOTATION]: request.runbookUrl,
    [DR_DRILL_CADENCE_ANNOTATION]: request.drillCadence,
  };
  const annotations = Object.fromEntries(
    Object.entries(given).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const result = parseDrDeclaration(
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: request.name, annotations },
    },
    settings.policies,
    { knownClusters: settings.knownClusters },
  );
  if (result.status !== 'declared') {
    const problems =
      result.status === 'invalid'
        ? result.problems.map(p => {
            const field = FIELD_OF_ANNOTATION[p.annotation] ?? p.annotation;
            return `${field}: ${p.message.slice(p.annotation.length + 2)}`;
          })
        : ['tier: is missing'];
    throw new InputError(
      `Cannot generate DR config for ${request.name}: ${problems.join('; ')}`,
    );
  }
  const declaration = result.declaration;
  const cnpg = request.cnpg === true;
  const mechanism = primaryMechanism(declaration.strategy, cnpg);
  const rpo = declaration.rpoSeconds;
  const rpoText = request.rpo ?? formatShortDuration(rpo);
  const seed = scheduleSeed(`${request.namespace}/${request.name}`);

  if (cnpg && declaration.strategy === 'active-active') {
    throw new InputError(
      'strategy: "active-active" cannot protect a CloudNativePG database: a CNPG cluster has a single primary; use warm-standby or pilot-light, which add a replica cluster',
    );
  }
  for (const [field, value] of [
    ['primaryCluster', declaration.primaryCluster],
    ['recoveryCluster', declaration.recoveryCluster],
  ] as const) {
    if (!value) {
      throw new InputError(
        `${field}: is missing; use a cluster name from the Kubernetes plugin config${
          settings.knownClusters
            ? ` (${settings.knownClusters.join(', ')})`
            : ''
        }`,
      );
    }
  }

  const replicating = declaration.policy.strategies.filter(
    s => s === 'pilot-light' || s === 'warm-standby',
  );
  const orReplicate =
    replicating.length > 0
      ? `, or a strategy that replicates (${replicating.join(', ')} for ${
          declaration.tier
        })`
      : '';

  let replicationCadence: Cadence | undefined;
  if (mechanism === 'volsync') {
    replicationCadence = cadenceAtMost(Math.floor(rpo / 2), MINUTE, seed, now);
    if (!replicationCadence) {
      throw new InputError(
        `rpo: "${rpoText}" is shorter than VolSync replication can give: syncs run on a cron schedule, at most once a minute, and at most every half RPO; use 2m or more (${DURATION_FORMS}), or a CloudNativePG replica cluster for a database`,
      );
    }
  }
  if (mechanism === 'cnpg' && rpo === 0) {
    throw new InputError(
      `rpo: "${rpoText}" needs synchronous replication, which a CloudNativePG replica cluster in another Kubernetes cluster does not give (it streams WAL asynchronously); use a duration above 0s, e.g. 1m`,
    );
  }

  const minBackup = settings.minBackupIntervalSeconds;
  // Whether the backups are the recovery points the evaluation counts for the RPO: with
  // backup-restore, and with active-active, whose replication is the application's own.
  const backupMeetsRpo = mechanism === 'velero' || mechanism === 'application';
  let backupCadence: Cadence | undefined;
  if (backupMeetsRpo) {
    backupCadence = cadenceAtMost(Math.floor(rpo / 2), minBackup, seed, now);
  } else {
    // A safety net next to replication, still within the RPO target: every half RPO when that
    // is an hour or more, else every RPO up to an hour; never more often than minBackupInterval
    // (so above the RPO only when the RPO is shorter than that, which replication meets).
    backupCadence = cadenceAtMost(
      Math.max(Math.floor(rpo / 2), Math.min(rpo, HOUR), minBackup),
      minBackup,
      seed,
      now,
    );
  }
  if (!backupCadence && mechanism === 'application') {
    throw new InputError(
      `rpo: "${rpoText}" is shorter than Velero backups can give: with active-active the application's own replication is not evidence the DR evaluation can read, so the Velero backups are the recovery points it counts; they run at most every half RPO and no more often than every ${formatDuration(
        minBackup,
      )} (disasterRecovery.scaffolder.minBackupInterval); use ${formatShortDuration(
        2 * minBackup,
      )} or more (${DURATION_FORMS}), a shorter minBackupInterval${
        declaration.policy.strategies.includes('warm-standby')
          ? ', or warm-standby, which replicates the volumes (VolSync) or the database (a CloudNativePG replica cluster)'
          : ''
      }`,
    );
  }
  if (!backupCadence) {
    throw new InputError(
      `rpo: "${rpoText}" is shorter than Velero backups can give: backups run at most every half RPO and no more often than every ${formatDuration(
        minBackup,
      )} (disasterRecovery.scaffolder.minBackupInterval); use ${formatShortDuration(
        2 * minBackup,
      )} or more (${DURATION_FORMS})${orReplicate}`,
    );
  }

  const ttlSeconds =
    request.backupTtl !== undefined
      ? parseDurationOrThrowInput(request.backupTtl, 'backupTtl')
      : declaration.policy.maxDrillAgeSeconds;
  if (ttlSeconds < backupCadence.intervalSeconds) {
    throw new InputError(
      `backupTtl: "${
        request.backupTtl
      }" is shorter than the time between two backups (${formatDuration(
        backupCadence.intervalSeconds,
      )}), so at times no backup would exist; use ${formatShortDuration(
        backupCadence.intervalSeconds * 2,
      )} or more`,
    );
  }

  const statefulSet = request.statefulSet || request.name;
  const pvcs =
    request.pvcs && request.pvcs.length > 0
      ? request.pvcs
      : (request.volumeClaimTemplates ?? ['data']).flatMap(template =>
          Array.from(
            { length: request.replicas ?? 1 },
            (_, ordinal) => `${template}-${statefulSet}-${ordinal}`,
          ),
        );
  if (mechanism === 'volsync' && pvcs.length === 0) {
    throw new InputError(
      `pvcs: ${declaration.strategy} replicates the service's volumes with VolSync, but no PVC is named; give volumeClaimTemplates (and replicas) or pvcs`,
    );
  }

  const cnpgClusterName = request.cnpgClusterName || request.name;
  const ordered: Record<string, string> = {
    [DR_TIER_ANNOTATION]: declaration.tier,
    [DR_STRATEGY_ANNOTATION]: declaration.strategy,
    [DR_RPO_ANNOTATION]: request.rpo?.trim() || formatShortDuration(rpo),
    [DR_RTO_ANNOTATION]:
      request.rto?.trim() || formatShortDuration(declaration.rtoSeconds),
    [DR_PRIMARY_CLUSTER_ANNOTATION]: declaration.primaryCluster!,
    [DR_RECOVERY_CLUSTER_ANNOTATION]: declaration.recoveryCluster!,
  };
  if (declaration.runbookUrl) {
    ordered[DR_RUNBOOK_ANNOTATION] = declaration.runbookUrl;
  }
  if (request.drillCadence) {
    ordered[DR_DRILL_CADENCE_ANNOTATION] = request.drillCadence.trim();
  }

  return {
    request,
    declaration,
    mechanism,
    annotations: ordered,
    labels:
      request.labels && Object.keys(request.labels).length > 0
        ? request.labels
        : { 'backstage.io/kubernetes-id': request.name },
    statefulSet,
    pvcs,
    backup: {
      cadence: backupCadence,
      meetsRpo: backupMeetsRpo,
      ttlSeconds,
      storageLocation: request.backupStorageLocation || 'default',
      namespace: request.veleroNamespace || 'velero',
      mode: request.volumeBackup ?? 'snapshot',
    },
    replicationCadence,
    storageSize: request.storageSize || '10Gi',
    crossClusterDomain: request.crossClusterDomain || 'svc.clusterset.local',
    cnpgClusterName,
    cnpgReplicaName: `${cnpgClusterName}-${declaration.recoveryCluster}`,
  };
}

function parseDurationOrThrowInput(text: string, field: string): number {
  try {
    return parseDurationOrThrow(text, field);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}
