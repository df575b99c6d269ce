import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { DrRunStep } from '@backstage-dr/plugin-disaster-recovery-common';
import { DrRunStore, NewDrRun } from './DrRunStore';

// PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a server
// (scripts/test.sh starts one); never through Docker. Without it the PostgreSQL tests are skipped.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

const steps: DrRunStep[] = ['preflight', 'fence', 'promote'].map(name => ({
  name: name as DrRunStep['name'],
  state: 'pending',
  objects: [],
  log: [],
}));

function newRun(entityRef = 'component:default/orders-db'): NewDrRun {
  return {
    type: 'failover',
    entityRef,
    strategy: 'backup-restore',
    fromCluster: 'prod-eu',
    toCluster: 'dr-us',
    options: { acceptDataLoss: true },
    dataLossWindowSeconds: 1800,
    createdBy: 'user:default/jane',
    steps,
  };
}

const T0 = new Date('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const LEASE = 30_000;

describe.each(['SQLITE_3', 'POSTGRES_15'] as const)('DrRunStore on %s', id => {
  const maybe = databases.supports(id) ? describe : describe.skip;

  async function createStore() {
    const knex = await databases.init(id);
    const store = await DrRunStore.create({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    return { store, knex };
  }

  maybe('runs', () => {
    it('stores a run with its steps, options and times, and lists an entity’s runs newest first', async () => {
      const { store } = await createStore();
      const run = await store.create(newRun(), T0);
      expect(run).toEqual({
        id: expect.stringMatching(/^[a-z0-9]{12}$/),
        type: 'failover',
        entityRef: 'component:default/orders-db',
        state: 'pending',
        strategy: 'backup-restore',
        fromCluster: 'prod-eu',
        toCluster: 'dr-us',
        options: { acceptDataLoss: true },
        dataLossWindowSeconds: 1800,
        createdBy: 'user:default/jane',
        createdAt: '2026-12-01T10:00:00.000Z',
        steps,
      });
      expect((await store.get(run.id))?.run).toEqual(run);
      expect(await store.activeRun('component:default/orders-db')).toEqual(run);
      expect(await store.activeRuns()).toEqual(
        new Map([
          [
            'component:default/orders-db',
            { id: run.id, type: 'failover', state: 'pending' },
          ],
        ]),
      );
      expect(await store.get('nope')).toBeUndefined();

      // Ended: the entity is free again, and the ended run's times read back.
      await store.claim('a', at(1), LEASE, 10);
      expect(
        await store.update(
          run.id,
          'a',
          {
            state: 'completed',
            endedAt: at(90),
            verifiedAt: at(60),
            measuredRtoSeconds: 60,
          },
          { now: at(90), leaseMs: LEASE, releaseLease: true },
        ),
      ).toBe(true);
      const second = await store.create(newRun(), at(100));
      expect(
        (await store.list('component:default/orders-db', 10)).map(r => [
          r.id,
          r.state,
        ]),
      ).toEqual([
        [second.id, 'pending'],
        [run.id, 'completed'],
      ]);
      expect((await store.get(run.id))?.run).toMatchObject({
        endedAt: '2026-12-01T10:01:30.000Z',
        verifiedAt: '2026-12-01T10:01:00.000Z',
        measuredRtoSeconds: 60,
      });
      expect(await store.completedRuns()).toEqual([
        {
          id: run.id,
          type: 'failover',
          entityRef: 'component:default/orders-db',
          fromCluster: 'prod-eu',
          toCluster: 'dr-us',
          createdAt: '2026-12-01T10:00:00.000Z',
          endedAt: '2026-12-01T10:01:30.000Z',
          verifiedAt: '2026-12-01T10:01:00.000Z',
        },
      ]);
      expect(await store.completedRuns(undefined, ['drill'])).toEqual([]);
    });

    it('allows one active run per entity, also under 20 concurrent creates', async () => {
      const { store } = await createStore();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.create(newRun(), T0)),
      );
      const created = results.filter(r => r.status === 'fulfilled');
      const refused = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(created).toHaveLength(1);
      expect(refused).toHaveLength(19);
      const { value: run } = created[0] as PromiseFulfilledResult<{
        id: string;
      }>;
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(ConflictError);
        expect(r.reason.message).toBe(
          `component:default/orders-db already has an active failover run ${run.id} (pending); wait for it to end or cancel it`,
        );
      }
      expect(await store.list('component:default/orders-db', 50)).toHaveLength(
        1,
      );
      // Another entity is not held.
      await expect(
        store.create(newRun('component:default/billing'), T0),
      ).resolves.toMatchObject({ state: 'pending' });
    });

    it('gives a run to one instance at a time, takes it over when the lease expires, and refuses the old owner’s writes', async () => {
      const { store } = await createStore();
      const run = await store.create(newRun(), T0);
      const [a, b] = await Promise.all([
        store.claim('instance-a', at(1), LEASE, 10),
        store.claim('instance-b', at(1), LEASE, 10),
      ]);
      expect([...a, ...b]).toEqual([run.id]);
      const [owner, other] = a.length
        ? ['instance-a', 'instance-b']
        : ['instance-b', 'instance-a'];
      expect((await store.get(run.id))?.leaseOwner).toBe(owner);

      // Renewed, the lease holds past its first expiry.
      expect(await store.renewLease(run.id, owner, at(20), LEASE)).toBe(true);
      expect(await store.claim(other, at(40), LEASE, 10)).toEqual([]);
      // Expired: the other instance takes the run over.
      expect(await store.claim(other, at(51), LEASE, 10)).toEqual([run.id]);
      expect(await store.renewLease(run.id, owner, at(52), LEASE)).toBe(false);
      expect(
        await store.update(
          run.id,
          owner,
          { state: 'failed' },
          { now: at(52), leaseMs: LEASE },
        ),
      ).toBe(false);
      expect(
        await store.update(
          run.id,
          other,
          { state: 'running', steps: [{ ...steps[0], state: 'completed' }] },
          { now: at(52), leaseMs: LEASE, fromStates: ['pending'] },
        ),
      ).toBe(true);
      // A state condition that does not hold changes nothing.
      expect(
        await store.update(
          run.id,
          other,
          { state: 'completed' },
          { now: at(53), leaseMs: LEASE, fromStates: ['pending'] },
        ),
      ).toBe(false);
      expect((await store.get(run.id))?.run.state).toBe('running');

      // Released: claimable at once. Waiting runs are not claimed.
      await store.releaseLease(run.id, other);
      expect(await store.claim(owner, at(54), LEASE, 10)).toEqual([run.id]);
      await store.update(
        run.id,
        owner,
        { state: 'waiting' },
        { now: at(55), leaseMs: LEASE, releaseLease: true },
      );
      expect(await store.claim(other, at(56), LEASE, 10)).toEqual([]);
    });

    it('resumes a run after a restart from what was stored', async () => {
      const { store, knex } = await createStore();
      const run = await store.create(newRun(), T0);
      await store.claim('a', at(1), LEASE, 10);
      const progressed: DrRunStep[] = [
        {
          ...steps[0],
          state: 'completed',
          startedAt: at(1).toISOString(),
          endedAt: at(2).toISOString(),
          log: [{ time: at(2).toISOString(), level: 'info', message: 'ok' }],
        },
        {
          ...steps[1],
          state: 'running',
          startedAt: at(3).toISOString(),
          objects: [
            {
              cluster: 'prod-eu',
              apiVersion: 'apps/v1',
              kind: 'StatefulSet',
              namespace: 'commerce',
              name: 'orders-db',
              action: 'patch',
              body: { spec: { replicas: 0 } },
            },
          ],
        },
        steps[2],
      ];
      await store.update(
        run.id,
        'a',
        { state: 'running', steps: progressed },
        { now: at(4), leaseMs: LEASE },
      );
      // A new store on the same database (a restarted backend) reads the same run back.
      const restarted = new DrRunStore(knex);
      expect(await restarted.claim('b', at(4 + 31), LEASE, 10)).toEqual([
        run.id,
      ]);
      const entry = await restarted.get(run.id);
      expect(entry?.run.steps).toEqual(progressed);
      expect(entry?.leaseOwner).toBe('b');
    });

    it('confirms only a waiting run, and cancels only before the promote step', async () => {
      const { store } = await createStore();
      const run = await store.create(newRun(), T0);
      expect(await store.confirm(run.id, 'user:default/jane', at(1))).toBe(
        undefined,
      );
      await store.claim('a', at(1), LEASE, 10);
      await store.update(
        run.id,
        'a',
        { state: 'waiting', promoteStartedAt: at(2) },
        { now: at(2), leaseMs: LEASE, releaseLease: true },
      );
      expect(
        await store.requestCancel(run.id, 'user:default/jane', at(3)),
      ).toMatchObject({ result: 'refused', reason: 'after-promote' });
      expect(
        await store.confirm(run.id, 'user:default/jane', at(4)),
      ).toMatchObject({
        state: 'running',
        trafficConfirmedBy: 'user:default/jane',
        trafficConfirmedAt: '2026-12-01T10:00:04.000Z',
      });

      const other = await store.create(newRun('component:default/billing'), T0);
      expect(
        await store.requestCancel(other.id, 'user:default/joe', at(5)),
      ).toMatchObject({
        result: 'cancelling',
        entry: { cancelRequestedBy: 'user:default/joe' },
      });
      // Asking again is harmless.
      expect(
        await store.requestCancel(other.id, 'user:default/joe', at(6)),
      ).toMatchObject({ result: 'cancelling' });
      await store.claim('a', at(7), LEASE, 10);
      await store.update(
        other.id,
        'a',
        { state: 'cancelled', endedAt: at(8) },
        { now: at(8), leaseMs: LEASE, releaseLease: true },
      );
      expect(
        await store.requestCancel(other.id, 'user:default/joe', at(9)),
      ).toMatchObject({ result: 'refused', reason: 'ended' });
      expect(await store.requestCancel('nope', 'x', at(9))).toEqual({
        result: 'not-found',
      });
      expect(await store.activeRun('component:default/billing')).toBe(
        undefined,
      );
    });
  });
});
