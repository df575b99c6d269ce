/**
 * The raw reading of the benchmark: the lists the refresh reads, read the same way, but parsed
 * and dropped — no evaluation, no per-object work, nothing kept. It makes the requests
 * `readClusters` and `KubernetesProxyClient` make in the refresh:
 *
 * - every resource type of every provider on every cluster, one list per (cluster, type), through
 *   the Kubernetes backend's proxy (`GET {kubernetes}/proxy<listPath>` with the
 *   `Backstage-Kubernetes-Cluster` header);
 * - `limit=<pageSize>` and `continue` paging until no continue token (a `410 Gone` on a
 *   continuation starts the list again, once, as the client does);
 * - at most `concurrency` clusters at a time, the types of one cluster one after the other, the
 *   retained resources (Velero Backups, VolumeSnapshots) read last, after every other resource of
 *   every cluster;
 * - each page read as text and parsed with `JSON.parse`, as the client does.
 *
 * The differences: it authenticates with the bench's static token rather than the plugin's
 * service token, and it only reads `metadata.continue` and counts `items` of each page.
 */
import {
  DR_RESOURCE_TYPES,
  DrResourceType,
  RETAINED_RESOURCES,
  listPath,
} from '@backstage-dr/plugin-disaster-recovery-common';
import pLimit from 'p-limit';

/** The providers in the order the bench's backend adds their modules (see backendProcess.ts). */
export const BENCH_PROVIDER_ORDER = [
  'workloads',
  'velero',
  'csi-snapshots',
  'volsync',
  'cloudnative-pg',
  'strimzi',
];

export interface RawReadResult {
  ms: number;
  /** Requests made (pages, including any restarted list's). */
  requests: number;
  /** Lists read: one per (cluster, resource type). */
  lists: number;
  /** Bytes of the response texts (as `KubernetesProxyClient` counts them). */
  bytes: number;
  objects: number;
  /** Lists answered other than 200 (e.g. a CRD not installed: 404), by status. */
  statuses: Record<string, number>;
}

export async function rawRead(options: {
  /** `http://host:port/api/kubernetes`. */
  kubernetesBaseUrl: string;
  token: string;
  clusters: string[];
  concurrency: number;
  pageSize: number;
  requestTimeoutMs: number;
}): Promise<RawReadResult> {
  const result: RawReadResult = {
    ms: 0,
    requests: 0,
    lists: 0,
    bytes: 0,
    objects: 0,
    statuses: {},
  };
  const types = BENCH_PROVIDER_ORDER.flatMap(id =>
    DR_RESOURCE_TYPES.filter(t => t.provider === id),
  );
  const retained = new Set<string>(RETAINED_RESOURCES);

  /** One page: text, then JSON.parse; returns its continue token, or a status that stops it. */
  const page = async (cluster: string, path: string) => {
    result.requests += 1;
    const response = await fetch(`${options.kubernetesBaseUrl}/proxy${path}`, {
      headers: {
        authorization: `Bearer ${options.token}`,
        'Backstage-Kubernetes-Cluster': cluster,
        accept: 'application/json',
      },
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
    const text = await response.text();
    result.bytes += Buffer.byteLength(text);
    const body = text ? JSON.parse(text) : undefined;
    if (response.ok && Array.isArray(body?.items)) {
      result.objects += body.items.length;
    }
    return {
      status: response.status,
      next: (response.ok && body?.metadata?.continue) || undefined,
    };
  };

  const list = async (cluster: string, type: DrResourceType) => {
    result.lists += 1;
    for (let attempt = 0; attempt < 2; attempt++) {
      let next: string | undefined;
      let status = 200;
      do {
        const query = new URLSearchParams({ limit: String(options.pageSize) });
        if (next) query.set('continue', next);
        const continuation = Boolean(next);
        ({ status, next } = await page(cluster, `${listPath(type)}?${query}`));
        if (status === 410 && continuation) break;
      } while (next);
      if (status !== 200) {
        result.statuses[status] = (result.statuses[status] ?? 0) + 1;
      }
      if (status !== 410) return;
    }
  };

  const limit = pLimit(options.concurrency);
  const started = process.hrtime.bigint();
  for (const phase of [
    (t: DrResourceType) => !retained.has(t.resource),
    (t: DrResourceType) => retained.has(t.resource),
  ]) {
    await Promise.all(
      options.clusters.map(cluster =>
        limit(async () => {
          for (const type of types.filter(phase)) {
            await list(cluster, type);
          }
        }),
      ),
    );
  }
  result.ms = Number(process.hrtime.bigint() - started) / 1e6;
  return result;
}
