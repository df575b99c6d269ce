import { RunStepDefinition, StepOutcome } from '../types';
import { StepWriter, movesService } from './common';

/**
 * **traffic-gate** (failover, failback): DNS and global load balancers live outside the
 * clusters, so a person confirms (in the UI or the API) that traffic now goes to
 * `run.toCluster`. Returns `{ waiting: 'confirmation' }` until the run has `trafficConfirmedAt`.
 */
export function createTrafficGateStep(): RunStepDefinition {
  return {
    name: 'traffic-gate',
    applies: run => movesService(run),
    async run(ctx): Promise<StepOutcome> {
      const { run } = ctx;
      const writer = new StepWriter(ctx, 'traffic-gate');
      if (ctx.dryRun) {
        ctx.log(
          'info',
          `Would wait for a person to confirm that traffic goes to ${run.toCluster}.`,
        );
        return { done: true };
      }
      if (run.trafficConfirmedAt) {
        ctx.log(
          'info',
          `${run.trafficConfirmedBy ?? 'Someone'} confirmed at ${
            run.trafficConfirmedAt
          } that traffic goes to ${run.toCluster}.`,
        );
        return { done: true };
      }
      writer.logOnce(
        'info',
        `Waiting for a person to confirm that traffic (DNS, global load balancer) goes to ${run.toCluster}.`,
      );
      return { waiting: 'confirmation' };
    },
  };
}
