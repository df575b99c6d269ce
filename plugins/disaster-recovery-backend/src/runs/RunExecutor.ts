import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  DrDeclaration,
  DrRun,
  DrRunStep,
  DrServiceTarget,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DrRunEntry, DrRunPatch, DrRunStore } from '../database/DrRunStore';
import {
  STEPS_BEFORE_PROMOTE,
  VERIFY_STEP,
  appendLog,
  appendObject,
} from './stepRecords';
import {
  KubeWriter,
  RunStepContext,
  RunStepDefinition,
  RunStepLimits,
} from './types';

/** What the steps of a run read about its entity. */
export interface RunInputs {
  entity: Entity;
  declaration: DrDeclaration;
  target: DrServiceTarget;
  status?: DrStatus;
}

/** Options of {@link RunExecutor}. */
export interface RunExecutorOptions {
  store: DrRunStore;
  steps: RunStepDefinition[];
  kube: KubeWriter;
  /** The entity, declaration, target and status of a run's entity; throws when unusable. */
  inputs: (run: DrRun) => Promise<RunInputs>;
  limits: RunStepLimits;
  /** How long a claimed run stays this instance's without a renewal. */
  leaseMs: number;
  /** How often free runs are looked for. */
  pollIntervalMs: number;
  logger: LoggerService;
  auditor?: AuditorService;
  /** GETs a URL and resolves with the HTTP status (the health URL). */
  httpStatus?: (url: string) => Promise<number>;
  now?: () => Date;
  /** This backend instance's id in leases; default host, process and a random part. */
  instanceId?: string;
  /** Runs executed at the same time by this instance. Default 8. */
  maxConcurrentRuns?: number;
  /**
   * On shutdown, how long to wait for step calls in progress before leaving their runs to
   * another instance (their leases then expire). Default the smaller of 5 s and half the lease.
   */
  shutdownGraceMs?: number;
  /** Called once a run has ended (completed, failed or cancelled). */
  onRunEnded?: (run: DrRun) => void;
}

type CallResult = 'next' | 'stop';

const iso = (d: Date) => d.toISOString();

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The entity is gone or its declaration unusable: the run cannot go on (not a passing outage). */
function isPermanent(error: unknown): boolean {
  const name = (error as Error)?.name;
  return name === 'NotFoundError' || name === 'InputError';
}

async function defaultHttpStatus(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'GET',
    redirect: 'follow',
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel().catch(() => {});
  return response.status;
}

/**
 * Executes runs, one loop per backend instance. Every `pollIntervalMs` it claims runs whose lease
 * is free or expired (an atomic conditional UPDATE in {@link DrRunStore.claim}), and drives each
 * claimed run through its steps: `run(ctx)` is called until it returns `done`, the step's state,
 * times, objects and log lines are written after every call (and while it runs, as it records),
 * and the lease is renewed while the run is worked on. A run resumes at its first step not
 * completed, whichever instance claims it, so a restart or a takeover loses nothing recorded.
 *
 * - `waiting: 'confirmation'` puts the run in `waiting` and gives its lease up; a confirmation
 *   puts it back to `running` for any instance.
 * - A step that throws fails the step and the run, with the error.
 * - A run in `cancelling` has the steps it started undone in reverse (those with `undo`: the
 *   fence), the others skipped, and ends `cancelled`.
 * - The end of `scale-up-and-verify` is the run's `verifiedAt`; its measured RTO is
 *   `verifiedAt − createdAt`.
 */
export class RunExecutor {
  readonly instanceId: string;
  private readonly definitions: Map<string, RunStepDefinition>;
  private readonly now: () => Date;
  private readonly working = new Map<string, Promise<void>>();
  private readonly sleepers = new Map<string, () => void>();
  /** Runs worked on here that were woken while not asleep: their next sleep is skipped. */
  private readonly wakes = new Set<string>();
  private readonly leases = new Map<string, { stop(): void }>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private started = false;
  private stopping = false;

  constructor(private readonly options: RunExecutorOptions) {
    this.instanceId =
      options.instanceId ??
      `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.definitions = new Map(options.steps.map(s => [s.name, s]));
    this.now = options.now ?? (() => new Date());
  }

  /** Starts the loop. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /**
   * Stops the loop: no run is claimed or started any more; a run between two step calls gives
   * its lease up at once (another instance takes it over), one inside a step call is waited for
   * up to the grace period and otherwise left to its lease's expiry.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    for (const wake of this.sleepers.values()) wake();
    await this.ticking;
    const grace =
      this.options.shutdownGraceMs ?? Math.min(5000, this.options.leaseMs / 2);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.working.values()]),
      new Promise(resolve => {
        timeout = setTimeout(resolve, grace);
      }),
    ]);
    clearTimeout(timeout);
    // Runs still inside a step call: stop renewing, so that their leases expire.
    for (const lease of this.leases.values()) lease.stop();
  }

  /** Looks for work now (after a run was created, confirmed or cancelled on this instance). */
  wake(runId?: string): void {
    if (runId) {
      const sleeper = this.sleepers.get(runId);
      if (sleeper) sleeper();
      else if (this.working.has(runId)) this.wakes.add(runId);
    }
    if (this.started && !this.stopping) this.schedule(0);
  }

  /** Claims and starts the runs that need an executor; resolves once they are started. */
  async tick(): Promise<void> {
    if (this.stopping) return;
    const { store, leaseMs, logger } = this.options;
    const free = (this.options.maxConcurrentRuns ?? 8) - this.working.size;
    try {
      const ids = await store.claim(this.instanceId, this.now(), leaseMs, free);
      for (const id of ids) {
        if (this.working.has(id)) continue;
        const work = this.drive(id).finally(() => this.working.delete(id));
        this.working.set(id, work);
      }
    } catch (error) {
      logger.error(`DR runs: could not claim runs: ${errorMessage(error)}`);
    }
  }

  /** Resolves once every run this instance works on has stopped (for tests). */
  async idle(): Promise<void> {
    while (this.working.size > 0) {
      await Promise.allSettled([...this.working.values()]);
    }
  }

  private schedule(delayMs: number) {
    clearTimeout(this.timer);
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule(this.options.pollIntervalMs);
      });
    }, delayMs);
  }

  private renewLease(id: string) {
    const { store, leaseMs, logger } = this.options;
    const state = { lost: false, stopped: false };
    const interval = setInterval(() => {
      store
        .renewLease(id, this.instanceId, this.now(), leaseMs)
        .then(held => {
          if (!held) state.lost = true;
        })
        .catch(error =>
          logger.warn(
            `DR run ${id}: could not renew its lease: ${errorMessage(error)}`,
          ),
        );
    }, Math.max(50, leaseMs / 3));
    const lease = {
      get lost() {
        return state.lost;
      },
      stop() {
        state.stopped = true;
        clearInterval(interval);
      },
    };
    this.leases.set(id, lease);
    return lease;
  }

  private async sleep(id: string, ms: number) {
    if (this.stopping || this.wakes.delete(id)) return;
    await new Promise<void>(resolve => {
      const timeout = setTimeout(done, ms);
      function done() {
        clearTimeout(timeout);
        resolve();
      }
      this.sleepers.set(id, done);
    });
    this.sleepers.delete(id);
  }

  private async drive(id: string): Promise<void> {
    const { store, logger } = this.options;
    const lease = this.renewLease(id);
    const cache: { inputs?: RunInputs } = {};
    try {
      for (;;) {
        const entry = await store.get(id);
        if (!entry || entry.leaseOwner !== this.instanceId || lease.lost) {
          return;
        }
        if (this.stopping) {
          await store.releaseLease(id, this.instanceId);
          return;
        }
        const { run } = entry;
        if (run.state === 'cancelling') {
          if ((await this.cancel(entry, cache)) === 'stop') return;
          continue;
        }
        if (run.state !== 'pending' && run.state !== 'running') {
          await store.releaseLease(id, this.instanceId);
          return;
        }
        if (run.state === 'pending') {
          await this.update(run, { state: 'running' }, ['pending']);
          continue;
        }
        if ((await this.advance(entry, cache)) === 'stop') return;
      }
    } catch (error) {
      logger.error(`DR run ${id}: ${errorMessage(error)}`);
    } finally {
      lease.stop();
      this.leases.delete(id);
      this.wakes.delete(id);
    }
  }

  private update(
    run: DrRun,
    patch: DrRunPatch,
    fromStates?: DrRun['state'][],
    releaseLease?: boolean,
  ) {
    return this.options.store.update(run.id, this.instanceId, patch, {
      now: this.now(),
      leaseMs: this.options.leaseMs,
      fromStates,
      releaseLease,
    });
  }

  /** Calls the run's current step once and records what it did. */
  private async advance(
    entry: DrRunEntry,
    cache: { inputs?: RunInputs },
  ): Promise<CallResult> {
    const { run } = entry;
    const index = run.steps.findIndex(
      s => s.state !== 'completed' && s.state !== 'skipped',
    );
    if (index < 0) {
      await this.end(run, { state: 'completed' }, ['running']);
      return 'next';
    }
    const steps = structuredClone(run.steps);
    const step = steps[index];
    const definition = this.definitions.get(step.name);
    if (!definition) {
      return this.failStep(
        run,
        steps,
        step,
        `no implementation of step ${step.name}`,
      );
    }
    if (!entry.promoteStartedAt && !STEPS_BEFORE_PROMOTE.has(step.name)) {
      // The point of no return: from here on a cancel is refused. Conditional on the run still
      // running, so that a cancel that came first wins.
      await this.update(run, { promoteStartedAt: this.now() }, ['running']);
      return 'next';
    }
    let inputs: RunInputs;
    try {
      inputs = cache.inputs ??= await this.options.inputs(run);
    } catch (error) {
      if (isPermanent(error)) {
        return this.failStep(run, steps, step, errorMessage(error));
      }
      this.options.logger.warn(
        `DR run ${run.id}: could not read ${
          run.entityRef
        }, trying again: ${errorMessage(error)}`,
      );
      await this.sleep(run.id, this.options.pollIntervalMs);
      return 'next';
    }
    if (step.state !== 'running') {
      step.state = 'running';
      step.startedAt ??= iso(this.now());
      delete step.error;
      if (!(await this.update(run, { steps }, ['running']))) return 'next';
    }
    const saver = this.saver(run, steps);
    const ctx = this.context({ ...run, steps }, step, inputs, saver.changed);
    let outcome;
    try {
      outcome = await definition.run(ctx);
    } catch (error) {
      await saver.flush();
      return this.failStep(run, steps, step, errorMessage(error));
    }
    await saver.flush();
    if ('done' in outcome) {
      const now = this.now();
      step.state = 'completed';
      step.endedAt = iso(now);
      const patch: DrRunPatch = { steps };
      if (step.name === VERIFY_STEP) {
        patch.verifiedAt = now;
        patch.measuredRtoSeconds = Math.max(
          0,
          Math.floor((now.getTime() - Date.parse(run.createdAt)) / 1000),
        );
      }
      // Recorded even when a cancel came in meanwhile: the cancel then undoes the step.
      if (await this.update(run, patch, ['running', 'cancelling'])) {
        await this.audit(run, step.name, 'run', 'completed');
      }
      return 'next';
    }
    if ('waiting' in outcome) {
      step.state = 'waiting';
      if (
        await this.update(run, { steps, state: 'waiting' }, ['running'], true)
      ) {
        await this.audit(run, step.name, 'run', 'waiting');
        return 'stop';
      }
      return 'next';
    }
    await this.update(run, { steps }, ['running', 'cancelling']);
    await this.sleep(run.id, Math.max(0, outcome.retryAfterMs));
    return 'next';
  }

  private async failStep(
    run: DrRun,
    steps: DrRunStep[],
    step: DrRunStep,
    message: string,
  ): Promise<CallResult> {
    step.state = 'failed';
    step.error = message;
    step.startedAt ??= iso(this.now());
    step.endedAt = iso(this.now());
    appendLog(step, { time: step.endedAt, level: 'error', message });
    const error = `${step.name}: ${message}`;
    if (
      await this.end(run, { steps, state: 'failed', error }, [
        'running',
        'cancelling',
      ])
    ) {
      await this.audit(run, step.name, 'run', 'failed', new Error(message));
    }
    return 'stop';
  }

  /** Ends a run (releasing its entity's lock and its lease). */
  private async end(
    run: DrRun,
    patch: DrRunPatch & { state: 'completed' | 'failed' | 'cancelled' },
    fromStates: DrRun['state'][],
  ): Promise<boolean> {
    const ended = await this.update(
      run,
      { ...patch, endedAt: this.now() },
      fromStates,
      true,
    );
    if (ended) {
      const final = (await this.options.store.get(run.id))?.run;
      this.options.logger.info(
        `DR ${run.type} run ${run.id} of ${run.entityRef} ${patch.state}${
          patch.error ? `: ${patch.error}` : ''
        }`,
      );
      if (final) {
        await this.auditEnd(final);
        this.options.onRunEnded?.(final);
      }
    }
    return ended;
  }

  /** Undoes what a cancelled run started (in reverse), skips the rest, and ends it `cancelled`. */
  private async cancel(
    entry: DrRunEntry,
    cache: { inputs?: RunInputs },
  ): Promise<CallResult> {
    const { run } = entry;
    const by = entry.cancelRequestedBy ?? 'unknown';
    const steps = structuredClone(run.steps);
    const started = steps
      .filter(s => s.state !== 'pending' && s.state !== 'skipped')
      .filter(s => this.definitions.get(s.name)?.undo)
      .reverse();
    if (started.length > 0 && !cache.inputs) {
      try {
        cache.inputs = await this.options.inputs(run);
      } catch (error) {
        if (!isPermanent(error)) {
          this.options.logger.warn(
            `DR run ${run.id}: could not read ${
              run.entityRef
            }, trying again: ${errorMessage(error)}`,
          );
          await this.sleep(run.id, this.options.pollIntervalMs);
          return 'next';
        }
        await this.end(
          run,
          {
            state: 'failed',
            error: `Cancelled by ${by}, but the started steps could not be undone: ${errorMessage(
              error,
            )}`,
          },
          ['cancelling'],
        );
        return 'stop';
      }
    }
    const inputs = cache.inputs!;
    for (const step of started) {
      const definition = this.definitions.get(step.name)!;
      try {
        const saver = this.saver(run, steps);
        const ctx = this.context(
          { ...run, steps },
          step,
          inputs,
          saver.changed,
        );
        ctx.log('info', `Undoing ${step.name}: the run was cancelled by ${by}`);
        await definition.undo!(ctx);
        ctx.log('info', `${step.name} undone`);
        await saver.flush();
        await this.update(run, { steps }, ['cancelling']);
        await this.audit(run, step.name, 'undo', 'completed');
      } catch (error) {
        const message = errorMessage(error);
        appendLog(step, {
          time: iso(this.now()),
          level: 'error',
          message: `Undoing ${step.name} failed: ${message}`,
        });
        await this.end(
          run,
          {
            steps,
            state: 'failed',
            error: `Cancelled by ${by}, but undoing ${step.name} failed: ${message}`,
          },
          ['cancelling'],
        );
        await this.audit(run, step.name, 'undo', 'failed', new Error(message));
        return 'stop';
      }
    }
    for (const step of steps) {
      if (step.state === 'completed') continue;
      if (step.state !== 'pending') {
        appendLog(step, {
          time: iso(this.now()),
          level: 'info',
          message: `Stopped: the run was cancelled by ${by}`,
        });
      }
      step.state = 'skipped';
    }
    await this.end(
      run,
      { steps, state: 'cancelled', error: `Cancelled by ${by}` },
      ['cancelling'],
    );
    return 'stop';
  }

  /**
   * Writes a step's records while it runs, as it records them: at most one write in flight and
   * one queued, conditional on the lease.
   */
  private saver(run: DrRun, steps: DrRunStep[]) {
    let chain: Promise<unknown> = Promise.resolve();
    let queued = false;
    const write = () => {
      queued = false;
      return this.update(run, { steps: structuredClone(steps) }).catch(error =>
        this.options.logger.warn(
          `DR run ${run.id}: could not record progress: ${errorMessage(error)}`,
        ),
      );
    };
    return {
      changed: () => {
        if (queued) return;
        queued = true;
        chain = chain.then(write);
      },
      flush: () => chain,
    };
  }

  private context(
    run: DrRun,
    step: DrRunStep,
    inputs: RunInputs,
    changed: () => void,
  ): RunStepContext {
    return {
      run,
      ...inputs,
      kube: this.options.kube,
      dryRun: false,
      limits: this.options.limits,
      stepStartedAt: step.startedAt ?? iso(this.now()),
      log: (level, message) => {
        appendLog(step, { time: iso(this.now()), level, message });
        changed();
      },
      record: change => {
        appendObject(step, change);
        changed();
      },
      httpStatus: this.options.httpStatus ?? defaultHttpStatus,
      now: this.now,
    };
  }

  private async audit(
    run: DrRun,
    step: string,
    action: 'run' | 'undo',
    state: string,
    error?: Error,
  ) {
    const { auditor, logger } = this.options;
    if (!auditor) return;
    try {
      const event = await auditor.createEvent({
        eventId: 'run-step',
        severityLevel: run.type === 'drill' ? 'medium' : 'high',
        meta: {
          runId: run.id,
          entityRef: run.entityRef,
          type: run.type,
          step,
          action,
        },
      });
      if (error) {
        await event.fail({ error, meta: { state } });
      } else {
        await event.success({ meta: { state } });
      }
    } catch (e) {
      logger.warn(`DR run ${run.id}: audit failed: ${errorMessage(e)}`);
    }
  }

  private async auditEnd(run: DrRun) {
    const { auditor, logger } = this.options;
    if (!auditor) return;
    try {
      const event = await auditor.createEvent({
        eventId: 'run-end',
        severityLevel: run.type === 'drill' ? 'medium' : 'high',
        meta: {
          runId: run.id,
          entityRef: run.entityRef,
          type: run.type,
          state: run.state,
        },
      });
      if (run.state === 'failed') {
        await event.fail({ error: new Error(run.error ?? 'failed') });
      } else {
        await event.success({
          meta: {
            ...(run.measuredRtoSeconds !== undefined && {
              measuredRtoSeconds: run.measuredRtoSeconds,
            }),
          },
        });
      }
    } catch (e) {
      logger.warn(`DR run ${run.id}: audit failed: ${errorMessage(e)}`);
    }
  }
}
