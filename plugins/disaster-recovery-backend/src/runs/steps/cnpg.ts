import {
  Condition,
  KubeObject,
  PostgresCluster,
  isPostgresReplica,
} from '@backstage-dr/plugin-disaster-recovery-common';

/** A CloudNativePG `Cluster` (`postgresql.cnpg.io/v1`), with the fields a switchover uses. */
export interface CnpgCluster extends KubeObject {
  spec?: {
    replica?: {
      enabled?: boolean;
      primary?: string;
      source?: string;
      self?: string;
      promotionToken?: string;
    };
  };
  status?: {
    phase?: string;
    conditions?: Condition[];
    currentPrimary?: string;
    /** Published by a demoted primary: the new primary's `spec.replica.promotionToken`. */
    demotionToken?: string;
    /** The last promotion token the cluster verified and was promoted with. */
    lastPromotionToken?: string;
    switchReplicaClusterStatus?: { inProgress?: boolean };
  };
}

/** The name a Cluster has in the distributed topology: `spec.replica.self`, else its own name. */
export function selfName(cluster: CnpgCluster): string {
  return cluster.spec?.replica?.self || cluster.metadata.name;
}

/** Whether the Cluster is a replica cluster, as CloudNativePG decides it. */
export function isReplica(cluster: CnpgCluster): boolean {
  return isPostgresReplica(cluster as PostgresCluster);
}

/**
 * The replica Cluster (among `candidates`, of the other side) that follows `primary` in the
 * distributed topology: its `spec.replica.primary` names `primary`.
 */
export function followerOf(
  primary: CnpgCluster,
  candidates: CnpgCluster[],
): CnpgCluster | undefined {
  const name = selfName(primary);
  return candidates.find(
    c => isReplica(c) && c.spec?.replica?.primary === name,
  );
}

/** CloudNativePG's phase of a healthy cluster. */
export const HEALTHY_PHASE = 'Cluster in healthy state';
/** CloudNativePG's phase when it stopped and needs a person (e.g. an unusable promotion token). */
export const WAITING_FOR_USER_PHASE = 'Waiting for user action';

/** Phase `Cluster in healthy state` and no `Ready` condition other than True: the cluster serves. */
export function isHealthy(cluster: CnpgCluster): boolean {
  const ready = cluster.status?.conditions?.find(c => c.type === 'Ready');
  return (
    cluster.status?.phase === HEALTHY_PHASE &&
    (ready === undefined || ready.status === 'True')
  );
}

/** Why CloudNativePG stopped a cluster's switch, from its phase reason and conditions. */
export function stopReason(cluster: CnpgCluster): string {
  const status = cluster.status as
    | (CnpgCluster['status'] & { phaseReason?: string })
    | undefined;
  const failed = status?.conditions?.find(
    c => c.status === 'False' && c.message,
  );
  return status?.phaseReason || failed?.message || 'no reason given';
}
