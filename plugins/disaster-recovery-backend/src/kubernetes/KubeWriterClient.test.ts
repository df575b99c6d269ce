import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse, delay } from 'msw';
import { setupServer } from 'msw/node';
import { KubeRequestError, KubeWriterClient } from './KubeWriterClient';
import { ClusterReadError } from './KubernetesProxyClient';

const BASE = 'http://backstage.test/api/kubernetes';
const RESTORES = '/apis/velero.io/v1/namespaces/velero/restores';
const DEPLOYMENT = '/apis/apps/v1/namespaces/shop/deployments/orders-api';

const server = setupServer();
registerMswTestHooks(server);

function client(timeoutMs = 2000) {
  return new KubeWriterClient({
    discovery: {
      getBaseUrl: async () => BASE,
      getExternalBaseUrl: async () => BASE,
    },
    auth: mockServices.auth(),
    requestTimeoutMs: timeoutMs,
  });
}

const status = (
  code: number,
  reason: string,
  message: string,
  name?: string,
) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  code,
  message,
  details: name ? { name } : {},
});

const restore = {
  apiVersion: 'velero.io/v1',
  kind: 'Restore',
  metadata: { name: 'dr-run-1', namespace: 'velero' },
  spec: { backupName: 'orders-daily-20250101' },
};

async function failure(promise: Promise<unknown>): Promise<KubeRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KubeRequestError) return error;
    throw error;
  }
  throw new Error('expected a KubeRequestError');
}

describe('KubeWriterClient', () => {
  it('GETs through the proxy with the cluster header and the plugin token; 404 is undefined', async () => {
    const seen: Array<{ cluster: string | null; auth: string | null }> = [];
    server.use(
      http.get(`${BASE}/proxy${DEPLOYMENT}`, ({ request }) => {
        seen.push({
          cluster: request.headers.get('backstage-kubernetes-cluster'),
          auth: request.headers.get('authorization'),
        });
        return HttpResponse.json({
          kind: 'Deployment',
          metadata: { name: 'orders-api' },
          spec: { replicas: 3 },
        });
      }),
      http.get(
        `${BASE}/proxy/apis/apps/v1/namespaces/shop/deployments/gone`,
        () =>
          HttpResponse.json(
            status(
              404,
              'NotFound',
              'deployments.apps "gone" not found',
              'gone',
            ),
            { status: 404 },
          ),
      ),
    );
    const c = client();
    expect(await c.get('prod-eu', DEPLOYMENT)).toMatchObject({
      spec: { replicas: 3 },
    });
    expect(
      await c.get('prod-eu', '/apis/apps/v1/namespaces/shop/deployments/gone'),
    ).toBeUndefined();
    expect(seen).toEqual([
      {
        cluster: 'prod-eu',
        auth: expect.stringMatching(
          /^Bearer .*"sub":"plugin:test".*"target":"kubernetes"/,
        ),
      },
    ]);
  });

  it('LISTs with a label selector, every page, and sets apiVersion and kind on the items', async () => {
    const queries: URLSearchParams[] = [];
    server.use(
      http.get(
        `${BASE}/proxy/apis/apps/v1/namespaces/shop/statefulsets`,
        ({ request }) => {
          const query = new URL(request.url).searchParams;
          queries.push(query);
          return HttpResponse.json({
            apiVersion: 'apps/v1',
            kind: 'StatefulSetList',
            metadata: { continue: query.get('continue') ? '' : 'p2' },
            items: [{ metadata: { name: query.get('continue') ? 'b' : 'a' } }],
          });
        },
      ),
    );
    const items = await client().list(
      'prod-eu',
      '/apis/apps/v1/namespaces/shop/statefulsets',
      'backstage.io/kubernetes-id=orders',
    );
    expect(items).toEqual([
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'a' } },
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'b' } },
    ]);
    expect(
      queries.map(q => [q.get('labelSelector'), q.get('continue')]),
    ).toEqual([
      ['backstage.io/kubernetes-id=orders', null],
      ['backstage.io/kubernetes-id=orders', 'p2'],
    ]);
  });

  it('reports a collection the API server does not serve as not installed', async () => {
    server.use(
      http.get(`${BASE}/proxy/apis/postgresql.cnpg.io/v1/clusters`, () =>
        HttpResponse.json(
          status(
            404,
            'NotFound',
            'the server could not find the requested resource',
          ),
          { status: 404 },
        ),
      ),
    );
    const error = await failure(
      client().list('prod-eu', '/apis/postgresql.cnpg.io/v1/clusters'),
    );
    expect(error).toBeInstanceOf(ClusterReadError);
    expect(error.kind).toBe('not-installed');
    expect(error.message).toContain(
      'the server could not find the requested resource',
    );
  });

  it('POSTs an object and returns what the API server stored', async () => {
    let received: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(`${BASE}/proxy${RESTORES}`, async ({ request }) => {
        received = await request.json();
        contentType = request.headers.get('content-type');
        return HttpResponse.json(
          { ...restore, metadata: { ...restore.metadata, uid: 'u1' } },
          { status: 201 },
        );
      }),
    );
    const created = await client().create('dr-us', RESTORES, restore);
    expect(received).toEqual(restore);
    expect(contentType).toBe('application/json');
    expect(created.metadata).toMatchObject({ name: 'dr-run-1', uid: 'u1' });
  });

  it('creates idempotently: 409 AlreadyExists returns the existing object', async () => {
    server.use(
      http.post(`${BASE}/proxy${RESTORES}`, () =>
        HttpResponse.json(
          status(
            409,
            'AlreadyExists',
            'restores.velero.io "dr-run-1" already exists',
            'dr-run-1',
          ),
          { status: 409 },
        ),
      ),
      http.get(`${BASE}/proxy${RESTORES}/dr-run-1`, () =>
        HttpResponse.json({ ...restore, status: { phase: 'InProgress' } }),
      ),
    );
    expect(await client().create('dr-us', RESTORES, restore)).toMatchObject({
      status: { phase: 'InProgress' },
    });
  });

  it('refuses other conflicts and invalid objects with the API server message', async () => {
    server.use(
      http.post(`${BASE}/proxy${RESTORES}`, () =>
        HttpResponse.json(
          status(
            422,
            'Invalid',
            'Restore.velero.io "dr-run-1" is invalid: spec.backupName: Required value',
            'dr-run-1',
          ),
          { status: 422 },
        ),
      ),
    );
    const error = await failure(client().create('dr-us', RESTORES, restore));
    expect(error.kind).toBe('server-error');
    expect(error.status).toBe(422);
    expect(error.reason).toBe('Invalid');
    expect(error.message).toBe(
      `POST ${RESTORES} on dr-us answered 422 Invalid: Restore.velero.io "dr-run-1" is invalid: spec.backupName: Required value`,
    );
  });

  it('PATCHes with a JSON merge patch', async () => {
    let received: unknown;
    let contentType: string | null = null;
    server.use(
      http.patch(`${BASE}/proxy${DEPLOYMENT}`, async ({ request }) => {
        received = await request.json();
        contentType = request.headers.get('content-type');
        return HttpResponse.json({
          metadata: { name: 'orders-api' },
          spec: { replicas: 0 },
        });
      }),
    );
    const patched = await client().patch('prod-eu', DEPLOYMENT, {
      spec: { replicas: 0 },
    });
    expect(contentType).toBe('application/merge-patch+json');
    expect(received).toEqual({ spec: { replicas: 0 } });
    expect(patched).toMatchObject({ spec: { replicas: 0 } });
  });

  it('fails a PATCH of a missing object with the API server message', async () => {
    server.use(
      http.patch(`${BASE}/proxy${DEPLOYMENT}`, () =>
        HttpResponse.json(
          status(
            404,
            'NotFound',
            'deployments.apps "orders-api" not found',
            'orders-api',
          ),
          { status: 404 },
        ),
      ),
    );
    const error = await failure(
      client().patch('prod-eu', DEPLOYMENT, { spec: { replicas: 0 } }),
    );
    expect(error.status).toBe(404);
    expect(error.message).toContain('deployments.apps "orders-api" not found');
  });

  it('DELETEs, and a 404 is not an error', async () => {
    const deleted: string[] = [];
    server.use(
      http.delete(`${BASE}/proxy/api/v1/namespaces/:name`, ({ params }) => {
        deleted.push(String(params.name));
        return params.name === 'gone'
          ? HttpResponse.json(
              status(404, 'NotFound', 'namespaces "gone" not found', 'gone'),
              { status: 404 },
            )
          : HttpResponse.json({
              kind: 'Namespace',
              metadata: { name: params.name },
              status: { phase: 'Terminating' },
            });
      }),
    );
    await client().delete('dr-us', '/api/v1/namespaces/drill');
    await client().delete('dr-us', '/api/v1/namespaces/gone');
    expect(deleted).toEqual(['drill', 'gone']);
  });

  it.each([
    [401, status(401, 'Unauthorized', 'Unauthorized'), 'unauthorized'],
    [
      403,
      status(
        403,
        'Forbidden',
        'deployments.apps "orders-api" is forbidden: User "backstage" cannot patch resource "deployments"',
      ),
      'forbidden',
    ],
    [
      404,
      { error: { name: 'NotFoundError', message: "Cluster 'nope' not found" } },
      'unknown-cluster',
    ],
    [
      500,
      {
        error: {
          name: 'ForwardedError',
          message: "Cluster 'prod-eu' request error",
        },
      },
      'unreachable',
    ],
    [
      503,
      status(503, 'ServiceUnavailable', 'etcdserver: leader changed'),
      'server-error',
    ],
  ])('maps %s to a ClusterReadError kind', async (code, body, kind) => {
    server.use(
      http.patch(`${BASE}/proxy${DEPLOYMENT}`, () =>
        HttpResponse.json(body, { status: code }),
      ),
    );
    const error = await failure(
      client().patch('prod-eu', DEPLOYMENT, { spec: { replicas: 0 } }),
    );
    expect(error.kind).toBe(kind);
    expect(error.cluster).toBe('prod-eu');
    const message =
      (body as { message?: string }).message ??
      (body as { error: { message: string } }).error.message;
    expect(error.message).toContain(message);
  });

  it('times out a cluster that does not answer', async () => {
    server.use(
      http.get(`${BASE}/proxy/version`, async () => {
        await delay(500);
        return HttpResponse.json({ major: '1' });
      }),
    );
    const error = await failure(client(50).get('prod-eu', '/version'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(
      'GET /version on prod-eu: no answer within 0.05s',
    );
  });

  it('reports a closed connection as unreachable', async () => {
    server.use(
      http.delete(`${BASE}/proxy${DEPLOYMENT}`, () => HttpResponse.error()),
    );
    const error = await failure(client().delete('prod-eu', DEPLOYMENT));
    expect(error.kind).toBe('unreachable');
  });
});
