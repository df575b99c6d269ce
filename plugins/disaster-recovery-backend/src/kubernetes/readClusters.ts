import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterEvidence,
  ClusterResource,
  DrClusterHealth,
  DrResourceType,
  KubeObject,
  RetentionSink,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrStatusProvider } from '@backstage-dr/plugin-disaster-recovery-node';
import pLimit from 'p-limit';
import {
  ClusterReadError,
  KubernetesProxyClient,
} from './KubernetesProxyClient';

/** What one cluster gave so far. */
interface ClusterRead {
  evidence: ClusterEvidence;
  health: DrClusterHealth;
  /** Per provider id: installed, not installed or unknown (a type failed). */
  states: Map<string, DrClusterHealth['providers'][number]['state']>;
  /** Set when the cluster did not answer: the remaining types are not asked for. */
  unreachable?: ClusterReadError;
  /** The health error of `unreachable`, which the types not asked for join. */
  unreachableError?: DrClusterHealth['errors'][number];
  /** Whether the cluster answered any request (with a list or an HTTP error). */
  answered: boolean;
}

/** Failures that mean no answer at all, after which the cluster's other types are not asked for. */
const NO_ANSWER: ReadonlyArray<ClusterReadError['kind']> = [
  'unreachable',
  'timeout',
  'unknown-cluster',
];

/**
 * Reads every resource type of every provider from each cluster, once per cluster and type,
 * reading at most `concurrency` clusters at a time (types of one cluster are read one after the
 * other, so a slow cluster holds one slot). A failure makes only the evidence of that cluster and
 * type unknown; a CRD that is not installed is not a failure (there is nothing to read) and is
 * reported once in the cluster's health.
 *
 * What is recorded, per cluster:
 * - a type whose list failed with an answer (401, 403, 5xx, a malformed list, a continue token
 *   that kept expiring) is an evidence failure `{ resources: [type], reason: summary }`, where
 *   the summary (`403 Forbidden`) leaves out the API server's message, so a cluster failing the
 *   same way on several types gives services one reason listing them; and an entry of
 *   `health.errors` with the error's kind and full message;
 * - no answer (connection refused or closed, timeout, a cluster the Kubernetes backend does not
 *   know) stops the cluster's reading: the types not read yet join that error. When the cluster
 *   had answered nothing before, it is `reachable: false` and its evidence has one failure
 *   without `resources` (the whole cluster); when it had answered some types, it stays
 *   `reachable: true` and only the types not read fail;
 * - a CRD not installed (404 `NotFound` on its list) reads as an empty list: without its CRD no
 *   object of that type can exist, so there is nothing missing from the evidence. The provider is
 *   `not-installed`; the cluster's health has no error for it.
 *
 * With `retained`, the resources it names (lists that grow with time, such as Velero Backups)
 * are read last, page by page into the sink `retained.sinks` returns for each cluster and
 * resource, once every other resource of every cluster has been read (the sinks need them to
 * know the services); the evidence then holds what the sink kept, so memory stays bounded by
 * the number of services rather than of backups.
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
  retained?: {
    resources: readonly ClusterResource[];
    sinks(
      evidence: ClusterEvidence[],
    ): (cluster: string, resource: ClusterResource) => RetentionSink;
  };
}): Promise<{ evidence: ClusterEvidence[]; health: DrClusterHealth[] }> {
  const limit = pLimit(options.concurrency);
  const retained = new Set<string>(options.retained?.resources ?? []);
  const reads = options.clusters.map(cluster => ({
    evidence: { cluster, objects: {}, failures: [] },
    health: {
      cluster,
      reachable: true,
      providers: [],
      errors: [],
      checkedAt: options.now().toISOString(),
    },
    states: new Map(),
    answered: false,
  })) as ClusterRead[];
  await Promise.all(
    reads.map(read =>
      limit(() =>
        readTypes(read, options, type => !retained.has(type.resource)),
      ),
    ),
  );
  if (options.retained && retained.size > 0) {
    const sinkOf = options.retained.sinks(reads.map(r => r.evidence));
    await Promise.all(
      reads.map(read =>
        limit(() =>
          readTypes(
            read,
            options,
            type => retained.has(type.resource),
            type => sinkOf(read.evidence.cluster, type.resource),
          ),
        ),
      ),
    );
  }
  for (const read of reads) {
    for (const provider of options.providers) {
      const state = read.states.get(provider.id) ?? 'installed';
      read.health.providers.push({
        id: provider.id,
        title: provider.title,
        state,
      });
      if (state === 'not-installed') {
        options.logger.info(
          `${provider.title} not installed on cluster ${read.evidence.cluster}`,
        );
      }
    }
    if (read.unreachable) {
      options.logger.warn(
        `Cluster ${read.evidence.cluster} could not be read: ${read.unreachable.message}`,
      );
      if (!read.answered) {
        // Nothing was read: one failure for the whole cluster rather than one per type.
        read.health.reachable = false;
        read.evidence.failures = [{ reason: read.unreachable.summary }];
      }
    }
  }
  return {
    evidence: reads.map(r => r.evidence),
    health: reads.map(r => r.health),
  };
}

async function readTypes(
  read: ClusterRead,
  options: Parameters<typeof readClusters>[0],
  selected: (type: DrResourceType) => boolean,
  sinkOf?: (type: DrResourceType) => RetentionSink,
): Promise<void> {
  const { cluster, objects, failures } = read.evidence;
  const { health, states } = read;
  const set = (resource: string, list: KubeObject[]) => {
    (objects as Record<string, KubeObject[]>)[resource] = list;
  };
  for (const provider of options.providers) {
    for (const type of provider.resourceTypes.filter(selected)) {
      if (read.unreachable) {
        // One unanswered request is enough: the other types would only wait out their timeouts.
        failures!.push({
          resources: [type.resource],
          reason: read.unreachable.summary,
        });
        read.unreachableError?.resources.push(type.resource);
        states.set(provider.id, 'unknown');
        continue;
      }
      try {
        if (sinkOf) {
          const sink = sinkOf(type);
          await options.client.stream(cluster, type, sink);
          set(type.resource, sink.objects());
        } else {
          set(type.resource, await options.client.list(cluster, type));
        }
        read.answered = true;
      } catch (error) {
        if (!(error instanceof ClusterReadError)) {
          throw error;
        }
        const answered = !NO_ANSWER.includes(error.kind);
        read.answered ||= answered;
        if (error.kind === 'not-installed') {
          if (states.get(provider.id) !== 'unknown') {
            states.set(provider.id, 'not-installed');
          }
          set(type.resource, []);
          continue;
        }
        states.set(provider.id, 'unknown');
        failures!.push({ resources: [type.resource], reason: error.summary });
        const entry = {
          resources: [type.resource],
          kind: error.kind,
          message: error.message,
        };
        health.errors.push(entry);
        if (!answered) {
          read.unreachable = error;
          read.unreachableError = entry;
        }
      }
    }
  }
}
