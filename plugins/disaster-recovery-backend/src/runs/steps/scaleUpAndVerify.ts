import { RunStepDefinition, StepOutcome } from '../types';
import {
  HEALTH_URL_ANNOTATION,
  StepWriter,
  describeWorkload,
  drillNamespaceOf,
  elapsedSeconds,
  listWorkloads,
  messageOf,
  movesService,
  refuse,
  retry,
  serviceSelector,
  workloadKey,
} from './common';
import { desiredReplicas, scaleUp } from './scale';

/**
 * **scale-up-and-verify**: on `run.toCluster`, scales the service's StatefulSets and Deployments
 * to their desired replicas (failover, failback: the replicas recorded before the fence, see
 * `desiredReplicas`; a drill: the restored workloads in the drill namespace) with a merge patch
 * of `spec.replicas`, and waits until every one has `status.readyReplicas` ≥ desired, then until
 * the optional health URL (`disaster-recovery/health-url`) answers 2xx. Fails after
 * `limits.verifyTimeoutSeconds` from the step's start, naming what is not ready. A drill does not
 * call the health URL: it points at the serving side, not at the drill's copy.
 */
export function createScaleUpAndVerifyStep(): RunStepDefinition {
  return {
    name: 'scale-up-and-verify',
    applies: () => true,
    async run(ctx): Promise<StepOutcome> {
      const { run } = ctx;
      const cluster = run.toCluster;
      const writer = new StepWriter(ctx, 'scale-up-and-verify');
      const drill = !movesService(run);
      const namespace = drill ? drillNamespaceOf(ctx) : ctx.target.namespace;
      const selector = serviceSelector(ctx.target);
      const timeout = ctx.limits.verifyTimeoutSeconds;
      const overdue = elapsedSeconds(ctx) > timeout;

      const workloads = await listWorkloads(ctx, cluster, namespace, selector);
      if (workloads.length === 0) {
        if (ctx.dryRun) {
          ctx.log(
            'info',
            `Would scale up the service's workloads ${
              drill ? `restored into ${namespace}` : ''
            } on ${cluster} once they exist, and wait until they are ready.`,
          );
          return { done: true };
        }
        const message = `No StatefulSet or Deployment of the service (${selector}) ${
          namespace ? `in ${namespace} ` : ''
        }on ${cluster}${drill ? ': the restore brought none back' : ''}.`;
        if (overdue) throw new Error(message);
        writer.logOnce('warn', `${message} Waiting for them.`);
        return retry(ctx);
      }

      const desired = await desiredReplicas(ctx, workloads);
      await scaleUp(ctx, writer, cluster, workloads, desired);
      if (ctx.dryRun) {
        ctx.log(
          'info',
          `Would wait until ${workloads
            .map(describeWorkload)
            .join(', ')} on ${cluster} are ready.`,
        );
        return { done: true };
      }

      const notReady = workloads
        .map(w => ({
          w,
          ready: w.object.status?.readyReplicas ?? 0,
          want: desired.get(workloadKey(w))!.replicas,
        }))
        .filter(x => x.ready < x.want || x.w.object.spec?.replicas !== x.want);
      if (notReady.length > 0) {
        const list = notReady
          .map(x => `${describeWorkload(x.w)} ${x.ready}/${x.want} ready`)
          .join(', ');
        if (overdue) {
          return refuse(
            ctx,
            `The service is not ready on ${cluster} after ${timeout} seconds: ${list}.`,
          );
        }
        writer.logOnce(
          'info',
          `Waiting for ready replicas on ${cluster}: ${list}.`,
        );
        return retry(ctx);
      }
      writer.logOnce(
        'info',
        `Every workload is ready on ${cluster}: ${workloads
          .map(
            w =>
              `${describeWorkload(w)} ${
                desired.get(workloadKey(w))!.replicas
              }/${desired.get(workloadKey(w))!.replicas}`,
          )
          .join(', ')}.`,
      );

      const url = ctx.entity.metadata.annotations?.[HEALTH_URL_ANNOTATION];
      if (!url) return { done: true };
      if (drill) {
        writer.logOnce(
          'info',
          `The health URL ${url} is not checked in a drill: it answers for the serving side, not for the drill's copy.`,
        );
        return { done: true };
      }
      let answer: string;
      try {
        const code = await ctx.httpStatus(url);
        if (code >= 200 && code < 300) {
          ctx.log('info', `The health URL ${url} answered ${code}.`);
          return { done: true };
        }
        answer = `answered ${code}`;
      } catch (error) {
        answer = `did not answer (${messageOf(error)})`;
      }
      if (overdue) {
        return refuse(
          ctx,
          `The workloads are ready on ${cluster}, but the health URL ${url} ${answer} and has not answered 2xx within ${timeout} seconds.`,
        );
      }
      writer.logOnce(
        'info',
        `The health URL ${url} ${answer}; checking again.`,
      );
      return retry(ctx);
    },
  };
}
