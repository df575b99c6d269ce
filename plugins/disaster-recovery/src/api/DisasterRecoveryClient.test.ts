import { ResponseError } from '@backstage/errors';
import { DisasterRecoveryClient } from './DisasterRecoveryClient';

const BASE = 'http://localhost:7007/api/disaster-recovery';

function setup(...responses: Response[]) {
  const fetch = jest.fn<Promise<Response>, [string, RequestInit?]>();
  const fetchApi = { fetch: fetch as unknown as typeof globalThis.fetch };
  for (const response of responses) {
    fetch.mockResolvedValueOnce(response);
  }
  const getBaseUrl = jest.fn(async (_pluginId: string) => BASE);
  const client = new DisasterRecoveryClient({
    discoveryApi: { getBaseUrl },
    fetchApi,
  });
  return { client, fetch, getBaseUrl };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

const backstageError = (status: number, name: string, message: string) =>
  json({ error: { name, message }, response: { statusCode: status } }, status);

describe('DisasterRecoveryClient', () => {
  it('asks discovery for the disaster-recovery backend', async () => {
    const { client, getBaseUrl } = setup(json({ items: [] }));
    await client.getClusters();
    expect(getBaseUrl).toHaveBeenCalledWith('disaster-recovery');
  });

  describe('getStatus', () => {
    it('gets the status of an entity ref string', async () => {
      const record = { entityRef: 'component:default/payments-api' };
      const { client, fetch } = setup(json(record));
      await expect(
        client.getStatus('component:default/payments-api'),
      ).resolves.toEqual(record);
      expect(fetch).toHaveBeenCalledWith(
        `${BASE}/entities/component/default/payments-api/status`,
        undefined,
      );
    });

    it('takes a compound ref, fills the default namespace and encodes the parts', async () => {
      const { client, fetch } = setup(json({}), json({}));
      await client.getStatus({
        kind: 'Component',
        namespace: 'team a',
        name: 'x/y',
      });
      await client.getStatus('component:payments-api');
      expect(fetch.mock.calls[0][0]).toBe(
        `${BASE}/entities/Component/team%20a/x%2Fy/status`,
      );
      expect(fetch.mock.calls[1][0]).toBe(
        `${BASE}/entities/component/default/payments-api/status`,
      );
    });

    it('answers undefined for a 404: not judged yet', async () => {
      const { client } = setup(
        backstageError(404, 'NotFoundError', 'No DR status yet'),
      );
      await expect(
        client.getStatus('component:default/payments-api'),
      ).resolves.toBeUndefined();
    });

    it('throws a ResponseError for other failures', async () => {
      const { client } = setup(
        backstageError(500, 'Error', 'database is locked'),
      );
      const error = await client
        .getStatus('component:default/payments-api')
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(500);
      expect(error.cause.message).toBe('database is locked');
    });
  });

  describe('getHistory', () => {
    it('sends from and to as RFC 3339', async () => {
      const items = [
        {
          time: '2026-11-23T10:00:00.000Z',
          resolution: 'refresh',
          verdict: 'compliant',
          achievedRpoSeconds: 600,
        },
      ];
      const { client, fetch } = setup(json({ items }));
      await expect(
        client.getHistory('component:default/payments-api', {
          from: new Date('2026-11-01T00:00:00Z'),
          to: '2026-11-23T12:00:00+01:00',
        }),
      ).resolves.toEqual({ items });
      const url = new URL(fetch.mock.calls[0][0]);
      expect(url.pathname).toBe(
        '/api/disaster-recovery/entities/component/default/payments-api/history',
      );
      expect(url.searchParams.get('from')).toBe('2026-11-01T00:00:00.000Z');
      expect(url.searchParams.get('to')).toBe('2026-11-23T12:00:00+01:00');
    });

    it('sends no query without a range', async () => {
      const { client, fetch } = setup(json({ items: [] }));
      await client.getHistory('component:default/payments-api');
      expect(fetch.mock.calls[0][0]).toBe(
        `${BASE}/entities/component/default/payments-api/history`,
      );
    });

    it('throws a ResponseError with the backend message for a 400', async () => {
      const { client } = setup(
        backstageError(400, 'InputError', 'from: must not be after to'),
      );
      const error = await client
        .getHistory('component:default/payments-api', {
          from: '2026-11-02T00:00:00Z',
          to: '2026-11-01T00:00:00Z',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(400);
      expect(error.cause.name).toBe('InputError');
      expect(error.cause.message).toBe('from: must not be after to');
    });

    it('does not treat a 404 of the history as empty', async () => {
      const { client } = setup(backstageError(404, 'NotFoundError', 'No'));
      await expect(
        client.getHistory('component:default/payments-api'),
      ).rejects.toBeInstanceOf(ResponseError);
    });
  });

  describe('getOverview', () => {
    it('repeats multi-valued filters and skips unset ones', async () => {
      const response = {
        items: [],
        totalCount: 0,
        counts: { verdict: {}, tier: {} },
      };
      const { client, fetch } = setup(json(response));
      await expect(
        client.getOverview({
          verdict: ['breached', 'at-risk'],
          tier: 'tier-1',
          owner: undefined,
          q: '',
          sort: 'achievedRpo:desc',
          offset: 50,
          limit: 25,
        }),
      ).resolves.toEqual(response);
      const url = new URL(fetch.mock.calls[0][0]);
      expect(url.pathname).toBe('/api/disaster-recovery/overview');
      expect(url.searchParams.getAll('verdict')).toEqual([
        'breached',
        'at-risk',
      ]);
      expect(url.searchParams.getAll('tier')).toEqual(['tier-1']);
      expect(url.searchParams.get('sort')).toBe('achievedRpo:desc');
      expect(url.searchParams.get('offset')).toBe('50');
      expect(url.searchParams.get('limit')).toBe('25');
      expect(url.searchParams.has('owner')).toBe(false);
      expect(url.searchParams.has('q')).toBe(false);
    });

    it('calls /overview without a query string when there are no filters', async () => {
      const { client, fetch } = setup(
        json({ items: [], totalCount: 0, counts: { verdict: {}, tier: {} } }),
      );
      await client.getOverview();
      expect(fetch.mock.calls[0][0]).toBe(`${BASE}/overview`);
    });
  });

  describe('exportOverviewCsv', () => {
    it('asks for every matching row as CSV: the filters and sort, no paging', async () => {
      const csv = 'entity_ref,name\r\ncomponent:default/a,a\r\n';
      const { client, fetch } = setup(
        new Response(csv, { headers: { 'Content-Type': 'text/csv' } }),
      );
      await expect(
        client.exportOverviewCsv({
          verdict: ['breached'],
          owner: ['group:default/a', 'user:default/b'],
          sort: 'name',
          offset: 100,
          limit: 50,
        }),
      ).resolves.toBe(csv);
      const url = new URL(fetch.mock.calls[0][0]);
      expect(url.pathname).toBe('/api/disaster-recovery/overview');
      expect(url.searchParams.get('format')).toBe('csv');
      expect(url.searchParams.getAll('owner')).toEqual([
        'group:default/a',
        'user:default/b',
      ]);
      expect(url.searchParams.get('sort')).toBe('name');
      expect(url.searchParams.has('offset')).toBe(false);
      expect(url.searchParams.has('limit')).toBe(false);
    });

    it('throws a ResponseError when the backend refuses', async () => {
      const { client } = setup(
        backstageError(400, 'InputError', 'verdict: invalid option'),
      );
      const error = await client.exportOverviewCsv().catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.cause.message).toBe('verdict: invalid option');
    });
  });

  describe('getOverviewHistory', () => {
    it('sends the number of days', async () => {
      const body = {
        days: [{ date: '2026-11-25', counts: { compliant: 3 }, total: 3 }],
      };
      const { client, fetch } = setup(json(body), json(body));
      await expect(client.getOverviewHistory({ days: 7 })).resolves.toEqual(
        body,
      );
      await client.getOverviewHistory();
      expect(fetch.mock.calls[0][0]).toBe(`${BASE}/overview/history?days=7`);
      expect(fetch.mock.calls[1][0]).toBe(`${BASE}/overview/history`);
    });
  });

  describe('getClusterLoss', () => {
    it('asks for the cluster, encoded, and throws the 400 naming the known clusters', async () => {
      const body = { cluster: 'prod eu', groups: [], summary: 'x' };
      const { client, fetch } = setup(
        json(body),
        backstageError(
          400,
          'InputError',
          "cluster: 'nope' is not a known cluster; use one of dr-us, prod-eu",
        ),
      );
      await expect(client.getClusterLoss('prod eu')).resolves.toEqual(body);
      expect(fetch.mock.calls[0][0]).toBe(
        `${BASE}/overview/cluster-loss?cluster=prod+eu`,
      );
      await expect(client.getClusterLoss('nope')).rejects.toMatchObject({
        statusCode: 400,
        body: {
          error: {
            message: expect.stringContaining('use one of dr-us, prod-eu'),
          },
        },
      });
    });

    it('exports the CSV of the same view', async () => {
      const { client, fetch } = setup(
        new Response('"owner"\r\n', {
          headers: { 'Content-Type': 'text/csv' },
        }),
      );
      await expect(client.exportClusterLossCsv('prod-eu')).resolves.toBe(
        '"owner"\r\n',
      );
      expect(fetch.mock.calls[0][0]).toBe(
        `${BASE}/overview/cluster-loss?cluster=prod-eu&format=csv`,
      );
    });
  });

  describe('getClusters', () => {
    it('gets the cluster health', async () => {
      const items = [
        {
          cluster: 'prod-eu',
          reachable: false,
          providers: [],
          errors: [],
          checkedAt: '2026-11-23T10:00:00Z',
        },
      ];
      const { client, fetch } = setup(json({ items }));
      await expect(client.getClusters()).resolves.toEqual({ items });
      expect(fetch.mock.calls[0][0]).toBe(`${BASE}/clusters`);
    });

    it('throws a ResponseError on failure', async () => {
      const { client } = setup(
        new Response('Bad gateway', { status: 502, statusText: 'Bad Gateway' }),
      );
      const error = await client.getClusters().catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(502);
    });
  });

  describe('refresh', () => {
    it('posts to /refresh', async () => {
      const { client, fetch } = setup(json({ accepted: true }, 202));
      await expect(client.refresh()).resolves.toBeUndefined();
      expect(fetch).toHaveBeenCalledWith(`${BASE}/refresh`, {
        method: 'POST',
      });
    });

    it('throws a ResponseError when refreshing is not allowed', async () => {
      const { client } = setup(
        backstageError(
          403,
          'NotAllowedError',
          'You may not refresh the DR status',
        ),
      );
      const error = await client.refresh().catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(403);
      expect(error.cause.name).toBe('NotAllowedError');
      expect(error.cause.message).toBe('You may not refresh the DR status');
    });
  });

  describe('runs', () => {
    const run = { id: 'run-42', type: 'failover', state: 'pending' };
    const request = {
      type: 'failover' as const,
      entityRef: 'component:default/payments-api',
      acceptDataLoss: true,
    };

    it('starts a run: POST /runs with the request as JSON', async () => {
      const { client, fetch } = setup(json(run, 201));
      await expect(client.createRun(request)).resolves.toEqual(run);
      const [url, init] = fetch.mock.calls[0];
      expect(url).toBe(`${BASE}/runs`);
      expect(init?.method).toBe('POST');
      expect(new Headers(init?.headers).get('Content-Type')).toBe(
        'application/json',
      );
      expect(JSON.parse(init?.body as string)).toEqual({
        ...request,
        dryRun: false,
      });
    });

    it('plans a run: POST /runs with dryRun', async () => {
      const plan = { type: 'failover', steps: [], warnings: [] };
      const { client, fetch } = setup(json(plan));
      await expect(client.planRun(request)).resolves.toEqual(plan);
      expect(JSON.parse(fetch.mock.calls[0][1]?.body as string)).toEqual({
        ...request,
        dryRun: true,
      });
    });

    it('surfaces the 409 of an entity that has an active run', async () => {
      const { client } = setup(
        backstageError(
          409,
          'ConflictError',
          'component:default/payments-api has an active run run-41',
        ),
      );
      const error = await client.createRun(request).catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(409);
      expect(error.cause.message).toBe(
        'component:default/payments-api has an active run run-41',
      );
    });

    it('surfaces the 403 of a user who may not start it', async () => {
      const { client } = setup(
        backstageError(403, 'NotAllowedError', 'Not allowed'),
      );
      const error = await client.planRun(request).catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(403);
    });

    it('gets one run, encoding its id', async () => {
      const { client, fetch } = setup(json(run));
      await expect(client.getRun('run/42')).resolves.toEqual(run);
      expect(fetch.mock.calls[0][0]).toBe(`${BASE}/runs/run%2F42`);
    });

    it('lists the runs of an entity, normalizing its ref', async () => {
      const { client, fetch } = setup(
        json({ items: [run] }),
        json({ items: [] }),
      );
      await expect(
        client.listRuns('component:default/payments-api'),
      ).resolves.toEqual({ items: [run] });
      await client.listRuns({
        kind: 'Component',
        namespace: 'default',
        name: 'payments-api',
      });
      for (const [url] of fetch.mock.calls) {
        const parsed = new URL(url);
        expect(parsed.pathname).toBe('/api/disaster-recovery/runs');
        expect(parsed.searchParams.get('entityRef')).toBe(
          'component:default/payments-api',
        );
      }
    });

    it('confirms the traffic gate and answers the run', async () => {
      const confirmed = { ...run, state: 'completed' };
      const { client, fetch } = setup(json(confirmed));
      await expect(client.confirmRun('run-42')).resolves.toEqual(confirmed);
      expect(fetch.mock.calls[0][0]).toBe(`${BASE}/runs/run-42/confirm`);
      expect(fetch.mock.calls[0][1]?.method).toBe('POST');
    });

    it('reads the run back when cancel answers without a body', async () => {
      const cancelling = { ...run, state: 'cancelling' };
      const { client, fetch } = setup(
        new Response(null, { status: 204 }),
        json(cancelling),
      );
      await expect(client.cancelRun('run-42')).resolves.toEqual(cancelling);
      expect(fetch.mock.calls.map(c => c[0])).toEqual([
        `${BASE}/runs/run-42/cancel`,
        `${BASE}/runs/run-42`,
      ]);
    });

    it('surfaces the 409 of a cancel after promote', async () => {
      const { client } = setup(
        backstageError(
          409,
          'ConflictError',
          'run-42 has promoted: it can no longer be cancelled; fail back instead',
        ),
      );
      const error = await client.cancelRun('run-42').catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(409);
      expect(error.cause.message).toMatch(/can no longer be cancelled/);
    });
  });
});
