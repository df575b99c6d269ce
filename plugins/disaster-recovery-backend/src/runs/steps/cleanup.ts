import { RunStepDefinition, StepOutcome } from '../types';
import {
  NAMESPACE,
  RUN_ID_LABEL,
  StepWriter,
  drillNamespaceOf,
  objectPath,
  refuse,
} from './common';

/**
 * **cleanup** (drill): deletes the drill namespace `dr-drill-<entity>-<run id>` on the recovery
 * cluster, unless the run has `keepNamespace` (logged). Only a namespace of this run (labelled
 * `disaster-recovery/run-id: <run id>`, or without that label: Velero made it) is deleted. The
 * Velero Restore stays: it is the drill's evidence.
 */
export function createCleanupStep(): RunStepDefinition {
  return {
    name: 'cleanup',
    applies: run => run.type === 'drill',
    async run(ctx): Promise<StepOutcome> {
      const { run } = ctx;
      const cluster = run.toCluster;
      const namespace = drillNamespaceOf(ctx);
      const writer = new StepWriter(ctx, 'cleanup');
      if (run.options?.keepNamespace) {
        ctx.log(
          'info',
          `Keeping the drill namespace ${namespace} on ${cluster} (keepNamespace is set); delete it when done with \`kubectl delete namespace ${namespace}\`.`,
        );
        return { done: true };
      }
      if (ctx.dryRun) {
        await writer.delete(cluster, NAMESPACE, undefined, namespace);
        ctx.log(
          'info',
          `Would delete the drill namespace ${namespace} on ${cluster}.`,
        );
        return { done: true };
      }
      const existing = (await ctx.kube.get(
        cluster,
        objectPath(NAMESPACE, undefined, namespace),
      )) as
        | {
            metadata: { labels?: Record<string, string> };
            status?: { phase?: string };
          }
        | undefined;
      if (!existing) {
        writer.logOnce(
          'info',
          `The drill namespace ${namespace} on ${cluster} is gone.`,
        );
        return { done: true };
      }
      const owner = existing.metadata.labels?.[RUN_ID_LABEL];
      if (owner !== undefined && owner !== run.id) {
        return refuse(
          ctx,
          `Namespace ${namespace} on ${cluster} belongs to run ${owner}, not to this run: it is not deleted.`,
        );
      }
      if (existing.status?.phase === 'Terminating') {
        writer.recordIfMissing({
          cluster,
          apiVersion: NAMESPACE.apiVersion,
          kind: NAMESPACE.kind,
          name: namespace,
          action: 'delete',
        });
        writer.logOnce(
          'info',
          `The drill namespace ${namespace} on ${cluster} is being deleted (Terminating).`,
        );
        return { done: true };
      }
      await writer.delete(cluster, NAMESPACE, undefined, namespace);
      ctx.log(
        'info',
        `Deleted the drill namespace ${namespace} on ${cluster}.`,
      );
      return { done: true };
    },
  };
}
