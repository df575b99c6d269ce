import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  PermissionsService,
  PermissionsServiceRequestOptions,
} from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DrClusterLossResponse,
  DrServiceRecord,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { DrStatusStore } from '../database/DrStatusStore';
import { readableEntityRefs } from './access';
import { addClusterLossRoutes } from './clusterLossRoutes';
import { neutraliseCsvText } from './csv';

// GET /overview/cluster-loss through HTTP: the route on an express app with the real status
// store (SQLite in memory), the real access check with a mocked catalog and permission decision,
// and the plugin's error handling.

const NOW = Date.parse('2026-11-30T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();
const UPDATED = ago(60);

function status(parts: Partial<DrStatus>): DrStatus {
  return {
    verdict: 'compliant',
    reasons: [],
    evaluatedAt: UPDATED,
    achievedRpoSeconds: null,
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: [],
    lastDrill: null,
    measuredRtoSeconds: null,
    unreadable: [],
    primaryClusters: ['prod-eu'],
    primarySource: 'annotation',
    ...parts,
  };
}

function service(
  name: string,
  parts: Partial<DrServiceRecord> & { status?: DrStatus },
): DrServiceRecord {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    verdict: parts.status?.verdict ?? 'compliant',
    clusters: ['prod-eu', 'dr-us'],
    primaryClusters: ['prod-eu'],
    recoveryCluster: 'dr-us',
    updatedAt: UPDATED,
    ...parts,
  };
}

const point = (
  cluster: string,
  secondsAgo: number,
  name = `backup-${secondsAgo}`,
) => ({
  time: ago(secondsAgo),
  source: 'velero-backup' as const,
  kind: 'Backup',
  name,
  namespace: 'velero',
  cluster,
  usable: true,
  counted: true,
});

const pvc = (name: string, newest?: ReturnType<typeof point>) => ({
  cluster: 'prod-eu',
  namespace: 'payments',
  pvc: name,
  coveredBy: [],
  newestPoint: newest ?? null,
  achievedRpoSeconds: newest ? NOW - Date.parse(newest.time) : null,
  cadenceSeconds: 3600,
});

const records: DrServiceRecord[] = [
  // Two PVCs: the worst one (20 min) is the exposure, above the 5 min RPO; restored within RTO.
  service('payments-db', {
    owner: 'group:default/payments-team',
    tier: 'tier-0',
    tierRank: 0,
    rpoSeconds: 300,
    rtoSeconds: 900,
    measuredRtoSeconds: 600,
    status: status({
      recoveryPoints: [
        point('prod-eu', 120, 'payments-hourly-2'),
        point('dr-us', 1200, 'payments-hourly-1'),
      ],
      coverage: [
        pvc('data-payments-db-0', point('prod-eu', 120)),
        pvc('data-payments-db-1', point('dr-us', 1200)),
      ],
      lastDrill: {
        kind: 'Restore',
        name: 'payments-drill',
        cluster: 'dr-us',
        type: 'restore',
        startedAt: ago(7200),
        completedAt: ago(6600),
        measuredRtoSeconds: 600,
      },
    }),
  }),
  // No PVC: its newest counted point (1 min) is the exposure; never restored.
  service('payments-api', {
    owner: 'group:default/payments-team',
    tier: 'tier-0',
    tierRank: 0,
    rpoSeconds: 300,
    status: status({ recoveryPoints: [point('prod-eu', 60)] }),
  }),
  // Recovers to a cluster that does not answer.
  service('email-gateway', {
    owner: 'group:default/messaging-team',
    tier: 'tier-2',
    tierRank: 2,
    rpoSeconds: 86400,
    recoveryCluster: 'dr-asia',
    clusters: ['prod-eu', 'dr-asia'],
    status: status({ recoveryPoints: [point('prod-eu', 3600)] }),
  }),
  // A PVC with no surviving recovery point: everything would be lost.
  service('orders-db', {
    owner: 'group:default/commerce-team',
    tier: 'tier-1',
    tierRank: 1,
    rpoSeconds: 3600,
    status: status({
      verdict: 'breached',
      coverage: [pvc('data-orders-db-0')],
    }),
  }),
  // Failed over to dr-us (see runState below): not on prod-eu any more.
  service('moved-api', {
    owner: 'group:default/commerce-team',
    tier: 'tier-1',
    tierRank: 1,
    status: status({ recoveryPoints: [point('prod-eu', 30)] }),
  }),
  // Not readable under the conditional decision.
  service('secret-db', {
    owner: 'group:default/payments-team',
    tier: 'tier-0',
    tierRank: 0,
    rpoSeconds: 300,
    status: status({ recoveryPoints: [point('prod-eu', 30)] }),
  }),
  // Runs on dr-us.
  service('reports', {
    owner: '=HYPERLINK("http://evil")',
    tier: 'tier-3',
    tierRank: 3,
    primaryClusters: ['dr-us'],
    recoveryCluster: 'prod-eu',
    status: status({ recoveryPoints: [point('dr-us', 600)] }),
  }),
  // Undeclared: no primary, never affected.
  {
    ...service('wiki', {}),
    verdict: 'undeclared',
    primaryClusters: undefined,
    recoveryCluster: undefined,
    clusters: [],
  },
];

const entities: Entity[] = records
  .filter(r => r.name !== 'secret-db')
  .map(r => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: r.name, namespace: 'default' },
    spec: {},
  }));

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

let decision: AuthorizeResult;

async function startApp() {
  const knex = await databases.init('SQLITE_3');
  const store = await DrStatusStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  await store.replaceAll(records, UPDATED);
  await store.replaceClusterHealth(
    [
      { cluster: 'prod-eu', reachable: true, providers: [], errors: [] },
      { cluster: 'dr-us', reachable: true, providers: [], errors: [] },
      { cluster: 'dr-asia', reachable: false, providers: [], errors: [] },
    ].map(h => ({ ...h, checkedAt: UPDATED })),
    UPDATED,
  );
  const permissions: PermissionsService = {
    async authorize(requests) {
      return requests.map(() => ({ result: decision } as never));
    },
    async authorizeConditional(
      requests,
      _options?: PermissionsServiceRequestOptions,
    ) {
      return requests.map(
        () =>
          (decision === AuthorizeResult.CONDITIONAL
            ? {
                result: decision,
                pluginId: 'catalog',
                resourceType: 'catalog-entity',
                conditions: { rule: 'IS_ENTITY_OWNER', params: {} },
              }
            : { result: decision }) as never,
      );
    },
  };
  const router = Router();
  addClusterLossRoutes(router, {
    store,
    readableRefs: readableEntityRefs({
      httpAuth: mockServices.httpAuth(),
      permissions,
      catalog: catalogServiceMock({ entities }),
    }),
    // moved-api completed a failover to dr-us.
    runState: async rs =>
      rs.map(r =>
        r.name === 'moved-api' ? { ...r, activeCluster: 'dr-us' } : r,
      ),
    now: () => NOW,
  });
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

const names = (body: DrClusterLossResponse) =>
  body.groups.map(g => [g.owner, g.services.map(s => s.name)]);

describe('GET /overview/cluster-loss', () => {
  let app: express.Express;
  beforeAll(async () => {
    app = await startApp();
  });
  beforeEach(() => {
    decision = AuthorizeResult.CONDITIONAL;
  });

  it('lists the readable services of the cluster by owner, worst exposure first, with totals', async () => {
    const res = await request(app).get(
      '/overview/cluster-loss?cluster=prod-eu',
    );
    expect(res.status).toBe(200);
    const body = res.body as DrClusterLossResponse;
    expect(body.cluster).toBe('prod-eu');
    expect(body.clusterState).toBe('ok');
    expect(names(body)).toEqual([
      ['group:default/commerce-team', ['orders-db']],
      ['group:default/messaging-team', ['email-gateway']],
      ['group:default/payments-team', ['payments-db', 'payments-api']],
    ]);
    expect(body.totals).toEqual({
      services: 4,
      mostCriticalTier: 2,
      mostCriticalTierName: 'tier-0',
      overRpo: 2,
      neverRestored: 3,
      cannotComeBack: 2,
    });
    expect(body.summary).toBe(
      '4 services, 2 tier-0: 2 would lose more than their RPO, 3 have never been restored, 2 cannot come back.',
    );
    expect(body.evaluatedAt).toBe('2026-11-30T12:00:00.000Z');
  });

  it('gives each service its exposure by the worst PVC and whether it can come back', async () => {
    const res = await request(app).get(
      '/overview/cluster-loss?cluster=prod-eu',
    );
    const all = (res.body as DrClusterLossResponse).groups.flatMap(
      g => g.services,
    );
    const byName = Object.fromEntries(all.map(s => [s.name, s]));
    expect(byName['payments-db']).toMatchObject({
      role: 'primary',
      exposureSeconds: 1200,
      worstPvc: 'payments/data-payments-db-1',
      overRpo: true,
      recoveryCluster: 'dr-us',
      recoveryClusterState: 'ok',
      recoveryPoint: {
        name: 'payments-hourly-2',
        cluster: 'prod-eu',
        onRecoveryCluster: true,
      },
      lastRestore: {
        kind: 'Restore',
        name: 'payments-drill',
        completedAt: ago(6600),
        measuredRtoSeconds: 600,
      },
      overRto: false,
      recoverable: 'yes',
      gaps: [],
    });
    expect(byName['payments-api']).toMatchObject({
      exposureSeconds: 60,
      overRpo: false,
      recoveryPoint: { onRecoveryCluster: false },
      lastRestore: null,
      recoverable: 'doubtful',
      gaps: ['Never restored: no drill, failover or restore.'],
    });
    expect(byName['email-gateway']).toMatchObject({
      exposureSeconds: 3600,
      recoveryCluster: 'dr-asia',
      recoveryClusterState: 'unreachable',
      recoverable: 'no',
    });
    expect(byName['email-gateway'].gaps[0]).toBe(
      'Recovery cluster dr-asia is unreachable.',
    );
    expect(byName['orders-db']).toMatchObject({
      exposureSeconds: null,
      worstPvc: 'payments/data-orders-db-0',
      overRpo: true,
      recoveryPoint: null,
      recoverable: 'no',
    });
    expect(byName['orders-db'].gaps).toContain(
      'No recovery point survives the loss of prod-eu.',
    );
  });

  it('counts a failed-over service on its active cluster, coming back to the one it left', async () => {
    const res = await request(app).get('/overview/cluster-loss?cluster=dr-us');
    const body = res.body as DrClusterLossResponse;
    const all = body.groups.flatMap(g => g.services);
    expect(all.map(s => [s.name, s.role])).toEqual([
      ['reports', 'primary'],
      ['moved-api', 'active'],
    ]);
    expect(all[1]).toMatchObject({
      recoveryCluster: 'prod-eu',
      recoveryClusterState: 'ok',
    });
  });

  it('shows every service when the caller may read every entity, none when none', async () => {
    decision = AuthorizeResult.ALLOW;
    const allowed = await request(app).get(
      '/overview/cluster-loss?cluster=prod-eu',
    );
    expect(allowed.body.totals.services).toBe(5);
    expect(allowed.body.summary).toMatch(/^5 services, 3 tier-0:/);

    decision = AuthorizeResult.DENY;
    const denied = await request(app).get(
      '/overview/cluster-loss?cluster=prod-eu',
    );
    expect(denied.body).toMatchObject({
      groups: [],
      totals: { services: 0 },
      summary: 'No service runs on prod-eu as its primary or active cluster.',
    });
  });

  it('answers 400 naming the parameter and the known clusters', async () => {
    const missing = await request(app).get('/overview/cluster-loss');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      'cluster: is required; use one of dr-asia, dr-us, prod-eu',
    );
    const unknown = await request(app).get(
      '/overview/cluster-loss?cluster=prod-xx',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe(
      "cluster: 'prod-xx' is not a known cluster; use one of dr-asia, dr-us, prod-eu",
    );
    const format = await request(app).get(
      '/overview/cluster-loss?cluster=prod-eu&format=xml',
    );
    expect(format.status).toBe(400);
    expect(format.body.error.message).toMatch(/^format: /);
  });

  it('exports the same services as CSV, every field quoted, formulas neutralised', async () => {
    decision = AuthorizeResult.ALLOW;
    const res = await request(app).get(
      '/overview/cluster-loss?cluster=dr-us&format=csv',
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(
      'disaster-recovery-cluster-loss-dr-us.csv',
    );
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^"owner","entity_ref","name","tier","strategy","verdict","role","exposure_seconds",/,
    );
    expect(lines[1]).toMatch(
      /^"'=HYPERLINK\(""http:\/\/evil""\)","component:default\/reports","reports","tier-3","","compliant","primary","600",/,
    );
    expect(lines[2]).toContain('"component:default/moved-api"');
    expect(lines[2]).toContain('"active"');
  });
});

describe('neutraliseCsvText', () => {
  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', ',x', ';x'])(
    'prefixes %j with a single quote',
    text => expect(neutraliseCsvText(text)).toBe(`'${text}`),
  );
  it('leaves other text alone', () => {
    expect(neutraliseCsvText('orders-db')).toBe('orders-db');
  });
});
