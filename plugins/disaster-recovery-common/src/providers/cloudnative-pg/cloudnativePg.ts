import { formatDuration } from '../../duration';
import {
  PostgresCluster,
  isPostgresReplica,
} from '../../evaluation/kubernetes';
import { malformedReasons, serviceObjectsOf } from '../../evaluation/locate';
import {
  conditionOf,
  describeObject,
  isoSeconds,
  objectRef,
} from '../../evaluation/objects';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrProviderPvc,
  DrStatusProvider,
} from '../../evaluation/provider';
import { DR_RESOURCE_TYPES } from '../../evaluation/resources';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import { DrReason, DrRecoveryPoint } from '../../evaluation/types';

const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';

/**
 * Judges a service's CloudNativePG replica clusters (`postgresql.cnpg.io/v1` Cluster with
 * `spec.replica`) outside its primary: a Ready replica with a measured lag (the
 * `cnpg_pg_replication_lag` metric of its designated primary, read by the backend into
 * `ClusterEvidence.postgresReplicationLagSeconds`, in seconds) is a recovery point at `now − lag`
 * of the PVCs (labelled `cnpg.io/cluster`) of the Cluster it follows; it covers them continuously
 * (cadence 0). A Cluster there that is not a replica, a replica not Ready, or an unmeasured lag
 * are risks and give no point.
 */
function evaluateCloudNativePg(ctx: DrProviderContext): DrProviderEvidence {
  const { nowMs, pvcs, target, primaryName } = ctx;
  const reasons: DrReason[] = [];
  const risk = (
    code: string,
    message: string,
    nextStep?: string,
    object?: DrReason['object'],
  ) => reasons.push({ severity: 'risk', code, message, nextStep, object });
  const evidence: DrProviderEvidence = {
    reasons,
    recoveryPoints: [],
    coverage: [],
    replication: [],
    replicaLinks: 0,
  };
  const pgPvcs = pvcs.filter(p => p.pvc.metadata.labels?.[CNPG_CLUSTER_LABEL]);

  /**
   * The PVCs of the primary Cluster a replica follows: the one named by its
   * `spec.replica.primary` or by its own name (a replica usually keeps the primary's name); else,
   * when the service's PVCs belong to one CloudNativePG Cluster only, that one's. A replica never
   * stands for the volumes of another Cluster of the service.
   */
  function replicatedPvcs(pg: PostgresCluster): DrProviderPvc[] {
    const names = new Set(
      [pg.spec?.replica?.primary, pg.metadata.name].filter(
        (n): n is string => typeof n === 'string' && n !== '',
      ),
    );
    const named = pgPvcs.filter(p =>
      names.has(p.pvc.metadata.labels![CNPG_CLUSTER_LABEL]),
    );
    if (named.length > 0) return named;
    const clusters = new Set(
      pgPvcs.map(p => p.pvc.metadata.labels![CNPG_CLUSTER_LABEL]),
    );
    return clusters.size === 1 ? [...pgPvcs] : [];
  }

  function judgePostgres(
    pg: PostgresCluster,
    clusterEvidence: SanitizedEvidence,
  ) {
    const { cluster } = clusterEvidence;
    reasons.push(
      ...malformedReasons(
        'Cluster',
        pg,
        cluster,
        'risk',
        'it is judged without that field',
      ),
    );
    const label = describeObject('Cluster', pg, cluster);
    const obj = objectRef('Cluster', pg, cluster);
    if (!isPostgresReplica(pg)) {
      risk(
        'postgres-not-replica',
        `${label} is not a replica cluster (spec.replica${
          typeof pg.spec?.replica?.enabled === 'boolean'
            ? '.enabled is false'
            : '.primary names it'
        }): it does not follow ${primaryName} and gives no recovery point.`,
        `If it was promoted, fail back or make it a replica again (spec.replica.primary: the primary's name); never run two primaries.`,
        obj,
      );
      return;
    }
    evidence.replicaLinks! += 1;
    const followed = replicatedPvcs(pg);
    const key = `${pg.metadata.namespace}/${pg.metadata.name}`;
    const rawLag = clusterEvidence.postgresReplicationLagSeconds?.[key];
    const lag =
      typeof rawLag === 'number' && Number.isFinite(rawLag) && rawLag >= 0
        ? rawLag
        : undefined;
    const healthy = conditionOf(pg, 'Ready')?.status === 'True';
    evidence.replication!.push({
      kind: 'Cluster',
      name: pg.metadata.name,
      namespace: pg.metadata.namespace,
      cluster,
      healthy: healthy && lag !== undefined,
      lagSeconds: lag ?? null,
      message: `${pg.status?.phase ?? 'unknown phase'}${
        lag === undefined
          ? '; lag not measured'
          : `; ${formatDuration(lag)} behind`
      }`,
    });
    for (const pvc of followed) {
      evidence.coverage!.push({
        pvc,
        by: {
          kind: 'Cluster',
          name: pg.metadata.name,
          paused: false,
          offCluster: true,
        },
        cadence: healthy
          ? { seconds: 0, by: `Cluster ${pg.metadata.name}` }
          : undefined,
        replicates: true,
      });
    }
    if (!healthy) {
      risk(
        'replication-failing',
        `Replication to ${cluster} is failing: ${label} is not Ready (${
          pg.status?.phase ?? 'no phase'
        }).`,
        `Read the Cluster's status and the designated primary's logs on ${cluster} (kubectl cnpg status ${pg.metadata.name}).`,
        obj,
      );
      return;
    }
    if (lag === undefined) {
      risk(
        'replication-lag-unknown',
        `The lag of ${label} was not measured: it gives no recovery point, so the RPO it gives is unknown.`,
        `Let the backend read cnpg_pg_replication_lag from the replica's designated primary (${
          pg.status?.currentPrimary ?? 'status.currentPrimary'
        }, metrics port) through the API server's pod proxy.`,
        obj,
      );
      return;
    }
    const ms = nowMs - lag * 1000;
    const point: DrRecoveryPoint = {
      time: isoSeconds(ms),
      source: 'cnpg-replica',
      kind: 'Cluster',
      name: pg.metadata.name,
      namespace: pg.metadata.namespace,
      cluster,
      usable: true,
      counted: true,
      phase: 'Replicating',
    };
    evidence.recoveryPoints!.push(
      pvcs.length > 0
        ? {
            point,
            ms,
            pvcs: followed.map(pvc => ({
              pvc,
              point: {
                time: point.time!,
                source: 'cnpg-replica',
                kind: 'Cluster',
                name: pg.metadata.name,
                namespace: pg.metadata.namespace,
                cluster,
              },
            })),
          }
        : { point, ms, service: true },
    );
  }

  for (const clusterEvidence of ctx.location.scope) {
    if (ctx.isPrimary(clusterEvidence.cluster)) continue;
    for (const pg of serviceObjectsOf(
      clusterEvidence.objects.postgresClusters,
      target,
    )) {
      judgePostgres(pg, clusterEvidence);
    }
  }

  // A Cluster of the service on a recovery cluster is a standby of its database.
  const strategy = ctx.declaration.strategy;
  if (strategy !== undefined && strategy !== 'backup-restore') {
    evidence.strategy = {
      standbyOnRecovery: ctx.recoveryClusters
        .map(ctx.evidenceOf)
        .some(
          e =>
            e !== undefined &&
            serviceObjectsOf(e.objects.postgresClusters, target).length > 0,
        ),
    };
  }
  return evidence;
}

/**
 * The CloudNativePG status provider: `Cluster` (`postgresql.cnpg.io/v1`), primary and replica
 * clusters. See {@link DrStatusProvider}.
 *
 * @public
 */
export const cloudNativePgProvider: DrStatusProvider = {
  id: 'cloudnative-pg',
  title: 'CloudNativePG',
  resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === 'cloudnative-pg'),
  evaluate: evaluateCloudNativePg,
};
