import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { DrStatusStore } from '../database/DrStatusStore';
import { addOverviewRoutes } from './overviewRoutes';

// GET /overview's cluster roles (`clusterRole=primary|recovery`) and the `attention` sort,
// through HTTP on the real status store (SQLite in memory).

const UPDATED = '2026-11-30T12:00:00Z';

function service(
  name: string,
  parts: Partial<DrServiceRecord> = {},
): DrServiceRecord {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    verdict: 'compliant',
    tier: 'tier-1',
    tierRank: 1,
    clusters: ['prod-eu', 'dr-us'],
    primaryClusters: ['prod-eu'],
    recoveryCluster: 'dr-us',
    updatedAt: UPDATED,
    ...parts,
  };
}

const records = [
  service('orders-db', {
    verdict: 'at-risk',
    achievedRpoSeconds: 3000,
    firstReason: 'Achieved RPO is 50m. Shorten the schedule.',
    firstNextStep: 'Shorten the schedule.',
  }),
  service('payments-db', {
    verdict: 'breached',
    tier: 'tier-0',
    tierRank: 0,
    achievedRpoSeconds: 600,
  }),
  service('ledger-db', {
    verdict: 'breached',
    tier: 'tier-0',
    tierRank: 0,
    achievedRpoSeconds: 7200,
  }),
  service('ledger-api', { verdict: 'breached', tier: 'tier-0', tierRank: 0 }),
  service('search', { verdict: 'breached', tier: 'tier-2', tierRank: 2 }),
  service('reports', {
    primaryClusters: ['dr-us'],
    recoveryCluster: 'prod-eu',
  }),
  // Failed over to dr-us: runs there now, would go back to prod-eu.
  service('moved-api', { activeCluster: 'dr-us' }),
];

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

async function startApp() {
  const knex = await databases.init('SQLITE_3');
  const store = await DrStatusStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  await store.replaceAll(records, UPDATED);
  const router = Router();
  addOverviewRoutes(router, {
    store,
    readableRefs: async () => undefined,
    // The active cluster comes from the runs: here from the fixture.
    runState: async rs =>
      rs.map(r =>
        r.name === 'moved-api' ? { ...r, activeCluster: 'dr-us' } : r,
      ),
    tiers: ['tier-0', 'tier-1', 'tier-2', 'tier-3'],
  } as Parameters<typeof addOverviewRoutes>[1]);
  const app = express();
  app.use(router);
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return app;
}

describe('GET /overview cluster roles and attention order', () => {
  let app: express.Express;
  beforeAll(async () => {
    app = await startApp();
  });

  const names = async (query: string) => {
    const res = await request(app).get(`/overview?${query}`);
    expect(res.status).toBe(200);
    return (res.body.items as DrServiceRecord[]).map(r => r.name).sort();
  };

  it('matches a cluster in any role without clusterRole', async () => {
    expect(await names('cluster=dr-us')).toHaveLength(records.length);
  });

  it('matches where services run now with clusterRole=primary', async () => {
    expect(await names('cluster=dr-us&clusterRole=primary')).toEqual([
      'moved-api',
      'reports',
    ]);
    expect(await names('cluster=prod-eu&clusterRole=primary')).not.toContain(
      'moved-api',
    );
  });

  it('matches where services would go with clusterRole=recovery', async () => {
    expect(await names('cluster=prod-eu&clusterRole=recovery')).toEqual([
      'moved-api',
      'reports',
    ]);
  });

  it('answers 400 for another role', async () => {
    const res = await request(app).get(
      '/overview?cluster=prod-eu&clusterRole=standby',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('clusterRole: use primary or recovery');
  });

  it('sorts by attention: breached, then at risk; most critical tier, then worst exposure', async () => {
    const res = await request(app).get(
      '/overview?verdict=breached&verdict=at-risk&sort=attention',
    );
    expect(
      (res.body.items as DrServiceRecord[]).map(r => [r.name, r.firstNextStep]),
    ).toEqual([
      ['ledger-api', undefined],
      ['ledger-db', undefined],
      ['payments-db', undefined],
      ['search', undefined],
      ['orders-db', 'Shorten the schedule.'],
    ]);
  });

  it('adds the first services that need attention with attention=<n>, in the same answer', async () => {
    const res = await request(app).get(
      '/overview?sort=name&limit=2&attention=3',
    );
    expect(res.status).toBe(200);
    // The page follows its own sort and limit; `attention` the attention order and its limit.
    expect((res.body.items as DrServiceRecord[]).map(r => r.name)).toEqual([
      'ledger-api',
      'ledger-db',
    ]);
    expect(res.body.attention.totalCount).toBe(5);
    expect(
      (res.body.attention.items as DrServiceRecord[]).map(r => r.name),
    ).toEqual(['ledger-api', 'ledger-db', 'payments-db']);
    // Without the parameter, no `attention`.
    const plain = await request(app).get('/overview?sort=name');
    expect(plain.body).not.toHaveProperty('attention');
  });

  it('takes the filters into attention: only the matching services count', async () => {
    const res = await request(app).get(
      '/overview?tier=tier-1&tier=tier-2&attention=5',
    );
    expect(
      (res.body.attention.items as DrServiceRecord[]).map(r => r.name),
    ).toEqual(['search', 'orders-db']);
    expect(res.body.attention.totalCount).toBe(2);
    const compliant = await request(app).get(
      '/overview?verdict=compliant&attention=5',
    );
    expect(compliant.body.attention).toEqual({ items: [], totalCount: 0 });
  });

  it('answers 400 for an attention count outside 1 to 50', async () => {
    for (const value of ['0', '51', 'five', '2.5']) {
      const res = await request(app).get(`/overview?attention=${value}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'attention: use a whole number from 1 to 50',
      );
    }
  });
});
