import fs from 'node:fs';
import path from 'node:path';
import { DrDeclaration } from '../../declaration';
import { evaluateDrStatus } from '../../evaluation/evaluate';
import { DrProviderEvidence } from '../../evaluation/provider';
import { TierPolicies } from '../../tiers';
import { DR_BUILT_IN_PROVIDERS } from '..';
import { providerContext } from '../cloudnative-pg-backups/testContext';
import {
  parseSchedulingInterval,
  VOLUME_REPLICATION_RESOURCE_TYPES,
  volumeReplicationProvider,
} from '.';
import {
  HEALTHY_PRIMARY_CONDITIONS,
  NOW,
  PVCS,
  ago,
  clusters,
  condition,
  crdCheckedObjects,
  groupOwnedVr,
  groupReplication,
  primaryVr,
  replicationClass,
  secondaryVr,
} from './fixtures';

const target = { id: 'documents-store' };

function run(
  prod: Record<string, object[]> = {},
  dr: Record<string, object[]> = {},
): DrProviderEvidence {
  return volumeReplicationProvider.evaluate!(
    providerContext({ clusters: clusters(prod, dr), now: NOW, target }),
  );
}

const codes = (e: DrProviderEvidence) => (e.reasons ?? []).map(r => r.code);
/** The provider's points, each with the point it lists (every one of these providers' does). */
const points = (e: DrProviderEvidence) =>
  (e.recoveryPoints ?? []).map(p => ({ ...p, point: p.point! }));
const counted = (e: DrProviderEvidence) =>
  points(e).filter(p => p.ms !== undefined);

describe('parseSchedulingInterval', () => {
  it("reads Ceph's <N>m, <N>h and <N>d, and Go durations", () => {
    expect(parseSchedulingInterval('5m')).toEqual({ seconds: 300 });
    expect(parseSchedulingInterval('2h')).toEqual({ seconds: 7200 });
    // Valid for Ceph, rejected by Go's time.ParseDuration (csi-addons then falls back).
    expect(parseSchedulingInterval('1d')).toEqual({ seconds: 86400 });
    expect(parseSchedulingInterval('1h30m')).toEqual({ seconds: 5400 });
  });

  it('rejects a unit-less number, zero and garbage, saying why', () => {
    expect(parseSchedulingInterval('5')).toEqual({
      error: 'has no unit; ceph-csi takes <N>m, <N>h or <N>d',
    });
    expect(parseSchedulingInterval('0m')).toEqual({ error: 'is zero' });
    expect(parseSchedulingInterval('often')).toHaveProperty('error');
    expect(parseSchedulingInterval(5)).toHaveProperty('error');
  });
});

describe('volumeReplicationProvider', () => {
  it('declares its resource types', () => {
    expect(VOLUME_REPLICATION_RESOURCE_TYPES.map(t => t.resource)).toEqual([
      'volumeReplications',
      'volumeReplicationClasses',
      'volumeGroupReplications',
    ]);
    expect(volumeReplicationProvider.id).toBe('volume-replication');
  });

  it('counts a Ceph primary with a ready secondary on the recovery cluster at lastSyncTime (no duration subtracted), per PVC', () => {
    const e = run();
    expect(counted(e)).toHaveLength(2);
    const [first] = counted(e);
    expect(first.ms).toBe(Date.parse(ago(4)));
    expect(first.point).toMatchObject({
      kind: 'VolumeReplication',
      name: 'data-documents-store-0',
      cluster: 'dr-us',
      counted: true,
      time: ago(4),
      phase: 'Primary',
    });
    expect(first.pvcs!.map(p => [p.pvc.key, p.point.time])).toEqual([
      ['data/data-documents-store-0', ago(4)],
    ]);
    expect(
      e.coverage!.map(c => [
        c.pvc.key,
        c.by.offCluster,
        c.cadence,
        c.replicates,
      ]),
    ).toEqual([
      [
        'data/data-documents-store-0',
        true,
        { seconds: 300, by: 'VolumeReplication data-documents-store-0' },
        true,
      ],
      [
        'data/data-documents-store-1',
        true,
        { seconds: 300, by: 'VolumeReplication data-documents-store-1' },
        true,
      ],
    ]);
    expect(e.replication![0]).toEqual({
      kind: 'VolumeReplication',
      name: 'data-documents-store-0',
      namespace: 'data',
      cluster: 'prod-eu',
      healthy: true,
      lagSeconds: 240,
      message: `to dr-us; last sync ${ago(
        4,
      )}, took 12s; Ceph RBD: lastSyncTime is the copied snapshot time; every 5m (status refreshed every 2m30s)`,
    });
    expect(e.replicaLinks).toBe(2);
    expect(e.strategy?.replicatesToRecovery).toBe(true);
    expect(codes(e)).toEqual([]);
  });

  it('subtracts lastSyncDuration for drivers other than Ceph RBD', () => {
    const e = run({
      volumeReplicationClasses: [
        replicationClass(
          'rbd-mirror-5m',
          { schedulingInterval: '5m' },
          'example.vendor.csi.io',
        ),
      ],
    });
    expect(counted(e)[0].ms).toBe(Date.parse(ago(4)) - 12_000);
    expect(e.replication![0].message).toContain(
      'driver example.vendor.csi.io: lastSyncTime read as the end of the copy, lastSyncDuration subtracted',
    );
  });

  it('gives no point without a secondary on the recovery cluster, and does not count the PVC as off the cluster', () => {
    const e = run({}, { volumeReplications: [] });
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toBe(
      'no secondary VolumeReplication for it on dr-us: the copy goes to a peer not shown to be dr-us',
    );
    expect(e.coverage!.every(c => !c.by.offCluster && !c.replicates)).toBe(
      true,
    );
    expect(codes(e)).toContain('replication-peer-unknown');
    expect(e.strategy?.replicatesToRecovery).toBeUndefined();
    expect(e.replicaLinks).toBe(0);
  });

  it('does not take an unreadable recovery cluster for a missing secondary', () => {
    const [prod] = clusters({});
    // dr-us not read: no objects, a failure for the whole cluster.
    const dr = { cluster: 'dr-us', objects: {} };
    const e = volumeReplicationProvider.evaluate!(
      providerContext({
        clusters: [
          prod,
          { ...dr, failures: [{ reason: 'connect ECONNREFUSED' }] },
        ],
        now: NOW,
        target,
      }),
    );
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toBe(
      'its secondary on dr-us cannot be checked: the cluster could not be read',
    );
    expect(codes(e)).not.toContain('replication-peer-unknown');
    const status = evaluateDrStatus({
      declaration: {
        tier: 'tier-1',
        policy: TierPolicies.default().get('tier-1')!,
        strategy: 'pilot-light',
        rpoSeconds: 900,
        rtoSeconds: 3600,
        drillCadenceSeconds: 90 * 86400,
        primaryCluster: 'prod-eu',
        recoveryCluster: 'dr-us',
      },
      target,
      clusters: [
        prod,
        { ...dr, failures: [{ reason: 'connect ECONNREFUSED' }] },
      ],
      now: NOW,
      providers: [...DR_BUILT_IN_PROVIDERS, volumeReplicationProvider],
    });
    expect(status.verdict).toBe('unknown');
  });

  it('gives no point while the secondary is not ready (Completed False)', () => {
    const e = run(
      {},
      {
        volumeReplications: PVCS.map(p =>
          secondaryVr(p, {
            status: {
              state: 'Unknown',
              conditions: [condition('Completed', 'False', 'FailedToDemote')],
            },
          }),
        ),
      },
    );
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toContain(
      'is not a ready secondary (status.state Unknown, Completed False',
    );
  });

  it('treats a missing lastSyncTime as unmeasured: no point, a reason', () => {
    const e = run({
      volumeReplications: PVCS.map(p =>
        primaryVr(p, 4, {
          status: { lastSyncTime: undefined, lastSyncDuration: undefined },
        }),
      ),
    });
    expect(counted(e)).toEqual([]);
    expect(codes(e)).toContain('replication-lag-unknown');
    expect(e.replication![0]).toMatchObject({
      healthy: false,
      lagSeconds: null,
    });
  });

  it("treats Go's zero lastSyncTime as absent (unmeasured)", () => {
    const e = run({
      volumeReplications: PVCS.map(p =>
        primaryVr(p, 4, { status: { lastSyncTime: '0001-01-01T00:00:00Z' } }),
      ),
    });
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toMatch(/^no status.lastSyncTime/);
  });

  it('reads the cadence from the class in Ceph syntax (1d), and says when there is none', () => {
    const daily = run({
      volumeReplicationClasses: [
        replicationClass('rbd-mirror-5m', { schedulingInterval: '1d' }),
      ],
    });
    expect(daily.coverage![0].cadence?.seconds).toBe(86400);
    const none = run({
      volumeReplicationClasses: [replicationClass('rbd-mirror-5m', {})],
    });
    expect(none.coverage![0].cadence).toBeUndefined();
    expect(codes(none)).toContain('replication-cadence-unknown');
    const missing = run({ volumeReplicationClasses: [] });
    expect(codes(missing)).toContain('replication-class-missing');
    // Without the class the driver is unknown: the conservative reading.
    expect(counted(missing)[0].ms).toBe(Date.parse(ago(4)) - 12_000);
  });

  it('keeps the point but reports degraded, not replicating, resyncing, invalid, Unknown and stale replications', () => {
    const unhealthy = primaryVr(PVCS[0], 4, {
      metadata: { generation: 3 },
      status: {
        state: 'Primary',
        observedGeneration: 2,
        lastCompletionTime: ago(30),
        conditions: [
          condition('Completed', 'True', 'Promoted'),
          {
            ...condition('Degraded', 'True', 'VolumeDegraded'),
            message: 'mirror image is in error state',
          },
          condition('Resyncing', 'True', 'ResyncTriggered'),
          condition('Validated', 'False', 'PrerequisiteNotMet'),
          condition('Replicating', 'False', 'NotReplicating'),
        ],
      },
    });
    const e = run({ volumeReplications: [unhealthy, primaryVr(PVCS[1])] });
    expect(counted(e)).toHaveLength(2);
    const first = e
      .reasons!.filter(r => r.object?.name === PVCS[0])
      .map(r => r.code);
    expect(first).toEqual([
      'replication-degraded',
      'replication-failing',
      'replication-resyncing',
      'replication-invalid',
      'replication-stale',
      'replication-stale',
    ]);
    expect(e.reasons![0].message).toBe(
      'VolumeReplication data/data-documents-store-0 on prod-eu: degraded (VolumeDegraded) (mirror image is in error state).',
    );
    expect(e.replication![0].healthy).toBe(false);
    expect(e.replication![1].healthy).toBe(true);
  });

  it('reports status.state Unknown', () => {
    const e = run({
      volumeReplications: [
        primaryVr(PVCS[0], 4, {
          status: { state: 'Unknown', conditions: HEALTHY_PRIMARY_CONDITIONS },
        }),
        primaryVr(PVCS[1]),
      ],
    });
    expect(codes(e)).toContain('replication-failing');
    expect(counted(e)).toHaveLength(1);
  });

  it('reports two primaries as split-brain', () => {
    const promoted = secondaryVr(PVCS[0], {
      spec: { replicationState: 'primary' },
      status: {
        state: 'Primary',
        conditions: [condition('Completed', 'True', 'Promoted')],
      },
    });
    const e = run({}, { volumeReplications: [promoted, secondaryVr(PVCS[1])] });
    const reason = e.reasons!.find(r => r.code === 'replication-split-brain')!;
    expect(reason.message).toBe(
      'Two primaries: VolumeReplication data/data-documents-store-0 on prod-eu and VolumeReplication data/data-documents-store-0 on dr-us are both primary (the recovery side was promoted: a failover); writes on both sides diverge and neither replicates PVC data/data-documents-store-0.',
    );
    expect(reason.object).toMatchObject({
      cluster: 'dr-us',
      field: 'spec.replicationState',
    });
    expect(counted(e).map(p => p.point.name)).toEqual([PVCS[1]]);
  });

  it('says so when the primary cluster holds the secondary side', () => {
    const e = run({
      volumeReplications: [
        primaryVr(PVCS[0], 4, { spec: { replicationState: 'secondary' } }),
        primaryVr(PVCS[1]),
      ],
    });
    expect(codes(e)).toContain('replication-not-primary');
    expect(e.coverage!.map(c => c.pvc.key)).toEqual([
      'data/data-documents-store-1',
    ]);
  });

  it('covers the PVCs of a VolumeGroupReplication (selector or PVC list) with one point, the group status', () => {
    const group = groupReplication;
    // The group's own VR names the group, not a PVC: it is read through the group.
    const owned = groupOwnedVr();
    const e = run(
      {
        volumeReplications: [owned],
        volumeGroupReplications: [group('primary')],
      },
      { volumeReplications: [], volumeGroupReplications: [group('secondary')] },
    );
    expect(counted(e)).toHaveLength(1);
    expect(counted(e)[0].ms).toBe(Date.parse(ago(3)));
    expect(counted(e)[0].pvcs!.map(p => p.pvc.key)).toEqual([
      'data/data-documents-store-0',
      'data/data-documents-store-1',
    ]);
    expect(e.coverage!.map(c => c.by.kind)).toEqual([
      'VolumeGroupReplication',
      'VolumeGroupReplication',
    ]);
  });

  it('does not throw on malformed objects: a bad lastSyncTime is named, no point', () => {
    const bad = primaryVr(PVCS[0], 4, {
      status: { lastSyncTime: 'yesterday' },
    });
    const noSource = primaryVr(PVCS[1], 4, { spec: { dataSource: undefined } });
    const e = run({
      volumeReplications: [bad, noSource, { metadata: { name: 'x' } }],
    });
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toBe(
      'status.lastSyncTime "yesterday" is not a time',
    );
    // The PVC without a readable VR is not covered by this provider.
    expect(e.coverage!.map(c => c.pvc.key)).toEqual([
      'data/data-documents-store-0',
    ]);
  });

  it('does not count a sync time ahead of the clock', () => {
    const e = run({ volumeReplications: PVCS.map(p => primaryVr(p, -30)) });
    expect(counted(e)).toEqual([]);
    expect(e.futurePoints![0]).toEqual({
      cluster: 'prod-eu',
      what: `VolumeReplication data-documents-store-0 at ${ago(-30)}`,
    });
  });
});

describe('evaluateDrStatus with the VolumeReplication provider', () => {
  const declaration: DrDeclaration = {
    tier: 'tier-1',
    policy: TierPolicies.default().get('tier-1')!,
    strategy: 'pilot-light',
    rpoSeconds: 15 * 60,
    rtoSeconds: 3600,
    drillCadenceSeconds: 90 * 86400,
    primaryCluster: 'prod-eu',
    recoveryCluster: 'dr-us',
  };
  const runs = [
    {
      id: 'drill-1',
      type: 'drill' as const,
      status: 'completed',
      startedAt: ago(60 * 24 * 20),
      verifiedAt: ago(60 * 24 * 20 - 25),
    },
  ];
  const judge = (
    prod: Record<string, object[]> = {},
    dr: Record<string, object[]> = {},
  ) =>
    evaluateDrStatus({
      declaration,
      target,
      clusters: clusters(prod, dr),
      now: NOW,
      runs,
      providers: [...DR_BUILT_IN_PROVIDERS, volumeReplicationProvider],
    });

  it('judges mirrored PVCs compliant: RPO from the Ceph sync time, cadence 5m, pilot-light in place', () => {
    const status = judge();
    expect(status.reasons).toEqual([]);
    expect(status.verdict).toBe('compliant');
    expect(status.achievedRpoSeconds).toBe(240);
    expect(
      status.coverage.map(c => [
        c.pvc,
        c.cadenceSeconds,
        c.newestPoint?.cluster,
      ]),
    ).toEqual([
      ['data-documents-store-0', 300, 'dr-us'],
      ['data-documents-store-1', 300, 'dr-us'],
    ]);
    expect(
      status.replication.map(r => [r.name, r.healthy, r.lagSeconds]),
    ).toEqual([
      ['data-documents-store-0', true, 240],
      ['data-documents-store-1', true, 240],
    ]);
  });

  it('breaches when no secondary shows the copy reaching dr-us', () => {
    const status = judge({}, { volumeReplications: [] });
    expect(status.verdict).toBe('breached');
    expect(status.reasons.map(r => r.code)).toEqual(
      expect.arrayContaining(['pvc-local-only', 'strategy-not-in-place']),
    );
  });

  it('breaches an interval longer than the RPO target (rule 6)', () => {
    const status = judge({
      volumeReplicationClasses: [
        replicationClass('rbd-mirror-5m', { schedulingInterval: '1h' }),
      ],
    });
    expect(status.verdict).toBe('breached');
    expect(status.reasons.map(r => r.code)).toContain('cadence-too-slow');
  });

  it('takes the worst PVC: one PVC unmeasured leaves the service without an achieved RPO', () => {
    const status = judge({
      volumeReplications: [
        primaryVr(PVCS[0]),
        primaryVr(PVCS[1], 4, { status: { lastSyncTime: undefined } }),
      ],
    });
    expect(status.verdict).toBe('breached');
    expect(status.achievedRpoSeconds).toBeNull();
  });
});

describe('the test objects', () => {
  it('are the ones kept in __fixtures__/objects.json, which kube-simulator validates against the CRDs', () => {
    const kept = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '__fixtures__', 'objects.json'),
        'utf8',
      ),
    );
    expect(kept).toEqual(JSON.parse(JSON.stringify(crdCheckedObjects())));
  });
});
