import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { DR_RESOURCE_TYPES } from '@backstage-dr/plugin-disaster-recovery-common';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import {
  ClusterReadError,
  KubernetesProxyClient,
} from './KubernetesProxyClient';

const BASE = 'http://backstage.test/api/kubernetes';
const backups = DR_RESOURCE_TYPES.find(t => t.resource === 'backups')!;
const pvcs = DR_RESOURCE_TYPES.find(
  t => t.resource === 'persistentVolumeClaims',
)!;

const server = setupServer();
registerMswTestHooks(server);

function client(timeoutMs = 2000) {
  return new KubernetesProxyClient({
    discovery: {
      getBaseUrl: async () => BASE,
      getExternalBaseUrl: async () => BASE,
    },
    auth: mockServices.auth(),
    requestTimeoutMs: timeoutMs,
    pageSize: 2,
  });
}

const backup = (name: string) => ({
  metadata: { name, namespace: 'velero' },
  status: { phase: 'Completed' },
});
const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  code,
  message,
});

async function failure(promise: Promise<unknown>): Promise<ClusterReadError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClusterReadError) return error;
    throw error;
  }
  throw new Error('expected a ClusterReadError');
}

describe('KubernetesProxyClient', () => {
  it('lists every page through the proxy with the cluster header and a service token', async () => {
    const seen: Array<{
      url: URL;
      cluster: string | null;
      auth: string | null;
    }> = [];
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, ({ request }) => {
        const url = new URL(request.url);
        seen.push({
          url,
          cluster: request.headers.get('backstage-kubernetes-cluster'),
          auth: request.headers.get('authorization'),
        });
        const page = url.searchParams.get('continue');
        if (!page) {
          return HttpResponse.json({
            kind: 'BackupList',
            metadata: { continue: 'p2' },
            items: [backup('a'), backup('b')],
          });
        }
        return HttpResponse.json({
          kind: 'BackupList',
          metadata: { continue: '' },
          items: [backup('c')],
        });
      }),
    );
    const c = client();
    const items = await c.list('prod-eu', backups);
    expect(items.map(i => [i.metadata.name, i.apiVersion, i.kind])).toEqual([
      ['a', 'velero.io/v1', 'Backup'],
      ['b', 'velero.io/v1', 'Backup'],
      ['c', 'velero.io/v1', 'Backup'],
    ]);
    expect(
      seen.map(s => [
        s.url.searchParams.get('limit'),
        s.url.searchParams.get('continue'),
        s.cluster,
      ]),
    ).toEqual([
      ['2', null, 'prod-eu'],
      ['2', 'p2', 'prod-eu'],
    ]);
    expect(seen[0].auth).toMatch(/^Bearer .+/);
    expect(c.stats.requests).toBe(2);
    expect(c.stats.bytes).toBeGreaterThan(0);
  });

  it('lists core resources under /api/v1', async () => {
    server.use(
      http.get(`${BASE}/proxy/api/v1/persistentvolumeclaims`, () =>
        HttpResponse.json({
          kind: 'PersistentVolumeClaimList',
          metadata: {},
          items: [{ metadata: { name: 'data-0' } }],
        }),
      ),
    );
    expect(
      (await client().list('prod-eu', pvcs)).map(i => [
        i.metadata.name,
        i.apiVersion,
      ]),
    ).toEqual([['data-0', 'v1']]);
  });

  it('starts the list again once when a continue token expired (410)', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, ({ request }) => {
        calls += 1;
        const page = new URL(request.url).searchParams.get('continue');
        if (page && calls === 2) {
          return HttpResponse.json(
            status(410, 'Expired', 'too old resource version'),
            { status: 410 },
          );
        }
        return page
          ? HttpResponse.json({ metadata: {}, items: [backup('b')] })
          : HttpResponse.json({
              metadata: { continue: 'p2' },
              items: [backup('a')],
            });
      }),
    );
    expect(
      (await client().list('prod-eu', backups)).map(i => i.metadata.name),
    ).toEqual(['a', 'b']);
    expect(calls).toBe(4);
  });

  it('reads the list in one request without limit when the continue tokens keep expiring, as client-go’s pager does', async () => {
    const asked: string[] = [];
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        asked.push(query.toString());
        if (query.get('continue')) {
          return HttpResponse.json(
            {
              ...status(
                410,
                'Expired',
                'The provided continue parameter is too old to display a consistent list result.',
              ),
              metadata: { continue: 'inconsistent' },
            },
            { status: 410 },
          );
        }
        return query.get('limit')
          ? HttpResponse.json({
              metadata: { continue: 'p2' },
              items: [backup('a'), backup('b')],
            })
          : HttpResponse.json({
              metadata: {},
              items: [backup('a'), backup('b'), backup('c')],
            });
      }),
    );
    const events: string[] = [];
    await client().stream('prod-eu', backups, {
      offer: page =>
        events.push(`page ${page.map(o => o.metadata.name).join(',')}`),
      reset: () => events.push('reset'),
    });
    expect(asked).toEqual([
      'limit=2',
      'limit=2&continue=p2',
      'limit=2',
      'limit=2&continue=p2',
      '',
    ]);
    expect(events).toEqual([
      'page a,b',
      'reset',
      'page a,b',
      'reset',
      'page a,b,c',
    ]);
  });

  it('does not take a 410 on a first page for an expired continue token', async () => {
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, () =>
        HttpResponse.json(status(410, 'Gone', 'gone'), { status: 410 }),
      ),
    );
    const error = await failure(client().list('prod-eu', backups));
    expect([error.kind, error.summary]).toEqual(['server-error', '410 Gone']);
  });

  it('streams page by page to a sink, which is reset when the list starts again', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, ({ request }) => {
        calls += 1;
        const page = new URL(request.url).searchParams.get('continue');
        if (page && calls === 2) {
          return HttpResponse.json(status(410, 'Expired', 'expired'), {
            status: 410,
          });
        }
        return page
          ? HttpResponse.json({ metadata: {}, items: [backup('c')] })
          : HttpResponse.json({
              metadata: { continue: 'p2' },
              items: [backup('a'), backup('b')],
            });
      }),
    );
    const events: string[] = [];
    await client().stream('prod-eu', backups, {
      offer: page =>
        events.push(`page ${page.map(o => o.metadata.name).join(',')}`),
      reset: () => events.push('reset'),
    });
    expect(events).toEqual(['page a,b', 'reset', 'page a,b', 'page c']);
  });

  it('drops managedFields and the last-applied annotation, keeping other metadata', async () => {
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, () =>
        HttpResponse.json({
          metadata: {},
          items: [
            {
              metadata: {
                name: 'a',
                namespace: 'velero',
                labels: { 'velero.io/schedule-name': 'hourly' },
                annotations: {
                  'kubectl.kubernetes.io/last-applied-configuration': '{}',
                  'velero.io/source-cluster-k8s-gitversion': 'v1.31.0',
                },
                managedFields: [{ manager: 'velero-server' }],
              },
              spec: { includedNamespaces: ['shop'] },
            },
            backup('b'),
          ],
        }),
      ),
    );
    const [a, b] = await client().list('prod-eu', backups);
    expect(a).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: {
        name: 'a',
        namespace: 'velero',
        labels: { 'velero.io/schedule-name': 'hourly' },
        annotations: {
          'velero.io/source-cluster-k8s-gitversion': 'v1.31.0',
        },
      },
      spec: { includedNamespaces: ['shop'] },
    });
    expect(b).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      ...backup('b'),
    });
  });

  it.each([
    [
      404,
      status(
        404,
        'NotFound',
        'the server could not find the requested resource',
      ),
      'not-installed',
      'Backup (backups.velero.io) is not installed on prod-eu',
      'CRD not installed',
    ],
    [
      404,
      {
        error: {
          name: 'NotFoundError',
          message: "Cluster 'prod-eu' not found",
        },
      },
      'unknown-cluster',
      "Cluster 'prod-eu' not found",
      'not configured in the Kubernetes plugin',
    ],
    [
      401,
      status(401, 'Unauthorized', 'Unauthorized'),
      'unauthorized',
      'prod-eu answered 401 Unauthorized: Unauthorized',
      '401 Unauthorized',
    ],
    [
      403,
      status(403, 'Forbidden', 'backups.velero.io is forbidden'),
      'forbidden',
      'prod-eu answered 403 Forbidden: backups.velero.io is forbidden',
      '403 Forbidden',
    ],
    [
      503,
      status(503, 'ServiceUnavailable', 'etcd leader changed'),
      'server-error',
      'prod-eu answered 503: etcd leader changed',
      '503 ServiceUnavailable',
    ],
    [
      500,
      {
        error: {
          name: 'ForwardedError',
          message: "Cluster 'prod-eu' request failed",
        },
      },
      'unreachable',
      "prod-eu could not be reached: Cluster 'prod-eu' request failed",
      'not reachable',
    ],
  ])('classifies %d %j as %s', async (code, body, kind, message, summary) => {
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, () =>
        HttpResponse.json(body, { status: code }),
      ),
    );
    const error = await failure(client().list('prod-eu', backups));
    expect([error.kind, error.cluster, error.message, error.summary]).toEqual([
      kind,
      'prod-eu',
      message,
      summary,
    ]);
  });

  it('reports answers that are not Kubernetes lists as malformed', async () => {
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, () =>
        HttpResponse.text('<html>gateway</html>'),
      ),
    );
    expect((await failure(client().list('prod-eu', backups))).kind).toBe(
      'malformed',
    );
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, () =>
        HttpResponse.json({ items: [{ spec: {} }] }),
      ),
    );
    expect((await failure(client().list('prod-eu', backups))).message).toBe(
      'Backup list on prod-eu holds an object without metadata.name',
    );
  });

  it('times out a cluster that does not answer', async () => {
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, async () => {
        await delay(500);
        return HttpResponse.json({ items: [] });
      }),
    );
    const error = await failure(client(50).list('prod-eu', backups));
    expect([error.kind, error.message, error.summary]).toEqual([
      'timeout',
      'prod-eu did not answer within 0.05s',
      'no answer within 0.05s',
    ]);
  });

  it('reports a closed connection as unreachable', async () => {
    server.use(
      http.get(`${BASE}/proxy/apis/velero.io/v1/backups`, () =>
        HttpResponse.error(),
      ),
    );
    expect((await failure(client().list('prod-eu', backups))).kind).toBe(
      'unreachable',
    );
  });

  it('lists the Kubernetes backend clusters', async () => {
    server.use(
      http.get(`${BASE}/clusters`, () =>
        HttpResponse.json({
          items: [
            { name: 'prod-eu', authProvider: 'serviceAccount' },
            { name: 'dr-us' },
          ],
        }),
      ),
    );
    expect(await client().listClusters()).toEqual(['prod-eu', 'dr-us']);
  });
});
