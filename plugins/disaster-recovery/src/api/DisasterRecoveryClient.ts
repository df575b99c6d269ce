import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DrClusterLossResponse,
  DrClusterOverview,
  DrHistoryPoint,
  DrOverviewHistoryResponse,
  DrOverviewResponse,
  DrRun,
  DrRunPlan,
  DrServiceRecord,
} from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DisasterRecoveryApi,
  DisasterRecoveryEntityRef,
  DisasterRecoveryOverviewQuery,
  DisasterRecoveryRunRequest,
} from './DisasterRecoveryApi';

const PLUGIN_ID = 'disaster-recovery';

/**
 * The {@link DisasterRecoveryApi} over HTTP: finds the backend with the `discoveryApi` and calls
 * it with the `fetchApi`, which adds the user's credentials.
 *
 * @public
 */
export class DisasterRecoveryClient implements DisasterRecoveryApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  /** {@inheritDoc DisasterRecoveryApi.getStatus} */
  async getStatus(
    entityRef: DisasterRecoveryEntityRef,
  ): Promise<DrServiceRecord | undefined> {
    const response = await this.fetch(`${entityPath(entityRef)}/status`);
    if (response.status === 404) {
      return undefined;
    }
    return this.json(response);
  }

  /** {@inheritDoc DisasterRecoveryApi.getHistory} */
  async getHistory(
    entityRef: DisasterRecoveryEntityRef,
    options: { from?: Date | string; to?: Date | string } = {},
  ): Promise<{ items: DrHistoryPoint[] }> {
    const params = new URLSearchParams();
    if (options.from !== undefined) {
      params.set('from', toTime(options.from));
    }
    if (options.to !== undefined) {
      params.set('to', toTime(options.to));
    }
    return this.json(
      await this.fetch(`${entityPath(entityRef)}/history`, params),
    );
  }

  /** {@inheritDoc DisasterRecoveryApi.getOverview} */
  async getOverview(
    query: DisasterRecoveryOverviewQuery = {},
  ): Promise<DrOverviewResponse> {
    return this.json(await this.fetch('/overview', overviewParams(query)));
  }

  /** {@inheritDoc DisasterRecoveryApi.exportOverviewCsv} */
  async exportOverviewCsv(
    query: DisasterRecoveryOverviewQuery = {},
  ): Promise<string> {
    const { offset: _offset, limit: _limit, ...filters } = query;
    const params = overviewParams(filters);
    params.set('format', 'csv');
    const response = await this.fetch('/overview', params);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.text();
  }

  /** {@inheritDoc DisasterRecoveryApi.getOverviewHistory} */
  async getOverviewHistory(
    options: { days?: number } = {},
  ): Promise<DrOverviewHistoryResponse> {
    const params = new URLSearchParams();
    if (options.days !== undefined) {
      params.set('days', String(options.days));
    }
    return this.json(await this.fetch('/overview/history', params));
  }

  /** {@inheritDoc DisasterRecoveryApi.getClusters} */
  async getClusters(): Promise<{ items: DrClusterOverview[] }> {
    return this.json(await this.fetch('/clusters'));
  }

  /** {@inheritDoc DisasterRecoveryApi.getClusterLoss} */
  async getClusterLoss(cluster: string): Promise<DrClusterLossResponse> {
    return this.json(
      await this.fetch(
        '/overview/cluster-loss',
        new URLSearchParams({ cluster }),
      ),
    );
  }

  /** {@inheritDoc DisasterRecoveryApi.exportClusterLossCsv} */
  async exportClusterLossCsv(cluster: string): Promise<string> {
    const response = await this.fetch(
      '/overview/cluster-loss',
      new URLSearchParams({ cluster, format: 'csv' }),
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.text();
  }

  /** {@inheritDoc DisasterRecoveryApi.refresh} */
  async refresh(): Promise<void> {
    const response = await this.fetch('/refresh', undefined, {
      method: 'POST',
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
  }

  /** {@inheritDoc DisasterRecoveryApi.createRun} */
  async createRun(request: DisasterRecoveryRunRequest): Promise<DrRun> {
    return this.json(await this.post('/runs', { ...request, dryRun: false }));
  }

  /** {@inheritDoc DisasterRecoveryApi.planRun} */
  async planRun(request: DisasterRecoveryRunRequest): Promise<DrRunPlan> {
    return this.json(await this.post('/runs', { ...request, dryRun: true }));
  }

  /** {@inheritDoc DisasterRecoveryApi.getRun} */
  async getRun(id: string): Promise<DrRun> {
    return this.json(await this.fetch(`/runs/${encodeURIComponent(id)}`));
  }

  /** {@inheritDoc DisasterRecoveryApi.listRuns} */
  async listRuns(
    entityRef: DisasterRecoveryEntityRef,
  ): Promise<{ items: DrRun[] }> {
    const params = new URLSearchParams({
      entityRef: stringifyEntityRef(parseEntityRef(entityRef)),
    });
    return this.json(await this.fetch('/runs', params));
  }

  /** {@inheritDoc DisasterRecoveryApi.confirmRun} */
  async confirmRun(id: string): Promise<DrRun> {
    return this.runAction(id, 'confirm');
  }

  /** {@inheritDoc DisasterRecoveryApi.cancelRun} */
  async cancelRun(id: string): Promise<DrRun> {
    return this.runAction(id, 'cancel');
  }

  // Confirm and cancel answer the run; an empty answer (202, 204) is read back with GET.
  private async runAction(
    id: string,
    action: 'confirm' | 'cancel',
  ): Promise<DrRun> {
    const response = await this.post(
      `/runs/${encodeURIComponent(id)}/${action}`,
      {},
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const text = await response.text();
    return text.trim() ? (JSON.parse(text) as DrRun) : this.getRun(id);
  }

  private post(path: string, body: unknown): Promise<Response> {
    return this.fetch(path, undefined, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async fetch(
    path: string,
    params?: URLSearchParams,
    init?: RequestInit,
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const query = params?.toString();
    return this.fetchApi.fetch(
      `${baseUrl}${path}${query ? `?${query}` : ''}`,
      init,
    );
  }

  private async json<T>(response: Response): Promise<T> {
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

function overviewParams(query: DisasterRecoveryOverviewQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== '') {
        params.append(key, String(v));
      }
    }
  }
  return params;
}

function entityPath(entityRef: DisasterRecoveryEntityRef): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entities/${[kind, namespace, name]
    .map(part => encodeURIComponent(part))
    .join('/')}`;
}

function toTime(value: Date | string): string {
  return typeof value === 'string' ? value : value.toISOString();
}
