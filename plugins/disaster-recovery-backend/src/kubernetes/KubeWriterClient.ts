import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { KubeObject } from '@backstage-dr/plugin-disaster-recovery-common';
import { KubeWriter } from '../runs/types';
import {
  ClusterReadError,
  ClusterReadErrorKind,
} from './KubernetesProxyClient';

/**
 * A request the API server (or the Kubernetes backend's proxy) refused: a {@link ClusterReadError}
 * that also carries the HTTP status and the Kubernetes `Status` reason (`NotFound`, `Conflict`,
 * `Invalid`, `Forbidden`, ...) when the answer was one.
 */
export class KubeRequestError extends ClusterReadError {
  constructor(
    kind: ClusterReadErrorKind,
    cluster: string,
    message: string,
    readonly status?: number,
    readonly reason?: string,
  ) {
    super(kind, cluster, message);
    this.name = 'KubeRequestError';
  }
}

interface KubeStatus {
  kind: 'Status';
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string };
}

interface Answer {
  status: number;
  ok: boolean;
  /** The parsed JSON body, undefined when the body is empty or not JSON. */
  body: any;
  text: string;
}

const LIST_PAGE_SIZE = 500;

function isStatus(body: unknown): body is KubeStatus {
  return (body as KubeStatus | undefined)?.kind === 'Status';
}

/**
 * Writes (and reads) Kubernetes objects through the Kubernetes backend's proxy endpoint
 * (`{kubernetes}/proxy/<path>` with the `Backstage-Kubernetes-Cluster` header), with this
 * plugin's own service credentials, as {@link KubernetesProxyClient} reads them: every cluster
 * locator and auth strategy of the Kubernetes plugin works unchanged and no cluster credential
 * is held here. The Kubernetes plugin's credentials for the cluster need the verbs the run steps
 * use (get, list, create, patch, delete on the objects they touch).
 *
 * Failures are {@link KubeRequestError}s (a `ClusterReadError`) whose message carries the API
 * server's `Status` message.
 */
export class KubeWriterClient implements KubeWriter {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      /** Per request, in milliseconds. */
      requestTimeoutMs: number;
    },
  ) {}

  async get(cluster: string, path: string): Promise<KubeObject | undefined> {
    const answer = await this.request(cluster, 'GET', path);
    if (answer.status === 404 && isStatus(answer.body)) {
      return undefined;
    }
    return this.expectObject(cluster, 'GET', path, answer);
  }

  async list(
    cluster: string,
    collectionPath: string,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(LIST_PAGE_SIZE) });
      if (labelSelector) query.set('labelSelector', labelSelector);
      if (continueToken) query.set('continue', continueToken);
      const answer = await this.request(
        cluster,
        'GET',
        `${collectionPath}?${query}`,
      );
      if (!answer.ok) {
        throw this.failure(cluster, 'LIST', collectionPath, answer);
      }
      const body = answer.body;
      if (!body || !Array.isArray(body.items)) {
        throw new KubeRequestError(
          'malformed',
          cluster,
          `LIST ${collectionPath} on ${cluster} did not answer a Kubernetes list`,
          answer.status,
        );
      }
      const apiVersion: string | undefined = body.apiVersion;
      const kind: string | undefined =
        typeof body.kind === 'string' && body.kind.endsWith('List')
          ? body.kind.slice(0, -'List'.length)
          : undefined;
      for (const item of body.items) {
        if (typeof item?.metadata?.name !== 'string') {
          throw new KubeRequestError(
            'malformed',
            cluster,
            `LIST ${collectionPath} on ${cluster} holds an object without metadata.name`,
            answer.status,
          );
        }
        items.push({ apiVersion, kind, ...item });
      }
      continueToken = body.metadata?.continue || undefined;
    } while (continueToken);
    return items;
  }

  async create(
    cluster: string,
    collectionPath: string,
    body: KubeObject,
  ): Promise<KubeObject> {
    const answer = await this.request(cluster, 'POST', collectionPath, {
      contentType: 'application/json',
      body,
    });
    if (
      answer.status === 409 &&
      isStatus(answer.body) &&
      answer.body.reason === 'AlreadyExists'
    ) {
      const path = `${collectionPath}/${encodeURIComponent(
        body.metadata.name,
      )}`;
      const existing = await this.get(cluster, path);
      if (!existing) {
        throw new KubeRequestError(
          'server-error',
          cluster,
          `POST ${collectionPath} on ${cluster} answered that ${body.metadata.name} already exists, but GET ${path} found nothing`,
          409,
          'AlreadyExists',
        );
      }
      return existing;
    }
    return this.expectObject(cluster, 'POST', collectionPath, answer);
  }

  async patch(
    cluster: string,
    path: string,
    mergePatch: unknown,
  ): Promise<KubeObject> {
    const answer = await this.request(cluster, 'PATCH', path, {
      contentType: 'application/merge-patch+json',
      body: mergePatch,
    });
    return this.expectObject(cluster, 'PATCH', path, answer);
  }

  async delete(cluster: string, path: string): Promise<void> {
    const answer = await this.request(cluster, 'DELETE', path);
    if (answer.ok || (answer.status === 404 && isStatus(answer.body))) {
      return;
    }
    throw this.failure(cluster, 'DELETE', path, answer);
  }

  private expectObject(
    cluster: string,
    method: string,
    path: string,
    answer: Answer,
  ): KubeObject {
    if (!answer.ok) {
      throw this.failure(cluster, method, path, answer);
    }
    const body = answer.body;
    if (!body || typeof body !== 'object') {
      throw new KubeRequestError(
        'malformed',
        cluster,
        `${method} ${path} on ${cluster} did not answer JSON`,
        answer.status,
      );
    }
    return body as KubeObject;
  }

  private async token(): Promise<string> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'kubernetes',
    });
    return token;
  }

  private async request(
    cluster: string,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    payload?: { contentType: string; body: unknown },
  ): Promise<Answer> {
    const base = await this.options.discovery.getBaseUrl('kubernetes');
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.token()}`,
      'Backstage-Kubernetes-Cluster': cluster,
      accept: 'application/json',
    };
    if (payload) headers['content-type'] = payload.contentType;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${base}/proxy${path}`, {
        method,
        headers,
        body: payload ? JSON.stringify(payload.body) : undefined,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new KubeRequestError(
          'timeout',
          cluster,
          `${method} ${path} on ${cluster}: no answer within ${
            this.options.requestTimeoutMs / 1000
          }s`,
        );
      }
      throw new KubeRequestError(
        'unreachable',
        cluster,
        `${cluster} could not be reached: ${
          (error as Error)?.message ?? error
        }`,
      );
    }
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: response.status, ok: response.ok, body, text };
  }

  /** The error for an answer that is not a success, with the API server's own message. */
  private failure(
    cluster: string,
    method: string,
    path: string,
    answer: Answer,
  ): KubeRequestError {
    const { status, body, text } = answer;
    const kubeStatus = isStatus(body) ? body : undefined;
    const message: string =
      kubeStatus?.message ??
      body?.error?.message ??
      (typeof body?.error === 'string' ? body.error : undefined) ??
      text.slice(0, 200);
    const what = `${method} ${path} on ${cluster} answered ${status}${
      kubeStatus?.reason ? ` ${kubeStatus.reason}` : ''
    }${message ? `: ${message}` : ''}`;
    const error = (kind: ClusterReadErrorKind, text2 = what) =>
      new KubeRequestError(kind, cluster, text2, status, kubeStatus?.reason);
    if (status === 401) return error('unauthorized');
    if (status === 403) return error('forbidden');
    if (status === 404 && !kubeStatus) {
      // The Kubernetes backend's own 404: it does not know the cluster.
      return error(
        'unknown-cluster',
        message || `cluster ${cluster} is not known to the Kubernetes backend`,
      );
    }
    if (status === 404 && !kubeStatus?.details?.name) {
      // The API server does not serve the path at all: the resource's CRD is not installed.
      return error('not-installed');
    }
    if (status >= 500 && !kubeStatus) {
      // The Kubernetes backend's proxy answers 500 with its own error when the cluster does not
      // answer at all (connection refused or closed, TLS failure).
      return error(
        'unreachable',
        `${cluster} could not be reached: ${message || `answered ${status}`}`,
      );
    }
    return error('server-error');
  }
}
