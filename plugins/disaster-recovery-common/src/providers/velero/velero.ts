import { formatDuration } from '../../duration';
import {
  candidateBackups,
  candidateSchedules,
} from '../../evaluation/backupIndex';
import {
  parseVeleroCron,
  scheduleMaxIntervalSeconds,
  scheduleRunTimes,
} from '../../evaluation/cadence';
import {
  KubeObject,
  VeleroBackup,
  VeleroBackupStorageLocation,
  VeleroRestore,
  VeleroSchedule,
  veleroBackupTime,
} from '../../evaluation/kubernetes';
import { DrServiceObject, malformedReasons } from '../../evaluation/locate';
import {
  describeObject,
  isoSeconds,
  objectRef,
  parseTime,
  plural,
} from '../../evaluation/objects';
import {
  DrProviderContext,
  DrProviderCoverage,
  DrProviderEvidence,
  DrProviderPvc,
  DrProviderRecoveryPoint,
  DrStatusProvider,
} from '../../evaluation/provider';
import { DR_RESOURCE_TYPES } from '../../evaluation/resources';
import { sanitizeEvidence, SanitizedEvidence } from '../../evaluation/sanitize';
import { DrReason, DrRecoveryPoint, DrStatus } from '../../evaluation/types';
import {
  DrVolumeData,
  VeleroScope,
  backupVolumeData,
  locationInsideCluster,
  scopeTakesIn,
  veleroScope,
} from '../../evaluation/velero';

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
 * label filters of `spec`, as Velero applies them), as the Velero provider decides it. A backup
 * without `spec` takes in nothing.
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

interface BackupCopy {
  backup: VeleroBackup;
  cluster: string;
  primary: boolean;
}

/**
 * Judges a service's Velero evidence (`velero.io/v1` Backup, Schedule, Restore,
 * BackupStorageLocation) as DOMAIN.md and its refinements say:
 *
 * - **Whose backup**: a backup on a non-primary cluster counts only when it is a synced copy of a
 *   primary backup (same name, or a primary schedule's `velero.io/schedule-name` label); one made
 *   by another cluster's Velero backs up that cluster. Copies of one backup count once.
 * - **Recovery point**: `status.startTimestamp` of a `Completed` (optionally `PartiallyFailed`),
 *   unexpired backup on an `Available` BackupStorageLocation outside the cluster; for a service
 *   with PVCs only for the PVCs whose data it moves off the cluster (file-system backup or CSI
 *   data movement).
 * - **Schedules**: coverage of each PVC, cadence (longest interval of `spec.schedule`), paused,
 *   FailedValidation, read-only or in-cluster locations, missed runs.
 * - **Drills**: `Completed` Restores outside the primary of the service's backups or schedules
 *   whose own filters take in the service.
 */
function evaluateVelero(ctx: DrProviderContext): DrProviderEvidence {
  const { location, nowMs, now, options, pvcs, primaries, isPrimary } = ctx;
  const { scope, primaryObjects } = location;
  const { evidenceOf, primaryName } = ctx;
  const skewMs = (options.clockSkewSeconds ?? 300) * 1000;
  const reasons: DrReason[] = [];
  const risk = (
    code: string,
    message: string,
    nextStep?: string,
    object?: DrReason['object'],
  ) => reasons.push({ severity: 'risk', code, message, nextStep, object });
  const recoveryPoints: DrProviderRecoveryPoint[] = [];
  const coverage: DrProviderCoverage[] = [];
  const futurePoints: NonNullable<DrProviderEvidence['futurePoints']> = [];
  const inFuture = (ms: number, cluster: string, what: string) => {
    if (ms - nowMs <= skewMs) return false;
    futurePoints.push({ cluster, what: `${what} at ${isoSeconds(ms)}` });
    return true;
  };
  const hasPvcs = pvcs.length > 0;

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
    pvc: DrProviderPvc,
  ): DrVolumeData => backupVolumeData(scope_, spec, pvc.pvc, pvc.mounts);
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
            point: {
              ...basePoint(backup, evidence.cluster),
              reason: `made by Velero on ${evidence.cluster}: it backs up ${evidence.cluster}, not ${primaryName}`,
            },
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
            point: {
              ...basePoint(backup, evidence.cluster),
              reason: `made by Velero on ${maker} (Schedule ${scheduleName}), synced into ${evidence.cluster}: it backs up ${maker}`,
            },
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
    const entry: DrProviderRecoveryPoint = { point };
    recoveryPoints.push(entry);
    if (!counting || counting.ms === undefined) continue;
    point.counted = true;
    point.reason = undefined;
    const spec = counting.copy.backup.spec!;
    const scope_ = veleroScope(
      spec,
      counting.copy.backup.status?.wildcardNamespaces?.wildcardResult,
    );
    if (hasPvcs) {
      const carried: NonNullable<DrProviderRecoveryPoint['pvcs']> = [];
      for (const pvc of pvcs) {
        if (carriesOff(dataOf(scope_, spec, pvc), true)) {
          carried.push({
            pvc,
            point: {
              time: isoSeconds(counting.ms),
              source: 'velero-backup',
              kind: 'Backup',
              name: point.name,
              namespace: point.namespace,
              cluster: point.cluster,
            },
          });
        }
      }
      point.pvcs = carried.map(c => c.pvc.key);
      if (carried.length === 0) {
        point.counted = false;
        point.reason =
          'holds the manifests only: no PVC data leaves the cluster (local snapshots or none)';
      } else {
        entry.ms = counting.ms;
        entry.pvcs = carried;
        entry.service = true;
      }
    } else {
      entry.ms = counting.ms;
      entry.service = true;
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
      `The newest backup, ${describeObject(
        'Backup',
        b,
        newestFinished.cluster,
      )}, is ${b.status?.phase}${
        b.status?.errors ? ` with ${plural(b.status.errors, 'error')}` : ''
      }${b.status?.failureReason ? `: ${b.status.failureReason}` : ''}.`,
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
    const label = describeObject('Schedule', s, cluster);
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
    for (const pvc of pvcs) {
      if (pvc.cluster !== cluster) continue;
      const data = dataOf(scope_, template, pvc);
      if (data === 'none' || data === 'manifest') continue;
      const off = carriesOff(data, survives);
      movesData ||= off;
      coverage.push({
        pvc,
        by: { kind: 'Schedule', name, paused, offCluster: off },
        cadence:
          off && maxInterval !== undefined
            ? { seconds: maxInterval, by: `Schedule ${name}` }
            : undefined,
      });
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
      entry.lastSuccessfulBackup = isoSeconds(lastSuccess);
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
    entry.missedSince = isoSeconds(missed[0]);
    const lastSeen =
      lastSuccess !== undefined
        ? ` (last successful backup ${isoSeconds(lastSuccess)})`
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
        `${label} has had no successful backup for ${runs} since ${isoSeconds(
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
        `${label} missed ${runs} since ${isoSeconds(missed[0])}${lastSeen}.`,
        `Velero on ${cluster} may be down: check its pod and logs (kubectl -n velero logs deploy/velero) and velero schedule describe ${name}.`,
        obj,
      );
    }
  }

  // ---- Storage locations used by the service, with their reason when not Available.
  const storageLocations: NonNullable<DrProviderEvidence['storageLocations']> =
    [];
  for (const [key, l] of usedLocations) {
    const cluster = key.split('\u0000')[0];
    const phase = l.status?.phase ?? 'Unknown';
    storageLocations.push({
      cluster,
      name: l.metadata.name,
      phase,
      message: l.status?.message ?? undefined,
      lastValidationTime: l.status?.lastValidationTime ?? undefined,
      reason:
        phase !== 'Available' &&
        !downLocations.has(`${cluster}/${l.metadata.name}`)
          ? {
              severity: 'risk',
              code: 'storage-location-unavailable',
              message: `BackupStorageLocation ${
                l.metadata.name
              } on ${cluster} is ${phase}${
                l.status?.message ? `: ${l.status.message}` : ''
              }.`,
              nextStep: `Fix its credentials, bucket or network (velero backup-location get ${l.metadata.name}); its backups do not count meanwhile.`,
              object: {
                cluster,
                kind: 'BackupStorageLocation',
                namespace: l.metadata.namespace,
                name: l.metadata.name,
              },
            }
          : undefined,
    });
  }

  // ---- Pilot-light: backups restorable on a recovery cluster: copies of the service's backups
  // synced into it, or a location of it on the bucket and prefix the primary's schedules and
  // backups write to.
  let restorableOnRecovery: boolean | undefined;
  if (ctx.declaration.strategy === 'pilot-light') {
    const recovery = ctx.recoveryClusters
      .map(evidenceOf)
      .filter((e): e is SanitizedEvidence => Boolean(e));
    const primaryBuckets = [...usedLocations.entries()]
      .filter(([key]) => isPrimary(key.split('\u0000')[0]))
      .map(([, l]) => l.spec?.objectStorage)
      .filter(o => o?.bucket);
    restorableOnRecovery =
      [...copiesByName.values()].some(copies => copies.some(c => !c.primary)) ||
      recovery.some(e =>
        (e.objects.backupStorageLocations ?? []).some(r =>
          primaryBuckets.some(
            o =>
              r.spec?.objectStorage?.bucket === o!.bucket &&
              (r.spec?.objectStorage?.prefix ?? '') === (o!.prefix ?? ''),
          ),
        ),
      );
  }

  // ---- Drills (rule 7): Completed Restores outside the primary of the service's backups.
  const serviceBackupNames = new Set(
    serviceBackups.map(b => b.backup.metadata.name),
  );
  for (const { point } of recoveryPoints)
    if (point?.kind === 'Backup' && point.counted)
      serviceBackupNames.add(point.name);
  const coveringSchedules = new Set(schedules.map(s => s.name));
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
    return primaryObjects.some(({ obj, resource }) =>
      scopeTakesIn(scope_, obj, resource),
    );
  };
  const drills: NonNullable<DrProviderEvidence['drills']> = [];
  for (const raw of ctx.drillClusters) {
    if (isPrimary(raw.cluster)) continue;
    // Only the restores of the service's backups and schedules, through the list's index.
    const index = restoreIndex(sanitizeEvidence(raw).objects.restores ?? []);
    const restores = new Set<VeleroRestore>();
    for (const name of serviceBackupNames) {
      for (const r of index.byBackup.get(name) ?? []) restores.add(r);
    }
    for (const name of coveringSchedules) {
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
      if (completed > nowMs + 300_000) continue;
      if (!restoresService(restore)) continue;
      drills.push({
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

  return {
    reasons,
    recoveryPoints,
    coverage,
    schedules,
    manifestCadenceSeconds: manifestCadences,
    storageLocations,
    drills,
    futurePoints,
    strategy: { restorableOnRecovery },
  };
}

/**
 * The Velero status provider: `Backup`, `Schedule`, `Restore` and `BackupStorageLocation`
 * (`velero.io/v1`). See {@link DrStatusProvider}.
 *
 * @public
 */
export const veleroProvider: DrStatusProvider = {
  id: 'velero',
  title: 'Velero',
  resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === 'velero'),
  evaluate: evaluateVelero,
};
