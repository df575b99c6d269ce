import {
  parseVeleroCron,
  scheduleMaxIntervalSeconds,
  scheduleRunTimes,
} from '../../evaluation/cadence';
import { KubeObject } from '../../evaluation/kubernetes';
import { objectByName } from '../../evaluation/locate';
import { isoSeconds, plural } from '../../evaluation/objects';
import { DrProviderContext, DrProviderPvc } from '../../evaluation/provider';
import { sanitizeEvidence } from '../../evaluation/sanitize';
import { DrRecoveryPoint } from '../../evaluation/types';
import { K8ssandraDatacenter, ServiceK8ssandraCluster } from './datacenters';
import { addRisk, CollectedEvidence, pvcsOfDatacenter } from './evidence';
import { FieldReader, valueAt } from './fields';
import { K8SSANDRA_PROVIDER_ID } from './resources';

/** Medusa's storage providers whose backups leave the cluster (`storageProperties.storageProvider`). */
const OFF_CLUSTER_PROVIDERS = [
  's3',
  'google_storage',
  'azure_blobs',
  's3_compatible',
  's3_rgw',
  'ibm_storage',
];
/** Providers that need `host`: without it their endpoint is unknown. */
const HOST_PROVIDERS = ['s3_compatible', 's3_rgw'];
/** The label Medusa's backups carry with the Cassandra cluster's name. */
const CLUSTER_LABEL = 'cassandra.datastax.com/cluster';
/** Runs counted exactly before "more than N". */
const MAX_COUNTED_RUNS = 100;

/**
 * The Medusa storage of a K8ssandraCluster: `spec.medusa.storageProperties`, deep-merged over the
 * `MedusaConfiguration` named by `spec.medusa.medusaConfigurationRef` with the K8ssandraCluster's
 * own fields winning (`controllers/k8ssandra/medusa_reconciler.go`).
 */
export interface MedusaStorage {
  /** `s3:acme-cassandra-backups` for messages and the storage-location list. */
  name: string;
  provider?: string;
  bucket?: string;
  host?: string;
  /** Whether its backups survive the loss of the cluster. */
  survives: boolean;
  /** Why they do not, when they do not. */
  why?: string;
}

function insideClusterHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  try {
    h = new URL(h.includes('://') ? h : `http://${h}`).hostname;
  } catch {
    return false;
  }
  h = h.replace(/\.$/, '');
  return (
    h.endsWith('.svc') ||
    h.endsWith('.cluster.local') ||
    h === 'localhost' ||
    /^127\./.test(h) ||
    h === '[::1]' ||
    (!h.includes('.') && !h.includes(':') && !h.startsWith('['))
  );
}

/** Reads the storage of a K8ssandraCluster; undefined when it has no `spec.medusa`. */
export function medusaStorage(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
): MedusaStorage | undefined {
  const { reader } = kc;
  if (reader.object('spec.medusa') === undefined) return undefined;
  const own = reader.object('spec.medusa.storageProperties') ?? {};
  let base: Record<string, unknown> = {};
  let missingConfig: string | undefined;
  const refName = reader.string('spec.medusa.medusaConfigurationRef.name');
  if (refName) {
    const refNamespace =
      reader.string('spec.medusa.medusaConfigurationRef.namespace') ||
      (kc.reader.obj.metadata.namespace ?? '');
    const evidence = ctx.evidenceOf(kc.cluster);
    const config = evidence
      ? objectByName(
          ctx.objectsOf(evidence, 'medusaConfigurations'),
          refNamespace,
          refName,
        )
      : undefined;
    const props = valueAt(config, 'spec.storageProperties');
    if (props && typeof props === 'object' && !Array.isArray(props)) {
      base = props as Record<string, unknown>;
    } else {
      missingConfig = `MedusaConfiguration ${refNamespace}/${refName} (spec.medusa.medusaConfigurationRef) was not found on ${kc.cluster}`;
    }
  }
  const field = (key: string): string | undefined => {
    const mine = own[key];
    if (typeof mine === 'string' && mine !== '') return mine;
    if (mine !== undefined && mine !== null && typeof mine !== 'string') {
      reader.problem(
        `spec.medusa.storageProperties.${key}`,
        `expected string, got ${Array.isArray(mine) ? 'list' : typeof mine}`,
      );
    }
    const theirs = base[key];
    return typeof theirs === 'string' && theirs !== '' ? theirs : undefined;
  };
  const provider = field('storageProvider');
  const bucket = field('bucketName');
  const host = field('host');
  const prefix = field('prefix');
  const name = `${provider ?? 'unknown'}:${bucket ?? '(no bucket)'}${
    prefix ? `/${prefix}` : ''
  }`;
  let why: string | undefined;
  if (provider === undefined) {
    why =
      missingConfig ??
      'spec.medusa.storageProperties.storageProvider is not set';
  } else if (!OFF_CLUSTER_PROVIDERS.includes(provider)) {
    why = `its storageProvider ${provider} keeps backups on the cluster's own volumes`;
  } else if (host !== undefined && insideClusterHost(host)) {
    why = `its host ${host} is inside the cluster`;
  } else if (host === undefined && HOST_PROVIDERS.includes(provider)) {
    why = `storageProvider ${provider} without a host: where the backups go cannot be known`;
  }
  return { name, provider, bucket, host, survives: why === undefined, why };
}

/** A MedusaBackup read defensively (`medusa.k8ssandra.io/v1alpha1`). */
interface BackupCopy {
  cluster: string;
  reader: FieldReader;
  /** The datacenters of the K8ssandraCluster whose nodes it holds. */
  datacenters: K8ssandraDatacenter[];
}

/**
 * The datacenters a backup holds: the Cassandra DCs of its `status.nodes[].datacenter`, else its
 * `spec.cassandraDatacenter` (a CassandraDatacenter's name).
 */
function datacentersOfBackup(
  reader: FieldReader,
  kc: ServiceK8ssandraCluster,
): K8ssandraDatacenter[] {
  const ns = reader.obj.metadata.namespace ?? '';
  const inNamespace = kc.datacenters.filter(d => d.namespace === ns);
  const nodes = reader.array('status.nodes') ?? [];
  const fromNodes = new Set(
    nodes
      .map((n, i) =>
        reader.item<string>(`status.nodes[${i}]`, n, 'datacenter', 'string'),
      )
      .filter((d): d is string => Boolean(d)),
  );
  if (fromNodes.size > 0) {
    return inNamespace.filter(d => fromNodes.has(d.cassandraName));
  }
  const named = reader.string('spec.cassandraDatacenter');
  return inNamespace.filter(d => d.name === named || d.cassandraName === named);
}

/** The service's Medusa backups, one copy per backup (the primary's copy when it has one). */
function backupsOf(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
  out: CollectedEvidence,
): BackupCopy[] {
  const byName = new Map<string, BackupCopy>();
  const namespaces = new Set(kc.datacenters.map(d => d.namespace));
  for (const evidence of ctx.location.scope) {
    for (const b of ctx.objectsOf(evidence, 'medusaBackups')) {
      if (!namespaces.has(b.metadata.namespace ?? '')) continue;
      const reader = new FieldReader(
        'MedusaBackup',
        b,
        evidence.cluster,
        out.reasons,
        'it is not counted',
      );
      const datacenters = datacentersOfBackup(reader, kc);
      if (datacenters.length === 0) continue;
      const key = `${b.metadata.namespace}/${b.metadata.name}`;
      const seen = byName.get(key);
      // A MedusaTask `sync` re-creates SUCCESS backups from the bucket on other clusters: the
      // same backup, counted once, by the primary's copy when there is one.
      if (
        !seen ||
        (!ctx.isPrimary(seen.cluster) && ctx.isPrimary(evidence.cluster))
      ) {
        byName.set(key, { cluster: evidence.cluster, reader, datacenters });
      }
    }
  }
  return [...byName.values()];
}

/** Why a backup is not a usable point (status, nodes, times), or undefined when it is. */
function unusableBecause(b: FieldReader): string | undefined {
  const status = b.string('status.status');
  const total = b.number('status.totalNodes');
  const finished = b.number('status.finishedNodes');
  if (status !== 'SUCCESS') {
    const allDone = total !== undefined && total > 0 && finished === total;
    return `its status is ${status ?? 'not reported'}${
      status === 'IN_PROGRESS' && allDone
        ? ' although all its nodes finished (cassandra-medusa#965): not counted until Medusa reports SUCCESS'
        : ''
    }`;
  }
  if (total === undefined || finished === undefined) {
    return 'status.totalNodes/finishedNodes are not reported (operators before k8ssandra-operator#1046), so a complete backup of every node cannot be told';
  }
  if (total <= 0) return 'status.totalNodes is 0';
  if (finished < total)
    return `only ${finished} of its ${total} nodes finished`;
  if (b.time('status.finishTime') === undefined) {
    return 'status.finishTime is not set or zero (k8ssandra-operator#1301)';
  }
  if (b.time('status.startTime') === undefined) {
    return 'status.startTime is not set or zero';
  }
  return undefined;
}

/** Epoch ms by which backups and jobs are ordered: `status.startTime`, else creation. */
function startedAt(r: FieldReader): number {
  return (
    r.time('status.startTime') ??
    (Date.parse(r.obj.metadata.creationTimestamp ?? '') || 0)
  );
}

/**
 * Medusa backups as recovery points (PROVIDERS.md 5, "Medusa backup"): a `MedusaBackup` counts
 * when `status.status` is `SUCCESS`, `finishedNodes == totalNodes > 0`, `finishTime` is non-zero,
 * its storage survives the cluster and it holds a datacenter of the primary. Its point is
 * `status.startTime` (each node snapshots at the start, then uploads) and goes to the PVCs of the
 * datacenters it holds. Returns the newest counted point per datacenter name, epoch ms.
 */
export function judgeBackups(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
  storage: MedusaStorage | undefined,
  out: CollectedEvidence,
): Map<string, number> {
  const skewMs = (ctx.options.clockSkewSeconds ?? 300) * 1000;
  const newestCounted = new Map<string, number>();
  const newestByDc = new Map<string, { at: number; backup: BackupCopy }>();
  for (const copy of backupsOf(ctx, kc, out)) {
    const b = copy.reader;
    const start = b.time('status.startTime');
    let reason = unusableBecause(b);
    const usable = reason === undefined;
    const primaryDcs = copy.datacenters.filter(
      d => d.cluster !== undefined && ctx.isPrimary(d.cluster),
    );
    if (usable) {
      if (!storage) {
        reason = `K8ssandraCluster ${kc.reader.obj.metadata.name} has no spec.medusa, so where the backup is stored cannot be known`;
      } else if (!storage.survives) {
        reason = `its storage ${storage.name} dies with the cluster: ${storage.why}`;
      } else if (primaryDcs.length === 0) {
        reason = `it holds ${copy.datacenters
          .map(d => d.cassandraName)
          .join(', ')}, no datacenter of ${ctx.primaryName}`;
      } else if (start! - ctx.nowMs > skewMs) {
        out.futurePoints.push({
          cluster: copy.cluster,
          what: `MedusaBackup ${b.obj.metadata.name} at ${isoSeconds(start!)}`,
        });
        reason = `its start ${isoSeconds(
          start!,
        )} is ahead of now (clock skew on ${copy.cluster})`;
      }
    }
    const counted = reason === undefined;
    const point: DrRecoveryPoint = {
      time: start !== undefined ? isoSeconds(start) : undefined,
      source: `${K8SSANDRA_PROVIDER_ID}-medusa`,
      kind: 'MedusaBackup',
      name: b.obj.metadata.name,
      namespace: b.obj.metadata.namespace,
      cluster: copy.cluster,
      usable,
      counted,
      reason,
      phase: b.string('status.status'),
      storageLocation: storage?.name,
    };
    if (!counted) {
      out.recoveryPoints.push({ point });
    } else {
      const ms = Math.min(start!, ctx.nowMs);
      const pvcs = primaryDcs.flatMap(d => pvcsOfDatacenter(ctx.pvcs, d));
      point.pvcs = pvcs.map(p => p.key);
      out.recoveryPoints.push({
        point,
        ms,
        pvcs: pvcs.map(pvc => ({
          pvc,
          point: {
            time: isoSeconds(ms),
            source: point.source,
            kind: 'MedusaBackup',
            name: point.name,
            namespace: point.namespace,
            cluster: copy.cluster,
          },
        })),
        service: ctx.pvcs.length === 0,
      });
      for (const d of primaryDcs) {
        newestCounted.set(d.name, Math.max(newestCounted.get(d.name) ?? 0, ms));
      }
    }
    for (const d of copy.datacenters) {
      const at = startedAt(b);
      const seen = newestByDc.get(d.name);
      if (!seen || at > seen.at) newestByDc.set(d.name, { at, backup: copy });
    }
  }
  // The newest backup of each datacenter when it is not SUCCESS (a plain IN_PROGRESS backup whose
  // nodes are still uploading is not yet a point and no risk).
  for (const [dc, { backup }] of newestByDc) {
    const b = backup.reader;
    const status = b.string('status.status');
    if (status === 'SUCCESS') continue;
    const total = b.number('status.totalNodes');
    const finished = b.number('status.finishedNodes');
    const stuck =
      status === 'IN_PROGRESS' &&
      ((total !== undefined && total > 0 && finished === total) ||
        b.time('status.finishTime') !== undefined);
    if (status === 'IN_PROGRESS' && !stuck) continue;
    addRisk(
      out,
      'newest-backup-failed',
      `The newest Medusa backup of datacenter ${dc}, ${b.label}, is ${
        status ?? 'without status'
      }${
        stuck
          ? ' although its nodes finished (cassandra-medusa#965): it does not count and may block the schedule'
          : ''
      }.`,
      `Read the backup's status.nodes and the medusa containers' logs (kubectl -n ${b.obj.metadata.namespace} logs <cassandra pod> -c medusa) on ${backup.cluster}.`,
      b.ref,
    );
  }
  return newestCounted;
}

/** Rule 2: the newest `MedusaBackupJob` of each primary datacenter with failed pods. */
export function judgeBackupJobs(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
  out: CollectedEvidence,
): void {
  for (const dc of kc.datacenters) {
    if (!dc.cluster || !ctx.isPrimary(dc.cluster)) continue;
    const evidence = ctx.evidenceOf(dc.cluster);
    if (!evidence) continue;
    const jobs = ctx
      .objectsOf(evidence, 'medusaBackupJobs')
      .filter(j => (j.metadata.namespace ?? '') === dc.namespace)
      .map(
        j =>
          new FieldReader(
            'MedusaBackupJob',
            j,
            dc.cluster!,
            out.reasons,
            'it is judged without that field',
          ),
      )
      .filter(j => j.string('spec.cassandraDatacenter') === dc.name)
      .sort((a, b) => startedAt(b) - startedAt(a));
    const newest = jobs[0];
    if (!newest) continue;
    const failed = (newest.array('status.failed') ?? []).filter(
      p => typeof p === 'string',
    ) as string[];
    if (failed.length === 0) continue;
    addRisk(
      out,
      'newest-backup-failed',
      `The newest Medusa backup job of datacenter ${dc.name}, ${
        newest.label
      }, failed on ${plural(failed.length, 'pod')} (${failed.join(', ')}).`,
      `Read the medusa container's logs of ${failed[0]} on ${dc.cluster} and run the backup again.`,
      newest.ref,
    );
  }
}

/**
 * `MedusaBackupSchedule`s of the primary datacenters: coverage of the datacenter's PVCs,
 * cadence (the cron read as the operator reads it: robfig/cron v3 `cron.ParseStandard` in
 * `controllers/medusa/medusabackupschedule_controller.go`, the same parser as Velero's: five
 * fields, descriptors, `@every`, `CRON_TZ=`), disabled schedules and missed runs. Missed runs are
 * counted from the newest counted backup of the datacenter, not from `status.lastExecution`:
 * with `concurrencyPolicy: Forbid` (the default) one stuck job postpones every later run while
 * `lastExecution` may still advance. Returns the names of the schedules (drill evidence).
 */
export function judgeSchedules(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
  storage: MedusaStorage | undefined,
  newestCounted: Map<string, number>,
  out: CollectedEvidence,
): string[] {
  const names: string[] = [];
  for (const dc of kc.datacenters) {
    if (!dc.cluster || !ctx.isPrimary(dc.cluster)) continue;
    const evidence = ctx.evidenceOf(dc.cluster);
    if (!evidence) continue;
    const pvcs = pvcsOfDatacenter(ctx.pvcs, dc);
    for (const s of ctx.objectsOf(evidence, 'medusaBackupSchedules')) {
      if ((s.metadata.namespace ?? '') !== dc.namespace) continue;
      const reader = new FieldReader(
        'MedusaBackupSchedule',
        s,
        dc.cluster,
        out.reasons,
        'it is judged without that field',
      );
      if (reader.string('spec.backupSpec.cassandraDatacenter') !== dc.name) {
        continue;
      }
      const operation = reader.string('spec.operationType');
      if (operation && operation !== 'backup') continue; // `purge` schedules back nothing up.
      names.push(s.metadata.name);
      judgeSchedule(ctx, dc, reader, pvcs, storage, newestCounted, out);
    }
  }
  return names;
}

function judgeSchedule(
  ctx: DrProviderContext,
  dc: K8ssandraDatacenter,
  s: FieldReader,
  pvcs: DrProviderPvc[],
  storage: MedusaStorage | undefined,
  newestCounted: Map<string, number>,
  out: CollectedEvidence,
): void {
  const { nowMs, now } = ctx;
  const cluster = dc.cluster!;
  const name = s.obj.metadata.name;
  const disabled = s.boolean('spec.disabled') === true;
  const expression = s.string('spec.cronSchedule') ?? '';
  const cron = parseVeleroCron(expression);
  const maxInterval =
    'error' in cron ? undefined : scheduleMaxIntervalSeconds(expression, now);
  const survives = storage?.survives === true;
  const lastSuccess = newestCounted.get(dc.name);
  const entry: CollectedEvidence['schedules'][number] = {
    cluster,
    name,
    schedule: expression,
    maxIntervalSeconds: maxInterval ?? null,
    paused: disabled,
    storageLocation: storage?.name,
    lastBackup: s.string('status.lastExecution'),
    lastSuccessfulBackup:
      lastSuccess !== undefined ? isoSeconds(lastSuccess) : undefined,
    missedRuns: 0,
    movesData: survives,
  };
  out.schedules.push(entry);
  for (const pvc of pvcs) {
    out.coverage.push({
      pvc,
      by: {
        kind: 'MedusaBackupSchedule',
        name,
        paused: disabled,
        offCluster: survives,
      },
      cadence:
        survives && !disabled && maxInterval !== undefined
          ? { seconds: maxInterval, by: `MedusaBackupSchedule ${name}` }
          : undefined,
    });
  }
  if ('error' in cron || maxInterval === undefined) {
    addRisk(
      out,
      'schedule-unreadable',
      `${s.label}: spec.cronSchedule ${JSON.stringify(
        expression,
      )} cannot be read as the operator reads it (${
        'error' in cron ? cron.error : 'no run time'
      }); it never runs.`,
      'Write spec.cronSchedule as a five-field cron expression (robfig/cron ParseStandard), e.g. "0 * * * *".',
      { ...s.ref!, field: 'spec.cronSchedule' },
    );
    return;
  }
  if (disabled) {
    addRisk(
      out,
      'schedule-paused',
      `${s.label} is disabled (spec.disabled: true): datacenter ${dc.name} gets no new backups; its last backups still count.`,
      `Enable it (kubectl -n ${dc.namespace} patch medusabackupschedule ${name} --type merge -p '{"spec":{"disabled":false}}').`,
      s.ref,
    );
    return;
  }
  const since =
    lastSuccess ??
    (Date.parse(s.obj.metadata.creationTimestamp ?? '') || undefined);
  if (since === undefined) return;
  const graceMs = Math.max(maxInterval * 100, 300_000);
  if (nowMs - since <= maxInterval * 1000 + graceMs) return;
  const missed = scheduleRunTimes(
    cron,
    new Date(since),
    new Date(nowMs - graceMs),
    MAX_COUNTED_RUNS + 1,
  );
  if (missed.length === 0) return;
  entry.missedRuns = Math.min(missed.length, MAX_COUNTED_RUNS);
  entry.missedSince = isoSeconds(missed[0]);
  const runs =
    missed.length > MAX_COUNTED_RUNS
      ? `more than ${MAX_COUNTED_RUNS} runs`
      : plural(missed.length, 'run');
  const lastExecution = s.string('status.lastExecution');
  addRisk(
    out,
    'schedule-missed-runs',
    `${s.label} missed ${runs} since ${isoSeconds(missed[0])} (${
      lastSuccess !== undefined
        ? `last counted MedusaBackup started ${isoSeconds(lastSuccess)}`
        : 'no counted MedusaBackup seen'
    }${lastExecution ? `; status.lastExecution ${lastExecution}` : ''}).`,
    `An unfinished MedusaBackupJob postpones every later run (concurrencyPolicy Forbid): check kubectl -n ${dc.namespace} get medusabackupjobs on ${cluster} and the k8ssandra-operator logs.`,
    s.ref,
  );
}

/**
 * Drill evidence (PROVIDERS.md 5, "Drill evidence"): a `MedusaRestoreJob` outside the primary
 * with a non-zero `status.finishTime`, empty `status.failed` and `status.message`, whose
 * `spec.backup` is a MedusaBackup on its cluster (a synced copy) labelled with the service's
 * Cassandra cluster, holding a primary datacenter, named after one of the primary's
 * MedusaBackupSchedules. A restore into a datacenter of the service is a (destructive) recovery,
 * into another one (a test cluster or namespace) a drill. RTO = `finishTime − startTime`.
 */
export function judgeRestores(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
  scheduleNames: string[],
  out: CollectedEvidence,
): void {
  if (scheduleNames.length === 0) return;
  const primaryDcs = kc.datacenters.filter(
    d => d.cluster !== undefined && ctx.isPrimary(d.cluster),
  );
  for (const raw of ctx.drillClusters) {
    if (ctx.isPrimary(raw.cluster)) continue;
    const evidence = ctx.evidenceOf(raw.cluster) ?? sanitizeEvidence(raw);
    const backups = ctx.objectsOf(evidence, 'medusaBackups');
    for (const rj of ctx.objectsOf(evidence, 'medusaRestoreJobs')) {
      const r = new FieldReader(
        'MedusaRestoreJob',
        rj,
        raw.cluster,
        out.reasons,
        'it is not drill evidence',
      );
      const backupName = r.string('spec.backup');
      if (!backupName) continue;
      const backup: KubeObject | undefined = objectByName(
        backups,
        rj.metadata.namespace ?? '',
        backupName,
      );
      if (!backup) continue;
      if (backup.metadata.labels?.[CLUSTER_LABEL] !== kc.cassandraClusterName) {
        continue;
      }
      if (!scheduleNames.some(n => backupName.startsWith(`${n}-`))) continue;
      const b = new FieldReader(
        'MedusaBackup',
        backup,
        raw.cluster,
        out.reasons,
        'it is not counted',
      );
      const held = (b.array('status.nodes') ?? [])
        .map((n, i) =>
          b.item<string>(`status.nodes[${i}]`, n, 'datacenter', 'string'),
        )
        .filter((d): d is string => Boolean(d));
      const named = b.string('spec.cassandraDatacenter');
      if (
        !primaryDcs.some(
          d =>
            held.includes(d.cassandraName) ||
            named === d.name ||
            named === d.cassandraName,
        )
      ) {
        continue;
      }
      const start = r.time('status.startTime');
      const finish = r.time('status.finishTime');
      const failed = r.array('status.failed') ?? [];
      const message = r.string('status.message');
      if (
        start === undefined ||
        finish === undefined ||
        finish < start ||
        failed.length > 0 ||
        (message !== undefined && message !== '')
      ) {
        continue;
      }
      const target = r.string('spec.cassandraDatacenter');
      const intoLive = kc.datacenters.some(
        d =>
          d.cluster === raw.cluster &&
          d.namespace === (rj.metadata.namespace ?? '') &&
          d.name === target,
      );
      out.drills.push({
        kind: 'MedusaRestoreJob',
        name: rj.metadata.name,
        cluster: raw.cluster,
        type: intoLive ? 'restore' : 'drill',
        startedAt: isoSeconds(start),
        completedAt: isoSeconds(finish),
        measuredRtoSeconds: Math.round((finish - start) / 1000),
      });
    }
  }
}
