import { DrRun } from '@backstage-dr/plugin-disaster-recovery-common';
import {
  FakeKube,
  advance,
  context,
  entity,
  messages,
  paths,
  recorded,
  run,
  runUntilDone,
  workload,
} from './__testUtils__/fakes';
import { createScaleUpAndVerifyStep } from './scaleUpAndVerify';

const step = createScaleUpAndVerifyStep();
const STS = `${paths.statefulSets()}/orders-db`;
const DEPLOY = `${paths.deployments()}/orders-api`;

function fencedRun(overrides: Partial<DrRun> = {}): DrRun {
  const r = run(overrides);
  const fenced = (kind: string, name: string, replicas: number) => ({
    cluster: r.fromCluster,
    apiVersion: 'apps/v1',
    kind,
    namespace: 'shop',
    name,
    action: 'patch' as const,
    body: {
      metadata: {
        annotations: {
          'disaster-recovery/fenced-by': r.id,
          'disaster-recovery/replicas-before-fence': String(replicas),
        },
      },
      spec: { replicas: 0 },
    },
  });
  r.steps.push({
    name: 'fence',
    state: 'completed',
    log: [],
    objects: [
      fenced('StatefulSet', 'orders-db', 3),
      fenced('Deployment', 'orders-api', 2),
    ],
  });
  return r;
}

/** The restored (or standby) workloads on the recovery cluster, not ready yet. */
function target(namespace = 'shop', cluster = 'dr-us'): FakeKube {
  const kube = new FakeKube();
  kube.put(
    cluster,
    paths.statefulSets(namespace),
    workload('orders-db', 1, { namespace, readyReplicas: 0 }),
  );
  kube.put(
    cluster,
    paths.deployments(namespace),
    workload('orders-api', 0, { namespace, readyReplicas: 0 }),
  );
  return kube;
}

/** What the controllers do: every workload gets its ready replicas. */
function ready(kube: FakeKube, namespace = 'shop', cluster = 'dr-us') {
  for (const path of [
    `${paths.statefulSets(namespace)}/orders-db`,
    `${paths.deployments(namespace)}/orders-api`,
  ]) {
    const replicas = kube.object(cluster, path).spec.replicas;
    kube.update(cluster, path, { status: { readyReplicas: replicas } });
  }
}

describe('scale-up-and-verify', () => {
  it('scales the target workloads to the replicas recorded before the fence and waits until they are ready', async () => {
    const kube = target();
    const ctx = context({
      step: 'scale-up-and-verify',
      kube,
      run: fencedRun(),
    });
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    expect(kube.writes).toEqual([
      {
        method: 'patch',
        cluster: 'dr-us',
        path: STS,
        body: { spec: { replicas: 3 } },
      },
      {
        method: 'patch',
        cluster: 'dr-us',
        path: DEPLOY,
        body: { spec: { replicas: 2 } },
      },
    ]);
    expect(recorded(ctx, 'scale-up-and-verify').objects).toEqual([
      {
        cluster: 'dr-us',
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        namespace: 'shop',
        name: 'orders-db',
        action: 'patch',
        body: { spec: { replicas: 3 } },
      },
      expect.objectContaining({
        kind: 'Deployment',
        body: { spec: { replicas: 2 } },
      }),
    ]);
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    ready(kube);
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'scale-up-and-verify')).toEqual([
      'info: Scaled StatefulSet shop/orders-db on dr-us from 1 to 3 replicas (as on prod-eu before the fence).',
      'info: Scaled Deployment shop/orders-api on dr-us from 0 to 2 replicas (as on prod-eu before the fence).',
      'info: Waiting for ready replicas on dr-us: StatefulSet shop/orders-db 0/3 ready, Deployment shop/orders-api 0/2 ready.',
      'info: Every workload is ready on dr-us: StatefulSet shop/orders-db 3/3, Deployment shop/orders-api 2/2.',
    ]);
    expect(kube.writes).toHaveLength(2);
  });

  it('brings the old primary of a failback up to its replicas before the failover fenced it', async () => {
    const kube = new FakeKube();
    kube.put(
      'prod-eu',
      paths.statefulSets(),
      workload('orders-db', 0, {
        readyReplicas: 0,
        annotations: {
          'disaster-recovery/fenced-by': 'run-0',
          'disaster-recovery/replicas-before-fence': '3',
        },
      }),
    );
    const ctx = context({
      step: 'scale-up-and-verify',
      kube,
      run: run({ type: 'failback', options: { primaryUnreachable: true } }),
    });
    await step.run(ctx);
    expect(kube.writes[0]).toEqual({
      method: 'patch',
      cluster: 'prod-eu',
      path: STS,
      body: {
        metadata: {
          annotations: {
            'disaster-recovery/fenced-by': null,
            'disaster-recovery/replicas-before-fence': null,
          },
        },
        spec: { replicas: 3 },
      },
    });
  });

  it('checks the health URL for 2xx after the workloads are ready', async () => {
    const kube = target();
    ready(kube);
    const ctx = context({
      step: 'scale-up-and-verify',
      kube,
      run: fencedRun(),
      entity: entity({
        'disaster-recovery/health-url': 'https://orders.example.com/healthz',
      }),
    });
    ctx.httpAnswers = [503, new Error('ECONNRESET'), 200];
    const { calls } = await runUntilDone(step, ctx, () => ready(kube));
    expect(calls).toBe(4);
    expect(ctx.httpCalls).toEqual([
      'https://orders.example.com/healthz',
      'https://orders.example.com/healthz',
      'https://orders.example.com/healthz',
    ]);
    expect(messages(ctx, 'scale-up-and-verify')).toEqual(
      expect.arrayContaining([
        'info: The health URL https://orders.example.com/healthz answered 503; checking again.',
        'info: The health URL https://orders.example.com/healthz did not answer (ECONNRESET); checking again.',
        'info: The health URL https://orders.example.com/healthz answered 200.',
      ]),
    );
  });

  it('fails after the verify timeout, naming what is not ready', async () => {
    const kube = target();
    const ctx = context({
      step: 'scale-up-and-verify',
      kube,
      run: fencedRun(),
    });
    await step.run(ctx);
    advance(ctx, 601);
    await expect(step.run(ctx)).rejects.toThrow(
      'The service is not ready on dr-us after 600 seconds: StatefulSet shop/orders-db 0/3 ready, Deployment shop/orders-api 0/2 ready.',
    );
  });

  it('fails when the health URL does not answer 2xx within the timeout', async () => {
    const kube = target();
    ready(kube);
    const ctx = context({
      step: 'scale-up-and-verify',
      kube,
      run: fencedRun(),
      entity: entity({
        'disaster-recovery/health-url': 'https://orders.example.com/healthz',
      }),
    });
    await step.run(ctx);
    ready(kube);
    ctx.httpAnswers = [500];
    advance(ctx, 601);
    await expect(step.run(ctx)).rejects.toThrow(
      'The workloads are ready on dr-us, but the health URL https://orders.example.com/healthz answered 500 and has not answered 2xx within 600 seconds.',
    );
  });

  it('fails when no workload of the service is there by the timeout', async () => {
    const ctx = context({ step: 'scale-up-and-verify', run: fencedRun() });
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    advance(ctx, 601);
    await expect(step.run(ctx)).rejects.toThrow(
      'No StatefulSet or Deployment of the service (backstage.io/kubernetes-id=orders) in shop on dr-us.',
    );
  });

  it('resumes after a restart without scaling twice', async () => {
    const kube = target();
    const ctx = context({
      step: 'scale-up-and-verify',
      kube,
      run: fencedRun(),
    });
    await step.run(ctx);
    await step.run(ctx);
    ready(kube);
    await step.run(ctx);
    expect(kube.writes).toHaveLength(2);
    expect(recorded(ctx, 'scale-up-and-verify').objects).toHaveLength(2);
  });

  it('verifies a drill on the restored workloads in the drill namespace, without the health URL', async () => {
    const ns = 'dr-drill-orders-run-1';
    const kube = target(ns);
    const ctx = context({
      step: 'scale-up-and-verify',
      kube,
      run: run({ type: 'drill' }),
      entity: entity({
        'disaster-recovery/health-url': 'https://orders.example.com/healthz',
      }),
    });
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    // The Deployment was restored with 0 replicas: 1 to verify it; the StatefulSet keeps its 1.
    expect(kube.writes).toEqual([
      {
        method: 'patch',
        cluster: 'dr-us',
        path: `${paths.deployments(ns)}/orders-api`,
        body: { spec: { replicas: 1 } },
      },
    ]);
    ready(kube, ns);
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(ctx.httpCalls).toEqual([]);
    expect(kube.writes.every(w => w.cluster === 'dr-us')).toBe(true);
  });

  it('in a dry run records the scale patches, reading the replicas on the side being left, and writes nothing', async () => {
    const kube = target();
    kube.put('prod-eu', paths.statefulSets(), workload('orders-db', 5));
    kube.put('prod-eu', paths.deployments(), workload('orders-api', 4));
    const ctx = context({ step: 'scale-up-and-verify', kube, dryRun: true });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.writes).toEqual([]);
    expect(
      recorded(ctx, 'scale-up-and-verify').objects.map(o => [o.kind, o.body]),
    ).toEqual([
      ['StatefulSet', { spec: { replicas: 5 } }],
      ['Deployment', { spec: { replicas: 4 } }],
    ]);
    expect(messages(ctx, 'scale-up-and-verify')).toContain(
      'info: Would scale StatefulSet shop/orders-db on dr-us from 1 to 5 replicas (as on prod-eu now).',
    );
  });
});
