import { DrStrategy } from '@backstage-dr/plugin-disaster-recovery-common';
import { declaration, run } from './__testUtils__/fakes';
import { createRunSteps, drillNamespaceName } from './index';

describe('createRunSteps', () => {
  const steps = createRunSteps();
  const applying = (
    type: 'drill' | 'failover' | 'failback',
    strategy: DrStrategy,
  ) =>
    steps
      .filter(s =>
        s.applies(run({ type, strategy }), declaration({ strategy })),
      )
      .map(s => s.name);

  it('lists the steps in order', () => {
    expect(steps.map(s => s.name)).toEqual([
      'preflight',
      'fence',
      'promote',
      'scale-up-and-verify',
      'traffic-gate',
      'cleanup',
    ]);
  });

  it('gives each run type and strategy its steps', () => {
    expect(applying('drill', 'warm-standby')).toEqual([
      'preflight',
      'promote',
      'scale-up-and-verify',
      'cleanup',
    ]);
    expect(applying('failover', 'backup-restore')).toEqual([
      'preflight',
      'fence',
      'promote',
      'scale-up-and-verify',
      'traffic-gate',
    ]);
    expect(applying('failback', 'pilot-light')).toEqual(
      applying('failover', 'pilot-light'),
    );
    expect(applying('failover', 'active-active')).toEqual([
      'preflight',
      'scale-up-and-verify',
      'traffic-gate',
    ]);
  });

  it('only the fence has an undo', () => {
    expect(steps.filter(s => s.undo).map(s => s.name)).toEqual(['fence']);
  });
});

describe('drillNamespaceName', () => {
  it('is dr-drill-<entity>-<run id>, a DNS label of at most 63 characters', () => {
    expect(drillNamespaceName('orders', 'run-1')).toBe('dr-drill-orders-run-1');
    expect(drillNamespaceName('Orders_DB.v2', 'Run-1')).toBe(
      'dr-drill-orders-db-v2-run-1',
    );
    const long = drillNamespaceName(
      'a-very-long-entity-name-that-goes-on-and-on',
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(long).toBe(
      'dr-drill-a-very-long-entit-0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(long.length).toBeLessThanOrEqual(63);
  });
});
