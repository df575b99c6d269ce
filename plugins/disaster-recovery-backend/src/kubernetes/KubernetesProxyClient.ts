import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import {
  DrResourceType,
  KubeObject,
  listPath,
} from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * Why a cluster could not be read:
 * - `not-installed`: the resource's CRD is not installed (the list answered 404 NotFound);
 * - `unknown-cluster`: the Kubernetes backend does not know the cluster;
 * - `unauthorized` / `forbidden`: the API server answered 401 / 403;
 * - `unreachable`: no answer (connection refused or closed, TLS error, proxy failure);
 * - `timeout`: no answer within the request timeout;
 * - `server-error`: the API server answered 5xx;
 * - `malformed`: the answer is not a Kubernetes list of objects.
 *
 * @public
 */
export type ClusterReadErrorKind =
  | 'not-installed'
  | 'unknown-cluster'
  | 'unauthorized'
  | 'forbidden'
  | 'unreachable'
  | 'timeout'
  | 'server-error'
  | 'malformed';

/** What each kind of failure is called in a service's reasons, when nothing more precise is known. */
const SUMMARIES: Record<ClusterReadErrorKind, string> = {
  'not-installed': 'CRD not installed',
  'unknown-cluster': 'not configured in the Kubernetes plugin',
  unauthorized: '401 Unauthorized',
  forbidden: '403 Forbidden',
  unreachable: 'not reachable',
  timeout: 'no answer in time',
  'server-error': 'server error',
  malformed: 'not a Kubernetes list',
};

/**
 * A failure to read a resource from a cluster, with its kind, a message for people and a short
 * summary.
 *
 * `message` is the full story, with what the API server or the Kubernetes backend said (RBAC
 * subjects, addresses): it goes to the cluster's health, which only holders of
 * `disaster-recovery.clusters.details` see. `summary` (`403 Forbidden`, `503 ServiceUnavailable`,
 * `no answer within 30s`) names the failure without those details and is the same for every
 * resource type of a cluster that fails the same way; it is what services' reasons say.
 *
 * @public
 */
export class ClusterReadError extends Error {
  readonly summary: string;

  constructor(
    readonly kind: ClusterReadErrorKind,
    readonly cluster: string,
    message: string,
    summary?: string,
  ) {
    super(message);
    this.name = 'ClusterReadError';
    this.summary = summary ?? SUMMARIES[kind];
  }
}

/** A continue token expired (410 Gone, reason `Expired`): the list must start again. */
class ExpiredContinueError extends Error {}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Drops the bookkeeping fields of an object that the evaluation never reads. */
function compact(object: KubeObject): KubeObject {
  const metadata = object.metadata as KubeObject['metadata'] & {
    managedFields?: unknown;
  };
  const lastApplied = Boolean(
    metadata.annotations && LAST_APPLIED in metadata.annotations,
  );
  if (metadata.managedFields === undefined && !lastApplied) return object;
  const { managedFields: _managedFields, ...rest } = metadata;
  if (lastApplied) {
    const { [LAST_APPLIED]: _lastApplied, ...annotations } = rest.annotations!;
    rest.annotations = annotations;
  }
  return { ...object, metadata: rest };
}

/** Counters of the requests a client made, for the benchmark and the logs. */
export interface KubernetesRequestStats {
  requests: number;
  bytes: number;
}

/**
 * Reads Kubernetes objects through the Kubernetes backend's proxy endpoint
 * (`GET {kubernetes}/proxy/<path>` with the `Backstage-Kubernetes-Cluster` header), called with
 * this plugin's own service credentials. Every cluster locator and auth strategy of the Kubernetes
 * plugin therefore works unchanged, and cluster credentials stay in the Kubernetes backend.
 *
 * @public
 */
export class KubernetesProxyClient {
  readonly stats: KubernetesRequestStats = { requests: 0, bytes: 0 };

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      /** Per request, in milliseconds. */
      requestTimeoutMs: number;
      /** Objects per page (`limit`). */
      pageSize: number;
    },
  ) {}

  private async token(): Promise<string> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'kubernetes',
    });
    return token;
  }

  /**
   * The names of the clusters the Kubernetes backend knows (`GET {kubernetes}/clusters`).
   *
   * @throws Error when the Kubernetes backend cannot be reached or answers an error
   */
  async listClusters(): Promise<string[]> {
    const base = await this.options.discovery.getBaseUrl('kubernetes');
    const response = await fetch(`${base}/clusters`, {
      headers: { authorization: `Bearer ${await this.token()}` },
      signal: AbortSignal.timeout(this.options.requestTimeoutMs),
    });
    if (!response.ok) {
      throw new Error(
        `The Kubernetes backend answered ${response.status} to GET /clusters`,
      );
    }
    const body = (await response.json()) as { items?: Array<{ name: string }> };
    return (body.items ?? []).map(c => c.name);
  }

  /**
   * Lists every object of a resource type in every namespace of a cluster, page by page
   * (`limit` = page size, `continue` tokens). A `410 Gone` on a continuation (the token expired,
   * etcd compacted the revision the list was started at) is handled as client-go handles it: see
   * {@link KubernetesProxyClient.stream}.
   *
   * @returns the objects, with `apiVersion` and `kind` set on each
   * @throws ClusterReadError with the reason the list failed
   */
  async list(cluster: string, type: DrResourceType): Promise<KubeObject[]> {
    let items: KubeObject[] = [];
    await this.stream(cluster, type, {
      offer: page => {
        items.push(...page);
      },
      reset: () => {
        items = [];
      },
    });
    return items;
  }

  /**
   * Lists like {@link KubernetesProxyClient.list}, but hands each page to `sink` instead of
   * holding the whole list, so a caller can keep only what it needs of a large list. Objects lose
   * `metadata.managedFields` and the `kubectl.kubernetes.io/last-applied-configuration`
   * annotation, which nothing here reads.
   *
   * An expired continue token (`410 Gone`, reason `Expired`) never yields a list mixed from two
   * revisions (the token the API server offers in that answer, for an inconsistent remainder, is
   * not used): the list starts again from the first page (client-go's reflector relists), and
   * if it expires again, it is read in one request without `limit` (client-go's pager,
   * `FullListIfExpired`), which cannot expire but holds the whole list in one answer.
   * `sink.reset()` is called before each new start.
   *
   * @throws ClusterReadError with the reason the list failed (the sink then holds a partial list)
   */
  async stream(
    cluster: string,
    type: DrResourceType,
    sink: {
      offer(objects: KubeObject[]): void;
      reset(): void;
    },
  ): Promise<void> {
    // Paged, paged again, then whole: the last attempt has no continue token that could expire.
    const limits = [this.options.pageSize, this.options.pageSize, undefined];
    for (const [attempt, limit] of limits.entries()) {
      try {
        await this.listOnce(cluster, type, sink, limit);
        return;
      } catch (error) {
        if (!(error instanceof ExpiredContinueError)) {
          throw error;
        }
        if (attempt === limits.length - 1) {
          throw new ClusterReadError(
            'server-error',
            cluster,
            `${type.kind} list on ${cluster} kept expiring while paging`,
            '410 Gone',
          );
        }
        sink.reset();
      }
    }
  }

  /**
   * Reads a text page of a pod through the API server's pod proxy
   * (`GET /api/v1/namespaces/{namespace}/pods/{pod}:{port}/proxy/{path}`), such as the
   * Prometheus `/metrics` page of a CloudNativePG instance. The Kubernetes plugin's credentials
   * for the cluster need `get` on `pods/proxy`.
   *
   * @returns the page's text
   * @throws ClusterReadError when the cluster, the pod or the port does not answer (kind
   *   `unauthorized`, `forbidden`, `timeout`, `unreachable` or `server-error`)
   */
  async podProxyText(
    cluster: string,
    target: { namespace: string; pod: string; port: number; path: string },
  ): Promise<string> {
    const { namespace, pod, port } = target;
    const path = `/api/v1/namespaces/${encodeURIComponent(
      namespace,
    )}/pods/${encodeURIComponent(pod)}:${port}/proxy/${target.path.replace(
      /^\//,
      '',
    )}`;
    const { response, text } = await this.fetchText(
      cluster,
      path,
      'text/plain',
    );
    if (response.ok) return text;
    let message = text.slice(0, 200);
    try {
      message = JSON.parse(text)?.message ?? message;
    } catch {
      // not a Kubernetes Status: keep the text
    }
    const kinds: Record<number, ClusterReadErrorKind> = {
      401: 'unauthorized',
      403: 'forbidden',
    };
    const kind = kinds[response.status] ?? 'server-error';
    throw new ClusterReadError(
      kind,
      cluster,
      `${namespace}/${pod}:${port} on ${cluster} answered ${response.status}${
        message ? `: ${message}` : ''
      }`,
      kind === 'server-error' ? String(response.status) : undefined,
    );
  }

  /** One list from the first page to the last; `limit` undefined: no paging asked for. */
  private async listOnce(
    cluster: string,
    type: DrResourceType,
    sink: { offer(objects: KubeObject[]): void },
    limit: number | undefined,
  ): Promise<void> {
    let continueToken: string | undefined;
    const apiVersion = type.group
      ? `${type.group}/${type.version}`
      : type.version;
    do {
      const query = new URLSearchParams();
      if (limit !== undefined) {
        query.set('limit', String(limit));
      }
      if (continueToken) {
        query.set('continue', continueToken);
      }
      const search = query.toString();
      const body = await this.get(
        cluster,
        search ? `${listPath(type)}?${search}` : listPath(type),
        type,
        Boolean(continueToken),
      );
      if (!body || typeof body !== 'object' || !Array.isArray(body.items)) {
        throw new ClusterReadError(
          'malformed',
          cluster,
          `${type.kind} list on ${cluster} is not a Kubernetes list`,
        );
      }
      const page: KubeObject[] = [];
      for (const item of body.items) {
        if (typeof item?.metadata?.name !== 'string') {
          throw new ClusterReadError(
            'malformed',
            cluster,
            `${type.kind} list on ${cluster} holds an object without metadata.name`,
          );
        }
        page.push(compact({ apiVersion, kind: type.kind, ...item }));
      }
      sink.offer(page);
      continueToken = body.metadata?.continue || undefined;
    } while (continueToken);
  }

  /** GETs a path through the Kubernetes backend's proxy; no answer is a ClusterReadError. */
  private async fetchText(
    cluster: string,
    path: string,
    accept: string,
  ): Promise<{ response: Response; text: string }> {
    const base = await this.options.discovery.getBaseUrl('kubernetes');
    let response: Response;
    let text: string;
    try {
      this.stats.requests += 1;
      response = await fetch(`${base}/proxy${path}`, {
        headers: {
          authorization: `Bearer ${await this.token()}`,
          'Backstage-Kubernetes-Cluster': cluster,
          accept,
        },
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      text = await response.text();
      this.stats.bytes += Buffer.byteLength(text);
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        const seconds = this.options.requestTimeoutMs / 1000;
        throw new ClusterReadError(
          'timeout',
          cluster,
          `${cluster} did not answer within ${seconds}s`,
          `no answer within ${seconds}s`,
        );
      }
      throw new ClusterReadError(
        'unreachable',
        cluster,
        `${cluster} could not be reached: ${
          (error as Error)?.message ?? error
        }`,
      );
    }
    return { response, text };
  }

  private async get(
    cluster: string,
    path: string,
    type: DrResourceType,
    continuation: boolean,
  ): Promise<any> {
    const { response, text } = await this.fetchText(
      cluster,
      path,
      'application/json',
    );
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      if (response.ok) {
        throw new ClusterReadError(
          'malformed',
          cluster,
          `${type.kind} list on ${cluster} is not JSON`,
        );
      }
    }
    if (response.ok) {
      return body;
    }
    const status = response.status;
    const isKubernetesStatus = body?.kind === 'Status';
    const message = isKubernetesStatus
      ? body.message
      : body?.error?.message ?? text.slice(0, 200);
    if (
      status === 410 &&
      continuation &&
      (!isKubernetesStatus || body.reason === 'Expired')
    ) {
      throw new ExpiredContinueError();
    }
    if (status === 404 && isKubernetesStatus) {
      throw new ClusterReadError(
        'not-installed',
        cluster,
        `${type.kind} (${type.plural}.${
          type.group || 'core'
        }) is not installed on ${cluster}`,
      );
    }
    if (status === 404) {
      throw new ClusterReadError(
        'unknown-cluster',
        cluster,
        message || `cluster ${cluster} not found`,
      );
    }
    if (status === 401) {
      throw new ClusterReadError(
        'unauthorized',
        cluster,
        `${cluster} answered 401 Unauthorized${message ? `: ${message}` : ''}`,
      );
    }
    if (status === 403) {
      throw new ClusterReadError(
        'forbidden',
        cluster,
        `${cluster} answered 403 Forbidden${message ? `: ${message}` : ''}`,
      );
    }
    if (!isKubernetesStatus && status >= 500) {
      // The Kubernetes backend's proxy answers 500 with its own error when the cluster does not
      // answer at all (connection refused or closed, TLS failure).
      throw new ClusterReadError(
        'unreachable',
        cluster,
        `${cluster} could not be reached: ${message}`,
      );
    }
    throw new ClusterReadError(
      'server-error',
      cluster,
      `${cluster} answered ${status}${message ? `: ${message}` : ''}`,
      `${status}${
        isKubernetesStatus && typeof body.reason === 'string' && body.reason
          ? ` ${body.reason}`
          : ''
      }`,
    );
  }
}
