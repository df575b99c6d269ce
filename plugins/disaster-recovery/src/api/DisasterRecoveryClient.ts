import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  DrClusterOverview,
  DrHistoryPoint,
  DrOverviewHistoryResponse,
  DrOverviewResponse,
  DrServiceRecord,
} from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DisasterRecoveryApi,
  DisasterRecoveryEntityRef,
  DisasterRecoveryOverviewQuery,
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

  /** {@inheritDoc DisasterRecoveryApi.refresh} */
  async refresh(): Promise<void> {
    const response = await this.fetch('/refresh', undefined, {
      method: 'POST',
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
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
