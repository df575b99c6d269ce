import { parseGoDuration } from '../../evaluation/cadence';
import { KubeObject } from '../../evaluation/kubernetes';
import {
  describeObject,
  isoSeconds,
  objectRef,
} from '../../evaluation/objects';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrProviderPvc,
} from '../../evaluation/provider';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import { DrRecoveryPoint } from '../../evaluation/types';
import {
  BackendPlace,
  backendPlace,
  commaList,
  cronJobInterval,
  jobTakesInPvc,
  missedRunGraceMs,
  serviceObjectNamed,
} from './common';
import { Fields, isJson, Json, providerObjects } from './fields';
import { Collector } from './collector';

/** The KubeStash resource keys (`DrResourceType.resource`) this module reads. */
export const KUBESTASH_RESOURCES = {
  backupConfigurations: 'kubestashBackupConfigurations',
  backupSessions: 'kubestashBackupSessions',
  restoreSessions: 'kubestashRestoreSessions',
  snapshots: 'kubestashSnapshots',
  repositories: 'kubestashRepositories',
  backupStorages: 'kubestashBackupStorages',
} as const;

// Addon tasks that keep no data off the cluster: `volume-snapshot` leaves CSI VolumeSnapshots on
// the cluster's storage, `manifest-backup` (and the kubedump addon) takes manifests only
// (PROVIDERS.md KubeStash "Not counted").
const LOCAL_TASKS = ['volume-snapshot'];
const MANIFEST_TASKS = ['manifest-backup'];
const MANIFEST_ADDONS = ['kubedump-addon'];

/** A `BackupStorage` (`storage.kubestash.com/v1alpha1`) as read: where and whether it is Ready. */
interface Storage {
  cluster: string;
  obj: KubeObject;
  place?: BackendPlace;
  /** `status.phase` (`Ready`/`NotReady`), `Unknown` when not reported. */
  phase: string;
  message?: string;
  /** `status.repositories[]` that failed to sync, with their error. */
  unsynced: Array<{ name: string; error?: string }>;
}

/** What one cluster holds of KubeStash, read once per evaluation. */
interface ClusterState {
  evidence: SanitizedEvidence;
  configs: KubeObject[];
  sessions: KubeObject[];
  snapshots: KubeObject[];
  repositories: KubeObject[];
  storages: Map<string, Storage>;
}

/** A target of a BackupConfiguration or a Snapshot's `appRef` resolved to the service. */
interface ServiceTarget {
  kind: string;
  name: string;
  namespace: string;
}

/**
 * Judges a service's KubeStash backups (`core.kubestash.com/v1alpha1` BackupConfiguration,
 * BackupSession, RestoreSession; `storage.kubestash.com/v1alpha1` Snapshot, Repository,
 * BackupStorage), following PROVIDERS.md section 2:
 *
 * - **Points**: a `Snapshot` of the service's `spec.appRef` with `status.phase: Succeeded`,
 *   `status.integrity` not false, `verificationStatus` not `VerificationFailed`, whose Repository's
 *   BackupStorage is outside the cluster (s3/gcs/azure, not a `.svc` endpoint, not `local`) and
 *   `Ready`; point = `status.snapshotTime` (the session's start, a safe lower bound). Per PVC
 *   through `status.components`: `dump-pod-<ordinal>` ↔ `<vct>-<sts>-<ordinal>`, `dump` for a
 *   Deployment, the PVC itself for a PVC target; a component must be `Succeeded` with a driver
 *   that moves data (not `VolumeSnapshotter`). Copies on other clusters (the same bucket, prefix,
 *   repository path and snapshot name) count once.
 * - **Coverage**: a session of a BackupConfiguration that is not paused (`spec.paused`,
 *   `scheduler.suspend`), not `Invalid`, whose task moves data and whose backend survives, and
 *   whose target takes in the PVC; cadence = the session's CronJob schedule.
 * - **Risks**: configuration NotReady / target not found / backend not ready / scheduler not
 *   ensured; BackupStorage NotReady or repositories not synced; Repository integrity false;
 *   newest BackupSession Failed or Skipped; a session Running past its deadline; retention
 *   failing; missed runs.
 * - **Drills**: a `Succeeded` RestoreSession outside the primary whose `dataSource.repository`
 *   is in the same bucket/prefix/path as the service's repository and whose snapshot is one of
 *   the service's (or `latest`, or a PITR target); RTO = `status.duration`.
 */
export function evaluateKubeStash(
  ctx: DrProviderContext,
  out: Collector,
): void {
  const states = new Map<string, ClusterState>();
  for (const evidence of ctx.location.scope) {
    states.set(evidence.cluster, readCluster(ctx, evidence, out));
  }
  const serviceRepos = new Set<string>();
  const snapshotNames = new Set<string>();
  const usedStorages = new Set<Storage>();
  const usedRepos = new Map<KubeObject, string>();

  // ---- Configurations on the primary: coverage, cadence, health.
  const sessionsOfConfig: Array<{
    cluster: string;
    config: KubeObject;
    session: string;
    repositories: string[];
    intervalSeconds?: number;
    entry: NonNullable<DrProviderEvidence['schedules']>[number];
  }> = [];
  for (const cluster of ctx.primaries) {
    const state = states.get(cluster);
    if (!state) continue;
    for (const config of state.configs) {
      const f = out.fields('BackupConfiguration', config, cluster);
      const target = targetOf(f, 'spec.target', config);
      if (!target || !matchesService(ctx, cluster, target)) continue;
      judgeConfig(
        ctx,
        state,
        config,
        target,
        f,
        out,
        usedStorages,
        serviceRepos,
      ).forEach(s => sessionsOfConfig.push(s));
    }
  }

  // ---- Snapshots on every cluster in scope: the recovery points.
  const byKey = new Map<
    string,
    Array<{
      point: DrRecoveryPoint;
      sessionKey: string;
      ms?: number;
      pvcs: DrProviderPvc[];
      manifestOnly: boolean;
      primary: boolean;
      storage?: Storage;
    }>
  >();
  for (const [cluster, state] of states) {
    for (const snapshot of state.snapshots) {
      const f = out.fields('Snapshot', snapshot, cluster);
      const appRef = targetOf(f, 'spec.appRef', snapshot);
      if (!appRef) continue;
      // The appRef names the primary's objects (a synced copy keeps them).
      const primary = ctx.primaries.find(p => matchesService(ctx, p, appRef));
      if (!primary) continue;
      const read = readSnapshot(ctx, state, snapshot, appRef, primary, f, out);
      snapshotNames.add(snapshot.metadata.name);
      if (read.repoKey && ctx.isPrimary(cluster))
        serviceRepos.add(read.repoKey);
      if (read.storage && ctx.isPrimary(cluster))
        usedStorages.add(read.storage);
      if (read.repo) usedRepos.set(read.repo, cluster);
      const list = byKey.get(read.key) ?? [];
      list.push({ ...read, primary: ctx.isPrimary(cluster) });
      byKey.set(read.key, list);
    }
  }
  const newestBySession = new Map<string, number>();
  for (const copies of byKey.values()) {
    // The same snapshot seen on several clusters counts once, by the copy that counts (the
    // primary's first).
    copies.sort((a, b) => Number(b.primary) - Number(a.primary));
    const counting = copies.find(c => c.ms !== undefined);
    const shown = counting ?? copies[0];
    const primaryCopy = copies.find(c => c.primary);
    if (
      counting &&
      primaryCopy &&
      primaryCopy !== counting &&
      primaryCopy.storage
    ) {
      const s = primaryCopy.storage;
      out.risk(
        'primary-location-unavailable',
        `BackupStorage ${s.obj.metadata.namespace}/${s.obj.metadata.name} on ${s.cluster} is ${s.phase}; the service’s snapshots count only through their synced copies on ${counting.point.cluster}.`,
        `Fix BackupStorage ${s.obj.metadata.name} on ${s.cluster} (kubectl describe backupstorage -n ${s.obj.metadata.namespace} ${s.obj.metadata.name}), or new backups will not be stored.`,
        objectRef('BackupStorage', s.obj, s.cluster),
      );
    }
    out.evidence.recoveryPoints.push({
      point: shown.point,
      ms: counting?.ms,
      pvcs:
        counting && counting.ms !== undefined
          ? counting.pvcs.map(pvc => ({
              pvc,
              point: {
                time: counting.point.time!,
                source: 'kubestash',
                kind: 'Snapshot',
                name: counting.point.name,
                namespace: counting.point.namespace,
                cluster: counting.point.cluster,
              },
            }))
          : undefined,
      service:
        counting !== undefined &&
        (ctx.pvcs.length === 0 || counting.pvcs.length > 0),
    });
    if (counting?.ms !== undefined) {
      const session = counting.sessionKey;
      newestBySession.set(
        session,
        Math.max(newestBySession.get(session) ?? 0, counting.ms),
      );
      // A copy on another cluster (its BackupStorage configured there) can be restored there.
      if (copies.some(c => !c.primary)) out.restorableOnRecovery();
    }
  }

  // ---- Missed runs, per session that moves data off the cluster.
  for (const s of sessionsOfConfig) {
    if (s.intervalSeconds === undefined || !s.entry.movesData || s.entry.paused)
      continue;
    const times = s.repositories
      .map(r =>
        newestBySession.get(
          `${s.config.metadata.namespace ?? ''}/${r}\u0000${s.session}`,
        ),
      )
      .filter((t): t is number => t !== undefined);
    const last = times.length ? Math.max(...times) : undefined;
    if (last !== undefined) s.entry.lastSuccessfulBackup = isoSeconds(last);
    const since = last ?? parseCreation(s.config);
    if (since === undefined) continue;
    const late = ctx.nowMs - since - s.intervalSeconds * 1000;
    if (late <= missedRunGraceMs(s.intervalSeconds)) continue;
    const runs = Math.max(
      1,
      Math.floor((ctx.nowMs - since) / (s.intervalSeconds * 1000)),
    );
    s.entry.missedRuns = runs;
    s.entry.missedSince = isoSeconds(since + s.intervalSeconds * 1000);
    out.risk(
      'schedule-missed-runs',
      `Session ${s.session} of ${describeObject(
        'BackupConfiguration',
        s.config,
        s.cluster,
      )} missed ${runs} run${runs === 1 ? '' : 's'} since ${
        s.entry.missedSince
      } (${
        last !== undefined
          ? `last succeeded snapshot ${isoSeconds(last)}`
          : 'no succeeded snapshot seen'
      }).`,
      `Check its BackupSessions (kubectl get backupsessions -n ${s.config.metadata.namespace}) and the KubeStash operator's logs on ${s.cluster}.`,
      objectRef('BackupConfiguration', s.config, s.cluster),
    );
  }

  // ---- Storage health of what the service's backups use.
  for (const [repo, cluster] of usedRepos) {
    if (
      out.fields('Repository', repo, cluster).bool('status.integrity') === false
    ) {
      out.risk(
        'repository-integrity-failed',
        `${describeObject(
          'Repository',
          repo,
          cluster,
        )} failed its integrity check (status.integrity: false): its snapshots may not restore.`,
        `Check the repository's data in its bucket (kubectl describe repository -n ${repo.metadata.namespace} ${repo.metadata.name}) and take a new backup.`,
        objectRef('Repository', repo, cluster),
      );
    }
  }
  for (const storage of usedStorages) judgeStorage(storage, out);

  // ---- Drills: succeeded RestoreSessions outside the primary.
  for (const evidence of ctx.drillClusters) {
    if (ctx.isPrimary(evidence.cluster)) continue;
    const state =
      states.get(evidence.cluster) ??
      readCluster(ctx, { ...evidence, malformed: [] }, out);
    for (const rs of providerObjects(
      ctx,
      state.evidence,
      KUBESTASH_RESOURCES.restoreSessions,
      out.evidence.reasons,
    )) {
      judgeRestore(state, rs, serviceRepos, snapshotNames, out);
    }
  }
}

function parseCreation(obj: KubeObject): number | undefined {
  const ms = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isNaN(ms) ? undefined : ms;
}

function readCluster(
  ctx: DrProviderContext,
  evidence: SanitizedEvidence,
  out: Collector,
): ClusterState {
  const list = (resource: string) =>
    providerObjects(ctx, evidence, resource, out.evidence.reasons);
  const storages = new Map<string, Storage>();
  for (const obj of list(KUBESTASH_RESOURCES.backupStorages)) {
    const f = out.fields('BackupStorage', obj, evidence.cluster);
    const storage = f.map('spec.storage');
    const provider = f.str('provider', storage, 'spec.storage.');
    const conditions = f.list('status.conditions');
    const failed = conditions
      .filter(isJson)
      .find(c => c.status === 'False' && typeof c.message === 'string');
    storages.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, {
      cluster: evidence.cluster,
      obj,
      place: backendPlace(f, storage, 'spec.storage.', provider),
      phase: f.str('status.phase') ?? 'Unknown',
      message: failed ? String(failed.message) : undefined,
      unsynced: f
        .list('status.repositories')
        .filter(isJson)
        .filter(r => r.synced === false)
        .map(r => ({
          name: `${
            typeof r.namespace === 'string' ? `${r.namespace}/` : ''
          }${String(r.name)}`,
          error: typeof r.error === 'string' ? r.error : undefined,
        })),
    });
  }
  return {
    evidence,
    configs: list(KUBESTASH_RESOURCES.backupConfigurations),
    sessions: list(KUBESTASH_RESOURCES.backupSessions),
    snapshots: list(KUBESTASH_RESOURCES.snapshots),
    repositories: list(KUBESTASH_RESOURCES.repositories),
    storages,
  };
}

/** `spec.target` / `spec.appRef`: kind, name and namespace (default: the object's own). */
function targetOf(
  f: Fields,
  path: string,
  obj: KubeObject,
): ServiceTarget | undefined {
  const ref = f.map(path);
  if (!ref) return undefined;
  const kind = f.str('kind', ref, `${path}.`);
  const name = f.str('name', ref, `${path}.`);
  if (!kind || !name) return undefined;
  return {
    kind,
    name,
    namespace:
      f.str('namespace', ref, `${path}.`) ?? obj.metadata.namespace ?? '',
  };
}

function matchesService(
  ctx: DrProviderContext,
  cluster: string,
  target: ServiceTarget,
): boolean {
  return (
    serviceObjectNamed(
      ctx,
      cluster,
      target.kind,
      target.namespace,
      target.name,
    ) !== undefined
  );
}

/** The service's PVCs (on `cluster`) that a target takes in, and by which pod volumes. */
function pvcsOfTarget(
  ctx: DrProviderContext,
  cluster: string,
  target: ServiceTarget,
): DrProviderPvc[] {
  return ctx.pvcs.filter(p => {
    if (p.cluster !== cluster) return false;
    if (target.kind === 'PersistentVolumeClaim') {
      return (
        p.pvc.metadata.name === target.name &&
        (p.pvc.metadata.namespace ?? '') === target.namespace
      );
    }
    return (
      (p.pvc.metadata.namespace ?? '') === target.namespace &&
      p.mounts.some(m => m.workload === `${target.kind} ${target.name}`)
    );
  });
}

/** A session's addon task as read. */
interface Task {
  name: string;
  mounts: Array<{ name?: string; mountPath?: string }>;
  paths?: string[];
  exclude: string[];
}

function judgeConfig(
  ctx: DrProviderContext,
  state: ClusterState,
  config: KubeObject,
  target: ServiceTarget,
  f: Fields,
  out: Collector,
  usedStorages: Set<Storage>,
  serviceRepos: Set<string>,
) {
  const cluster = state.evidence.cluster;
  const label = describeObject('BackupConfiguration', config, cluster);
  const obj = objectRef('BackupConfiguration', config, cluster);
  const ns = config.metadata.namespace ?? '';
  const paused = f.bool('spec.paused') === true;
  const phase = f.str('status.phase');
  const result: Array<{
    cluster: string;
    config: KubeObject;
    session: string;
    repositories: string[];
    intervalSeconds?: number;
    entry: NonNullable<DrProviderEvidence['schedules']>[number];
  }> = [];
  if (phase === 'Invalid') {
    out.risk(
      'schedule-failed-validation',
      `${label} is Invalid: it never runs and covers nothing.`,
      `Read its conditions (kubectl describe backupconfiguration -n ${ns} ${config.metadata.name}) and fix its spec.`,
      obj,
    );
    return result;
  }
  if (paused) {
    out.risk(
      'schedule-paused',
      `${label} is paused (spec.paused): it takes no new backups and covers nothing.`,
      `Resume it (kubectl patch backupconfiguration -n ${ns} ${config.metadata.name} --type merge -p '{"spec":{"paused":false}}') or cover the service with another configuration.`,
      obj,
    );
  }
  if (phase === 'NotReady' || f.bool('status.targetFound') === false) {
    out.risk(
      'backup-config-not-ready',
      `${label} is ${phase ?? 'not ready'}${
        f.bool('status.targetFound') === false
          ? ': its target was not found'
          : ''
      }.`,
      `Read its status (kubectl describe backupconfiguration -n ${ns} ${config.metadata.name}).`,
      obj,
    );
  }
  for (const b of f.list('status.backends').filter(isJson)) {
    if (b.ready === false) {
      out.risk(
        'backup-config-not-ready',
        `${label}: backend ${String(b.name)} is not ready${
          isJson(b.storage) && typeof b.storage.reason === 'string'
            ? ` (${b.storage.reason})`
            : ''
        }.`,
        `Check the BackupStorage it names and its credentials secret.`,
        { ...obj, field: 'status.backends' },
      );
    }
  }
  // Backends by name → their BackupStorage on this cluster.
  const backends = new Map<string, Storage | undefined>();
  f.list('spec.backends').forEach((b, i) => {
    if (!isJson(b)) return;
    const name = f.str('name', b, `spec.backends[${i}].`);
    const ref = f.map('storageRef', b, `spec.backends[${i}].`);
    const refName =
      ref && f.str('name', ref, `spec.backends[${i}].storageRef.`);
    const refNs =
      (ref && f.str('namespace', ref, `spec.backends[${i}].storageRef.`)) ?? ns;
    if (name)
      backends.set(
        name,
        refName ? state.storages.get(`${refNs}/${refName}`) : undefined,
      );
  });
  const sessionConditions = new Map<string, Json[]>();
  for (const s of f.list('status.sessions').filter(isJson)) {
    if (typeof s.name === 'string' && Array.isArray(s.conditions)) {
      sessionConditions.set(s.name, s.conditions.filter(isJson));
    }
  }
  f.list('spec.sessions').forEach((raw, i) => {
    if (!isJson(raw)) return;
    const at = `spec.sessions[${i}].`;
    const name = f.str('name', raw, at) ?? `#${i}`;
    const schedule = f.str('scheduler.schedule', raw, at);
    const suspended = f.bool('scheduler.suspend', raw, at) === true;
    const addon = f.str('addon.name', raw, at);
    const tasks: Task[] = f.list('addon.tasks', raw, at).flatMap((t, j) => {
      if (!isJson(t)) return [];
      const tat = `${at}addon.tasks[${j}].`;
      const params = f.map('params', t, tat);
      return [
        {
          name: f.str('name', t, tat) ?? '',
          mounts: f
            .list('targetVolumes.volumeMounts', t, tat)
            .filter(isJson)
            .map(m => ({
              name: typeof m.name === 'string' ? m.name : undefined,
              mountPath:
                typeof m.mountPath === 'string' ? m.mountPath : undefined,
            })),
          paths: commaList(params?.paths),
          exclude: commaList(params?.exclude) ?? [],
        },
      ];
    });
    const repoStorages = f
      .list('repositories', raw, at)
      .filter(isJson)
      .map(r => {
        const storage =
          typeof r.backend === 'string' ? backends.get(r.backend) : undefined;
        if (storage?.place && typeof r.directory === 'string') {
          serviceRepos.add(
            `${storage.place.key}/${r.directory.replace(/^\/+|\/+$/g, '')}`,
          );
        }
        return storage;
      });
    repoStorages.forEach(s => s && usedStorages.add(s));
    const surviving = repoStorages.filter(s => s?.place && !s.place.local);
    const manifestsOnly =
      (addon !== undefined && MANIFEST_ADDONS.includes(addon)) ||
      (tasks.length > 0 && tasks.every(t => MANIFEST_TASKS.includes(t.name)));
    const dataTasks = tasks.filter(
      t => !LOCAL_TASKS.includes(t.name) && !MANIFEST_TASKS.includes(t.name),
    );
    const localTasks = tasks.filter(t => LOCAL_TASKS.includes(t.name));
    const interval = cronJobInterval(schedule, ctx.now);
    const off = paused || suspended;
    const movesData =
      !manifestsOnly && dataTasks.length > 0 && surviving.length > 0;
    const sessionLabel = `Session ${name} of ${label}`;
    if ('error' in interval) {
      out.risk(
        'schedule-unreadable',
        `${sessionLabel}: scheduler.schedule ${interval.error}; its cadence cannot be judged.`,
        'Write scheduler.schedule as five cron fields (minute hour day-of-month month day-of-week) or a descriptor such as @hourly.',
        { ...obj, field: `${at}scheduler.schedule` },
      );
    }
    if (suspended && !paused) {
      out.risk(
        'schedule-paused',
        `${sessionLabel} is suspended (scheduler.suspend): it takes no new backups and covers nothing.`,
        `Set ${at}scheduler.suspend to false.`,
        { ...obj, field: `${at}scheduler.suspend` },
      );
    }
    const ensured = sessionConditions
      .get(name)
      ?.find(c => c.type === 'SchedulerEnsured');
    if (ensured?.status === 'False') {
      out.risk(
        'backup-config-not-ready',
        `${sessionLabel}: its scheduler is not ensured${
          typeof ensured.message === 'string' ? ` (${ensured.message})` : ''
        }; no backups run.`,
        `Read the KubeStash operator's logs on ${cluster}.`,
        obj,
      );
    }
    for (const s of repoStorages) {
      if (s?.place?.local) {
        out.risk(
          'storage-location-in-cluster',
          `${sessionLabel} writes to BackupStorage ${s.obj.metadata.name}, whose storage dies with ${cluster}: ${s.place.local}.`,
          `Store backups outside ${cluster} (s3, gcs or azure in another region or provider).`,
          objectRef('BackupStorage', s.obj, cluster),
        );
      }
    }
    const entry: NonNullable<DrProviderEvidence['schedules']>[number] = {
      cluster,
      name: `${config.metadata.name}/${name}`,
      schedule: schedule ?? '',
      maxIntervalSeconds: 'error' in interval ? null : interval.seconds,
      paused: off,
      phase,
      storageLocation: repoStorages.find(Boolean)?.obj.metadata.name,
      missedRuns: 0,
      movesData,
    };
    out.evidence.schedules.push(entry);
    result.push({
      cluster,
      config,
      session: name,
      repositories: f
        .list('repositories', raw, at)
        .filter(isJson)
        .map(r => r.name)
        .filter((r): r is string => typeof r === 'string'),
      intervalSeconds: 'error' in interval ? undefined : interval.seconds,
      entry,
    });
    if (manifestsOnly) {
      if (
        ctx.pvcs.length === 0 &&
        !off &&
        surviving.length > 0 &&
        !('error' in interval)
      ) {
        out.evidence.manifestCadenceSeconds.push(interval.seconds);
      }
      return;
    }
    if (ctx.pvcs.length === 0 && !off && movesData && !('error' in interval)) {
      out.evidence.manifestCadenceSeconds.push(interval.seconds);
    }
    if (off) return;
    for (const pvc of pvcsOfTarget(ctx, cluster, target)) {
      const takes = (t: Task) =>
        target.kind === 'PersistentVolumeClaim' ||
        jobTakesInPvc(pvc, target, t.mounts, t.paths, t.exclude);
      const byData = dataTasks.some(takes);
      const byLocal = !byData && localTasks.some(takes);
      if (!byData && !byLocal) continue;
      const offCluster = byData && surviving.length > 0;
      out.evidence.coverage.push({
        pvc,
        by: {
          kind: 'BackupConfiguration',
          name: `${config.metadata.name}/${name}`,
          paused: false,
          offCluster,
        },
        cadence:
          offCluster && !('error' in interval)
            ? {
                seconds: interval.seconds,
                by: `BackupConfiguration ${config.metadata.name} session ${name}`,
              }
            : undefined,
      });
    }
  });

  judgeSessions(ctx, state, config, result, out);
  return result;
}

/** Newest BackupSession of each session of a configuration: failed, skipped or stuck. */
function judgeSessions(
  ctx: DrProviderContext,
  state: ClusterState,
  config: KubeObject,
  sessions: Array<{ session: string; intervalSeconds?: number }>,
  out: Collector,
) {
  const cluster = state.evidence.cluster;
  const mine = state.sessions.filter(s => {
    const invoker = s as Json & KubeObject as unknown as {
      spec?: { invoker?: { kind?: unknown; name?: unknown } };
    };
    return (
      s.metadata.namespace === config.metadata.namespace &&
      invoker.spec?.invoker?.kind === 'BackupConfiguration' &&
      invoker.spec?.invoker?.name === config.metadata.name
    );
  });
  for (const { session, intervalSeconds } of sessions) {
    const ofSession = mine
      .filter(s => {
        const spec = (s as unknown as { spec?: { session?: unknown } }).spec;
        return spec?.session === undefined || spec.session === session;
      })
      .sort((a, b) => (parseCreation(b) ?? 0) - (parseCreation(a) ?? 0));
    const newest = ofSession[0];
    if (!newest) continue;
    const f = out.fields('BackupSession', newest, cluster);
    const phase = f.str('status.phase');
    const label = describeObject('BackupSession', newest, cluster);
    const obj = objectRef('BackupSession', newest, cluster);
    const failure = f
      .list('status.conditions')
      .filter(isJson)
      .find(c => c.status === 'False' && typeof c.message === 'string');
    if (phase === 'Failed' || phase === 'Skipped') {
      out.risk(
        'newest-backup-failed',
        `The newest backup of ${
          config.metadata.name
        }/${session}, ${label}, is ${phase}${
          failure ? `: ${String(failure.message)}` : ''
        }.`,
        `Read its status and events (kubectl describe backupsession -n ${newest.metadata.namespace} ${newest.metadata.name}) and fix their cause.`,
        obj,
      );
    }
    if (phase === 'Running') {
      const deadline = f.time('status.backupDeadline');
      const started = parseCreation(newest);
      const stuck =
        (deadline !== undefined && ctx.nowMs > deadline) ||
        (deadline === undefined &&
          intervalSeconds !== undefined &&
          started !== undefined &&
          ctx.nowMs - started > 2 * intervalSeconds * 1000);
      if (stuck) {
        out.risk(
          'backup-stuck',
          `${label} has been Running since ${
            newest.metadata.creationTimestamp
          }${
            deadline !== undefined
              ? `, past its deadline ${isoSeconds(deadline)}`
              : ''
          }: it is stuck and blocks later sessions.`,
          `Check its backup job's pods (kubectl get pods -n ${newest.metadata.namespace}) and the KubeStash operator's logs; delete the stuck session if needed.`,
          obj,
        );
      }
    }
    for (const r of f.list('status.retentionPolicy').filter(isJson)) {
      if (r.phase === 'FailedToApply') {
        out.risk(
          'retention-failing',
          `${label}: retention policy${
            isJson(r.ref) && typeof r.ref.name === 'string'
              ? ` ${r.ref.name}`
              : ''
          } failed to apply${
            typeof r.error === 'string' ? `: ${r.error}` : ''
          }; old snapshots pile up.`,
          'Check the RetentionPolicy and the repository’s backend permissions.',
          obj,
        );
      }
    }
  }
}

/** One Snapshot read: the point to show, and whether and for which PVCs it counts. */
function readSnapshot(
  ctx: DrProviderContext,
  state: ClusterState,
  snapshot: KubeObject,
  appRef: ServiceTarget,
  primary: string,
  f: Fields,
  out: Collector,
): {
  key: string;
  sessionKey: string;
  repoKey?: string;
  repo?: KubeObject;
  point: DrRecoveryPoint;
  ms?: number;
  pvcs: DrProviderPvc[];
  manifestOnly: boolean;
  storage?: Storage;
} {
  const cluster = state.evidence.cluster;
  const ns = snapshot.metadata.namespace ?? '';
  const repoName = f.str('spec.repository');
  const repo = state.repositories.find(
    r => r.metadata.name === repoName && (r.metadata.namespace ?? '') === ns,
  );
  let storage: Storage | undefined;
  let repoPath: string | undefined;
  if (repo) {
    const rf = new Fields('Repository', repo, cluster, [], '');
    const ref = rf.map('spec.storageRef');
    const name = ref && rf.str('name', ref);
    storage = name
      ? state.storages.get(`${(ref && rf.str('namespace', ref)) ?? ns}/${name}`)
      : undefined;
    repoPath = (rf.str('spec.path') ?? '').replace(/^\/+|\/+$/g, '');
  }
  const repoKey = storage?.place
    ? `${storage.place.key}/${repoPath ?? ''}`
    : undefined;
  const key = repoKey
    ? `${repoKey}/${snapshot.metadata.name}`
    : `${cluster}/${ns}/${snapshot.metadata.name}`;
  const phase = f.str('status.phase');
  const time = f.time('status.snapshotTime');
  const components = f.map('status.components') ?? {};
  const point: DrRecoveryPoint = {
    time: time !== undefined ? isoSeconds(time) : undefined,
    source: 'kubestash',
    kind: 'Snapshot',
    name: snapshot.metadata.name,
    namespace: ns,
    cluster,
    usable: false,
    counted: false,
    phase: phase ?? 'Unknown',
    storageLocation: storage?.obj.metadata.name,
  };
  // The session that made it: its repository (in the BackupConfiguration's namespace, where
  // KubeStash creates it) and `spec.session`, the session's name in the configuration.
  const sessionKey = `${ns}/${repoName ?? ''}\u0000${
    f.str('spec.session') ?? ''
  }`;
  const result = {
    key,
    sessionKey,
    repoKey,
    repo,
    point,
    pvcs: [] as DrProviderPvc[],
    manifestOnly: false,
    storage,
  };

  // Which PVCs each component holds, and whether the component moved its data.
  const pvcs = pvcsOfTarget(ctx, primary, appRef);
  const dataPvcs: DrProviderPvc[] = [];
  const failedPvcs: DrProviderPvc[] = [];
  const localPvcs: DrProviderPvc[] = [];
  let manifestComponents = 0;
  const entries = Object.entries(components);
  for (const [name, c] of entries) {
    if (!isJson(c)) continue;
    const driver = f.str('driver', c, `status.components.${name}.`);
    const cphase = f.str('phase', c, `status.components.${name}.`);
    const held = pvcsOfComponent(pvcs, appRef, name);
    if (
      name === 'manifest' ||
      (held.length === 0 && driver === 'Restic' && /manifest/.test(name))
    ) {
      manifestComponents++;
      continue;
    }
    if (cphase !== 'Succeeded') failedPvcs.push(...held);
    else if (driver === 'VolumeSnapshotter') localPvcs.push(...held);
    else dataPvcs.push(...held);
  }
  result.manifestOnly =
    entries.length > 0 && manifestComponents === entries.length;
  const unusable = (reason: string) => {
    point.reason = reason;
    return result;
  };
  if (phase !== 'Succeeded') {
    return unusable(
      `is ${
        phase ?? 'without a phase'
      }: only Succeeded snapshots are recovery points`,
    );
  }
  if (f.bool('status.integrity') === false) {
    return unusable('its integrity check failed (status.integrity: false)');
  }
  if (f.str('status.verificationStatus') === 'VerificationFailed') {
    return unusable(
      'its verification failed (status.verificationStatus: VerificationFailed)',
    );
  }
  if (time === undefined) {
    return unusable(
      'status.snapshotTime is missing: the time of its data is unknown',
    );
  }
  point.usable = true;
  if (!storage || !storage.place) {
    return unusable(
      `its Repository ${
        repoName ?? '(none)'
      } or BackupStorage cannot be found on ${cluster}`,
    );
  }
  if (storage.place.local) {
    return unusable(
      `BackupStorage ${storage.obj.metadata.name} dies with ${cluster}: ${storage.place.local}`,
    );
  }
  if (storage.phase !== 'Ready') {
    return unusable(
      `BackupStorage ${storage.obj.metadata.name} is ${storage.phase}`,
    );
  }
  if (time - ctx.nowMs > (ctx.options.clockSkewSeconds ?? 300) * 1000) {
    out.evidence.futurePoints.push({
      cluster,
      what: `Snapshot ${snapshot.metadata.name} at ${isoSeconds(time)}`,
    });
    return unusable(
      `its snapshotTime is ahead of now (clock skew on ${cluster})`,
    );
  }
  const ms = Math.min(time, ctx.nowMs);
  if (ctx.pvcs.length > 0) {
    const carried = dataPvcs.filter(p => !failedPvcs.includes(p));
    if (carried.length === 0) {
      if (localPvcs.length > 0) {
        return unusable(
          'holds volume snapshots that stay on the cluster (VolumeSnapshotter driver): a local point',
        );
      }
      return unusable(
        failedPvcs.length > 0
          ? 'the components holding the service’s PVCs did not succeed'
          : 'holds no data of the service’s PVCs (manifests only)',
      );
    }
    point.pvcs = carried.map(p => p.key);
    if (failedPvcs.length > 0) {
      point.reason = `components of PVC ${failedPvcs
        .map(p => p.key)
        .join(', ')} did not succeed; they do not count`;
    }
    result.pvcs = carried;
  }
  point.counted = true;
  return { ...result, ms };
}

/**
 * The PVCs a Snapshot component holds (PROVIDERS.md): a StatefulSet's `dump-pod-<ordinal>` holds
 * `<vct>-<sts>-<ordinal>`; a Deployment's (or DaemonSet's) `dump` its mounted PVCs; a PVC
 * target's component the PVC itself.
 */
function pvcsOfComponent(
  pvcs: DrProviderPvc[],
  appRef: ServiceTarget,
  component: string,
): DrProviderPvc[] {
  if (appRef.kind === 'PersistentVolumeClaim') return pvcs;
  if (appRef.kind === 'StatefulSet') {
    const m = /^dump-pod-(\d+)$/.exec(component);
    if (!m) return [];
    return pvcs.filter(p =>
      p.pvc.metadata.name.endsWith(`-${appRef.name}-${m[1]}`),
    );
  }
  return component === 'dump' ? pvcs : [];
}

function judgeStorage(storage: Storage, out: Collector) {
  const { obj, cluster } = storage;
  const ref = objectRef('BackupStorage', obj, cluster);
  out.evidence.storageLocations.push({
    cluster,
    name: obj.metadata.name,
    phase: storage.phase,
    message: storage.message,
    reason:
      storage.phase === 'Ready'
        ? undefined
        : {
            severity: 'risk',
            code: 'storage-location-unavailable',
            message: `BackupStorage ${obj.metadata.namespace}/${
              obj.metadata.name
            } on ${cluster} is ${storage.phase}${
              storage.message ? `: ${storage.message}` : ''
            }.`,
            nextStep: `Fix its bucket, credentials secret or network (kubectl describe backupstorage -n ${obj.metadata.namespace} ${obj.metadata.name}); its snapshots do not count meanwhile.`,
            object: ref,
          },
  });
  for (const r of storage.unsynced) {
    out.risk(
      'storage-repository-unsynced',
      `BackupStorage ${
        obj.metadata.name
      } on ${cluster} could not sync repository ${r.name}${
        r.error ? `: ${r.error}` : ''
      }.`,
      'Check the repository’s path in the bucket and the storage’s credentials.',
      ref,
    );
  }
}

function judgeRestore(
  state: ClusterState,
  rs: KubeObject,
  serviceRepos: Set<string>,
  snapshotNames: Set<string>,
  out: Collector,
) {
  const cluster = state.evidence.cluster;
  const f = out.fields('RestoreSession', rs, cluster);
  if (f.str('status.phase') !== 'Succeeded') return;
  const ds = f.map('spec.dataSource');
  if (!ds) return;
  const repoName = f.str('repository', ds, 'spec.dataSource.');
  const repoNs =
    f.str('namespace', ds, 'spec.dataSource.') ?? rs.metadata.namespace ?? '';
  const repo = state.repositories.find(
    r =>
      r.metadata.name === repoName && (r.metadata.namespace ?? '') === repoNs,
  );
  if (!repo) return;
  const rf = new Fields('Repository', repo, cluster, [], '');
  const ref = rf.map('spec.storageRef');
  const storageName = ref && rf.str('name', ref);
  const storage = storageName
    ? state.storages.get(
        `${(ref && rf.str('namespace', ref)) ?? repoNs}/${storageName}`,
      )
    : undefined;
  if (!storage?.place) return;
  const repoKey = `${storage.place.key}/${(rf.str('spec.path') ?? '').replace(
    /^\/+|\/+$/g,
    '',
  )}`;
  if (!serviceRepos.has(repoKey)) return;
  const snapshot = f.str('snapshot', ds, 'spec.dataSource.');
  const pitr = f.map('pitr', ds, 'spec.dataSource.');
  if (
    !pitr &&
    snapshot !== 'latest' &&
    !(snapshot && snapshotNames.has(snapshot))
  )
    return;
  const duration = parseGoDuration(f.str('status.duration'));
  const start = parseCreation(rs);
  if (duration === undefined || start === undefined) return;
  out.evidence.drills.push({
    kind: 'RestoreSession',
    name: rs.metadata.name,
    cluster,
    type: 'restore',
    startedAt: isoSeconds(start),
    // RestoreSession has no finish time: creation + status.duration (PROVIDERS.md).
    completedAt: isoSeconds(start + duration * 1000),
    measuredRtoSeconds: Math.round(duration),
  });
}
