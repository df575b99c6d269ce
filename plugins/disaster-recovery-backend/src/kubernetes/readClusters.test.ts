import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import {
  ClusterEvidence,
  DR_RESOURCE_TYPES,
  KubeObject,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrStatusProvider } from '@backstage-dr/plugin-disaster-recovery-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubernetesProxyClient } from './KubernetesProxyClient';
import { readClusters } from './readClusters';

const BASE = 'http://backstage.test/api/kubernetes';
const server = setupServer();
registerMswTestHooks(server);

const providers: DrStatusProvider[] = ['workloads', 'velero'].map(id => ({
  id,
  title: id === 'velero' ? 'Velero' : 'Workloads',
  resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === id),
}));

const client = () =>
  new KubernetesProxyClient({
    discovery: {
      getBaseUrl: async () => BASE,
      getExternalBaseUrl: async () => BASE,
    },
    auth: mockServices.auth(),
    requestTimeoutMs: 2000,
    pageSize: 2,
  });

const backup = (name: string) => ({ metadata: { name, namespace: 'velero' } });

describe('readClusters', () => {
  it('reads retained resources last, page by page into their sinks, after every other resource of every cluster', async () => {
    const requests: string[] = [];
    server.use(
      http.get(`${BASE}/proxy/*`, ({ request, params }) => {
        const cluster = request.headers.get('backstage-kubernetes-cluster')!;
        const resource = String((params as Record<string, string>)[0])
          .split('/')
          .pop();
        requests.push(`${cluster} ${resource}`);
        if (cluster === 'dr-us') {
          return HttpResponse.error();
        }
        if (resource === 'backups') {
          const page = new URL(request.url).searchParams.get('continue');
          return HttpResponse.json(
            page
              ? { metadata: {}, items: [backup('b3')] }
              : {
                  metadata: { continue: 'p2' },
                  items: [backup('b1'), backup('b2')],
                },
          );
        }
        if (resource === 'statefulsets') {
          return HttpResponse.json({
            metadata: {},
            items: [{ metadata: { name: 'orders', namespace: 'shop' } }],
          });
        }
        return HttpResponse.json({ metadata: {}, items: [] });
      }),
    );
    const seenBySinks: ClusterEvidence[][] = [];
    const offered: string[][] = [];
    const { evidence, health } = await readClusters({
      clusters: ['prod-eu', 'dr-us'],
      providers,
      client: client(),
      concurrency: 1,
      logger: mockServices.logger.mock(),
      now: () => new Date('2026-11-25T12:00:00Z'),
      retained: {
        resources: ['backups'],
        sinks: read => {
          seenBySinks.push(structuredClone(read));
          return () => {
            let page: KubeObject[] = [];
            return {
              offer: objects => {
                offered.push(objects.map(o => o.metadata.name));
                page = objects.slice(0, 1);
              },
              reset: () => {
                page = [];
              },
              objects: () => page,
            };
          };
        },
      },
    });

    // Backups come after everything else, on every cluster.
    const firstBackups = requests.findIndex(r => r.endsWith(' backups'));
    expect(requests.slice(firstBackups)).toEqual([
      'prod-eu backups',
      'prod-eu backups',
    ]);
    expect(requests).toContain('prod-eu statefulsets');
    // The sinks were made from what the other resources gave, without backups.
    expect(seenBySinks).toHaveLength(1);
    expect(seenBySinks[0][0].objects.statefulSets).toEqual([
      expect.objectContaining({
        metadata: { name: 'orders', namespace: 'shop' },
      }),
    ]);
    expect(seenBySinks[0][0].objects.backups).toBeUndefined();
    // The evidence holds what the sink kept.
    expect(offered).toEqual([['b1', 'b2'], ['b3']]);
    expect(evidence[0].objects.backups?.map(b => b.metadata.name)).toEqual([
      'b3',
    ]);
    // The unreachable cluster is asked once; its backups are a failure, not a request.
    expect(requests.filter(r => r.startsWith('dr-us'))).toHaveLength(1);
    // It answered nothing: one failure for the whole cluster, every type in its health error.
    expect(evidence[1].failures).toEqual([{ reason: 'not reachable' }]);
    expect(health[1].errors).toEqual([
      {
        kind: 'unreachable',
        message: expect.stringContaining('dr-us could not be reached'),
        resources: expect.any(Array),
      },
    ]);
    expect([...health[1].errors[0].resources].sort()).toEqual(
      providers.flatMap(p => p.resourceTypes.map(t => t.resource)).sort(),
    );
    expect(health[1].reachable).toBe(false);
    expect(health[1].providers.map(p => p.state)).toEqual([
      'unknown',
      'unknown',
    ]);
    expect(health[0].providers.map(p => p.state)).toEqual([
      'installed',
      'installed',
    ]);
  });

  const read = (clusters: string[]) =>
    readClusters({
      clusters,
      providers,
      client: client(),
      concurrency: 1,
      logger: mockServices.logger.mock(),
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
  const resourceOf = (request: Request) =>
    new URL(request.url).pathname.split('/').pop()!;
  const forbidden = (resource: string) =>
    HttpResponse.json(
      {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message: `${resource}.velero.io is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "${resource}"`,
      },
      { status: 403 },
    );

  it('gives every type failing the same way the same short reason, the API server’s words only in the health', async () => {
    server.use(
      http.get(`${BASE}/proxy/*`, ({ request }) => {
        const resource = resourceOf(request);
        return request.url.includes('velero.io')
          ? forbidden(resource)
          : HttpResponse.json({ metadata: {}, items: [] });
      }),
    );
    const { evidence, health } = await read(['prod-eu']);
    const velero = providers[1].resourceTypes.map(t => t.resource);
    expect(evidence[0].failures).toEqual(
      velero.map(resource => ({
        resources: [resource],
        reason: '403 Forbidden',
      })),
    );
    expect(health[0].reachable).toBe(true);
    expect(health[0].errors.map(e => [e.resources, e.kind])).toEqual(
      velero.map(resource => [[resource], 'forbidden']),
    );
    expect(health[0].errors[0].message).toBe(
      'prod-eu answered 403 Forbidden: backups.velero.io is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "backups"',
    );
    expect(health[0].providers.map(p => p.state)).toEqual([
      'installed',
      'unknown',
    ]);
  });

  it('keeps a cluster that stops answering after some types reachable, failing the types not read', async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${BASE}/proxy/*`, async ({ request }) => {
        const resource = resourceOf(request);
        asked.push(resource);
        if (resource === 'schedules') {
          return HttpResponse.error();
        }
        return HttpResponse.json({ metadata: {}, items: [] });
      }),
    );
    const { evidence, health } = await read(['prod-eu']);
    const types = providers.flatMap(p => p.resourceTypes.map(t => t.resource));
    const notRead = types.slice(types.indexOf('schedules'));
    // Nothing is asked after the request that got no answer.
    expect(asked[asked.length - 1]).toBe('schedules');
    expect(health[0].reachable).toBe(true);
    expect(evidence[0].failures).toEqual(
      notRead.map(resource => ({
        resources: [resource],
        reason: 'not reachable',
      })),
    );
    expect(health[0].errors).toEqual([
      expect.objectContaining({ kind: 'unreachable', resources: notRead }),
    ]);
  });

  it('reads a CRD that is not installed as an empty list, with no failure and no error', async () => {
    server.use(
      http.get(`${BASE}/proxy/*`, ({ request }) =>
        request.url.includes('velero.io')
          ? HttpResponse.json(
              {
                kind: 'Status',
                apiVersion: 'v1',
                status: 'Failure',
                reason: 'NotFound',
                code: 404,
                message: 'the server could not find the requested resource',
              },
              { status: 404 },
            )
          : HttpResponse.json({ metadata: {}, items: [] }),
      ),
    );
    const { evidence, health } = await read(['prod-eu']);
    expect(evidence[0].failures).toEqual([]);
    expect(evidence[0].objects.backups).toEqual([]);
    expect(health[0]).toMatchObject({
      reachable: true,
      errors: [],
      providers: [
        { id: 'workloads', state: 'installed' },
        { id: 'velero', state: 'not-installed' },
      ],
    });
  });
});
