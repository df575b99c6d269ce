import { DrStatus } from '@backstage-dr/plugin-disaster-recovery-common';
import { RunStepContext, RunStepDefinition, StepOutcome } from '../types';
import { messageOf, movesService, strategyOf } from './common';

/**
 * Seconds of data a run started at `now` may lose: `now −` the newest counted recovery point of
 * the service. The service's point is the one its last DR status judged by (the oldest, over its
 * PVCs, of each PVC's newest counted point: `evaluatedAt − achievedRpoSeconds`), else the newest
 * counted recovery point. Null when there is none, or when one of the service's PVCs has no
 * counted point (not all of its data would come back).
 */
export function dataLossWindowSeconds(
  status: DrStatus | undefined,
  now: Date,
): number | null {
  if (!status) return null;
  let pointMs: number | undefined;
  const evaluatedAt = Date.parse(status.evaluatedAt);
  if (status.achievedRpoSeconds !== null && !Number.isNaN(evaluatedAt)) {
    pointMs = evaluatedAt - status.achievedRpoSeconds * 1000;
  } else if (status.coverage.some(c => c.newestPoint === null)) {
    return null;
  } else {
    const times = status.recoveryPoints
      .filter(p => p.counted && p.time)
      .map(p => Date.parse(p.time!))
      .filter(t => !Number.isNaN(t));
    if (times.length > 0) pointMs = Math.max(...times);
  }
  if (pointMs === undefined) return null;
  return Math.max(0, Math.floor((now.getTime() - pointMs) / 1000));
}

async function reachable(
  ctx: RunStepContext,
  cluster: string,
): Promise<{ ok: true; version?: string } | { ok: false; why: string }> {
  try {
    const version = (await ctx.kube.get(cluster, '/version')) as
      | { gitVersion?: string }
      | undefined;
    return { ok: true, version: version?.gitVersion };
  } catch (error) {
    return { ok: false, why: messageOf(error) };
  }
}

function why(status: DrStatus): string {
  const parts = [
    ...status.unreadable.map(
      u => `${u.cluster} could not be read (${u.reason})`,
    ),
    ...status.reasons.filter(r => r.severity === 'unknown').map(r => r.message),
  ];
  return parts.length > 0 ? [...new Set(parts)].join('; ') : 'no reason given';
}

/**
 * **preflight**: checks, before anything is touched, that the run can go well:
 *
 * - the run's clusters make sense (a drill's target is not the primary; a failover's two sides
 *   differ);
 * - the target cluster answers (`GET /version`); for a failover or failback the side being left
 *   is tried too (a warning only: the fence decides, with `primaryUnreachable`);
 * - for a failover or failback, the DR status is not `unknown` for lack of evidence (override:
 *   `acceptDataLoss`, or `primaryUnreachable` when only the side being left could not be read);
 * - the newest counted recovery point is within the RPO target (override: `acceptDataLoss`; the
 *   data-loss window is logged in seconds, see {@link dataLossWindowSeconds});
 * - replication is healthy: a warning, but for a warm-standby failover or failback it fails the
 *   step (override: `acceptDataLoss`).
 *
 * Every problem is named in one error. A dry run logs the problems as warnings instead.
 */
export function createPreflightStep(): RunStepDefinition {
  return {
    name: 'preflight',
    applies: () => true,
    async run(ctx): Promise<StepOutcome> {
      const { run, declaration, status } = ctx;
      const options = run.options ?? {};
      const moves = movesService(run);
      const strategy = strategyOf(run, declaration);
      const problems: string[] = [];
      const overridden = (message: string) =>
        ctx.log('warn', `${message} (accepted: acceptDataLoss is set)`);

      if (
        run.type === 'drill' &&
        run.toCluster === declaration.primaryCluster
      ) {
        problems.push(
          `A drill never touches the primary, but its target cluster ${run.toCluster} is the primary cluster: name another cluster in disaster-recovery/recovery-cluster.`,
        );
      }
      if (moves && run.fromCluster === run.toCluster) {
        problems.push(
          `A ${run.type} moves the service between two clusters, but both sides are ${run.toCluster}.`,
        );
      }

      const target = await reachable(ctx, run.toCluster);
      if (target.ok) {
        ctx.log(
          'info',
          `The target cluster ${run.toCluster} answers${
            target.version ? ` (Kubernetes ${target.version})` : ''
          }.`,
        );
      } else {
        problems.push(
          `The target cluster ${run.toCluster} cannot be reached: ${target.why}. No option overrides this; start the run again when it answers.`,
        );
      }
      if (moves && run.fromCluster !== run.toCluster) {
        const from = await reachable(ctx, run.fromCluster);
        if (from.ok) {
          ctx.log('info', `The side being left, ${run.fromCluster}, answers.`);
        } else if (options.primaryUnreachable) {
          ctx.log(
            'warn',
            `The side being left, ${run.fromCluster}, cannot be reached (${from.why}); primaryUnreachable is set: it will not be fenced. Make sure it cannot take writes if it comes back.`,
          );
        } else {
          ctx.log(
            'warn',
            `The side being left, ${run.fromCluster}, cannot be reached (${from.why}); the fence will fail unless the run is started with primaryUnreachable: true.`,
          );
        }
      }

      if (!status) {
        const message = `No DR status has been evaluated for ${run.entityRef} yet, so its newest recovery point is unknown. Wait for the next refresh, or pass acceptDataLoss: true to go on with an unknown data-loss window.`;
        if (options.acceptDataLoss) overridden(message);
        else problems.push(message);
      }

      if (status && moves && status.verdict === 'unknown') {
        const onlyFromUnreadable =
          status.unreadable.length > 0 &&
          status.unreadable.every(u => u.cluster === run.fromCluster);
        const message = `The DR status of ${
          run.entityRef
        } is unknown for lack of evidence: ${why(
          status,
        )}. Its recovery points cannot be trusted; pass acceptDataLoss: true to go on anyway${
          onlyFromUnreadable
            ? `, or primaryUnreachable: true since only the side being left (${run.fromCluster}) could not be read`
            : ''
        }.`;
        if (onlyFromUnreadable && options.primaryUnreachable) {
          ctx.log(
            'warn',
            `The DR status is unknown because ${run.fromCluster} could not be read; going on (primaryUnreachable is set).`,
          );
        } else if (options.acceptDataLoss) {
          overridden(message);
        } else {
          problems.push(message);
        }
      }

      if (status) {
        const window = dataLossWindowSeconds(status, ctx.now());
        const rpo = declaration.rpoSeconds;
        const newest = status.recoveryPoints.find(p => p.counted);
        if (newest) {
          ctx.log(
            'info',
            `Newest counted recovery point: ${newest.kind} ${
              newest.namespace ? `${newest.namespace}/` : ''
            }${newest.name} on ${newest.cluster}${
              newest.time ? ` at ${newest.time}` : ''
            }.`,
          );
        }
        const loses =
          run.type === 'drill'
            ? 'a failover now would lose'
            : `this ${run.type} loses`;
        if (window === null) {
          const message = `${run.entityRef} has no counted recovery point for all of its data, so the data-loss window is unknown. Pass acceptDataLoss: true to go on anyway.`;
          if (options.acceptDataLoss) overridden(message);
          else problems.push(message);
        } else {
          ctx.log(
            window > rpo ? 'warn' : 'info',
            `Data-loss window: ${window} seconds (RPO target ${rpo} seconds).`,
          );
          if (window > rpo) {
            const message = `The newest counted recovery point is ${window} seconds old, above the RPO target of ${rpo} seconds: ${loses} up to ${window} seconds of data. Pass acceptDataLoss: true to accept the loss.`;
            if (options.acceptDataLoss) overridden(message);
            else problems.push(message);
          }
        }

        const unhealthy = status.replication.filter(r => !r.healthy);
        const strict = moves && strategy === 'warm-standby';
        if (unhealthy.length > 0) {
          const list = unhealthy
            .map(
              r =>
                `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${
                  r.name
                } on ${r.cluster}${r.message ? ` (${r.message})` : ''}`,
            )
            .join('; ');
          const message = `Replication is not healthy: ${list}.`;
          if (!strict) {
            ctx.log('warn', message);
          } else if (options.acceptDataLoss) {
            overridden(message);
          } else {
            problems.push(
              `${message} A warm-standby ${run.type} promotes the replicated copy; pass acceptDataLoss: true to promote it anyway.`,
            );
          }
        } else if (status.replication.length > 0) {
          ctx.log(
            'info',
            `Replication is healthy (${status.replication.length} link${
              status.replication.length === 1 ? '' : 's'
            }).`,
          );
        } else if (strict) {
          const message = `warm-standby is declared, but no replication of ${run.entityRef} is reported.`;
          if (options.acceptDataLoss) overridden(message);
          else
            problems.push(
              `${message} Pass acceptDataLoss: true to promote the standby anyway.`,
            );
        }
      }

      if (problems.length > 0) {
        if (ctx.dryRun) {
          for (const p of problems)
            ctx.log('warn', `The run would stop here: ${p}`);
          return { done: true };
        }
        throw new Error(problems.join(' '));
      }
      ctx.log('info', 'Preflight passed.');
      return { done: true };
    },
  };
}
