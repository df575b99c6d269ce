import { InputError } from '@backstage/errors';
import {
  DrClusterHealth,
  DrClusterLossClusterState,
  DrClusterLossGroup,
  DrClusterLossResponse,
  DrClusterLossService,
  DrServiceRecord,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import { clusterState } from './clusterRoutes';
import { toCsv } from './csv';
import { z } from 'zod';
import { DrStatusStore } from '../database/DrStatusStore';
import { parse } from './validation';

const clusterLossQuery = z.object({
  cluster: z.string().optional(),
  format: z.enum(['json', 'csv'], { error: 'use json or csv' }).default('json'),
});

function clusterStateOf(
  health: DrClusterHealth | undefined,
): DrClusterLossClusterState {
  return health ? clusterState(health).state : 'unknown';
}

const seconds = (from: string, now: number) =>
  Math.max(0, Math.round((now - Date.parse(from)) / 1000));

/**
 * The data a service would lose if its cluster failed at `now`: the oldest, over its PVCs, of
 * each PVC's newest counted recovery point (of any counted point for a service without PVCs).
 */
function exposureOf(
  status: DrServiceRecord['status'],
  now: number,
): Pick<DrClusterLossService, 'exposureSeconds' | 'worstPvc'> {
  if (!status) return { exposureSeconds: null };
  if (status.coverage.length > 0) {
    let worst: (typeof status.coverage)[number] | undefined;
    for (const pvc of status.coverage) {
      if (!pvc.newestPoint) {
        return {
          exposureSeconds: null,
          worstPvc: `${pvc.namespace}/${pvc.pvc}`,
        };
      }
      if (!worst || pvc.newestPoint.time < worst.newestPoint!.time) {
        worst = pvc;
      }
    }
    return {
      exposureSeconds: seconds(worst!.newestPoint!.time, now),
      worstPvc: `${worst!.namespace}/${worst!.pvc}`,
    };
  }
  const newest = status.recoveryPoints.find(p => p.counted && p.time);
  return { exposureSeconds: newest ? seconds(newest.time!, now) : null };
}

/** One affected service: its exposure and whether (and how surely) it can come back. */
function lossOf(
  record: DrServiceRecord,
  role: DrClusterLossService['role'],
  lost: string,
  health: Map<string, DrClusterHealth>,
  now: number,
): DrClusterLossService {
  const { status } = record;
  const { exposureSeconds, worstPvc } = exposureOf(status, now);
  const overRpo =
    exposureSeconds === null ||
    (record.rpoSeconds !== undefined && exposureSeconds > record.rpoSeconds);
  // After a failover it comes back where it came from.
  const target =
    role === 'active' ? record.primaryClusters?.[0] : record.recoveryCluster;
  const recoveryCluster = target !== lost ? target : undefined;
  const recoveryClusterState = recoveryCluster
    ? clusterStateOf(health.get(recoveryCluster))
    : undefined;
  const counted = status?.recoveryPoints.filter(p => p.counted && p.time) ?? [];
  const newest = counted[0];
  const lastDrill = status?.lastDrill;
  const overRto =
    record.measuredRtoSeconds !== undefined &&
    record.rtoSeconds !== undefined &&
    record.measuredRtoSeconds > record.rtoSeconds;

  const blocking: string[] = [];
  const doubts: string[] = [];
  if (!recoveryCluster) {
    blocking.push(
      target === lost
        ? `Its recovery cluster is ${lost} itself.`
        : 'No recovery cluster is declared.',
    );
  } else if (recoveryClusterState === 'unreachable') {
    blocking.push(`Recovery cluster ${recoveryCluster} is unreachable.`);
  } else if (recoveryClusterState === 'degraded') {
    doubts.push(
      `Recovery cluster ${recoveryCluster} is degraded: some resources could not be read.`,
    );
  } else if (recoveryClusterState === 'unknown') {
    doubts.push(
      `Recovery cluster ${recoveryCluster} has not been read by a refresh.`,
    );
  }
  if (!newest) {
    blocking.push(`No recovery point survives the loss of ${lost}.`);
  }
  if (!lastDrill) {
    doubts.push('Never restored: no drill, failover or restore.');
  }
  if (overRto) {
    doubts.push(
      `Measured RTO ${formatDuration(
        record.measuredRtoSeconds!,
      )} is above the RTO target ${formatDuration(record.rtoSeconds!)}.`,
    );
  }
  let recoverable: DrClusterLossService['recoverable'] = 'yes';
  if (blocking.length > 0) recoverable = 'no';
  else if (doubts.length > 0) recoverable = 'doubtful';

  return {
    entityRef: record.entityRef,
    name: record.name,
    title: record.title,
    owner: record.owner,
    tier: record.tier,
    tierRank: record.tierRank,
    strategy: record.strategy,
    verdict: record.verdict,
    role,
    rpoSeconds: record.rpoSeconds,
    exposureSeconds,
    worstPvc,
    overRpo,
    recoveryCluster,
    recoveryClusterState,
    recoveryPoint: newest
      ? {
          time: newest.time!,
          kind: newest.kind,
          name: newest.name,
          namespace: newest.namespace,
          cluster: newest.cluster,
          onRecoveryCluster:
            recoveryCluster !== undefined &&
            counted.some(p => p.cluster === recoveryCluster),
        }
      : null,
    lastRestore: lastDrill
      ? {
          kind: lastDrill.kind,
          name: lastDrill.name,
          cluster: lastDrill.cluster,
          completedAt: lastDrill.completedAt,
          measuredRtoSeconds: lastDrill.measuredRtoSeconds,
        }
      : null,
    measuredRtoSeconds: record.measuredRtoSeconds,
    rtoSeconds: record.rtoSeconds,
    overRto,
    recoverable,
    gaps: [...blocking, ...doubts],
  };
}

/** Worst exposure first: no surviving recovery point, then the most data lost; then tier, name. */
function byExposure(a: DrClusterLossService, b: DrClusterLossService): number {
  const ea = a.exposureSeconds ?? Number.POSITIVE_INFINITY;
  const eb = b.exposureSeconds ?? Number.POSITIVE_INFINITY;
  if (ea !== eb) return eb - ea;
  const ta = a.tierRank ?? Number.MAX_SAFE_INTEGER;
  const tb = b.tierRank ?? Number.MAX_SAFE_INTEGER;
  return ta - tb || a.name.localeCompare(b.name);
}

function groupByOwner(services: DrClusterLossService[]): DrClusterLossGroup[] {
  const byOwner = new Map<string | undefined, DrClusterLossService[]>();
  for (const s of [...services].sort(byExposure)) {
    const list = byOwner.get(s.owner) ?? [];
    list.push(s);
    byOwner.set(s.owner, list);
  }
  return [...byOwner.entries()]
    .map(([owner, list]) => ({ owner, services: list }))
    .sort(
      (a, b) =>
        byExposure(a.services[0], b.services[0]) ||
        (a.owner ?? '\uffff').localeCompare(b.owner ?? '\uffff'),
    );
}

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/**
 * The totals as a sentence, e.g. `14 services, 3 tier-0: 2 would lose more than their RPO, 1 has
 * never been restored.`
 */
function summaryOf(
  cluster: string,
  totals: DrClusterLossResponse['totals'],
): string {
  if (totals.services === 0) {
    return `No service runs on ${cluster} as its primary or active cluster.`;
  }
  const tier = totals.mostCriticalTierName
    ? `, ${totals.mostCriticalTier} ${totals.mostCriticalTierName}`
    : '';
  const parts = [
    `${totals.overRpo} would lose more than their RPO`,
    `${totals.neverRestored} ${
      totals.neverRestored === 1 ? 'has' : 'have'
    } never been restored`,
  ];
  if (totals.cannotComeBack > 0) {
    parts.push(`${totals.cannotComeBack} cannot come back`);
  }
  return `${plural(
    totals.services,
    'service',
    'services',
  )}${tier}: ${parts.join(', ')}.`;
}

/** The columns of the cluster-loss CSV, in order, with how each is read from a service. */
const CSV_COLUMNS: Array<[string, (s: DrClusterLossService) => unknown]> = [
  ['owner', s => s.owner],
  ['entity_ref', s => s.entityRef],
  ['name', s => s.name],
  ['tier', s => s.tier],
  ['strategy', s => s.strategy],
  ['verdict', s => s.verdict],
  ['role', s => s.role],
  ['exposure_seconds', s => s.exposureSeconds],
  ['worst_pvc', s => s.worstPvc],
  ['rpo_target_seconds', s => s.rpoSeconds],
  ['over_rpo', s => s.overRpo],
  ['recovery_cluster', s => s.recoveryCluster],
  ['recovery_cluster_state', s => s.recoveryClusterState],
  ['recovery_point_at', s => s.recoveryPoint?.time],
  [
    'recovery_point',
    s => s.recoveryPoint && `${s.recoveryPoint.kind} ${s.recoveryPoint.name}`,
  ],
  [
    'recovery_point_on_recovery_cluster',
    s => s.recoveryPoint?.onRecoveryCluster,
  ],
  ['last_restore_at', s => s.lastRestore?.completedAt],
  [
    'last_restore',
    s => s.lastRestore && `${s.lastRestore.kind} ${s.lastRestore.name}`,
  ],
  ['measured_rto_seconds', s => s.measuredRtoSeconds],
  ['rto_target_seconds', s => s.rtoSeconds],
  ['over_rto', s => s.overRto],
  ['recoverable', s => s.recoverable],
  ['gaps', s => s.gaps.join(' ')],
];

/**
 * Adds `GET /overview/cluster-loss?cluster=<name>&format=json|csv`: if `cluster` failed now, every
 * service the caller may read whose primary cluster it is (or, after a failover, whose active
 * cluster it is), with the data it would lose (seconds since the newest recovery point of its
 * worst PVC that survives the loss) and whether it can come back (recovery cluster reachable, a
 * recovery point that survives, a restore tested and when, measured RTO against the target).
 *
 * JSON: `DrClusterLossResponse` (`{ cluster, clusterState, totals, summary, groups, evaluatedAt }`),
 * groups by owner, the worst exposure first. CSV (`format=csv`): one row a service in the same
 * order, every field quoted, durations in seconds, times in RFC 3339 (columns: see
 * `CSV_COLUMNS`).
 *
 * 400 (`InputError`) when `cluster` is missing or names no cluster known from the last refresh
 * (the message lists the known ones), or `format` is neither `json` nor `csv`.
 */
export function addClusterLossRoutes(
  router: express.Router,
  options: {
    store: DrStatusStore;
    /** Which services the caller may read: every one (undefined), or these entity refs. */
    readableRefs: (
      req: express.Request,
    ) => Promise<ReadonlySet<string> | undefined>;
    /** Adds the entities' active run and active cluster to records. */
    runState: <T extends DrServiceRecord>(
      records: readonly T[],
    ) => Promise<readonly T[]>;
    /** The clock; default `Date.now`. */
    now?: () => number;
  },
) {
  const { store, readableRefs, runState, now = Date.now } = options;
  router.get('/overview/cluster-loss', async (req, res) => {
    const query = parse(clusterLossQuery, req.query);
    const [all, healthList] = await Promise.all([
      store.listAll().then(runState),
      store.clusterHealth(),
    ]);
    const health = new Map(healthList.map(h => [h.cluster, h]));
    const known = new Set(health.keys());
    for (const r of all) {
      for (const c of [...r.clusters, ...(r.primaryClusters ?? [])]) {
        known.add(c);
      }
    }
    const knownList = [...known].sort((a, b) => a.localeCompare(b));
    const accepted = knownList.length
      ? `use one of ${knownList.join(', ')}`
      : 'no cluster is known before the first refresh';
    if (!query.cluster) {
      throw new InputError(`cluster: is required; ${accepted}`);
    }
    if (!known.has(query.cluster)) {
      throw new InputError(
        `cluster: '${query.cluster}' is not a known cluster; ${accepted}`,
      );
    }
    const cluster = query.cluster;
    const readable = await readableRefs(req);
    const records = readable ? all.filter(r => readable.has(r.entityRef)) : all;

    const roles = new Map<string, DrClusterLossService['role']>();
    for (const r of records) {
      if (r.activeCluster) {
        if (r.activeCluster === cluster) roles.set(r.entityRef, 'active');
      } else if (r.primaryClusters?.includes(cluster)) {
        roles.set(r.entityRef, 'primary');
      }
    }
    const details = new Map(
      (await store.getMany([...roles.keys()])).map(d => [d.entityRef, d]),
    );
    const at = now();
    const services = records
      .filter(r => roles.has(r.entityRef))
      .map(r =>
        lossOf(
          // The list's run state with the stored details.
          { ...r, status: details.get(r.entityRef)?.status },
          roles.get(r.entityRef)!,
          cluster,
          health,
          at,
        ),
      );
    const groups = groupByOwner(services);

    if (query.format === 'csv') {
      res
        .type('text/csv')
        .attachment(`disaster-recovery-cluster-loss-${cluster}.csv`)
        .send(
          toCsv(
            CSV_COLUMNS,
            groups.flatMap(g => g.services),
          ),
        );
      return;
    }
    const totals: DrClusterLossResponse['totals'] = {
      services: services.length,
      mostCriticalTier: services.filter(s => s.tierRank === 0).length,
      mostCriticalTierName: records.find(r => r.tierRank === 0)?.tier,
      overRpo: services.filter(s => s.overRpo).length,
      neverRestored: services.filter(s => !s.lastRestore).length,
      cannotComeBack: services.filter(s => s.recoverable === 'no').length,
    };
    const body: DrClusterLossResponse = {
      cluster,
      clusterState: clusterStateOf(health.get(cluster)),
      totals,
      summary: summaryOf(cluster, totals),
      groups,
      evaluatedAt: new Date(at).toISOString(),
    };
    res.json(body);
  });
}
