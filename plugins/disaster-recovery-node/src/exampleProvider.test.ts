import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DrProviderContext,
  DrProviderEvidence,
  KubeObject,
  isoSeconds,
  parseTime,
} from '@backstage-dr/plugin-disaster-recovery-common';
// A test-only import: the example runs the real DR backend around the provider.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  disasterRecoveryPlugin,
  drModuleWorkloadsProvider,
} from '@backstage-dr/plugin-disaster-recovery-backend';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { DrStatusProvider, drStatusProvidersExtensionPoint } from '.';

// The worked example of the README: a company's own status provider, written only against this
// package and the -common package, added to the DR backend as a module. "Acme Snapshots" is a
// made-up backup tool: an `AcmeSnapshot` (backup.acme.example/v1) copies one PVC
// (`spec.pvcName`) to an off-site vault; `status.completedAt` is its point in time.

interface AcmeSnapshot extends KubeObject {
  spec?: { pvcName?: string; intervalMinutes?: number };
  status?: { phase?: string; completedAt?: string };
}

/** Judges the service's PVCs from their AcmeSnapshots (pure: objects in, evidence out). */
function evaluateAcme(ctx: DrProviderContext): DrProviderEvidence {
  const evidence: Required<
    Pick<DrProviderEvidence, 'recoveryPoints' | 'coverage' | 'reasons'>
  > = { recoveryPoints: [], coverage: [], reasons: [] };
  for (const pvc of ctx.pvcs) {
    const clusterEvidence = ctx.evidenceOf(pvc.cluster);
    if (!clusterEvidence) continue;
    const snapshots = ctx
      .objectsOf<AcmeSnapshot>(clusterEvidence, 'acmeSnapshots')
      .filter(
        s =>
          s.metadata.namespace === pvc.pvc.metadata.namespace &&
          s.spec?.pvcName === pvc.pvc.metadata.name,
      );
    if (snapshots.length === 0) continue;
    const interval = Math.max(
      ...snapshots.map(s => s.spec?.intervalMinutes ?? 0),
    );
    evidence.coverage.push({
      pvc,
      by: {
        kind: 'AcmeSnapshot',
        name: snapshots[0].metadata.name,
        paused: false,
        offCluster: true,
      },
      cadence: { seconds: interval * 60, by: 'Acme Snapshots' },
    });
    for (const snapshot of snapshots) {
      const ms = parseTime(snapshot.status?.completedAt);
      const done = snapshot.status?.phase === 'Succeeded' && ms !== undefined;
      const counted = done && ms! <= ctx.nowMs;
      const point = {
        time: ms === undefined ? undefined : isoSeconds(ms),
        source: 'acme-snapshots',
        kind: 'AcmeSnapshot',
        name: snapshot.metadata.name,
        namespace: snapshot.metadata.namespace,
        cluster: pvc.cluster,
        usable: done,
        counted,
        phase: snapshot.status?.phase,
        reason: counted ? undefined : 'not Succeeded',
        pvcs: [pvc.key],
      };
      evidence.recoveryPoints.push(
        counted
          ? {
              point,
              ms,
              pvcs: [
                {
                  pvc,
                  point: {
                    time: point.time!,
                    source: point.source,
                    kind: point.kind,
                    name: point.name,
                    namespace: point.namespace,
                    cluster: point.cluster,
                  },
                },
              ],
            }
          : { point },
      );
    }
  }
  return evidence;
}

const acmeProvider: DrStatusProvider = {
  id: 'acme-snapshots',
  title: 'Acme Snapshots',
  resourceTypes: [
    {
      resource: 'acmeSnapshots',
      group: 'backup.acme.example',
      version: 'v1',
      plural: 'acmesnapshots',
      kind: 'AcmeSnapshot',
      provider: 'acme-snapshots',
    },
  ],
  evaluate: evaluateAcme,
};

/** The company's backend module: `backend.add(drModuleAcmeProvider)`. */
const drModuleAcmeProvider = createBackendModule({
  pluginId: 'disaster-recovery',
  moduleId: 'acme-snapshots-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: drStatusProvidersExtensionPoint },
      async init({ providers }) {
        providers.addStatusProvider(acmeProvider);
      },
    });
  },
});

// ---- The DR backend with only the workloads and the Acme provider, against a mocked cluster.

const KUBE = 'http://kubernetes.test/api/kubernetes';
const ago = (minutes: number) => isoSeconds(Date.now() - minutes * 60_000);
const labels = { 'backstage.io/kubernetes-id': 'ledger' };
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'ledger',
      'disaster-recovery/tier': 'tier-2',
      'disaster-recovery/strategy': 'backup-restore',
      'disaster-recovery/primary-cluster': 'prod',
    },
  },
  spec: { type: 'service', owner: 'finance', lifecycle: 'production' },
};
let snapshots: AcmeSnapshot[] = [];
const lists: Record<string, () => object[]> = {
  '/apis/apps/v1/statefulsets': () => [
    {
      metadata: { name: 'ledger', namespace: 'finance', labels },
      spec: {
        replicas: 1,
        volumeClaimTemplates: [{ metadata: { name: 'data' } }],
      },
      status: { readyReplicas: 1 },
    },
  ],
  '/apis/apps/v1/deployments': () => [],
  '/api/v1/persistentvolumeclaims': () => [
    { metadata: { name: 'data-ledger-0', namespace: 'finance', labels } },
  ],
  '/apis/backup.acme.example/v1/acmesnapshots': () => snapshots,
};
const msw = setupServer(
  http.get(`${KUBE}/clusters`, () =>
    HttpResponse.json({ items: [{ name: 'prod' }] }),
  ),
  http.get(`${KUBE}/proxy/*`, ({ request: req }) => {
    const path = new URL(req.url).pathname.replace('/api/kubernetes/proxy', '');
    const list = lists[path];
    return list
      ? HttpResponse.json({ kind: 'List', metadata: {}, items: list() })
      : HttpResponse.json({ code: 404, reason: 'NotFound' }, { status: 404 });
  }),
);
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

async function statusAfterRefresh(): Promise<any> {
  const { server } = await startTestBackend({
    features: [
      disasterRecoveryPlugin,
      drModuleWorkloadsProvider,
      drModuleAcmeProvider,
      catalogServiceMock.factory({ entities: [entity] }),
      mockServices.discovery.mock({
        getBaseUrl: async (id: string) =>
          id === 'kubernetes' ? KUBE : `http://localhost/api/${id}`,
      }).factory,
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
          },
        },
      }),
    ],
  });
  expect(
    (await request(server).post('/api/disaster-recovery/refresh')).status,
  ).toBe(202);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await request(server).get(
      '/api/disaster-recovery/entities/component/default/ledger/status',
    );
    if (res.status === 200) return res.body;
    if (Date.now() > deadline) throw new Error(`no status: ${res.status}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('a status provider written outside the DR plugins', () => {
  jest.setTimeout(30_000);

  it('is read from the clusters and judges the service through the common rules', async () => {
    snapshots = [
      {
        metadata: { name: 'ledger-1', namespace: 'finance' },
        spec: { pvcName: 'data-ledger-0', intervalMinutes: 60 },
        status: { phase: 'Succeeded', completedAt: ago(45) },
      },
      {
        metadata: { name: 'ledger-2', namespace: 'finance' },
        spec: { pvcName: 'data-ledger-0', intervalMinutes: 60 },
        status: { phase: 'Failed' },
      },
    ];
    const body = await statusAfterRefresh();
    expect(body.status.coverage).toEqual([
      expect.objectContaining({
        pvc: 'data-ledger-0',
        coveredBy: [
          {
            kind: 'AcmeSnapshot',
            name: 'ledger-1',
            paused: false,
            offCluster: true,
          },
        ],
        cadenceSeconds: 3600,
        newestPoint: expect.objectContaining({ name: 'ledger-1' }),
      }),
    ]);
    expect(body.achievedRpoSeconds).toBeGreaterThanOrEqual(45 * 60);
    expect(body.achievedRpoSeconds).toBeLessThan(50 * 60);
    expect(
      body.status.recoveryPoints.map((p: any) => [p.name, p.counted]),
    ).toEqual([
      ['ledger-1', true],
      ['ledger-2', false],
    ]);
    // No drill yet: at risk, not breached; no PVC is uncovered.
    expect(body.verdict).toBe('at-risk');
    expect(body.status.reasons.map((r: any) => r.code)).toEqual([
      'never-drilled',
    ]);
  });

  it('leaves an uncovered PVC to the common rules: breached', async () => {
    snapshots = [];
    const body = await statusAfterRefresh();
    expect(body.verdict).toBe('breached');
    // The uncovered PVC is the breach (no separate no-recovery-point reason for it).
    expect(body.status.reasons.map((r: any) => r.code)).toEqual([
      'pvc-uncovered',
      'never-drilled',
    ]);
    expect(body.status.achievedRpoSeconds).toBeNull();
  });
});
