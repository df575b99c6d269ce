import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterEvidence,
  isPostgresReplica,
} from '@backstage-dr/plugin-disaster-recovery-common';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import pLimit from 'p-limit';
import { KubernetesProxyClient } from './KubernetesProxyClient';

/** The CloudNativePG metric of a standby's replication lag, in seconds. */
const LAG_METRIC = 'cnpg_pg_replication_lag';

/**
 * Reads the replication lag of every CloudNativePG replica cluster in `evidence` (the
 * `postgresClusters` read from each cluster): the `cnpg_pg_replication_lag` gauge, in seconds,
 * of its designated primary (`status.currentPrimary`), from the instance's metrics exporter
 * (`metricsPort`, CloudNativePG's 9187) through the API server's pod proxy. Stores it in
 * `evidence[].postgresReplicationLagSeconds` under `namespace/name`. At most `concurrency`
 * pages are read at a time.
 *
 * A lag that cannot be read (no designated primary yet, pod proxy forbidden, exporter down, no
 * such metric) stays unknown: the evaluation then reports the replica's lag as not measured. It
 * is logged, and never fails the refresh.
 *
 * @public
 */
export async function readPostgresReplicationLag(options: {
  evidence: ClusterEvidence[];
  client: KubernetesProxyClient;
  logger: LoggerService;
  concurrency: number;
  metricsPort: number;
}): Promise<void> {
  const limit = pLimit(options.concurrency);
  const reads: Promise<void>[] = [];
  for (const evidence of options.evidence) {
    for (const pg of evidence.objects.postgresClusters ?? []) {
      const pod = pg.status?.currentPrimary;
      const namespace = pg.metadata.namespace;
      if (!isPostgresReplica(pg) || !pod || !namespace) continue;
      const key = `${namespace}/${pg.metadata.name}`;
      reads.push(
        limit(async () => {
          try {
            const text = await options.client.podProxyText(evidence.cluster, {
              namespace,
              pod,
              port: options.metricsPort,
              path: 'metrics',
            });
            const family = parsePrometheusTextFormat(text).find(
              f => f.name === LAG_METRIC,
            );
            const values = (family?.metrics ?? [])
              .map(m => Number(m.value))
              .filter(v => Number.isFinite(v) && v >= 0);
            if (values.length === 0) {
              options.logger.info(
                `No ${LAG_METRIC} in the metrics of ${key} (${pod}) on ${evidence.cluster}`,
              );
              return;
            }
            evidence.postgresReplicationLagSeconds ??= {};
            evidence.postgresReplicationLagSeconds[key] = Math.max(...values);
          } catch (error) {
            options.logger.info(
              `Replication lag of ${key} on ${evidence.cluster} not read: ${
                (error as Error).message
              }`,
            );
          }
        }),
      );
    }
  }
  await Promise.all(reads);
}
