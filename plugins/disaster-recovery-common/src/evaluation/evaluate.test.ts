import { DrDeclaration } from '../declaration';
import { TierPolicies } from '../tiers';
import { evaluateDrStatus, DrEvaluationInput } from './evaluate';
import {
  KafkaMirrorMaker2,
  PostgresCluster,
  ReplicationSource,
  VeleroBackup,
  VeleroBackupSpec,
  VeleroBackupStorageLocation,
  VeleroRestore,
  VeleroSchedule,
  VolumeSnapshot,
  Workload,
} from './kubernetes';
import { ClusterEvidence, ClusterObjects } from './types';

const NOW = new Date('2026-11-25T12:00:00Z');
const ago = (minutes: number) =>
  new Date(NOW.getTime() - minutes * 60_000)
    .toISOString()
    .replace('.000Z', 'Z');
const ahead = (minutes: number) => ago(-minutes);
const ID = 'orders-db';
const NS = 'commerce';
const labels = { 'backstage.io/kubernetes-id': ID, app: 'orders' };

const tier1 = TierPolicies.default().get('tier-1')!;
function declaration(overrides: Partial<DrDeclaration> = {}): DrDeclaration {
  return {
    tier: 'tier-1',
    policy: tier1,
    strategy: 'pilot-light',
    rpoSeconds: 3600,
    rtoSeconds: 3600,
    drillCadenceSeconds: 90 * 86400,
    primaryCluster: 'prod-eu',
    recoveryCluster: 'dr-us',
    ...overrides,
  };
}

const statefulSet: Workload = {
  metadata: { name: 'orders-db', namespace: NS, labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'orders' } },
    template: { metadata: { labels: { app: 'orders' } } },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }],
  },
  status: { readyReplicas: 2 },
};
// PVCs made from the StatefulSet's template: Kubernetes gives them the selector's matchLabels.
const pvc = (ordinal: number) => ({
  metadata: {
    name: `data-orders-db-${ordinal}`,
    namespace: NS,
    labels: { app: 'orders' },
  },
});
const location = (
  name: string,
  phase: string,
  isDefault = false,
): VeleroBackupStorageLocation => ({
  metadata: { name, namespace: 'velero' },
  spec: {
    default: isDefault,
    provider: 'aws',
    objectStorage: { bucket: `acme-velero-${name}` },
  },
  status: {
    phase,
    message: phase === 'Available' ? undefined : 'AccessDenied: s3:ListBucket',
    lastValidationTime: ago(1),
  },
});
const template: VeleroBackupSpec = {
  includedNamespaces: [NS],
  labelSelector: { matchLabels: { app: 'orders' } },
  snapshotVolumes: true,
  snapshotMoveData: true,
  ttl: '720h0m0s',
  storageLocation: 'default',
};
const schedule = (
  cron: string,
  extra: Partial<VeleroSchedule['spec']> = {},
): VeleroSchedule => ({
  metadata: { name: 'orders-hourly', namespace: 'velero' },
  spec: { schedule: cron, template, ...extra },
  status: { phase: 'Enabled' },
});
const backup = (
  name: string,
  startedMinutesAgo: number,
  phase = 'Completed',
  spec: VeleroBackupSpec = template,
): VeleroBackup => ({
  metadata: {
    name,
    namespace: 'velero',
    labels: { 'velero.io/schedule-name': 'orders-hourly' },
  },
  spec,
  status: {
    phase,
    startTimestamp: ago(startedMinutesAgo),
    completionTimestamp: ago(startedMinutesAgo - 2),
    expiration: ahead(30 * 24 * 60 - startedMinutesAgo),
    errors: phase === 'Completed' ? 0 : 3,
  },
});
const restore = (
  name: string,
  backupName: string,
  completedDaysAgo: number,
  minutes: number,
): VeleroRestore => ({
  metadata: { name, namespace: 'velero' },
  spec: { backupName },
  status: {
    phase: 'Completed',
    startTimestamp: ago(completedDaysAgo * 1440 + minutes),
    completionTimestamp: ago(completedDaysAgo * 1440),
  },
});

function evidence(
  prod: ClusterObjects,
  dr: ClusterObjects = {},
): ClusterEvidence[] {
  return [
    {
      cluster: 'prod-eu',
      objects: {
        statefulSets: [statefulSet],
        persistentVolumeClaims: [pvc(0), pvc(1)],
        backupStorageLocations: [location('default', 'Available', true)],
        schedules: [schedule('0 * * * *')],
        ...prod,
      },
    },
    {
      cluster: 'dr-us',
      objects: {
        backupStorageLocations: [location('default', 'Available', true)],
        restores: [restore('orders-drill', 'orders-hourly-1', 10, 25)],
        ...dr,
      },
    },
  ];
}

function evaluate(
  clusters: ClusterEvidence[],
  extra: Partial<DrEvaluationInput> = {},
) {
  return evaluateDrStatus({
    declaration: declaration(),
    target: { id: ID, namespace: NS },
    clusters,
    now: NOW,
    ...extra,
  });
}

const codes = (status: ReturnType<typeof evaluate>) =>
  status.reasons.map(r => r.code);

describe('evaluateDrStatus', () => {
  it('is compliant with a fresh backup, covered PVCs, a fitting schedule and a recent drill', () => {
    const status = evaluate(
      evidence({
        backups: [backup('orders-hourly-1', 20), backup('orders-hourly-0', 80)],
      }),
    );
    expect(status).toMatchObject({
      verdict: 'compliant',
      reasons: [],
      evaluatedAt: '2026-11-25T12:00:00Z',
      achievedRpoSeconds: 1200,
      measuredRtoSeconds: 1500,
      lastDrill: {
        kind: 'Restore',
        name: 'orders-drill',
        cluster: 'dr-us',
        measuredRtoSeconds: 1500,
      },
      storageLocations: [
        { cluster: 'prod-eu', name: 'default', phase: 'Available' },
      ],
      schedules: [
        {
          cluster: 'prod-eu',
          name: 'orders-hourly',
          maxIntervalSeconds: 3600,
          paused: false,
        },
      ],
    });
    expect(
      status.coverage.map(c => [c.pvc, c.coveredBy.map(b => b.name)]),
    ).toEqual([
      ['data-orders-db-0', ['orders-hourly']],
      ['data-orders-db-1', ['orders-hourly']],
    ]);
    expect(status.recoveryPoints.map(p => [p.name, p.counted, p.time])).toEqual(
      [
        ['orders-hourly-1', true, ago(20)],
        ['orders-hourly-0', true, ago(80)],
      ],
    );
  });

  describe('RPO', () => {
    it('is at risk above 80% of the target', () => {
      const status = evaluate(
        evidence({ backups: [backup('orders-hourly-1', 50)] }),
      );
      expect(status.verdict).toBe('at-risk');
      expect(status.reasons).toMatchObject([
        {
          severity: 'risk',
          code: 'rpo-near-target',
          message: 'Achieved RPO 50m is above 80% of the 1h target.',
        },
      ]);
    });

    it('honours a configured at-risk ratio', () => {
      const status = evaluate(
        evidence({ backups: [backup('orders-hourly-1', 50)] }),
        { options: { atRiskRatio: 0.9 } },
      );
      expect(status.verdict).toBe('compliant');
    });

    it('is breached above the target', () => {
      const status = evaluate(
        evidence({ backups: [backup('orders-hourly-1', 185)] }),
      );
      expect(status.verdict).toBe('breached');
      expect(status.achievedRpoSeconds).toBe(185 * 60);
      expect(status.reasons[0]).toMatchObject({
        severity: 'breach',
        code: 'rpo-exceeded',
        message:
          'Achieved RPO 3h 5m is above the 1h target (set by PVC commerce/data-orders-db-0, last copied by Backup orders-hourly-1).',
      });
    });

    it('is breached without any counted recovery point', () => {
      const status = evaluate(
        evidence({ backups: [backup('orders-hourly-1', 10, 'Failed')] }),
      );
      expect(status.verdict).toBe('breached');
      expect(status.achievedRpoSeconds).toBeNull();
      expect(codes(status)).toEqual([
        'no-recovery-point',
        'newest-backup-failed',
      ]);
      expect(status.reasons[0].message).toBe(
        'No recovery point survives the loss of prod-eu.',
      );
      expect(status.recoveryPoints[0]).toMatchObject({
        usable: false,
        counted: false,
        reason: 'backup Failed',
      });
    });
  });

  describe('Velero backups', () => {
    it('never counts a PartiallyFailed backup and flags it when newest', () => {
      const status = evaluate(
        evidence({
          backups: [
            backup('orders-hourly-2', 10, 'PartiallyFailed'),
            backup('orders-hourly-1', 30),
          ],
        }),
      );
      expect(status.verdict).toBe('at-risk');
      expect(status.achievedRpoSeconds).toBe(1800);
      expect(status.reasons).toMatchObject([
        {
          severity: 'risk',
          code: 'newest-backup-failed',
          message:
            'The newest backup, Backup velero/orders-hourly-2 on prod-eu, is PartiallyFailed with 3 errors.',
          nextStep: expect.stringContaining(
            'velero backup logs orders-hourly-2',
          ),
          object: {
            cluster: 'prod-eu',
            kind: 'Backup',
            name: 'orders-hourly-2',
          },
        },
      ]);
    });

    it('counts PartiallyFailed backups when configured to', () => {
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-2', 10, 'PartiallyFailed')],
        }),
        {
          options: { countPartiallyFailedBackups: true },
        },
      );
      expect(status.achievedRpoSeconds).toBe(600);
    });

    it('skips backups that are in progress or expired', () => {
      const expired = backup('orders-hourly-0', 20);
      expired.status!.expiration = ago(1);
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-1', 5, 'InProgress'), expired],
        }),
      );
      expect(status.achievedRpoSeconds).toBeNull();
      expect(status.recoveryPoints.map(p => p.reason)).toEqual([
        'backup is InProgress, not Completed',
        `backup expired at ${ago(1)}`,
      ]);
    });

    it('does not count backups on an unavailable storage location', () => {
      const onSecondary = backup('orders-hourly-1', 10, 'Completed', {
        ...template,
        storageLocation: 'secondary',
      });
      const status = evaluate(
        evidence({
          backups: [onSecondary],
          backupStorageLocations: [
            location('default', 'Available', true),
            location('secondary', 'Unavailable'),
          ],
        }),
      );
      expect(status.verdict).toBe('breached');
      expect(status.recoveryPoints[0].reason).toBe(
        'BackupStorageLocation secondary on prod-eu is Unavailable',
      );
      expect(status.reasons).toContainEqual(
        expect.objectContaining({
          severity: 'risk',
          code: 'storage-location-unavailable',
          message:
            'BackupStorageLocation secondary on prod-eu is Unavailable: AccessDenied: s3:ListBucket.',
        }),
      );
    });

    it('uses the default storage location when the backup names none', () => {
      const { storageLocation: _, ...unnamed } = template;
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-1', 10, 'Completed', unnamed)],
          backupStorageLocations: [location('primary', 'Available', true)],
        }),
      );
      expect(status.recoveryPoints[0]).toMatchObject({
        counted: true,
        storageLocation: 'primary',
      });
    });

    it.each([
      [
        'excludes the namespace',
        { ...template, includedNamespaces: ['*'], excludedNamespaces: [NS] },
      ],
      [
        'includes another namespace only',
        { ...template, includedNamespaces: ['payments'] },
      ],
      [
        'selects other labels',
        { ...template, labelSelector: { matchLabels: { app: 'billing' } } },
      ],
      [
        'includes other resources only',
        { ...template, includedResources: ['configmaps'] },
      ],
    ])('ignores a backup whose spec %s', (_what, spec) => {
      const status = evaluate(
        evidence({ backups: [backup('other', 5, 'Completed', spec)] }),
      );
      expect(status.recoveryPoints).toEqual([]);
    });

    it('takes in a backup through orLabelSelectors or a wildcard namespace', () => {
      const spec = {
        ...template,
        includedNamespaces: ['*'],
        labelSelector: undefined,
        orLabelSelectors: [
          { matchLabels: { app: 'billing' } },
          { matchLabels: { app: 'orders' } },
        ],
      };
      const status = evaluate(
        evidence({ backups: [backup('all-apps', 5, 'Completed', spec)] }),
      );
      expect(status.recoveryPoints.map(p => p.name)).toEqual(['all-apps']);
    });

    it('counts a backup synced into both clusters once', () => {
      const status = evaluate(
        evidence(
          { backups: [backup('orders-hourly-1', 10)] },
          { backups: [backup('orders-hourly-1', 10)] },
        ),
      );
      expect(status.recoveryPoints).toHaveLength(1);
      expect(status.recoveryPoints[0].cluster).toBe('prod-eu');
    });
  });

  describe('coverage and cadence', () => {
    it('is breached when a PVC is not covered', () => {
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-1', 10)],
          persistentVolumeClaims: [
            pvc(0),
            {
              metadata: {
                name: 'wal-orders',
                namespace: NS,
                labels: { 'backstage.io/kubernetes-id': ID },
              },
            },
          ],
        }),
      );
      expect(status.verdict).toBe('breached');
      expect(status.reasons).toMatchObject([
        {
          severity: 'breach',
          code: 'pvc-uncovered',
          message:
            'PVC commerce/wal-orders on prod-eu is not covered by any backup schedule, VolSync ReplicationSource or replica.',
          object: { kind: 'PersistentVolumeClaim', name: 'wal-orders' },
        },
      ]);
    });

    it('does not count a schedule that skips volumes as coverage', () => {
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-1', 10)],
          schedules: [
            {
              ...schedule('0 * * * *'),
              spec: {
                schedule: '0 * * * *',
                template: { ...template, snapshotVolumes: false },
              },
            },
          ],
        }),
      );
      expect(codes(status)).toEqual(['pvc-uncovered', 'pvc-uncovered']);
    });

    it('counts file-system backup as coverage', () => {
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-1', 10)],
          schedules: [
            {
              ...schedule('0 * * * *'),
              spec: {
                schedule: '0 * * * *',
                template: {
                  ...template,
                  snapshotVolumes: false,
                  defaultVolumesToFsBackup: true,
                },
              },
            },
          ],
        }),
      );
      expect(status.verdict).toBe('compliant');
    });

    it('is at risk with a paused schedule', () => {
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-1', 10)],
          schedules: [schedule('0 * * * *', { paused: true })],
        }),
      );
      expect(status.verdict).toBe('at-risk');
      expect(status.reasons).toMatchObject([
        {
          severity: 'risk',
          code: 'schedule-paused',
          message:
            'Schedule velero/orders-hourly on prod-eu is paused: it takes no new backups.',
        },
      ]);
      expect(status.coverage[0].coveredBy).toEqual([
        {
          kind: 'Schedule',
          name: 'orders-hourly',
          paused: true,
          offCluster: true,
        },
      ]);
    });

    it('is breached when backups alone run less often than the RPO', () => {
      const status = evaluateDrStatus({
        declaration: declaration({ rpoSeconds: 900 }),
        target: { id: ID, namespace: NS },
        clusters: evidence({ backups: [backup('orders-hourly-1', 5)] }),
        now: NOW,
      });
      expect(status.verdict).toBe('breached');
      expect(status.reasons).toMatchObject([
        {
          severity: 'breach',
          code: 'cadence-too-slow',
          message:
            'Schedule orders-hourly on prod-eu is the fastest copy of PVCs commerce/data-orders-db-0, commerce/data-orders-db-1, and runs only every 1h; the RPO target is 15m.',
        },
      ]);
    });
  });

  describe('whose backup', () => {
    it('does not count a backup synced into the primary from the recovery cluster’s own schedule', () => {
      const synced = backup('dr-us-own-1', 10);
      synced.metadata.labels = { 'velero.io/schedule-name': 'dr-us-own' };
      const drSchedule = schedule('*/5 * * * *');
      drSchedule.metadata.name = 'dr-us-own';
      const status = evaluate(
        evidence(
          { backups: [synced, backup('orders-hourly-1', 50)] },
          { schedules: [drSchedule] },
        ),
      );
      expect(status.achievedRpoSeconds).toBe(50 * 60);
      expect(
        status.recoveryPoints.find(p => p.name === 'dr-us-own-1'),
      ).toMatchObject({
        counted: false,
        reason: expect.stringContaining('made by Velero on dr-us'),
      });
    });

    it('counts a recovery cluster’s copy of a primary backup once, by the copy that counts', () => {
      const primaryCopy = backup('orders-hourly-1', 10);
      primaryCopy.spec = { ...template, storageLocation: 'secondary' };
      const drCopy = backup('orders-hourly-1', 10);
      const status = evaluate(
        evidence(
          {
            backups: [primaryCopy],
            backupStorageLocations: [
              location('default', 'Available', true),
              location('secondary', 'Unavailable'),
            ],
          },
          { backups: [drCopy] },
        ),
      );
      expect(status.achievedRpoSeconds).toBe(600);
      expect(
        status.recoveryPoints.filter(p => p.name === 'orders-hourly-1'),
      ).toEqual([expect.objectContaining({ cluster: 'dr-us', counted: true })]);
      expect(codes(status)).toContain('primary-location-unavailable');
    });
  });

  describe('strategy and missed runs', () => {
    const deployment: Workload = {
      metadata: { name: 'orders-api', namespace: NS, labels },
      spec: { replicas: 2, template: { metadata: { labels } } },
      status: { readyReplicas: 2 },
    };

    it('needs only the workloads on the recovery cluster for a warm standby without volumes', () => {
      const stateless = (dr: ClusterObjects) =>
        evaluateDrStatus({
          declaration: declaration({ strategy: 'warm-standby' }),
          target: { id: ID, namespace: NS },
          clusters: evidence(
            {
              statefulSets: [],
              deployments: [deployment],
              persistentVolumeClaims: [],
              backups: [backup('orders-hourly-1', 10)],
            },
            dr,
          ),
          now: NOW,
        });
      expect(codes(stateless({}))).toEqual(['strategy-not-in-place']);
      expect(
        codes(
          stateless({
            deployments: [{ ...deployment, spec: { replicas: 0 } }],
          }),
        ),
      ).toEqual([]);
    });

    it('says a schedule’s runs fail, rather than that Velero is down, when they ran and failed', () => {
      const status = evaluate(
        evidence({
          backups: [
            backup('orders-hourly-2', 30, 'PartiallyFailed'),
            backup('orders-hourly-1', 200),
          ],
        }),
      );
      const missed = status.reasons.find(
        r => r.code === 'schedule-missed-runs',
      );
      expect(missed?.message).toContain(
        'its runs fail (newest: Backup orders-hourly-2 PartiallyFailed)',
      );
      expect(missed?.nextStep).toContain(
        'velero backup describe orders-hourly-2',
      );
      const down = evaluate(
        evidence({ backups: [backup('orders-hourly-1', 200)] }),
      ).reasons.find(r => r.code === 'schedule-missed-runs');
      // Last success 08:40; runs at 09:00, 10:00 and 11:00 are past the 6-minute grace.
      expect(down?.message).toMatch(/missed 3 runs since 2026-11-25T09:00:00Z/);
      expect(down?.nextStep).toContain('Velero on prod-eu may be down');
    });
  });

  describe('replication', () => {
    const source = (
      claim: string,
      lastSyncMinutesAgo: number,
      duration = '1m0s',
    ): ReplicationSource => ({
      metadata: { name: `${claim}-to-dr`, namespace: NS },
      spec: { sourcePVC: claim, trigger: { schedule: '*/10 * * * *' } },
      status: {
        lastSyncTime: ago(lastSyncMinutesAgo),
        lastSyncDuration: duration,
      },
    });

    it('takes the oldest sync start over every PVC as the VolSync point and lifts the cadence rule', () => {
      const status = evaluateDrStatus({
        declaration: declaration({ rpoSeconds: 900 }),
        target: { id: ID, namespace: NS },
        clusters: evidence({
          backups: [backup('orders-hourly-1', 50)],
          replicationSources: [
            source('data-orders-db-0', 3),
            source('data-orders-db-1', 6, '2m30s'),
          ],
        }),
        now: NOW,
      });
      expect(status.achievedRpoSeconds).toBe(8.5 * 60);
      // Per PVC: its newest counted point; the worst PVC sets the achieved RPO.
      expect(
        status.coverage.map(c => [c.pvc, c.newestPoint, c.achievedRpoSeconds]),
      ).toEqual([
        [
          'data-orders-db-0',
          {
            time: ago(4),
            source: 'volsync',
            kind: 'ReplicationSource',
            name: 'data-orders-db-0-to-dr',
            namespace: NS,
            cluster: 'dr-us',
          },
          240,
        ],
        [
          'data-orders-db-1',
          expect.objectContaining({ time: ago(8.5), source: 'volsync' }),
          510,
        ],
      ]);
      expect(status.verdict).toBe('compliant');
      expect(status.replication.map(r => [r.name, r.lagSeconds])).toEqual([
        ['data-orders-db-0-to-dr', 240],
        ['data-orders-db-1-to-dr', 510],
      ]);
    });

    it('gives no replication point when a PVC is not replicated', () => {
      const status = evaluate(
        evidence({ replicationSources: [source('data-orders-db-0', 3)] }),
      );
      expect(status.recoveryPoints.filter(p => p.source === 'volsync')).toEqual(
        [],
      );
      expect(codes(status)).toContain('no-recovery-point');
    });

    it('flags a paused ReplicationSource', () => {
      const paused = source('data-orders-db-0', 3);
      paused.spec!.paused = true;
      const status = evaluate(
        evidence({
          backups: [backup('orders-hourly-1', 10)],
          replicationSources: [paused],
        }),
      );
      expect(codes(status)).toEqual(['replication-paused']);
    });

    const replica = (ready: boolean): PostgresCluster => ({
      metadata: { name: 'orders-db', namespace: NS, labels },
      spec: { replica: { enabled: true, source: 'orders-db-prod-eu' } },
      status: {
        phase: 'Cluster in healthy state',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    });

    // A CloudNativePG primary: its instances' PVCs carry cnpg.io/cluster (no StatefulSet).
    const pgPrimary = (): ClusterObjects => ({
      statefulSets: [],
      postgresClusters: [
        {
          metadata: { name: 'orders-db', namespace: NS, labels },
          status: { phase: 'Cluster in healthy state' },
        },
      ],
      persistentVolumeClaims: ['orders-db-1', 'orders-db-1-wal'].map(name => ({
        metadata: {
          name,
          namespace: NS,
          labels: { ...labels, 'cnpg.io/cluster': 'orders-db' },
        },
      })),
      backups: [backup('orders-hourly-1', 50)],
    });

    it('counts a CloudNativePG replica at now − its measured lag', () => {
      const clusters = evidence(pgPrimary(), {
        postgresClusters: [replica(true)],
      });
      clusters[1].postgresReplicationLagSeconds = { 'commerce/orders-db': 12 };
      const status = evaluate(clusters);
      expect(status.achievedRpoSeconds).toBe(12);
      expect(status.verdict).toBe('compliant');
      expect(status.coverage.map(c => c.newestPoint?.source)).toEqual([
        'cnpg-replica',
        'cnpg-replica',
      ]);
    });

    it('gives a replica’s point only to the volumes of the Cluster it follows', () => {
      const objects = pgPrimary();
      objects.persistentVolumeClaims!.push({
        metadata: {
          name: 'audit-db-1',
          namespace: NS,
          labels: { ...labels, 'cnpg.io/cluster': 'audit-db' },
        },
      });
      const clusters = evidence(objects, { postgresClusters: [replica(true)] });
      clusters[1].postgresReplicationLagSeconds = { 'commerce/orders-db': 12 };
      const status = evaluate(clusters);
      // audit-db has no replica: only the 50-minute-old backup protects it.
      expect(
        Object.fromEntries(
          status.coverage.map(c => [c.pvc, c.newestPoint?.source]),
        ),
      ).toEqual({
        'orders-db-1': 'cnpg-replica',
        'orders-db-1-wal': 'cnpg-replica',
        'audit-db-1': 'velero-backup',
      });
      expect(status.achievedRpoSeconds).toBe(50 * 60);
    });

    it('gives no point for an unmeasured lag, and none for a Cluster that is no longer a replica', () => {
      const unmeasured = evaluate(
        evidence(pgPrimary(), { postgresClusters: [replica(true)] }),
      );
      // The Velero backup (50m, every PVC moved off) is the newest counted point, not `now`.
      expect(unmeasured.achievedRpoSeconds).toBe(50 * 60);
      expect(codes(unmeasured)).toContain('replication-lag-unknown');

      const promoted = replica(true);
      promoted.spec = {
        replica: { enabled: false, source: 'orders-db-prod-eu' },
      };
      const clusters = evidence(pgPrimary(), { postgresClusters: [promoted] });
      clusters[1].postgresReplicationLagSeconds = { 'commerce/orders-db': 1 };
      const status = evaluate(clusters);
      expect(status.achievedRpoSeconds).toBe(50 * 60);
      expect(codes(status)).toContain('postgres-not-replica');
    });

    it('is at risk when a replica lag is not measured, and when the replica is failing', () => {
      expect(
        codes(
          evaluate(
            evidence(
              { backups: [backup('orders-hourly-1', 10)] },
              { postgresClusters: [replica(true)] },
            ),
          ),
        ),
      ).toEqual(['replication-lag-unknown']);
      const failing = evaluate(
        evidence(
          { backups: [backup('orders-hourly-1', 10)] },
          { postgresClusters: [replica(false)] },
        ),
      );
      expect(codes(failing)).toEqual(['replication-failing']);
      expect(failing.achievedRpoSeconds).toBe(600);
    });

    it('reports the failed connectors and tasks of MirrorMaker 2', () => {
      const mm2: KafkaMirrorMaker2 = {
        metadata: { name: 'orders-mirror', namespace: NS, labels },
        status: {
          conditions: [{ type: 'Ready', status: 'False' }],
          connectors: [
            {
              name: 'prod-eu->dr-us.MirrorSourceConnector',
              connector: { state: 'FAILED' },
              tasks: [{ id: 0, state: 'FAILED' }],
            },
          ],
        },
      };
      const status = evaluate(
        evidence(
          { backups: [backup('orders-hourly-1', 10)] },
          { mirrorMakers: [mm2] },
        ),
      );
      expect(status.replication[0]).toMatchObject({
        kind: 'KafkaMirrorMaker2',
        healthy: false,
        message:
          'connector prod-eu->dr-us.MirrorSourceConnector FAILED, task prod-eu->dr-us.MirrorSourceConnector/0 FAILED',
      });
      expect(codes(status)).toEqual(['replication-failing']);
    });
  });

  it('shows CSI snapshots as local points that never count', () => {
    const snapshot: VolumeSnapshot = {
      metadata: { name: 'data-orders-db-0-snap', namespace: NS },
      spec: { source: { persistentVolumeClaimName: 'data-orders-db-0' } },
      status: { readyToUse: true, creationTime: ago(1) },
    };
    const status = evaluate(
      evidence({
        backups: [backup('orders-hourly-1', 30)],
        volumeSnapshots: [snapshot],
      }),
    );
    expect(status.achievedRpoSeconds).toBe(1800);
    expect(status.recoveryPoints[0]).toMatchObject({
      source: 'volume-snapshot',
      usable: true,
      counted: false,
      reason:
        'local to prod-eu: good against corruption, lost with the cluster',
    });
  });

  describe('drills', () => {
    it('is at risk when never drilled', () => {
      const status = evaluate(
        evidence(
          { backups: [backup('orders-hourly-1', 10)] },
          { restores: [] },
        ),
      );
      expect(status.verdict).toBe('at-risk');
      expect(codes(status)).toEqual(['never-drilled']);
      expect(status.lastDrill).toBeNull();
    });

    it('is at risk when the last drill is older than the drill cadence', () => {
      const status = evaluate(
        evidence(
          { backups: [backup('orders-hourly-1', 10)] },
          { restores: [restore('old', 'orders-hourly-1', 100, 20)] },
        ),
      );
      expect(status.reasons).toMatchObject([
        {
          severity: 'risk',
          code: 'drill-overdue',
          message:
            'The last drill (Restore old) was 100d ago, longer than the 90d drill cadence.',
        },
      ]);
    });

    it('is breached when the measured RTO is above the target', () => {
      const status = evaluate(
        evidence(
          { backups: [backup('orders-hourly-1', 10)] },
          { restores: [restore('slow', 'orders-hourly-1', 3, 95)] },
        ),
      );
      expect(status.verdict).toBe('breached');
      expect(status.reasons).toMatchObject([
        {
          severity: 'breach',
          code: 'rto-exceeded',
          message: 'Measured RTO 1h 35m (Restore slow) is above the 1h target.',
        },
      ]);
    });

    it('ignores restores in the primary cluster and of other backups', () => {
      const status = evaluate(
        evidence(
          {
            backups: [backup('orders-hourly-1', 10)],
            restores: [restore('in-place', 'orders-hourly-1', 1, 10)],
          },
          { restores: [restore('other', 'billing-nightly', 1, 10)] },
        ),
      );
      expect(codes(status)).toEqual(['never-drilled']);
    });

    it('counts a restore of the newest backup of a covering schedule (spec.scheduleName)', () => {
      const fromSchedule = restore('quarterly', '', 5, 30);
      fromSchedule.spec = { scheduleName: 'orders-hourly' };
      const status = evaluate(
        evidence(
          { backups: [backup('orders-hourly-9', 10)] },
          { restores: [fromSchedule] },
        ),
      );
      expect(status.lastDrill).toMatchObject({
        name: 'quarterly',
        measuredRtoSeconds: 1800,
      });
    });

    it('does not count a restore of a backup whose name only starts with the schedule name', () => {
      const status = evaluate(
        evidence(
          { backups: [backup('orders-hourly-9', 10)] },
          { restores: [restore('lookalike', 'orders-hourly-1', 5, 30)] },
        ),
      );
      expect(status.lastDrill).toBeNull();
      expect(codes(status)).toEqual(['never-drilled']);
    });

    it('does not count a restore whose own filters leave the service out', () => {
      const other = restore('other-ns', 'orders-hourly-9', 5, 30);
      other.spec!.includedNamespaces = ['billing'];
      const mapped = restore('drill', 'orders-hourly-9', 5, 30);
      mapped.spec!.includedNamespaces = [NS];
      mapped.spec!.namespaceMapping = { [NS]: 'drill-orders' };
      expect(
        evaluate(
          evidence(
            { backups: [backup('orders-hourly-9', 10)] },
            { restores: [other] },
          ),
        ).lastDrill,
      ).toBeNull();
      expect(
        evaluate(
          evidence(
            { backups: [backup('orders-hourly-9', 10)] },
            { restores: [mapped] },
          ),
        ).lastDrill,
      ).toMatchObject({ name: 'drill' });
    });

    it('looks for drills in every other cluster when no recovery cluster is named', () => {
      const status = evaluateDrStatus({
        declaration: declaration({ recoveryCluster: undefined }),
        target: { id: ID, namespace: NS },
        clusters: evidence({ backups: [backup('orders-hourly-1', 10)] }),
        now: NOW,
      });
      expect(status.lastDrill).toMatchObject({
        name: 'orders-drill',
        cluster: 'dr-us',
      });
    });

    it('prefers the newest completed drill or failover run', () => {
      const status = evaluate(
        evidence({ backups: [backup('orders-hourly-1', 10)] }),
        {
          runs: [
            {
              id: 'run-2',
              type: 'drill',
              status: 'completed',
              startedAt: ago(60 * 24 + 40),
              verifiedAt: ago(60 * 24),
            },
            {
              id: 'run-3',
              type: 'failback',
              status: 'completed',
              startedAt: ago(60),
              verifiedAt: ago(1),
            },
            {
              id: 'run-4',
              type: 'failover',
              status: 'failed',
              startedAt: ago(60),
              verifiedAt: ago(2),
            },
          ],
        },
      );
      expect(status.lastDrill).toMatchObject({
        kind: 'run',
        name: 'run-2',
        type: 'drill',
        measuredRtoSeconds: 2400,
      });
    });
  });

  describe('unknown', () => {
    it('is unknown when a cluster in scope cannot be read', () => {
      const clusters = evidence({ backups: [backup('orders-hourly-1', 10)] });
      clusters[1] = {
        cluster: 'dr-us',
        objects: {},
        failures: [{ reason: 'connect ECONNREFUSED 127.0.0.1:6444' }],
      };
      const status = evaluate(clusters);
      expect(status.verdict).toBe('unknown');
      expect(status.unreadable).toEqual([
        { cluster: 'dr-us', reason: 'connect ECONNREFUSED 127.0.0.1:6444' },
      ]);
      expect(status.reasons[0]).toMatchObject({
        severity: 'unknown',
        code: 'cluster-unreadable',
        message:
          'Cluster dr-us could not be read: connect ECONNREFUSED 127.0.0.1:6444',
      });
    });

    it('keeps a proven breach over unknown evidence', () => {
      const clusters = evidence(
        { backups: [backup('orders-hourly-1', 10)] },
        { restores: [restore('slow', 'orders-hourly-1', 3, 95)] },
      );
      clusters[0].failures = [
        { resources: ['replicationSources'], reason: '403 Forbidden' },
      ];
      const status = evaluate(clusters);
      expect(status.verdict).toBe('breached');
      expect(codes(status)).toEqual(['rto-exceeded', 'cluster-unreadable']);
    });

    it('does not call missing evidence a breach while it could not be read', () => {
      const clusters = evidence({ backups: [backup('orders-hourly-1', 300)] });
      clusters[1].failures = [
        { resources: ['backups'], reason: '503 etcd leader changed' },
      ];
      const status = evaluate(clusters);
      expect(status.verdict).toBe('unknown');
      // The schedule's own runs were read on prod-eu: its missed runs are known.
      expect(codes(status)).toEqual([
        'cluster-unreadable',
        'schedule-missed-runs',
      ]);
    });

    it('keeps an RPO breach when only drill evidence could not be read', () => {
      const clusters = evidence({ backups: [backup('orders-hourly-1', 300)] });
      clusters[1] = {
        cluster: 'dr-us',
        objects: {
          backupStorageLocations: [location('default', 'Available', true)],
        },
        failures: [{ resources: ['restores'], reason: '403 Forbidden' }],
      };
      expect(codes(evaluate(clusters))).toEqual([
        'rpo-exceeded',
        'cluster-unreadable',
        'schedule-missed-runs',
      ]);
    });

    it('is unknown when a named cluster is not configured', () => {
      const status = evaluate(
        evidence({ backups: [backup('orders-hourly-1', 10)] }).slice(0, 1),
      );
      expect(status.unreadable).toEqual([
        {
          cluster: 'dr-us',
          reason: 'cluster dr-us is not configured for the Kubernetes plugin',
        },
      ]);
      expect(status.verdict).toBe('unknown');
    });

    it('ignores failures of resources that hold no evidence', () => {
      const clusters = evidence({ backups: [backup('orders-hourly-1', 10)] });
      clusters[0].failures = [
        { resources: ['volumeSnapshots'], reason: 'CRD not installed' },
      ];
      expect(evaluate(clusters).verdict).toBe('compliant');
    });
  });

  it('is breached when no workload of the service is found, and says how it looked', () => {
    const status = evaluateDrStatus({
      declaration: declaration(),
      target: { id: 'nothing-here', namespace: NS },
      clusters: evidence({ backups: [backup('orders-hourly-1', 10)] }),
      now: NOW,
    });
    expect(status.reasons[0]).toMatchObject({
      severity: 'breach',
      code: 'workloads-not-found',
      message:
        'No workload or PVC of the service (label backstage.io/kubernetes-id=nothing-here in namespace commerce) was found on prod-eu.',
    });
  });

  it('looks at every cluster when the declaration names none', () => {
    const status = evaluateDrStatus({
      declaration: declaration({
        primaryCluster: undefined,
        recoveryCluster: undefined,
      }),
      target: { id: ID, namespace: NS },
      clusters: evidence({ backups: [backup('orders-hourly-1', 10)] }),
      now: NOW,
    });
    expect(status.verdict).toBe('compliant');
    expect(status.lastDrill?.cluster).toBe('dr-us');
  });

  it('finds workloads by a label selector', () => {
    const status = evaluate(
      evidence({ backups: [backup('orders-hourly-1', 10)] }),
      {
        target: { labelSelector: { matchLabels: { app: 'orders' } } },
      },
    );
    expect(status.coverage).toHaveLength(2);
    expect(status.verdict).toBe('compliant');
  });
});
