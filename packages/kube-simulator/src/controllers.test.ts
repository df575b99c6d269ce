import { JsonObject } from './json';
import { ControllerOptions, Simulator, startSimulator } from './index';

const TOKEN = 'test-token';
const NOW = new Date('2026-11-25T10:00:00Z');
/** The controllers' delays in these tests, in seconds. */
const RESTORE_SECONDS = 0.3;
const WORKLOAD_SECONDS = 0.2;
const CNPG_SECONDS = 0.2;

interface Answer {
  status: number;
  body: any;
}

async function call(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; contentType?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
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
    // plain-text answers stay text
  }
  return { status: response.status, body };
}

function mergePatch(url: string, path: string, body: unknown) {
  return call(url, path, {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body,
  });
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** GETs `path` until `done` holds for the body (or fails after `timeoutMs`). */
async function waitFor(
  url: string,
  path: string,
  done: (body: any) => boolean,
  timeoutMs = 4000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let last: Answer | undefined;
  while (Date.now() < deadline) {
    last = await call(url, path);
    if (last.status === 200 && done(last.body)) {
      return last.body;
    }
    await sleep(25);
  }
  throw new Error(
    `timed out waiting on ${path}; last answer ${
      last?.status
    }: ${JSON.stringify(last?.body)}`,
  );
}

function namespace(name: string): JsonObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function location(accessMode: 'ReadWrite' | 'ReadOnly'): JsonObject {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: { name: 'default', namespace: 'velero' },
    spec: {
      provider: 'aws',
      default: true,
      accessMode,
      objectStorage: { bucket: 'acme-velero', prefix: 'prod-eu' },
    },
    status: { phase: 'Available' },
  };
}

function backup(
  name: string,
  options: {
    spec?: JsonObject;
    phase?: string;
    schedule?: string;
    startedMinutesAgo?: number;
  } = {},
): JsonObject {
  const started = options.startedMinutesAgo ?? 2;
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: {
      name,
      namespace: 'velero',
      labels: {
        'velero.io/schedule-name': options.schedule ?? 'payments-hourly',
      },
    },
    spec: {
      includedNamespaces: ['payments'],
      storageLocation: 'default',
      ttl: '720h0m0s',
      ...options.spec,
    },
    status: {
      phase: options.phase ?? 'Completed',
      startTimestamp: `{{now-${started}m}}`,
      completionTimestamp: `{{now-${started - 1}m}}`,
    },
  };
}

const labels = (app: string) => ({
  'backstage.io/kubernetes-id': 'payments',
  app,
});

/** What prod-eu's payments namespace holds when the simulator starts. */
const paymentsObjects: JsonObject[] = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'payments-api',
      namespace: 'payments',
      labels: labels('payments-api'),
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'payments-api' } },
      template: {
        metadata: { labels: { app: 'payments-api' } },
        spec: { containers: [{ name: 'api', image: 'payments-api:2.1.0' }] },
      },
    },
    status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: 'payments-db',
      namespace: 'payments',
      labels: labels('payments-db'),
    },
    spec: {
      replicas: 1,
      serviceName: 'payments-db',
      selector: { matchLabels: { app: 'payments-db' } },
      template: {
        metadata: { labels: { app: 'payments-db' } },
        spec: { containers: [{ name: 'db', image: 'postgres:17' }] },
      },
    },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: 'data-payments-db-0',
      namespace: 'payments',
      labels: labels('payments-db'),
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
    },
    status: { phase: 'Bound' },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'payments-api',
      namespace: 'payments',
      labels: labels('payments-api'),
    },
    spec: {
      clusterIP: '10.96.4.2',
      clusterIPs: ['10.96.4.2'],
      type: 'NodePort',
      ports: [{ port: 80, nodePort: 30080 }],
      selector: { app: 'payments-api' },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'payments-settings', namespace: 'payments' },
    data: { currency: 'EUR' },
  },
  {
    // made by the Deployment's ReplicaSet: its controller makes it again, Velero's restore does not
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'payments-api-6d9f7-x2x4q',
      namespace: 'payments',
      labels: labels('payments-api'),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'payments-api-6d9f7',
          uid: '0b6bd1b6-7b5b-4b8e-9a51-1f2f8b9d0c11',
          controller: true,
        },
      ],
    },
    spec: { containers: [{ name: 'api', image: 'payments-api:2.1.0' }] },
    status: { phase: 'Running' },
  },
];

/** A CloudNativePG Cluster of the distributed topology `pg-eu` (prod-eu) / `pg-us` (dr-us). */
function pgCluster(self: string, primary: string, other: string): JsonObject {
  const isPrimary = self === primary;
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: 'orders-pg', namespace: 'databases' },
    spec: {
      instances: 2,
      storage: { size: '10Gi' },
      replica: { self, primary, source: other },
      externalClusters: [
        { name: self, connectionParameters: { host: `${self}.internal` } },
        { name: other, connectionParameters: { host: `${other}.internal` } },
      ],
    },
    status: {
      phase: 'Cluster in healthy state',
      instances: 2,
      readyInstances: 2,
      currentPrimary: 'orders-pg-1',
      targetPrimary: 'orders-pg-1',
      timelineID: 1,
      systemID: '7441873648512939031',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ClusterIsReady',
          message: 'Cluster is Ready',
          lastTransitionTime: '{{now-6d}}',
        },
      ],
      ...(isPrimary ? {} : { switchReplicaClusterStatus: {} }),
    },
  };
}

let simulator: Simulator;
let prodEu: string;
let drUs: string;

beforeAll(async () => {
  simulator = await startSimulator({
    now: NOW,
    controllers: {
      restoreSeconds: RESTORE_SECONDS,
      workloadSeconds: 10,
      cnpgSeconds: CNPG_SECONDS,
    },
    clusters: [
      {
        name: 'prod-eu',
        port: 0,
        token: TOKEN,
        controllers: { workloadSeconds: WORKLOAD_SECONDS },
        objects: [
          namespace('velero'),
          namespace('payments'),
          namespace('databases'),
          location('ReadWrite'),
          backup('payments-1'),
          backup('payments-db-only-1', {
            spec: { labelSelector: { matchLabels: { app: 'payments-db' } } },
            startedMinutesAgo: 5,
          }),
          ...paymentsObjects,
          pgCluster('pg-eu', 'pg-eu', 'pg-us'),
        ],
      },
      {
        name: 'dr-us',
        port: 0,
        token: TOKEN,
        controllers: { workloadSeconds: WORKLOAD_SECONDS },
        objects: [
          namespace('velero'),
          namespace('payments'),
          namespace('databases'),
          location('ReadOnly'),
          // synced copies of prod-eu's backups, and one no simulated cluster wrote
          backup('payments-1'),
          backup('payments-db-only-1', {
            spec: { labelSelector: { matchLabels: { app: 'payments-db' } } },
            startedMinutesAgo: 5,
          }),
          backup('orphan-1', { schedule: 'elsewhere-hourly' }),
          backup('running-1', { phase: 'InProgress', startedMinutesAgo: 1 }),
          pgCluster('pg-us', 'pg-eu', 'pg-eu'),
        ],
      },
    ],
  });
  prodEu = simulator.cluster('prod-eu').url;
  drUs = simulator.cluster('dr-us').url;
});

afterAll(async () => {
  await simulator.stop();
});

afterEach(() => {
  simulator.cluster('prod-eu').clearFaults();
  simulator.cluster('dr-us').clearFaults();
});

const RESTORES = '/apis/velero.io/v1/namespaces/velero/restores';

function restore(name: string, spec: JsonObject): JsonObject {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: { name, namespace: 'velero' },
    spec,
  };
}

async function createRestore(name: string, spec: JsonObject): Promise<void> {
  const created = await call(drUs, RESTORES, {
    method: 'POST',
    body: restore(name, spec),
  });
  expect(created.status).toBe(201);
}

function ended(body: any): boolean {
  return [
    'Completed',
    'PartiallyFailed',
    'Failed',
    'FailedValidation',
  ].includes(body.status?.phase);
}

/** Seconds between an RFC 3339 time and the simulator's start. */
function secondsAfterStart(time: string): number {
  return (Date.parse(time) - NOW.getTime()) / 1000;
}

describe('Velero restore controller', () => {
  it('restores a synced backup of prod-eu into a mapped namespace of dr-us: InProgress, then Completed', async () => {
    await createRestore('drill-1', {
      backupName: 'payments-1',
      includedNamespaces: ['payments'],
      namespaceMapping: { payments: 'drill-payments' },
      restorePVs: true,
    });
    const inProgress = await waitFor(
      drUs,
      `${RESTORES}/drill-1`,
      body => body.status?.phase !== undefined,
    );
    expect(inProgress.status).toMatchObject({
      phase: 'InProgress',
      progress: { totalItems: 6, itemsRestored: 0 },
    });
    // the simulator's clock, not the machine's
    expect(
      secondsAfterStart(inProgress.status.startTimestamp),
    ).toBeGreaterThanOrEqual(0);
    expect(secondsAfterStart(inProgress.status.startTimestamp)).toBeLessThan(
      120,
    );
    // Velero completes the spec as its controller does
    expect(inProgress.spec.excludedResources).toEqual(
      expect.arrayContaining([
        'nodes',
        'events',
        'backups.velero.io',
        'restores.velero.io',
      ]),
    );
    expect(inProgress.spec).toMatchObject({
      itemOperationTimeout: '4h0m0s',
      scheduleName: 'payments-hourly',
    });

    const done = await waitFor(drUs, `${RESTORES}/drill-1`, ended);
    expect(done.status).toMatchObject({
      phase: 'Completed',
      startTimestamp: inProgress.status.startTimestamp,
      progress: { totalItems: 6, itemsRestored: 6 },
    });
    expect(done.status.errors).toBeUndefined();
    expect(done.status.warnings).toBeUndefined();
    const took =
      Date.parse(done.status.completionTimestamp) -
      Date.parse(done.status.startTimestamp);
    expect(took).toBeGreaterThanOrEqual(0);
    expect(took).toBeLessThan(5000);

    // the namespace was made, with Velero's labels
    const drillNamespace = await call(
      drUs,
      '/api/v1/namespaces/drill-payments',
    );
    expect(drillNamespace.status).toBe(200);
    expect(drillNamespace.body.metadata.labels).toMatchObject({
      'kubernetes.io/metadata.name': 'drill-payments',
      'velero.io/backup-name': 'payments-1',
      'velero.io/restore-name': 'drill-1',
    });
    expect(drillNamespace.body.status).toEqual({ phase: 'Active' });

    const deployment = await call(
      drUs,
      '/apis/apps/v1/namespaces/drill-payments/deployments/payments-api',
    );
    expect(deployment.body.metadata.labels).toEqual({
      ...labels('payments-api'),
      'velero.io/backup-name': 'payments-1',
      'velero.io/restore-name': 'drill-1',
    });
    expect(deployment.body.spec.replicas).toBe(2);
    expect(deployment.body.metadata.uid).not.toBe(undefined);

    const pvc = await call(
      drUs,
      '/api/v1/namespaces/drill-payments/persistentvolumeclaims/data-payments-db-0',
    );
    expect(pvc.body.status).toEqual({
      phase: 'Bound',
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '10Gi' },
    });
    const service = await call(
      drUs,
      '/api/v1/namespaces/drill-payments/services/payments-api',
    );
    expect(service.body.spec.clusterIP).toBeUndefined();
    expect(service.body.spec.ports).toEqual([{ port: 80 }]);
    const configMap = await call(
      drUs,
      '/api/v1/namespaces/drill-payments/configmaps/payments-settings',
    );
    expect(configMap.body.data).toEqual({ currency: 'EUR' });
    // the ReplicaSet's pod is its controller's to make
    const pods = await call(drUs, '/api/v1/namespaces/drill-payments/pods');
    expect(pods.body.items).toEqual([]);

    // restored workloads come up: their status follows their replicas
    const ready = await waitFor(
      drUs,
      '/apis/apps/v1/namespaces/drill-payments/deployments/payments-api',
      body => body.status?.readyReplicas === 2,
    );
    expect(ready.status).toMatchObject({ replicas: 2, availableReplicas: 2 });
    await waitFor(
      drUs,
      '/apis/apps/v1/namespaces/drill-payments/statefulsets/payments-db',
      body => body.status?.readyReplicas === 1,
    );

    // prod-eu is untouched
    const production = await call(prodEu, '/api/v1/namespaces/drill-payments');
    expect(production.status).toBe(404);
  });

  it('restores what the backup held at its start, not what the cluster that made it holds now', async () => {
    // after the backup: prod-eu is fenced (scaled to 0) and gets a new ConfigMap
    const scaled = await mergePatch(
      prodEu,
      '/apis/apps/v1/namespaces/payments/deployments/payments-api/scale',
      { spec: { replicas: 0 } },
    );
    expect(scaled.status).toBe(200);
    const later = await call(prodEu, '/api/v1/namespaces/payments/configmaps', {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'written-after-the-backup' },
      },
    });
    expect(later.status).toBe(201);
    const deleted = await call(
      prodEu,
      '/api/v1/namespaces/payments/configmaps/payments-settings',
      { method: 'DELETE' },
    );
    expect(deleted.status).toBe(200);

    await createRestore('failover-1', {
      backupName: 'payments-1',
      includedNamespaces: ['payments'],
      namespaceMapping: { payments: 'payments-restored' },
    });
    const done = await waitFor(drUs, `${RESTORES}/failover-1`, ended);
    expect(done.status.phase).toBe('Completed');
    const deployment = await call(
      drUs,
      '/apis/apps/v1/namespaces/payments-restored/deployments/payments-api',
    );
    expect(deployment.body.spec.replicas).toBe(2);
    const missing = await call(
      drUs,
      '/api/v1/namespaces/payments-restored/configmaps/written-after-the-backup',
    );
    expect(missing.status).toBe(404);
    const kept = await call(
      drUs,
      '/api/v1/namespaces/payments-restored/configmaps/payments-settings',
    );
    expect(kept.body.data).toEqual({ currency: 'EUR' });

    // put prod-eu back as it was for the other tests
    await mergePatch(
      prodEu,
      '/apis/apps/v1/namespaces/payments/deployments/payments-api',
      {
        spec: { replicas: 2 },
      },
    );
  });

  it("honours the backup's and the restore's label selectors and resource filters", async () => {
    await createRestore('db-only-1', {
      backupName: 'payments-db-only-1',
      namespaceMapping: { payments: 'db-only' },
    });
    expect(
      (await waitFor(drUs, `${RESTORES}/db-only-1`, ended)).status.phase,
    ).toBe('Completed');
    const statefulSets = await call(
      drUs,
      '/apis/apps/v1/namespaces/db-only/statefulsets',
    );
    expect(
      statefulSets.body.items.map((item: any) => item.metadata.name),
    ).toEqual(['payments-db']);
    const deployments = await call(
      drUs,
      '/apis/apps/v1/namespaces/db-only/deployments',
    );
    expect(deployments.body.items).toEqual([]);

    await createRestore('pvc-only-1', {
      backupName: 'payments-1',
      includedResources: ['pvc'],
      labelSelector: {
        matchExpressions: [
          { key: 'app', operator: 'In', values: ['payments-db'] },
        ],
      },
      namespaceMapping: { payments: 'pvc-only' },
    });
    const done = await waitFor(drUs, `${RESTORES}/pvc-only-1`, ended);
    expect(done.status).toMatchObject({
      phase: 'Completed',
      progress: { totalItems: 2, itemsRestored: 2 },
    });
    const claims = await call(
      drUs,
      '/api/v1/namespaces/pvc-only/persistentvolumeclaims',
    );
    expect(claims.body.items.map((item: any) => item.metadata.name)).toEqual([
      'data-payments-db-0',
    ]);
    expect(
      (await call(drUs, '/api/v1/namespaces/pvc-only/configmaps')).body.items,
    ).toEqual([]);

    // a namespace the restore leaves out restores nothing
    await createRestore('other-namespace-1', {
      backupName: 'payments-1',
      includedNamespaces: ['identity'],
    });
    expect(
      (await waitFor(drUs, `${RESTORES}/other-namespace-1`, ended)).status,
    ).toMatchObject({
      phase: 'Completed',
      progress: { totalItems: 0, itemsRestored: 0 },
    });
  });

  it('resolves a schedule to its newest Completed backup', async () => {
    await createRestore('from-schedule-1', {
      scheduleName: 'payments-hourly',
      includedResources: ['configmaps'],
      namespaceMapping: { payments: 'from-schedule' },
    });
    const done = await waitFor(drUs, `${RESTORES}/from-schedule-1`, ended);
    expect(done.status.phase).toBe('Completed');
    // payments-1 (2 minutes old) is newer than payments-db-only-1 (5); running-1 has not completed
    expect(done.spec.backupName).toBe('payments-1');
  });

  it('ends FailedValidation, as Velero does, for a backup that does not exist or cannot be restored', async () => {
    await createRestore('missing-1', { backupName: 'nope' });
    const missing = await waitFor(drUs, `${RESTORES}/missing-1`, ended);
    expect(missing.status).toEqual({
      phase: 'FailedValidation',
      validationErrors: [
        'Error retrieving backup: can\'t find backup velero/nope: backups.velero.io "nope" not found',
      ],
    });

    await createRestore('running-1', { backupName: 'running-1' });
    expect(
      (await waitFor(drUs, `${RESTORES}/running-1`, ended)).status,
    ).toEqual({
      phase: 'FailedValidation',
      validationErrors: [
        'backup "running-1" is in phase "InProgress" and cannot be used as a restore source',
      ],
    });

    await createRestore('neither-1', {});
    expect(
      (await waitFor(drUs, `${RESTORES}/neither-1`, ended)).status,
    ).toEqual({
      phase: 'FailedValidation',
      validationErrors: [
        'Either a backup or schedule must be specified as a source for the restore, but not both',
      ],
    });
  });

  it('fails a restore whose backup no simulated cluster wrote', async () => {
    await createRestore('orphan-1', {
      backupName: 'orphan-1',
      namespaceMapping: { payments: 'orphan' },
    });
    const done = await waitFor(drUs, `${RESTORES}/orphan-1`, ended);
    expect(done.status.phase).toBe('Failed');
    expect(done.status.failureReason).toMatch(
      /^error downloading backup: no simulated cluster wrote backup orphan-1 to bucket acme-velero/,
    );
    expect(done.status.completionTimestamp).toEqual(expect.any(String));
    expect((await call(drUs, '/api/v1/namespaces/orphan')).status).toBe(404);
  });

  it('ends restores PartiallyFailed or Failed under the restoreFailure fault', async () => {
    const admin = await call(drUs, '/__simulator/faults', {
      method: 'PUT',
      body: { restoreFailure: 'PartiallyFailed' },
    });
    expect(admin.body).toEqual({ restoreFailure: 'PartiallyFailed' });
    await createRestore('partial-1', {
      backupName: 'payments-1',
      namespaceMapping: { payments: 'partial' },
    });
    const partial = await waitFor(drUs, `${RESTORES}/partial-1`, ended);
    expect(partial.status).toMatchObject({
      phase: 'PartiallyFailed',
      errors: 1,
      warnings: 1,
      progress: { totalItems: 6, itemsRestored: 5 },
    });
    expect(partial.status.completionTimestamp).toEqual(expect.any(String));

    simulator.cluster('dr-us').setFaults({ restoreFailure: 'Failed' });
    await createRestore('failed-1', {
      backupName: 'payments-1',
      namespaceMapping: { payments: 'failed' },
    });
    const failed = await waitFor(drUs, `${RESTORES}/failed-1`, ended);
    expect(failed.status).toMatchObject({
      phase: 'Failed',
      failureReason: expect.stringContaining('restoreFailure: Failed'),
      progress: { totalItems: 6, itemsRestored: 0 },
    });
    expect((await call(drUs, '/api/v1/namespaces/failed')).status).toBe(404);

    const wrong = await call(drUs, '/__simulator/faults', {
      method: 'PUT',
      body: { restoreFailure: 'Completed' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe(
      'restoreFailure must be one of PartiallyFailed, Failed',
    );
  });

  it('is idempotent: the same Restore twice is a 409, and restoring over existing objects warns', async () => {
    await createRestore('twice-1', {
      backupName: 'payments-1',
      namespaceMapping: { payments: 'twice' },
    });
    const again = await call(drUs, RESTORES, {
      method: 'POST',
      body: restore('twice-1', { backupName: 'payments-1' }),
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'restores.velero.io "twice-1" already exists',
    });
    expect(
      (await waitFor(drUs, `${RESTORES}/twice-1`, ended)).status.phase,
    ).toBe('Completed');

    // a second Restore into the same namespace finds every object there already
    await createRestore('twice-2', {
      backupName: 'payments-1',
      namespaceMapping: { payments: 'twice' },
    });
    expect(
      (await waitFor(drUs, `${RESTORES}/twice-2`, ended)).status,
    ).toMatchObject({
      phase: 'Completed',
      warnings: 5,
      progress: { totalItems: 6, itemsRestored: 6 },
    });
    const deployment = await call(
      drUs,
      '/apis/apps/v1/namespaces/twice/deployments/payments-api',
    );
    expect(deployment.body.metadata.labels['velero.io/restore-name']).toBe(
      'twice-1',
    );
  });

  it('leaves Restores created with a final phase alone', async () => {
    await createRestore('already-done-1', { backupName: 'payments-1' });
    const done = await waitFor(drUs, `${RESTORES}/already-done-1`, ended);
    await call(drUs, RESTORES, {
      method: 'POST',
      body: {
        ...restore('recorded-1', { backupName: 'payments-1' }),
        status: done.status,
      },
    });
    await sleep(RESTORE_SECONDS * 1000 + 200);
    const recorded = await call(drUs, `${RESTORES}/recorded-1`);
    expect(recorded.body.status).toEqual(done.status);
    expect(recorded.body.metadata.generation).toBe(1);
  });
});

describe('workload controller', () => {
  const deploymentPath =
    '/apis/apps/v1/namespaces/payments/deployments/payments-api';

  it('makes a Deployment ready after a replicas change, and 0 ready when scaled to 0', async () => {
    await mergePatch(prodEu, deploymentPath, { spec: { replicas: 3 } });
    const soon = await call(prodEu, deploymentPath);
    expect(soon.body.status.readyReplicas).not.toBe(3);
    const ready = await waitFor(
      prodEu,
      deploymentPath,
      body => body.status.readyReplicas === 3,
    );
    expect(ready.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: ready.metadata.generation,
    });
    expect(ready.status.conditions).toEqual([
      expect.objectContaining({
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
      }),
    ]);

    // scaled to 0 through the scale subresource: no pods, so no counts (omitted as 0 is)
    await mergePatch(prodEu, `${deploymentPath}/scale`, {
      spec: { replicas: 0 },
    });
    const stopped = await waitFor(
      prodEu,
      deploymentPath,
      body => body.status.readyReplicas === undefined,
    );
    expect(stopped.status.replicas).toBeUndefined();
    expect(stopped.status.availableReplicas).toBeUndefined();
    const scale = await call(prodEu, `${deploymentPath}/scale`);
    expect(scale.body.status.replicas).toBe(0);
  });

  it('keeps a StatefulSet at 0 ready under workloadsNeverReady, and makes it ready once the fault is cleared', async () => {
    const path = '/apis/apps/v1/namespaces/payments/statefulsets/payments-db';
    const admin = await call(prodEu, '/__simulator/faults', {
      method: 'PUT',
      body: { workloadsNeverReady: true },
    });
    expect(admin.status).toBe(200);
    await call(prodEu, `${path}/scale`, {
      method: 'PUT',
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'payments-db', namespace: 'payments' },
        spec: { replicas: 3 },
      },
    });
    const settled = await waitFor(
      prodEu,
      path,
      body => body.status.replicas === 3,
    );
    expect(settled.status.readyReplicas).toBeUndefined();
    expect(settled.status.availableReplicas).toBe(0);
    await sleep(WORKLOAD_SECONDS * 1000 * 2);
    expect((await call(prodEu, path)).body.status.availableReplicas).toBe(0);

    await call(prodEu, '/__simulator/faults', { method: 'DELETE' });
    const ready = await waitFor(
      prodEu,
      path,
      body => body.status.readyReplicas === 3,
    );
    expect(ready.status).toMatchObject({ replicas: 3, availableReplicas: 3 });

    await mergePatch(prodEu, path, { spec: { replicas: 1 } });
    await waitFor(prodEu, path, body => body.status.readyReplicas === 1);
  });

  it('does not act on status writes or on changes that leave the replicas as they are', async () => {
    const before = simulator.cluster('prod-eu').controllerWrites;
    await mergePatch(prodEu, deploymentPath, {
      metadata: { labels: { tier: 'gold' } },
    });
    await mergePatch(prodEu, `${deploymentPath}/status`, {
      status: { readyReplicas: 7 },
    });
    await sleep(WORKLOAD_SECONDS * 1000 + 200);
    expect(simulator.cluster('prod-eu').controllerWrites).toBe(before);
    expect((await call(prodEu, deploymentPath)).body.status.readyReplicas).toBe(
      7,
    );
  });
});

describe('CloudNativePG controller', () => {
  const path =
    '/apis/postgresql.cnpg.io/v1/namespaces/databases/clusters/orders-pg';

  it('demotes the primary to a replica with a demotion token, then promotes the replica with it', async () => {
    const demote = await mergePatch(prodEu, path, {
      spec: { replica: { primary: 'pg-us' } },
    });
    expect(demote.status).toBe(200);
    const switching = await waitFor(
      prodEu,
      path,
      body => body.status.switchReplicaClusterStatus?.inProgress === true,
    );
    expect(switching.status.demotionToken).toBeUndefined();
    const demoted = await waitFor(
      prodEu,
      path,
      body => body.status.demotionToken !== undefined,
    );
    const token: string = demoted.status.demotionToken;
    expect(token).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(JSON.parse(Buffer.from(token, 'base64').toString())).toMatchObject({
      databaseSystemIdentifier: '7441873648512939031',
      latestCheckpointTimelineID: '1',
    });
    expect(demoted.status).toMatchObject({
      phase: 'Cluster in healthy state',
      switchReplicaClusterStatus: { inProgress: false },
    });
    expect(demoted.status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Ready', status: 'True' }),
        expect.objectContaining({
          type: 'ReplicaClusterSwitch',
          status: 'True',
          message: 'Completed the Replica cluster transition',
        }),
      ]),
    );
    expect(
      demoted.status.conditions.map((condition: any) => condition.type),
    ).not.toContain('ReplicaClusterFencing');

    const drPath = path;
    const promote = await mergePatch(drUs, drPath, {
      spec: { replica: { primary: 'pg-us', promotionToken: token } },
    });
    expect(promote.status).toBe(200);
    const promoting = await waitFor(
      drUs,
      drPath,
      body => body.status.phase === 'Promoting to primary cluster',
    );
    expect(promoting.status.currentPrimaryTimestamp).toBeUndefined();
    const promoted = await waitFor(
      drUs,
      drPath,
      body => body.status.phase === 'Cluster in healthy state',
    );
    expect(promoted.status).toMatchObject({
      currentPrimary: 'orders-pg-1',
      targetPrimary: 'orders-pg-1',
      lastPromotionToken: token,
      timelineID: 2,
    });
    expect(
      secondsAfterStart(promoted.status.currentPrimaryTimestamp),
    ).toBeGreaterThanOrEqual(0);
    expect(promoted.status.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True' }),
    ]);
  });

  it('reports an unreadable promotion token as an error condition and promotes once a readable one is given', async () => {
    // failback: dr-us (now primary) is demoted, prod-eu promoted with a broken token first
    await mergePatch(drUs, path, { spec: { replica: { primary: 'pg-eu' } } });
    const demoted = await waitFor(
      drUs,
      path,
      body =>
        body.status.switchReplicaClusterStatus?.inProgress === false &&
        body.status.demotionToken,
    );
    await mergePatch(prodEu, path, {
      spec: { replica: { primary: 'pg-eu', promotionToken: 'not a token!' } },
    });
    const refused = await waitFor(
      prodEu,
      path,
      body => body.status.phase === 'Waiting for user action',
    );
    expect(refused.status.phaseReason).toBe(
      'Invalid promotionToken format: illegal base64 data',
    );
    expect(refused.status.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'ReplicaClusterSwitch',
          status: 'False',
          reason: 'InvalidPromotionToken',
        }),
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      ]),
    );
    await sleep(CNPG_SECONDS * 1000 + 200);
    expect((await call(prodEu, path)).body.status.phase).toBe(
      'Waiting for user action',
    );

    await mergePatch(prodEu, path, {
      spec: { replica: { promotionToken: demoted.status.demotionToken } },
    });
    const promoted = await waitFor(
      prodEu,
      path,
      body => body.status.phase === 'Cluster in healthy state',
    );
    expect(promoted.status.lastPromotionToken).toBe(
      demoted.status.demotionToken,
    );
    expect(promoted.status.phaseReason).toBeUndefined();
    expect(
      promoted.status.conditions.map((condition: any) => condition.type),
    ).toEqual(['Ready']);
  });
});

describe('controller options', () => {
  it('does nothing with controllers disabled, and nothing at all after stop()', async () => {
    const objects = [
      namespace('velero'),
      namespace('payments'),
      location('ReadWrite'),
      backup('payments-1'),
      ...paymentsObjects,
    ];
    const disabled = await startSimulator({
      now: NOW,
      controllers: { enabled: false },
      clusters: [{ name: 'off', port: 0, token: TOKEN, objects }],
    });
    try {
      const url = disabled.clusters[0].url;
      await call(url, RESTORES, {
        method: 'POST',
        body: restore('r-1', { backupName: 'payments-1' }),
      });
      await sleep(100);
      expect((await call(url, `${RESTORES}/r-1`)).body.status).toBeUndefined();
      expect(disabled.cluster('off').pendingControllerActions).toBe(0);
    } finally {
      await disabled.stop();
    }

    const stopping = await startSimulator({
      now: NOW,
      controllers: { restoreSeconds: 0.2, workloadSeconds: 0.2 },
      clusters: [{ name: 'on', port: 0, token: TOKEN, objects }],
    });
    const handle = stopping.cluster('on');
    const url = stopping.clusters[0].url;
    await call(url, RESTORES, {
      method: 'POST',
      body: restore('r-1', {
        backupName: 'payments-1',
        namespaceMapping: { payments: 'restored' },
      }),
    });
    await waitFor(
      url,
      `${RESTORES}/r-1`,
      body => body.status?.phase === 'InProgress',
    );
    await mergePatch(
      url,
      '/apis/apps/v1/namespaces/payments/deployments/payments-api',
      {
        spec: { replicas: 4 },
      },
    );
    expect(handle.pendingControllerActions).toBe(2);
    const writes = handle.controllerWrites;
    await stopping.stop();
    expect(handle.pendingControllerActions).toBe(0);
    await sleep(400);
    expect(handle.controllerWrites).toBe(writes);
  });

  it('checks the controller fault switches', () => {
    const cluster = simulator.cluster('dr-us');
    expect(() =>
      cluster.setFaults({ workloadsNeverReady: 'yes' } as object),
    ).toThrow('workloadsNeverReady must be true or false');
    expect(() =>
      cluster.setFaults({ restoreFailure: 'Broken' } as object),
    ).toThrow('restoreFailure must be one of PartiallyFailed, Failed');
  });

  it('refuses invalid controller options', async () => {
    await expect(
      startSimulator({
        controllers: { restoreSeconds: -1 },
        clusters: [{ name: 'bad', port: 0 }],
      }),
    ).rejects.toThrow(
      'Cluster bad: controllers.restoreSeconds must be a number of seconds, 0 or more',
    );
    await expect(
      startSimulator({
        clusters: [
          {
            name: 'bad',
            port: 0,
            controllers: { restoreSecs: 1 } as ControllerOptions,
          },
        ],
      }),
    ).rejects.toThrow('clusters[].controllers: unknown field(s) restoreSecs');
  });
});
