import { parseGoDuration } from '../../evaluation/cadence';
import { KubeObject } from '../../evaluation/kubernetes';
import {
  describeObject,
  isoSeconds,
  objectRef,
} from '../../evaluation/objects';
import { DrProviderContext, DrProviderPvc } from '../../evaluation/provider';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import {
  BackendPlace,
  backendPlace,
  cronJobInterval,
  jobTakesInPvc,
  missedRunGraceMs,
  serviceObjectNamed,
} from './common';
import { Collector } from './collector';
import { isJson, providerObjects } from './fields';

/** The legacy Stash resource keys (`DrResourceType.resource`) this module reads. */
export const STASH_RESOURCES = {
  backupConfigurations: 'stashBackupConfigurations',
  backupSessions: 'stashBackupSessions',
  restoreSessions: 'stashRestoreSessions',
  repositories: 'stashRepositories',
} as const;

/** A Stash `Repository` (`stash.appscode.com/v1alpha1`) and where its backend keeps the data. */
interface StashRepo {
  obj: KubeObject;
  place?: BackendPlace;
}

function repositoryOf(
  ctx: DrProviderContext,
  evidence: SanitizedEvidence,
  namespace: string,
  name: string | undefined,
  out: Collector,
): StashRepo | undefined {
  if (!name) return undefined;
  const obj = providerObjects(
    ctx,
    evidence,
    STASH_RESOURCES.repositories,
    out.evidence.reasons,
  ).find(
    r => r.metadata.name === name && (r.metadata.namespace ?? '') === namespace,
  );
  if (!obj) return undefined;
  const f = out.fields('Repository', obj, evidence.cluster);
  return {
    obj,
    place: backendPlace(f, f.map('spec.backend'), 'spec.backend.'),
  };
}

/** Why a Stash BackupSession is not a counted point, in the order the conditions are checked; undefined when it counts. */
function sessionNotCounted(s: {
  phase?: string;
  allSucceeded: boolean;
  time?: number;
  local: boolean;
  repo?: StashRepo;
  cluster: string;
  future: boolean;
  holdsNone: boolean;
}): string | undefined {
  if (!s.allSucceeded) {
    return s.phase === 'Succeeded'
      ? 'a target or host did not succeed'
      : `is ${
          s.phase ?? 'without a phase'
        }: only Succeeded sessions are recovery points`;
  }
  if (s.time === undefined) {
    return 'metadata.creationTimestamp is missing: the time of its data is unknown';
  }
  if (s.local) {
    return 'driver VolumeSnapshotter: its volume snapshots stay on the cluster (a local point)';
  }
  if (!s.repo?.place) return `its Repository cannot be found on ${s.cluster}`;
  if (s.repo.place.local) {
    return `its Repository's backend dies with ${s.cluster}: ${s.repo.place.local}`;
  }
  if (s.future) return `its time is ahead of now (clock skew on ${s.cluster})`;
  if (s.holdsNone) return 'holds none of the service’s PVCs';
  return undefined;
}

function created(obj: KubeObject): number | undefined {
  const ms = Date.parse(obj.metadata.creationTimestamp ?? '');
  return Number.isNaN(ms) || ms <= 0 ? undefined : ms;
}

/**
 * Judges a service's legacy Stash backups (`stash.appscode.com/v1beta1` BackupConfiguration,
 * BackupSession, RestoreSession; `v1alpha1` Repository), PROVIDERS.md "Legacy Stash":
 *
 * - **Coverage**: a BackupConfiguration on the primary that is not paused, whose
 *   `spec.target.ref` is one of the service's PVCs, or a workload whose pod volume is named in
 *   `spec.target.volumeMounts` (mount path inside `spec.target.paths`, not in `exclude`);
 *   `driver: VolumeSnapshotter` keeps the data on the cluster (local); cadence = `spec.schedule`
 *   as a CronJob reads it. Its Repository's backend must be outside the cluster.
 * - **Points**: a BackupSession invoked by such a configuration, `Succeeded` with every target
 *   and every host stat `Succeeded`. Stash records no snapshot time: the point is the session's
 *   `metadata.creationTimestamp` (when it started). The restic `Snapshot` kind of
 *   `repositories.stash.appscode.com` is an aggregated API that lists the backend on every call:
 *   it is never read.
 * - **Risks**: paused, newest session Failed/Skipped/Unknown, a Running session past
 *   `status.sessionDeadline`, Repository `status.integrity: false`, missed runs.
 * - **Drills**: a `Succeeded` RestoreSession outside the primary whose Repository's backend is
 *   the same bucket and prefix; RTO = `status.sessionDuration`.
 */
export function evaluateStash(ctx: DrProviderContext, out: Collector): void {
  const serviceBackends = new Set<string>();
  for (const evidence of ctx.location.scope) {
    if (!ctx.isPrimary(evidence.cluster)) continue;
    const cluster = evidence.cluster;
    const sessions = providerObjects(
      ctx,
      evidence,
      STASH_RESOURCES.backupSessions,
      out.evidence.reasons,
    );
    for (const config of providerObjects(
      ctx,
      evidence,
      STASH_RESOURCES.backupConfigurations,
      out.evidence.reasons,
    )) {
      const f = out.fields('BackupConfiguration', config, cluster);
      const ns = config.metadata.namespace ?? '';
      const ref = f.map('spec.target.ref');
      const kind = ref && f.str('kind', ref, 'spec.target.ref.');
      const name = ref && f.str('name', ref, 'spec.target.ref.');
      const targetNs =
        (ref && f.str('namespace', ref, 'spec.target.ref.')) ?? ns;
      if (
        !kind ||
        !name ||
        !serviceObjectNamed(ctx, cluster, kind, targetNs, name)
      ) {
        continue;
      }
      const label = describeObject(
        'BackupConfiguration (Stash)',
        config,
        cluster,
      );
      const obj = objectRef('BackupConfiguration', config, cluster);
      const paused = f.bool('spec.paused') === true;
      const phase = f.str('status.phase');
      const local = f.str('spec.driver') === 'VolumeSnapshotter';
      const repoRef = f.map('spec.repository');
      const repo = repositoryOf(
        ctx,
        evidence,
        (repoRef && f.str('namespace', repoRef, 'spec.repository.')) ?? ns,
        repoRef && f.str('name', repoRef, 'spec.repository.'),
        out,
      );
      if (repo?.place) serviceBackends.add(repo.place.key);
      const schedule = f.str('spec.schedule');
      const interval = cronJobInterval(schedule, ctx.now);
      if (phase === 'Invalid') {
        out.risk(
          'schedule-failed-validation',
          `${label} is Invalid: it never runs and covers nothing.`,
          `Read its conditions (kubectl describe backupconfiguration.stash.appscode.com -n ${ns} ${config.metadata.name}).`,
          obj,
        );
        continue;
      }
      if (paused) {
        out.risk(
          'schedule-paused',
          `${label} is paused: Stash skips its sessions, it takes no new backups and covers nothing.`,
          `Resume it (kubectl stash resume backup --backupconfig=${config.metadata.name} -n ${ns}).`,
          obj,
        );
      }
      if ('error' in interval) {
        out.risk(
          'schedule-unreadable',
          `${label}: spec.schedule ${interval.error}; its cadence cannot be judged.`,
          'Write spec.schedule as five cron fields or a descriptor such as @hourly.',
          { ...obj, field: 'spec.schedule' },
        );
      }
      if (repo?.place?.local) {
        out.risk(
          'storage-location-in-cluster',
          `${label} writes to Repository ${repo.obj.metadata.name}, whose backend dies with ${cluster}: ${repo.place.local}.`,
          `Store backups outside ${cluster} (s3, gcs or azure in another region or provider).`,
          objectRef('Repository', repo.obj, cluster),
        );
      }
      if (
        repo &&
        out.fields('Repository', repo.obj, cluster).bool('status.integrity') ===
          false
      ) {
        out.risk(
          'repository-integrity-failed',
          `${describeObject(
            'Repository',
            repo.obj,
            cluster,
          )} failed its integrity check (status.integrity: false): its backups may not restore.`,
          `Run stash check on the repository and take a new backup.`,
          objectRef('Repository', repo.obj, cluster),
        );
      }
      const survives = !local && repo?.place !== undefined && !repo.place.local;
      // The PVCs it takes in.
      const mounts = f
        .list('spec.target.volumeMounts')
        .filter(isJson)
        .map(m => ({
          name: typeof m.name === 'string' ? m.name : undefined,
          mountPath: typeof m.mountPath === 'string' ? m.mountPath : undefined,
        }));
      const paths = f
        .list('spec.target.paths')
        .filter((p): p is string => typeof p === 'string');
      const exclude = f
        .list('spec.target.exclude')
        .filter((p): p is string => typeof p === 'string');
      const covered: DrProviderPvc[] = ctx.pvcs.filter(p => {
        if (
          p.cluster !== cluster ||
          (p.pvc.metadata.namespace ?? '') !== targetNs
        )
          return false;
        if (kind === 'PersistentVolumeClaim')
          return p.pvc.metadata.name === name;
        return jobTakesInPvc(
          p,
          { kind, name },
          mounts,
          paths.length ? paths : undefined,
          exclude,
        );
      });
      const entry = {
        cluster,
        name: config.metadata.name,
        schedule: schedule ?? '',
        maxIntervalSeconds: 'error' in interval ? null : interval.seconds,
        paused,
        phase,
        storageLocation: repo?.obj.metadata.name,
        missedRuns: 0,
        movesData: survives,
      } as NonNullable<typeof out.evidence.schedules>[number];
      out.evidence.schedules.push(entry);
      if (!paused) {
        for (const pvc of covered) {
          out.evidence.coverage.push({
            pvc,
            by: {
              kind: 'BackupConfiguration',
              name: config.metadata.name,
              paused: false,
              offCluster: survives,
            },
            cadence:
              survives && !('error' in interval)
                ? {
                    seconds: interval.seconds,
                    by: `BackupConfiguration ${config.metadata.name}`,
                  }
                : undefined,
          });
        }
        if (ctx.pvcs.length === 0 && survives && !('error' in interval)) {
          out.evidence.manifestCadenceSeconds.push(interval.seconds);
        }
      }

      // Its sessions: the points, and the newest one's health.
      const mine = sessions
        .filter(s => {
          const sf = out.fields('BackupSession', s, cluster);
          return (
            (s.metadata.namespace ?? '') === ns &&
            sf.str('spec.invoker.kind') === 'BackupConfiguration' &&
            sf.str('spec.invoker.name') === config.metadata.name
          );
        })
        .sort((a, b) => (created(b) ?? 0) - (created(a) ?? 0));
      let newestPoint: number | undefined;
      for (const s of mine) {
        const sf = out.fields('BackupSession', s, cluster);
        const sphase = sf.str('status.phase');
        const targets = sf.list('status.targets').filter(isJson);
        const allSucceeded =
          sphase === 'Succeeded' &&
          targets.every(
            t =>
              t.phase === 'Succeeded' &&
              (Array.isArray(t.stats) ? t.stats : []).every(
                st => isJson(st) && st.phase === 'Succeeded',
              ),
          );
        const time = created(s);
        const reason = sessionNotCounted({
          phase: sphase,
          allSucceeded,
          time,
          local,
          repo,
          cluster,
          future:
            time !== undefined &&
            time - ctx.nowMs > (ctx.options.clockSkewSeconds ?? 300) * 1000,
          holdsNone: covered.length === 0 && ctx.pvcs.length > 0,
        });
        if (
          time !== undefined &&
          time - ctx.nowMs > (ctx.options.clockSkewSeconds ?? 300) * 1000
        ) {
          out.evidence.futurePoints.push({
            cluster,
            what: `BackupSession ${s.metadata.name} at ${isoSeconds(time)}`,
          });
        }
        const counted = reason === undefined && time !== undefined;
        const ms = counted ? Math.min(time!, ctx.nowMs) : undefined;
        if (ms !== undefined) newestPoint = Math.max(newestPoint ?? 0, ms);
        const point = {
          time: time !== undefined ? isoSeconds(time) : undefined,
          source: 'stash',
          kind: 'BackupSession',
          name: s.metadata.name,
          namespace: s.metadata.namespace,
          cluster,
          usable: allSucceeded,
          counted,
          reason,
          phase: sphase ?? 'Unknown',
          storageLocation: repo?.obj.metadata.name,
          pvcs: counted ? covered.map(p => p.key) : undefined,
        };
        out.evidence.recoveryPoints.push({
          point,
          ms,
          pvcs:
            ms !== undefined
              ? covered.map(pvc => ({
                  pvc,
                  point: {
                    time: isoSeconds(ms),
                    source: 'stash',
                    kind: 'BackupSession',
                    name: s.metadata.name,
                    namespace: s.metadata.namespace,
                    cluster,
                  },
                }))
              : undefined,
          service: ms !== undefined,
        });
      }
      const newest = mine[0];
      if (newest) {
        const nf = out.fields('BackupSession', newest, cluster);
        const nphase = nf.str('status.phase');
        if (
          nphase === 'Failed' ||
          nphase === 'Skipped' ||
          nphase === 'Unknown'
        ) {
          out.risk(
            'newest-backup-failed',
            `The newest backup of ${config.metadata.name}, ${describeObject(
              'BackupSession',
              newest,
              cluster,
            )}, is ${nphase}.`,
            `Read its status and events (kubectl describe backupsession.stash.appscode.com -n ${ns} ${newest.metadata.name}) and fix their cause.`,
            objectRef('BackupSession', newest, cluster),
          );
        }
        const deadline = nf.time('status.sessionDeadline');
        if (
          nphase === 'Running' &&
          deadline !== undefined &&
          ctx.nowMs > deadline
        ) {
          out.risk(
            'backup-stuck',
            `${describeObject(
              'BackupSession',
              newest,
              cluster,
            )} has been Running past its deadline ${isoSeconds(
              deadline,
            )}: it is stuck.`,
            'Check its backup job or sidecar logs and the Stash operator; delete the stuck session if needed.',
            objectRef('BackupSession', newest, cluster),
          );
        }
      }
      if (newestPoint !== undefined)
        entry.lastSuccessfulBackup = isoSeconds(newestPoint);
      if (!paused && survives && !('error' in interval)) {
        const since = newestPoint ?? created(config);
        if (
          since !== undefined &&
          ctx.nowMs - since - interval.seconds * 1000 >
            missedRunGraceMs(interval.seconds)
        ) {
          const runs = Math.max(
            1,
            Math.floor((ctx.nowMs - since) / (interval.seconds * 1000)),
          );
          entry.missedRuns = runs;
          entry.missedSince = isoSeconds(since + interval.seconds * 1000);
          out.risk(
            'schedule-missed-runs',
            `${label} missed ${runs} run${runs === 1 ? '' : 's'} since ${
              entry.missedSince
            }.`,
            `Stash on ${cluster} may be down: check the operator and kubectl get backupsessions -n ${ns}.`,
            obj,
          );
        }
      }
    }
  }

  // ---- Drills: succeeded Stash RestoreSessions outside the primary from the same backend.
  for (const raw of ctx.drillClusters) {
    if (ctx.isPrimary(raw.cluster)) continue;
    const evidence: SanitizedEvidence = { ...raw, malformed: [] };
    for (const rs of providerObjects(
      ctx,
      evidence,
      STASH_RESOURCES.restoreSessions,
      out.evidence.reasons,
    )) {
      const f = out.fields('RestoreSession', rs, raw.cluster);
      if (f.str('status.phase') !== 'Succeeded') continue;
      const ref = f.map('spec.repository');
      const repo = repositoryOf(
        ctx,
        evidence,
        (ref && f.str('namespace', ref, 'spec.repository.')) ??
          rs.metadata.namespace ??
          '',
        ref && f.str('name', ref, 'spec.repository.'),
        out,
      );
      if (!repo?.place || !serviceBackends.has(repo.place.key)) continue;
      const duration = parseGoDuration(f.str('status.sessionDuration'));
      const start = created(rs);
      if (duration === undefined || start === undefined) continue;
      out.evidence.drills.push({
        kind: 'RestoreSession',
        name: rs.metadata.name,
        cluster: raw.cluster,
        type: 'restore',
        startedAt: isoSeconds(start),
        completedAt: isoSeconds(start + duration * 1000),
        measuredRtoSeconds: Math.round(duration),
      });
    }
  }
}
