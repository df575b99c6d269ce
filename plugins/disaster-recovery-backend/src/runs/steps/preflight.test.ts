import {
  NOW,
  FakeKube,
  context,
  declaration,
  messages,
  run,
  status,
} from './__testUtils__/fakes';
import { createPreflightStep, dataLossWindowSeconds } from './preflight';

const step = createPreflightStep();

describe('preflight', () => {
  it('passes when the target answers and the newest counted point is within the RPO', async () => {
    const ctx = context({ step: 'preflight', status: status({}, 600) });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'preflight')).toEqual([
      'info: The target cluster dr-us answers (Kubernetes v1.33.0).',
      'info: The side being left, prod-eu, answers.',
      'info: Newest counted recovery point: Backup velero/orders-hourly-20250601110000 on prod-eu at 2025-06-01T11:50:00.000Z.',
      'info: Data-loss window: 600 seconds (RPO target 3600 seconds).',
      'info: Preflight passed.',
    ]);
    expect(ctx.kube.writes).toEqual([]);
  });

  it('fails when the target cluster cannot be reached, and nothing overrides it', async () => {
    const kube = new FakeKube();
    kube.unreachable.add('dr-us');
    const ctx = context({
      step: 'preflight',
      kube,
      run: run({ options: { acceptDataLoss: true, primaryUnreachable: true } }),
    });
    await expect(step.run(ctx)).rejects.toThrow(
      'The target cluster dr-us cannot be reached: dr-us could not be reached: connect ECONNREFUSED. No option overrides this',
    );
  });

  it('fails above the RPO unless acceptDataLoss, and logs the data-loss window', async () => {
    const old = status({}, 5400);
    await expect(
      step.run(context({ step: 'preflight', status: old })),
    ).rejects.toThrow(
      'The newest counted recovery point is 5400 seconds old, above the RPO target of 3600 seconds: this failover loses up to 5400 seconds of data. Pass acceptDataLoss: true to accept the loss.',
    );

    const ctx = context({
      step: 'preflight',
      status: old,
      run: run({ options: { acceptDataLoss: true } }),
    });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'preflight')).toContain(
      'warn: Data-loss window: 5400 seconds (RPO target 3600 seconds).',
    );
    expect(messages(ctx, 'preflight')).toContain(
      'warn: The newest counted recovery point is 5400 seconds old, above the RPO target of 3600 seconds: this failover loses up to 5400 seconds of data. Pass acceptDataLoss: true to accept the loss. (accepted: acceptDataLoss is set)',
    );
  });

  it('asks a drill for acceptDataLoss too, saying what a failover would lose', async () => {
    await expect(
      step.run(
        context({
          step: 'preflight',
          status: status({}, 5400),
          run: run({ type: 'drill', fromCluster: 'dr-us', toCluster: 'dr-us' }),
        }),
      ),
    ).rejects.toThrow('a failover now would lose up to 5400 seconds of data');
  });

  it('fails without a counted recovery point or without a status', async () => {
    await expect(
      step.run(
        context({
          step: 'preflight',
          status: status({ achievedRpoSeconds: null, recoveryPoints: [] }),
        }),
      ),
    ).rejects.toThrow(
      'component:default/orders has no counted recovery point for all of its data, so the data-loss window is unknown. Pass acceptDataLoss: true to go on anyway.',
    );
    await expect(
      step.run(context({ step: 'preflight', status: null })),
    ).rejects.toThrow(
      'No DR status has been evaluated for component:default/orders yet',
    );
  });

  it('fails a failover on an unknown verdict, saying why; primaryUnreachable overrides when only the primary is unreadable', async () => {
    const unknown = status({
      verdict: 'unknown',
      unreadable: [{ cluster: 'prod-eu', reason: 'connect ECONNREFUSED' }],
    });
    await expect(
      step.run(context({ step: 'preflight', status: unknown })),
    ).rejects.toThrow(
      'The DR status of component:default/orders is unknown for lack of evidence: prod-eu could not be read (connect ECONNREFUSED). Its recovery points cannot be trusted; pass acceptDataLoss: true to go on anyway, or primaryUnreachable: true since only the side being left (prod-eu) could not be read.',
    );
    const kube = new FakeKube();
    kube.unreachable.add('prod-eu');
    const ctx = context({
      step: 'preflight',
      status: unknown,
      kube,
      run: run({ options: { primaryUnreachable: true } }),
    });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'preflight')).toEqual(
      expect.arrayContaining([
        'warn: The side being left, prod-eu, cannot be reached (prod-eu could not be reached: connect ECONNREFUSED); primaryUnreachable is set: it will not be fenced. Make sure it cannot take writes if it comes back.',
        'warn: The DR status is unknown because prod-eu could not be read; going on (primaryUnreachable is set).',
      ]),
    );
  });

  it('warns about unhealthy replication, and fails a warm-standby failover on it unless acceptDataLoss', async () => {
    const replication = status({
      replication: [
        {
          kind: 'Cluster',
          name: 'orders-db',
          namespace: 'shop',
          cluster: 'dr-us',
          healthy: false,
          lagSeconds: null,
          message: 'replica cluster is not streaming',
        },
      ],
    });
    const backupRestore = context({ step: 'preflight', status: replication });
    await expect(step.run(backupRestore)).resolves.toEqual({ done: true });
    expect(messages(backupRestore, 'preflight')).toContain(
      'warn: Replication is not healthy: Cluster shop/orders-db on dr-us (replica cluster is not streaming).',
    );

    const warm = run({ strategy: 'warm-standby' });
    await expect(
      step.run(context({ step: 'preflight', status: replication, run: warm })),
    ).rejects.toThrow(
      'Replication is not healthy: Cluster shop/orders-db on dr-us (replica cluster is not streaming). A warm-standby failover promotes the replicated copy; pass acceptDataLoss: true to promote it anyway.',
    );
    await expect(
      step.run(
        context({
          step: 'preflight',
          status: status(),
          run: run({ strategy: 'warm-standby' }),
        }),
      ),
    ).rejects.toThrow(
      'warm-standby is declared, but no replication of component:default/orders is reported.',
    );
  });

  it('names every problem in one error', async () => {
    const kube = new FakeKube();
    kube.unreachable.add('dr-us');
    await expect(
      step.run(context({ step: 'preflight', kube, status: status({}, 5400) })),
    ).rejects.toThrow(
      /cannot be reached.*No option overrides this.*above the RPO target/,
    );
  });

  it('refuses a drill whose target is the primary', async () => {
    await expect(
      step.run(
        context({
          step: 'preflight',
          run: run({
            type: 'drill',
            fromCluster: 'prod-eu',
            toCluster: 'prod-eu',
          }),
          declaration: declaration({ primaryCluster: 'prod-eu' }),
        }),
      ),
    ).rejects.toThrow(
      'A drill never touches the primary, but its target cluster prod-eu is the primary cluster',
    );
  });

  it('resumes: called again, it checks again and writes nothing', async () => {
    const ctx = context({ step: 'preflight' });
    await step.run(ctx);
    await step.run(ctx);
    expect(ctx.kube.writes).toEqual([]);
  });

  it('in a dry run logs the problems as warnings of the plan and does not fail', async () => {
    const ctx = context({
      step: 'preflight',
      status: status({}, 5400),
      dryRun: true,
    });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'preflight')).toContain(
      'warn: The run would stop here: The newest counted recovery point is 5400 seconds old, above the RPO target of 3600 seconds: this failover loses up to 5400 seconds of data. Pass acceptDataLoss: true to accept the loss.',
    );
    expect(ctx.kube.writes).toEqual([]);
  });
});

describe('dataLossWindowSeconds', () => {
  it('ages the achieved RPO by the time since the evaluation', () => {
    const s = status({
      achievedRpoSeconds: 300,
      evaluatedAt: new Date(NOW.getTime() - 120_000).toISOString(),
    });
    expect(dataLossWindowSeconds(s, NOW)).toBe(420);
  });

  it('falls back to the newest counted point, and is null when a PVC has none', () => {
    const s = status({ achievedRpoSeconds: null }, 900);
    expect(dataLossWindowSeconds(s, NOW)).toBe(900);
    expect(
      dataLossWindowSeconds(
        {
          ...s,
          coverage: [
            {
              cluster: 'prod-eu',
              namespace: 'shop',
              pvc: 'data-orders-0',
              coveredBy: [],
              newestPoint: null,
              achievedRpoSeconds: null,
              cadenceSeconds: null,
            },
          ],
        },
        NOW,
      ),
    ).toBeNull();
    expect(dataLossWindowSeconds(undefined, NOW)).toBeNull();
  });
});
