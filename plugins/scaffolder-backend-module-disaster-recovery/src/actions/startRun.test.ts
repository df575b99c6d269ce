import os from 'node:os';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  DrRun,
  DrRunPlan,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { inputSchemaErrors } from '../__testUtils__/examples';
import { createStartRunAction, drRunUrl } from './startRun';

const DR = 'http://backstage.test/api/disaster-recovery';
const APP = 'http://localhost:3000';

const server = setupServer();
registerMswTestHooks(server);

type Call = { authorization: string | null; body: any };

/** The DR backend's `POST /runs`, answering with `status` and `answer`; records each call. */
function runsApi(status: number, answer: unknown | ((body: any) => unknown)) {
  const calls: Call[] = [];
  server.use(
    http.post(`${DR}/runs`, async ({ request }) => {
      const body = await request.json();
      calls.push({ authorization: request.headers.get('authorization'), body });
      return HttpResponse.json(
        typeof answer === 'function' ? answer(body) : answer,
        { status },
      );
    }),
  );
  return calls;
}

/** A Backstage error body, as the backend's error handler writes it. */
const errorBody = (name: string, message: string, statusCode: number) => ({
  error: { name, message },
  request: { method: 'POST', url: '/api/disaster-recovery/runs' },
  response: { statusCode },
});

const run = (body: any): DrRun => ({
  id: 'run-42',
  type: body.type,
  entityRef: body.entityRef,
  state: 'pending',
  strategy: 'pilot-light',
  fromCluster: 'prod-eu',
  toCluster: 'dr-us',
  options: {},
  createdBy: 'user:default/mock',
  createdAt: '2025-01-01T00:00:00Z',
  steps: [],
});

const plan = (body: any): DrRunPlan => ({
  type: body.type,
  entityRef: body.entityRef,
  strategy: 'backup-restore',
  fromCluster: 'prod-eu',
  toCluster: 'dr-us',
  dataLossWindowSeconds: 5400,
  needsAcceptDataLoss: true,
  steps: [
    { name: 'preflight', objects: [] },
    {
      name: 'promote',
      objects: [
        {
          cluster: 'dr-us',
          apiVersion: 'velero.io/v1',
          kind: 'Restore',
          namespace: 'velero',
          name: 'dr-run-orders-db',
          action: 'create',
          body: { spec: { backupName: 'orders-db-20250101' } },
        },
      ],
    },
  ],
  warnings: ['the newest backup is older than the RPO (1h)'],
});

function action(config: object = { app: { baseUrl: APP } }) {
  return createStartRunAction({
    discovery: {
      getBaseUrl: async () => DR,
      getExternalBaseUrl: async () => DR,
    },
    auth: mockServices.auth(),
    config: new ConfigReader(config),
  });
}

async function start(
  input: Record<string, unknown>,
  options: {
    isDryRun?: boolean;
    credentials?: BackstageCredentials;
    config?: object;
  } = {},
) {
  const ctx = mockActionContext({
    input,
    workspacePath: os.tmpdir(),
    isDryRun: options.isDryRun,
    credentials: options.credentials,
  });
  await action(options.config).handler(ctx);
  return ctx;
}

/** The token the DR backend receives: issued for the DR plugin on behalf of the user. */
const userToken = (userEntityRef = 'user:default/mock') =>
  `Bearer ${mockCredentials.service.token({
    onBehalfOf: mockCredentials.user(userEntityRef),
    targetPluginId: 'disaster-recovery',
  })}`;

describe('disaster-recovery:run:start', () => {
  it("starts a drill with the user's token and outputs the run and its link on the DR tab", async () => {
    const calls = runsApi(201, run);
    const ctx = await start(
      {
        entityRef: 'component:default/orders-db',
        type: 'drill',
        keepNamespace: true,
      },
      { credentials: mockCredentials.user('user:default/jane') },
    );
    expect(calls).toEqual([
      {
        authorization: userToken('user:default/jane'),
        body: {
          type: 'drill',
          entityRef: 'component:default/orders-db',
          keepNamespace: true,
        },
      },
    ]);
    expect(calls[0].authorization).toContain('"obo":"user:default/jane"');
    expect(ctx.outputs).toEqual({
      runId: 'run-42',
      state: 'pending',
      runUrl: `${APP}/catalog/default/component/orders-db/disaster-recovery?run=run-42`,
    });
  });

  it('sends the failover options and a normalised entity ref', async () => {
    const calls = runsApi(201, run);
    const ctx = await start({
      entityRef: 'Component:Shop/orders-db',
      type: 'failover',
      acceptDataLoss: true,
      primaryUnreachable: false,
      confirmEntityName: 'orders-db',
    });
    expect(calls.map(c => c.body)).toEqual([
      {
        type: 'failover',
        entityRef: 'component:shop/orders-db',
        acceptDataLoss: true,
        primaryUnreachable: false,
      },
    ]);
    expect(ctx.outputs.runUrl).toBe(
      `${APP}/catalog/shop/component/orders-db/disaster-recovery?run=run-42`,
    );
  });

  it('takes a short ref as a component of the default namespace', async () => {
    const calls = runsApi(201, run);
    await start({ entityRef: 'orders-db', type: 'failback' });
    expect(calls[0].body).toEqual({
      type: 'failback',
      entityRef: 'component:default/orders-db',
    });
  });

  it('dryRun: outputs the plan (200) and logs it, with no run', async () => {
    const calls = runsApi(200, plan);
    const ctx = await start({
      entityRef: 'component:default/orders-db',
      type: 'failover',
      dryRun: true,
    });
    expect(calls.map(c => c.body)).toEqual([
      {
        type: 'failover',
        entityRef: 'component:default/orders-db',
        dryRun: true,
      },
    ]);
    expect(ctx.outputs).toEqual({
      plan: plan(calls[0].body),
      runUrl: `${APP}/catalog/default/component/orders-db/disaster-recovery`,
    });
    const info = (ctx.logger.info as jest.Mock).mock.calls.flat().join('\n');
    expect(info).toContain(
      'Plan (nothing was changed): failover of component:default/orders-db (backup-restore) from prod-eu to dr-us; data-loss window now 5400s, needs acceptDataLoss',
    );
    expect(info).toContain(
      'promote: create Restore velero/dr-run-orders-db on dr-us',
    );
    expect((ctx.logger.warn as jest.Mock).mock.calls.flat()).toEqual([
      '  warning: the newest backup is older than the RPO (1h)',
    ]);
  });

  it("the scaffolder's dry run asks for the plan only, whatever the input says", async () => {
    const calls = runsApi(200, plan);
    const ctx = await start(
      {
        entityRef: 'component:default/orders-db',
        type: 'failover',
        acceptDataLoss: true,
        dryRun: false,
      },
      { isDryRun: true },
    );
    expect(calls.map(c => c.body)).toEqual([
      {
        type: 'failover',
        entityRef: 'component:default/orders-db',
        acceptDataLoss: true,
        dryRun: true,
      },
    ]);
    expect(ctx.outputs.runId).toBeUndefined();
    expect(ctx.outputs.plan).toMatchObject({ needsAcceptDataLoss: true });
  });

  it.each([
    [
      403,
      'NotAllowedError',
      'You may not start a failover of component:default/orders-db',
    ],
    [
      409,
      'ConflictError',
      'component:default/orders-db already has an active run (run-7, drill, running)',
    ],
    [
      400,
      'InputError',
      'acceptDataLoss: the newest recovery point is 1h30m old, above the RPO of 1h',
    ],
    [401, 'AuthenticationError', 'Illegal token'],
    [
      503,
      'ServiceUnavailableError',
      'the recovery cluster dr-us is unreachable',
    ],
  ])(
    '%s: fails with the backend message as a %s (prefixed when it does not name the entity)',
    async (status, name, message) => {
      runsApi(status, errorBody(name, message, status));
      const failure = start({
        entityRef: 'component:default/orders-db',
        type: 'failover',
      });
      await expect(failure).rejects.toMatchObject({
        name,
        message: message.includes('component:default/orders-db')
          ? message
          : `Could not start a failover of component:default/orders-db: ${message}`,
      });
    },
  );

  it('says what the backend answered when the body is not a Backstage error', async () => {
    server.use(
      http.post(
        `${DR}/runs`,
        () => new HttpResponse('upstream broke', { status: 500 }),
      ),
    );
    await expect(
      start({ entityRef: 'component:default/orders-db', type: 'drill' }),
    ).rejects.toThrow(
      /Could not start a DR drill of component:default\/orders-db: .*500.*\(the disaster-recovery backend answered 500\)/,
    );
  });

  it('fails clearly when the backend cannot be reached', async () => {
    server.use(http.post(`${DR}/runs`, () => HttpResponse.error()));
    await expect(
      start({ entityRef: 'component:default/orders-db', type: 'drill' }),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining(
        `the disaster-recovery backend (${DR}/runs) did not answer`,
      ),
    });
  });

  it.each([
    ['a service', mockCredentials.service('plugin:catalog')],
    ['nobody', mockCredentials.none()],
  ])(
    'refuses a task started by %s (no user token), before any request',
    async (_, credentials) => {
      const calls = runsApi(201, run);
      await expect(
        start(
          { entityRef: 'component:default/orders-db', type: 'failover' },
          { credentials },
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringMatching(
          /on behalf of the user who runs the template.*without a user token/,
        ),
      });
      expect(calls).toEqual([]);
    },
  );

  it.each(['component:default/', 'a:b:c/d/e', ':default/x'])(
    'refuses the entity ref %j, before any request',
    async entityRef => {
      const calls = runsApi(201, run);
      await expect(start({ entityRef, type: 'drill' })).rejects.toMatchObject({
        name: 'InputError',
        message: expect.stringContaining(
          `entityRef: "${entityRef}" is not an entity reference`,
        ),
      });
      expect(calls).toEqual([]);
    },
  );

  it('refuses an unknown type, in the schema and in the handler', async () => {
    const calls = runsApi(201, run);
    expect(
      inputSchemaErrors(action(), {
        entityRef: 'component:default/orders-db',
        type: 'restore',
      }),
    ).toEqual([expect.stringMatching(/^\/type must be equal to one of/)]);
    await expect(
      start({ entityRef: 'component:default/orders-db', type: 'restore' }),
    ).rejects.toThrow(
      'type: "restore" is not a run type; use one of drill, failover, failback',
    );
    expect(calls).toEqual([]);
  });

  it('refuses a confirmation that is not the entity name, before any request', async () => {
    const calls = runsApi(201, run);
    await expect(
      start({
        entityRef: 'component:default/orders-db',
        type: 'failover',
        confirmEntityName: 'orders',
      }),
    ).rejects.toThrow(
      'confirmEntityName: "orders" is not the entity\'s name; type orders-db to confirm a failover of component:default/orders-db. Nothing was started.',
    );
    expect(calls).toEqual([]);
  });

  it('a recovered task reuses the run it started (checkpoint) instead of starting another', async () => {
    const calls = runsApi(201, run);
    const ctx = mockActionContext({
      input: { entityRef: 'component:default/orders-db', type: 'failover' },
      workspacePath: os.tmpdir(),
    });
    const checkpoint = jest.fn(async () => ({ id: 'run-1', state: 'running' }));
    ctx.checkpoint = checkpoint as any;
    await action().handler(ctx);
    expect(calls).toEqual([]);
    expect(checkpoint).toHaveBeenCalledWith(
      expect.objectContaining({
        key: 'run-start.failover.component:default/orders-db',
      }),
    );
    expect(ctx.outputs).toEqual({
      runId: 'run-1',
      state: 'running',
      runUrl: `${APP}/catalog/default/component/orders-db/disaster-recovery?run=run-1`,
    });
  });

  it('links relative to the app when app.baseUrl is not configured', async () => {
    runsApi(201, run);
    const ctx = await start(
      { entityRef: 'component:default/orders-db', type: 'drill' },
      { config: {} },
    );
    expect(ctx.outputs.runUrl).toBe(
      '/catalog/default/component/orders-db/disaster-recovery?run=run-42',
    );
  });

  it('builds links as the catalog routes entities', () => {
    expect(
      drRunUrl(
        'https://backstage.example.com/',
        { kind: 'Component', namespace: 'Payments', name: 'ledger db' },
        'a/b',
      ),
    ).toBe(
      'https://backstage.example.com/catalog/payments/component/ledger%20db/disaster-recovery?run=a%2Fb',
    );
  });
});
