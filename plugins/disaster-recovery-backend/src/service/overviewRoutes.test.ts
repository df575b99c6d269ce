import { mockErrorHandler, TestDatabases } from '@backstage/backend-test-utils';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { DrStatusStore } from '../database/DrStatusStore';
import { addOverviewRoutes } from './overviewRoutes';

// GET /overview through HTTP: the routes on a real status store (SQLite), filled as a refresh
// fills it; every service readable.

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const NOW = '2026-11-30T06:00:00Z';

function record(
  name: string,
  fields: Partial<DrServiceRecord> = {},
): DrServiceRecord {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    owner: 'group:default/payments-team',
    tier: 'tier-1',
    tierRank: 1,
    strategy: 'warm-standby',
    verdict: 'compliant',
    clusters: ['prod-eu'],
    updatedAt: NOW,
    ...fields,
  };
}

const records = [
  record('payments-api', { title: ';=1+1' }),
  record('payments-db', { title: '=HYPERLINK("http://evil.example","x")' }),
  record('orders-db', {
    owner: 'group:default/commerce-team',
    tier: 'tier-2',
    tierRank: 2,
    strategy: 'backup-restore',
    verdict: 'breached',
    title: 'Orders "DB", primary',
    clusters: ['prod-eu', 'dr-us'],
    rpoSeconds: 7200,
  }),
  record('formulas', {
    owner: 'group:default/commerce-team',
    title: '+1',
    firstReason: '-2+3',
    system: '@SUM(A1)',
  }),
  record('controls', {
    owner: 'user:default/jane',
    title: '\tx',
    firstReason: '\rx',
  }),
  record('separator', { owner: 'user:default/jane', title: ',=1+1' }),
];

async function startApp(tiers = ['tier-0', 'tier-1', 'tier-2', 'tier-3']) {
  const knex = await databases.init('SQLITE_3');
  const store = await DrStatusStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  await store.replaceAll(records, NOW);
  await store.replaceClusterHealth(
    ['prod-eu', 'dr-us', 'staging'].map(cluster => ({
      cluster,
      reachable: true,
      providers: [],
      errors: [],
      checkedAt: NOW,
    })),
    NOW,
  );
  const router = Router();
  addOverviewRoutes(router, {
    store,
    readableRefs: async () => undefined,
    runState: async r => r,
    tiers,
  });
  const app = express();
  app.use(router);
  app.use(mockErrorHandler());
  return app;
}

const names = (res: request.Response) =>
  res.body.items.map((i: DrServiceRecord) => i.name).sort();

describe('GET /overview filters', () => {
  let app: express.Express;
  beforeAll(async () => {
    app = await startApp();
  });

  it('refuses a tier that is not configured, naming the configured ones', async () => {
    const res = await request(app).get('/overview?tier=platinum');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message:
        'tier: "platinum" is not a configured tier; use one of tier-0, tier-1, tier-2, tier-3',
    });
    const ok = await request(app).get('/overview?tier=tier-2&tier=tier-0');
    expect(ok.status).toBe(200);
    expect(names(ok)).toEqual(['orders-db']);
  });

  it('takes the tiers from the configured policies', async () => {
    const custom = await startApp(['gold', 'silver']);
    expect((await request(custom).get('/overview?tier=gold')).status).toBe(200);
    const res = await request(custom).get('/overview?tier=tier-1');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      'tier: "tier-1" is not a configured tier; use one of gold, silver',
    );
  });

  it('refuses a cluster that no refresh has seen, whatever it contains', async () => {
    const res = await request(app).get(
      `/overview?cluster=${encodeURIComponent("x' OR '1'='1")}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `cluster: "x' OR '1'='1" is not a known cluster; use one of dr-us, prod-eu, staging`,
    );
    // A cluster of the last refresh that no service uses is known: it matches nothing.
    const staging = await request(app).get('/overview?cluster=staging');
    expect(staging.status).toBe(200);
    expect(staging.body.totalCount).toBe(0);
    const drUs = await request(app).get('/overview?cluster=dr-us');
    expect(names(drUs)).toEqual(['orders-db']);
  });

  it('refuses an unknown verdict or strategy, also among repeated values', async () => {
    const verdict = await request(app).get(
      '/overview?verdict=compliant&verdict=green',
    );
    expect(verdict.status).toBe(400);
    expect(verdict.body.error.message).toBe(
      'verdict: "green" is not a verdict; use one of compliant, at-risk, breached, unknown, invalid, undeclared',
    );
    const strategy = await request(app).get('/overview?strategy=hot-standby');
    expect(strategy.status).toBe(400);
    expect(strategy.body.error.message).toMatch(
      /^strategy: "hot-standby" is not a strategy; use one of .*warm-standby/,
    );
    const empty = await request(app).get('/overview?verdict=');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/^verdict: "" is not a verdict/);
  });

  it('reads owners as the catalog reads spec.owner: kind group and namespace default unless given', async () => {
    const forms = [
      'group:default/payments-team',
      'group:payments-team',
      'payments-team',
      'default/payments-team',
      'Group:Default/Payments-Team',
    ];
    for (const owner of forms) {
      const res = await request(app).get(
        `/overview?owner=${encodeURIComponent(owner)}`,
      );
      expect([owner, res.status, names(res)]).toEqual([
        owner,
        200,
        ['payments-api', 'payments-db'],
      ]);
    }
    const user = await request(app).get('/overview?owner=user:jane');
    expect(names(user)).toEqual(['controls', 'separator']);
    // jane is a user, not a group: a bare name is a group.
    expect(
      (await request(app).get('/overview?owner=jane')).body.totalCount,
    ).toBe(0);
  });

  it('refuses an owner that is not an entity ref, naming the part', async () => {
    const notRef = await request(app).get('/overview?owner=group:default/');
    expect(notRef.status).toBe(400);
    expect(notRef.body.error.message).toBe(
      'owner: "group:default/" is not an entity ref; use [kind:][namespace/]name, e.g. group:default/payments-team or payments-team',
    );
    const badName = await request(app).get(
      `/overview?owner=${encodeURIComponent("x' OR '1'='1")}`,
    );
    expect(badName.status).toBe(400);
    expect(badName.body.error.message).toMatch(
      /^owner: name "x' OR '1'='1" is not a valid entity name; use letters, digits/,
    );
  });

  it('repeats at most 100 characters of a bad value, with its length', async () => {
    const res = await request(app).get(`/overview?cluster=${'a'.repeat(5000)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      `cluster: "${'a'.repeat(
        100,
      )}…" (5000 characters) is not a known cluster; use one of dr-us, prod-eu, staging`,
    );
  });
});

describe('GET /overview?format=csv', () => {
  it('quotes every field and neutralises text a spreadsheet would run or split', async () => {
    const app = await startApp();
    const res = await request(app).get('/overview?format=csv&sort=name');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.split('\r\n');
    expect(lines).toHaveLength(records.length + 2);
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(
      '"entity_ref","name","title","owner","system","tier","strategy","verdict","first_reason","rpo_target_seconds","achieved_rpo_seconds","rto_target_seconds","measured_rto_seconds","last_drill_at","newest_recovery_point_at","clusters","updated_at"',
    );
    const row = (name: string) =>
      lines.find(l => l.startsWith(`"component:default/${name}"`));
    expect(row('payments-api')).toBe(
      `"component:default/payments-api","payments-api","';=1+1","group:default/payments-team","","tier-1","warm-standby","compliant","","","","","","","","prod-eu","${NOW}"`,
    );
    // A separator or a quote inside a field stays inside it.
    expect(row('orders-db')).toBe(
      `"component:default/orders-db","orders-db","Orders ""DB"", primary","group:default/commerce-team","","tier-2","backup-restore","breached","","7200","","","","","","prod-eu dr-us","${NOW}"`,
    );
    expect(row('payments-db')).toContain(
      `,"'=HYPERLINK(""http://evil.example"",""x"")",`,
    );
    expect(row('formulas')).toContain(',"\'+1",');
    expect(row('formulas')).toContain(',"\'@SUM(A1)",');
    expect(row('formulas')).toContain(',"\'-2+3",');
    expect(row('separator')).toContain(',"\',=1+1",');
    // A tab and a carriage return first are neutralised too; the CR stays inside its quotes.
    expect(res.text).toContain(',"\'\tx",');
    expect(res.text).toContain(',"\'\rx",');
  });
});
