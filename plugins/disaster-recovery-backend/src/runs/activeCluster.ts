import { ConflictError, InputError } from '@backstage/errors';
import {
  DrDeclaration,
  DrRunRecord,
  DrRunType,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrCompletedRun } from '../database/DrRunStore';

/** Where an entity runs after a completed failover, until a failback completes. */
export interface DrActiveCluster {
  /** The cluster it runs on (the failover's target). */
  cluster: string;
  /** The cluster it left (where a failback goes). */
  leftCluster: string;
  /** RFC 3339: when the failover ended. */
  since: string;
  /** The failover run. */
  runId: string;
}

/**
 * The active cluster of an entity from its completed runs: the target of its last completed
 * failover, unless a failback completed after it. Undefined while it runs on its primary.
 */
export function activeClusterOf(
  runs: readonly DrCompletedRun[],
): DrActiveCluster | undefined {
  let last: DrCompletedRun | undefined;
  for (const run of runs) {
    if (run.type === 'drill') continue;
    const ended = run.endedAt ?? run.createdAt;
    if (!last || ended >= (last.endedAt ?? last.createdAt)) last = run;
  }
  if (last?.type !== 'failover') return undefined;
  return {
    cluster: last.toCluster,
    leftCluster: last.fromCluster,
    since: last.endedAt ?? last.createdAt,
    runId: last.id,
  };
}

/** Completed runs as the evaluation's drill evidence (`runs` of `evaluateDrStatus`). */
export function runRecordsOf(runs: readonly DrCompletedRun[]): DrRunRecord[] {
  return runs.map(r => ({
    id: r.id,
    type: r.type,
    status: 'completed',
    startedAt: r.createdAt,
    verifiedAt: r.verifiedAt,
  }));
}

/**
 * The declaration as the evaluation should see it: after a failover the active cluster is the
 * primary and the cluster it left is the recovery cluster.
 */
export function withActiveCluster<
  D extends Pick<DrDeclaration, 'primaryCluster' | 'recoveryCluster'>,
>(declaration: D, active: DrActiveCluster | undefined): D {
  if (!active) return declaration;
  return {
    ...declaration,
    primaryCluster: active.cluster,
    recoveryCluster: active.leftCluster,
  };
}

/**
 * The clusters a new run goes from and to:
 * - failover: from the primary to the recovery cluster (refused while failed over);
 * - failback: from the active cluster back to the one the failover left (refused unless failed
 *   over);
 * - drill: restores on the side the service does not run on (the recovery cluster, or after a
 *   failover the cluster it left), never touching the side it runs on.
 *
 * @throws InputError when the declaration names no primary or recovery cluster
 * @throws ConflictError when the run makes no sense in the entity's current state
 */
export function runDirection(
  type: DrRunType,
  entityRef: string,
  declaration: Pick<DrDeclaration, 'primaryCluster' | 'recoveryCluster'>,
  active: DrActiveCluster | undefined,
): { fromCluster: string; toCluster: string } {
  const { primaryCluster, recoveryCluster } = declaration;
  if (!primaryCluster || !recoveryCluster) {
    throw new InputError(
      `${entityRef} declares no ${
        primaryCluster ? 'recovery' : 'primary'
      } cluster: a ${type} needs disaster-recovery/primary-cluster and disaster-recovery/recovery-cluster`,
    );
  }
  if (type === 'failover' && active) {
    throw new ConflictError(
      `${entityRef} already runs on ${active.cluster} since ${active.since} (failover run ${active.runId}); fail it back first`,
    );
  }
  if (type === 'failback' && !active) {
    throw new ConflictError(
      `${entityRef} runs on its primary cluster ${primaryCluster}: there is no completed failover to fail back`,
    );
  }
  if (active) {
    return { fromCluster: active.cluster, toCluster: active.leftCluster };
  }
  return { fromCluster: primaryCluster, toCluster: recoveryCluster };
}
