import { JsonObject } from './json';
import { Simulator, startSimulator } from './index';

const TOKEN = 'test-token';
const NOW = new Date('2026-11-25T10:00:00Z');

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function call(
  url: string,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    contentType?: string;
    token?: string | null;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) {
    headers.authorization = `Bearer ${token}`;
  }
  if (init.body !== undefined) {
    headers['content-type'] = init.contentType ?? 'application/json';
  }
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain-text answers (health checks) stay text
  }
  return { status: response.status, body, headers: response.headers };
}

function namespace(name: string): JsonObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function backup(
  name: string,
  labels: Record<string, string> = {},
  ns = 'velero',
): JsonObject {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name, namespace: ns, labels },
    spec: { includedNamespaces: ['payments'], ttl: '720h0m0s' },
    status: { phase: 'Completed', startTimestamp: '{{now-2m}}' },
  };
}

function pod(
  name: string,
  ns: string,
  labels: Record<string, string>,
  phase = 'Running',
): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'app', image: 'postgres:16' }],
    },
    status: { phase },
  };
}

const deployment: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'orders-api',
    namespace: 'commerce',
    labels: { app: 'orders-api' },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'orders-api' } },
    template: {
      metadata: { labels: { app: 'orders-api' } },
      spec: { containers: [{ name: 'api', image: 'orders-api:1.4.2' }] },
    },
  },
  status: { replicas: 2, readyReplicas: 2 },
};

const snapshot: JsonObject = {
  apiVersion: 'snapshot.storage.k8s.io/v1',
  kind: 'VolumeSnapshot',
  metadata: { name: 'data-orders-db-0-snap', namespace: 'commerce' },
  spec: {
    source: { persistentVolumeClaimName: 'data-orders-db-0' },
    volumeSnapshotClassName: 'csi-snapclass',
  },
  status: { readyToUse: true, restoreSize: '50Gi', creationTime: '{{now-1h}}' },
};

let simulator: Simulator;
let url: string;

beforeAll(async () => {
  simulator = await startSimulator({
    now: NOW,
    clusters: [
      {
        name: 'test',
        port: 0,
        token: TOKEN,
        objects: [
          namespace('velero'),
          namespace('payments'),
          namespace('commerce'),
          backup('payments-db-hourly-1', {
            'velero.io/schedule-name': 'payments-db-hourly',
            tier: 'tier-0',
          }),
          backup('payments-db-hourly-2', {
            'velero.io/schedule-name': 'payments-db-hourly',
            tier: 'tier-0',
          }),
          backup('orders-db-daily-1', {
            'velero.io/schedule-name': 'orders-db-daily',
            tier: 'tier-1',
          }),
          backup('manual-1', { retention: '10' }),
          backup('other-ns-1', { tier: 'tier-2' }, 'payments'),
          pod('payments-db-0', 'payments', {
            'backstage.io/kubernetes-id': 'payments-db',
            role: 'primary',
          }),
          pod('payments-db-1', 'payments', {
            'backstage.io/kubernetes-id': 'payments-db',
            role: 'replica',
          }),
          pod(
            'orders-api-7d9f-abcde',
            'commerce',
            { 'backstage.io/kubernetes-id': 'orders-api' },
            'Pending',
          ),
          deployment,
          snapshot,
        ],
      },
    ],
  });
  url = simulator.clusters[0].url;
});

afterAll(async () => {
  await simulator.stop();
});

afterEach(() => {
  simulator.cluster('test').clearFaults();
});

describe('discovery', () => {
  it('serves the core group at /api and /api/v1', async () => {
    const versions = await call(url, '/api');
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject({
      kind: 'APIVersions',
      versions: ['v1'],
    });

    const core = await call(url, '/api/v1');
    expect(core.body).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'v1',
    });
    const names = core.body.resources.map(
      (resource: JsonObject) => resource.name,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'namespaces',
        'pods',
        'pods/status',
        'services',
        'configmaps',
        'secrets',
        'persistentvolumeclaims',
        'events',
        'limitranges',
        'resourcequotas',
      ]),
    );
    expect(
      core.body.resources.find((r: JsonObject) => r.name === 'pods'),
    ).toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'],
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(
      core.body.resources.find((r: JsonObject) => r.name === 'namespaces')
        .namespaced,
    ).toBe(false);
  });

  it('lists the named groups with their preferred versions at /apis', async () => {
    const { body } = await call(url, '/apis');
    expect(body.kind).toBe('APIGroupList');
    const groups = Object.fromEntries(
      body.groups.map((group: JsonObject) => [group.name, group]),
    );
    for (const name of [
      'apps',
      'batch',
      'networking.k8s.io',
      'autoscaling',
      'velero.io',
      'postgresql.cnpg.io',
      'kafka.strimzi.io',
      'snapshot.storage.k8s.io',
      'volsync.backube',
    ]) {
      expect(groups[name]).toBeDefined();
    }
    expect(groups['velero.io']).toEqual({
      name: 'velero.io',
      versions: [{ groupVersion: 'velero.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'velero.io/v1', version: 'v1' },
    });
    // v1beta1 of the snapshot CRDs is in the files but not served
    expect(groups['snapshot.storage.k8s.io'].versions).toEqual([
      { groupVersion: 'snapshot.storage.k8s.io/v1', version: 'v1' },
    ]);
    expect((await call(url, '/apis/velero.io')).body).toMatchObject({
      kind: 'APIGroup',
      name: 'velero.io',
    });
  });

  it('describes the resources and subresources of a group version', async () => {
    const velero = await call(url, '/apis/velero.io/v1');
    expect(velero.body).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'velero.io/v1',
    });
    const backups = velero.body.resources.find(
      (r: JsonObject) => r.name === 'backups',
    );
    expect(backups).toMatchObject({
      kind: 'Backup',
      namespaced: true,
      singularName: 'backup',
    });
    // Velero's Backup CRD has no status subresource; VolumeSnapshot's has.
    expect(velero.body.resources.map((r: JsonObject) => r.name)).not.toContain(
      'backups/status',
    );
    const snapshots = await call(url, '/apis/snapshot.storage.k8s.io/v1');
    expect(snapshots.body.resources.map((r: JsonObject) => r.name)).toContain(
      'volumesnapshots/status',
    );
    const apps = await call(url, '/apis/apps/v1');
    expect(
      apps.body.resources.find(
        (r: JsonObject) => r.name === 'deployments/scale',
      ),
    ).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const volsync = await call(url, '/apis/volsync.backube/v1alpha1');
    expect(volsync.body.resources.map((r: JsonObject) => r.name)).toEqual([
      'replicationsources',
      'replicationsources/status',
      'replicationdestinations',
      'replicationdestinations/status',
    ]);
  });

  it('reports a version and answers unknown paths with a NotFound Status', async () => {
    expect((await call(url, '/version')).body.gitVersion).toMatch(
      /^v1\.\d+\.\d+$/,
    );
    const missing = await call(
      url,
      '/apis/example.com/v1/namespaces/x/widgets',
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      code: 404,
    });
    // a namespace on a cluster-scoped resource is not a path either
    expect(
      (await call(url, '/api/v1/namespaces/velero/namespaces')).status,
    ).toBe(404);
  });
});

describe('list', () => {
  it('answers a typed list across all namespaces or in one', async () => {
    const all = await call(url, '/apis/velero.io/v1/backups');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      apiVersion: 'velero.io/v1',
      kind: 'BackupList',
    });
    expect(all.body.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(all.body.metadata.continue).toBeUndefined();
    expect(all.body.items).toHaveLength(5);
    expect(all.body.items[0]).toMatchObject({
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
    });
    // list order: namespace, then name
    expect(
      all.body.items.map((b: JsonObject) => (b.metadata as JsonObject).name),
    ).toEqual([
      'other-ns-1',
      'manual-1',
      'orders-db-daily-1',
      'payments-db-hourly-1',
      'payments-db-hourly-2',
    ]);

    const velero = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/backups',
    );
    expect(velero.body.items).toHaveLength(4);

    const pods = await call(url, '/api/v1/pods');
    expect(pods.body).toMatchObject({ apiVersion: 'v1', kind: 'PodList' });
    expect(pods.body.items).toHaveLength(3);
    expect(
      (await call(url, '/api/v1/namespaces/payments/pods')).body.items,
    ).toHaveLength(2);
  });

  it('answers an empty list for a kind with no objects', async () => {
    for (const path of [
      '/api/v1/namespaces/payments/configmaps',
      '/apis/autoscaling/v2/namespaces/payments/horizontalpodautoscalers',
      '/apis/batch/v1/cronjobs',
      '/apis/networking.k8s.io/v1/namespaces/payments/ingresses',
    ]) {
      const { status, body } = await call(
        url,
        `${path}?labelSelector=backstage.io%2Fkubernetes-id%3Dpayments-db`,
      );
      expect(status).toBe(200);
      expect(body.items).toEqual([]);
      expect(body.kind).toMatch(/List$/);
    }
  });

  it.each([
    [
      'velero.io/schedule-name=payments-db-hourly',
      ['payments-db-hourly-1', 'payments-db-hourly-2'],
    ],
    ['velero.io/schedule-name==orders-db-daily', ['orders-db-daily-1']],
    [
      'velero.io/schedule-name!=payments-db-hourly',
      ['other-ns-1', 'manual-1', 'orders-db-daily-1'],
    ],
    ['tier in (tier-1, tier-2)', ['other-ns-1', 'orders-db-daily-1']],
    ['tier notin (tier-0)', ['other-ns-1', 'manual-1', 'orders-db-daily-1']],
    [
      'velero.io/schedule-name',
      ['orders-db-daily-1', 'payments-db-hourly-1', 'payments-db-hourly-2'],
    ],
    ['!velero.io/schedule-name', ['other-ns-1', 'manual-1']],
    [
      'tier=tier-0,velero.io/schedule-name in (payments-db-hourly)',
      ['payments-db-hourly-1', 'payments-db-hourly-2'],
    ],
    ['retention>5', ['manual-1']],
    ['retention<5', []],
  ])('selects by label: %s', async (selector, expected) => {
    const { status, body } = await call(
      url,
      `/apis/velero.io/v1/backups?labelSelector=${encodeURIComponent(
        selector,
      )}`,
    );
    expect(status).toBe(200);
    expect(
      body.items.map((b: JsonObject) => (b.metadata as JsonObject).name),
    ).toEqual(expected);
  });

  it.each([
    ['metadata.name=manual-1', ['manual-1']],
    ['metadata.namespace=payments', ['other-ns-1']],
    [
      'metadata.namespace==velero,metadata.name!=manual-1',
      ['orders-db-daily-1', 'payments-db-hourly-1', 'payments-db-hourly-2'],
    ],
  ])('selects by field: %s', async (selector, expected) => {
    const { body } = await call(
      url,
      `/apis/velero.io/v1/backups?fieldSelector=${encodeURIComponent(
        selector,
      )}`,
    );
    expect(
      body.items.map((b: JsonObject) => (b.metadata as JsonObject).name),
    ).toEqual(expected);
  });

  it('selects pods by their own fields', async () => {
    const { body } = await call(
      url,
      `/api/v1/pods?fieldSelector=${encodeURIComponent(
        'status.phase=Pending',
      )}`,
    );
    expect(
      body.items.map((p: JsonObject) => (p.metadata as JsonObject).name),
    ).toEqual(['orders-api-7d9f-abcde']);
  });

  it('rejects selectors that do not parse or fields that cannot be selected', async () => {
    const label = await call(
      url,
      `/apis/velero.io/v1/backups?labelSelector=${encodeURIComponent(
        'tier in (a',
      )}`,
    );
    expect(label.status).toBe(400);
    expect(label.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      code: 400,
    });
    const field = await call(
      url,
      `/apis/velero.io/v1/backups?fieldSelector=${encodeURIComponent(
        'spec.ttl=1h',
      )}`,
    );
    expect(field.status).toBe(400);
    expect(field.body.message).toBe('field label not supported: spec.ttl');
  });
});

describe('paging', () => {
  beforeAll(() => {
    const objects: JsonObject[] = [
      namespace('paging-a'),
      namespace('paging-b'),
      namespace('paging-c'),
    ];
    for (const ns of ['paging-a', 'paging-b', 'paging-c']) {
      for (let i = 0; i < 83; i++) {
        objects.push({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: `cm-${String(i).padStart(3, '0')}`,
            namespace: ns,
            labels: { even: String(i % 2 === 0) },
          },
          data: { index: String(i) },
        });
      }
    }
    simulator.cluster('test').load(objects);
  });

  async function collect(path: string, limit: number) {
    const names: string[] = [];
    const remaining: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const { status, body } = await call(
        url,
        `${path}${separator}limit=${limit}${
          token ? `&continue=${encodeURIComponent(token)}` : ''
        }`,
      );
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(limit);
      names.push(
        ...body.items.map((item: JsonObject) => {
          const meta = item.metadata as JsonObject;
          return `${meta.namespace}/${meta.name}`;
        }),
      );
      if (body.metadata.remainingItemCount !== undefined) {
        remaining.push(body.metadata.remainingItemCount);
      }
      token = body.metadata.continue;
      pages++;
    } while (token);
    return { names, remaining, pages };
  }

  it('returns every object exactly once, in order, across pages', async () => {
    const { names, remaining, pages } = await collect('/api/v1/configmaps', 10);
    expect(names).toHaveLength(249);
    expect(new Set(names).size).toBe(249);
    expect(names).toEqual([...names].sort());
    expect(pages).toBe(25);
    expect(remaining[0]).toBe(239);
    expect(remaining[remaining.length - 1]).toBe(9);
  });

  it('pages within a namespace and with a selector', async () => {
    const inNamespace = await collect(
      '/api/v1/namespaces/paging-b/configmaps',
      20,
    );
    expect(inNamespace.names).toHaveLength(83);
    expect(inNamespace.names.every(name => name.startsWith('paging-b/'))).toBe(
      true,
    );

    const selected = await collect(
      '/api/v1/configmaps?labelSelector=even%3Dtrue',
      13,
    );
    expect(selected.names).toHaveLength(3 * 42);
    expect(new Set(selected.names).size).toBe(3 * 42);
    // no remainingItemCount when a selector filters the list, as on the real API
    expect(selected.remaining).toEqual([]);
  });

  it('rejects a continue token that is not one', async () => {
    const { status, body } = await call(
      url,
      '/api/v1/configmaps?limit=5&continue=bm90LWEtdG9rZW4=',
    );
    expect(status).toBe(400);
    expect(body.reason).toBe('BadRequest');
  });
});

describe('get, create, delete', () => {
  it('gets an object and answers NotFound for a missing one', async () => {
    const found = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/backups/manual-1',
    );
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name: 'manual-1', namespace: 'velero', generation: 1 },
      status: { phase: 'Completed' },
    });
    // {{now-2m}} follows the simulator's clock, which has run since the start (NOW)
    const sinceTwoMinutesBeforeStart =
      Date.parse(found.body.status.startTimestamp) -
      Date.parse('2026-11-25T09:58:00Z');
    expect(sinceTwoMinutesBeforeStart).toBeGreaterThanOrEqual(0);
    expect(sinceTwoMinutesBeforeStart).toBeLessThan(60_000);
    expect(found.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/backups/nope',
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      reason: 'NotFound',
      message: 'backups.velero.io "nope" not found',
      details: { name: 'nope', group: 'velero.io', kind: 'backups' },
    });
  });

  it('creates an object with server-set metadata, then refuses a duplicate', async () => {
    const before = await call(url, '/apis/velero.io/v1/backups');
    const created = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/backups',
      {
        method: 'POST',
        body: {
          apiVersion: 'velero.io/v1',
          kind: 'Backup',
          metadata: { name: 'created-1' },
          spec: { ttl: '24h0m0s' },
        },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({
      name: 'created-1',
      namespace: 'velero',
      generation: 1,
    });
    expect(Number(created.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.body.metadata.resourceVersion),
    );
    expect(
      Date.parse(created.body.metadata.creationTimestamp),
    ).toBeGreaterThanOrEqual(NOW.getTime());

    const read = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/backups/created-1',
    );
    expect(read.body).toEqual(created.body);

    const duplicate = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/backups',
      {
        method: 'POST',
        body: {
          apiVersion: 'velero.io/v1',
          kind: 'Backup',
          metadata: { name: 'created-1' },
        },
      },
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'backups.velero.io "created-1" already exists',
    });
  });

  it('generates names and refuses objects in a namespace that does not exist', async () => {
    const generated = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/restores',
      {
        method: 'POST',
        body: {
          apiVersion: 'velero.io/v1',
          kind: 'Restore',
          metadata: { generateName: 'drill-' },
          spec: { backupName: 'manual-1' },
        },
      },
    );
    expect(generated.status).toBe(201);
    expect(generated.body.metadata.name).toMatch(/^drill-[a-z0-9]{5}$/);

    const orphan = await call(
      url,
      '/apis/velero.io/v1/namespaces/nowhere/backups',
      {
        method: 'POST',
        body: {
          apiVersion: 'velero.io/v1',
          kind: 'Backup',
          metadata: { name: 'x' },
        },
      },
    );
    expect(orphan.status).toBe(404);
    expect(orphan.body.message).toBe('namespaces "nowhere" not found');
  });

  it('deletes: custom resources answer with the object, built-in kinds with a Success Status', async () => {
    await call(url, '/apis/velero.io/v1/namespaces/velero/backups', {
      method: 'POST',
      body: {
        apiVersion: 'velero.io/v1',
        kind: 'Backup',
        metadata: { name: 'doomed' },
      },
    });
    const deleted = await call(
      url,
      '/apis/velero.io/v1/namespaces/velero/backups/doomed',
      { method: 'DELETE' },
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({
      kind: 'Backup',
      metadata: { name: 'doomed' },
    });
    expect(
      (await call(url, '/apis/velero.io/v1/namespaces/velero/backups/doomed'))
        .status,
    ).toBe(404);
    expect(
      (
        await call(url, '/apis/velero.io/v1/namespaces/velero/backups/doomed', {
          method: 'DELETE',
        })
      ).status,
    ).toBe(404);

    await call(url, '/api/v1/namespaces/payments/configmaps', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'doomed' },
        data: { a: 'b' },
      },
    });
    const status = await call(
      url,
      '/api/v1/namespaces/payments/configmaps/doomed',
      { method: 'DELETE' },
    );
    expect(status.body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'doomed', kind: 'configmaps' },
    });
  });

  it('deleting a namespace deletes what is in it', async () => {
    await call(url, '/api/v1/namespaces', {
      method: 'POST',
      body: namespace('drill-1'),
    });
    await call(url, '/api/v1/namespaces/drill-1/configmaps', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'restored' },
      },
    });
    expect(
      (await call(url, '/api/v1/namespaces/drill-1/configmaps')).body.items,
    ).toHaveLength(1);
    await call(url, '/api/v1/namespaces/drill-1', { method: 'DELETE' });
    expect(
      (await call(url, '/api/v1/namespaces/drill-1/configmaps')).body.items,
    ).toEqual([]);
  });
});

describe('patch', () => {
  const path = '/apis/velero.io/v1/namespaces/velero/backups/orders-db-daily-1';

  it('applies a merge patch; spec changes bump generation, label changes do not', async () => {
    const before = (await call(url, path)).body;
    const labelled = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { reviewed: 'yes', tier: null } } },
    });
    expect(labelled.status).toBe(200);
    expect(labelled.body.metadata.labels).toEqual({
      'velero.io/schedule-name': 'orders-db-daily',
      reviewed: 'yes',
    });
    expect(labelled.body.metadata.generation).toBe(before.metadata.generation);
    expect(Number(labelled.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );

    const respec = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec: { ttl: '48h0m0s' } },
    });
    expect(respec.body.spec).toEqual({
      includedNamespaces: ['payments'],
      ttl: '48h0m0s',
    });
    expect(respec.body.metadata.generation).toBe(
      before.metadata.generation + 1,
    );
    expect(respec.body.metadata.uid).toBe(before.metadata.uid);
  });

  it('applies a JSON patch atomically, and refuses it whole when a test fails', async () => {
    const patched = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/spec/includedNamespaces/0', value: 'payments' },
        { op: 'add', path: '/spec/includedNamespaces/-', value: 'commerce' },
        { op: 'replace', path: '/spec/ttl', value: '72h0m0s' },
        {
          op: 'add',
          path: '/metadata/annotations',
          value: { 'example.com/a~b': 'x' },
        },
        { op: 'copy', from: '/spec/ttl', path: '/metadata/annotations/ttl' },
        {
          op: 'move',
          from: '/metadata/annotations/example.com~1a~0b',
          path: '/metadata/annotations/moved',
        },
        { op: 'remove', path: '/spec/includedNamespaces/0' },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.spec).toEqual({
      includedNamespaces: ['commerce'],
      ttl: '72h0m0s',
    });
    expect(patched.body.metadata.annotations).toEqual({
      ttl: '72h0m0s',
      moved: 'x',
    });

    const failed = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: [
        { op: 'replace', path: '/spec/ttl', value: '1h0m0s' },
        { op: 'test', path: '/spec/ttl', value: 'something else' },
      ],
    });
    expect(failed.status).toBe(422);
    expect(failed.body.reason).toBe('Invalid');
    expect((await call(url, path)).body.spec.ttl).toBe('72h0m0s');
  });

  it('takes a strategic merge patch on built-in kinds only, like the real API', async () => {
    const patched = await call(
      url,
      '/apis/apps/v1/namespaces/commerce/deployments/orders-api',
      {
        method: 'PATCH',
        contentType: 'application/strategic-merge-patch+json',
        body: {
          metadata: { annotations: { 'example.com/owner': 'commerce' } },
        },
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.metadata.annotations).toEqual({
      'example.com/owner': 'commerce',
    });

    const refused = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { ttl: '1h0m0s' } },
    });
    expect(refused.status).toBe(415);
    expect(refused.body.reason).toBe('UnsupportedMediaType');
  });

  it('refuses a stale resourceVersion with a Conflict', async () => {
    const conflictAnswer = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: '1' }, spec: { ttl: '2h0m0s' } },
    });
    expect(conflictAnswer.status).toBe(409);
    expect(conflictAnswer.body.reason).toBe('Conflict');
  });
});

describe('status subresource', () => {
  const path =
    '/apis/snapshot.storage.k8s.io/v1/namespaces/commerce/volumesnapshots';

  it('drops status on create and changes only status through /status', async () => {
    const created = await call(url, path, {
      method: 'POST',
      body: {
        ...snapshot,
        metadata: { name: 'fresh' },
        status: { readyToUse: true },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBeUndefined();

    const statusPatch = await call(url, `${path}/fresh/status`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: {
        spec: { volumeSnapshotClassName: 'ignored' },
        status: { readyToUse: true, restoreSize: '10Gi' },
      },
    });
    expect(statusPatch.status).toBe(200);
    expect(statusPatch.body.status).toEqual({
      readyToUse: true,
      restoreSize: '10Gi',
    });
    expect(statusPatch.body.spec.volumeSnapshotClassName).toBe('csi-snapclass');

    const viaStatus = await call(url, `${path}/fresh/status`);
    expect(viaStatus.body).toEqual(statusPatch.body);
  });

  it('ignores status changes in main-resource writes', async () => {
    const current = (await call(url, `${path}/data-orders-db-0-snap`)).body;
    const replaced = await call(url, `${path}/data-orders-db-0-snap`, {
      method: 'PUT',
      body: {
        ...current,
        metadata: { ...current.metadata, labels: { checked: 'true' } },
        status: { readyToUse: false },
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.metadata.labels).toEqual({ checked: 'true' });
    expect(replaced.body.status).toEqual(current.status);

    const put = await call(url, `${path}/data-orders-db-0-snap/status`, {
      method: 'PUT',
      body: {
        ...replaced.body,
        status: { ...current.status, readyToUse: false },
      },
    });
    expect(put.body.status.readyToUse).toBe(false);
  });

  it('needs a resourceVersion to PUT a custom resource', async () => {
    const current = (await call(url, `${path}/data-orders-db-0-snap`)).body;
    const { metadata } = current;
    const answer = await call(url, `${path}/data-orders-db-0-snap`, {
      method: 'PUT',
      body: {
        ...current,
        metadata: { name: metadata.name, namespace: metadata.namespace },
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.details.causes[0].field).toBe(
      'metadata.resourceVersion',
    );
  });

  it('has no /status for kinds without the subresource', async () => {
    expect(
      (
        await call(
          url,
          '/apis/velero.io/v1/namespaces/velero/backups/manual-1/status',
        )
      ).status,
    ).toBe(404);
  });
});

describe('scale subresource', () => {
  const path = '/apis/apps/v1/namespaces/commerce/deployments/orders-api/scale';

  it('reads and writes replicas through an autoscaling/v1 Scale', async () => {
    const scale = await call(url, path);
    expect(scale.body).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'orders-api', namespace: 'commerce' },
      spec: { replicas: 2 },
      status: { replicas: 2, selector: 'app=orders-api' },
    });

    const patched = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 5 } },
    });
    expect(patched.body.spec.replicas).toBe(5);
    const deploymentNow = (
      await call(
        url,
        '/apis/apps/v1/namespaces/commerce/deployments/orders-api',
      )
    ).body;
    expect(deploymentNow.spec.replicas).toBe(5);
    expect(deploymentNow.status.replicas).toBe(2);

    const put = await call(url, path, {
      method: 'PUT',
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'orders-api' },
        spec: { replicas: 0 },
      },
    });
    expect(put.body.spec.replicas).toBe(0);

    const negative = await call(url, path, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: -1 } },
    });
    expect(negative.status).toBe(422);
    expect(negative.body.details.causes[0].field).toBe('spec.replicas');
  });
});

describe('authentication', () => {
  it('answers 401 Unauthorized without the cluster token', async () => {
    for (const token of [null, 'wrong']) {
      const answer = await call(url, '/apis/velero.io/v1/backups', { token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('takes the bearer scheme in any case', async () => {
    const response = await fetch(`${url}/api/v1/namespaces`, {
      headers: { authorization: `bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
  });

  it('serves /version anonymously but not with a wrong token', async () => {
    expect((await call(url, '/version', { token: null })).status).toBe(200);
    expect((await call(url, '/version', { token: 'wrong' })).status).toBe(401);
  });
});

describe('validation', () => {
  const path = '/apis/velero.io/v1/namespaces/velero/backups';

  it('answers 422 Invalid naming the field of a wrong type', async () => {
    const answer = await call(url, path, {
      method: 'POST',
      body: {
        apiVersion: 'velero.io/v1',
        kind: 'Backup',
        metadata: { name: 'bad-ttl' },
        spec: { ttl: 5 },
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message:
        'Backup.velero.io "bad-ttl" is invalid: spec.ttl: Invalid value: "integer": spec.ttl in body must be of type string: "integer"',
      details: {
        name: 'bad-ttl',
        group: 'velero.io',
        kind: 'Backup',
        causes: [{ reason: 'FieldValueInvalid', field: 'spec.ttl' }],
      },
    });
  });

  it('answers 422 for a value outside an enum', async () => {
    const answer = await call(url, path, {
      method: 'POST',
      body: {
        apiVersion: 'velero.io/v1',
        kind: 'Backup',
        metadata: { name: 'bogus' },
        status: { phase: 'Bogus' },
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.details.causes).toEqual([
      expect.objectContaining({
        reason: 'FieldValueNotSupported',
        field: 'status.phase',
      }),
    ]);
    expect(answer.body.message).toContain(
      'status.phase: Unsupported value: "Bogus"',
    );
  });

  it('prunes unknown fields with a warning, or refuses them under Strict field validation', async () => {
    const body = {
      apiVersion: 'velero.io/v1',
      kind: 'Backup',
      metadata: { name: 'typo' },
      spec: { snapshotVolume: true, ttl: '1h0m0s' },
    };
    const pruned = await call(url, path, { method: 'POST', body });
    expect(pruned.status).toBe(201);
    expect(pruned.body.spec).toEqual({ ttl: '1h0m0s' });
    expect(pruned.headers.get('warning')).toBe(
      '299 - "unknown field \\"spec.snapshotVolume\\""',
    );

    const strict = await call(url, `${path}?fieldValidation=Strict`, {
      method: 'POST',
      body: { ...body, metadata: { name: 'typo-strict' } },
    });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toContain(
      'unknown field "spec.snapshotVolume"',
    );
  });

  it('checks object names', async () => {
    const answer = await call(url, path, {
      method: 'POST',
      body: {
        apiVersion: 'velero.io/v1',
        kind: 'Backup',
        metadata: { name: 'Not_A_Name' },
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.details.causes[0].field).toBe('metadata.name');
  });
});

describe('faults', () => {
  const path = '/apis/velero.io/v1/namespaces/velero/backups';

  it('delays answers by latencyMs', async () => {
    simulator.cluster('test').setFaults({ latencyMs: 300 });
    const started = performance.now();
    expect((await call(url, path)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it.each([
    [500, 'InternalError'],
    [502, 'InternalError'],
    [503, 'ServiceUnavailable'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
  ] as const)('answers every request with %s %s', async (status, reason) => {
    simulator.cluster('test').setFaults({ status });
    for (const target of [path, '/apis']) {
      const answer = await call(url, target);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason,
        code: status,
      });
    }
  });

  it('words 403 like the real API', async () => {
    simulator.cluster('test').setFaults({ status: 403 });
    const answer = await call(url, path);
    expect(answer.body.message).toBe(
      'backups.velero.io is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "backups" in API group "velero.io" in the namespace "velero"',
    );
  });

  it('closes connections without an answer', async () => {
    simulator.cluster('test').setFaults({ closeConnections: true });
    await expect(call(url, path)).rejects.toThrow();
    simulator.cluster('test').clearFaults();
    expect((await call(url, path)).status).toBe(200);
  });

  it('hides missing CRDs from discovery and answers their paths 404', async () => {
    simulator.cluster('test').setFaults({ missingCrds: ['backups.velero.io'] });
    const resources = (
      await call(url, '/apis/velero.io/v1')
    ).body.resources.map((r: JsonObject) => r.name);
    expect(resources).not.toContain('backups');
    expect(resources).toContain('schedules');
    for (const target of [
      path,
      '/apis/velero.io/v1/backups',
      `${path}/manual-1`,
    ]) {
      const answer = await call(url, target);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    }

    const velero = [
      'backups',
      'schedules',
      'restores',
      'backupstoragelocations',
      'volumesnapshotlocations',
    ];
    simulator
      .cluster('test')
      .setFaults({ missingCrds: velero.map(plural => `${plural}.velero.io`) });
    const groups = (await call(url, '/apis')).body.groups.map(
      (group: JsonObject) => group.name,
    );
    expect(groups).not.toContain('velero.io');
    expect(groups).toContain('apps');
    expect((await call(url, '/apis/velero.io/v1')).status).toBe(404);
    expect((await call(url, '/apis/velero.io')).status).toBe(404);
  });

  it('takes faults over the admin endpoint, which needs no token and is never faulted', async () => {
    const set = await call(url, '/__simulator/faults', {
      method: 'PUT',
      body: { status: 503, latencyMs: 10 },
      token: null,
    });
    expect(set.status).toBe(200);
    expect((await call(url, path)).status).toBe(503);
    expect(
      (await call(url, '/__simulator/faults', { token: null })).body,
    ).toEqual({ status: 503, latencyMs: 10 });
    const invalid = await call(url, '/__simulator/faults', {
      method: 'PUT',
      body: { status: 418 },
      token: null,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toContain('status must be one of');
    const unknownCrd = await call(url, '/__simulator/faults', {
      method: 'PUT',
      body: { missingCrds: ['backup.velero.io'] },
      token: null,
    });
    expect(unknownCrd.body.error).toContain('backup.velero.io not served');
    await call(url, '/__simulator/faults', { method: 'DELETE', token: null });
    expect((await call(url, path)).status).toBe(200);
  });

  it('counts API requests and bytes, admin requests excepted', async () => {
    const cluster = simulator.cluster('test');
    const before = { requests: cluster.requestCount, bytes: cluster.bytesSent };
    const answer = await call(url, path);
    await call(url, '/__simulator/stats', { token: null });
    expect(cluster.requestCount).toBe(before.requests + 1);
    expect(cluster.bytesSent - before.bytes).toBe(
      Buffer.byteLength(JSON.stringify(answer.body)),
    );
    const stats = await call(url, '/__simulator/stats', { token: null });
    expect(stats.body).toEqual({
      requests: cluster.requestCount,
      bytesSent: cluster.bytesSent,
      expiredContinues: cluster.expiredContinues,
    });
  });

  it('refuses invalid faults from code', () => {
    expect(() =>
      simulator.cluster('test').setFaults({ latencyMs: -1 }),
    ).toThrow('latencyMs');
    expect(() =>
      simulator.cluster('test').setFaults({ maxPageSize: 0 }),
    ).toThrow('maxPageSize must be a whole number');
    expect(() =>
      simulator
        .cluster('test')
        .setFaults({ status: 403, statusResources: ['backup.velero.io'] }),
    ).toThrow('statusResources: backup.velero.io not served');
    expect(() =>
      simulator
        .cluster('test')
        .setFaults({ statusResources: ['backups.velero.io'] }),
    ).toThrow('statusResources needs a status');
    expect(() =>
      simulator
        .cluster('test')
        .setFaults({ malformedItems: 'backups' } as object),
    ).toThrow('malformedItems must be a list of resource names');
  });

  it('answers the status only on the resources statusResources names, as RBAC that does not grant them', async () => {
    simulator.cluster('test').setFaults({
      status: 403,
      statusResources: ['backups.velero.io', 'pods'],
    });
    expect((await call(url, path)).status).toBe(403);
    expect((await call(url, '/api/v1/pods')).status).toBe(403);
    expect(
      (await call(url, '/apis/velero.io/v1/namespaces/velero/schedules'))
        .status,
    ).toBe(200);
    expect((await call(url, '/apis/apps/v1/deployments')).status).toBe(200);
    expect((await call(url, '/apis')).status).toBe(200);
  });

  it('pages lists at maxPageSize and expires every continue token with 410 Expired, as after an etcd compaction', async () => {
    const cluster = simulator.cluster('test');
    const all = (await call(url, path)).body.items.length;
    expect(all).toBeGreaterThan(2);
    cluster.setFaults({ maxPageSize: 2 });
    const first = await call(url, `${path}?limit=500`);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.metadata.remainingItemCount).toBe(all - 2);
    const second = await call(
      url,
      `${path}?limit=500&continue=${first.body.metadata.continue}`,
    );
    expect(second.body.items).toHaveLength(Math.min(2, all - 2));
    // Without limit (or with 0), everything in one answer.
    expect((await call(url, path)).body.items).toHaveLength(all);
    expect((await call(url, `${path}?limit=0`)).body.items).toHaveLength(all);

    cluster.setFaults({ maxPageSize: 2, expireContinue: true });
    const before = cluster.expiredContinues;
    const paged = await call(url, `${path}?limit=500`);
    expect(paged.status).toBe(200);
    const token = paged.body.metadata.continue;
    const expired = await call(url, `${path}?limit=500&continue=${token}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      metadata: { continue: token },
      message: expect.stringContaining(
        'The provided continue parameter is too old to display a consistent list result.',
      ),
    });
    expect(cluster.expiredContinues).toBe(before + 1);
    expect(
      (await call(url, '/__simulator/stats', { token: null })).body,
    ).toMatchObject({ expiredContinues: before + 1 });
  });

  it('gives the items of malformedItems resources fields of the wrong types, metadata whole', async () => {
    simulator.cluster('test').setFaults({
      malformedItems: ['backups.velero.io'],
    });
    const list = await call(url, path);
    expect(list.status).toBe(200);
    const item = list.body.items.find(
      (i: JsonObject) => (i.metadata as JsonObject).name === 'manual-1',
    );
    expect(item.metadata).toMatchObject({
      name: 'manual-1',
      namespace: 'velero',
      labels: { retention: '10' },
    });
    expect(item.spec).toEqual({
      includedNamespaces: [8],
      ttl: 8,
    });
    expect(typeof item.status.phase).toBe('number');
    expect(typeof item.status.startTimestamp).toBe('number');
    // Other resources, and the stored objects, are untouched.
    simulator.cluster('test').clearFaults();
    expect(
      (await call(url, path)).body.items.find(
        (i: JsonObject) => (i.metadata as JsonObject).name === 'manual-1',
      ).spec,
    ).toEqual({ includedNamespaces: ['payments'], ttl: '720h0m0s' });
  });
});

describe('pod proxy', () => {
  it('serves a pod’s proxy-<port>-<path> annotation as the process in the pod would', async () => {
    simulator.cluster('test').load([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'ledger-db-1',
          namespace: 'velero',
          annotations: {
            'kube-simulator.backstage-dr.dev/proxy-9187-metrics':
              'cnpg_pg_replication_lag 12\n',
          },
        },
        spec: { containers: [{ name: 'postgres', image: 'postgres:16' }] },
      },
    ]);
    const metrics = await call(
      url,
      '/api/v1/namespaces/velero/pods/ledger-db-1:9187/proxy/metrics',
    );
    expect(metrics.status).toBe(200);
    expect(metrics.body).toBe('cnpg_pg_replication_lag 12\n');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);

    const otherPort = await call(
      url,
      '/api/v1/namespaces/velero/pods/ledger-db-1:8000/proxy/metrics',
    );
    expect(otherPort.status).toBe(503);
    expect(otherPort.body.message).toBe(
      'error trying to reach service: dial tcp ledger-db-1:8000: connect: connection refused',
    );

    const missing = await call(
      url,
      '/api/v1/namespaces/velero/pods/nope-0:9187/proxy/metrics',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.reason).toBe('NotFound');

    const post = await call(
      url,
      '/api/v1/namespaces/velero/pods/ledger-db-1:9187/proxy/metrics',
      { method: 'POST', body: {} },
    );
    expect(post.status).toBe(405);

    expect(
      (
        await call(
          url,
          '/api/v1/namespaces/velero/pods/ledger-db-1:9187/proxy/metrics',
          { token: 'wrong' },
        )
      ).status,
    ).toBe(401);
  });
});
