import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { disasterRecoveryPlugin as plugin } from '.';
import { drRunStepsServiceRef } from './runs/runStepsServiceRef';
import {
  FakeKube,
  StepCall,
  deferred,
  drEntity,
  eventually,
  testSteps,
} from './runs/__testUtils__/runTestKit';
import { StepOutcome } from './runs/types';

// Backstage scales out as several backend instances on one database: two test backends share
// one (PostgreSQL from BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING, which
// scripts/test.sh sets; SQLite, shared in memory, as well). Each has its own HTTP server,
// executor, knex pool (on PostgreSQL) and catalog; the runs' steps are test steps.
const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
  disableDocker: true,
});

const ENTITY = 'component:default/orders-db';
const LEASE_SECONDS = 2;

describe.each(['POSTGRES_15', 'SQLITE_3'] as const)(
  'two backend instances on one %s database',
  id => {
    const maybe = databases.supports(id) ? describe : describe.skip;

    maybe('runs', () => {
      it('give 20 concurrent failovers of one entity one run and 19 × 409, and finish it on the other instance once the lease of the stopped one expires', async () => {
        const knexA = await databases.init(id);
        const knexB: Knex =
          id === 'SQLITE_3'
            ? knexA
            : knexFactory({
                client: 'pg',
                connection: knexA.client.config.connection,
                pool: { min: 0, max: 5 },
              });
        const calls: StepCall[] = [];
        const hold = deferred<StepOutcome>();
        const holding = deferred<string>();
        let held: string | undefined;
        const kube = new FakeKube();

        const start = (name: string, knex: Knex) => {
          return startTestBackend({
            features: [
              plugin,
              catalogServiceMock.factory({ entities: [drEntity()] }),
              mockServices.database.factory({ knex }),
              mockServices.permissions.factory({
                result: AuthorizeResult.ALLOW,
              }),
              createServiceFactory({
                service: drRunStepsServiceRef,
                deps: {},
                factory: () => ({
                  steps: testSteps({
                    by: name,
                    calls,
                    behaviours: {
                      // The first promote, on whichever instance executes the run, never
                      // returns (until the end of the test): that instance is stopped mid-run.
                      promote: async () => {
                        if (!held) {
                          held = name;
                          holding.resolve(name);
                          return hold.promise;
                        }
                        return { done: true };
                      },
                    },
                  }),
                  kube,
                }),
              }),
              mockServices.rootConfig.factory({
                data: {
                  disasterRecovery: {
                    refresh: {
                      schedule: {
                        frequency: { hours: 24 },
                        timeout: { minutes: 1 },
                        initialDelay: { hours: 1 },
                      },
                    },
                    runs: { pollIntervalMs: 50, leaseSeconds: LEASE_SECONDS },
                  },
                },
              }),
            ],
          });
        };

        const backends: Record<string, Awaited<ReturnType<typeof start>>> = {
          a: await start('a', knexA),
          b: await start('b', knexB),
        };
        try {
          const answers = await Promise.all(
            Array.from({ length: 20 }, (_, i) =>
              request(i % 2 ? backends.a.server : backends.b.server)
                .post('/api/disaster-recovery/runs')
                .send({ type: 'failover', entityRef: ENTITY }),
            ),
          );
          const statuses = answers.map(a => a.status);
          expect(statuses.filter(s => s === 201)).toHaveLength(1);
          expect(statuses.filter(s => s === 409)).toHaveLength(19);
          const runId = answers.find(a => a.status === 201)!.body.id;
          expect(await knexA('dr_run').count({ n: '*' })).toEqual([
            { n: id === 'SQLITE_3' ? 1 : '1' },
          ]);

          // The run's executor is inside promote: stop that instance.
          const executing = await holding.promise;
          const other = executing === 'a' ? 'b' : 'a';
          await backends[executing].stop();
          const row = await knexA('dr_run').where({ id: runId }).first();
          expect(row.lease_owner).toEqual(expect.any(String));
          const expiresAt = new Date(
            row.lease_expires_at instanceof Date
              ? row.lease_expires_at
              : Number(row.lease_expires_at),
          ).getTime();

          const server = backends[other].server;
          const read = async () =>
            (await request(server).get(`/api/disaster-recovery/runs/${runId}`))
              .body;
          await eventually(
            async () => ((await read()).state === 'waiting' ? true : undefined),
            15_000,
            'the other instance to take the run over',
          );
          expect(
            (
              await request(server).post(
                `/api/disaster-recovery/runs/${runId}/confirm`,
              )
            ).status,
          ).toBe(200);
          const done = await eventually(
            async () => {
              const run = await read();
              return run.state === 'completed' ? run : undefined;
            },
            15_000,
            'the run to complete',
          );
          expect(done.steps.map((s: { state: string }) => s.state)).toEqual([
            'completed',
            'completed',
            'completed',
            'completed',
            'completed',
          ]);
          const by = (step: string) =>
            calls.filter(c => c.step === step).map(c => c.by);
          expect(by('preflight')).toEqual([executing]);
          expect(by('fence')).toEqual([executing]);
          expect(by('promote')).toEqual([executing, other]);
          expect(by('scale-up-and-verify')).toEqual([other]);
          // Taken over only once the stopped instance's lease had expired.
          const takeover = calls.find(
            c => c.step === 'promote' && c.by === other,
          )!;
          expect(takeover.at).toBeGreaterThanOrEqual(expiresAt);
        } finally {
          hold.resolve({ done: true });
          await Promise.allSettled([backends.a.stop(), backends.b.stop()]);
          if (knexB !== knexA) await knexB.destroy();
        }
      }, 60_000);
    });
  },
);
