import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  DrClusterHealth,
  DrHistoryPoint,
  DrOverviewHistoryDay,
  DrServiceRecord,
  DrStorageLocationHealth,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { Knex } from 'knex';

type Row = {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  tier: string | null;
  tier_rank: number | null;
  strategy: string | null;
  verdict: string;
  first_reason: string | null;
  first_next_step: string | null;
  rpo_seconds: number | null;
  achieved_rpo_seconds: number | null;
  rto_seconds: number | null;
  measured_rto_seconds: number | null;
  last_drill_at: string | null;
  oldest_point_at: string | null;
  clusters: string | null;
  primary_clusters: string | null;
  recovery_cluster: string | null;
  status: string;
  updated_at: string;
};

const num = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);

function toRecord(row: Row, withDetails: boolean): DrServiceRecord {
  const details = withDetails ? JSON.parse(row.status) : undefined;
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    title: row.title ?? undefined,
    owner: row.owner ?? undefined,
    system: row.system ?? undefined,
    tier: row.tier ?? undefined,
    tierRank: num(row.tier_rank),
    strategy: row.strategy ?? undefined,
    verdict: row.verdict as DrVerdict,
    firstReason: row.first_reason ?? undefined,
    firstNextStep: row.first_next_step ?? undefined,
    rpoSeconds: num(row.rpo_seconds),
    achievedRpoSeconds: num(row.achieved_rpo_seconds),
    rtoSeconds: num(row.rto_seconds),
    measuredRtoSeconds: num(row.measured_rto_seconds),
    lastDrillAt: row.last_drill_at ?? undefined,
    newestRecoveryPointAt: row.oldest_point_at ?? undefined,
    clusters: row.clusters ? row.clusters.split(',') : [],
    primaryClusters: row.primary_clusters
      ? row.primary_clusters.split(',')
      : undefined,
    recoveryCluster: row.recovery_cluster ?? undefined,
    status: details?.status,
    problems: details?.problems,
    evidenceVerdict: details?.evidenceVerdict,
    activeCluster: details?.active?.cluster,
    activeSince: details?.active?.since,
    activeRunId: details?.active?.runId,
    updatedAt: row.updated_at,
  };
}

function toRow(record: DrServiceRecord): Row {
  return {
    entity_ref: record.entityRef,
    kind: record.kind,
    namespace: record.namespace,
    name: record.name,
    title: record.title ?? null,
    owner: record.owner ?? null,
    system: record.system ?? null,
    tier: record.tier ?? null,
    tier_rank: record.tierRank ?? null,
    strategy: record.strategy ?? null,
    verdict: record.verdict,
    first_reason: record.firstReason ?? null,
    first_next_step: record.firstNextStep ?? null,
    rpo_seconds: record.rpoSeconds ?? null,
    achieved_rpo_seconds: record.achievedRpoSeconds ?? null,
    rto_seconds: record.rtoSeconds ?? null,
    measured_rto_seconds: record.measuredRtoSeconds ?? null,
    last_drill_at: record.lastDrillAt ?? null,
    oldest_point_at: record.newestRecoveryPointAt ?? null,
    clusters: record.clusters.join(',') || null,
    primary_clusters: record.primaryClusters?.join(',') || null,
    recovery_cluster: record.recoveryCluster ?? null,
    status: JSON.stringify({
      status: record.status,
      problems: record.problems,
      evidenceVerdict: record.evidenceVerdict,
      active: record.activeCluster && {
        cluster: record.activeCluster,
        since: record.activeSince,
        runId: record.activeRunId,
      },
    }),
    updated_at: record.updatedAt,
  };
}

// The distinct storage locations in the records' statuses, with how many services use each, and
// which services use each.
function storageLocationsOf(records: DrServiceRecord[]) {
  const users: Array<{ cluster: string; name: string; entity_ref: string }> =
    [];
  const byKey = new Map<
    string,
    {
      cluster: string;
      name: string;
      phase: string;
      message: string | null;
      last_validation_time: string | null;
      services: number;
    }
  >();
  for (const record of records) {
    const seen = new Set<string>();
    for (const l of record.status?.storageLocations ?? []) {
      const key = `${l.cluster}/${l.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      users.push({
        cluster: l.cluster,
        name: l.name,
        entity_ref: record.entityRef,
      });
      const row = byKey.get(key);
      if (row) {
        row.services += 1;
      } else {
        byKey.set(key, {
          cluster: l.cluster,
          name: l.name,
          phase: l.phase,
          message: l.message ?? null,
          last_validation_time: l.lastValidationTime ?? null,
          services: 1,
        });
      }
    }
  }
  return { locations: [...byKey.values()], users };
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * The DR backend's storage in its plugin database (SQLite locally, PostgreSQL in production):
 * the last good status of every service, its compliance history, and cluster health. Survives
 * restarts.
 *
 * @public
 */
export class DrStatusStore {
  static async create(database: DatabaseService): Promise<DrStatusStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@backstage-dr/plugin-disaster-recovery-backend',
          'migrations',
        ),
      });
    }
    return new DrStatusStore(knex);
  }

  // The overview list, kept until a refresh (of any backend instance) changes the table.
  private overview?: { key: string; records: readonly DrServiceRecord[] };

  constructor(private readonly knex: Knex) {}

  /**
   * Replaces the status of every service with the result of one refresh, in one transaction:
   * rows of entities no longer in the result are removed, and a history point is added for each
   * service.
   */
  async replaceAll(
    records: DrServiceRecord[],
    recordedAt: string,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      const refs = new Set(records.map(r => r.entityRef));
      const existing: Array<{ entity_ref: string }> = await tx(
        'dr_service_status',
      ).select('entity_ref');
      const gone = existing
        .map(r => r.entity_ref)
        .filter(ref => !refs.has(ref));
      for (let i = 0; i < gone.length; i += 500) {
        await tx('dr_service_status')
          .whereIn('entity_ref', gone.slice(i, i + 500))
          .delete();
      }
      // Rows (with their status JSON) are made a batch at a time, not all at once.
      for (let i = 0; i < records.length; i += 200) {
        await tx('dr_service_status')
          .insert(records.slice(i, i + 200).map(toRow))
          .onConflict('entity_ref')
          .merge();
      }
      await tx('dr_storage_location').delete();
      await tx('dr_storage_location_service').delete();
      const { locations, users } = storageLocationsOf(records);
      for (let i = 0; i < locations.length; i += 200) {
        await tx('dr_storage_location').insert(locations.slice(i, i + 200));
      }
      for (let i = 0; i < users.length; i += 500) {
        await tx('dr_storage_location_service').insert(users.slice(i, i + 500));
      }
      const history = records.map(r => ({
        entity_ref: r.entityRef,
        recorded_at: recordedAt,
        resolution: 'refresh',
        verdict: r.verdict,
        achieved_rpo_seconds: r.achievedRpoSeconds ?? null,
      }));
      for (let i = 0; i < history.length; i += 500) {
        await tx('dr_status_history').insert(history.slice(i, i + 500));
      }
    });
  }

  /** The stored status of one entity with its details, or undefined. */
  async get(entityRef: string): Promise<DrServiceRecord | undefined> {
    const row = await this.knex<Row>('dr_service_status')
      .where({ entity_ref: entityRef })
      .first();
    return row ? toRecord(row, true) : undefined;
  }

  /**
   * The stored statuses of several entities with their details, in no particular order; refs
   * without a stored status are left out. Read 500 refs a query.
   */
  async getMany(entityRefs: readonly string[]): Promise<DrServiceRecord[]> {
    const records: DrServiceRecord[] = [];
    for (let i = 0; i < entityRefs.length; i += 500) {
      const rows = await this.knex<Row>('dr_service_status').whereIn(
        'entity_ref',
        entityRefs.slice(i, i + 500),
      );
      records.push(...rows.map(row => toRecord(row, true)));
    }
    return records;
  }

  /**
   * Every stored service without details (for the overview). Answered from memory while the table
   * is unchanged (same newest `updated_at` and row count), so the overview does not read every row
   * on every request. The array is shared: callers must not change it.
   */
  async listAll(): Promise<readonly DrServiceRecord[]> {
    const stamp = await this.knex('dr_service_status')
      .max({ latest: 'updated_at' })
      .count({ total: '*' })
      .first();
    const key = `${stamp?.latest}/${stamp?.total}`;
    if (this.overview?.key === key) {
      return this.overview.records;
    }
    const rows = await this.knex<Row>('dr_service_status').select(
      'entity_ref',
      'kind',
      'namespace',
      'name',
      'title',
      'owner',
      'system',
      'tier',
      'tier_rank',
      'strategy',
      'verdict',
      'first_reason',
      'first_next_step',
      'rpo_seconds',
      'achieved_rpo_seconds',
      'rto_seconds',
      'measured_rto_seconds',
      'last_drill_at',
      'oldest_point_at',
      'clusters',
      'primary_clusters',
      'recovery_cluster',
      'updated_at',
    );
    const records = rows.map(row => toRecord({ ...row, status: '{}' }, false));
    this.overview = { key, records };
    return records;
  }

  /** A service's history between two RFC 3339 times, oldest first. */
  async history(
    entityRef: string,
    from: string,
    to: string,
  ): Promise<DrHistoryPoint[]> {
    const rows = await this.knex('dr_status_history')
      .where({ entity_ref: entityRef })
      .andWhere('recorded_at', '>=', from)
      .andWhere('recorded_at', '<=', to)
      .orderBy('recorded_at', 'asc');
    return rows.map(r => ({
      time: r.recorded_at,
      resolution: r.resolution,
      verdict: r.verdict,
      achievedRpoSeconds: num(r.achieved_rpo_seconds) ?? null,
    }));
  }

  /**
   * The compliance trend of every service, one entry a UTC day from `fromDay` to `toDay`
   * (inclusive, `YYYY-MM-DD`), oldest first: per day, each service's last history point of that
   * day, counted by verdict. Compaction keeps the last point of every hour and day, so the counts
   * are the same before and after it. Days without history have empty counts.
   *
   * @param readable - when given, only these entity refs count (the caller may read only them)
   */
  async dailyVerdictCounts(
    fromDay: string,
    toDay: string,
    readable?: ReadonlySet<string>,
  ): Promise<DrOverviewHistoryDay[]> {
    const days: DrOverviewHistoryDay[] = [];
    const byDay = new Map<string, DrOverviewHistoryDay>();
    for (
      let t = Date.parse(`${fromDay}T00:00:00Z`);
      t <= Date.parse(`${toDay}T00:00:00Z`);
      t += DAY
    ) {
      const day = {
        date: new Date(t).toISOString().slice(0, 10),
        counts: {},
        total: 0,
      };
      days.push(day);
      byDay.set(day.date, day);
    }
    if (days.length === 0) {
      return days;
    }
    const end = new Date(Date.parse(`${toDay}T00:00:00Z`) + DAY)
      .toISOString()
      .slice(0, 10);
    const dayOf = this.knex.raw('substr(recorded_at, 1, 10)');
    // Per service and day, the time of its last point.
    const last = this.knex('dr_status_history')
      .select('entity_ref', { day: dayOf })
      .max({ last_at: 'recorded_at' })
      .where('recorded_at', '>=', fromDay)
      .andWhere('recorded_at', '<', end)
      .groupBy('entity_ref', dayOf)
      .as('last');
    const points = this.knex({ h: 'dr_status_history' }).join(last, join =>
      join
        .on('h.entity_ref', '=', 'last.entity_ref')
        .andOn('h.recorded_at', '=', 'last.last_at'),
    );
    const add = (date: string, verdict: DrVerdict, n: number) => {
      const day = byDay.get(date);
      if (day) {
        day.counts[verdict] = (day.counts[verdict] ?? 0) + n;
        day.total += n;
      }
    };
    if (readable) {
      const rows: Array<{ day: string; entity_ref: string; verdict: string }> =
        await points.select('last.day', 'h.entity_ref', 'h.verdict');
      for (const row of rows) {
        if (readable.has(row.entity_ref)) {
          add(row.day, row.verdict as DrVerdict, 1);
        }
      }
    } else {
      const rows: Array<{ day: string; verdict: string; n: unknown }> =
        await points
          .select('last.day', 'h.verdict')
          .count({ n: '*' })
          .groupBy('last.day', 'h.verdict');
      for (const row of rows) {
        add(row.day, row.verdict as DrVerdict, Number(row.n));
      }
    }
    return days;
  }

  /**
   * Compacts the history: points older than a day keep the last of each hour, points older than a
   * week the last of each day. Cutoffs fall on whole hours and days, so a bucket is compacted
   * once, whole; each pass reads only the points not yet compacted to that resolution (so a
   * refresh does not re-read the week of history).
   *
   * @returns the number of points removed
   */
  async compactHistory(now: Date): Promise<number> {
    const hourCutoff = new Date(
      Math.floor((now.getTime() - DAY) / HOUR) * HOUR,
    );
    const dayCutoff = new Date(
      Math.floor((now.getTime() - 7 * DAY) / DAY) * DAY,
    );
    let removed = 0;
    await this.knex.transaction(async tx => {
      removed += await this.compactBefore(
        tx,
        hourCutoff.toISOString(),
        ['refresh'],
        13,
        'hour',
      );
      removed += await this.compactBefore(
        tx,
        dayCutoff.toISOString(),
        ['refresh', 'hour'],
        10,
        'day',
      );
    });
    return removed;
  }

  // Keeps, per entity and bucket (the first `prefix` characters of the RFC 3339 time: 13 = hour,
  // 10 = day), the newest of the points before `cutoff` whose resolution is in `from`, marked with
  // `resolution`; deletes the others.
  private async compactBefore(
    tx: Knex.Transaction,
    cutoff: string,
    from: string[],
    prefix: number,
    resolution: 'hour' | 'day',
  ): Promise<number> {
    const rows: Array<{ id: number; entity_ref: string; recorded_at: string }> =
      await tx('dr_status_history')
        .select('id', 'entity_ref', 'recorded_at')
        .where('recorded_at', '<', cutoff)
        .whereIn('resolution', from)
        .orderBy('recorded_at', 'desc');
    const kept = new Set<string>();
    const remove: number[] = [];
    const mark: number[] = [];
    for (const row of rows) {
      const bucket = `${row.entity_ref}@${row.recorded_at.slice(0, prefix)}`;
      if (kept.has(bucket)) {
        remove.push(row.id);
      } else {
        kept.add(bucket);
        mark.push(row.id);
      }
    }
    for (let i = 0; i < remove.length; i += 500) {
      await tx('dr_status_history')
        .whereIn('id', remove.slice(i, i + 500))
        .delete();
    }
    for (let i = 0; i < mark.length; i += 500) {
      await tx('dr_status_history')
        .whereIn('id', mark.slice(i, i + 500))
        .update({ resolution });
    }
    return remove.length;
  }

  /** Stores the health of every cluster read by a refresh, replacing what was there. */
  async replaceClusterHealth(
    health: DrClusterHealth[],
    updatedAt: string,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      await tx('dr_cluster_health').delete();
      if (health.length > 0) {
        await tx('dr_cluster_health').insert(
          health.map(h => ({
            cluster: h.cluster,
            health: JSON.stringify(h),
            updated_at: updatedAt,
          })),
        );
      }
    });
  }

  /** The health of every cluster, by name. */
  async clusterHealth(): Promise<DrClusterHealth[]> {
    const rows = await this.knex('dr_cluster_health').orderBy('cluster');
    return rows.map(r => JSON.parse(r.health));
  }

  /**
   * The BackupStorageLocations that the services of the last refresh use, with their phase and
   * how many services use each, by cluster and name.
   *
   * @param readable - when given, only these services (entity refs) are counted, and a location
   *   none of them uses is left out; undefined: every service
   */
  async storageLocations(
    readable?: ReadonlySet<string>,
  ): Promise<DrStorageLocationHealth[]> {
    const rows = await this.knex('dr_storage_location').orderBy([
      'cluster',
      'name',
    ]);
    let counts: Map<string, number> | undefined;
    if (readable) {
      counts = new Map();
      const refs = [...readable];
      // In chunks, so the query stays within the databases' limits on bound parameters.
      for (let i = 0; i < refs.length; i += 500) {
        const chunk = await this.knex('dr_storage_location_service')
          .whereIn('entity_ref', refs.slice(i, i + 500))
          .groupBy('cluster', 'name')
          .select('cluster', 'name')
          .count({ services: '*' });
        for (const c of chunk as Array<{
          cluster: string;
          name: string;
          services: number | string;
        }>) {
          const key = `${c.cluster}/${c.name}`;
          counts.set(key, (counts.get(key) ?? 0) + Number(c.services));
        }
      }
    }
    return rows
      .map(r => ({
        cluster: r.cluster,
        name: r.name,
        phase: r.phase,
        message: r.message ?? undefined,
        lastValidationTime: r.last_validation_time ?? undefined,
        services: counts
          ? counts.get(`${r.cluster}/${r.name}`) ?? 0
          : Number(r.services),
      }))
      .filter(l => l.services > 0);
  }
}
