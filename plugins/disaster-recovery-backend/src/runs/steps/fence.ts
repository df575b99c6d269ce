import { RunStepContext, RunStepDefinition, StepOutcome } from '../types';
import { CnpgCluster, followerOf, isReplica, selfName } from './cnpg';
import {
  CNPG_CLUSTER,
  CNPG_FENCED_INSTANCES_ANNOTATION,
  DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION,
  FENCED_BY_ANNOTATION,
  PRIMARY_BEFORE_FENCE_ANNOTATION,
  REPLICAS_BEFORE_FENCE_ANNOTATION,
  ServiceWorkload,
  StepWriter,
  describeWorkload,
  elapsedSeconds,
  fencedReplicasOfRun,
  isUnreachable,
  listOptional,
  listWorkloads,
  messageOf,
  movesService,
  nameOf,
  refuse,
  replicasBeforeFence,
  retry,
  serviceSelector,
  specReplicas,
  strategyOf,
  workloadKey,
} from './common';

const FENCE_ALL = '["*"]';

/** The replicas to remember for a workload being fenced (kept from an earlier fence). */
function replicasToRemember(w: ServiceWorkload, runId: string): number {
  const fencedBy = w.object.metadata.annotations?.[FENCED_BY_ANNOTATION];
  const remembered = replicasBeforeFence(w.object);
  if (
    fencedBy &&
    remembered !== undefined &&
    (fencedBy === runId || specReplicas(w.object) === 0)
  ) {
    return remembered;
  }
  return specReplicas(w.object);
}

/** The pods a workload still has (`status.replicas`, plus `status.terminatingReplicas`). */
function podsOf(w: ServiceWorkload): number {
  const status = w.object.status as
    | {
        replicas?: number;
        readyReplicas?: number;
        terminatingReplicas?: number;
      }
    | undefined;
  return (
    (status?.replicas ?? status?.readyReplicas ?? 0) +
    (status?.terminatingReplicas ?? 0)
  );
}

async function fenceWorkloads(
  ctx: RunStepContext,
  writer: StepWriter,
  workloads: ServiceWorkload[],
): Promise<{ stopping: string[] }> {
  const { run } = ctx;
  const cluster = run.fromCluster;
  const stopping: string[] = [];
  for (const w of workloads) {
    const { namespace, name } = w.object.metadata;
    const before = replicasToRemember(w, run.id);
    const patch = {
      metadata: {
        annotations: {
          [FENCED_BY_ANNOTATION]: run.id,
          [REPLICAS_BEFORE_FENCE_ANNOTATION]: String(before),
        },
      },
      spec: { replicas: 0 },
    };
    const annotations = w.object.metadata.annotations ?? {};
    const done =
      annotations[FENCED_BY_ANNOTATION] === run.id &&
      annotations[REPLICAS_BEFORE_FENCE_ANNOTATION] === String(before) &&
      specReplicas(w.object) === 0;
    if (done) {
      writer.recordIfMissing({
        cluster,
        apiVersion: w.kind.apiVersion,
        kind: w.kind.kind,
        namespace,
        name,
        action: 'patch',
        body: patch,
      });
    } else {
      await writer.patch(cluster, w.kind, namespace, name, patch);
      ctx.log(
        'info',
        `${ctx.dryRun ? 'Would scale' : 'Scaled'} ${describeWorkload(
          w,
        )} on ${cluster} from ${specReplicas(
          w.object,
        )} to 0 replicas (${REPLICAS_BEFORE_FENCE_ANNOTATION}: ${before}).`,
      );
    }
    if (ctx.dryRun) continue;
    if (!done) {
      stopping.push(`${describeWorkload(w)} to scale down`);
    } else if (podsOf(w) > 0) {
      stopping.push(
        `${describeWorkload(w)} (${podsOf(w)} pod${
          podsOf(w) === 1 ? '' : 's'
        } left)`,
      );
    }
  }
  return { stopping };
}

/**
 * Demotes the service's CloudNativePG primaries on the side being left. In the distributed
 * topology (a replica Cluster on the target side whose `spec.replica.primary` names it), the old
 * primary's `spec.replica.primary` is set to the new primary's name and the step waits for its
 * `status.demotionToken`. A primary without such a follower is fenced with CloudNativePG's own
 * `cnpg.io/fencedInstances: ["*"]` (all its instances stop).
 */
async function demotePrimaries(
  ctx: RunStepContext,
  writer: StepWriter,
  clusters: CnpgCluster[],
  selector: string,
): Promise<{ waiting: string[] }> {
  const { run } = ctx;
  const from = run.fromCluster;
  const waiting: string[] = [];
  const ours = clusters.filter(
    c =>
      !isReplica(c) ||
      c.metadata.annotations?.[FENCED_BY_ANNOTATION] === run.id,
  );
  if (ours.length === 0) return { waiting };
  const followers = (await listOptional(
    ctx,
    run.toCluster,
    CNPG_CLUSTER,
    ctx.target.namespace,
    selector,
  )) as CnpgCluster[];
  for (const pg of ours) {
    const { namespace, name } = pg.metadata;
    const annotations = pg.metadata.annotations ?? {};
    const follower = followerOf(pg, followers);
    if (follower) {
      const newPrimary = selfName(follower);
      const alreadyOurs = annotations[FENCED_BY_ANNOTATION] === run.id;
      const primaryBefore = alreadyOurs
        ? annotations[PRIMARY_BEFORE_FENCE_ANNOTATION] ?? ''
        : pg.spec?.replica?.primary ?? '';
      // A token left from an earlier demotion is not this demotion's.
      const staleToken = alreadyOurs
        ? annotations[DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION]
        : pg.status?.demotionToken;
      const patch = {
        metadata: {
          annotations: {
            [FENCED_BY_ANNOTATION]: run.id,
            [PRIMARY_BEFORE_FENCE_ANNOTATION]: primaryBefore,
            ...(staleToken
              ? { [DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION]: staleToken }
              : {}),
          },
        },
        spec: { replica: { primary: newPrimary } },
      };
      const done = alreadyOurs && pg.spec?.replica?.primary === newPrimary;
      if (done) {
        writer.recordIfMissing({
          cluster: from,
          apiVersion: CNPG_CLUSTER.apiVersion,
          kind: CNPG_CLUSTER.kind,
          namespace,
          name,
          action: 'patch',
          body: patch,
        });
      } else {
        await writer.patch(from, CNPG_CLUSTER, namespace, name, patch);
        ctx.log(
          'info',
          `${
            ctx.dryRun ? 'Would demote' : 'Demoting'
          } CloudNativePG Cluster ${nameOf(
            pg,
          )} on ${from}: spec.replica.primary set to ${newPrimary} (the replica Cluster ${nameOf(
            follower,
          )} on ${run.toCluster}).`,
        );
      }
      const token = pg.status?.demotionToken;
      if (!ctx.dryRun && (!done || !token || token === staleToken)) {
        waiting.push(
          `CloudNativePG Cluster ${nameOf(pg)} to publish status.demotionToken`,
        );
      } else if (!ctx.dryRun) {
        writer.logOnce(
          'info',
          `CloudNativePG Cluster ${nameOf(
            pg,
          )} on ${from} is demoted (status.demotionToken published).`,
        );
      }
      continue;
    }
    const patch = {
      metadata: {
        annotations: {
          [CNPG_FENCED_INSTANCES_ANNOTATION]: FENCE_ALL,
          [FENCED_BY_ANNOTATION]: run.id,
        },
      },
    };
    if (
      annotations[CNPG_FENCED_INSTANCES_ANNOTATION] === FENCE_ALL &&
      annotations[FENCED_BY_ANNOTATION] === run.id
    ) {
      writer.recordIfMissing({
        cluster: from,
        apiVersion: CNPG_CLUSTER.apiVersion,
        kind: CNPG_CLUSTER.kind,
        namespace,
        name,
        action: 'patch',
        body: patch,
      });
      continue;
    }
    await writer.patch(from, CNPG_CLUSTER, namespace, name, patch);
    ctx.log(
      'warn',
      `No replica Cluster on ${
        run.toCluster
      } names CloudNativePG Cluster ${nameOf(
        pg,
      )} as its primary (distributed topology), so it cannot be demoted with a token: ${
        ctx.dryRun ? 'would fence' : 'fenced'
      } all its instances with ${CNPG_FENCED_INSTANCES_ANNOTATION}: ${FENCE_ALL} instead.`,
    );
  }
  return { waiting };
}

/** The service's workloads and CloudNativePG Clusters on the side being left. */
async function listSide(
  ctx: RunStepContext,
  from: string,
  selector: ReturnType<typeof serviceSelector>,
): Promise<{ workloads: ServiceWorkload[]; clusters: CnpgCluster[] }> {
  const workloads = await listWorkloads(
    ctx,
    from,
    ctx.target.namespace,
    selector,
  );
  const clusters = (await listOptional(
    ctx,
    from,
    CNPG_CLUSTER,
    ctx.target.namespace,
    selector,
  )) as CnpgCluster[];
  return { workloads, clusters };
}

/**
 * **fence** (failover, failback; not active-active): stops writes on the side being left
 * (`run.fromCluster`) before anything is promoted, so there are never two primaries.
 *
 * - Every StatefulSet and Deployment of the service (label selector of the Kubernetes plugin's
 *   annotations, in `backstage.io/kubernetes-namespace`) is merge-patched to
 *   `spec.replicas: 0` with the annotations `disaster-recovery/fenced-by: <run id>` and
 *   `disaster-recovery/replicas-before-fence: <n>`; the step waits until their pods are gone.
 * - CloudNativePG primaries are demoted (see `demotePrimaries`); the step waits for
 *   `status.demotionToken`.
 * - When the side being left does not answer, the step fails unless the run has
 *   `primaryUnreachable` (then it logs and goes on without fencing).
 *
 * `undo` scales the workloads back to `replicas-before-fence`, removes the annotations and
 * reverts the CloudNativePG patches (only objects this run fenced).
 */
export function createFenceStep(): RunStepDefinition {
  return {
    name: 'fence',
    applies: (run, declaration) =>
      movesService(run) && strategyOf(run, declaration) !== 'active-active',
    async run(ctx): Promise<StepOutcome> {
      const { run } = ctx;
      const from = run.fromCluster;
      const writer = new StepWriter(ctx, 'fence');
      const selector = serviceSelector(ctx.target);
      let workloads: ServiceWorkload[];
      let clusters: CnpgCluster[];
      try {
        ({ workloads, clusters } = await listSide(ctx, from, selector));
      } catch (error) {
        if (!isUnreachable(error)) throw error;
        if (run.options?.primaryUnreachable) {
          writer.logOnce(
            'warn',
            `${from} cannot be reached (${messageOf(
              error,
            )}); primaryUnreachable is set, so it is not fenced. It must not take writes if it comes back: scale the service down there first.`,
          );
          return { done: true };
        }
        return refuse(
          ctx,
          `The side being left, ${from}, cannot be reached to fence it: ${messageOf(
            error,
          )}. Pass primaryUnreachable: true to go on without fencing it (if it comes back while the service runs on ${
            run.toCluster
          }, there are two primaries).`,
        );
      }
      if (workloads.length === 0 && clusters.length === 0) {
        writer.logOnce(
          'warn',
          `No StatefulSet, Deployment or CloudNativePG Cluster of the service (${selector}) on ${from}: nothing to fence.`,
        );
        return { done: true };
      }

      const { stopping } = await fenceWorkloads(ctx, writer, workloads);
      const { waiting } = await demotePrimaries(
        ctx,
        writer,
        clusters,
        selector,
      );
      const pending = [...stopping, ...waiting];
      if (pending.length === 0) {
        writer.logOnce(
          'info',
          `${from} is fenced: ${workloads.length} workload${
            workloads.length === 1 ? '' : 's'
          } at 0 replicas${
            clusters.length > 0
              ? `, ${clusters.length} CloudNativePG Cluster${
                  clusters.length === 1 ? '' : 's'
                } demoted or fenced`
              : ''
          }${ctx.dryRun ? ' (planned)' : ''}.`,
        );
        return { done: true };
      }
      const timeout = ctx.limits.verifyTimeoutSeconds;
      if (elapsedSeconds(ctx) > timeout) {
        return refuse(
          ctx,
          `The fence of ${from} did not finish within ${timeout} seconds; still waiting for ${pending.join(
            ', ',
          )}.`,
        );
      }
      writer.logOnce('info', `Waiting for ${pending.join(', ')} on ${from}.`);
      return retry(ctx);
    },

    async undo(ctx): Promise<void> {
      const { run } = ctx;
      const from = run.fromCluster;
      const writer = new StepWriter(ctx, 'fence');
      const selector = serviceSelector(ctx.target);
      let workloads: ServiceWorkload[];
      let clusters: CnpgCluster[];
      try {
        ({ workloads, clusters } = await listSide(ctx, from, selector));
      } catch (error) {
        if (isUnreachable(error) && run.options?.primaryUnreachable) {
          ctx.log(
            'warn',
            `${from} cannot be reached (${messageOf(
              error,
            )}); nothing of it was fenced by this run (primaryUnreachable), so there is nothing to undo.`,
          );
          return;
        }
        throw new Error(
          `The fence of ${from} cannot be undone: ${messageOf(error)}`,
        );
      }
      const recorded = fencedReplicasOfRun(run);
      let undone = 0;
      for (const w of workloads) {
        if (w.object.metadata.annotations?.[FENCED_BY_ANNOTATION] !== run.id) {
          continue;
        }
        const replicas =
          replicasBeforeFence(w.object) ?? recorded.get(workloadKey(w)) ?? 1;
        await writer.patch(
          from,
          w.kind,
          w.object.metadata.namespace,
          w.object.metadata.name,
          {
            metadata: {
              annotations: {
                [FENCED_BY_ANNOTATION]: null,
                [REPLICAS_BEFORE_FENCE_ANNOTATION]: null,
              },
            },
            spec: { replicas },
          },
        );
        undone++;
        ctx.log(
          'info',
          `${ctx.dryRun ? 'Would scale' : 'Scaled'} ${describeWorkload(
            w,
          )} on ${from} back to ${replicas} replicas and removed the fence annotations.`,
        );
      }
      for (const pg of clusters) {
        const annotations = pg.metadata.annotations ?? {};
        if (annotations[FENCED_BY_ANNOTATION] !== run.id) continue;
        const { namespace, name } = pg.metadata;
        if (PRIMARY_BEFORE_FENCE_ANNOTATION in annotations) {
          const before = annotations[PRIMARY_BEFORE_FENCE_ANNOTATION];
          await writer.patch(from, CNPG_CLUSTER, namespace, name, {
            metadata: {
              annotations: {
                [FENCED_BY_ANNOTATION]: null,
                [PRIMARY_BEFORE_FENCE_ANNOTATION]: null,
                [DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION]: null,
              },
            },
            spec: { replica: { primary: before || null } },
          });
          ctx.log(
            'info',
            `${
              ctx.dryRun ? 'Would revert' : 'Reverted'
            } the demotion of CloudNativePG Cluster ${nameOf(
              pg,
            )} on ${from}: spec.replica.primary back to ${
              before || '(unset)'
            }.`,
          );
        } else {
          await writer.patch(from, CNPG_CLUSTER, namespace, name, {
            metadata: {
              annotations: {
                [FENCED_BY_ANNOTATION]: null,
                [CNPG_FENCED_INSTANCES_ANNOTATION]: null,
              },
            },
          });
          ctx.log(
            'info',
            `${
              ctx.dryRun ? 'Would unfence' : 'Unfenced'
            } the instances of CloudNativePG Cluster ${nameOf(pg)} on ${from}.`,
          );
        }
        undone++;
      }
      ctx.log(
        'info',
        undone > 0
          ? `The fence of ${from} is undone.`
          : `Nothing on ${from} is fenced by this run.`,
      );
    },
  };
}
