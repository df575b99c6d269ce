import { RunStepDefinition } from '../types';
import { createCleanupStep } from './cleanup';
import { createFenceStep } from './fence';
import { createPreflightStep } from './preflight';
import { createPromoteStep } from './promote';
import { createScaleUpAndVerifyStep } from './scaleUpAndVerify';
import { createTrafficGateStep } from './trafficGate';

export { dataLossWindowSeconds } from './preflight';
export { drillNamespaceName, restoreNameOf } from './common';

/**
 * The steps of a run, in order: preflight, fence, promote, scale-up-and-verify, traffic-gate,
 * cleanup. Each says with `applies` whether a run of a type and strategy has it:
 *
 * | step | drill | failover, failback |
 * | --- | --- | --- |
 * | preflight | yes | yes |
 * | fence | no | yes, but not active-active |
 * | promote | yes (restore into the drill namespace) | yes, but not active-active |
 * | scale-up-and-verify | yes (in the drill namespace) | yes |
 * | traffic-gate | no | yes |
 * | cleanup | yes | no |
 */
export function createRunSteps(): RunStepDefinition[] {
  return [
    createPreflightStep(),
    createFenceStep(),
    createPromoteStep(),
    createScaleUpAndVerifyStep(),
    createTrafficGateStep(),
    createCleanupStep(),
  ];
}
