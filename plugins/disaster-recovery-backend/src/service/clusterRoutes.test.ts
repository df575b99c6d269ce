import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { PermissionsService } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DrClusterOverview,
  DrServiceRecord,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import Router from 'express-promise-router';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import {
  disasterRecoveryPlugin as plugin,
  drModuleVeleroProvider,
  drModuleWorkloadsProvider,
} from '..';
import { DrStatusStore } from '../database/DrStatusStore';
import { readableEntityRefs } from './access';
import { addClusterRoutes } from './clusterRoutes';

// GET /clusters through HTTP, two ways: the route on an express app with the real status store
// (SQLite in memory), the real access check, a mocked catalog and permission decisions; and the
// whole plugin reading clusters that fail in every way a Kubernetes API can, mocked at the HTTP
// level behind the Kubernetes backend's proxy.

const UPDATED = '2026-11-30T12:00:00Z';

function service(
  name: string,
  locations: Array<[cluster: string, location: string]>,
): DrServiceRecord {
  const status: DrStatus = {
    verdict: 'compliant',
    reasons: [],
    evaluatedAt: UPDATED,
    achievedRpoSeconds: 600,
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: locations.map(([cluster, location]) => ({
      cluster,
      name: location,
      phase: location === 'secondary' ? 'Unavailable' : 'Available',
    })),
    lastDrill: null,
    measuredRtoSeconds: null,
    unreadable: [],
    primaryClusters: ['prod-eu'],
    primarySource: 'annotation',
  };
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    verdict: 'compliant',
    clusters: ['prod-eu', 'dr-us'],
    updatedAt: UPDATED,
    status,
  };
}

const FORBIDDEN =
  'prod-eu answered 403 Forbidden: backups.velero.io is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "backups"';

describe('GET /clusters: who sees what', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3'],
    disableDocker: true,
  });
  const records = [
    service('orders-db', [['prod-eu', 'default']]),
    service('payments-db', [
      ['prod-eu', 'default'],
      ['dr-us', 'default'],
    ]),
    // Not readable under the conditional decision; the only user of dr-us/secondary.
    service('secret-db', [
      ['prod-eu', 'default'],
      ['dr-us', 'secondary'],
    ]),
  ];
  const entities: Entity[] = records
    .filter(r => r.name !== 'secret-db')
    .map(r => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: r.name, namespace: 'default' },
      spec: {},
    }));
  let decisions: Record<string, AuthorizeResult>;

  async function startApp() {
    const knex = await databases.init('SQLITE_3');
    const store = await DrStatusStore.create({
      getClient: async () => knex,
      migrations: { skip: false },
    });
    await store.replaceAll(records, UPDATED);
    await store.replaceClusterHealth(
      [
        {
          cluster: 'dr-us',
          reachable: false,
          providers: [{ id: 'velero', title: 'Velero', state: 'unknown' }],
          errors: [
            {
              resources: ['backups', 'schedules'],
              kind: 'unreachable',
              message: 'dr-us could not be reached: connect ECONNREFUSED',
            },
          ],
          checkedAt: UPDATED,
        },
        {
          cluster: 'prod-eu',
          reachable: true,
          providers: [{ id: 'velero', title: 'Velero', state: 'unknown' }],
          errors: [
            { resources: ['backups'], kind: 'forbidden', message: FORBIDDEN },
          ],
          checkedAt: UPDATED,
        },
      ],
      UPDATED,
    );
    const decide = (name: string) => decisions[name] ?? AuthorizeResult.DENY;
    const permissions: PermissionsService = {
      async authorize(requests) {
        return requests.map(
          r => ({ result: decide(r.permission.name) } as never),
        );
      },
      async authorizeConditional(requests) {
        return requests.map(r => {
          const result = decide(r.permission.name);
          return (
            result === AuthorizeResult.CONDITIONAL
              ? {
                  result,
                  pluginId: 'catalog',
                  resourceType: 'catalog-entity',
                  conditions: { rule: 'IS_ENTITY_OWNER', params: {} },
                }
              : { result }
          ) as never;
        });
      },
    };
    const httpAuth = mockServices.httpAuth();
    const router = Router();
    addClusterRoutes(router, {
      store,
      access: {
        httpAuth,
        permissions,
        readableRefs: readableEntityRefs({
          httpAuth,
          permissions,
          catalog: catalogServiceMock({ entities }),
        }),
      },
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

  const clusters = async (app: express.Express) => {
    const res = await request(app).get('/clusters');
    expect(res.status).toBe(200);
    return res.body.items as DrClusterOverview[];
  };

  it('gives a caller who may read every service and see details everything', async () => {
    decisions = {
      'catalog.entity.read': AuthorizeResult.ALLOW,
      'disaster-recovery.clusters.details': AuthorizeResult.ALLOW,
    };
    const items = await clusters(await startApp());
    expect(items).toEqual([
      {
        cluster: 'dr-us',
        reachable: false,
        state: 'unreachable',
        failingResources: [],
        providers: [{ id: 'velero', title: 'Velero', state: 'unknown' }],
        errors: [
          {
            resources: ['backups', 'schedules'],
            kind: 'unreachable',
            message: 'dr-us could not be reached: connect ECONNREFUSED',
          },
        ],
        checkedAt: UPDATED,
        storageLocations: [
          {
            cluster: 'dr-us',
            name: 'default',
            phase: 'Available',
            services: 1,
          },
          {
            cluster: 'dr-us',
            name: 'secondary',
            phase: 'Unavailable',
            services: 1,
          },
        ],
      },
      {
        cluster: 'prod-eu',
        reachable: true,
        state: 'degraded',
        failingResources: ['backups'],
        providers: [{ id: 'velero', title: 'Velero', state: 'unknown' }],
        errors: [
          { resources: ['backups'], kind: 'forbidden', message: FORBIDDEN },
        ],
        checkedAt: UPDATED,
        storageLocations: [
          {
            cluster: 'prod-eu',
            name: 'default',
            phase: 'Available',
            services: 3,
          },
        ],
      },
    ]);
  });

  it('counts only the services the caller may read, and leaves out the error messages without the details permission', async () => {
    decisions = { 'catalog.entity.read': AuthorizeResult.CONDITIONAL };
    const items = await clusters(await startApp());
    const [drUs, prodEu] = items;
    expect(prodEu).toMatchObject({
      state: 'degraded',
      failingResources: ['backups'],
      errors: [{ resources: ['backups'], kind: 'forbidden' }],
      storageLocations: [{ name: 'default', services: 2 }],
    });
    expect(prodEu.errors[0]).not.toHaveProperty('message');
    // dr-us/secondary is used only by a service the caller may not read.
    expect(drUs.storageLocations).toEqual([
      expect.objectContaining({ name: 'default', services: 1 }),
    ]);
    expect(JSON.stringify(items)).not.toContain('ECONNREFUSED');
    expect(JSON.stringify(items)).not.toContain('system:serviceaccount');
  });

  it('shows no storage location to a caller who may read no service', async () => {
    decisions = {
      'catalog.entity.read': AuthorizeResult.DENY,
      'disaster-recovery.clusters.details': AuthorizeResult.ALLOW,
    };
    const items = await clusters(await startApp());
    expect(items.map(c => [c.cluster, c.state, c.storageLocations])).toEqual([
      ['dr-us', 'unreachable', []],
      ['prod-eu', 'degraded', []],
    ]);
    expect(items[1].errors[0].message).toBe(FORBIDDEN);
  });
});

describe('GET /clusters: the state of clusters that fail in every way', () => {
  jest.setTimeout(30_000);
  const KUBE = 'http://kubernetes.test/api/kubernetes';
  const CLUSTERS = [
    'ok',
    'forbidden',
    'unauthorized',
    'server-error',
    'slow',
    'closed',
    'expiring',
    'malformed',
    'no-velero',
  ];
  const status = (code: number, reason: string, message: string) =>
    HttpResponse.json(
      {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason,
        code,
        message,
      },
      { status: code },
    );
  const labels = { 'backstage.io/kubernetes-id': 'orders-db' };
  const msw = setupServer(
    http.get(`${KUBE}/clusters`, () =>
      HttpResponse.json({ items: CLUSTERS.map(name => ({ name })) }),
    ),
    http.get(`${KUBE}/proxy/*`, async ({ request: req }) => {
      const url = new URL(req.url);
      const path = url.pathname.replace('/api/kubernetes/proxy', '');
      const velero = path.includes('/velero.io/');
      const cluster = req.headers.get('backstage-kubernetes-cluster');
      const items =
        path === '/apis/apps/v1/statefulsets'
          ? [{ metadata: { name: 'orders-db', namespace: 'shop', labels } }]
          : [];
      switch (cluster) {
        case 'forbidden':
          return velero
            ? status(
                403,
                'Forbidden',
                `${path
                  .split('/')
                  .pop()}.velero.io is forbidden: User "system:serviceaccount:backstage:backstage" cannot list it`,
              )
            : HttpResponse.json({ metadata: {}, items });
        case 'unauthorized':
          return status(401, 'Unauthorized', 'Unauthorized');
        case 'server-error':
          return path.endsWith('/backups')
            ? status(503, 'ServiceUnavailable', 'etcd leader changed')
            : HttpResponse.json({ metadata: {}, items });
        case 'slow':
          await delay(1500);
          return HttpResponse.json({ metadata: {}, items });
        case 'closed':
          return HttpResponse.error();
        case 'expiring':
          if (path.endsWith('/backups') && url.searchParams.get('continue')) {
            return status(
              410,
              'Expired',
              'The provided continue parameter is too old',
            );
          }
          // Every list has a second page: the backups' token always expires.
          return HttpResponse.json({
            metadata:
              url.searchParams.get('continue') || !url.searchParams.get('limit')
                ? {}
                : { continue: 'page-2' },
            items: url.searchParams.get('continue') ? [] : items,
          });
        case 'malformed':
          return path.endsWith('/schedules')
            ? HttpResponse.text('<html>502 Bad Gateway</html>')
            : HttpResponse.json({ metadata: {}, items });
        case 'no-velero':
          return velero
            ? status(
                404,
                'NotFound',
                'the server could not find the requested resource',
              )
            : HttpResponse.json({ metadata: {}, items });
        default:
          return HttpResponse.json({ metadata: {}, items });
      }
    }),
  );
  beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
  afterAll(() => msw.close());

  it('tells ok, degraded (with the failing types) and unreachable clusters apart, and gives the service one reason per cluster', async () => {
    const backend = await startTestBackend({
      features: [
        plugin,
        drModuleWorkloadsProvider,
        drModuleVeleroProvider,
        catalogServiceMock.factory({
          entities: [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'orders-db',
                namespace: 'default',
                annotations: {
                  'backstage.io/kubernetes-id': 'orders-db',
                  'disaster-recovery/tier': 'tier-2',
                  'disaster-recovery/strategy': 'backup-restore',
                  'disaster-recovery/primary-cluster': 'forbidden',
                  'disaster-recovery/recovery-cluster': 'closed',
                },
              },
              spec: {
                type: 'database',
                owner: 'commerce-team',
                lifecycle: 'production',
              },
            },
          ],
        }),
        mockServices.discovery.mock({
          getBaseUrl: async (id: string) =>
            id === 'kubernetes' ? KUBE : `http://localhost/api/${id}`,
        }).factory,
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            disasterRecovery: {
              refresh: {
                schedule: {
                  frequency: { hours: 24 },
                  timeout: { minutes: 1 },
                  initialDelay: { hours: 1 },
                },
                requestTimeoutSeconds: 1,
                pageSize: 1,
              },
            },
          },
        }),
      ],
    });
    try {
      const { server } = backend;
      expect(
        (await request(server).post('/api/disaster-recovery/refresh')).status,
      ).toBe(202);
      let items: DrClusterOverview[] = [];
      const deadline = Date.now() + 20_000;
      while (items.length === 0 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 100));
        items = (await request(server).get('/api/disaster-recovery/clusters'))
          .body.items;
      }
      const summary = Object.fromEntries(
        items.map(c => [
          c.cluster,
          [
            c.state,
            c.failingResources.join(','),
            [...new Set(c.errors.map(e => e.kind))].join(','),
          ],
        ]),
      );
      // Backups are read last (retained page by page).
      const allVelero = 'schedules,restores,backupStorageLocations,backups';
      expect(summary).toEqual({
        ok: ['ok', '', ''],
        forbidden: ['degraded', allVelero, 'forbidden'],
        unauthorized: [
          'degraded',
          `persistentVolumeClaims,statefulSets,deployments,${allVelero}`,
          'unauthorized',
        ],
        'server-error': ['degraded', 'backups', 'server-error'],
        slow: ['unreachable', '', 'timeout'],
        closed: ['unreachable', '', 'unreachable'],
        // Paged twice, then read whole: nothing failed.
        expiring: ['ok', '', ''],
        malformed: ['degraded', 'schedules', 'malformed'],
        // A CRD that is not installed is no failure: the provider is not installed.
        'no-velero': ['ok', '', ''],
      });
      expect(
        items.find(c => c.cluster === 'no-velero')!.providers,
      ).toContainEqual({
        id: 'velero',
        title: 'Velero',
        state: 'not-installed',
      });

      // The service: one reason per unreadable cluster, listing the resource types once.
      const orders = await request(server).get(
        '/api/disaster-recovery/entities/component/default/orders-db/status',
      );
      expect(orders.body.verdict).toBe('unknown');
      expect(
        orders.body.status.reasons
          .filter((r: { code: string }) => r.code === 'cluster-unreadable')
          .map((r: { message: string }) => r.message),
      ).toEqual([
        'Cluster forbidden could not be read: backups, schedules, restores, backupStorageLocations: 403 Forbidden',
        'Cluster closed could not be read: not reachable',
      ]);
    } finally {
      await backend.stop();
    }
  });
});
