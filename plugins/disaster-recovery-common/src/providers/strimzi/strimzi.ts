import { malformedReasons, serviceObjectsOf } from '../../evaluation/locate';
import {
  conditionOf,
  describeObject,
  objectRef,
} from '../../evaluation/objects';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrStatusProvider,
} from '../../evaluation/provider';
import { DR_RESOURCE_TYPES } from '../../evaluation/resources';
import { DrReason } from '../../evaluation/types';

/**
 * Judges a service's Strimzi MirrorMaker 2 mirrors (`kafka.strimzi.io` KafkaMirrorMaker2, `v1`
 * or `v1beta2`) outside its primary: each mirror is a replica link covering the service's PVCs
 * (those not of a CloudNativePG Cluster) continuously while it is healthy (`Ready` True, every
 * connector and task in `status.connectors` RUNNING). Strimzi reports no replication lag, so a
 * mirror never gives a recovery point; a healthy one is a risk for that, a broken one a risk for
 * failing.
 */
function evaluateStrimzi(ctx: DrProviderContext): DrProviderEvidence {
  const reasons: DrReason[] = [];
  const evidence: DrProviderEvidence = {
    reasons,
    coverage: [],
    replication: [],
    replicaLinks: 0,
  };
  const otherPvcs = ctx.pvcs.filter(
    p => !p.pvc.metadata.labels?.['cnpg.io/cluster'],
  );
  for (const clusterEvidence of ctx.location.scope) {
    const { cluster } = clusterEvidence;
    if (ctx.isPrimary(cluster)) continue;
    for (const mm2 of serviceObjectsOf(
      clusterEvidence.objects.mirrorMakers,
      ctx.target,
    )) {
      evidence.replicaLinks! += 1;
      reasons.push(
        ...malformedReasons(
          'KafkaMirrorMaker2',
          mm2,
          cluster,
          'risk',
          'it is judged without that field',
        ),
      );
      const connectors = mm2.status?.connectors ?? [];
      const failing = connectors.flatMap(c => [
        ...(c.connector?.state && c.connector.state !== 'RUNNING'
          ? [`connector ${c.name} ${c.connector.state}`]
          : []),
        ...(c.tasks ?? [])
          .filter(t => t.state !== 'RUNNING')
          .map(t => `task ${c.name}/${t.id} ${t.state}`),
      ]);
      const healthy =
        conditionOf(mm2, 'Ready')?.status === 'True' &&
        failing.length === 0 &&
        connectors.length > 0;
      const label = describeObject('KafkaMirrorMaker2', mm2, cluster);
      evidence.replication!.push({
        kind: 'KafkaMirrorMaker2',
        name: mm2.metadata.name,
        namespace: mm2.metadata.namespace,
        cluster,
        healthy,
        lagSeconds: null,
        message: healthy
          ? 'all connectors and tasks RUNNING; lag not measured'
          : failing.join(', ') || 'not Ready',
      });
      for (const pvc of otherPvcs) {
        evidence.coverage!.push({
          pvc,
          by: {
            kind: 'KafkaMirrorMaker2',
            name: mm2.metadata.name,
            paused: false,
            offCluster: true,
          },
          cadence: healthy
            ? { seconds: 0, by: `KafkaMirrorMaker2 ${mm2.metadata.name}` }
            : undefined,
          replicates: true,
        });
      }
      if (!healthy) {
        reasons.push({
          severity: 'risk',
          code: 'replication-failing',
          message: `Replication to ${cluster} is failing: ${label} is ${
            failing.join(', ') || 'not Ready'
          }.`,
          nextStep: `Restart the failed connectors and tasks (the KafkaConnector status, the MirrorMaker 2 pod logs on ${cluster}).`,
          object: objectRef('KafkaMirrorMaker2', mm2, cluster),
        });
      } else {
        // Strimzi reports no replication lag: the mirror gives no recovery point (never one at `now`).
        reasons.push({
          severity: 'risk',
          code: 'replication-lag-unknown',
          message: `The lag of ${label} is not measured, so it gives no recovery point.`,
          nextStep:
            'Export the MirrorMaker 2 consumer lag (kafka_consumer_records_lag) and alert on it.',
          object: objectRef('KafkaMirrorMaker2', mm2, cluster),
        });
      }
    }
  }
  return evidence;
}

/**
 * The Strimzi status provider: `KafkaMirrorMaker2` (`kafka.strimzi.io`). See
 * {@link DrStatusProvider}.
 *
 * @public
 */
export const strimziProvider: DrStatusProvider = {
  id: 'strimzi',
  title: 'Strimzi',
  resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === 'strimzi'),
  evaluate: evaluateStrimzi,
};
