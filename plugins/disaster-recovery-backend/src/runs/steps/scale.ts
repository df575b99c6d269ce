import { RunStepContext } from '../types';
import {
  ServiceWorkload,
  StepWriter,
  describeWorkload,
  fencedReplicasOfRun,
  listWorkloads,
  movesService,
  replicasBeforeFence,
  scalePatch,
  serviceSelector,
  specReplicas,
  workloadKey,
} from './common';

/** How many replicas a workload on the target side should have, and why. */
export interface Desired {
  replicas: number;
  source: string;
}

/**
 * The replicas each target workload should run with:
 *
 * - a failover or failback: the replicas the same workload (kind, namespace, name) had on the
 *   side being left, as this run's fence recorded them; in a dry run (nothing is fenced yet),
 *   the side being left's current `spec.replicas`; else the workload's own
 *   `disaster-recovery/replicas-before-fence` (it was fenced by an earlier run: the old primary
 *   of a failback); else its `spec.replicas` when above 0 (the standby's spec, e.g. when the
 *   fence was skipped with `primaryUnreachable`); else 1;
 * - a drill: the restored `spec.replicas` (1 when it is 0).
 */
export async function desiredReplicas(
  ctx: RunStepContext,
  workloads: ServiceWorkload[],
): Promise<Map<string, Desired>> {
  const desired = new Map<string, Desired>();
  const { run } = ctx;
  if (!movesService(run)) {
    for (const w of workloads) {
      const spec = specReplicas(w.object);
      desired.set(
        workloadKey(w),
        spec > 0
          ? { replicas: spec, source: 'its restored spec.replicas' }
          : { replicas: 1, source: 'restored with 0 replicas; 1 to verify it' },
      );
    }
    return desired;
  }
  const fenced = fencedReplicasOfRun(run);
  let fromSide: Map<string, number> | undefined;
  if (ctx.dryRun && fenced.size === 0) {
    try {
      const from = await listWorkloads(
        ctx,
        run.fromCluster,
        ctx.target.namespace,
        serviceSelector(ctx.target),
      );
      fromSide = new Map(
        from.map(w => [workloadKey(w), specReplicas(w.object)]),
      );
    } catch {
      fromSide = undefined;
    }
  }
  for (const w of workloads) {
    const key = workloadKey(w);
    const own = replicasBeforeFence(w.object);
    const spec = specReplicas(w.object);
    let d: Desired;
    if (fenced.has(key) && fenced.get(key)! > 0) {
      d = {
        replicas: fenced.get(key)!,
        source: `as on ${run.fromCluster} before the fence`,
      };
    } else if (fromSide?.get(key)) {
      d = {
        replicas: fromSide.get(key)!,
        source: `as on ${run.fromCluster} now`,
      };
    } else if (own !== undefined && own > 0) {
      d = {
        replicas: own,
        source: 'as before it was fenced by an earlier run',
      };
    } else if (spec > 0) {
      d = { replicas: spec, source: 'its spec.replicas' };
    } else {
      d = { replicas: 1, source: 'no replica count known; 1' };
    }
    desired.set(key, d);
  }
  return desired;
}

/**
 * Scales each workload to its desired replicas with a merge patch of `spec.replicas` (removing
 * fence annotations it carries); workloads already there are left alone.
 */
export async function scaleUp(
  ctx: RunStepContext,
  writer: StepWriter,
  cluster: string,
  workloads: ServiceWorkload[],
  desired: Map<string, Desired>,
): Promise<void> {
  for (const w of workloads) {
    const d = desired.get(workloadKey(w))!;
    const patch = scalePatch(w.object, d.replicas);
    const { namespace, name } = w.object.metadata;
    if (!patch) continue;
    await writer.patch(cluster, w.kind, namespace, name, patch);
    ctx.log(
      'info',
      `${ctx.dryRun ? 'Would scale' : 'Scaled'} ${describeWorkload(
        w,
      )} on ${cluster} from ${specReplicas(w.object)} to ${
        d.replicas
      } replicas (${d.source}).`,
    );
  }
}
