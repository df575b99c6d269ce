import {
  FakeKube,
  advance,
  context,
  messages,
  paths,
  recorded,
  run,
  runUntilDone,
  workload,
} from './__testUtils__/fakes';
import { createFenceStep } from './fence';

const step = createFenceStep();
const STS = `${paths.statefulSets()}/orders-db`;
const DEPLOY = `${paths.deployments()}/orders-api`;
const PG_OLD = `${paths.cnpg()}/orders-db`;

function primary(): FakeKube {
  const kube = new FakeKube();
  kube.put('prod-eu', paths.statefulSets(), workload('orders-db', 3));
  kube.put('prod-eu', paths.deployments(), workload('orders-api', 2));
  kube.put(
    'prod-eu',
    paths.deployments(),
    workload('billing', 2, {
      labels: { 'backstage.io/kubernetes-id': 'billing' },
    }),
  );
  return kube;
}

/** What the Deployment and StatefulSet controllers do once scaled to 0: the pods go. */
function podsGone(kube: FakeKube, cluster = 'prod-eu') {
  for (const path of [STS, DEPLOY]) {
    kube.update(cluster, path, { status: { replicas: 0, readyReplicas: 0 } });
  }
}

function withPostgres(kube: FakeKube, cnpgFollower = true): FakeKube {
  kube.put('prod-eu', paths.cnpg(), {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name: 'orders-db',
      namespace: 'shop',
      labels: { 'backstage.io/kubernetes-id': 'orders' },
    },
    spec: { replica: { primary: 'orders-db', source: 'orders-db-dr' } },
    status: { phase: 'Cluster in healthy state' },
  } as any);
  if (cnpgFollower) {
    kube.put('dr-us', paths.cnpg(), {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: {
        name: 'orders-db-dr',
        namespace: 'shop',
        labels: { 'backstage.io/kubernetes-id': 'orders' },
      },
      spec: { replica: { primary: 'orders-db', source: 'orders-db' } },
    } as any);
  }
  return kube;
}

describe('fence', () => {
  it('applies to failovers and failbacks, not to drills or active-active', () => {
    const d = context({ step: 'fence' }).declaration;
    expect(step.applies(run({ type: 'failover' }), d)).toBe(true);
    expect(step.applies(run({ type: 'failback' }), d)).toBe(true);
    expect(step.applies(run({ type: 'drill' }), d)).toBe(false);
    expect(step.applies(run({ strategy: 'active-active' }), d)).toBe(false);
  });

  it('scales the workloads on the side being left to 0, annotated, and waits for their pods to go', async () => {
    const kube = primary();
    const ctx = context({ step: 'fence', kube });
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    expect(kube.object('prod-eu', STS)).toMatchObject({
      metadata: {
        annotations: {
          'disaster-recovery/fenced-by': 'run-1',
          'disaster-recovery/replicas-before-fence': '3',
        },
      },
      spec: { replicas: 0 },
    });
    expect(kube.object('prod-eu', DEPLOY).spec.replicas).toBe(0);
    expect(
      kube.object('prod-eu', `${paths.deployments()}/billing`).spec.replicas,
    ).toBe(2);
    expect(recorded(ctx, 'fence').objects).toEqual([
      {
        cluster: 'prod-eu',
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        namespace: 'shop',
        name: 'orders-db',
        action: 'patch',
        body: {
          metadata: {
            annotations: {
              'disaster-recovery/fenced-by': 'run-1',
              'disaster-recovery/replicas-before-fence': '3',
            },
          },
          spec: { replicas: 0 },
        },
      },
      expect.objectContaining({
        kind: 'Deployment',
        name: 'orders-api',
        body: expect.objectContaining({ spec: { replicas: 0 } }),
      }),
    ]);

    // The pods are still there (status.replicas 3): it waits.
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    expect(messages(ctx, 'fence')).toContain(
      'info: Waiting for StatefulSet shop/orders-db (3 pods left), Deployment shop/orders-api (2 pods left) on prod-eu.',
    );
    podsGone(kube);
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'fence')).toContain(
      'info: prod-eu is fenced: 2 workloads at 0 replicas.',
    );
    expect(kube.writes.map(w => [w.method, w.path])).toEqual([
      ['patch', STS],
      ['patch', DEPLOY],
    ]);
  });

  it('resumes without writing twice, and records objects whose record was lost', async () => {
    const kube = primary();
    const ctx = context({ step: 'fence', kube });
    await step.run(ctx);
    // The backend stopped after the writes, before the records were kept.
    recorded(ctx, 'fence').objects.length = 0;
    podsGone(kube);
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.writes).toHaveLength(2);
    expect(recorded(ctx, 'fence').objects.map(o => [o.kind, o.name])).toEqual([
      ['StatefulSet', 'orders-db'],
      ['Deployment', 'orders-api'],
    ]);
  });

  it('keeps the replicas an earlier run remembered for a workload it left fenced', async () => {
    const kube = new FakeKube();
    kube.put(
      'prod-eu',
      paths.statefulSets(),
      workload('orders-db', 0, {
        annotations: {
          'disaster-recovery/fenced-by': 'run-0',
          'disaster-recovery/replicas-before-fence': '3',
        },
      }),
    );
    const ctx = context({ step: 'fence', kube });
    await step.run(ctx);
    expect(kube.object('prod-eu', STS).metadata.annotations).toEqual({
      'disaster-recovery/fenced-by': 'run-1',
      'disaster-recovery/replicas-before-fence': '3',
    });
  });

  it('fails when the side being left cannot be reached, unless primaryUnreachable', async () => {
    const kube = primary();
    kube.unreachable.add('prod-eu');
    await expect(step.run(context({ step: 'fence', kube }))).rejects.toThrow(
      'The side being left, prod-eu, cannot be reached to fence it: prod-eu could not be reached: connect ECONNREFUSED. Pass primaryUnreachable: true to go on without fencing it (if it comes back while the service runs on dr-us, there are two primaries).',
    );
    const ctx = context({
      step: 'fence',
      kube,
      run: run({ options: { primaryUnreachable: true } }),
    });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'fence')).toEqual([
      'warn: prod-eu cannot be reached (prod-eu could not be reached: connect ECONNREFUSED); primaryUnreachable is set, so it is not fenced. It must not take writes if it comes back: scale the service down there first.',
    ]);
    expect(kube.writes).toEqual([]);
  });

  it('fails when the pods do not go within the timeout', async () => {
    const kube = primary();
    const ctx = context({ step: 'fence', kube });
    await step.run(ctx);
    advance(ctx, 601);
    await expect(step.run(ctx)).rejects.toThrow(
      'The fence of prod-eu did not finish within 600 seconds; still waiting for StatefulSet shop/orders-db (3 pods left), Deployment shop/orders-api (2 pods left).',
    );
  });

  it('demotes the CloudNativePG primary to the replica on the target and waits for its demotion token', async () => {
    const kube = withPostgres(primary());
    const ctx = context({ step: 'fence', kube });
    await step.run(ctx);
    podsGone(kube);
    expect(kube.object('prod-eu', PG_OLD)).toMatchObject({
      metadata: {
        annotations: {
          'disaster-recovery/fenced-by': 'run-1',
          'disaster-recovery/primary-before-fence': 'orders-db',
        },
      },
      spec: { replica: { primary: 'orders-db-dr', source: 'orders-db-dr' } },
    });
    // No token yet: it waits.
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    expect(messages(ctx, 'fence')).toContain(
      'info: Waiting for CloudNativePG Cluster shop/orders-db to publish status.demotionToken on prod-eu.',
    );
    kube.update('prod-eu', PG_OLD, { status: { demotionToken: 'tok-123' } });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.writes.filter(w => w.path === PG_OLD)).toHaveLength(1);
    expect(recorded(ctx, 'fence').objects).toContainEqual({
      cluster: 'prod-eu',
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      namespace: 'shop',
      name: 'orders-db',
      action: 'patch',
      body: {
        metadata: {
          annotations: {
            'disaster-recovery/fenced-by': 'run-1',
            'disaster-recovery/primary-before-fence': 'orders-db',
          },
        },
        spec: { replica: { primary: 'orders-db-dr' } },
      },
    });
  });

  it('does not take a demotion token left from an earlier demotion for this one', async () => {
    const kube = withPostgres(new FakeKube());
    kube.update('prod-eu', PG_OLD, { status: { demotionToken: 'tok-old' } });
    const ctx = context({ step: 'fence', kube });
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    expect(kube.object('prod-eu', PG_OLD).metadata.annotations).toMatchObject({
      'disaster-recovery/demotion-token-before-fence': 'tok-old',
    });
    await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
    kube.update('prod-eu', PG_OLD, { status: { demotionToken: 'tok-new' } });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    await step.undo!(ctx);
    expect(kube.object('prod-eu', PG_OLD).metadata.annotations).toEqual({});
  });

  it('fences all instances of a CloudNativePG primary that no replica follows', async () => {
    const kube = withPostgres(new FakeKube(), false);
    const ctx = context({ step: 'fence', kube });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.object('prod-eu', PG_OLD).metadata.annotations).toEqual({
      'cnpg.io/fencedInstances': '["*"]',
      'disaster-recovery/fenced-by': 'run-1',
    });
    expect(messages(ctx, 'fence')[0]).toMatch(
      /^warn: No replica Cluster on dr-us names CloudNativePG Cluster shop\/orders-db as its primary/,
    );
  });

  it('in a dry run records every patch with its body and writes nothing', async () => {
    const kube = withPostgres(primary());
    const ctx = context({ step: 'fence', kube, dryRun: true });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.writes).toEqual([]);
    expect(
      recorded(ctx, 'fence').objects.map(o => [o.kind, o.name, o.body]),
    ).toEqual([
      [
        'StatefulSet',
        'orders-db',
        {
          metadata: {
            annotations: {
              'disaster-recovery/fenced-by': 'run-1',
              'disaster-recovery/replicas-before-fence': '3',
            },
          },
          spec: { replicas: 0 },
        },
      ],
      [
        'Deployment',
        'orders-api',
        expect.objectContaining({ spec: { replicas: 0 } }),
      ],
      [
        'Cluster',
        'orders-db',
        expect.objectContaining({
          spec: { replica: { primary: 'orders-db-dr' } },
        }),
      ],
    ]);
    expect(messages(ctx, 'fence')).toContain(
      'info: Would scale StatefulSet shop/orders-db on prod-eu from 3 to 0 replicas (disaster-recovery/replicas-before-fence: 3).',
    );
  });

  it('undo scales back to the recorded replicas, removes the annotations and reverts the demotion', async () => {
    const kube = withPostgres(primary());
    const ctx = context({ step: 'fence', kube });
    await step.run(ctx);
    // An object fenced by another run is left alone.
    kube.put(
      'prod-eu',
      paths.deployments(),
      workload('orders-worker', 0, {
        annotations: {
          'disaster-recovery/fenced-by': 'run-0',
          'disaster-recovery/replicas-before-fence': '4',
        },
      }),
    );
    await step.undo!(ctx);
    expect(kube.object('prod-eu', STS)).toMatchObject({
      spec: { replicas: 3 },
    });
    expect(kube.object('prod-eu', STS).metadata.annotations).toEqual({});
    expect(kube.object('prod-eu', DEPLOY)).toMatchObject({
      spec: { replicas: 2 },
    });
    expect(kube.object('prod-eu', PG_OLD)).toMatchObject({
      metadata: { annotations: {} },
      spec: { replica: { primary: 'orders-db', source: 'orders-db-dr' } },
    });
    expect(
      kube.object('prod-eu', `${paths.deployments()}/orders-worker`).spec
        .replicas,
    ).toBe(0);
    expect(messages(ctx, 'fence')).toEqual(
      expect.arrayContaining([
        'info: Scaled StatefulSet shop/orders-db on prod-eu back to 3 replicas and removed the fence annotations.',
        'info: Reverted the demotion of CloudNativePG Cluster shop/orders-db on prod-eu: spec.replica.primary back to orders-db.',
        'info: The fence of prod-eu is undone.',
      ]),
    );
    expect(recorded(ctx, 'fence').objects).toContainEqual(
      expect.objectContaining({
        kind: 'StatefulSet',
        name: 'orders-db',
        body: {
          metadata: {
            annotations: {
              'disaster-recovery/fenced-by': null,
              'disaster-recovery/replicas-before-fence': null,
            },
          },
          spec: { replicas: 3 },
        },
      }),
    );
    // Undone twice: nothing more to do.
    const writes = kube.writes.length;
    await step.undo!(ctx);
    expect(kube.writes).toHaveLength(writes);
  });

  it('undo removes the CloudNativePG fencing annotation it set', async () => {
    const kube = withPostgres(new FakeKube(), false);
    const ctx = context({ step: 'fence', kube });
    await step.run(ctx);
    await step.undo!(ctx);
    expect(kube.object('prod-eu', PG_OLD).metadata.annotations).toEqual({});
  });

  it('runs to the end with a controller that stops pods and demotes', async () => {
    const kube = withPostgres(primary());
    const ctx = context({ step: 'fence', kube });
    const { calls } = await runUntilDone(step, ctx, () => {
      podsGone(kube);
      kube.update('prod-eu', PG_OLD, { status: { demotionToken: 'tok' } });
    });
    expect(calls).toBe(2);
  });
});
