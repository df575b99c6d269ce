import { DrDeclaration } from '../declaration';
import { TierPolicies } from '../tiers';
import { DrEvaluationInput, evaluateDrStatus } from './evaluate';
import {
  PersistentVolumeClaim,
  PostgresCluster,
  ReplicationSource,
  VeleroBackup,
  VeleroBackupSpec,
  VeleroBackupStorageLocation,
  VeleroRestore,
  VeleroSchedule,
  Workload,
} from './kubernetes';
import { ClusterEvidence, ClusterObjects, DrReason, DrStatus } from './types';

/*
 * The refinements of DOMAIN.md, each just inside and just outside its rule, through
 * evaluateDrStatus. Objects are shaped as the CRDs have them (velero.io v1 Backup, Schedule,
 * Restore, BackupStorageLocation; postgresql.cnpg.io v1 Cluster; VolSync v1alpha1
 * ReplicationSource as DOMAIN.md lists its fields; apps/v1 and v1 workloads and claims).
 */

const NOW = new Date('2026-11-25T12:00:00Z');
const at = (minutesAgo: number) =>
  new Date(NOW.getTime() - minutesAgo * 60_000)
    .toISOString()
    .replace('.000Z', 'Z');
const ID = 'orders-db';
const NS = 'commerce';
const idLabels = { 'backstage.io/kubernetes-id': ID };

const tier1 = TierPolicies.default().get('tier-1')!;
const declaration = (
  overrides: Partial<DrDeclaration> = {},
): DrDeclaration => ({
  tier: 'tier-1',
  policy: tier1,
  strategy: 'backup-restore',
  rpoSeconds: 3600,
  rtoSeconds: 3600,
  drillCadenceSeconds: 90 * 86400,
  primaryCluster: 'prod-eu',
  recoveryCluster: 'dr-us',
  ...overrides,
});

// ---- Workloads and claims.
const statefulSet = (
  replicas = 2,
  readyReplicas = replicas,
  name = 'orders-db',
): Workload => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: NS, labels: idLabels },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'orders' } },
    template: { metadata: { labels: { app: 'orders' } } },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }],
  },
  status: { replicas, readyReplicas },
});
const pvc = (
  name: string,
  labels: Record<string, string> = { app: 'orders' },
): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: NS, labels },
});
const stsPvcs = () => [pvc('data-orders-db-0'), pvc('data-orders-db-1')];

// ---- Velero.
const bsl = (
  phase: string,
  extra: Partial<NonNullable<VeleroBackupStorageLocation['spec']>> = {},
  name = 'default',
): VeleroBackupStorageLocation => ({
  apiVersion: 'velero.io/v1',
  kind: 'BackupStorageLocation',
  metadata: { name, namespace: 'velero' },
  spec: {
    default: name === 'default',
    provider: 'aws',
    accessMode: 'ReadWrite',
    objectStorage: { bucket: 'acme-velero', prefix: 'prod-eu' },
    config: { region: 'eu-west-1' },
    ...extra,
  },
  status: {
    phase,
    lastValidationTime: at(1),
    ...(phase === 'Available'
      ? {}
      : { message: 'AccessDenied: s3:ListBucket' }),
  },
});
const moving: VeleroBackupSpec = {
  includedNamespaces: [NS],
  labelSelector: { matchLabels: { app: 'orders' } },
  snapshotVolumes: true,
  snapshotMoveData: true,
  ttl: '720h0m0s',
  storageLocation: 'default',
};
const schedule = (
  name = 'orders-hourly',
  cron = '0 * * * *',
  template: VeleroBackupSpec = moving,
  extra: Partial<VeleroSchedule> = {},
): VeleroSchedule => ({
  apiVersion: 'velero.io/v1',
  kind: 'Schedule',
  metadata: {
    name,
    namespace: 'velero',
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: { schedule: cron, template },
  status: { phase: 'Enabled', lastBackup: at(0) },
  ...extra,
});
const backup = (
  name: string,
  startedMinutesAgo: number,
  phase = 'Completed',
  spec: VeleroBackupSpec = moving,
  scheduleName: string | undefined = 'orders-hourly',
): VeleroBackup => ({
  apiVersion: 'velero.io/v1',
  kind: 'Backup',
  metadata: {
    name,
    namespace: 'velero',
    labels: scheduleName ? { 'velero.io/schedule-name': scheduleName } : {},
  },
  spec,
  status: {
    phase,
    startTimestamp: at(startedMinutesAgo),
    completionTimestamp: at(startedMinutesAgo - 2),
    expiration: at(startedMinutesAgo - 30 * 1440),
    errors: phase === 'Completed' ? 0 : 2,
    warnings: 0,
  },
});
const restore = (
  name: string,
  spec: VeleroRestore['spec'],
  completedDaysAgo = 10,
  minutes = 25,
): VeleroRestore => ({
  apiVersion: 'velero.io/v1',
  kind: 'Restore',
  metadata: { name, namespace: 'velero' },
  spec: { includedNamespaces: [NS], ...spec },
  status: {
    phase: 'Completed',
    startTimestamp: at(completedDaysAgo * 1440 + minutes),
    completionTimestamp: at(completedDaysAgo * 1440),
    errors: 0,
    warnings: 0,
  },
});
// A drill: the newest backup restored into an isolated namespace of the recovery cluster.
const drill = (backupName = 'orders-hourly-1') =>
  restore('orders-drill', {
    backupName,
    namespaceMapping: { [NS]: 'commerce-drill' },
  });

// ---- VolSync.
const replicationSource = (
  claim: string,
  lastSyncMinutesAgo: number,
  spec: Partial<NonNullable<ReplicationSource['spec']>> = {},
  conditions?: NonNullable<ReplicationSource['status']>['conditions'],
): ReplicationSource => ({
  apiVersion: 'volsync.backube/v1alpha1',
  kind: 'ReplicationSource',
  metadata: { name: `${claim}-to-dr-us`, namespace: NS },
  spec: {
    sourcePVC: claim,
    trigger: { schedule: '*/5 * * * *' },
    ...spec,
  },
  status: {
    lastSyncTime: at(lastSyncMinutesAgo),
    lastSyncDuration: '1m0s',
    lastSyncStartTime: at(lastSyncMinutesAgo + 1),
    nextSyncTime: at(-5),
    conditions: conditions ?? [
      {
        type: 'Synchronizing',
        status: 'False',
        reason: 'WaitingForSchedule',
        message: 'Waiting for next scheduled synchronization',
        lastTransitionTime: at(lastSyncMinutesAgo),
      },
    ],
  },
});

// ---- CloudNativePG.
const pgCluster = (
  name: string,
  replica?: NonNullable<PostgresCluster['spec']>['replica'],
  ready = true,
): PostgresCluster => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name, namespace: NS, labels: idLabels },
  spec: replica ? { replica } : {},
  status: {
    phase: 'Cluster in healthy state',
    currentPrimary: `${name}-1`,
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        reason: ready ? 'ClusterIsReady' : 'ClusterIsNotReady',
        lastTransitionTime: at(60),
      },
    ],
  },
});

// ---- Clusters.
function world(
  prod: ClusterObjects = {},
  dr: ClusterObjects = {},
): ClusterEvidence[] {
  return [
    {
      cluster: 'prod-eu',
      objects: {
        statefulSets: [statefulSet()],
        persistentVolumeClaims: stsPvcs(),
        backupStorageLocations: [bsl('Available')],
        schedules: [schedule()],
        backups: [backup('orders-hourly-1', 20)],
        ...prod,
      },
    },
    {
      cluster: 'dr-us',
      objects: {
        backupStorageLocations: [
          bsl('Available', { objectStorage: { bucket: 'acme-velero-dr-us' } }),
        ],
        restores: [drill()],
        ...dr,
      },
    },
  ];
}

function evaluate(
  clusters: ClusterEvidence[],
  extra: Partial<DrEvaluationInput> = {},
  overrides: Partial<DrDeclaration> = {},
): DrStatus {
  return evaluateDrStatus({
    declaration: declaration(overrides),
    target: { id: ID, namespace: NS },
    clusters,
    now: NOW,
    ...extra,
  });
}

const codes = (status: DrStatus) => status.reasons.map(r => r.code);

/** The reason with this code; it must name `name` (in `object` or its message) and say what to do. */
function reason(status: DrStatus, code: string, name: string): DrReason {
  const found = status.reasons.filter(r => r.code === code);
  expect(found.map(r => r.code)).toContain(code);
  const r =
    found.find(x => x.object?.name === name || x.message.includes(name)) ??
    found[0];
  expect(r.object?.name === name || r.message.includes(name)).toBe(true);
  expect(r.nextStep).toEqual(expect.any(String));
  expect(r.nextStep!.length).toBeGreaterThan(0);
  return r;
}

describe('whose backup', () => {
  it('does not count the recovery cluster’s own backup, even with the same spec', () => {
    const status = evaluate(
      world(
        { backups: [] },
        {
          schedules: [schedule('dr-orders-hourly')],
          backups: [
            backup(
              'dr-orders-hourly-1',
              10,
              'Completed',
              moving,
              'dr-orders-hourly',
            ),
          ],
        },
      ),
    );
    expect(status.achievedRpoSeconds).toBeNull();
    expect(status.recoveryPoints).toMatchObject([
      {
        name: 'dr-orders-hourly-1',
        cluster: 'dr-us',
        counted: false,
        reason: 'made by Velero on dr-us: it backs up dr-us, not prod-eu',
      },
    ]);
    expect(status.verdict).toBe('breached');
    expect(codes(status)).toContain('no-recovery-point');
    expect(reason(status, 'no-recovery-point', 'prod-eu').severity).toBe(
      'breach',
    );
  });

  it('counts a synced copy that has the same name as a backup of the primary, once', () => {
    const status = evaluate(
      world({}, { backups: [backup('orders-hourly-1', 20)] }),
    );
    expect(status.recoveryPoints).toHaveLength(1);
    expect(status.recoveryPoints[0]).toMatchObject({
      name: 'orders-hourly-1',
      cluster: 'prod-eu',
      counted: true,
    });
    expect(status.achievedRpoSeconds).toBe(1200);
    expect(status.verdict).toBe('compliant');
  });

  it('counts a copy whose velero.io/schedule-name names a Schedule of the primary', () => {
    // The primary no longer lists it (e.g. its location is being re-synced); the copy counts.
    const status = evaluate(
      world(
        { backups: [] },
        { backups: [backup('orders-hourly-20261125114000', 20)] },
      ),
    );
    expect(status.recoveryPoints).toMatchObject([
      { name: 'orders-hourly-20261125114000', cluster: 'dr-us', counted: true },
    ]);
    expect(status.achievedRpoSeconds).toBe(1200);
  });

  it('does not count a copy whose schedule name is not one of the primary’s', () => {
    const status = evaluate(
      world(
        { backups: [] },
        {
          backups: [
            backup(
              'orders-nightly-1',
              20,
              'Completed',
              moving,
              'orders-nightly',
            ),
          ],
        },
      ),
    );
    expect(status.recoveryPoints[0]).toMatchObject({ counted: false });
    expect(status.achievedRpoSeconds).toBeNull();
  });

  it('counts the copy on the recovery cluster’s Available location when the primary’s is Unavailable, with a reason', () => {
    const status = evaluate(
      world(
        { backupStorageLocations: [bsl('Unavailable')] },
        { backups: [backup('orders-hourly-1', 20)] },
      ),
    );
    expect(status.recoveryPoints).toHaveLength(1);
    expect(status.recoveryPoints[0]).toMatchObject({
      cluster: 'dr-us',
      counted: true,
    });
    expect(status.achievedRpoSeconds).toBe(1200);
    const r = reason(status, 'primary-location-unavailable', 'default');
    expect(r).toMatchObject({
      severity: 'risk',
      object: { cluster: 'prod-eu', kind: 'BackupStorageLocation' },
    });
    expect(status.verdict).toBe('at-risk');
  });

  it('counts nothing when the copy’s location is Unavailable too', () => {
    const status = evaluate(
      world(
        { backupStorageLocations: [bsl('Unavailable')] },
        {
          backupStorageLocations: [bsl('Unavailable')],
          backups: [backup('orders-hourly-1', 20)],
        },
      ),
    );
    expect(status.achievedRpoSeconds).toBeNull();
    expect(codes(status)).not.toContain('primary-location-unavailable');
    expect(
      reason(status, 'storage-location-unavailable', 'default'),
    ).toBeDefined();
    expect(status.verdict).toBe('breached');
  });
});

describe('data, not manifests', () => {
  it('takes each PVC’s newest backup that moves its data; a newer manifest-only backup does not set it', () => {
    const manifests = {
      ...moving,
      snapshotVolumes: false,
      snapshotMoveData: false,
    };
    const status = evaluate(
      world({
        backups: [
          backup('orders-manifests-1', 5, 'Completed', manifests, undefined),
          backup('orders-hourly-1', 20),
        ],
      }),
    );
    expect(status.achievedRpoSeconds).toBe(1200);
    expect(status.coverage.map(c => [c.pvc, c.newestPoint?.name])).toEqual([
      ['data-orders-db-0', 'orders-hourly-1'],
      ['data-orders-db-1', 'orders-hourly-1'],
    ]);
    expect(
      status.recoveryPoints.find(p => p.name === 'orders-manifests-1'),
    ).toMatchObject({
      counted: false,
      pvcs: [],
      reason:
        'holds the manifests only: no PVC data leaves the cluster (local snapshots or none)',
    });
    expect(
      status.recoveryPoints.find(p => p.name === 'orders-hourly-1'),
    ).toMatchObject({
      counted: true,
      pvcs: ['commerce/data-orders-db-0', 'commerce/data-orders-db-1'],
    });
  });

  it('counts a backup with file-system backup as the PVC’s point', () => {
    const fs = {
      ...moving,
      snapshotMoveData: false,
      defaultVolumesToFsBackup: true,
    };
    const status = evaluate(
      world({
        schedules: [schedule('orders-hourly', '0 * * * *', fs)],
        backups: [backup('orders-hourly-1', 10, 'Completed', fs)],
      }),
    );
    expect(status.achievedRpoSeconds).toBe(600);
    expect(status.verdict).toBe('compliant');
  });

  it('does not count file-system backup of a volume the pods exclude', () => {
    const sts = statefulSet();
    sts.spec!.template!.metadata!.annotations = {
      'backup.velero.io/backup-volumes-excludes': 'data',
    };
    const fs = {
      ...moving,
      snapshotMoveData: false,
      defaultVolumesToFsBackup: true,
    };
    const status = evaluate(
      world({
        statefulSets: [sts],
        schedules: [schedule('orders-hourly', '0 * * * *', fs)],
        backups: [backup('orders-hourly-1', 10, 'Completed', fs)],
      }),
    );
    expect(status.achievedRpoSeconds).toBeNull();
    expect(reason(status, 'pvc-local-only', 'data-orders-db-0').severity).toBe(
      'breach',
    );
  });

  it('breaches a PVC backed up only by snapshots that stay on the cluster (pvc-local-only)', () => {
    const local = { ...moving, snapshotMoveData: false };
    const status = evaluate(
      world({
        schedules: [schedule('orders-hourly', '0 * * * *', local)],
        backups: [backup('orders-hourly-1', 10, 'Completed', local)],
      }),
    );
    expect(status.verdict).toBe('breached');
    expect(status.achievedRpoSeconds).toBeNull();
    const r = reason(status, 'pvc-local-only', 'data-orders-db-0');
    expect(r.object).toMatchObject({
      cluster: 'prod-eu',
      kind: 'PersistentVolumeClaim',
    });
    expect(r.nextStep).toContain('snapshotMoveData');
    expect(status.coverage[0].coveredBy).toEqual([
      {
        kind: 'Schedule',
        name: 'orders-hourly',
        paused: false,
        offCluster: false,
      },
    ]);
  });

  it('counts local snapshots when configured to (localSnapshotsSurviveClusterLoss)', () => {
    const local = { ...moving, snapshotMoveData: false };
    const status = evaluate(
      world({
        schedules: [schedule('orders-hourly', '0 * * * *', local)],
        backups: [backup('orders-hourly-1', 10, 'Completed', local)],
      }),
      { options: { localSnapshotsSurviveClusterLoss: true } },
    );
    expect(status.achievedRpoSeconds).toBe(600);
    expect(codes(status)).not.toContain('pvc-local-only');
  });

  it('judges a service without PVCs on its manifest backups', () => {
    const api: Workload = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders-api', namespace: NS, labels: idLabels },
      spec: {
        replicas: 2,
        template: { metadata: { labels: { app: 'orders' } } },
      },
      status: { readyReplicas: 2 },
    };
    const manifests = {
      ...moving,
      snapshotVolumes: false,
      snapshotMoveData: false,
    };
    const status = evaluate(
      world({
        statefulSets: [],
        persistentVolumeClaims: [],
        deployments: [api],
        schedules: [schedule('orders-hourly', '0 * * * *', manifests)],
        backups: [backup('orders-hourly-1', 15, 'Completed', manifests)],
      }),
    );
    expect(status.coverage).toEqual([]);
    expect(status.achievedRpoSeconds).toBe(900);
    expect(status.verdict).toBe('compliant');
  });
});

describe('per PVC', () => {
  // Two volumes: the StatefulSet's claim, and a WAL claim labelled for the daily schedule only.
  const wal = pvc('orders-wal', { ...idLabels, backup: 'daily' });
  const hourlyOnly = {
    ...moving,
    labelSelector: { matchLabels: { app: 'orders' } },
  };
  const dailyWal = {
    ...moving,
    labelSelector: { matchLabels: { backup: 'daily' } },
  };

  it('lets the worst PVC set the achieved RPO, and shows each PVC’s point and cadence', () => {
    const status = evaluate(
      world({
        persistentVolumeClaims: [
          pvc('data-orders-db-0'),
          pvc('data-orders-db-1'),
        ],
        backups: [backup('orders-hourly-1', 40)],
        replicationSources: [replicationSource('data-orders-db-0', 3)],
      }),
    );
    // data-orders-db-0: synced from 4 minutes ago; data-orders-db-1: the backup of 40 minutes ago.
    expect(status.achievedRpoSeconds).toBe(2400);
    expect(
      status.coverage.map(c => [
        c.pvc,
        c.newestPoint?.kind,
        c.newestPoint?.time,
        c.achievedRpoSeconds,
        c.cadenceSeconds,
      ]),
    ).toEqual([
      ['data-orders-db-0', 'ReplicationSource', at(4), 240, 300],
      ['data-orders-db-1', 'Backup', at(40), 2400, 3600],
    ]);
    expect(status.verdict).toBe('compliant');
  });

  it('breaches the RPO on the worst PVC even when another is fresh', () => {
    const status = evaluate(
      world({
        backups: [backup('orders-hourly-1', 70)],
        replicationSources: [replicationSource('data-orders-db-0', 3)],
      }),
    );
    expect(status.achievedRpoSeconds).toBe(4200);
    expect(reason(status, 'rpo-exceeded', 'data-orders-db-1').severity).toBe(
      'breach',
    );
  });

  it('breaches cadence for a PVC only in a daily schedule, even though another schedule is hourly', () => {
    const status = evaluate(
      world({
        persistentVolumeClaims: [...stsPvcs(), wal],
        schedules: [
          schedule('orders-hourly', '0 * * * *', hourlyOnly),
          schedule('orders-wal-daily', '0 3 * * *', dailyWal),
        ],
        backups: [
          backup('orders-hourly-1', 20, 'Completed', hourlyOnly),
          backup(
            'orders-wal-daily-1',
            30,
            'Completed',
            dailyWal,
            'orders-wal-daily',
          ),
        ],
      }),
    );
    const slow = status.reasons.filter(r => r.code === 'cadence-too-slow');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({
      severity: 'breach',
      object: { kind: 'PersistentVolumeClaim', name: 'orders-wal' },
    });
    expect(slow[0].message).toContain('orders-wal-daily');
    expect(slow[0].nextStep).toEqual(expect.any(String));
    expect(status.coverage.map(c => [c.pvc, c.cadenceSeconds]).sort()).toEqual([
      ['data-orders-db-0', 3600],
      ['data-orders-db-1', 3600],
      ['orders-wal', 86400],
    ]);
    expect(status.verdict).toBe('breached');
  });

  it('has no cadence breach once the hourly schedule takes in that PVC too', () => {
    const both: VeleroBackupSpec = {
      ...moving,
      labelSelector: undefined,
      orLabelSelectors: [
        { matchLabels: { app: 'orders' } },
        { matchLabels: { backup: 'daily' } },
      ],
    };
    const status = evaluate(
      world({
        persistentVolumeClaims: [...stsPvcs(), wal],
        schedules: [
          schedule('orders-hourly', '0 * * * *', both),
          schedule('orders-wal-daily', '0 3 * * *', dailyWal),
        ],
        backups: [
          backup('orders-hourly-1', 20, 'Completed', both),
          backup(
            'orders-wal-daily-1',
            9 * 60,
            'Completed',
            dailyWal,
            'orders-wal-daily',
          ),
        ],
      }),
    );
    expect(codes(status)).not.toContain('cadence-too-slow');
    expect(status.coverage.map(c => c.cadenceSeconds)).toEqual([
      3600, 3600, 3600,
    ]);
    expect(status.verdict).toBe('compliant');
  });
});

describe('the service’s PVCs and Velero’s label selector', () => {
  // A schedule selecting the kubernetes-id label: the StatefulSet carries it; its PVCs (their
  // own labels: the template's and the selector's) do not.
  const byId = { ...moving, labelSelector: { matchLabels: idLabels } };

  it('leaves the PVCs uncovered when neither they nor their pods carry the selected labels', () => {
    const status = evaluate(
      world({
        schedules: [schedule('orders-hourly', '0 * * * *', byId)],
        backups: [backup('orders-hourly-1', 20, 'Completed', byId)],
      }),
    );
    expect(status.coverage.map(c => c.coveredBy)).toEqual([[], []]);
    expect(reason(status, 'pvc-uncovered', 'data-orders-db-0').severity).toBe(
      'breach',
    );
    expect(status.achievedRpoSeconds).toBeNull();
  });

  it('covers them through their pods when the pod template carries the selected labels', () => {
    const sts = statefulSet();
    sts.spec!.template!.metadata!.labels = { app: 'orders', ...idLabels };
    const status = evaluate(
      world({
        statefulSets: [sts],
        schedules: [schedule('orders-hourly', '0 * * * *', byId)],
        backups: [backup('orders-hourly-1', 20, 'Completed', byId)],
      }),
    );
    expect(status.coverage.map(c => c.coveredBy.map(b => b.name))).toEqual([
      ['orders-hourly'],
      ['orders-hourly'],
    ]);
    expect(status.achievedRpoSeconds).toBe(1200);
    expect(status.verdict).toBe('compliant');
  });
});

describe('phases', () => {
  it('gives a Schedule in FailedValidation its own reason; it covers nothing', () => {
    const failed = schedule('orders-hourly', '0 * * * *', moving, {
      status: {
        phase: 'FailedValidation',
        validationErrors: [
          'invalid schedule: expected exactly 5 fields, found 6',
        ],
      },
    });
    const status = evaluate(world({ schedules: [failed] }));
    const r = reason(status, 'schedule-failed-validation', 'orders-hourly');
    expect(r.severity).toBe('risk');
    expect(r.message).toContain('expected exactly 5 fields');
    expect(status.coverage.every(c => c.coveredBy.length === 0)).toBe(true);
    expect(reason(status, 'pvc-uncovered', 'data-orders-db-0').severity).toBe(
      'breach',
    );
  });

  it('covers with the same Schedule Enabled', () => {
    const status = evaluate(world());
    expect(codes(status)).toEqual([]);
    expect(status.coverage[0].coveredBy).toMatchObject([
      { kind: 'Schedule', name: 'orders-hourly' },
    ]);
  });

  it('never counts New, InProgress, WaitingForPluginOperations or Finalizing backups, and does not call them failures', () => {
    for (const phase of [
      'New',
      'InProgress',
      'WaitingForPluginOperations',
      'Finalizing',
    ]) {
      const status = evaluate(
        world({
          backups: [
            backup('orders-hourly-2', 2, phase),
            backup('orders-hourly-1', 20),
          ],
        }),
      );
      expect(status.achievedRpoSeconds).toBe(1200);
      expect(
        status.recoveryPoints.find(p => p.name === 'orders-hourly-2'),
      ).toMatchObject({
        counted: false,
        reason: `backup is ${phase}, not Completed`,
      });
      expect(codes(status)).not.toContain('newest-backup-failed');
    }
  });

  it.each([
    'WaitingForPluginOperationsPartiallyFailed',
    'FinalizingPartiallyFailed',
    'PartiallyFailed',
    'Failed',
  ])('flags a newest backup in %s (newest-backup-failed)', phase => {
    const status = evaluate(
      world({
        backups: [
          backup('orders-hourly-2', 10, phase),
          backup('orders-hourly-1', 70),
        ],
      }),
      {},
      { rpoSeconds: 2 * 3600 },
    );
    const r = reason(status, 'newest-backup-failed', 'orders-hourly-2');
    expect(r).toMatchObject({
      severity: 'risk',
      object: { kind: 'Backup', cluster: 'prod-eu' },
    });
    expect(r.message).toContain(phase);
    expect(status.achievedRpoSeconds).toBe(4200);
  });

  it('does not flag an older failed backup when the newest one completed', () => {
    const status = evaluate(
      world({
        backups: [
          backup('orders-hourly-2', 20),
          backup(
            'orders-hourly-1',
            80,
            'WaitingForPluginOperationsPartiallyFailed',
          ),
        ],
      }),
    );
    expect(codes(status)).toEqual([]);
  });

  it('puts schedules writing to a ReadOnly location at risk', () => {
    const status = evaluate(
      world({
        backupStorageLocations: [bsl('Available', { accessMode: 'ReadOnly' })],
      }),
    );
    const r = reason(status, 'schedule-location-readonly', 'orders-hourly');
    expect(r.severity).toBe('risk');
    expect(r.message).toContain('ReadOnly');
    expect(status.verdict).toBe('at-risk');
  });

  it('has no such reason for a ReadWrite location', () => {
    expect(codes(evaluate(world()))).not.toContain(
      'schedule-location-readonly',
    );
  });
});

describe('where the location lives', () => {
  it('makes the backups of a location served from inside the cluster local points', () => {
    const inCluster = bsl('Available', {
      provider: 'aws',
      config: {
        region: 'minio',
        s3ForcePathStyle: 'true',
        s3Url: 'http://minio.velero.svc:9000',
      },
    });
    const status = evaluate(world({ backupStorageLocations: [inCluster] }));
    expect(status.achievedRpoSeconds).toBeNull();
    expect(status.recoveryPoints[0]).toMatchObject({
      usable: true,
      counted: false,
      reason:
        'BackupStorageLocation default dies with prod-eu: its s3Url http://minio.velero.svc:9000 is inside the cluster',
    });
    expect(
      reason(status, 'storage-location-in-cluster', 'default').severity,
    ).toBe('risk');
    expect(reason(status, 'pvc-local-only', 'data-orders-db-0').severity).toBe(
      'breach',
    );
    expect(status.verdict).toBe('breached');
  });

  it('counts the backups of a location outside the cluster', () => {
    const outside = bsl('Available', {
      config: {
        region: 'eu-west-1',
        s3Url: 'https://s3.eu-west-1.amazonaws.com',
      },
    });
    const status = evaluate(world({ backupStorageLocations: [outside] }));
    expect(status.achievedRpoSeconds).toBe(1200);
    expect(status.verdict).toBe('compliant');
  });
});

describe('clocks', () => {
  it('does not count a point 10 minutes ahead of now, and says there is clock skew', () => {
    const status = evaluate(
      world({
        backups: [
          backup('orders-hourly-2', -10),
          backup('orders-hourly-1', 20),
        ],
      }),
    );
    expect(status.achievedRpoSeconds).toBe(1200);
    expect(
      status.recoveryPoints.find(p => p.name === 'orders-hourly-2'),
    ).toMatchObject({ counted: false });
    const r = reason(status, 'clock-skew', 'prod-eu');
    expect(r.message).toContain('orders-hourly-2');
    expect(r.severity).toBe('risk');
  });

  it('counts a point 4 minutes ahead (within the skew) with an RPO of 0', () => {
    const status = evaluate(
      world({
        backups: [backup('orders-hourly-2', -4), backup('orders-hourly-1', 20)],
      }),
    );
    expect(status.achievedRpoSeconds).toBe(0);
    expect(codes(status)).not.toContain('clock-skew');
  });

  it('counts a point exactly 5 minutes ahead, not one 5 minutes and 1 second ahead', () => {
    const edge = backup('orders-hourly-2', -5);
    expect(evaluate(world({ backups: [edge] })).achievedRpoSeconds).toBe(0);
    const beyond = backup('orders-hourly-2', -5 - 1 / 60);
    const status = evaluate(world({ backups: [beyond] }));
    expect(status.achievedRpoSeconds).toBeNull();
    expect(codes(status)).toContain('clock-skew');
  });

  it('does not count a VolSync sync that starts in the future', () => {
    const status = evaluate(
      world({
        backups: [],
        replicationSources: [
          replicationSource('data-orders-db-0', -20),
          replicationSource('data-orders-db-1', 3),
        ],
      }),
    );
    expect(status.coverage[0].newestPoint).toBeNull();
    expect(reason(status, 'clock-skew', 'prod-eu')).toBeDefined();
  });
});

describe('VolSync', () => {
  const replicated = (sources: ReplicationSource[]) =>
    world({ backups: [], schedules: [], replicationSources: sources });
  // No backup to restore: the drill evidence is a completed drill run of the suite.
  const evaluateWithDrill = (clusters: ClusterEvidence[]) =>
    evaluateDrStatus({
      declaration: declaration(),
      target: { id: ID, namespace: NS },
      clusters,
      now: NOW,
      runs: [
        {
          id: 'drill-2026-11-01',
          type: 'drill',
          status: 'completed',
          startedAt: '2026-11-01T10:00:00Z',
          verifiedAt: '2026-11-01T10:20:00Z',
        },
      ],
    });

  it('counts the start of each PVC’s last sync and is healthy while waiting for the schedule', () => {
    const status = evaluateWithDrill(
      replicated([
        replicationSource('data-orders-db-0', 3),
        replicationSource('data-orders-db-1', 2),
      ]),
    );
    expect(status.achievedRpoSeconds).toBe(240);
    expect(status.replication.map(r => r.healthy)).toEqual([true, true]);
    expect(status.verdict).toBe('compliant');
  });

  it('keeps a paused source’s last point, with replication-paused', () => {
    const status = evaluateWithDrill(
      replicated([
        replicationSource('data-orders-db-0', 3, { paused: true }),
        replicationSource('data-orders-db-1', 2),
      ]),
    );
    expect(status.achievedRpoSeconds).toBe(240);
    const r = reason(status, 'replication-paused', 'data-orders-db-0-to-dr-us');
    expect(r).toMatchObject({
      severity: 'risk',
      object: { kind: 'ReplicationSource', cluster: 'prod-eu' },
    });
    expect(status.verdict).toBe('at-risk');
  });

  it('flags a source with only a manual trigger (replication-manual)', () => {
    const status = evaluateWithDrill(
      replicated([
        replicationSource('data-orders-db-0', 3, {
          trigger: { manual: 'sync-2026-11-25' },
        }),
        replicationSource('data-orders-db-1', 2),
      ]),
    );
    expect(status.achievedRpoSeconds).toBe(240);
    expect(
      reason(status, 'replication-manual', 'data-orders-db-0-to-dr-us')
        .severity,
    ).toBe('risk');
  });

  it('flags a source whose Synchronizing condition is False with reason Error (replication-failing)', () => {
    const status = evaluateWithDrill(
      replicated([
        replicationSource('data-orders-db-0', 3, {}, [
          {
            type: 'Synchronizing',
            status: 'False',
            reason: 'Error',
            message: 'mover job failed: connection refused',
            lastTransitionTime: at(1),
          },
        ]),
        replicationSource('data-orders-db-1', 2),
      ]),
    );
    expect(status.achievedRpoSeconds).toBe(240);
    const r = reason(
      status,
      'replication-failing',
      'data-orders-db-0-to-dr-us',
    );
    expect(r.message).toContain('connection refused');
    expect(status.replication[0].healthy).toBe(false);
  });

  it('is healthy with Synchronizing True (a sync in progress)', () => {
    const status = evaluateWithDrill(
      replicated([
        replicationSource('data-orders-db-0', 3, {}, [
          {
            type: 'Synchronizing',
            status: 'True',
            reason: 'SyncInProgress',
            message: 'Synchronization in-progress',
            lastTransitionTime: at(0),
          },
        ]),
        replicationSource('data-orders-db-1', 2),
      ]),
    );
    expect(codes(status)).toEqual([]);
  });

  it('takes the newest successful sync over a PVC’s sources', () => {
    const older = replicationSource('data-orders-db-0', 30);
    const newer = {
      ...replicationSource('data-orders-db-0', 2),
      metadata: { name: 'data-orders-db-0-to-dr-us-b', namespace: NS },
    };
    const status = evaluateWithDrill(
      replicated([older, newer, replicationSource('data-orders-db-1', 2)]),
    );
    expect(status.coverage[0]).toMatchObject({
      achievedRpoSeconds: 180,
      newestPoint: { name: 'data-orders-db-0-to-dr-us-b' },
    });
  });
});

describe('CloudNativePG', () => {
  // The primary: its instances' PVCs carry cnpg.io/cluster.
  const pgPrimary = (): ClusterObjects => ({
    statefulSets: [],
    postgresClusters: [pgCluster('orders-pg')],
    persistentVolumeClaims: ['orders-pg-1', 'orders-pg-1-wal'].map(name =>
      pvc(name, { ...idLabels, 'cnpg.io/cluster': 'orders-pg' }),
    ),
    schedules: [
      schedule('orders-hourly', '0 * * * *', {
        ...moving,
        labelSelector: undefined,
      }),
    ],
    backups: [
      backup('orders-hourly-1', 50, 'Completed', {
        ...moving,
        labelSelector: undefined,
      }),
    ],
  });
  const withLag = (
    replica: PostgresCluster,
    lag?: number,
  ): ClusterEvidence[] => {
    const clusters = world(pgPrimary(), { postgresClusters: [replica] });
    if (lag !== undefined) {
      clusters[1].postgresReplicationLagSeconds = {
        [`${NS}/${replica.metadata.name}`]: lag,
      };
    }
    return clusters;
  };

  it('reads `enabled` unset with `primary` naming another cluster as a replica', () => {
    const status = evaluate(
      withLag(
        pgCluster('orders-pg-dr', {
          primary: 'orders-pg',
          source: 'orders-pg',
        }),
        12,
      ),
    );
    expect(status.achievedRpoSeconds).toBe(12);
    expect(status.coverage.map(c => c.newestPoint?.source)).toEqual([
      'cnpg-replica',
      'cnpg-replica',
    ]);
    expect(codes(status)).not.toContain('postgres-not-replica');
  });

  it('reads `primary` naming the Cluster itself as not a replica (it was promoted)', () => {
    const status = evaluate(
      withLag(
        pgCluster('orders-pg-dr', {
          primary: 'orders-pg-dr',
          source: 'orders-pg',
        }),
        12,
      ),
    );
    expect(status.achievedRpoSeconds).toBe(50 * 60);
    expect(
      reason(status, 'postgres-not-replica', 'orders-pg-dr').severity,
    ).toBe('risk');
  });

  it('reads `primary` naming `self` as not a replica', () => {
    const status = evaluate(
      withLag(
        pgCluster('orders-pg-dr', {
          self: 'orders-pg-dr-us',
          primary: 'orders-pg-dr-us',
          source: 'orders-pg',
        }),
        12,
      ),
    );
    expect(codes(status)).toContain('postgres-not-replica');
  });

  it('lets `enabled: false` win over a `primary` naming another cluster', () => {
    const status = evaluate(
      withLag(
        pgCluster('orders-pg-dr', {
          enabled: false,
          primary: 'orders-pg',
          source: 'orders-pg',
        }),
        12,
      ),
    );
    expect(status.achievedRpoSeconds).toBe(50 * 60);
    expect(
      reason(status, 'postgres-not-replica', 'orders-pg-dr'),
    ).toBeDefined();
  });

  it('gives no point for an unmeasured lag, never one at now (replication-lag-unknown)', () => {
    const status = evaluate(
      withLag(
        pgCluster('orders-pg-dr', { enabled: true, source: 'orders-pg' }),
      ),
    );
    expect(status.achievedRpoSeconds).toBe(50 * 60);
    expect(status.recoveryPoints.some(p => p.source === 'cnpg-replica')).toBe(
      false,
    );
    expect(
      reason(status, 'replication-lag-unknown', 'orders-pg-dr').severity,
    ).toBe('risk');
    expect(status.replication[0]).toMatchObject({
      kind: 'Cluster',
      lagSeconds: null,
      healthy: false,
    });
  });
});

describe('drills', () => {
  it('counts a restore of the service’s backup into an isolated namespace', () => {
    const status = evaluate(world());
    expect(status.lastDrill).toMatchObject({
      kind: 'Restore',
      name: 'orders-drill',
      cluster: 'dr-us',
      measuredRtoSeconds: 1500,
    });
  });

  it('does not count a restore of another namespace', () => {
    const other = restore('billing-drill', {
      backupName: 'orders-hourly-1',
      includedNamespaces: ['billing'],
    });
    const status = evaluate(world({}, { restores: [other] }));
    expect(status.lastDrill).toBeNull();
    expect(reason(status, 'never-drilled', 'dr-us').severity).toBe('risk');
  });

  it('does not count a restore of a backup whose name only looks like the service’s', () => {
    const status = evaluate(
      world({}, { restores: [drill('orders-hourly-10')] }),
    );
    expect(status.lastDrill).toBeNull();
    expect(codes(status)).toEqual(['never-drilled']);
  });

  it('counts a restore by spec.scheduleName of a schedule that covers the service', () => {
    const fromSchedule = restore('orders-quarterly-drill', {
      scheduleName: 'orders-hourly',
      namespaceMapping: { [NS]: 'commerce-drill' },
    });
    const status = evaluate(world({}, { restores: [fromSchedule] }));
    expect(status.lastDrill).toMatchObject({ name: 'orders-quarterly-drill' });
  });

  it('does not count a restore by the name of a schedule that does not cover the service', () => {
    const fromOther = restore('billing-drill', {
      scheduleName: 'billing-nightly',
    });
    expect(evaluate(world({}, { restores: [fromOther] })).lastDrill).toBeNull();
  });

  it('does not count a restore made on the primary', () => {
    const status = evaluate(world({ restores: [drill()] }, { restores: [] }));
    expect(status.lastDrill).toBeNull();
    expect(codes(status)).toEqual(['never-drilled']);
  });
});

describe('the strategy is really in place', () => {
  it('breaches warm-standby with nothing replicating and no workloads on the recovery cluster', () => {
    const status = evaluate(world(), {}, { strategy: 'warm-standby' });
    const notInPlace = status.reasons.filter(
      r => r.code === 'strategy-not-in-place',
    );
    expect(notInPlace.map(r => r.message)).toEqual([
      'warm-standby declared, but nothing replicates orders-db to dr-us.',
      'warm-standby declared, but orders-db has no workloads on dr-us.',
    ]);
    expect(notInPlace.every(r => r.nextStep)).toBe(true);
    expect(status.verdict).toBe('breached');
  });

  it('accepts warm-standby with VolSync for every PVC and the workloads scaled down on the recovery cluster', () => {
    const status = evaluate(
      world(
        {
          replicationSources: [
            replicationSource('data-orders-db-0', 3),
            replicationSource('data-orders-db-1', 2),
          ],
        },
        {
          statefulSets: [statefulSet(0, 0)],
          persistentVolumeClaims: stsPvcs(),
          replicationDestinations: [
            {
              apiVersion: 'volsync.backube/v1alpha1',
              kind: 'ReplicationDestination',
              metadata: {
                name: 'data-orders-db-0-from-prod-eu',
                namespace: NS,
                labels: idLabels,
              },
            },
          ],
        },
      ),
      {},
      { strategy: 'warm-standby' },
    );
    expect(codes(status)).not.toContain('strategy-not-in-place');
    expect(status.verdict).toBe('compliant');
  });

  it('breaches warm-standby with replication but no workloads on the recovery cluster', () => {
    const status = evaluate(
      world({
        replicationSources: [
          replicationSource('data-orders-db-0', 3),
          replicationSource('data-orders-db-1', 2),
        ],
      }),
      {},
      { strategy: 'warm-standby' },
    );
    expect(reason(status, 'strategy-not-in-place', 'dr-us').message).toBe(
      'warm-standby declared, but orders-db has no workloads on dr-us.',
    );
  });

  it('accepts pilot-light when the recovery cluster has a location on the primary’s bucket', () => {
    const status = evaluate(
      world(
        {},
        {
          backupStorageLocations: [
            bsl('Available', { accessMode: 'ReadOnly' }),
          ],
        },
      ),
      {},
      { strategy: 'pilot-light' },
    );
    expect(codes(status)).not.toContain('strategy-not-in-place');
    expect(status.verdict).toBe('compliant');
  });

  it('breaches pilot-light when nothing replicates and no backup can be restored there', () => {
    const status = evaluate(world(), {}, { strategy: 'pilot-light' });
    expect(reason(status, 'strategy-not-in-place', 'dr-us').message).toBe(
      'pilot-light declared, but nothing replicates orders-db to dr-us and no backup of it can be restored there.',
    );
  });

  it('breaches active-active with 0 ready replicas on the recovery side', () => {
    const status = evaluate(
      world(
        {},
        {
          statefulSets: [statefulSet(2, 0)],
          persistentVolumeClaims: stsPvcs(),
        },
      ),
      {},
      { strategy: 'active-active' },
    );
    expect(reason(status, 'strategy-not-in-place', 'dr-us').message).toBe(
      'active-active declared, but orders-db has no ready replicas on dr-us.',
    );
    expect(status.verdict).toBe('breached');
  });

  it('accepts active-active with ready replicas on both sides', () => {
    const status = evaluate(
      world(
        {},
        {
          statefulSets: [statefulSet(2, 1)],
          persistentVolumeClaims: stsPvcs(),
        },
      ),
      {},
      { strategy: 'active-active' },
    );
    expect(codes(status)).not.toContain('strategy-not-in-place');
  });
});

describe('missed runs', () => {
  // RPO 3h, so that the RPO rules stay quiet while the schedule's runs are judged.
  const rpo = { rpoSeconds: 3 * 3600 };
  const missed = (status: DrStatus) =>
    status.reasons.filter(r => r.code === 'schedule-missed-runs');

  it('counts the runs missed since the last success when it is older than the interval plus the grace', () => {
    const status = evaluate(
      world({ backups: [backup('orders-hourly-1', 180)] }),
      {},
      { rpoSeconds: 4 * 3600 },
    );
    const r = reason(status, 'schedule-missed-runs', 'orders-hourly');
    // 09:00 succeeded; 10:00 and 11:00 were missed (12:00 is still within the grace).
    expect(r.message).toBe(
      'Schedule velero/orders-hourly on prod-eu missed 2 runs since 2026-11-25T10:00:00Z (last successful backup 2026-11-25T09:00:00Z).',
    );
    expect(r.nextStep).toContain('prod-eu');
    expect(status.schedules[0]).toMatchObject({
      missedRuns: 2,
      missedSince: '2026-11-25T10:00:00Z',
      lastSuccessfulBackup: '2026-11-25T09:00:00Z',
    });
  });

  it('reports missed runs even while the achieved RPO is within target', () => {
    const status = evaluate(
      world({ backups: [backup('orders-hourly-1', 67)] }),
      {},
      rpo,
    );
    expect(status.achievedRpoSeconds).toBe(67 * 60);
    expect(missed(status)).toHaveLength(1);
    expect(status.schedules[0].missedRuns).toBe(1);
    expect(status.verdict).toBe('at-risk');
  });

  it('has none just inside the grace (interval + max(10%, 5m) = 66m for an hourly schedule)', () => {
    const status = evaluate(
      world({ backups: [backup('orders-hourly-1', 65)] }),
      {},
      rpo,
    );
    expect(missed(status)).toEqual([]);
    expect(status.schedules[0].missedRuns).toBe(0);
  });

  it('uses a grace of 5 minutes when 10% is less (a 30-minute schedule)', () => {
    const thirty = schedule('orders-hourly', '*/30 * * * *');
    // 34 minutes: within 30m + 5m.
    expect(
      missed(
        evaluate(
          world({
            schedules: [thirty],
            backups: [backup('orders-hourly-1', 34)],
          }),
          {},
          rpo,
        ),
      ),
    ).toEqual([]);
    // 36 minutes: beyond it.
    expect(
      missed(
        evaluate(
          world({
            schedules: [thirty],
            backups: [backup('orders-hourly-1', 36)],
          }),
          {},
          rpo,
        ),
      ),
    ).toHaveLength(1);
  });

  it('has none for a paused schedule', () => {
    const paused = schedule();
    paused.spec!.paused = true;
    const status = evaluate(
      world({ schedules: [paused], backups: [backup('orders-hourly-1', 180)] }),
      {},
      { rpoSeconds: 4 * 3600 },
    );
    expect(missed(status)).toEqual([]);
    expect(reason(status, 'schedule-paused', 'orders-hourly').severity).toBe(
      'risk',
    );
  });

  it('uses the longest interval of a weekday schedule: a Friday backup is not late on Sunday', () => {
    const weekdays = schedule('orders-hourly', '0 9 * * 1-5');
    const sunday = new Date('2026-11-29T12:00:00Z');
    const friday = backup('orders-hourly-1', 0);
    friday.status!.startTimestamp = '2026-11-27T09:00:00Z';
    friday.status!.expiration = '2026-12-27T09:00:00Z';
    const status = evaluate(
      world({ schedules: [weekdays], backups: [friday] }),
      { now: sunday, runs: [] },
      { rpoSeconds: 4 * 86400 },
    );
    expect(missed(status)).toEqual([]);
  });
});

describe('unknown', () => {
  const daily = schedule('orders-hourly', '0 3 * * *');

  it('breaches a daily schedule against a 1h RPO when everything was read', () => {
    const status = evaluate(world({ schedules: [daily] }));
    expect(reason(status, 'cadence-too-slow', 'orders-hourly').severity).toBe(
      'breach',
    );
  });

  it('does not breach by cadence while the recovery cluster’s CloudNativePG Clusters could not be read', () => {
    const clusters = world({ schedules: [daily] });
    clusters[1].failures = [
      { resources: ['postgresClusters'], reason: '403 Forbidden' },
    ];
    const status = evaluate(clusters);
    expect(codes(status)).not.toContain('cadence-too-slow');
    expect(status.verdict).toBe('unknown');
    expect(reason(status, 'cluster-unreadable', 'dr-us').message).toBe(
      'Cluster dr-us could not be read: postgresClusters: 403 Forbidden',
    );
  });

  it('does not say never drilled while the recovery cluster’s Restores could not be read', () => {
    const clusters = world({}, { restores: [] });
    clusters[1].failures = [
      { resources: ['restores'], reason: '403 Forbidden' },
    ];
    const status = evaluate(clusters);
    expect(codes(status)).toEqual(['cluster-unreadable']);
    expect(status.verdict).toBe('unknown');
  });

  it('says never drilled when the Restores were read and none is a drill', () => {
    const status = evaluate(world({}, { restores: [] }));
    expect(codes(status)).toEqual(['never-drilled']);
  });

  it('is unknown, naming the field, when the service’s StatefulSet is malformed', () => {
    const sts = statefulSet();
    (sts.spec as any).volumeClaimTemplates = 'oops';
    const status = evaluate(world({ statefulSets: [sts] }));
    expect(status.verdict).toBe('unknown');
    const r = reason(status, 'malformed-object', 'orders-db');
    expect(r).toMatchObject({
      severity: 'unknown',
      object: {
        cluster: 'prod-eu',
        kind: 'StatefulSet',
        name: 'orders-db',
        field: 'spec.volumeClaimTemplates',
      },
    });
  });

  it('names a Schedule’s malformed field and reads its spec.schedule as unreadable, without crashing', () => {
    const s = schedule();
    (s.spec as any).schedule = 3600;
    const status = evaluate(world({ schedules: [s] }));
    expect(
      status.reasons.find(
        r => r.code === 'malformed-object' && r.object?.kind === 'Schedule',
      ),
    ).toMatchObject({
      severity: 'risk',
      object: { name: 'orders-hourly', field: 'spec.schedule' },
      nextStep: expect.any(String),
    });
    expect(
      reason(status, 'schedule-unreadable', 'orders-hourly').object,
    ).toMatchObject({
      field: 'spec.schedule',
    });
    expect(status.schedules[0]).toMatchObject({
      schedule: '',
      maxIntervalSeconds: null,
    });
  });
});

describe('times that do not parse', () => {
  it('never counts a backup whose startTimestamp is not a time', () => {
    const b = backup('orders-hourly-1', 20);
    b.status!.startTimestamp = 'yesterday';
    const status = evaluate(world({ backups: [b] }));
    expect(status.achievedRpoSeconds).toBeNull();
    expect(status.recoveryPoints[0]).toMatchObject({
      counted: false,
      reason: 'status.startTimestamp "yesterday" is not a time',
    });
    expect(status.recoveryPoints[0].time).toBeUndefined();
  });

  it('never counts a backup whose expiration is not a time', () => {
    const b = backup('orders-hourly-1', 20);
    b.status!.expiration = 'never';
    const status = evaluate(world({ backups: [b] }));
    expect(status.achievedRpoSeconds).toBeNull();
    expect(status.recoveryPoints[0].reason).toBe(
      'status.expiration "never" is not a time',
    );
  });

  it('never counts a VolSync sync whose lastSyncTime is not a time, and says so', () => {
    const bad = replicationSource('data-orders-db-0', 3);
    bad.status!.lastSyncTime = 'soon';
    const status = evaluate(
      world({
        backups: [],
        schedules: [],
        replicationSources: [bad, replicationSource('data-orders-db-1', 2)],
      }),
    );
    expect(status.coverage[0].newestPoint).toBeNull();
    expect(status.achievedRpoSeconds).toBeNull();
    const r = reason(status, 'malformed-object', 'data-orders-db-0-to-dr-us');
    expect(r.object?.field).toBe('status.lastSyncTime');
  });
});

describe('an invalid declaration still shows its evidence', () => {
  it('evaluates with the strategy undefined (the valid parts of the declaration)', () => {
    const { strategy: _, ...partial } = declaration();
    const status = evaluateDrStatus({
      declaration: partial,
      target: { id: ID, namespace: NS },
      clusters: world(),
      now: NOW,
    });
    expect(status.verdict).toBe('compliant');
    expect(status.achievedRpoSeconds).toBe(1200);
    expect(status.coverage).toHaveLength(2);
    expect(codes(status)).not.toContain('strategy-not-in-place');
  });

  it('still shows that no recovery point exists without a strategy', () => {
    const { strategy: _, ...partial } = declaration();
    const status = evaluateDrStatus({
      declaration: partial,
      target: { id: ID, namespace: NS },
      clusters: world({ backups: [] }),
      now: NOW,
    });
    expect(status.achievedRpoSeconds).toBeNull();
    expect(codes(status)).toContain('no-recovery-point');
  });
});
