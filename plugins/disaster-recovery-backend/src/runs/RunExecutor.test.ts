import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import {
  DrRun,
  DrRunStepName,
  DrRunType,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { Knex } from 'knex';
import { DrRunStore } from '../database/DrRunStore';
import { RunExecutor, RunInputs } from './RunExecutor';
import { MAX_LOG_LINES, applicableSteps } from './stepRecords';
import {
  FakeKube,
  StepBehaviour,
  StepCall,
  deferred,
  drEntity,
  eventually,
  inputsOf,
  testSteps,
} from './__testUtils__/runTestKit';
import { RunStepDefinition, StepOutcome } from './types';

// The executor with test steps (../steps has the real ones), on SQLite and, when
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set, PostgreSQL.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

const LIMITS = {
  verifyTimeoutSeconds: 600,
  restoreTimeoutSeconds: 3600,
  pollIntervalMs: 20,
};
const ENTITY = 'component:default/orders-db';
const STS = '/apis/apps/v1/namespaces/commerce/statefulsets/orders-db';

describe.each(['SQLITE_3', 'POSTGRES_15'] as const)('RunExecutor on %s', id => {
  const maybe = databases.supports(id) ? describe : describe.skip;

  let knex: Knex;
  let store: DrRunStore;
  let kube: FakeKube;
  let calls: StepCall[];
  let ended: DrRun[];
  const executors: RunExecutor[] = [];
  const inputs: RunInputs = inputsOf(drEntity());

  beforeEach(async () => {
    if (!databases.supports(id)) return;
    knex = await databases.init(id);
    store = await DrRunStore.create({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    kube = new FakeKube();
    calls = [];
    ended = [];
  });

  afterEach(async () => {
    await Promise.all(executors.splice(0).map(e => e.stop()));
  });

  function executor(
    options: {
      steps?: RunStepDefinition[];
      behaviours?: Partial<Record<DrRunStepName, StepBehaviour>>;
      by?: string;
      leaseMs?: number;
      now?: () => Date;
      inputs?: (run: DrRun) => Promise<RunInputs>;
      auditor?: ReturnType<typeof mockServices.auditor.mock>;
    } = {},
  ) {
    const e = new RunExecutor({
      store,
      steps:
        options.steps ??
        testSteps({ behaviours: options.behaviours, calls, by: options.by }),
      kube,
      inputs: options.inputs ?? (async () => inputs),
      limits: LIMITS,
      leaseMs: options.leaseMs ?? 30_000,
      pollIntervalMs: 20,
      logger: mockServices.logger.mock(),
      auditor: options.auditor,
      now: options.now,
      instanceId: options.by,
      onRunEnded: run => ended.push(run),
    });
    executors.push(e);
    return e;
  }

  async function createRun(
    type: DrRunType = 'drill',
    strategy: DrRun['strategy'] = 'backup-restore',
    createdAt = new Date(),
  ) {
    const base: DrRun = {
      id: '',
      type,
      entityRef: ENTITY,
      state: 'pending',
      strategy,
      fromCluster: 'prod-eu',
      toCluster: 'dr-us',
      options: {},
      dataLossWindowSeconds: 1200,
      createdBy: 'user:default/jane',
      createdAt: createdAt.toISOString(),
      steps: [],
    };
    const steps = applicableSteps(testSteps(), base, {
      ...inputs.declaration,
      strategy,
    });
    const { type: t, fromCluster, toCluster, options, createdBy } = base;
    return store.create(
      {
        type: t,
        entityRef: ENTITY,
        strategy,
        fromCluster,
        toCluster,
        options,
        dataLossWindowSeconds: 1200,
        createdBy,
        steps,
      },
      createdAt,
    );
  }

  async function runToEnd(e: RunExecutor) {
    await e.tick();
    await e.idle();
  }

  const get = async (runId: string) => (await store.get(runId))!.run;
  const stepCalls = (step?: string) =>
    calls
      .filter(c => !step || c.step === step)
      .map(c => `${c.step}:${c.action}`);

  maybe('drives runs', () => {
    it('runs every step of a drill to the end, recording times, objects and logs, and the measured RTO', async () => {
      const auditor = mockServices.auditor.mock();
      const createdAt = new Date(Date.now() - 90_000);
      const run = await createRun('drill', 'backup-restore', createdAt);
      expect(run.steps.map(s => s.name)).toEqual([
        'preflight',
        'promote',
        'scale-up-and-verify',
        'cleanup',
      ]);
      await runToEnd(executor({ auditor }));
      const done = await get(run.id);
      expect(done.state).toBe('completed');
      expect(done.steps.map(s => [s.name, s.state])).toEqual([
        ['preflight', 'completed'],
        ['promote', 'completed'],
        ['scale-up-and-verify', 'completed'],
        ['cleanup', 'completed'],
      ]);
      for (const step of done.steps) {
        expect(Date.parse(step.startedAt!)).toBeLessThanOrEqual(
          Date.parse(step.endedAt!),
        );
      }
      expect(done.steps[0].log).toEqual([
        {
          time: expect.any(String),
          level: 'info',
          message: 'dr-us is reachable',
        },
      ]);
      expect(done.steps[1].objects).toEqual([
        expect.objectContaining({
          cluster: 'dr-us',
          kind: 'Restore',
          action: 'create',
          name: `dr-${run.id}`,
        }),
      ]);
      expect(done.verifiedAt).toBe(done.steps[2].endedAt);
      expect(done.measuredRtoSeconds).toBe(
        Math.floor((Date.parse(done.verifiedAt!) - createdAt.getTime()) / 1000),
      );
      expect(done.measuredRtoSeconds).toBeGreaterThanOrEqual(90);
      expect(done.endedAt).toBeDefined();
      expect(await store.activeRun(ENTITY)).toBeUndefined();
      expect((await store.get(run.id))?.leaseOwner).toBeUndefined();
      expect(ended.map(r => [r.id, r.state])).toEqual([[run.id, 'completed']]);
      expect(stepCalls()).toEqual([
        'preflight:run',
        'promote:run',
        'scale-up-and-verify:run',
        'cleanup:run',
      ]);
      // Every step and the end are audited, with the entity and the run.
      const events = auditor.createEvent.mock.calls.map(([o]) => [
        o.eventId,
        o.meta?.step,
      ]);
      expect(events).toEqual([
        ['run-step', 'preflight'],
        ['run-step', 'promote'],
        ['run-step', 'scale-up-and-verify'],
        ['run-step', 'cleanup'],
        ['run-end', undefined],
      ]);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          meta: expect.objectContaining({ runId: run.id, entityRef: ENTITY }),
        }),
      );
    });

    it('calls a step again after retryAfterMs until it is done, recording each object once', async () => {
      const run = await createRun('drill');
      await runToEnd(
        executor({
          behaviours: {
            promote: async (ctx, call) => {
              ctx.log('info', `restore in progress (${call})`);
              ctx.record({
                cluster: 'dr-us',
                apiVersion: 'velero.io/v1',
                kind: 'Restore',
                namespace: 'velero',
                name: 'r',
                action: 'create',
              });
              return call < 3 ? { retryAfterMs: 10 } : { done: true };
            },
          },
        }),
      );
      const done = await get(run.id);
      expect(done.state).toBe('completed');
      expect(stepCalls('promote')).toHaveLength(3);
      expect(done.steps[1].log.map(l => l.message)).toEqual([
        'restore in progress (1)',
        'restore in progress (2)',
        'restore in progress (3)',
      ]);
      expect(done.steps[1].objects).toHaveLength(1);
    });

    it('fails the step and the run when a step throws, and frees the entity', async () => {
      const run = await createRun('failover');
      await runToEnd(
        executor({
          behaviours: {
            promote: async ctx => {
              ctx.log('info', 'creating the Restore');
              throw new Error('Restore dr-x PartiallyFailed: 2 errors');
            },
          },
        }),
      );
      const failed = await get(run.id);
      expect(failed).toMatchObject({
        state: 'failed',
        error: 'promote: Restore dr-x PartiallyFailed: 2 errors',
        endedAt: expect.any(String),
      });
      expect(failed.steps.map(s => [s.name, s.state])).toEqual([
        ['preflight', 'completed'],
        ['fence', 'completed'],
        ['promote', 'failed'],
        ['scale-up-and-verify', 'pending'],
        ['traffic-gate', 'pending'],
      ]);
      expect(failed.steps[2]).toMatchObject({
        error: 'Restore dr-x PartiallyFailed: 2 errors',
        log: [
          expect.objectContaining({ message: 'creating the Restore' }),
          expect.objectContaining({
            level: 'error',
            message: 'Restore dr-x PartiallyFailed: 2 errors',
          }),
        ],
      });
      expect(failed.verifiedAt).toBeUndefined();
      expect(await store.activeRun(ENTITY)).toBeUndefined();
      expect(ended.map(r => r.state)).toEqual(['failed']);
    });

    it('fails a run whose step has no implementation, or whose entity is gone', async () => {
      const run = await createRun('drill');
      await runToEnd(
        executor({
          steps: testSteps({ calls }).filter(s => s.name !== 'cleanup'),
        }),
      );
      expect(await get(run.id)).toMatchObject({
        state: 'failed',
        error: 'cleanup: no implementation of step cleanup',
      });
      const gone = await createRun('drill');
      await runToEnd(
        executor({
          inputs: async () => {
            throw new NotFoundError(`No entity ${ENTITY}`);
          },
        }),
      );
      expect(await get(gone.id)).toMatchObject({
        state: 'failed',
        error: `preflight: No entity ${ENTITY}`,
      });
    });

    it('tries again while the catalog cannot be read', async () => {
      const run = await createRun('drill');
      let failures = 2;
      await runToEnd(
        executor({
          inputs: async () => {
            if (failures-- > 0) throw new Error('catalog: 503');
            return inputs;
          },
        }),
      );
      expect((await get(run.id)).state).toBe('completed');
    });

    it('waits at the traffic gate without holding the run, and goes on once confirmed', async () => {
      const run = await createRun('failover');
      const e = executor();
      await runToEnd(e);
      const waiting = (await store.get(run.id))!;
      expect(waiting.run.state).toBe('waiting');
      expect(waiting.leaseOwner).toBeUndefined();
      expect(waiting.run.steps.map(s => s.state)).toEqual([
        'completed',
        'completed',
        'completed',
        'completed',
        'waiting',
      ]);
      expect(waiting.run.verifiedAt).toBeDefined();
      expect(await store.claim('other', new Date(), 30_000, 10)).toEqual([]);
      expect(await store.activeRun(ENTITY)).toMatchObject({ id: run.id });

      await store.confirm(run.id, 'user:default/joe', new Date());
      await runToEnd(e);
      const done = await get(run.id);
      expect(done).toMatchObject({
        state: 'completed',
        trafficConfirmedBy: 'user:default/joe',
      });
      expect(stepCalls('traffic-gate')).toHaveLength(2);
      expect(kube.objects.get(`prod-eu${STS}`)).toEqual({
        spec: { replicas: 0 },
      });
    });

    it('undoes the fence in reverse and ends cancelled when cancelled before the promote step', async () => {
      const run = await createRun('failover');
      const fenced = deferred();
      const e = executor({
        behaviours: {
          fence: async (ctx, call) => {
            await ctx.kube.patch('prod-eu', STS, { spec: { replicas: 0 } });
            ctx.record({
              cluster: 'prod-eu',
              apiVersion: 'apps/v1',
              kind: 'StatefulSet',
              namespace: 'commerce',
              name: 'orders-db',
              action: 'patch',
              body: { spec: { replicas: 0 } },
            });
            if (call === 1) fenced.resolve();
            // Waits for the pods to stop.
            return { retryAfterMs: 60_000 };
          },
        },
      });
      await e.tick();
      await fenced.promise;
      expect(
        await store.requestCancel(run.id, 'user:default/jane', new Date()),
      ).toMatchObject({ result: 'cancelling' });
      e.wake(run.id);
      await e.idle();
      const cancelled = await get(run.id);
      expect(cancelled).toMatchObject({
        state: 'cancelled',
        error: 'Cancelled by user:default/jane',
        endedAt: expect.any(String),
      });
      expect(cancelled.steps.map(s => [s.name, s.state])).toEqual([
        ['preflight', 'completed'],
        ['fence', 'skipped'],
        ['promote', 'skipped'],
        ['scale-up-and-verify', 'skipped'],
        ['traffic-gate', 'skipped'],
      ]);
      expect(cancelled.steps[1].log.map(l => l.message)).toEqual([
        'Undoing fence: the run was cancelled by user:default/jane',
        'fence undone',
        'Stopped: the run was cancelled by user:default/jane',
      ]);
      expect(cancelled.steps[1].objects.map(o => o.body)).toEqual([
        { spec: { replicas: 0 } },
        { spec: { replicas: 1 } },
      ]);
      expect(stepCalls()).toEqual(['preflight:run', 'fence:run', 'fence:undo']);
      expect(kube.objects.get(`prod-eu${STS}`)).toEqual({
        spec: { replicas: 1 },
      });
      expect(await store.activeRun(ENTITY)).toBeUndefined();
    });

    it('undoes a completed fence, and cancels a run not started yet without calling any step', async () => {
      const run = await createRun('failover');
      const e = executor({
        behaviours: {
          promote: async () => ({ done: true }),
        },
      });
      // Stop right after the fence: cancel before the executor reaches promote.
      const steps = testSteps({ calls });
      const stopAfterFence = steps.map(s =>
        s.name === 'fence'
          ? {
              ...s,
              run: async (ctx: Parameters<typeof s.run>[0]) => {
                const outcome = await s.run(ctx);
                await store.requestCancel(
                  run.id,
                  'user:default/jane',
                  new Date(),
                );
                return outcome;
              },
            }
          : s,
      );
      await runToEnd(executor({ steps: stopAfterFence }));
      const cancelled = await get(run.id);
      expect(cancelled.state).toBe('cancelled');
      expect(cancelled.steps.map(s => [s.name, s.state])).toEqual([
        ['preflight', 'completed'],
        ['fence', 'completed'],
        ['promote', 'skipped'],
        ['scale-up-and-verify', 'skipped'],
        ['traffic-gate', 'skipped'],
      ]);
      expect(stepCalls()).toEqual(['preflight:run', 'fence:run', 'fence:undo']);

      const pending = await createRun('failover');
      await store.requestCancel(pending.id, 'user:default/joe', new Date());
      calls.length = 0;
      await runToEnd(e);
      expect(await get(pending.id)).toMatchObject({
        state: 'cancelled',
        error: 'Cancelled by user:default/joe',
      });
      expect(calls).toEqual([]);
    });

    it('fails a cancelled run whose fence cannot be undone, saying so', async () => {
      const run = await createRun('failover');
      await store.requestCancel(run.id, 'user:default/jane', new Date());
      // The fence had started before the cancel (as a restarted run would show it).
      await store.claim('x', new Date(), 30_000, 1);
      const started = (await get(run.id)).steps.map(s =>
        s.name === 'fence' || s.name === 'preflight'
          ? { ...s, state: 'completed' as const }
          : s,
      );
      await store.update(
        run.id,
        'x',
        { steps: started },
        { now: new Date(), leaseMs: 30_000, releaseLease: true },
      );
      await runToEnd(
        executor({
          steps: testSteps({
            calls,
            undoFence: async () => {
              throw new Error('prod-eu could not be reached');
            },
          }),
        }),
      );
      expect(await get(run.id)).toMatchObject({
        state: 'failed',
        error:
          'Cancelled by user:default/jane, but undoing fence failed: prod-eu could not be reached',
      });
      expect(await store.activeRun(ENTITY)).toBeUndefined();
    });

    it('refuses to cancel once the promote step has started; the run goes on', async () => {
      const run = await createRun('failover');
      const promoting = deferred();
      const release = deferred();
      const e = executor({
        behaviours: {
          promote: async () => {
            promoting.resolve();
            await release.promise;
            return { done: true };
          },
        },
      });
      await e.tick();
      await promoting.promise;
      expect(
        await store.requestCancel(run.id, 'user:default/jane', new Date()),
      ).toMatchObject({ result: 'refused', reason: 'after-promote' });
      release.resolve();
      await e.idle();
      expect((await get(run.id)).state).toBe('waiting');
      expect(stepCalls('fence')).toEqual(['fence:run']);
    });

    it('keeps the first and the newest log lines of a step that logs a lot', async () => {
      const run = await createRun('drill');
      await runToEnd(
        executor({
          behaviours: {
            preflight: async ctx => {
              for (let i = 0; i < MAX_LOG_LINES + 100; i++) {
                ctx.log('info', `line ${i}`);
              }
              return { done: true };
            },
          },
        }),
      );
      const log = (await get(run.id)).steps[0].log.map(l => l.message);
      expect(log).toHaveLength(MAX_LOG_LINES);
      expect(log[0]).toBe('line 0');
      expect(log[49]).toBe('line 49');
      expect(log[50]).toBe('(earlier log lines omitted)');
      expect(log[MAX_LOG_LINES - 1]).toBe(`line ${MAX_LOG_LINES + 99}`);
    });
  });

  maybe('survives restarts', () => {
    const failoverSteps: DrRunStepName[] = [
      'preflight',
      'fence',
      'promote',
      'scale-up-and-verify',
      'traffic-gate',
    ];
    const drillSteps: DrRunStepName[] = [
      'preflight',
      'promote',
      'scale-up-and-verify',
      'cleanup',
    ];

    it.each([
      ...failoverSteps.map(s => ['failover', s] as const),
      ...drillSteps.map(s => ['drill', s] as const),
    ])(
      'finishes a %s stopped inside its %s step on another instance, repeating only that step',
      async (type, stopIn) => {
        const run = await createRun(type);
        const hold = deferred<StepOutcome>();
        const inside = deferred();
        // Instance a hangs inside the step (a crash or a stuck call): its lease is left to expire.
        const a = executor({
          by: 'a',
          leaseMs: 300,
          behaviours: {
            [stopIn]: async () => {
              inside.resolve();
              return hold.promise;
            },
          },
        });
        if (stopIn === 'traffic-gate') {
          // The gate is reached and confirmed first; a hangs on the call after the confirmation.
          await runToEnd(executor({ by: 'gate', leaseMs: 300 }));
          await store.confirm(run.id, 'user:default/joe', new Date());
          calls.length = 0;
        }
        await a.tick();
        await inside.promise;
        await a.stop();
        // a's lease is not given up while its call is in progress: b waits for it to expire.
        expect((await store.get(run.id))?.leaseOwner).toBe('a');
        const b = executor({ by: 'b', leaseMs: 300 });
        await eventually(
          async () => {
            await runToEnd(b);
            const state = (await get(run.id)).state;
            return state === 'completed' || state === 'waiting'
              ? state
              : undefined;
          },
          10_000,
          'the run to end on b',
        );
        let done = await get(run.id);
        if (done.state === 'waiting') {
          await store.confirm(run.id, 'user:default/joe', new Date());
          await runToEnd(b);
          done = await get(run.id);
        }
        expect(done.state).toBe('completed');
        const names = done.steps.map(s => s.name);
        const index = names.indexOf(stopIn);
        // Steps before: once, on a; the step: on a, then again on b; steps after: once, on b.
        const byStep = (name: string) =>
          calls
            .filter(c => c.step === name && c.action === 'run')
            .map(c => c.by);
        // (The traffic gate's run started on another instance before a.)
        const before = stopIn === 'traffic-gate' ? [] : names.slice(0, index);
        expect(before.map(name => [name, byStep(name)])).toEqual(
          before.map(name => [name, ['a']]),
        );
        expect(byStep(stopIn)).toEqual(['a', 'b']);
        for (const name of names.slice(index + 1)) {
          expect([name, byStep(name).filter(by => by === 'b').length]).toEqual([
            name,
            byStep(name).length,
          ]);
        }
        expect(done.steps.every(s => s.state === 'completed')).toBe(true);
        // a's call comes back late: its writes are refused, the run stays as b left it.
        hold.resolve({ done: true });
        await a.idle();
        expect(await get(run.id)).toEqual(done);
      },
    );

    it('hands a run over at once when an instance stops between two step calls', async () => {
      const run = await createRun('drill');
      const waited = deferred();
      const a = executor({
        by: 'a',
        behaviours: {
          promote: async (_ctx, call) => {
            if (call === 1) {
              waited.resolve();
              return { retryAfterMs: 60_000 };
            }
            return { done: true };
          },
        },
      });
      await a.tick();
      await waited.promise;
      await a.stop();
      expect((await store.get(run.id))?.leaseOwner).toBeUndefined();
      // The lease is 30 s; b does not wait for it.
      const b = executor({
        by: 'b',
        behaviours: { promote: async () => ({ done: true }) },
      });
      await runToEnd(b);
      expect((await get(run.id)).state).toBe('completed');
      expect(calls.filter(c => c.step === 'promote').map(c => c.by)).toEqual([
        'a',
        'b',
      ]);
    });
  });
});
