import { TestDatabases } from '@backstage/backend-test-utils';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import { DrStatusStore } from './DrStatusStore';

// PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a server
// (scripts/test.sh starts one); never through Docker. Without it the PostgreSQL tests are skipped.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

function record(
  name: string,
  verdict: DrServiceRecord['verdict'],
  rpo: number,
  updatedAt: string,
): DrServiceRecord {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    verdict,
    achievedRpoSeconds: rpo,
    clusters: ['prod-eu'],
    updatedAt,
  };
}

describe.each(['SQLITE_3', 'POSTGRES_15'] as const)(
  'DrStatusStore on %s',
  id => {
    const maybe = databases.supports(id) ? describe : describe.skip;

    async function createStore() {
      const knex = await databases.init(id);
      return DrStatusStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      });
    }

    maybe('status store', () => {
      it('keeps the last refresh of each service, drops services gone, and serves the overview list', async () => {
        const store = await createStore();
        await store.replaceAll(
          [
            record('a', 'compliant', 60, '2026-11-25T10:00:00Z'),
            record('b', 'breached', 9000, '2026-11-25T10:00:00Z'),
          ],
          '2026-11-25T10:00:00Z',
        );
        await store.replaceAll(
          [record('a', 'at-risk', 3000, '2026-11-25T10:05:00Z')],
          '2026-11-25T10:05:00Z',
        );
        expect(await store.get('component:default/b')).toBeUndefined();
        expect(await store.get('component:default/a')).toMatchObject({
          verdict: 'at-risk',
          achievedRpoSeconds: 3000,
        });
        expect((await store.listAll()).map(r => [r.name, r.verdict])).toEqual([
          ['a', 'at-risk'],
        ]);
        expect(
          await store.history(
            'component:default/a',
            '2026-11-25T00:00:00Z',
            '2026-11-26T00:00:00Z',
          ),
        ).toEqual([
          {
            time: '2026-11-25T10:00:00Z',
            resolution: 'refresh',
            verdict: 'compliant',
            achievedRpoSeconds: 60,
          },
          {
            time: '2026-11-25T10:05:00Z',
            resolution: 'refresh',
            verdict: 'at-risk',
            achievedRpoSeconds: 3000,
          },
        ]);
      });

      it('compacts history to the last point of each hour after a day and of each day after a week', async () => {
        const store = await createStore();
        const times = [
          '2026-11-10T08:05:00Z', // older than a week: the last of 2026-11-10 stays
          '2026-11-10T20:05:00Z',
          '2026-11-20T09:05:00Z', // older than a day: the last of each hour stays
          '2026-11-20T09:35:00Z',
          '2026-11-20T10:05:00Z',
          '2026-11-25T11:00:00Z', // within a day: every point stays
          '2026-11-25T11:05:00Z',
        ];
        for (const [i, t] of times.entries()) {
          await store.replaceAll([record('a', 'compliant', i, t)], t);
        }
        const now = new Date('2026-11-25T11:10:00Z');
        expect(await store.compactHistory(now)).toBe(2);
        const all = () =>
          store.history(
            'component:default/a',
            '2000-01-01T00:00:00Z',
            '2100-01-01T00:00:00Z',
          );
        expect((await all()).map(p => [p.time, p.resolution])).toEqual([
          ['2026-11-10T20:05:00Z', 'day'],
          ['2026-11-20T09:35:00Z', 'hour'],
          ['2026-11-20T10:05:00Z', 'hour'],
          ['2026-11-25T11:00:00Z', 'refresh'],
          ['2026-11-25T11:05:00Z', 'refresh'],
        ]);
        // Three days later the hourly points of 2026-11-20 become one daily point, and the points of
        // 2026-11-25 one hourly point; the daily point of 2026-11-10 is not read again.
        expect(
          await store.compactHistory(new Date('2026-11-28T00:00:00Z')),
        ).toBe(2);
        expect((await all()).map(p => [p.time, p.resolution])).toEqual([
          ['2026-11-10T20:05:00Z', 'day'],
          ['2026-11-20T10:05:00Z', 'day'],
          ['2026-11-25T11:05:00Z', 'hour'],
        ]);
      });

      it('counts each service by its last verdict of each day for the overview trend, the same after compaction', async () => {
        const store = await createStore();
        const refresh = (
          t: string,
          verdicts: Array<[string, DrServiceRecord['verdict']]>,
        ) =>
          store.replaceAll(
            verdicts.map(([name, verdict]) => record(name, verdict, 60, t)),
            t,
          );
        await refresh('2026-11-20T09:00:00Z', [
          ['a', 'compliant'],
          ['b', 'compliant'],
        ]);
        await refresh('2026-11-20T23:30:00Z', [
          ['a', 'breached'], // a's last point of the 20th
          ['b', 'compliant'],
        ]);
        await refresh('2026-11-22T08:00:00Z', [
          ['a', 'at-risk'],
          ['b', 'compliant'],
          ['c', 'invalid'],
        ]);
        const expected = [
          { date: '2026-11-19', counts: {}, total: 0 },
          {
            date: '2026-11-20',
            counts: { breached: 1, compliant: 1 },
            total: 2,
          },
          { date: '2026-11-21', counts: {}, total: 0 },
          {
            date: '2026-11-22',
            counts: { 'at-risk': 1, compliant: 1, invalid: 1 },
            total: 3,
          },
        ];
        expect(
          await store.dailyVerdictCounts('2026-11-19', '2026-11-22'),
        ).toEqual(expected);
        expect(
          await store.dailyVerdictCounts(
            '2026-11-19',
            '2026-11-22',
            new Set(['component:default/a']),
          ),
        ).toEqual([
          { date: '2026-11-19', counts: {}, total: 0 },
          { date: '2026-11-20', counts: { breached: 1 }, total: 1 },
          { date: '2026-11-21', counts: {}, total: 0 },
          { date: '2026-11-22', counts: { 'at-risk': 1 }, total: 1 },
        ]);
        await store.compactHistory(new Date('2026-12-01T00:00:00Z'));
        expect(
          await store.dailyVerdictCounts('2026-11-19', '2026-11-22'),
        ).toEqual(expected);
      });
    });
  },
);
