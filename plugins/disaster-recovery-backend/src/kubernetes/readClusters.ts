import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterEvidence,
  ClusterObjects,
  DrClusterHealth,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrStatusProvider } from '@backstage-dr/plugin-disaster-recovery-node';
import pLimit from 'p-limit';
import {
  ClusterReadError,
  KubernetesProxyClient,
} from './KubernetesProxyClient';

/**
 * Reads every resource type of every provider from each cluster, once per cluster and type,
 * reading at most `concurrency` clusters at a time (types of one cluster are read one after the
 * other, so a slow cluster holds one slot). A failure makes only the evidence of that cluster and
 * type unknown; a CRD that is not installed is not a failure (there is nothing to read) and is
 * reported once in the cluster's health.
 *
 * @public
 */
export async function readClusters(options: {
  clusters: string[];
  providers: DrStatusProvider[];
  client: KubernetesProxyClient;
  concurrency: number;
  logger: LoggerService;
  now: () => Date;
}): Promise<{ evidence: ClusterEvidence[]; health: DrClusterHealth[] }> {
  const limit = pLimit(options.concurrency);
  const results = await Promise.all(
    options.clusters.map(cluster => limit(() => readCluster(cluster, options))),
  );
  return {
    evidence: results.map(r => r.evidence),
    health: results.map(r => r.health),
  };
}

async function readCluster(
  cluster: string,
  options: Parameters<typeof readClusters>[0],
): Promise<{ evidence: ClusterEvidence; health: DrClusterHealth }> {
  const objects: ClusterObjects = {};
  const failures: NonNullable<ClusterEvidence['failures']> = [];
  const health: DrClusterHealth = {
    cluster,
    reachable: true,
    providers: [],
    errors: [],
    checkedAt: options.now().toISOString(),
  };
  let unreachable: ClusterReadError | undefined;
  for (const provider of options.providers) {
    let state: DrClusterHealth['providers'][number]['state'] = 'installed';
    for (const type of provider.resourceTypes) {
      if (unreachable) {
        // One unanswered request is enough: the other types would only wait out their timeouts.
        failures.push({
          resources: [type.resource],
          reason: unreachable.message,
        });
        state = 'unknown';
        continue;
      }
      try {
        (objects as Record<string, unknown[]>)[type.resource] =
          await options.client.list(cluster, type);
      } catch (error) {
        if (!(error instanceof ClusterReadError)) {
          throw error;
        }
        if (error.kind === 'not-installed') {
          state = state === 'unknown' ? state : 'not-installed';
          (objects as Record<string, unknown[]>)[type.resource] = [];
          continue;
        }
        state = 'unknown';
        failures.push({ resources: [type.resource], reason: error.message });
        health.errors.push({
          resources: [type.resource],
          kind: error.kind,
          message: error.message,
        });
        if (
          ['unreachable', 'timeout', 'unknown-cluster'].includes(error.kind)
        ) {
          unreachable = error;
          health.reachable = false;
        }
      }
    }
    health.providers.push({ id: provider.id, title: provider.title, state });
    if (state === 'not-installed') {
      options.logger.info(
        `${provider.title} not installed on cluster ${cluster}`,
      );
    }
  }
  if (unreachable) {
    options.logger.warn(
      `Cluster ${cluster} could not be read: ${unreachable.message}`,
    );
  }
  return { evidence: { cluster, objects, failures }, health };
}
