import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createPermissionIntegrationRouter } from '@backstage/plugin-permission-node';
import {
  DR_STRATEGIES,
  DR_VERDICTS,
  drPermissions,
  drStatusRefreshPermission,
  DrClusterOverview,
  DrCriticalRecoveryPoints,
  DrOverviewFacets,
  DrOverviewHistoryResponse,
  DrOverviewResponse,
  DrServiceRecord,
} from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DrRunStore } from '../database/DrRunStore';
import { DrStatusStore } from '../database/DrStatusStore';
import { RunService } from '../runs/RunService';
import { addRunRoutes, withRunState } from './runRoutes';

/** The id of the scheduled refresh task. */
export const REFRESH_TASK_ID = 'disaster-recovery-refresh';

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
} as const;

const list = (item: z.ZodType<string>) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform(v => (v === undefined || Array.isArray(v) ? v : [v]));

const overviewQuery = z.object({
  tier: list(z.string().min(1)),
  owner: list(z.string().min(1)),
  verdict: list(z.enum(DR_VERDICTS)),
  cluster: list(z.string().min(1)),
  strategy: list(z.enum(DR_STRATEGIES)),
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
});

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

// One CSV field (RFC 4180): quoted when needed; a text that a spreadsheet would run as a formula
// (=, +, -, @ first) is prefixed with a single quote.
function csvField(value: unknown): string {
  if (value === undefined || value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(records: DrServiceRecord[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const r of records) {
    lines.push(CSV_COLUMNS.map(([, read]) => csvField(read(r))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

const historyQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      `${issue.path.join('.') || 'query'}: ${issue.message}`,
    );
  }
  return result.data;
}

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

/**
 * The DR backend's HTTP API, mounted at `/api/disaster-recovery`:
 *
 * - `GET /entities/:kind/:namespace/:name/status`: the entity's stored `DrServiceRecord` with its
 *   `status` (`DrStatus`) or `problems`; 404 when the caller may not read the entity or no
 *   refresh has judged it yet.
 * - `GET /entities/:kind/:namespace/:name/history?from&to`: `{ items: DrHistoryPoint[] }`, RFC 3339
 *   bounds, default the last 30 days.
 * - `GET /overview?tier&owner&verdict&cluster&strategy&q&sort&offset&limit&format`:
 *   `DrOverviewResponse` (`{ items, totalCount, counts: { verdict, tier, owner, tierVerdict,
 *   ownerVerdict }, criticalRecoveryPoints, facets, updatedAt }`) over the services the caller
 *   may read; filters repeat for several values (any matches); `q` searches name and title, case
 *   insensitive; `sort` is `<field>[:asc|desc]`; `limit` ≤ 500 (default 50). Items carry no
 *   details. Counts and `criticalRecoveryPoints` are over every matching service, `facets` over
 *   every readable one. With `format=csv`: every matching service (no paging) as `text/csv`, one
 *   row a service, durations in seconds, times in RFC 3339 (columns: see `CSV_COLUMNS`).
 * - `GET /overview/history?days`: `DrOverviewHistoryResponse`, the last `days` UTC days
 *   (1 to 90, default 30, today included), oldest first: per day, the readable services counted by
 *   their last verdict of that day.
 * - `GET /clusters`: `{ items: DrClusterOverview[] }`: per cluster its health (reachable,
 *   providers, read errors) and the BackupStorageLocations on it that services use, with their
 *   phase and how many services use each.
 * - `POST /refresh`: starts a refresh now (permission `disaster-recovery.status.refresh`);
 *   202 `{ accepted: true }`.
 * - `/runs`: drills, failovers and failbacks, when `runs` is given (see `addRunRoutes`).
 *
 * Records carry the entity's active run and active cluster as the runs are now.
 *
 * Bad query parameters answer 400 naming the parameter and the accepted form.
 *
 * @public
 */
export async function createRouter(options: {
  store: DrStatusStore;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  scheduler: SchedulerService;
  /** The runs API; without it there is no `/runs` and records carry no run state. */
  runs?: {
    service: RunService;
    store: DrRunStore;
    auditor: AuditorService;
  };
}): Promise<express.Router> {
  const { store, httpAuth, permissions, catalog, scheduler, runs } = options;
  const router = Router();
  router.use(express.json());
  router.use(createPermissionIntegrationRouter({ permissions: drPermissions }));
  if (runs) {
    addRunRoutes(router, {
      runs: runs.service,
      runStore: runs.store,
      httpAuth,
      permissions,
      auditor: runs.auditor,
    });
  }
  const runState = <T extends DrServiceRecord>(
    records: readonly T[],
    entityRef?: string,
  ): Promise<readonly T[]> =>
    runs
      ? withRunState(runs.store, records, entityRef)
      : Promise.resolve(records);

  async function readableEntity(req: express.Request) {
    const { kind, namespace, name } = req.params;
    const entityRef = stringifyEntityRef({ kind, namespace, name });
    const credentials = await httpAuth.credentials(req);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    return entityRef;
  }

  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const entityRef = await readableEntity(req);
    const record = await store.get(entityRef);
    if (!record) {
      throw new NotFoundError(
        `No DR status for ${entityRef} yet: it has not been judged by a refresh`,
      );
    }
    const [current] = await runState([record], entityRef);
    res.json(current);
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const entityRef = await readableEntity(req);
    const query = parse(historyQuery, req.query);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from
      ? new Date(query.from)
      : new Date(to.getTime() - 30 * 86400_000);
    if (from > to) {
      throw new InputError('from: must not be after to');
    }
    res.json({
      items: await store.history(
        entityRef,
        from.toISOString(),
        to.toISOString(),
      ),
    });
  });

  // Which services the caller may read: every one (undefined), none, or these entity refs.
  async function readableRefs(
    req: express.Request,
  ): Promise<ReadonlySet<string> | undefined> {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      return new Set();
    }
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      const { items } = await catalog.getEntities(
        { fields: ['kind', 'metadata.namespace', 'metadata.name'] },
        { credentials },
      );
      return new Set(items.map(e => stringifyEntityRef(e)));
    }
    return undefined;
  }

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
    const query = parse(overviewQuery, req.query);
    let records = await runState(await store.listAll());
    const readable = await readableRefs(req);
    if (readable) {
      records = records.filter(r => readable.has(r.entityRef));
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
        (!query.cluster || r.clusters.some(c => query.cluster!.includes(c))) &&
        (!q ||
          r.name.toLocaleLowerCase('en-US').includes(q) ||
          (r.title ?? '').toLocaleLowerCase('en-US').includes(q)),
    );
    const [field, direction] = (query.sort ?? 'tier:asc').split(':') as [
      keyof typeof SORT_FIELDS,
      string?,
    ];
    const key = SORT_FIELDS[field];
    const sign = direction === 'desc' ? -1 : 1;
    filtered.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka < kb) return -sign;
      if (ka > kb) return sign;
      return a.entityRef < b.entityRef ? -1 : 1;
    });
    if (query.format === 'csv') {
      res
        .type('text/csv')
        .attachment('disaster-recovery-overview.csv')
        .send(toCsv(filtered));
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
      facets: facets(records),
      updatedAt: records.reduce<string | undefined>(
        (m, r) => (!m || r.updatedAt > m ? r.updatedAt : m),
        undefined,
      ),
    };
    res.json(body);
  });

  router.get('/clusters', async (_req, res) => {
    const [health, locations] = await Promise.all([
      store.clusterHealth(),
      store.storageLocations(),
    ]);
    const items: DrClusterOverview[] = health.map(h => ({
      ...h,
      storageLocations: locations.filter(l => l.cluster === h.cluster),
    }));
    res.json({ items });
  });

  router.post('/refresh', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission: drStatusRefreshPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not refresh the DR status');
    }
    await scheduler.triggerTask(REFRESH_TASK_ID);
    res.status(202).json({ accepted: true });
  });

  return router;
}
