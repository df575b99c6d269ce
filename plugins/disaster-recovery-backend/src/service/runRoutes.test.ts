import {
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DrRun,
  DrRunState,
  DrRunStepName,
} from '@backstage-dr/plugin-disaster-recovery-common';
import request from 'supertest';
import { disasterRecoveryPlugin as plugin } from '..';
import { drRunStepsServiceRef } from '../runs/runStepsServiceRef';
import {
  FakeKube,
  StepBehaviour,
  StepCall,
  deferred,
  drEntity,
  eventually,
  testSteps,
} from '../runs/__testUtils__/runTestKit';

// The runs API through HTTP: the plugin in a test backend with test steps and an in-memory
// cluster (the real steps are tested in ../runs/steps), a mocked catalog and a permission policy
// the tests set per permission and entity.

const ORDERS = 'component:default/orders-db';
const BILLING = 'component:default/billing-db';
const entities = [
  drEntity('orders-db'),
  drEntity('billing-db'),
  {
    ...drEntity('docs-site'),
    metadata: { name: 'docs-site', namespace: 'default' },
  },
];

let decide: (permission: string, resourceRef?: string) => AuthorizeResult;
let authorized: Array<{ permission: string; resourceRef?: string }>;
let behaviours: Partial<Record<DrRunStepName, StepBehaviour>>;
let calls: StepCall[];
let kube: FakeKube;

const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: (): PermissionsService => ({
    async authorize(requests) {
      return requests.map(r => {
        const resourceRef = (r as { resourceRef?: string }).resourceRef;
        authorized.push({ permission: r.permission.name, resourceRef });
        return { result: decide(r.permission.name, resourceRef) } as never;
      });
    },
    async authorizeConditional(requests) {
      return requests.map(
        r => ({ result: decide(r.permission.name) } as never),
      );
    },
  }),
});

async function startBackend() {
  const auditor = mockServices.auditor.mock();
  const backend = await startTestBackend({
    features: [
      plugin,
      catalogServiceMock.factory({ entities }),
      permissionsFactory,
      auditor.factory,
      createServiceFactory({
        service: drRunStepsServiceRef,
        deps: {},
        factory: () => ({ steps: testSteps({ behaviours, calls }), kube }),
      }),
      mockServices.rootConfig.factory({
        data: {
          disasterRecovery: {
            refresh: {
              schedule: {
                frequency: { hours: 24 },
                timeout: { minutes: 1 },
                initialDelay: { hours: 1 },
              },
            },
            runs: { pollIntervalMs: 20, leaseSeconds: 5 },
          },
        },
      }),
    ],
  });
  return Object.assign(backend, { auditor });
}

type Backend = Awaited<ReturnType<typeof startBackend>>;

async function until(
  server: Backend['server'],
  id: string,
  states: DrRunState[],
): Promise<DrRun> {
  return eventually(
    async () => {
      const res = await request(server).get(
        `/api/disaster-recovery/runs/${id}`,
      );
      return states.includes(res.body.state) ? (res.body as DrRun) : undefined;
    },
    10_000,
    `run ${id} to be ${states.join(' or ')}`,
  );
}

describe('runs API', () => {
  jest.setTimeout(30_000);
  let backend: Backend;

  beforeEach(async () => {
    decide = () => AuthorizeResult.ALLOW;
    authorized = [];
    behaviours = {};
    calls = [];
    kube = new FakeKube();
    backend = await startBackend();
  });

  afterEach(async () => {
    await backend.stop();
  });

  const post = (path: string, body: object = {}) =>
    request(backend.server).post(`/api/disaster-recovery${path}`).send(body);
  const get = (path: string) =>
    request(backend.server).get(`/api/disaster-recovery${path}`);

  it('starts a drill, runs it to the end and lists it, auditing the request and every step', async () => {
    const created = await post('/runs', {
      type: 'drill',
      entityRef: 'Component:default/orders-db',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^[a-z0-9]{12}$/),
      type: 'drill',
      entityRef: ORDERS,
      state: 'pending',
      strategy: 'backup-restore',
      fromCluster: 'prod-eu',
      toCluster: 'dr-us',
      options: {},
      dataLossWindowSeconds: null,
      createdBy: 'user:default/mock',
      steps: [
        { name: 'preflight', state: 'pending', objects: [], log: [] },
        { name: 'promote', state: 'pending', objects: [], log: [] },
        { name: 'scale-up-and-verify', state: 'pending', objects: [], log: [] },
        { name: 'cleanup', state: 'pending', objects: [], log: [] },
      ],
    });
    const { id } = created.body;
    expect(created.body.drillNamespace).toBe(`dr-drill-orders-db-${id}`);

    const done = await until(backend.server, id, ['completed']);
    expect(done.measuredRtoSeconds).toBeGreaterThanOrEqual(0);
    expect(done.verifiedAt).toBeDefined();
    expect(done.steps.every(s => s.state === 'completed')).toBe(true);
    expect(kube.writes).toEqual([
      {
        method: 'POST',
        cluster: 'dr-us',
        path: '/apis/velero.io/v1/namespaces/velero/restores',
      },
    ]);

    const list = await get(`/runs?entityRef=${encodeURIComponent(ORDERS)}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: DrRun) => [r.id, r.state])).toEqual([
      [id, 'completed'],
    ]);
    expect(authorized).toContainEqual({
      permission: 'disaster-recovery.drill.create',
      resourceRef: ORDERS,
    });
    expect(authorized).toContainEqual({
      permission: 'disaster-recovery.run.read',
      resourceRef: ORDERS,
    });

    const events = backend.auditor.createEvent.mock.calls.map(([e]) => e);
    expect(events).toContainEqual(
      expect.objectContaining({
        eventId: 'run-create',
        meta: { entityRef: ORDERS, type: 'drill', dryRun: false },
      }),
    );
    expect(
      events.filter(e => e.eventId === 'run-step').map(e => e.meta?.step),
    ).toEqual(['preflight', 'promote', 'scale-up-and-verify', 'cleanup']);
    expect(events).toContainEqual(
      expect.objectContaining({
        eventId: 'run-end',
        meta: expect.objectContaining({ runId: id, state: 'completed' }),
      }),
    );
  });

  it('answers a dry run with the plan, storing nothing and writing nothing', async () => {
    const plan = await post('/runs', {
      type: 'failover',
      entityRef: ORDERS,
      dryRun: true,
    });
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({
      type: 'failover',
      entityRef: ORDERS,
      strategy: 'backup-restore',
      fromCluster: 'prod-eu',
      toCluster: 'dr-us',
      dataLossWindowSeconds: null,
      needsAcceptDataLoss: true,
      steps: [
        { name: 'preflight', objects: [] },
        {
          name: 'fence',
          objects: [
            {
              cluster: 'prod-eu',
              apiVersion: 'apps/v1',
              kind: 'StatefulSet',
              namespace: 'commerce',
              name: 'orders-db',
              action: 'patch',
              body: { spec: { replicas: 0 } },
            },
          ],
        },
        {
          name: 'promote',
          objects: [
            expect.objectContaining({
              cluster: 'dr-us',
              kind: 'Restore',
              action: 'create',
            }),
          ],
        },
        { name: 'scale-up-and-verify', objects: [] },
        { name: 'traffic-gate', objects: [] },
      ],
      warnings: [
        'There is no counted recovery point: the run needs acceptDataLoss.',
      ],
    });
    expect(calls.every(c => c.dryRun)).toBe(true);
    expect(kube.writes).toEqual([]);
    expect(
      (await get(`/runs?entityRef=${encodeURIComponent(ORDERS)}`)).body.items,
    ).toEqual([]);
    // A step that throws in the plan is a warning, not an error.
    behaviours.preflight = async () => {
      throw new Error('dr-us could not be reached');
    };
    const warned = await post('/runs', {
      type: 'drill',
      entityRef: ORDERS,
      dryRun: true,
      acceptDataLoss: true,
    });
    expect(warned.body.warnings).toEqual([
      'preflight: dr-us could not be reached',
    ]);
  });

  it('answers 403 and does nothing when the policy refuses, deciding per entity', async () => {
    // Like an owners-only policy: failovers of orders-db only.
    decide = (permission, ref) =>
      permission === 'disaster-recovery.failover.create' && ref !== ORDERS
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    const refused = await post('/runs', {
      type: 'failover',
      entityRef: BILLING,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      `You may not start a failover of ${BILLING}`,
    );
    const plan = await post('/runs', {
      type: 'failover',
      entityRef: BILLING,
      dryRun: true,
    });
    expect(plan.status).toBe(403);
    expect(
      (await get(`/runs?entityRef=${encodeURIComponent(BILLING)}`)).body.items,
    ).toEqual([]);
    expect(calls).toEqual([]);
    expect(backend.auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'run-create',
        meta: { entityRef: BILLING, type: 'failover', dryRun: false },
      }),
    );
    const event = await backend.auditor.createEvent.mock.results[0].value;
    expect(event.fail).toHaveBeenCalledWith({
      error: expect.objectContaining({ name: 'NotAllowedError' }),
    });

    // Update and read refused: confirm and cancel change nothing, reads answer 403.
    behaviours.fence = async () => ({ retryAfterMs: 60_000 });
    const run = (await post('/runs', { type: 'failover', entityRef: ORDERS }))
      .body as DrRun;
    await until(backend.server, run.id, ['running']);
    decide = permission =>
      permission === 'disaster-recovery.run.update' ||
      permission === 'disaster-recovery.run.read'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW;
    expect((await post(`/runs/${run.id}/cancel`)).status).toBe(403);
    expect((await post(`/runs/${run.id}/confirm`)).status).toBe(403);
    expect((await get(`/runs/${run.id}`)).status).toBe(403);
    expect(
      (await get(`/runs?entityRef=${encodeURIComponent(ORDERS)}`)).status,
    ).toBe(403);
    decide = () => AuthorizeResult.ALLOW;
    expect((await get(`/runs/${run.id}`)).body.state).toBe('running');
  });

  it('answers 409 while the entity has an active run, to concurrent requests too', async () => {
    const hold = deferred();
    behaviours.promote = async ctx => {
      if (!ctx.dryRun) await hold.promise;
      return { done: true };
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        post('/runs', { type: 'failover', entityRef: ORDERS }),
      ),
    );
    const created = answers.filter(a => a.status === 201);
    const conflicts = answers.filter(a => a.status === 409);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(9);
    const { id } = created[0].body;
    expect(conflicts[0].body.error.message).toMatch(
      new RegExp(`^${ORDERS} already has an active failover run ${id} \\(`),
    );
    // A plan says so.
    const plan = await post('/runs', {
      type: 'drill',
      entityRef: ORDERS,
      dryRun: true,
      acceptDataLoss: true,
    });
    expect(plan.status).toBe(200);
    expect(plan.body.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^${ORDERS} has an active failover run ${id} \\(`),
      ),
    ]);
    // Another entity is free.
    expect(
      (await post('/runs', { type: 'drill', entityRef: BILLING })).status,
    ).toBe(201);
    hold.resolve();
    await until(backend.server, id, ['waiting']);
    expect(
      (await post('/runs', { type: 'drill', entityRef: ORDERS })).status,
    ).toBe(409);
  });

  it('confirms the traffic gate, refuses a cancel after promote, and fails back afterwards', async () => {
    const started = deferred();
    behaviours.preflight = async () => {
      await started.promise;
      return { done: true };
    };
    const run = (await post('/runs', { type: 'failover', entityRef: ORDERS }))
      .body as DrRun;
    const early = await post(`/runs/${run.id}/confirm`);
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(
      /^Run \w+ is (pending|running), not waiting for a traffic confirmation$/,
    );
    started.resolve();
    const waiting = await until(backend.server, run.id, ['waiting']);
    expect(waiting.steps.map(s => s.state)).toEqual([
      'completed',
      'completed',
      'completed',
      'completed',
      'waiting',
    ]);
    const cancel = await post(`/runs/${run.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.message).toContain(
      'after promote a run goes forward or is failed back',
    );
    const confirmed = await post(`/runs/${run.id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      trafficConfirmedBy: 'user:default/mock',
      trafficConfirmedAt: expect.any(String),
    });
    const done = await until(backend.server, run.id, ['completed']);
    expect(done.trafficConfirmedBy).toBe('user:default/mock');

    // Running on dr-us now: a second failover is refused, a failback goes back to prod-eu.
    const again = await post('/runs', { type: 'failover', entityRef: ORDERS });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(
      `already runs on dr-us since ${done.endedAt} (failover run ${run.id}); fail it back first`,
    );
    const back = await post('/runs', { type: 'failback', entityRef: ORDERS });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({
      fromCluster: 'dr-us',
      toCluster: 'prod-eu',
    });
    await until(backend.server, back.body.id, ['waiting']);
    await post(`/runs/${back.body.id}/confirm`);
    await until(backend.server, back.body.id, ['completed']);
    const failback = await post('/runs', {
      type: 'failback',
      entityRef: ORDERS,
    });
    expect(failback.status).toBe(409);
    expect(failback.body.error.message).toContain(
      'there is no completed failover to fail back',
    );
  });

  it('cancels a run before its promote step, undoing the fence', async () => {
    behaviours.fence = async ctx => {
      await ctx.kube.patch('prod-eu', '/sts', { spec: { replicas: 0 } });
      return { retryAfterMs: 60_000 };
    };
    const run = (
      await post('/runs', {
        type: 'failover',
        entityRef: ORDERS,
        acceptDataLoss: true,
      })
    ).body as DrRun;
    expect(run.options).toEqual({ acceptDataLoss: true });
    await eventually(async () =>
      calls.some(c => c.step === 'fence') ? true : undefined,
    );
    const cancel = await post(`/runs/${run.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.state).toBe('cancelling');
    const cancelled = await until(backend.server, run.id, ['cancelled']);
    expect(cancelled.error).toBe('Cancelled by user:default/mock');
    expect(calls.map(c => `${c.step}:${c.action}`)).toEqual([
      'preflight:run',
      'fence:run',
      'fence:undo',
    ]);
    expect((await post(`/runs/${run.id}/cancel`)).status).toBe(409);
    // The entity is free again.
    expect(
      (await post('/runs', { type: 'drill', entityRef: ORDERS })).status,
    ).toBe(201);
  });

  it('answers bad requests with 400 and unknown runs and entities with 404', async () => {
    const cases: Array<[object, number, RegExp]> = [
      [{ type: 'restore', entityRef: ORDERS }, 400, /^type: /],
      [{ entityRef: ORDERS }, 400, /^type: /],
      [{ type: 'drill' }, 400, /^entityRef: /],
      [
        { type: 'drill', entityRef: ORDERS, acceptDataloss: true },
        400,
        /acceptDataloss/,
      ],
      [{ type: 'drill', entityRef: ORDERS, dryRun: 'yes' }, 400, /^dryRun: /],
      [{ type: 'drill', entityRef: 'orders-db' }, 400, /is not an entity ref/],
      [
        { type: 'drill', entityRef: "component:default/x' OR '1'='1" },
        400,
        /^entityRef: name "x' OR '1'='1" is not a valid entity name/,
      ],
      [
        { type: 'drill', entityRef: 'component:default/nope' },
        404,
        /No entity component:default\/nope/,
      ],
      [
        { type: 'drill', entityRef: 'component:default/docs-site' },
        400,
        /has no DR declaration/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await post('/runs', body);
      expect([body, res.status, res.body.error?.message]).toEqual([
        body,
        status,
        expect.stringMatching(message),
      ]);
    }
    expect((await get('/runs')).status).toBe(400);
    expect((await get('/runs/nope')).status).toBe(404);
    expect((await post('/runs/nope/confirm')).status).toBe(404);
    expect((await post('/runs/nope/cancel')).status).toBe(404);
    expect(calls).toEqual([]);
  });
});
