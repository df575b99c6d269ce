import {
  BackendFeature,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
// The package's default export is a feature loader (plugin and scheduler guard); the test
// backend wants the features themselves.
import {
  disasterRecoveryModuleSchedulerGuard,
  disasterRecoveryPlugin as plugin,
  drModuleVeleroProvider,
  drModuleWorkloadsProvider,
} from '.';
import { drRunStepsServiceRef } from './runs/runStepsServiceRef';
import {
  FakeKube,
  deferred,
  eventually,
  testSteps,
} from './runs/__testUtils__/runTestKit';

// The plugin end to end, through its public HTTP API: the catalog is an in-memory mock, the
// Kubernetes backend's proxy is mocked at the HTTP level.

const KUBE = 'http://kubernetes.test/api/kubernetes';
const NOW = Date.now();
const ago = (minutes: number) =>
  new Date(NOW - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'database',
      owner: 'commerce-team',
      lifecycle: 'production',
      system: 'commerce',
    },
  };
}

const entities = [
  component('orders-db', {
    'backstage.io/kubernetes-id': 'orders-db',
    'backstage.io/kubernetes-namespace': 'commerce',
    'disaster-recovery/tier': 'tier-2',
    'disaster-recovery/strategy': 'backup-restore',
    'disaster-recovery/rpo': '2h',
    'disaster-recovery/primary-cluster': 'prod-eu',
    'disaster-recovery/recovery-cluster': 'dr-us',
  }),
  component('billing-worker', {
    'backstage.io/kubernetes-id': 'billing-worker',
    'disaster-recovery/tier': 'tier-1',
    'disaster-recovery/strategy': 'backup-restore',
  }),
  component('feature-flags', { 'backstage.io/kubernetes-id': 'feature-flags' }),
];

const velero = 'velero.io/v1';
const labels = { 'backstage.io/kubernetes-id': 'orders-db' };
const prodEu: Record<string, object[]> = {
  '/apis/apps/v1/statefulsets': [
    {
      metadata: { name: 'orders-db', namespace: 'commerce', labels },
      spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
    },
  ],
  '/apis/apps/v1/deployments': [],
  '/api/v1/persistentvolumeclaims': [
    { metadata: { name: 'data-orders-db-0', namespace: 'commerce', labels } },
  ],
  '/apis/velero.io/v1/schedules': [
    {
      apiVersion: velero,
      kind: 'Schedule',
      metadata: { name: 'commerce-hourly', namespace: 'velero' },
      spec: {
        schedule: '0 * * * *',
        template: {
          includedNamespaces: ['commerce'],
          snapshotMoveData: true,
          storageLocation: 'default',
        },
      },
    },
  ],
  '/apis/velero.io/v1/backups': [
    {
      metadata: { name: 'commerce-hourly-1', namespace: 'velero' },
      spec: {
        includedNamespaces: ['commerce'],
        snapshotMoveData: true,
        storageLocation: 'default',
      },
      status: {
        phase: 'Completed',
        startTimestamp: ago(30),
        completionTimestamp: ago(28),
        expiration: ago(-1000),
      },
    },
  ],
  '/apis/velero.io/v1/restores': [],
  '/apis/velero.io/v1/backupstoragelocations': [
    {
      metadata: { name: 'default', namespace: 'velero' },
      spec: { default: true },
      status: { phase: 'Available' },
    },
  ],
};
const drUs: Record<string, object[]> = {
  '/apis/apps/v1/statefulsets': [],
  '/apis/apps/v1/deployments': [],
  '/api/v1/persistentvolumeclaims': [],
  '/apis/velero.io/v1/restores': [
    {
      metadata: { name: 'orders-drill', namespace: 'velero' },
      spec: { backupName: 'commerce-hourly-1' },
      status: {
        phase: 'Completed',
        startTimestamp: ago(50),
        completionTimestamp: ago(20),
      },
    },
  ],
};

let drUsDown = false;
// Set to hold catalog reads (a refresh's first step) until it resolves; catalogReads counts them.
let holdCatalog: Promise<void> | undefined;
let catalogReads = 0;
const msw = setupServer(
  http.get(`${KUBE}/clusters`, () =>
    HttpResponse.json({ items: [{ name: 'prod-eu' }, { name: 'dr-us' }] }),
  ),
  http.get(`${KUBE}/proxy/*`, ({ request: req }) => {
    const url = new URL(req.url);
    const path = url.pathname.replace('/api/kubernetes/proxy', '');
    const cluster = req.headers.get('backstage-kubernetes-cluster');
    if (cluster === 'dr-us' && drUsDown) {
      return HttpResponse.json(
        {
          error: {
            name: 'ForwardedError',
            message: "Cluster 'dr-us' request failed",
          },
        },
        { status: 500 },
      );
    }
    const objects = (cluster === 'prod-eu' ? prodEu : drUs)[path];
    if (!objects) {
      return HttpResponse.json(
        {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'the server could not find the requested resource',
        },
        { status: 404 },
      );
    }
    return HttpResponse.json({ kind: 'List', metadata: {}, items: objects });
  }),
);

beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => {
  drUsDown = false;
  holdCatalog = undefined;
});
afterAll(() => msw.close());

async function startBackend(
  permission:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  extra: BackendFeature[] = [],
  options: {
    /**
     * Backstage's own scheduler instead of the mock one (which runs a triggered task inline and
     * never refuses a trigger); the first refresh then runs at start.
     */
    realScheduler?: boolean;
  } = {},
) {
  return startTestBackend({
    features: [
      ...extra,
      ...(options.realScheduler ? [schedulerServiceFactory] : []),
      plugin,
      disasterRecoveryModuleSchedulerGuard,
      drModuleWorkloadsProvider,
      drModuleVeleroProvider,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => {
          const catalog = catalogServiceMock({ entities });
          const getEntities = catalog.getEntities.bind(catalog);
          catalog.getEntities = async (...args) => {
            catalogReads += 1;
            await holdCatalog;
            return getEntities(...args);
          };
          return catalog;
        },
      }),
      mockServices.discovery.mock({
        getBaseUrl: async (id: string) =>
          id === 'kubernetes' ? KUBE : `http://localhost/api/${id}`,
      }).factory,
      mockServices.permissions.factory({ result: permission }),
      mockServices.rootConfig.factory({
        data: {
          disasterRecovery: {
            refresh: {
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 1 },
                ...(options.realScheduler
                  ? {}
                  : { initialDelay: { hours: 1 } }),
              },
            },
            runs: { pollIntervalMs: 20 },
          },
        },
      }),
    ],
  });
}

async function refreshAndWait(
  server: any,
  entity = 'component/default/orders-db',
) {
  const before = await request(server).get(
    `/api/disaster-recovery/entities/${entity}/status`,
  );
  expect(
    (await request(server).post('/api/disaster-recovery/refresh')).status,
  ).toBe(202);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await request(server).get(
      `/api/disaster-recovery/entities/${entity}/status`,
    );
    if (res.status === 200 && res.body.updatedAt !== before.body?.updatedAt)
      return res.body;
    if (Date.now() > deadline)
      throw new Error(`no status: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('disasterRecoveryPlugin', () => {
  jest.setTimeout(30_000);

  it('judges services from the clusters and serves status, overview, history and cluster health', async () => {
    const backend = await startBackend();
    const { server } = backend;
    try {
      const status = await refreshAndWait(server);
      expect(status).toMatchObject({
        entityRef: 'component:default/orders-db',
        owner: 'group:default/commerce-team',
        system: 'system:default/commerce',
        tier: 'tier-2',
        tierRank: 2,
        strategy: 'backup-restore',
        verdict: 'compliant',
        rpoSeconds: 7200,
        achievedRpoSeconds: expect.any(Number),
        measuredRtoSeconds: 1800,
        clusters: ['prod-eu', 'dr-us'],
      });
      expect(status.achievedRpoSeconds).toBeGreaterThanOrEqual(1800);
      expect(status.status.recoveryPoints[0]).toMatchObject({
        name: 'commerce-hourly-1',
        counted: true,
      });

      const invalid = await request(server).get(
        '/api/disaster-recovery/entities/component/default/billing-worker/status',
      );
      expect(invalid.body).toMatchObject({
        verdict: 'invalid',
        firstReason: expect.stringContaining('disaster-recovery/strategy'),
      });

      const overview = await request(server).get(
        '/api/disaster-recovery/overview?sort=name',
      );
      expect(overview.status).toBe(200);
      expect(overview.body.totalCount).toBe(3);
      expect(overview.body.items.map((i: any) => [i.name, i.verdict])).toEqual([
        ['billing-worker', 'invalid'],
        ['feature-flags', 'undeclared'],
        ['orders-db', 'compliant'],
      ]);
      expect(overview.body.items[0].status).toBeUndefined();
      expect(overview.body.counts.verdict).toEqual({
        invalid: 1,
        undeclared: 1,
        compliant: 1,
      });

      const filtered = await request(server).get(
        '/api/disaster-recovery/overview?verdict=compliant&verdict=breached&tier=tier-2&limit=1',
      );
      expect(filtered.body.items.map((i: any) => i.name)).toEqual([
        'orders-db',
      ]);
      // A cluster the Kubernetes backend does not know is refused.
      expect(
        (
          await request(server).get(
            '/api/disaster-recovery/overview?cluster=dr-asia',
          )
        ).status,
      ).toBe(400);

      const history = await request(server).get(
        '/api/disaster-recovery/entities/component/default/orders-db/history',
      );
      expect(history.body.items).toEqual([
        {
          time: expect.any(String),
          resolution: 'refresh',
          verdict: 'compliant',
          achievedRpoSeconds: status.achievedRpoSeconds,
        },
      ]);

      const clusters = await request(server).get(
        '/api/disaster-recovery/clusters',
      );
      expect(clusters.body.items).toEqual([
        expect.objectContaining({
          cluster: 'dr-us',
          reachable: true,
          providers: [
            { id: 'workloads', title: 'Workloads', state: 'installed' },
            { id: 'velero', title: 'Velero', state: 'not-installed' },
          ],
        }),
        expect.objectContaining({
          cluster: 'prod-eu',
          reachable: true,
          providers: [
            { id: 'workloads', title: 'Workloads', state: 'installed' },
            { id: 'velero', title: 'Velero', state: 'installed' },
          ],
          errors: [],
          storageLocations: [
            {
              cluster: 'prod-eu',
              name: 'default',
              phase: 'Available',
              services: 1,
            },
          ],
        }),
      ]);
      expect(clusters.body.items[0].storageLocations).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('serves the overview counts, facets, CSV export and the daily compliance trend', async () => {
    const backend = await startBackend();
    const { server } = backend;
    try {
      await refreshAndWait(server);
      const overview = await request(server).get(
        '/api/disaster-recovery/overview?limit=1',
      );
      expect(overview.body.items).toHaveLength(1);
      expect(overview.body.counts).toEqual({
        verdict: { compliant: 1, invalid: 1, undeclared: 1 },
        // billing-worker's declaration is invalid, but its tier is valid: it counts in tier-1.
        tier: { 'tier-1': 1, 'tier-2': 1 },
        owner: { 'group:default/commerce-team': 3 },
        tierVerdict: { 'tier-1': { invalid: 1 }, 'tier-2': { compliant: 1 } },
        ownerVerdict: {
          'group:default/commerce-team': {
            compliant: 1,
            invalid: 1,
            undeclared: 1,
          },
        },
      });
      expect(overview.body.facets).toEqual({
        tier: ['tier-1', 'tier-2'],
        owner: ['group:default/commerce-team'],
        cluster: ['dr-us', 'prod-eu'],
        strategy: ['backup-restore'],
      });
      // Facets stay those of every readable service when a filter narrows the counts.
      const narrowed = await request(server).get(
        '/api/disaster-recovery/overview?verdict=undeclared&q=FEATURE',
      );
      expect(narrowed.body.totalCount).toBe(1);
      expect(narrowed.body.counts.verdict).toEqual({ undeclared: 1 });
      expect(narrowed.body.facets.cluster).toEqual(['dr-us', 'prod-eu']);
      expect(narrowed.body.criticalRecoveryPoints).toBeUndefined();

      // CSV: every matching row, no paging, same order as the JSON.
      const csv = await request(server).get(
        '/api/disaster-recovery/overview?format=csv&sort=name:desc&limit=1',
      );
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toContain(
        'disaster-recovery-overview.csv',
      );
      // Every field is quoted; none of these contains a quote or a separator.
      const fields = (line: string) => line.slice(1, -1).split('","');
      const lines = csv.text.trimEnd().split('\r\n');
      expect(fields(lines[0]).join(',')).toBe(
        'entity_ref,name,title,owner,system,tier,strategy,verdict,first_reason,rpo_target_seconds,achieved_rpo_seconds,rto_target_seconds,measured_rto_seconds,last_drill_at,newest_recovery_point_at,clusters,updated_at',
      );
      expect(lines.slice(1).map(l => fields(l)[1])).toEqual([
        'orders-db',
        'feature-flags',
        'billing-worker',
      ]);
      const orders = fields(lines[1]);
      expect(orders.slice(5, 8)).toEqual([
        'tier-2',
        'backup-restore',
        'compliant',
      ]);
      expect(orders[9]).toBe('7200');
      expect(orders[12]).toBe('1800');
      expect(orders[15]).toBe('prod-eu dr-us');

      const history = await request(server).get(
        '/api/disaster-recovery/overview/history?days=3',
      );
      expect(history.status).toBe(200);
      const today = new Date().toISOString().slice(0, 10);
      expect(history.body.days.map((d: any) => d.date)).toEqual([
        new Date(Date.parse(today) - 2 * 86400_000).toISOString().slice(0, 10),
        new Date(Date.parse(today) - 86400_000).toISOString().slice(0, 10),
        today,
      ]);
      expect(history.body.days[2]).toEqual({
        date: today,
        counts: { compliant: 1, invalid: 1, undeclared: 1 },
        total: 3,
      });
      expect(
        (await request(server).get('/api/disaster-recovery/overview/history'))
          .body.days,
      ).toHaveLength(30);
    } finally {
      await backend.stop();
    }
  });

  it('judges an invalid declaration’s evidence with its valid parts', async () => {
    const backend = await startBackend();
    try {
      const status = await refreshAndWait(
        backend.server,
        'component/default/billing-worker',
      );
      // Invalid first, with its problems; the evidence read with tier-1 is still shown.
      expect(status).toMatchObject({
        verdict: 'invalid',
        tier: 'tier-1',
        evidenceVerdict: 'breached',
        problems: [expect.objectContaining({ annotation: expect.any(String) })],
      });
      expect(
        status.status.reasons.map((r: { code: string }) => r.code),
      ).toContain('workloads-not-found');
    } finally {
      await backend.stop();
    }
  });

  it('judges every other service when one object is malformed', async () => {
    const statefulSets = prodEu['/apis/apps/v1/statefulsets'];
    prodEu['/apis/apps/v1/statefulsets'] = [
      {
        metadata: { name: 'orders-db', namespace: 'commerce', labels },
        spec: { volumeClaimTemplates: 'oops' },
      },
    ];
    const backend = await startBackend();
    try {
      const status = await refreshAndWait(backend.server);
      expect(status.verdict).toBe('unknown');
      expect(status.status.reasons).toContainEqual(
        expect.objectContaining({
          code: 'malformed-object',
          message: expect.stringContaining(
            'StatefulSet commerce/orders-db on prod-eu: spec.volumeClaimTemplates expected list, got string',
          ),
          object: expect.objectContaining({
            field: 'spec.volumeClaimTemplates',
          }),
        }),
      );
      const other = await request(backend.server).get(
        '/api/disaster-recovery/entities/component/default/billing-worker/status',
      );
      expect(other.body.updatedAt).toBe(status.updatedAt);
    } finally {
      prodEu['/apis/apps/v1/statefulsets'] = statefulSets;
      await backend.stop();
    }
  });

  it('makes only the evidence of a failing cluster unknown', async () => {
    const backend = await startBackend();
    try {
      drUsDown = true;
      const status = await refreshAndWait(backend.server);
      expect(status.verdict).toBe('unknown');
      // One reason for the cluster, whichever resource types failed.
      expect(
        status.status.reasons.filter(
          (r: { code: string }) => r.code === 'cluster-unreadable',
        ),
      ).toEqual([
        expect.objectContaining({
          severity: 'unknown',
          message: 'Cluster dr-us could not be read: not reachable',
        }),
      ]);
      expect(status.status.recoveryPoints[0]).toMatchObject({
        name: 'commerce-hourly-1',
        cluster: 'prod-eu',
        counted: true,
      });
      const clusters = await request(backend.server).get(
        '/api/disaster-recovery/clusters',
      );
      expect(
        clusters.body.items.map((c: any) => [c.cluster, c.reachable]),
      ).toEqual([
        ['dr-us', false],
        ['prod-eu', true],
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('answers bad input and unknown entities with clear errors', async () => {
    const backend = await startBackend();
    const { server } = backend;
    try {
      const bad = await request(server).get(
        '/api/disaster-recovery/overview?verdict=green',
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/^verdict/);
      const sort = await request(server).get(
        '/api/disaster-recovery/overview?sort=colour',
      );
      expect(sort.status).toBe(400);
      expect(sort.body.error.message).toContain('use one of name, owner');
      const limit = await request(server).get(
        '/api/disaster-recovery/overview?limit=5000',
      );
      expect(limit.status).toBe(400);
      for (const days of ['0', '91', '1.5', 'month']) {
        const trend = await request(server).get(
          `/api/disaster-recovery/overview/history?days=${days}`,
        );
        expect(trend.status).toBe(400);
        expect(trend.body.error.message).toBe(
          'days: use a whole number of days from 1 to 90',
        );
      }
      const format = await request(server).get(
        '/api/disaster-recovery/overview?format=xlsx',
      );
      expect(format.status).toBe(400);
      expect(format.body.error.message).toMatch(/^format: .*"json"\|"csv"/);
      const history = await request(server).get(
        '/api/disaster-recovery/entities/component/default/orders-db/history?from=yesterday',
      );
      expect(history.status).toBe(400);
      expect(history.body.error.message).toMatch(/^from/);
      const unknown = await request(server).get(
        '/api/disaster-recovery/entities/component/default/nope/status',
      );
      expect(unknown.status).toBe(404);
      const notYet = await request(server).get(
        '/api/disaster-recovery/entities/component/default/orders-db/status',
      );
      expect(notYet.status).toBe(404);
      expect(notYet.body.error.message).toContain(
        'has not been judged by a refresh',
      );
    } finally {
      await backend.stop();
    }
  });

  it('answers 202 with the running refresh while one runs, and refreshes once more after it', async () => {
    // Backstage's own scheduler (the mock one runs a triggered task inline and never refuses).
    const backend = await startBackend(AuthorizeResult.ALLOW, [], {
      realScheduler: true,
    });
    const { server } = backend;
    const api = '/api/disaster-recovery';
    try {
      const first = await refreshAndWait(server);
      // Hold the next refresh inside its read of the clusters list.
      const held = deferred();
      holdCatalog = held.promise;
      catalogReads = 0;
      const started = await request(server).post(`${api}/refresh`);
      expect(started.status).toBe(202);
      expect(started.body).toEqual({ accepted: true, state: 'started' });
      const running = await eventually(async () => {
        const res = await request(server).post(`${api}/refresh`);
        expect(res.status).toBe(202);
        return res.body.state === 'running' ? res.body : undefined;
      });
      expect(Date.parse(running.startedAt)).toBeGreaterThan(
        Date.parse(first.updatedAt),
      );
      held.resolve();
      // The held refresh ends, then the one asked for while it ran reads the catalog again.
      await eventually(async () => (catalogReads >= 2 ? true : undefined));
      expect(catalogReads).toBe(2);
    } finally {
      await backend.stop();
    }
  });

  it("refuses users the scheduler's trigger and cancel routes of the refresh task without the refresh permission", async () => {
    const tasks =
      '/api/disaster-recovery/.backstage/scheduler/v1/tasks/disaster-recovery-refresh';
    const denied = await startBackend(AuthorizeResult.DENY, [], {
      realScheduler: true,
    });
    try {
      for (const action of ['trigger', 'cancel']) {
        const res = await request(denied.server).post(`${tasks}/${action}`);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(
          'disaster-recovery.status.refresh',
        );
      }
      // Other backends (service principals) still reach the scheduler.
      const service = await request(denied.server)
        .post(`${tasks}/trigger`)
        .set('authorization', mockCredentials.service.header());
      expect([200, 409]).toContain(service.status);
    } finally {
      await denied.stop();
    }
    const allowed = await startBackend(AuthorizeResult.ALLOW, [], {
      realScheduler: true,
    });
    try {
      const res = await request(allowed.server).post(`${tasks}/trigger`);
      expect([200, 409]).toContain(res.status);
    } finally {
      await allowed.stop();
    }
  });

  it('refuses a refresh without the refresh permission and hides services the caller may not read', async () => {
    const backend = await startBackend(AuthorizeResult.DENY);
    try {
      const refresh = await request(backend.server).post(
        '/api/disaster-recovery/refresh',
      );
      expect(refresh.status).toBe(403);
      const overview = await request(backend.server).get(
        '/api/disaster-recovery/overview',
      );
      expect(overview.body).toMatchObject({ items: [], totalCount: 0 });
      const trend = await request(backend.server).get(
        '/api/disaster-recovery/overview/history?days=1',
      );
      expect(trend.body.days).toEqual([
        { date: expect.any(String), counts: {}, total: 0 },
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('judges a failed-over service on its active cluster until it fails back, with its runs as drill evidence', async () => {
    const backend = await startBackend(AuthorizeResult.ALLOW, [
      createServiceFactory({
        service: drRunStepsServiceRef,
        deps: {},
        factory: () => ({ steps: testSteps(), kube: new FakeKube() }),
      }),
    ]);
    const { server } = backend;
    const api = '/api/disaster-recovery';
    const status = () =>
      request(server).get(`${api}/entities/component/default/orders-db/status`);
    const runTo = async (type: string, state: string) => {
      const created = await request(server)
        .post(`${api}/runs`)
        .send({ type, entityRef: 'component:default/orders-db' });
      expect(created.status).toBe(201);
      return eventually(async () => {
        const run = await request(server).get(`${api}/runs/${created.body.id}`);
        return run.body.state === state ? run.body : undefined;
      });
    };
    // A run that ends starts a refresh: the status judged after it.
    const judgedAfter = (time: string) =>
      eventually(async () => {
        const res = await status();
        return res.body.updatedAt > time ? res.body : undefined;
      });
    try {
      const before = await refreshAndWait(server);
      expect(before).toMatchObject({
        measuredRtoSeconds: 1800,
        status: { primaryClusters: ['prod-eu'] },
      });
      expect(before.activeCluster).toBeUndefined();

      // A completed drill is the newest drill evidence.
      const drill = await runTo('drill', 'completed');
      const drilled = await judgedAfter(drill.endedAt);
      expect(drilled.status.lastDrill).toMatchObject({
        kind: 'run',
        name: drill.id,
        type: 'drill',
        measuredRtoSeconds: drill.measuredRtoSeconds,
      });

      // A failover waiting at its traffic gate is the record's active run.
      const failover = await runTo('failover', 'waiting');
      expect((await status()).body.activeRun).toEqual({
        id: failover.id,
        type: 'failover',
        state: 'waiting',
      });
      await request(server).post(`${api}/runs/${failover.id}/confirm`);
      const done = await eventually(async () => {
        const run = await request(server).get(`${api}/runs/${failover.id}`);
        return run.body.state === 'completed' ? run.body : undefined;
      });
      // Read at once from the runs, before any refresh.
      expect((await status()).body).toMatchObject({
        activeCluster: 'dr-us',
        activeSince: done.endedAt,
        activeRunId: failover.id,
      });
      expect((await status()).body.activeRun).toBeUndefined();
      const failedOver = await judgedAfter(done.endedAt);
      expect(failedOver).toMatchObject({
        activeCluster: 'dr-us',
        activeRunId: failover.id,
        status: { primaryClusters: ['dr-us'] },
      });
      const overview = await request(server).get(`${api}/overview?q=orders`);
      expect(overview.body.items[0]).toMatchObject({
        activeCluster: 'dr-us',
        activeRunId: failover.id,
      });

      const failback = await runTo('failback', 'waiting');
      expect(failback).toMatchObject({
        fromCluster: 'dr-us',
        toCluster: 'prod-eu',
      });
      await request(server).post(`${api}/runs/${failback.id}/confirm`);
      const failedBack = await eventually(async () => {
        const run = await request(server).get(`${api}/runs/${failback.id}`);
        return run.body.state === 'completed' ? run.body : undefined;
      });
      const back = await judgedAfter(failedBack.endedAt);
      expect(back.activeCluster).toBeUndefined();
      expect(back.status.primaryClusters).toEqual(['prod-eu']);
    } finally {
      await backend.stop();
    }
  });
});
