import { context, messages, run } from './__testUtils__/fakes';
import { createTrafficGateStep } from './trafficGate';

const step = createTrafficGateStep();

describe('traffic-gate', () => {
  it('applies to failovers and failbacks only', () => {
    const d = context({ step: 'traffic-gate' }).declaration;
    expect(step.applies(run({ type: 'failover' }), d)).toBe(true);
    expect(
      step.applies(run({ type: 'failback', strategy: 'active-active' }), d),
    ).toBe(true);
    expect(step.applies(run({ type: 'drill' }), d)).toBe(false);
  });

  it('waits for confirmation, logging it once, until the run is confirmed', async () => {
    const ctx = context({ step: 'traffic-gate' });
    await expect(step.run(ctx)).resolves.toEqual({ waiting: 'confirmation' });
    // Called again (after a restart): still waiting, the log line is not repeated.
    await expect(step.run(ctx)).resolves.toEqual({ waiting: 'confirmation' });
    ctx.run.trafficConfirmedBy = 'user:default/alice';
    ctx.run.trafficConfirmedAt = '2025-06-01T12:30:00Z';
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'traffic-gate')).toEqual([
      'info: Waiting for a person to confirm that traffic (DNS, global load balancer) goes to dr-us.',
      'info: user:default/alice confirmed at 2025-06-01T12:30:00Z that traffic goes to dr-us.',
    ]);
    expect(ctx.kube.writes).toEqual([]);
  });

  it('does not wait in a dry run', async () => {
    const ctx = context({ step: 'traffic-gate', dryRun: true });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(messages(ctx, 'traffic-gate')).toEqual([
      'info: Would wait for a person to confirm that traffic goes to dr-us.',
    ]);
  });
});
