import express from 'express';
import { toCsv } from './csv';
import {
  DR_STRATEGIES,
  DR_VERDICTS,
  DrCriticalRecoveryPoints,
  DrOverviewFacets,
  DrOverviewHistoryResponse,
  DrOverviewResponse,
  DrServiceRecord,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { z } from 'zod';
import { DrStatusStore } from '../database/DrStatusStore';
import { checkOneOf, list, normalizeOwnerRefs, parse } from './validation';

/**
 * The order of the services that need attention (`sort=attention`): breached, then at risk, then
 * the others; within each, the most critical tier first, then the worst exposure (the largest
 * achieved RPO; no counted recovery point at all first).
 */
function attentionKey(r: DrServiceRecord): string {
  const verdict = ['breached', 'at-risk'].indexOf(r.verdict);
  const tier = Math.min(r.tierRank ?? 999_999, 999_999);
  const exposure =
    r.achievedRpoSeconds === undefined
      ? 0
      : 1e12 - Math.min(r.achievedRpoSeconds, 1e12);
  return `${verdict === -1 ? 2 : verdict}:${String(tier).padStart(
    6,
    '0',
  )}:${String(exposure).padStart(13, '0')}`;
}

const SORT_FIELDS = {
  name: (r: DrServiceRecord) => r.name,
  owner: (r: DrServiceRecord) => r.owner ?? '',
  system: (r: DrServiceRecord) => r.system ?? '',
  tier: (r: DrServiceRecord) => r.tierRank ?? Number.MAX_SAFE_INTEGER,
  strategy: (r: DrServiceRecord) => r.strategy ?? '',
  verdict: (r: DrServiceRecord) =>
    DR_VERDICTS.indexOf(r.verdict as (typeof DR_VERDICTS)[number]),
  achievedRpo: (r: DrServiceRecord) =>
    r.achievedRpoSeconds ?? Number.MAX_SAFE_INTEGER,
  measuredRto: (r: DrServiceRecord) =>
    r.measuredRtoSeconds ?? Number.MAX_SAFE_INTEGER,
  lastDrill: (r: DrServiceRecord) => r.lastDrillAt ?? '',
  attention: attentionKey,
} as const;

const overviewQuery = z.object({
  // Checked against the accepted values after parsing (checkOneOf, normalizeOwnerRefs).
  tier: list(z.string()),
  owner: list(z.string()),
  verdict: list(z.string()),
  cluster: list(z.string()),
  /** With `cluster`: match the cluster only in this role (see `clustersInRole`). */
  clusterRole: z
    .enum(['primary', 'recovery'], { error: 'use primary or recovery' })
    .optional(),
  strategy: list(z.string()),
  q: z.string().optional(),
  sort: z
    .string()
    .regex(
      new RegExp(`^(${Object.keys(SORT_FIELDS).join('|')})(:(asc|desc))?$`),
      `use one of ${Object.keys(SORT_FIELDS).join(
        ', ',
      )}, optionally with :asc or :desc`,
    )
    .optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  format: z.enum(['json', 'csv']).default('json'),
  /** How many of the matching services that need attention to add (`attention` in the answer). */
  attention: z.coerce
    .number({ error: 'use a whole number from 1 to 50' })
    .int('use a whole number from 1 to 50')
    .min(1, 'use a whole number from 1 to 50')
    .max(50, 'use a whole number from 1 to 50')
    .optional(),
});

/**
 * Sorts `records` in place by `key` (`sign` -1: descending), then by entity ref. Each key is
 * computed once, not at every comparison.
 */
function sortBy(
  records: DrServiceRecord[],
  key: (r: DrServiceRecord) => string | number,
  sign: 1 | -1,
) {
  const keyed = records.map(r => ({ k: key(r), r }));
  keyed.sort((a, b) => {
    if (a.k < b.k) return -sign;
    if (a.k > b.k) return sign;
    return a.r.entityRef < b.r.entityRef ? -1 : 1;
  });
  for (let i = 0; i < keyed.length; i++) records[i] = keyed[i].r;
}

/**
 * The first `limit` of the breached and at-risk services among `matching`, in the attention
 * order (`sort=attention`), and how many there are.
 */
function attentionOf(
  matching: readonly DrServiceRecord[],
  limit: number,
): { items: DrServiceRecord[]; totalCount: number } {
  const needing = matching.filter(
    r => r.verdict === 'breached' || r.verdict === 'at-risk',
  );
  sortBy(needing, attentionKey, 1);
  return { items: needing.slice(0, limit), totalCount: needing.length };
}

/**
 * The clusters of a service in a role: `primary`, where it runs now (its active cluster after a
 * failover, else its primary clusters); `recovery`, where it would go (after a failover the
 * cluster it left, else its recovery cluster); without a role, every cluster it names.
 */
function clustersInRole(
  r: DrServiceRecord,
  role: 'primary' | 'recovery' | undefined,
): readonly string[] {
  if (role === 'primary') {
    return r.activeCluster ? [r.activeCluster] : r.primaryClusters ?? [];
  }
  if (role === 'recovery') {
    if (r.activeCluster) return r.primaryClusters?.slice(0, 1) ?? [];
    return r.recoveryCluster ? [r.recoveryCluster] : [];
  }
  return r.clusters;
}

const overviewHistoryQuery = z.object({
  days: z.coerce
    .number({ error: 'use a whole number of days from 1 to 90' })
    .int('use a whole number of days from 1 to 90')
    .min(1, 'use a whole number of days from 1 to 90')
    .max(90, 'use a whole number of days from 1 to 90')
    .default(30),
});

/** The columns of the overview's CSV export, in order, with how each is read from a record. */
const CSV_COLUMNS: Array<[string, (r: DrServiceRecord) => unknown]> = [
  ['entity_ref', r => r.entityRef],
  ['name', r => r.name],
  ['title', r => r.title],
  ['owner', r => r.owner],
  ['system', r => r.system],
  ['tier', r => r.tier],
  ['strategy', r => r.strategy],
  ['verdict', r => r.verdict],
  ['first_reason', r => r.firstReason],
  ['rpo_target_seconds', r => r.rpoSeconds],
  ['achieved_rpo_seconds', r => r.achievedRpoSeconds],
  ['rto_target_seconds', r => r.rtoSeconds],
  ['measured_rto_seconds', r => r.measuredRtoSeconds],
  ['last_drill_at', r => r.lastDrillAt],
  ['newest_recovery_point_at', r => r.newestRecoveryPointAt],
  ['clusters', r => r.clusters.join(' ')],
  ['updated_at', r => r.updatedAt],
];

function count<K extends string>(
  records: DrServiceRecord[],
  key: (r: DrServiceRecord) => K | undefined,
) {
  const counts: Record<string, number> = {};
  for (const r of records) {
    const k = key(r);
    if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

// Counts by a key, each split by verdict: { [key]: { [verdict]: n } }.
function countByVerdict(
  records: DrServiceRecord[],
  key: (r: DrServiceRecord) => string | undefined,
) {
  const counts: Record<string, Record<string, number>> = {};
  for (const r of records) {
    const k = key(r);
    if (k !== undefined) {
      const byVerdict = (counts[k] ??= {});
      byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + 1;
    }
  }
  return counts;
}

function criticalRecoveryPoints(
  records: DrServiceRecord[],
): DrCriticalRecoveryPoints | undefined {
  const critical = records.filter(
    r => r.tierRank !== undefined && r.tierRank <= 1,
  );
  if (critical.length === 0) return undefined;
  let oldest: DrServiceRecord | undefined;
  for (const r of critical) {
    if (
      r.newestRecoveryPointAt &&
      (!oldest || r.newestRecoveryPointAt < oldest.newestRecoveryPointAt!)
    ) {
      oldest = r;
    }
  }
  return {
    services: critical.length,
    withoutRecoveryPoint: critical.filter(
      // An invalid declaration's service is exposed too when nothing of it can be recovered.
      r => !r.newestRecoveryPointAt,
    ).length,
    oldest: oldest && {
      entityRef: oldest.entityRef,
      name: oldest.name,
      tier: oldest.tier!,
      time: oldest.newestRecoveryPointAt!,
      achievedRpoSeconds: oldest.achievedRpoSeconds,
      rpoSeconds: oldest.rpoSeconds,
    },
  };
}

function facets(records: readonly DrServiceRecord[]): DrOverviewFacets {
  const tierRank = new Map<string, number>();
  const owner = new Set<string>();
  const cluster = new Set<string>();
  const strategy = new Set<string>();
  for (const r of records) {
    if (r.tier !== undefined) {
      tierRank.set(
        r.tier,
        Math.min(
          tierRank.get(r.tier) ?? Number.MAX_SAFE_INTEGER,
          r.tierRank ?? Number.MAX_SAFE_INTEGER,
        ),
      );
    }
    if (r.owner) owner.add(r.owner);
    if (r.strategy) strategy.add(r.strategy);
    for (const c of r.clusters) cluster.add(c);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return {
    tier: [...tierRank.keys()].sort(
      (a, b) => tierRank.get(a)! - tierRank.get(b)! || byName(a, b),
    ),
    owner: [...owner].sort(byName),
    cluster: [...cluster].sort(byName),
    strategy: [...strategy].sort(byName),
  };
}

/** What the overview tells of every readable service, whatever the filters. */
interface Summary {
  facets: DrOverviewFacets;
  /** RFC 3339: the newest `updatedAt`. */
  updatedAt?: string;
}

function summarize(records: readonly DrServiceRecord[]): Summary {
  return {
    facets: facets(records),
    updatedAt: records.reduce<string | undefined>(
      (m, r) => (!m || r.updatedAt > m ? r.updatedAt : m),
      undefined,
    ),
  };
}

// The summary of every stored service, while the store answers the same list (`listAll` keeps
// its array while the table is unchanged): a filter change does not walk every service for it.
const summaries = new WeakMap<readonly DrServiceRecord[], Summary>();

function summaryOf(stored: readonly DrServiceRecord[]): Summary {
  let summary = summaries.get(stored);
  if (!summary) {
    summary = summarize(stored);
    summaries.set(stored, summary);
  }
  return summary;
}

/**
 * Adds `GET /overview` and `GET /overview/history` (see `createRouter` for their shapes).
 */
export function addOverviewRoutes(
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
    /** The configured tier names, most critical first (`TierPolicies.names()`). */
    tiers: readonly string[];
  },
) {
  const { store, readableRefs, runState, tiers } = options;
  router.get('/overview/history', async (req, res) => {
    const query = parse(overviewHistoryQuery, req.query);
    const readable = await readableRefs(req);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(today) - (query.days - 1) * 86400_000)
      .toISOString()
      .slice(0, 10);
    const body: DrOverviewHistoryResponse = {
      days: await store.dailyVerdictCounts(from, today, readable),
    };
    res.json(body);
  });

  router.get('/overview', async (req, res) => {
    const parsed = parse(overviewQuery, req.query);
    checkOneOf('tier', parsed.tier, tiers, 'configured tier');
    checkOneOf('verdict', parsed.verdict, DR_VERDICTS, 'verdict');
    checkOneOf('strategy', parsed.strategy, DR_STRATEGIES, 'strategy');
    const query = {
      ...parsed,
      owner: normalizeOwnerRefs('owner', parsed.owner),
    };
    const [stored, health, readable] = await Promise.all([
      store.listAll(),
      store.clusterHealth(),
      readableRefs(req),
    ]);
    let records = await runState(stored);
    if (readable) {
      records = records.filter(r => readable.has(r.entityRef));
    }
    const summary = readable ? summarize(records) : summaryOf(stored);
    if (query.cluster) {
      // The clusters of the last refresh, and any a readable service names.
      const knownClusters = [
        ...new Set([...health.map(h => h.cluster), ...summary.facets.cluster]),
      ].sort((a, b) => a.localeCompare(b));
      checkOneOf('cluster', query.cluster, knownClusters, 'known cluster');
    }
    const q = query.q?.trim().toLocaleLowerCase('en-US');
    const filtered = records.filter(
      r =>
        (!query.tier ||
          (r.tier !== undefined && query.tier.includes(r.tier))) &&
        (!query.owner ||
          (r.owner !== undefined && query.owner.includes(r.owner))) &&
        (!query.verdict || query.verdict.includes(r.verdict)) &&
        (!query.strategy ||
          (r.strategy !== undefined &&
            query.strategy.includes(r.strategy as never))) &&
        (!query.cluster ||
          clustersInRole(r, query.clusterRole).some(c =>
            query.cluster!.includes(c),
          )) &&
        (!q ||
          r.name.toLocaleLowerCase('en-US').includes(q) ||
          (r.title ?? '').toLocaleLowerCase('en-US').includes(q)),
    );
    const [field, direction] = (query.sort ?? 'tier:asc').split(':') as [
      keyof typeof SORT_FIELDS,
      string?,
    ];
    sortBy(filtered, SORT_FIELDS[field], direction === 'desc' ? -1 : 1);
    if (query.format === 'csv') {
      res
        .type('text/csv')
        .attachment('disaster-recovery-overview.csv')
        .send(toCsv(CSV_COLUMNS, filtered));
      return;
    }
    const body: DrOverviewResponse = {
      items: filtered.slice(query.offset, query.offset + query.limit),
      totalCount: filtered.length,
      counts: {
        verdict: count(filtered, r => r.verdict),
        tier: count(filtered, r => r.tier),
        owner: count(filtered, r => r.owner),
        tierVerdict: countByVerdict(filtered, r => r.tier),
        ownerVerdict: countByVerdict(filtered, r => r.owner),
      },
      criticalRecoveryPoints: criticalRecoveryPoints(filtered),
      facets: summary.facets,
      ...(query.attention !== undefined && {
        attention: attentionOf(filtered, query.attention),
      }),
      updatedAt: summary.updatedAt,
    };
    res.json(body);
  });
}
