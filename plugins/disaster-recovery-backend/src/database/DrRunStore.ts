import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  DrRun,
  DrRunOptions,
  DrRunState,
  DrRunStep,
  DrRunType,
  DrStrategy,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { randomBytes } from 'node:crypto';
import { Knex } from 'knex';
import { readTime } from './time';

/** The states in which a run is active (holds its entity's lock). */
export const ACTIVE_RUN_STATES: DrRunState[] = [
  'pending',
  'running',
  'waiting',
  'cancelling',
];
/** The states in which a run needs an executor (waiting runs wait for a person). */
const EXECUTABLE_STATES: DrRunState[] = ['pending', 'running', 'cancelling'];
const FINAL_STATES: DrRunState[] = ['completed', 'failed', 'cancelled'];

/** What a new run is created with. */
export interface NewDrRun {
  type: DrRunType;
  entityRef: string;
  strategy: DrStrategy;
  fromCluster: string;
  toCluster: string;
  options: DrRunOptions;
  dataLossWindowSeconds: number | null;
  createdBy: string;
  /** Makes the drill namespace from the new run's id. */
  drillNamespace?: (runId: string) => string;
  steps: DrRunStep[];
}

/** A stored run with the bookkeeping of its execution. */
export interface DrRunEntry {
  run: DrRun;
  /** When the first step after the fence started: the run can no longer be cancelled. */
  promoteStartedAt?: string;
  cancelRequestedBy?: string;
  leaseOwner?: string;
  leaseExpiresAt?: string;
}

/** The fields of a run an executor changes. */
export interface DrRunPatch {
  state?: DrRunState;
  steps?: DrRunStep[];
  endedAt?: Date;
  verifiedAt?: Date;
  measuredRtoSeconds?: number;
  error?: string;
  promoteStartedAt?: Date;
}

/** What a completed run tells about its entity: drill evidence and the active cluster. */
export interface DrCompletedRun {
  id: string;
  type: DrRunType;
  entityRef: string;
  fromCluster: string;
  toCluster: string;
  createdAt: string;
  endedAt?: string;
  verifiedAt?: string;
}

type RunRow = {
  id: string;
  type: string;
  entity_ref: string;
  state: string;
  strategy: string;
  from_cluster: string;
  to_cluster: string;
  options: string;
  data_loss_window_seconds: unknown;
  created_by: string;
  created_at: unknown;
  ended_at: unknown;
  verified_at: unknown;
  measured_rto_seconds: unknown;
  traffic_confirmed_by: string | null;
  traffic_confirmed_at: unknown;
  drill_namespace: string | null;
  error: string | null;
  steps: string;
  promote_started_at: unknown;
  cancel_requested_by: string | null;
  lease_owner: string | null;
  lease_expires_at: unknown;
  updated_at: unknown;
};

const num = (v: unknown) =>
  v === null || v === undefined ? undefined : Number(v);

function toEntry(row: RunRow): DrRunEntry {
  const run: DrRun = {
    id: row.id,
    type: row.type as DrRunType,
    entityRef: row.entity_ref,
    state: row.state as DrRunState,
    strategy: row.strategy as DrStrategy,
    fromCluster: row.from_cluster,
    toCluster: row.to_cluster,
    options: JSON.parse(row.options),
    dataLossWindowSeconds: num(row.data_loss_window_seconds) ?? null,
    createdBy: row.created_by,
    createdAt: readTime(row.created_at)!,
    endedAt: readTime(row.ended_at),
    verifiedAt: readTime(row.verified_at),
    measuredRtoSeconds: num(row.measured_rto_seconds),
    trafficConfirmedBy: row.traffic_confirmed_by ?? undefined,
    trafficConfirmedAt: readTime(row.traffic_confirmed_at),
    drillNamespace: row.drill_namespace ?? undefined,
    steps: JSON.parse(row.steps),
    error: row.error ?? undefined,
  };
  for (const key of Object.keys(run) as Array<keyof DrRun>) {
    if (run[key] === undefined) delete run[key];
  }
  return {
    run,
    promoteStartedAt: readTime(row.promote_started_at),
    cancelRequestedBy: row.cancel_requested_by ?? undefined,
    leaseOwner: row.lease_owner ?? undefined,
    leaseExpiresAt: readTime(row.lease_expires_at),
  };
}

function patchRow(patch: DrRunPatch): Partial<Record<keyof RunRow, unknown>> {
  const row: Partial<Record<keyof RunRow, unknown>> = {};
  if (patch.state !== undefined) row.state = patch.state;
  if (patch.steps !== undefined) row.steps = JSON.stringify(patch.steps);
  if (patch.endedAt !== undefined) row.ended_at = patch.endedAt;
  if (patch.verifiedAt !== undefined) row.verified_at = patch.verifiedAt;
  if (patch.measuredRtoSeconds !== undefined)
    row.measured_rto_seconds = patch.measuredRtoSeconds;
  if (patch.error !== undefined) row.error = patch.error;
  if (patch.promoteStartedAt !== undefined)
    row.promote_started_at = patch.promoteStartedAt;
  return row;
}

/** A unique or primary key violation, as PostgreSQL, SQLite and MySQL report it. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'ER_DUP_ENTRY'
  );
}

/** A short random run id: 12 characters of [a-z0-9], usable in Kubernetes names. */
export function newRunId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(12)].map(b => alphabet[b % 36]).join('');
}

/** Why a cancel was refused. */
export type DrCancelResult =
  | { result: 'cancelling'; entry: DrRunEntry }
  | { result: 'refused'; reason: 'ended' | 'after-promote'; entry: DrRunEntry }
  | { result: 'not-found' };

/**
 * The drill, failover and failback runs in the plugin's database. At most one active run per
 * entity is enforced by the database (`dr_run_lock`, primary key `entity_ref`, inserted in the
 * run's transaction, deleted in the transaction that ends it), and a run is executed by the
 * backend instance that holds its lease: every change an executor makes is conditional on
 * `lease_owner`, and a lease is claimed with one conditional UPDATE, so two instances never
 * execute the same run.
 *
 * @public
 */
export class DrRunStore {
  static async create(database: DatabaseService): Promise<DrRunStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({
        directory: resolvePackagePath(
          '@backstage-dr/plugin-disaster-recovery-backend',
          'migrations',
        ),
      });
    }
    return new DrRunStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  /**
   * Creates a run in state `pending` and takes its entity's lock in the same transaction.
   *
   * @throws ConflictError when the entity already has an active run (naming it)
   */
  async create(input: NewDrRun, now: Date): Promise<DrRun> {
    const id = newRunId();
    try {
      await this.knex.transaction(async tx => {
        await tx('dr_run').insert({
          id,
          type: input.type,
          entity_ref: input.entityRef,
          state: 'pending',
          strategy: input.strategy,
          from_cluster: input.fromCluster,
          to_cluster: input.toCluster,
          options: JSON.stringify(input.options),
          data_loss_window_seconds: input.dataLossWindowSeconds,
          created_by: input.createdBy,
          created_at: now,
          drill_namespace: input.drillNamespace?.(id) ?? null,
          steps: JSON.stringify(input.steps),
          updated_at: now,
        });
        await tx('dr_run_lock').insert({
          entity_ref: input.entityRef,
          run_id: id,
          created_at: now,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw await this.activeRunConflict(input.entityRef);
      }
      throw error;
    }
    return (await this.get(id))!.run;
  }

  /** The 409 for a second run of an entity, naming the active run. */
  async activeRunConflict(entityRef: string): Promise<ConflictError> {
    const active = await this.activeRun(entityRef);
    return new ConflictError(
      active
        ? `${entityRef} already has an active ${active.type} run ${active.id} (${active.state}); wait for it to end or cancel it`
        : `${entityRef} already has an active run`,
    );
  }

  async get(id: string): Promise<DrRunEntry | undefined> {
    const row = await this.knex<RunRow>('dr_run').where({ id }).first();
    return row ? toEntry(row) : undefined;
  }

  /** The runs of an entity, newest first. */
  async list(entityRef: string, limit: number): Promise<DrRun[]> {
    const rows = await this.knex<RunRow>('dr_run')
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(r => toEntry(r).run);
  }

  /** The entity's active run (the one holding its lock), if any. */
  async activeRun(entityRef: string): Promise<DrRun | undefined> {
    const row = await this.knex<RunRow>('dr_run')
      .whereIn(
        'id',
        this.knex('dr_run_lock')
          .select('run_id')
          .where({ entity_ref: entityRef }),
      )
      .first();
    return row ? toEntry(row).run : undefined;
  }

  /** Every active run, without steps, by entity. */
  async activeRuns(): Promise<
    Map<string, { id: string; type: DrRunType; state: DrRunState }>
  > {
    const rows: Array<{
      id: string;
      type: string;
      state: string;
      entity_ref: string;
    }> = await this.knex('dr_run')
      .join('dr_run_lock', 'dr_run_lock.run_id', 'dr_run.id')
      .select('dr_run.id', 'dr_run.type', 'dr_run.state', 'dr_run.entity_ref');
    return new Map(
      rows.map(r => [
        r.entity_ref,
        { id: r.id, type: r.type as DrRunType, state: r.state as DrRunState },
      ]),
    );
  }

  /**
   * The completed runs (without steps), oldest first, of one entity or of every entity: drill
   * evidence, and the failovers and failbacks that decide the active cluster.
   */
  async completedRuns(
    entityRef?: string,
    types?: DrRunType[],
  ): Promise<DrCompletedRun[]> {
    const query = this.knex('dr_run')
      .select(
        'id',
        'type',
        'entity_ref',
        'from_cluster',
        'to_cluster',
        'created_at',
        'ended_at',
        'verified_at',
      )
      .where({ state: 'completed' })
      .orderBy([
        { column: 'ended_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (entityRef) query.andWhere({ entity_ref: entityRef });
    if (types) query.whereIn('type', types);
    const rows = await query;
    return rows.map(r => ({
      id: r.id,
      type: r.type,
      entityRef: r.entity_ref,
      fromCluster: r.from_cluster,
      toCluster: r.to_cluster,
      createdAt: readTime(r.created_at)!,
      endedAt: readTime(r.ended_at),
      verifiedAt: readTime(r.verified_at),
    }));
  }

  /**
   * Claims up to `limit` runs that need an executor and whose lease is free or expired, for
   * `owner` until `now + leaseMs`. Each claim is one conditional UPDATE: of several instances
   * claiming the same run at once, exactly one gets it.
   *
   * @returns the ids of the runs claimed
   */
  async claim(
    owner: string,
    now: Date,
    leaseMs: number,
    limit: number,
  ): Promise<string[]> {
    if (limit <= 0) return [];
    const free = (q: Knex.QueryBuilder) =>
      q
        .whereIn('state', EXECUTABLE_STATES)
        .andWhere(w =>
          w.whereNull('lease_expires_at').orWhere('lease_expires_at', '<', now),
        );
    const candidates: Array<{ id: string }> = await free(
      this.knex('dr_run').select('id'),
    )
      .orderBy('created_at', 'asc')
      .limit(limit);
    const claimed: string[] = [];
    for (const { id } of candidates) {
      const count = await free(this.knex('dr_run').where({ id })).update({
        lease_owner: owner,
        lease_expires_at: new Date(now.getTime() + leaseMs),
      });
      if (count === 1) claimed.push(id);
    }
    return claimed;
  }

  /** Extends `owner`'s lease of a run; false when it no longer holds it. */
  async renewLease(
    id: string,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<boolean> {
    const count = await this.knex('dr_run')
      .where({ id, lease_owner: owner })
      .update({ lease_expires_at: new Date(now.getTime() + leaseMs) });
    return count === 1;
  }

  /** Gives up `owner`'s lease of a run, so that any instance may claim it at once. */
  async releaseLease(id: string, owner: string): Promise<void> {
    await this.knex('dr_run')
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  /**
   * Changes a run as its executor, when `owner` still holds its lease (and the run is in one of
   * `fromStates`, when given), renewing the lease. A final state releases the entity's lock in
   * the same transaction; `releaseLease` gives up the lease with the change.
   *
   * @returns false when the lease or the state did not match (nothing changed)
   */
  async update(
    id: string,
    owner: string,
    patch: DrRunPatch,
    options: {
      now: Date;
      leaseMs: number;
      fromStates?: DrRunState[];
      releaseLease?: boolean;
    },
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const query = tx('dr_run').where({ id, lease_owner: owner });
      if (options.fromStates) query.whereIn('state', options.fromStates);
      const count = await query.update({
        ...patchRow(patch),
        updated_at: options.now,
        ...(options.releaseLease
          ? { lease_owner: null, lease_expires_at: null }
          : {
              lease_expires_at: new Date(
                options.now.getTime() + options.leaseMs,
              ),
            }),
      });
      if (count !== 1) return false;
      if (patch.state && FINAL_STATES.includes(patch.state)) {
        await tx('dr_run_lock').where({ run_id: id }).delete();
      }
      return true;
    });
  }

  /**
   * Records the traffic confirmation of a run waiting at its traffic gate and puts it back to
   * `running` for an executor.
   *
   * @returns the run, or undefined when it is not waiting
   */
  async confirm(id: string, by: string, now: Date): Promise<DrRun | undefined> {
    const count = await this.knex('dr_run')
      .where({ id, state: 'waiting' })
      .update({
        state: 'running',
        traffic_confirmed_by: by,
        traffic_confirmed_at: now,
        updated_at: now,
      });
    return count === 1 ? (await this.get(id))!.run : undefined;
  }

  /**
   * Asks for a run to be cancelled: allowed while no step after the fence has started (the
   * executor then undoes the fence). One conditional UPDATE against the executor's own, which
   * marks the promote as started: whichever comes first wins.
   */
  async requestCancel(
    id: string,
    by: string,
    now: Date,
  ): Promise<DrCancelResult> {
    await this.knex('dr_run')
      .where({ id })
      .whereIn('state', ['pending', 'running'])
      .whereNull('promote_started_at')
      .update({
        state: 'cancelling',
        cancel_requested_by: by,
        updated_at: now,
      });
    const entry = await this.get(id);
    if (!entry) return { result: 'not-found' };
    if (entry.run.state === 'cancelling') {
      return { result: 'cancelling', entry };
    }
    if (FINAL_STATES.includes(entry.run.state)) {
      return { result: 'refused', reason: 'ended', entry };
    }
    return { result: 'refused', reason: 'after-promote', entry };
  }
}
