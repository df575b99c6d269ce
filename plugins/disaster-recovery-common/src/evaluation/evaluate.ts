import { DrPartialDeclaration } from '../declaration';
import { formatDuration } from '../duration';
import { candidateBackups, candidateSchedules } from './backupIndex';
import {
  parseGoDuration,
  parseVeleroCron,
  scheduleMaxIntervalSeconds,
  scheduleRunTimes,
} from './cadence';
import {
  KubeObject,
  PostgresCluster,
  ReplicationSource,
  VeleroBackup,
  VeleroBackupStorageLocation,
  VeleroRestore,
  VeleroSchedule,
  Workload,
  isPostgresReplica,
  veleroBackupTime,
} from './kubernetes';
import {
  DrServiceObject,
  locateService,
  malformedReasons,
  serviceObjectsOf,
} from './locate';
import { sanitizeEvidence, SanitizedEvidence } from './sanitize';
import {
  ClusterEvidence,
  DrEvaluationOptions,
  DrPvcCoverage,
  DrReason,
  DrRecoveryPoint,
  DrRunRecord,
  DrServiceTarget,
  DrStatus,
} from './types';
import {
  DrPodMount,
  DrVolumeData,
  VeleroScope,
  backupVolumeData,
  locationInsideCluster,
  scopeTakesIn,
  veleroScope,
} from './velero';

/**
 * The declaration `evaluateDrStatus` judges against: a valid {@link DrDeclaration}, or the
 * valid parts of an invalid one (no strategy when the strategy is not valid).
 *
 * @public
 */
export type DrEvaluatedDeclaration = DrPartialDeclaration;

/**
 * The input of {@link evaluateDrStatus}.
 *
 * @public
 */
export interface DrEvaluationInput {
  declaration: DrEvaluatedDeclaration;
  target: DrServiceTarget;
  /** What was read from each cluster. */
  clusters: ClusterEvidence[];
  now: Date;
  /** Drill, failover and failback runs of the service, if any. */
  runs?: DrRunRecord[];
  options?: DrEvaluationOptions;
}

const SCHEDULE_NAME_LABEL = 'velero.io/schedule-name';
/** Missed runs are counted up to this many. */
const MAX_COUNTED_RUNS = 1000;
const FAILED_BACKUP_PHASES = [
  'Failed',
  'PartiallyFailed',
  'FailedValidation',
  'WaitingForPluginOperationsPartiallyFailed',
  'FinalizingPartiallyFailed',
];
const FINISHED_BACKUP_PHASES = ['Completed', ...FAILED_BACKUP_PHASES];

// Breaches drawn from the absence of evidence: no proof while the resources that would hold that
// evidence could not be read on a cluster in scope (rule 8).
const FROM_ABSENCE = new Set([
  'no-recovery-point',
  'rpo-exceeded',
  'workloads-not-found',
  'pvc-uncovered',
  'pvc-local-only',
  'pvc-no-recovery-point',
  'cadence-too-slow',
  'strategy-not-in-place',
]);

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Epoch milliseconds of an RFC 3339 time; undefined when absent or unreadable. */
function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function conditionOf(
  obj: {
    status?: {
      conditions?: Array<{
        type: string;
        status: string;
        reason?: string;
        message?: string;
      }> | null;
    } | null;
  },
  type: string,
) {
  return obj.status?.conditions?.find(c => c.type === type);
}

function ref(kind: string, obj: KubeObject, cluster: string) {
  return `${kind} ${
    obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''
  }${obj.metadata.name} on ${cluster}`;
}

function objectRef(kind: string, obj: KubeObject, cluster: string) {
  return {
    cluster,
    kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  };
}

const pvcKey = (pvc: KubeObject) =>
  `${pvc.metadata.namespace ?? ''}/${pvc.metadata.name}`;

/** Names of a list's objects, and its Completed backups per schedule, built once per list. */
const backupNameSets = new WeakMap<readonly VeleroBackup[], Set<string>>();
function backupNames(list: readonly VeleroBackup[] | undefined): Set<string> {
  if (!list) return new Set();
  let names = backupNameSets.get(list);
  if (!names) {
    names = new Set(list.map(b => b.metadata.name));
    backupNameSets.set(list, names);
  }
  return names;
}
const scheduleNameSets = new WeakMap<readonly VeleroSchedule[], Set<string>>();
function scheduleNames(
  list: readonly VeleroSchedule[] | undefined,
): Set<string> {
  if (!list) return new Set();
  let names = scheduleNameSets.get(list);
  if (!names) {
    names = new Set(list.map(s => s.metadata.name));
    scheduleNameSets.set(list, names);
  }
  return names;
}

/** A list's Restores by `spec.backupName` and by schedule name, built once per list. */
const restoreIndexes = new WeakMap<
  readonly VeleroRestore[],
  {
    byBackup: Map<string, VeleroRestore[]>;
    bySchedule: Map<string, VeleroRestore[]>;
  }
>();
function restoreIndex(list: readonly VeleroRestore[]) {
  let index = restoreIndexes.get(list);
  if (!index) {
    index = { byBackup: new Map(), bySchedule: new Map() };
    const add = (
      map: Map<string, VeleroRestore[]>,
      key: unknown,
      r: VeleroRestore,
    ) => {
      if (typeof key !== 'string' || key === '') return;
      const l = map.get(key);
      if (l) l.push(r);
      else map.set(key, [r]);
    };
    for (const r of list) {
      add(index.byBackup, r.spec?.backupName, r);
      add(
        index.bySchedule,
        r.spec?.scheduleName ?? r.metadata.labels?.[SCHEDULE_NAME_LABEL],
        r,
      );
    }
    restoreIndexes.set(list, index);
  }
  return index;
}

const bySchedule = new WeakMap<
  readonly VeleroBackup[],
  Map<string, VeleroBackup[]>
>();
function backupsOfSchedule(
  list: readonly VeleroBackup[] | undefined,
  schedule: string,
): VeleroBackup[] {
  if (!list) return [];
  let map = bySchedule.get(list);
  if (!map) {
    map = new Map();
    for (const b of list) {
      const s = b.metadata.labels?.[SCHEDULE_NAME_LABEL];
      if (!s) continue;
      const l = map.get(s);
      if (l) l.push(b);
      else map.set(s, [b]);
    }
    bySchedule.set(list, map);
  }
  return map.get(schedule) ?? [];
}

/**
 * Whether a Velero Backup takes in at least one of a service's objects (namespace, resource and
 * label filters of `spec`, as Velero applies them), as {@link evaluateDrStatus} decides it. A
 * backup without `spec` takes in nothing.
 *
 * @public
 */
export function backupTakesInService(
  backup: VeleroBackup,
  objects: DrServiceObject[],
  podTemplates: readonly KubeObject[] = [],
): boolean {
  if (!backup.spec) return false;
  const scope = veleroScope(
    backup.spec,
    backup.status?.wildcardNamespaces?.wildcardResult,
  );
  return (
    objects.some(({ obj, resource }) => scopeTakesIn(scope, obj, resource)) ||
    podTemplates.some(t => scopeTakesIn(scope, t, 'pods'))
  );
}

/** Per PVC of the service on its primary cluster: what protects it and its newest point. */
interface PvcState {
  cluster: string;
  pvc: KubeObject;
  key: string;
  mounts: DrPodMount[];
  coveredBy: DrPvcCoverage['coveredBy'];
  newest?: { ms: number; point: DrPvcCoverage['newestPoint'] & object };
  cadences: Array<{ seconds: number; by: string }>;
  /** Schedules that take its data but keep it on the cluster. */
  localBy: string[];
  /** Whether some mechanism carries its data off the cluster. */
  offCluster: boolean;
}

/**
 * Judges a declared service against its tier's policy from the Kubernetes objects read from its
 * clusters, at time `now`, following the evaluation rules of the DR domain and their
 * refinements (`DOMAIN.md`):
 *
 * - **Recovery points** count when they survive the loss of the primary cluster: `Completed`,
 *   unexpired Velero backups made by the primary's Velero (or synced copies of them) on an
 *   `Available` BackupStorageLocation whose storage is outside the cluster (point:
 *   `status.startTimestamp`); for a service with PVCs only backups that move each PVC's data off
 *   the cluster (file-system backup, CSI snapshot data movement); VolSync syncs per PVC (point:
 *   `lastSyncTime − lastSyncDuration`); CloudNativePG replicas with a measured lag (point:
 *   `now − lag`). CSI VolumeSnapshots and snapshots that stay on the cluster are local points.
 *   Points more than the clock skew (300 s) ahead of `now` do not count.
 * - **Achieved RPO** = `now −` the oldest over the service's PVCs of each PVC's newest counted
 *   point (a service without PVCs: its newest counted point), in whole seconds.
 * - **Coverage** and **cadence** per PVC: every PVC needs a Schedule, a VolSync source or a
 *   replica; the fastest mechanism moving its data off the cluster must run within the RPO.
 * - Failed newest backups, paused or failing schedules and replication, missed runs,
 *   Schedules in `FailedValidation`, read-only and unavailable locations, unmeasured lag: at risk.
 * - **Strategy in place**: pilot-light and warm-standby need replication to the recovery cluster
 *   (pilot-light: or backups restorable there), warm-standby also its workloads there,
 *   active-active ready replicas on both sides.
 * - **Drills**: completed drill or failover runs, or `Completed` Velero Restores outside the
 *   primary of one of the service's backups whose filters take in the service.
 * - A cluster in scope that cannot be read, or a malformed object of the service, makes the
 *   verdict `unknown` unless the evidence read proves a breach.
 *
 * Pure: no I/O, no clock; the same input gives the same output. Never throws for malformed
 * objects: they are reasons naming the object and the field.
 *
 * @public
 */
export function evaluateDrStatus(input: DrEvaluationInput): DrStatus {
  const { declaration, target, now } = input;
  const nowMs = now.getTime();
  const options = input.options ?? {};
  const atRiskRatio = options.atRiskRatio ?? 0.8;
  const skewMs = (options.clockSkewSeconds ?? 300) * 1000;
  const reasons: DrReason[] = [];
  const add = (
    severity: DrReason['severity'],
    code: string,
    message: string,
    nextStep?: string,
    object?: DrReason['object'],
  ) => reasons.push({ severity, code, message, nextStep, object });
  const breach = (c: string, m: string, n?: string, o?: DrReason['object']) =>
    add('breach', c, m, n, o);
  const risk = (c: string, m: string, n?: string, o?: DrReason['object']) =>
    add('risk', c, m, n, o);

  const location = locateService(declaration, target, input.clusters);
  const {
    scope,
    unreadable,
    drillsUncertain,
    pvcsByCluster,
    primaries,
    primaryObjects,
  } = location;
  const pointsUncertain = location.pointsUncertain;
  reasons.push(...location.problems);
  const isPrimary = (cluster: string) => primaries.includes(cluster);
  const evidenceOf = (cluster: string) =>
    scope.find(e => e.cluster === cluster);
  const primaryName = primaries.join(', ') || 'the primary cluster';
  const recoveryClusters = declaration.recoveryCluster
    ? [declaration.recoveryCluster]
    : scope.map(e => e.cluster).filter(c => !isPrimary(c));

  if (location.primarySource === 'ambiguous') {
    risk(
      'primary-ambiguous',
      `Without disaster-recovery/primary-cluster, the primary cannot be told: the service ${
        location.primaries.length > 0
          ? `serves on ${location.primaries.join(' and ')}`
          : 'has objects on several clusters'
      }.`,
      'Set the disaster-recovery/primary-cluster annotation.',
    );
  }
  if (primaryObjects.length === 0 && unreadable.length === 0) {
    const how = target.labelSelector
      ? 'the label selector'
      : `label backstage.io/kubernetes-id=${target.id}`;
    breach(
      'workloads-not-found',
      `No workload or PVC of the service (${how}${
        target.namespace ? ` in namespace ${target.namespace}` : ''
      }) was found on ${primaries.join(', ') || 'any cluster'}.`,
      'Label the service’s workloads and PVCs as the Kubernetes plugin’s annotations say, or fix the annotations.',
    );
  }

  // Storage locations, per cluster.
  const locationOf = (cluster: string, name: string | undefined | null) => {
    const list = evidenceOf(cluster)?.objects.backupStorageLocations ?? [];
    return name
      ? list.find(l => l.metadata.name === name)
      : list.find(l => l.spec?.default === true);
  };
  const usedLocations = new Map<string, VeleroBackupStorageLocation>();
  const useLocation = (cluster: string, name: string | undefined | null) => {
    const l = locationOf(cluster, name);
    if (l) usedLocations.set(`${cluster}\u0000${l.metadata.name}`, l);
    return l;
  };
  const locationSurvives = (l: VeleroBackupStorageLocation) =>
    !locationInsideCluster(l);

  const recoveryPoints: DrRecoveryPoint[] = [];
  const clockSkew = new Map<string, string[]>();
  const inFuture = (ms: number, cluster: string, what: string) => {
    if (ms - nowMs <= skewMs) return false;
    const l = clockSkew.get(cluster) ?? [];
    l.push(`${what} at ${iso(ms)}`);
    clockSkew.set(cluster, l);
    return true;
  };

  // ---- The service's PVCs on its primary clusters.
  const pvcStates: PvcState[] = [];
  for (const cluster of primaries) {
    for (const pvc of pvcsByCluster.get(cluster) ?? []) {
      pvcStates.push({
        cluster,
        pvc,
        key: pvcKey(pvc),
        mounts: location.mounts.get(`${cluster}/${pvcKey(pvc)}`) ?? [],
        coveredBy: [],
        cadences: [],
        localBy: [],
        offCluster: false,
      });
    }
  }
  const hasPvcs = pvcStates.length > 0;
  const offerPvcPoint = (
    state: PvcState,
    ms: number,
    point: NonNullable<DrPvcCoverage['newestPoint']>,
  ) => {
    if (!state.newest || ms > state.newest.ms) state.newest = { ms, point };
  };
  let serviceNewest: { ms: number; point: DrRecoveryPoint } | undefined;
  const offerServicePoint = (ms: number, point: DrRecoveryPoint) => {
    if (!serviceNewest || ms > serviceNewest.ms) serviceNewest = { ms, point };
  };

  // ---- Velero backups: whose they are, whether they count, which PVCs' data they hold.
  // Objects a backup may take in: the service's objects and its pods (by their templates).
  const primaryPodTemplates = primaries.flatMap(
    c => location.podTemplates.get(c) ?? [],
  );
  const indexObjects = [
    ...primaryObjects.map(o => o.obj),
    ...primaryPodTemplates,
  ];
  const takesInService = (scope_: VeleroScope) =>
    primaryObjects.some(({ obj, resource }) =>
      scopeTakesIn(scope_, obj, resource),
    ) || primaryPodTemplates.some(t => scopeTakesIn(scope_, t, 'pods'));
  const dataOf = (
    scope_: VeleroScope,
    spec: NonNullable<VeleroBackup['spec']>,
    state: PvcState,
  ): DrVolumeData => backupVolumeData(scope_, spec, state.pvc, state.mounts);
  const carriesOff = (data: DrVolumeData, survives: boolean) =>
    survives &&
    (data === 'fs' ||
      data === 'moved' ||
      (data === 'local' && options.localSnapshotsSurviveClusterLoss === true));

  // Names of the primaries' backups and schedules (sets built once per list, shared by services).
  const primaryBackupSets = primaries.map(c =>
    backupNames(evidenceOf(c)?.objects.backups),
  );
  const primaryScheduleSets = primaries.map(c =>
    scheduleNames(evidenceOf(c)?.objects.schedules),
  );
  const primaryBackupNames = {
    has: (name: string) => primaryBackupSets.some(set => set.has(name)),
  };
  const primaryScheduleNames = {
    has: (name: string) => primaryScheduleSets.some(set => set.has(name)),
  };

  interface BackupCopy {
    backup: VeleroBackup;
    cluster: string;
    primary: boolean;
  }
  const copiesByName = new Map<string, BackupCopy[]>();
  const ordered = [...scope].sort(
    (a, b) => Number(isPrimary(b.cluster)) - Number(isPrimary(a.cluster)),
  );
  for (const evidence of ordered) {
    const primary = isPrimary(evidence.cluster);
    for (const backup of candidateBackups(
      evidence.objects.backups ?? [],
      indexObjects,
    )) {
      if (!backup.spec) continue;
      const scope_ = veleroScope(
        backup.spec,
        backup.status?.wildcardNamespaces?.wildcardResult,
      );
      if (!takesInService(scope_)) continue;
      reasons.push(
        ...malformedReasons(
          'Backup',
          backup,
          evidence.cluster,
          'risk',
          'it is judged without that field',
        ),
      );
      if (!primary) {
        const scheduleName = backup.metadata.labels?.[SCHEDULE_NAME_LABEL];
        const copy =
          primaryBackupNames.has(backup.metadata.name) ||
          (scheduleName !== undefined &&
            primaryScheduleNames.has(scheduleName));
        if (!copy) {
          // Its own Velero's backup: it backs up this cluster, not the primary's data.
          recoveryPoints.push({
            ...basePoint(backup, evidence.cluster),
            reason: `made by Velero on ${evidence.cluster}: it backs up ${evidence.cluster}, not ${primaryName}`,
          });
          continue;
        }
      } else {
        // A backup synced into the primary from another cluster's Velero: its schedule is not
        // the primary's but another cluster's. It holds that cluster's data.
        const scheduleName = backup.metadata.labels?.[SCHEDULE_NAME_LABEL];
        const maker =
          scheduleName !== undefined && !primaryScheduleNames.has(scheduleName)
            ? scope.find(
                e =>
                  !isPrimary(e.cluster) &&
                  scheduleNames(e.objects.schedules).has(scheduleName),
              )?.cluster
            : undefined;
        if (maker) {
          recoveryPoints.push({
            ...basePoint(backup, evidence.cluster),
            reason: `made by Velero on ${maker} (Schedule ${scheduleName}), synced into ${evidence.cluster}: it backs up ${maker}`,
          });
          continue;
        }
      }
      const list = copiesByName.get(backup.metadata.name);
      const entry = { backup, cluster: evidence.cluster, primary };
      if (list) list.push(entry);
      else copiesByName.set(backup.metadata.name, [entry]);
    }
  }

  function basePoint(backup: VeleroBackup, cluster: string): DrRecoveryPoint {
    return {
      time:
        typeof backup.status?.startTimestamp === 'string'
          ? backup.status.startTimestamp
          : undefined,
      source: 'velero-backup',
      kind: 'Backup',
      name: backup.metadata.name,
      namespace: backup.metadata.namespace,
      cluster,
      usable: false,
      counted: false,
      phase: backup.status?.phase ?? 'New',
      errors: backup.status?.errors ?? undefined,
      warnings: backup.status?.warnings ?? undefined,
      expiresAt: backup.status?.expiration ?? undefined,
      storageLocation: backup.spec?.storageLocation ?? undefined,
    };
  }

  /** Judges one copy of a backup: the point, and whether it is usable and survives. */
  function judgeCopy(copy: BackupCopy): {
    point: DrRecoveryPoint;
    ms?: number;
    survives: boolean;
    locationDown?: string;
  } {
    const { backup, cluster } = copy;
    const point = basePoint(backup, cluster);
    const phase = point.phase!;
    const l = useLocation(cluster, backup.spec?.storageLocation);
    point.storageLocation = backup.spec?.storageLocation ?? l?.metadata.name;
    const start = parseTime(backup.status?.startTimestamp);
    const countable =
      phase === 'Completed' ||
      (phase === 'PartiallyFailed' &&
        options.countPartiallyFailedBackups === true);
    const expiration = backup.status?.expiration;
    const expiresMs = parseTime(expiration);
    if (!countable) {
      point.reason = FAILED_BACKUP_PHASES.includes(phase)
        ? `backup ${phase}${
            backup.status?.failureReason
              ? `: ${backup.status.failureReason}`
              : ''
          }`
        : `backup is ${phase}, not Completed`;
    } else if (start === undefined) {
      point.reason =
        backup.status?.startTimestamp === undefined
          ? 'backup has no status.startTimestamp'
          : `status.startTimestamp ${JSON.stringify(
              backup.status?.startTimestamp,
            )} is not a time`;
      point.time = undefined;
    } else if (inFuture(start, cluster, `Backup ${backup.metadata.name}`)) {
      point.reason = `starts ${formatDuration(
        (start - nowMs) / 1000,
      )} in the future: clock skew on ${cluster}`;
    } else if (expiration && expiresMs === undefined) {
      point.reason = `status.expiration ${JSON.stringify(
        expiration,
      )} is not a time`;
    } else if (expiresMs !== undefined && expiresMs <= nowMs) {
      point.reason = `backup expired at ${expiration}`;
    } else if (!l) {
      point.reason = `BackupStorageLocation ${
        point.storageLocation ?? '(default)'
      } not found on ${cluster}`;
    } else if (l.status?.phase !== 'Available') {
      point.usable = true;
      point.reason = `BackupStorageLocation ${
        l.metadata.name
      } on ${cluster} is ${l.status?.phase ?? 'not validated'}`;
      return {
        point,
        ms: Math.min(start, nowMs),
        survives: false,
        locationDown: l.metadata.name,
      };
    } else {
      point.usable = true;
      const inside = locationInsideCluster(l);
      if (inside) {
        point.reason = `BackupStorageLocation ${l.metadata.name} dies with ${cluster}: ${inside}`;
        return { point, ms: Math.min(start, nowMs), survives: false };
      }
      return { point, ms: Math.min(start, nowMs), survives: true };
    }
    return { point, survives: false };
  }

  const serviceBackups: BackupCopy[] = [];
  const downLocations = new Map<string, string>();
  for (const [, copies] of copiesByName) {
    const judged = copies.map(c => ({ copy: c, ...judgeCopy(c) }));
    const counting = judged.find(j => j.survives);
    const shown = counting ?? judged[0];
    serviceBackups.push(shown.copy);
    const point = shown.point;
    if (counting && !counting.copy.primary) {
      const primaryCopy = judged.find(j => j.copy.primary);
      if (primaryCopy?.locationDown) {
        downLocations.set(
          `${primaryCopy.copy.cluster}/${primaryCopy.locationDown}`,
          counting.copy.cluster,
        );
      }
    }
    recoveryPoints.push(point);
    if (!counting || counting.ms === undefined) continue;
    point.counted = true;
    point.reason = undefined;
    const spec = counting.copy.backup.spec!;
    const scope_ = veleroScope(
      spec,
      counting.copy.backup.status?.wildcardNamespaces?.wildcardResult,
    );
    if (hasPvcs) {
      const carried: string[] = [];
      for (const state of pvcStates) {
        if (carriesOff(dataOf(scope_, spec, state), true)) {
          carried.push(state.key);
          offerPvcPoint(state, counting.ms, {
            time: iso(counting.ms),
            source: 'velero-backup',
            kind: 'Backup',
            name: point.name,
            namespace: point.namespace,
            cluster: point.cluster,
          });
        }
      }
      point.pvcs = carried;
      if (carried.length === 0) {
        point.counted = false;
        point.reason =
          'holds the manifests only: no PVC data leaves the cluster (local snapshots or none)';
      } else {
        offerServicePoint(counting.ms, point);
      }
    } else {
      offerServicePoint(counting.ms, point);
    }
  }
  for (const [key, copyCluster] of downLocations) {
    const [cluster, name] = key.split('/');
    risk(
      'primary-location-unavailable',
      `BackupStorageLocation ${name} on ${cluster} is not Available; the service’s backups count only through their synced copies on ${copyCluster}.`,
      `Fix BackupStorageLocation ${name} on ${cluster} (velero backup-location get), or new backups will not be stored.`,
      { cluster, kind: 'BackupStorageLocation', namespace: 'velero', name },
    );
  }

  // The newest finished backup failed or partly failed (rule 2).
  const finished = serviceBackups
    .filter(b => FINISHED_BACKUP_PHASES.includes(b.backup.status?.phase ?? ''))
    .sort((a, b) => veleroBackupTime(b.backup) - veleroBackupTime(a.backup));
  const newestFinished = finished[0];
  if (newestFinished && newestFinished.backup.status?.phase !== 'Completed') {
    const b = newestFinished.backup;
    risk(
      'newest-backup-failed',
      `The newest backup, ${ref('Backup', b, newestFinished.cluster)}, is ${
        b.status?.phase
      }${b.status?.errors ? ` with ${plural(b.status.errors, 'error')}` : ''}${
        b.status?.failureReason ? `: ${b.status.failureReason}` : ''
      }.`,
      `Read its errors (velero backup describe ${b.metadata.name} --details; velero backup logs ${b.metadata.name}) and fix their cause.`,
      objectRef('Backup', b, newestFinished.cluster),
    );
  }

  // ---- Schedules on the primary: coverage, cadence, missed runs.
  const schedules: DrStatus['schedules'] = [];
  const manifestCadences: number[] = [];
  for (const cluster of primaries) {
    const evidence = evidenceOf(cluster);
    if (!evidence) continue;
    for (const s of candidateSchedules(
      evidence.objects.schedules ?? [],
      indexObjects,
    )) {
      const template = s.spec?.template;
      if (!template) continue;
      const scope_ = veleroScope(template);
      if (!takesInService(scope_)) continue;
      reasons.push(
        ...malformedReasons(
          'Schedule',
          s,
          cluster,
          'risk',
          'it is judged without that field',
        ),
      );
      judgeSchedule(s, cluster, evidence, scope_);
    }
  }

  function judgeSchedule(
    s: VeleroSchedule,
    cluster: string,
    evidence: SanitizedEvidence,
    scope_: VeleroScope,
  ) {
    const template = s.spec!.template!;
    const name = s.metadata.name;
    const label = ref('Schedule', s, cluster);
    const obj = objectRef('Schedule', s, cluster);
    const phase = s.status?.phase ?? undefined;
    const paused = s.spec?.paused === true;
    const rawSchedule = s.spec?.schedule;
    const cron = parseVeleroCron(rawSchedule);
    const maxInterval =
      'error' in cron
        ? undefined
        : scheduleMaxIntervalSeconds(rawSchedule!, now);
    const l = useLocation(cluster, template.storageLocation);
    const survives = l ? locationSurvives(l) : true;
    const failedValidation =
      phase === 'FailedValidation' || Boolean(scope_.invalid);
    const entry: DrStatus['schedules'][number] = {
      cluster,
      name,
      schedule: typeof rawSchedule === 'string' ? rawSchedule : '',
      maxIntervalSeconds: maxInterval ?? null,
      paused,
      phase,
      storageLocation: template.storageLocation ?? l?.metadata.name,
      lastBackup: s.status?.lastBackup ?? undefined,
      missedRuns: 0,
      movesData: false,
    };
    schedules.push(entry);
    if (failedValidation) {
      const errors = [
        ...(s.status?.validationErrors ?? []),
        ...(scope_.invalid ? [scope_.invalid] : []),
      ];
      risk(
        'schedule-failed-validation',
        `${label} ${
          phase === 'FailedValidation'
            ? 'is in FailedValidation'
            : 'would fail Velero’s validation'
        }${
          errors.length ? `: ${errors.join('; ')}` : ''
        }; it never runs and covers nothing.`,
        `Fix the Schedule's spec (velero schedule describe ${name}) so that Velero accepts it.`,
        obj,
      );
      return;
    }
    if ('error' in cron) {
      risk(
        'schedule-unreadable',
        `${label}: spec.schedule ${cron.error}; its cadence cannot be judged.`,
        'Write spec.schedule as five cron fields, a descriptor (@hourly) or @every <duration>, optionally after CRON_TZ=<zone>.',
        { ...obj, field: 'spec.schedule' },
      );
    }
    if (paused) {
      risk(
        'schedule-paused',
        `${label} is paused: it takes no new backups.`,
        `Unpause it (velero schedule unpause ${name}) or cover the service with another schedule.`,
        obj,
      );
    }
    if (l?.spec?.accessMode === 'ReadOnly') {
      risk(
        'schedule-location-readonly',
        `${label} writes to BackupStorageLocation ${l.metadata.name}, which is ReadOnly: its backups fail.`,
        `Set accessMode: ReadWrite on ${l.metadata.name} or point the schedule at a writable location.`,
        obj,
      );
    }
    if (l && !survives) {
      risk(
        'storage-location-in-cluster',
        `${label} writes to BackupStorageLocation ${
          l.metadata.name
        }, whose storage dies with ${cluster}: ${locationInsideCluster(l)}.`,
        `Store backups outside ${cluster} (object storage in another region or provider).`,
        {
          cluster,
          kind: 'BackupStorageLocation',
          namespace: l.metadata.namespace,
          name: l.metadata.name,
        },
      );
    }
    let movesData = false;
    for (const state of pvcStates) {
      if (state.cluster !== cluster) continue;
      const data = dataOf(scope_, template, state);
      if (data === 'none' || data === 'manifest') continue;
      const off = carriesOff(data, survives);
      movesData ||= off;
      state.coveredBy.push({ kind: 'Schedule', name, paused, offCluster: off });
      if (off) {
        state.offCluster = true;
        if (maxInterval !== undefined) {
          state.cadences.push({ seconds: maxInterval, by: `Schedule ${name}` });
        }
      } else {
        state.localBy.push(name);
      }
    }
    entry.movesData = movesData;
    if (!hasPvcs && maxInterval !== undefined && survives) {
      manifestCadences.push(maxInterval);
    }

    // Missed runs: the last successful backup is older than the longest interval plus a grace
    // of 10% or 5 minutes, whichever is longer.
    const ofSchedule = backupsOfSchedule(evidence.objects.backups, name);
    const completed = ofSchedule
      .filter(b => b.status?.phase === 'Completed')
      .map(b => parseTime(b.status?.startTimestamp))
      .filter((t): t is number => t !== undefined && t <= nowMs + skewMs);
    const lastSuccess = completed.length ? Math.max(...completed) : undefined;
    if (lastSuccess !== undefined)
      entry.lastSuccessfulBackup = iso(lastSuccess);
    const since = lastSuccess ?? parseTime(s.metadata.creationTimestamp);
    const backupsUnread = (evidence.failures ?? []).some(
      f => !f.resources || f.resources.includes('backups'),
    );
    if (
      paused ||
      backupsUnread ||
      'error' in cron ||
      maxInterval === undefined ||
      since === undefined
    ) {
      return;
    }
    const graceMs = Math.max(maxInterval * 100, 300_000);
    if (nowMs - since <= maxInterval * 1000 + graceMs) return;
    const missed = scheduleRunTimes(
      cron,
      new Date(since),
      new Date(nowMs - graceMs),
      MAX_COUNTED_RUNS + 1,
    );
    if (missed.length === 0) return;
    // Counted up to a bound, so a long outage of a frequent schedule costs little.
    const runs =
      missed.length > MAX_COUNTED_RUNS
        ? `more than ${MAX_COUNTED_RUNS} runs`
        : plural(missed.length, 'run');
    entry.missedRuns = Math.min(missed.length, MAX_COUNTED_RUNS);
    entry.missedSince = iso(missed[0]);
    const lastSeen =
      lastSuccess !== undefined
        ? ` (last successful backup ${iso(lastSuccess)})`
        : ' (no successful backup seen)';
    // Runs that happened but failed point at their errors, not at Velero being down.
    const failedSince = ofSchedule
      .filter(
        b =>
          FAILED_BACKUP_PHASES.includes(b.status?.phase ?? '') &&
          veleroBackupTime(b) > since,
      )
      .sort((a, b) => veleroBackupTime(b) - veleroBackupTime(a));
    if (failedSince.length > 0) {
      const newest = failedSince[0];
      risk(
        'schedule-missed-runs',
        `${label} has had no successful backup for ${runs} since ${iso(
          missed[0],
        )}${lastSeen}: its runs fail (newest: Backup ${newest.metadata.name} ${
          newest.status?.phase
        }).`,
        `Read the failing backup's errors (velero backup describe ${newest.metadata.name} --details) and fix their cause.`,
        obj,
      );
    } else {
      risk(
        'schedule-missed-runs',
        `${label} missed ${runs} since ${iso(missed[0])}${lastSeen}.`,
        `Velero on ${cluster} may be down: check its pod and logs (kubectl -n velero logs deploy/velero) and velero schedule describe ${name}.`,
        obj,
      );
    }
  }

  // ---- VolSync: per PVC, the newest successful sync over its sources.
  const replication: DrStatus['replication'] = [];
  for (const state of pvcStates) {
    const evidence = evidenceOf(state.cluster);
    for (const rs of evidence?.objects.replicationSources ?? []) {
      if (
        rs.metadata.namespace !== state.pvc.metadata.namespace ||
        rs.spec?.sourcePVC !== state.pvc.metadata.name
      ) {
        continue;
      }
      judgeReplicationSource(rs, state);
    }
  }

  function judgeReplicationSource(rs: ReplicationSource, state: PvcState) {
    const { cluster } = state;
    reasons.push(
      ...malformedReasons(
        'ReplicationSource',
        rs,
        cluster,
        'risk',
        'it is judged without that field',
      ),
    );
    const label = ref('ReplicationSource', rs, cluster);
    const obj = objectRef('ReplicationSource', rs, cluster);
    const paused = rs.spec?.paused === true;
    const trigger = rs.spec?.trigger;
    const manual =
      !paused && typeof trigger?.manual === 'string' && !trigger?.schedule;
    const sync = conditionOf(rs, 'Synchronizing');
    // VolSync's Synchronizing condition is False between syncs (reason WaitingForSchedule or
    // WaitingForManual); reason Error means the last attempt failed (volsync api/v1alpha1).
    const failing = sync?.status === 'False' && sync.reason === 'Error';
    state.coveredBy.push({
      kind: 'ReplicationSource',
      name: rs.metadata.name,
      paused,
      offCluster: true,
    });
    state.offCluster = true;
    if (!paused && !manual) {
      if (trigger?.schedule) {
        const interval = scheduleMaxIntervalSeconds(trigger.schedule, now);
        if (interval !== undefined) {
          state.cadences.push({
            seconds: interval,
            by: `ReplicationSource ${rs.metadata.name}`,
          });
        } else {
          risk(
            'replication-schedule-unreadable',
            `${label}: spec.trigger.schedule ${JSON.stringify(
              trigger.schedule,
            )} is not a cron expression.`,
            'Write spec.trigger.schedule as a five-field cron expression.',
            { ...obj, field: 'spec.trigger.schedule' },
          );
        }
      } else {
        // No trigger: VolSync syncs continuously, one sync after another.
        state.cadences.push({
          seconds: 0,
          by: `ReplicationSource ${rs.metadata.name}`,
        });
      }
    }
    const end = parseTime(rs.status?.lastSyncTime);
    const duration = parseGoDuration(rs.status?.lastSyncDuration ?? undefined);
    let start: number | undefined;
    if (end !== undefined) {
      if (duration !== undefined) start = end - duration * 1000;
      else {
        const started = parseTime(rs.status?.lastSyncStartTime);
        start = started !== undefined && started <= end ? started : end;
      }
    } else if (rs.status?.lastSyncTime !== undefined) {
      risk(
        'malformed-object',
        `${label}: status.lastSyncTime ${JSON.stringify(
          rs.status?.lastSyncTime,
        )} is not a time; its syncs are not counted.`,
        'Check the VolSync operator: it writes this field.',
        { ...obj, field: 'status.lastSyncTime' },
      );
    }
    let counted = start !== undefined;
    if (
      start !== undefined &&
      inFuture(start, cluster, `ReplicationSource ${rs.metadata.name}`)
    ) {
      counted = false;
    }
    if (counted && start !== undefined) {
      offerPvcPoint(state, Math.min(start, nowMs), {
        time: iso(Math.min(start, nowMs)),
        source: 'volsync',
        kind: 'ReplicationSource',
        name: rs.metadata.name,
        namespace: rs.metadata.namespace,
        cluster: declaration.recoveryCluster ?? cluster,
      });
    }
    const healthy = counted && !paused && !manual && !failing;
    replication.push({
      kind: 'ReplicationSource',
      name: rs.metadata.name,
      namespace: rs.metadata.namespace,
      cluster,
      healthy,
      lagSeconds:
        counted && start !== undefined
          ? Math.max(0, Math.floor((nowMs - start) / 1000))
          : null,
      message: [
        paused ? 'paused' : undefined,
        manual ? 'manual trigger only' : undefined,
        failing
          ? `failing: ${sync?.message ?? 'Synchronizing reason Error'}`
          : undefined,
        end === undefined
          ? 'has not synced yet'
          : `last sync ${rs.status?.lastSyncTime}${
              duration !== undefined ? `, took ${formatDuration(duration)}` : ''
            }`,
      ]
        .filter(Boolean)
        .join('; '),
    });
    if (paused) {
      risk(
        'replication-paused',
        `${label} is paused: no further syncs of PVC ${state.key} will come; its last sync still counts.`,
        `Unpause it (spec.paused: false) or replicate the PVC another way.`,
        obj,
      );
    } else if (manual) {
      risk(
        'replication-manual',
        `${label} syncs only on a manual trigger (spec.trigger.manual): no further syncs of PVC ${state.key} will come by themselves.`,
        'Give it spec.trigger.schedule within the RPO target.',
        obj,
      );
    }
    if (failing) {
      risk(
        'replication-failing',
        `${label} is failing: ${
          sync?.message ?? 'Synchronizing reason Error'
        }.`,
        `Read the ReplicationSource's events and its mover job's logs on ${cluster}.`,
        obj,
      );
    }
  }

  // ---- CloudNativePG replicas and MirrorMaker 2 mirrors outside the primary.
  const pgPvcs = pvcStates.filter(
    s => s.pvc.metadata.labels?.['cnpg.io/cluster'],
  );
  const otherPvcs = pvcStates.filter(
    s => !s.pvc.metadata.labels?.['cnpg.io/cluster'],
  );
  let replicaLinks = 0;
  for (const evidence of scope) {
    if (isPrimary(evidence.cluster)) continue;
    for (const pg of serviceObjectsOf(
      evidence.objects.postgresClusters,
      target,
    )) {
      judgePostgres(pg, evidence);
    }
    for (const mm2 of serviceObjectsOf(evidence.objects.mirrorMakers, target)) {
      replicaLinks += 1;
      reasons.push(
        ...malformedReasons(
          'KafkaMirrorMaker2',
          mm2,
          evidence.cluster,
          'risk',
          'it is judged without that field',
        ),
      );
      const connectors = mm2.status?.connectors ?? [];
      const failing = connectors.flatMap(c => [
        ...(c.connector?.state && c.connector.state !== 'RUNNING'
          ? [`connector ${c.name} ${c.connector.state}`]
          : []),
        ...(c.tasks ?? [])
          .filter(t => t.state !== 'RUNNING')
          .map(t => `task ${c.name}/${t.id} ${t.state}`),
      ]);
      const healthy =
        conditionOf(mm2, 'Ready')?.status === 'True' &&
        failing.length === 0 &&
        connectors.length > 0;
      const label = ref('KafkaMirrorMaker2', mm2, evidence.cluster);
      replication.push({
        kind: 'KafkaMirrorMaker2',
        name: mm2.metadata.name,
        namespace: mm2.metadata.namespace,
        cluster: evidence.cluster,
        healthy,
        lagSeconds: null,
        message: healthy
          ? 'all connectors and tasks RUNNING; lag not measured'
          : failing.join(', ') || 'not Ready',
      });
      for (const state of otherPvcs) {
        state.coveredBy.push({
          kind: 'KafkaMirrorMaker2',
          name: mm2.metadata.name,
          paused: false,
          offCluster: true,
        });
        state.offCluster = true;
        if (healthy)
          state.cadences.push({
            seconds: 0,
            by: `KafkaMirrorMaker2 ${mm2.metadata.name}`,
          });
      }
      if (!healthy) {
        risk(
          'replication-failing',
          `Replication to ${evidence.cluster} is failing: ${label} is ${
            failing.join(', ') || 'not Ready'
          }.`,
          `Restart the failed connectors and tasks (the KafkaConnector status, the MirrorMaker 2 pod logs on ${evidence.cluster}).`,
          objectRef('KafkaMirrorMaker2', mm2, evidence.cluster),
        );
      } else {
        // Strimzi reports no replication lag: the mirror gives no recovery point (never one at `now`).
        risk(
          'replication-lag-unknown',
          `The lag of ${label} is not measured, so it gives no recovery point.`,
          'Export the MirrorMaker 2 consumer lag (kafka_consumer_records_lag) and alert on it.',
          objectRef('KafkaMirrorMaker2', mm2, evidence.cluster),
        );
      }
    }
  }

  /**
   * The PVCs (labelled `cnpg.io/cluster`) of the primary Cluster a replica follows: the one named
   * by its `spec.replica.primary` or by its own name (a replica usually keeps the primary's name);
   * else, when the service's PVCs belong to one CloudNativePG Cluster only, that one's. A replica
   * never stands for the volumes of another Cluster of the service.
   */
  function replicatedPvcs(pg: PostgresCluster): PvcState[] {
    const names = new Set(
      [pg.spec?.replica?.primary, pg.metadata.name].filter(
        (n): n is string => typeof n === 'string' && n !== '',
      ),
    );
    const named = pgPvcs.filter(s =>
      names.has(s.pvc.metadata.labels!['cnpg.io/cluster']),
    );
    if (named.length > 0) return named;
    const clusters = new Set(
      pgPvcs.map(s => s.pvc.metadata.labels!['cnpg.io/cluster']),
    );
    return clusters.size === 1 ? pgPvcs : [];
  }

  function judgePostgres(pg: PostgresCluster, evidence: SanitizedEvidence) {
    const { cluster } = evidence;
    reasons.push(
      ...malformedReasons(
        'Cluster',
        pg,
        cluster,
        'risk',
        'it is judged without that field',
      ),
    );
    const label = ref('Cluster', pg, cluster);
    const obj = objectRef('Cluster', pg, cluster);
    if (!isPostgresReplica(pg)) {
      risk(
        'postgres-not-replica',
        `${label} is not a replica cluster (spec.replica${
          typeof pg.spec?.replica?.enabled === 'boolean'
            ? '.enabled is false'
            : '.primary names it'
        }): it does not follow ${primaryName} and gives no recovery point.`,
        `If it was promoted, fail back or make it a replica again (spec.replica.primary: the primary's name); never run two primaries.`,
        obj,
      );
      return;
    }
    replicaLinks += 1;
    const followed = replicatedPvcs(pg);
    const key = `${pg.metadata.namespace}/${pg.metadata.name}`;
    const rawLag = evidence.postgresReplicationLagSeconds?.[key];
    const lag =
      typeof rawLag === 'number' && Number.isFinite(rawLag) && rawLag >= 0
        ? rawLag
        : undefined;
    const healthy = conditionOf(pg, 'Ready')?.status === 'True';
    replication.push({
      kind: 'Cluster',
      name: pg.metadata.name,
      namespace: pg.metadata.namespace,
      cluster,
      healthy: healthy && lag !== undefined,
      lagSeconds: lag ?? null,
      message: `${pg.status?.phase ?? 'unknown phase'}${
        lag === undefined
          ? '; lag not measured'
          : `; ${formatDuration(lag)} behind`
      }`,
    });
    for (const state of followed) {
      state.coveredBy.push({
        kind: 'Cluster',
        name: pg.metadata.name,
        paused: false,
        offCluster: true,
      });
      state.offCluster = true;
      if (healthy)
        state.cadences.push({ seconds: 0, by: `Cluster ${pg.metadata.name}` });
    }
    if (!healthy) {
      risk(
        'replication-failing',
        `Replication to ${cluster} is failing: ${label} is not Ready (${
          pg.status?.phase ?? 'no phase'
        }).`,
        `Read the Cluster's status and the designated primary's logs on ${cluster} (kubectl cnpg status ${pg.metadata.name}).`,
        obj,
      );
      return;
    }
    if (lag === undefined) {
      risk(
        'replication-lag-unknown',
        `The lag of ${label} was not measured: it gives no recovery point, so the RPO it gives is unknown.`,
        `Let the backend read cnpg_pg_replication_lag from the replica's designated primary (${
          pg.status?.currentPrimary ?? 'status.currentPrimary'
        }, metrics port) through the API server's pod proxy.`,
        obj,
      );
      return;
    }
    const ms = nowMs - lag * 1000;
    const point: DrRecoveryPoint = {
      time: iso(ms),
      source: 'cnpg-replica',
      kind: 'Cluster',
      name: pg.metadata.name,
      namespace: pg.metadata.namespace,
      cluster,
      usable: true,
      counted: true,
      phase: 'Replicating',
    };
    recoveryPoints.push(point);
    if (hasPvcs) {
      for (const state of followed) {
        offerPvcPoint(state, ms, {
          time: point.time!,
          source: 'cnpg-replica',
          kind: 'Cluster',
          name: pg.metadata.name,
          namespace: pg.metadata.namespace,
          cluster,
        });
      }
    } else {
      offerServicePoint(ms, point);
    }
  }

  // ---- Local CSI snapshots of the service's PVCs: shown, never counted.
  for (const state of pvcStates) {
    const evidence = evidenceOf(state.cluster);
    for (const snapshot of evidence?.objects.volumeSnapshots ?? []) {
      if (
        snapshot.metadata.namespace !== state.pvc.metadata.namespace ||
        snapshot.spec?.source?.persistentVolumeClaimName !==
          state.pvc.metadata.name
      ) {
        continue;
      }
      const ready = snapshot.status?.readyToUse === true;
      recoveryPoints.push({
        time: snapshot.status?.creationTime ?? undefined,
        source: 'volume-snapshot',
        kind: 'VolumeSnapshot',
        name: snapshot.metadata.name,
        namespace: snapshot.metadata.namespace,
        cluster: state.cluster,
        usable: ready,
        counted: false,
        phase: ready ? 'ReadyToUse' : 'NotReady',
        reason: ready
          ? `local to ${state.cluster}: good against corruption, lost with the cluster`
          : snapshot.status?.error?.message ?? 'not ready to use',
        pvcs: [state.key],
      });
    }
  }

  for (const [cluster, what] of clockSkew) {
    risk(
      'clock-skew',
      `Clock skew on ${cluster}: ${what.slice(0, 3).join(', ')}${
        what.length > 3 ? ` and ${what.length - 3} more` : ''
      } ${what.length === 1 ? 'is' : 'are'} more than ${formatDuration(
        skewMs / 1000,
      )} ahead of now; not counted.`,
      `Synchronise the clocks of ${cluster}'s nodes (NTP) and of the Backstage backend.`,
    );
  }

  // Storage locations used by the service.
  const storageLocations: DrStatus['storageLocations'] = [];
  for (const [key, l] of [...usedLocations.entries()].sort((a, b) =>
    a[0].localeCompare(b[0]),
  )) {
    const cluster = key.split('\u0000')[0];
    const phase = l.status?.phase ?? 'Unknown';
    storageLocations.push({
      cluster,
      name: l.metadata.name,
      phase,
      message: l.status?.message ?? undefined,
      lastValidationTime: l.status?.lastValidationTime ?? undefined,
    });
    if (
      phase !== 'Available' &&
      !downLocations.has(`${cluster}/${l.metadata.name}`)
    ) {
      risk(
        'storage-location-unavailable',
        `BackupStorageLocation ${l.metadata.name} on ${cluster} is ${phase}${
          l.status?.message ? `: ${l.status.message}` : ''
        }.`,
        `Fix its credentials, bucket or network (velero backup-location get ${l.metadata.name}); its backups do not count meanwhile.`,
        {
          cluster,
          kind: 'BackupStorageLocation',
          namespace: l.metadata.namespace,
          name: l.metadata.name,
        },
      );
    }
  }

  // ---- Coverage and achieved RPO per PVC (rules 1, 4, 5 with the per-PVC refinement).
  const rpo = declaration.rpoSeconds;
  const coverage: DrStatus['coverage'] = pvcStates.map(state => {
    const cadence = state.cadences.length
      ? state.cadences.reduce((a, b) => (b.seconds < a.seconds ? b : a))
      : undefined;
    return {
      cluster: state.cluster,
      namespace: state.pvc.metadata.namespace ?? '',
      pvc: state.pvc.metadata.name,
      coveredBy: state.coveredBy,
      newestPoint: state.newest?.point ?? null,
      achievedRpoSeconds: state.newest
        ? Math.max(0, Math.floor((nowMs - state.newest.ms) / 1000))
        : null,
      cadenceSeconds: cadence?.seconds ?? null,
    };
  });
  const slowCadences = new Map<
    string,
    { seconds: number; by: string; pvcs: PvcState[] }
  >();
  for (const state of pvcStates) {
    const label = `PVC ${state.key} on ${state.cluster}`;
    const obj = objectRef('PersistentVolumeClaim', state.pvc, state.cluster);
    if (state.coveredBy.length === 0) {
      breach(
        'pvc-uncovered',
        `${label} is not covered by any backup schedule, VolSync ReplicationSource or replica.`,
        `Add it to a Velero Schedule that moves its data off ${state.cluster} (snapshotMoveData: true or file-system backup), or replicate it with VolSync.`,
        obj,
      );
    } else if (!state.offCluster) {
      breach(
        'pvc-local-only',
        `${label} is backed up only by snapshots that stay on ${
          state.cluster
        } (${state.localBy
          .map(n => `Schedule ${n}`)
          .join(', ')}): its data would be lost with the cluster.`,
        `Set snapshotMoveData: true (CSI data movement) or defaultVolumesToFsBackup: true in ${
          state.localBy[0] ?? 'the schedule'
        }'s template.`,
        obj,
      );
    }
    const cadence = state.cadences.length
      ? state.cadences.reduce((a, b) => (b.seconds < a.seconds ? b : a))
      : undefined;
    if (cadence && cadence.seconds > rpo) {
      const key = `${cadence.by}\u0000${cadence.seconds}`;
      const group = slowCadences.get(key) ?? {
        ...cadence,
        pvcs: [] as PvcState[],
      };
      group.pvcs.push(state);
      slowCadences.set(key, group);
    }
  }
  // One reason per slow mechanism, naming the PVCs it is the best copy of.
  for (const group of slowCadences.values()) {
    const names = group.pvcs.map(p => p.key);
    const cluster = group.pvcs[0].cluster;
    breach(
      'cadence-too-slow',
      `${group.by} on ${cluster} is the fastest copy of PVC${
        names.length > 1 ? 's' : ''
      } ${names.join(', ')}, and runs only every ${formatDuration(
        group.seconds,
      )}; the RPO target is ${formatDuration(rpo)}.`,
      `Add ${
        names.length > 1 ? 'them' : 'it'
      } to a schedule that runs at least every ${formatDuration(
        rpo,
      )}, or shorten ${group.by}'s schedule.`,
      group.pvcs.length === 1
        ? objectRef('PersistentVolumeClaim', group.pvcs[0].pvc, cluster)
        : undefined,
    );
  }

  let achievedMs: number | undefined;
  if (hasPvcs) {
    achievedMs = pvcStates.every(s => s.newest)
      ? Math.min(...pvcStates.map(s => s.newest!.ms))
      : undefined;
  } else {
    achievedMs = serviceNewest?.ms;
  }
  const achievedRpoSeconds =
    achievedMs === undefined
      ? null
      : Math.max(0, Math.floor((nowMs - achievedMs) / 1000));
  // PVCs without a point that no coverage reason explains yet.
  const unexplained = pvcStates.filter(
    s => !s.newest && s.coveredBy.length > 0 && s.offCluster,
  );
  if (achievedRpoSeconds === null) {
    // A PVC without a point that is uncovered or covered only locally has its own reason.
    if (!hasPvcs || unexplained.length > 0) {
      breach(
        'no-recovery-point',
        hasPvcs && pvcStates.some(s => s.newest)
          ? `Not every PVC has a recovery point that survives the loss of ${primaryName} (no point for ${unexplained
              .map(s => s.key)
              .join(', ')}), so the service cannot be brought back whole.`
          : `No recovery point survives the loss of ${primaryName}.`,
        'Find why its schedules or replication have not produced a usable copy (failed backups, an unavailable location, no sync yet).',
      );
    }
  } else if (achievedRpoSeconds > rpo) {
    const worst = hasPvcs
      ? pvcStates.reduce((a, b) => (b.newest!.ms < a.newest!.ms ? b : a))
      : undefined;
    breach(
      'rpo-exceeded',
      `Achieved RPO ${formatDuration(
        achievedRpoSeconds,
      )} is above the ${formatDuration(rpo)} target${
        worst
          ? ` (set by PVC ${worst.key}, last copied by ${
              worst.newest!.point.kind
            } ${worst.newest!.point.name})`
          : ''
      }.`,
      'Find why the newest backups or syncs are missing (failed or skipped runs, paused schedules, unavailable locations).',
    );
  } else if (achievedRpoSeconds > rpo * atRiskRatio) {
    risk(
      'rpo-near-target',
      `Achieved RPO ${formatDuration(achievedRpoSeconds)} is above ${Math.round(
        atRiskRatio * 100,
      )}% of the ${formatDuration(rpo)} target.`,
      'Run backups or syncs more often, or find why the last ones are late.',
    );
  }
  // A service without PVCs: the best manifest schedule must fit the RPO, unless a replica serves.
  if (!hasPvcs && replicaLinks === 0 && manifestCadences.length > 0) {
    const best = Math.min(...manifestCadences);
    if (best > rpo) {
      breach(
        'cadence-too-slow',
        `Backups of the service run at best every ${formatDuration(
          best,
        )}; the RPO target is ${formatDuration(rpo)}.`,
        `Schedule a backup at least every ${formatDuration(rpo)}.`,
      );
    }
  }

  // ---- The strategy is really in place.
  judgeStrategy();
  function judgeStrategy() {
    const strategy = declaration.strategy;
    if (!strategy || strategy === 'backup-restore') return;
    const recovery = recoveryClusters
      .map(evidenceOf)
      .filter((e): e is SanitizedEvidence => Boolean(e));
    const recoveryName = recoveryClusters.join(', ') || 'a recovery cluster';
    const name = target.id ?? 'the service';
    if (recovery.length === 0) {
      if (recoveryClusters.length === 0) {
        risk(
          'recovery-cluster-missing',
          `${strategy} needs a recovery cluster, and none is named or found.`,
          'Set the disaster-recovery/recovery-cluster annotation.',
        );
      }
      return;
    }
    // A service without volumes has no data to replicate: only its workloads must be there.
    const hasData =
      hasPvcs ||
      primaries.some(c => (location.postgresClusters.get(c) ?? []).length > 0);
    const replicated =
      !hasData ||
      pvcStates.some(s => s.coveredBy.some(c => c.kind !== 'Schedule')) ||
      replicaLinks > 0 ||
      recovery.some(
        e =>
          serviceObjectsOf(e.objects.replicationDestinations, target).length >
          0,
      );
    const workloadsThere = recovery.some(
      e =>
        serviceObjectsOf(e.objects.statefulSets, target).length > 0 ||
        serviceObjectsOf(e.objects.deployments, target).length > 0 ||
        serviceObjectsOf(e.objects.postgresClusters, target).length > 0,
    );
    if (strategy === 'pilot-light') {
      // Backups restorable there: copies of the service's backups synced into the recovery
      // cluster, or a location of the recovery cluster on the bucket and prefix the primary's
      // schedules and backups write to.
      const primaryBuckets = [...usedLocations.entries()]
        .filter(([key]) => isPrimary(key.split('\u0000')[0]))
        .map(([, l]) => l.spec?.objectStorage)
        .filter(o => o?.bucket);
      const restorable =
        [...copiesByName.values()].some(copies =>
          copies.some(c => !c.primary),
        ) ||
        recovery.some(e =>
          (e.objects.backupStorageLocations ?? []).some(r =>
            primaryBuckets.some(
              o =>
                r.spec?.objectStorage?.bucket === o!.bucket &&
                (r.spec?.objectStorage?.prefix ?? '') === (o!.prefix ?? ''),
            ),
          ),
        );
      if (!replicated && !restorable) {
        breach(
          'strategy-not-in-place',
          `pilot-light declared, but nothing replicates ${name} to ${recoveryName} and no backup of it can be restored there.`,
          `Replicate its data to ${recoveryName} (VolSync, CloudNativePG replica) or give ${recoveryName} a BackupStorageLocation on the primary's bucket.`,
        );
      }
    } else if (strategy === 'warm-standby') {
      if (!replicated) {
        breach(
          'strategy-not-in-place',
          `warm-standby declared, but nothing replicates ${name} to ${recoveryName}.`,
          `Replicate its data continuously to ${recoveryName} (VolSync, a CloudNativePG replica cluster, MirrorMaker 2).`,
        );
      }
      if (!workloadsThere) {
        breach(
          'strategy-not-in-place',
          `warm-standby declared, but ${name} has no workloads on ${recoveryName}.`,
          `Deploy the standby (scaled down) on ${recoveryName}.`,
        );
      }
    } else if (strategy === 'active-active') {
      const ready = (e: SanitizedEvidence | undefined) =>
        Boolean(e) &&
        [
          ...serviceObjectsOf(e!.objects.statefulSets, target),
          ...serviceObjectsOf(e!.objects.deployments, target),
        ].some((w: Workload) => (w.status?.readyReplicas ?? 0) > 0);
      const notServing = [...primaries.map(evidenceOf), ...recovery]
        .filter((e): e is SanitizedEvidence => Boolean(e))
        .filter(e => !ready(e))
        .map(e => e.cluster);
      if (notServing.length > 0) {
        breach(
          'strategy-not-in-place',
          `active-active declared, but ${name} has no ready replicas on ${notServing.join(
            ' and ',
          )}.`,
          `Run it on both sides with ready replicas, or declare the strategy it really has.`,
        );
      }
    }
  }

  // ---- Drills (rule 7).
  const serviceBackupNames = new Set(
    serviceBackups.map(b => b.backup.metadata.name),
  );
  for (const p of recoveryPoints)
    if (p.kind === 'Backup' && p.counted) serviceBackupNames.add(p.name);
  const coveringSchedules = new Set(schedules.map(s => s.name));
  const servicePrimaryObjects = primaryObjects;
  const restoresService = (restore: VeleroRestore) => {
    const spec = restore.spec ?? {};
    const backupName = spec.backupName ?? '';
    const scheduleName =
      spec.scheduleName ?? restore.metadata.labels?.[SCHEDULE_NAME_LABEL];
    const ofService =
      serviceBackupNames.has(backupName) ||
      (scheduleName !== undefined &&
        scheduleName !== null &&
        coveringSchedules.has(scheduleName));
    if (!ofService) return false;
    // The restore's own filters must take in the service (namespaceMapping only renames).
    const scope_ = veleroScope(spec);
    return servicePrimaryObjects.some(({ obj, resource }) =>
      scopeTakesIn(scope_, obj, resource),
    );
  };
  const lastDrill = findLastDrill(
    input,
    restoresService,
    { backups: serviceBackupNames, schedules: coveringSchedules },
    declaration.recoveryCluster ? scope : input.clusters,
    isPrimary,
  );
  if (!lastDrill) {
    if (!drillsUncertain) {
      risk(
        'never-drilled',
        `Never drilled: no completed drill, failover or restore of the service's backups in ${
          recoveryClusters.join(', ') || 'a recovery cluster'
        }.`,
        'Run a DR drill (restore the newest backup into an isolated namespace of the recovery cluster) and record its RTO.',
      );
    }
  } else {
    const age = Math.floor((nowMs - Date.parse(lastDrill.completedAt)) / 1000);
    if (age > declaration.drillCadenceSeconds) {
      risk(
        'drill-overdue',
        `The last drill (${lastDrill.kind} ${
          lastDrill.name
        }) was ${formatDuration(age)} ago, longer than the ${formatDuration(
          declaration.drillCadenceSeconds,
        )} drill cadence.`,
        'Run a DR drill.',
      );
    }
    if (lastDrill.measuredRtoSeconds > declaration.rtoSeconds) {
      breach(
        'rto-exceeded',
        `Measured RTO ${formatDuration(lastDrill.measuredRtoSeconds)} (${
          lastDrill.kind
        } ${lastDrill.name}) is above the ${formatDuration(
          declaration.rtoSeconds,
        )} target.`,
        'Make the recovery faster (smaller restores, pre-provisioned standby, a warmer strategy) or agree a longer RTO for the tier.',
      );
    }
  }

  // ---- Unknown (rule 8).
  if (pointsUncertain) {
    for (let i = reasons.length - 1; i >= 0; i--) {
      if (FROM_ABSENCE.has(reasons[i].code)) reasons.splice(i, 1);
    }
  }
  for (const u of unreadable) {
    reasons.push({
      severity: 'unknown',
      code: 'cluster-unreadable',
      message: `Cluster ${u.cluster} could not be read: ${u.reason}`,
      nextStep: `Check the Kubernetes plugin's access to ${u.cluster} (its service account's RBAC, the API server's health).`,
    });
  }

  const order = { breach: 0, unknown: 1, risk: 2 };
  const verdicts = {
    breach: 'breached',
    unknown: 'unknown',
    risk: 'at-risk',
  } as const;
  const worst = reasons.reduce<DrReason | undefined>(
    (w, r) => (!w || order[r.severity] < order[w.severity] ? r : w),
    undefined,
  );
  const verdict = worst ? verdicts[worst.severity] : 'compliant';
  // Stable order: by severity, then as found. Undefined optional fields are dropped.
  const sorted = reasons
    .map((r, i) => ({ r, i }))
    .sort((a, b) => order[a.r.severity] - order[b.r.severity] || a.i - b.i)
    .map(({ r }) => {
      const out: DrReason = {
        severity: r.severity,
        code: r.code,
        message: r.message,
      };
      if (r.nextStep) out.nextStep = r.nextStep;
      if (r.object) out.object = r.object;
      return out;
    });

  recoveryPoints.sort(
    (a, b) =>
      (parseTime(b.time) ?? -Infinity) - (parseTime(a.time) ?? -Infinity),
  );
  return {
    verdict,
    reasons: sorted,
    evaluatedAt: iso(nowMs),
    achievedRpoSeconds,
    recoveryPoints,
    coverage,
    schedules,
    replication,
    storageLocations,
    lastDrill,
    measuredRtoSeconds: lastDrill?.measuredRtoSeconds ?? null,
    unreadable,
    primaryClusters: primaries,
    primarySource: location.primarySource,
  };
}

function findLastDrill(
  input: DrEvaluationInput,
  restoresService: (restore: VeleroRestore) => boolean,
  names: { backups: Set<string>; schedules: Set<string> },
  clusters: ClusterEvidence[],
  isPrimary: (cluster: string) => boolean,
): DrStatus['lastDrill'] {
  const candidates: NonNullable<DrStatus['lastDrill']>[] = [];
  for (const run of input.runs ?? []) {
    if (
      run.status !== 'completed' ||
      run.type === 'failback' ||
      !run.verifiedAt
    )
      continue;
    const started = parseTime(run.startedAt);
    const verified = parseTime(run.verifiedAt);
    if (started === undefined || verified === undefined || verified < started)
      continue;
    candidates.push({
      kind: 'run',
      name: run.id,
      type: run.type,
      startedAt: run.startedAt,
      completedAt: run.verifiedAt,
      measuredRtoSeconds: Math.floor((verified - started) / 1000),
    });
  }
  for (const raw of clusters) {
    if (isPrimary(raw.cluster)) continue;
    // Only the restores of the service's backups and schedules, through the list's index.
    const index = restoreIndex(sanitizeEvidence(raw).objects.restores ?? []);
    const restores = new Set<VeleroRestore>();
    for (const name of names.backups) {
      for (const r of index.byBackup.get(name) ?? []) restores.add(r);
    }
    for (const name of names.schedules) {
      for (const r of index.bySchedule.get(name) ?? []) restores.add(r);
    }
    for (const restore of restores) {
      const { startTimestamp, completionTimestamp, phase } =
        restore.status ?? {};
      if (phase !== 'Completed') continue;
      const started = parseTime(startTimestamp);
      const completed = parseTime(completionTimestamp);
      if (
        started === undefined ||
        completed === undefined ||
        completed < started
      )
        continue;
      if (completed > input.now.getTime() + 300_000) continue;
      if (!restoresService(restore)) continue;
      candidates.push({
        kind: 'Restore',
        name: restore.metadata.name,
        cluster: raw.cluster,
        type: 'restore',
        startedAt: startTimestamp!,
        completedAt: completionTimestamp!,
        measuredRtoSeconds: Math.floor((completed - started) / 1000),
      });
    }
  }
  candidates.sort(
    (a, b) => Date.parse(b.completedAt) - Date.parse(a.completedAt),
  );
  return candidates[0] ?? null;
}
