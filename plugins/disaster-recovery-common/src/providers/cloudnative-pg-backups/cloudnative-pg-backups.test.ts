import fs from 'node:fs';
import path from 'node:path';
import { DrDeclaration } from '../../declaration';
import { evaluateDrStatus } from '../../evaluation/evaluate';
import { DrProviderEvidence } from '../../evaluation/provider';
import { TierPolicies } from '../../tiers';
import { DR_BUILT_IN_PROVIDERS } from '..';
import {
  archiveTimeoutSeconds,
  cloudNativePgBackupsProvider,
  CNPG_BACKUP_RESOURCE_TYPES,
  walArchivePoint,
} from '.';
import { cnpgMaxIntervalSeconds, cnpgRunTimes, parseCnpgCron } from './cron';
import {
  NOW,
  ago,
  backup,
  clusters,
  objectStore,
  crdCheckedObjects,
  inCoreCluster,
  pgCluster,
  restoredCluster,
  scheduledBackup,
} from './fixtures';
import { providerContext } from './testContext';

const target = { id: 'accounts-db' };

function run(
  prod: Parameters<typeof clusters>[0],
  dr: Parameters<typeof clusters>[1] = {},
  options = {},
): DrProviderEvidence {
  return cloudNativePgBackupsProvider.evaluate!(
    providerContext({
      clusters: clusters(prod, dr),
      now: NOW,
      target,
      options,
    }),
  );
}

const codes = (e: DrProviderEvidence) => (e.reasons ?? []).map(r => r.code);
/** The provider's points, each with the point it lists (every one of these providers' does). */
const points = (e: DrProviderEvidence) =>
  (e.recoveryPoints ?? []).map(p => ({ ...p, point: p.point! }));
const counted = (e: DrProviderEvidence) =>
  points(e).filter(p => p.ms !== undefined);

describe('parseCnpgCron (robfig/cron v1, seconds first)', () => {
  it('reads six fields with the seconds first', () => {
    const parsed = parseCnpgCron('0 0 3 * * *');
    expect(parsed).toEqual({
      kind: 'cron',
      fields: '0 0 3 * * *',
      fiveFields: false,
      timeZone: 'UTC',
    });
    expect(cnpgMaxIntervalSeconds(parsed as any, NOW)).toBe(86400);
  });

  it('reads five fields seconds-first too: "0 3 * * *" runs hourly at :03:00', () => {
    const parsed = parseCnpgCron('0 3 * * *');
    expect(parsed).toEqual({
      kind: 'cron',
      fields: '0 3 * * * *',
      fiveFields: true,
      timeZone: 'UTC',
    });
    expect(cnpgMaxIntervalSeconds(parsed as any, NOW)).toBe(3600);
    const runs = cnpgRunTimes(
      parsed as any,
      NOW.getTime(),
      NOW.getTime() + 3 * 3600_000,
      10,
    );
    expect(runs.map(t => new Date(t).toISOString())).toEqual([
      '2026-11-30T10:03:00.000Z',
      '2026-11-30T11:03:00.000Z',
      '2026-11-30T12:03:00.000Z',
    ]);
  });

  it('reads descriptors, @every and ? in the day fields', () => {
    expect(cnpgMaxIntervalSeconds(parseCnpgCron('@daily') as any, NOW)).toBe(
      86400,
    );
    expect(cnpgMaxIntervalSeconds(parseCnpgCron('@hourly') as any, NOW)).toBe(
      3600,
    );
    expect(parseCnpgCron('@every 1h30m')).toEqual({
      kind: 'every',
      seconds: 5400,
      timeZone: 'UTC',
    });
    expect(
      cnpgMaxIntervalSeconds(parseCnpgCron('0 30 2 ? * SUN') as any, NOW),
    ).toBe(7 * 86400);
  });

  it('rejects what CloudNativePG rejects, saying why', () => {
    expect(parseCnpgCron('0 0 3 * * * 2026')).toEqual({
      error: expect.stringContaining('has 7 fields'),
    });
    expect(parseCnpgCron('CRON_TZ=Europe/Paris 0 0 3 * * *')).toEqual({
      error: expect.stringContaining('time zone'),
    });
    expect(parseCnpgCron('@fortnightly')).toEqual({
      error: expect.stringContaining('not a descriptor'),
    });
    expect(parseCnpgCron(42)).toEqual({
      error: 'is a number, not a schedule',
    });
    expect(parseCnpgCron('0 0 25 * * *')).toHaveProperty('error');
  });
});

describe('walArchivePoint (instance archiver status)', () => {
  const nowMs = NOW.getTime();
  it('is the last archived WAL time when archiving works without backlog', () => {
    expect(
      walArchivePoint(
        {
          lastArchivedWALTime: ago(2),
          isArchivingWAL: true,
          readyWalFiles: 1,
        },
        300,
        nowMs,
      ),
    ).toEqual({ ms: Date.parse(ago(2)) });
  });

  it('is at least now − archive_timeout for an idle database', () => {
    expect(
      walArchivePoint(
        {
          lastArchivedWALTime: ago(600),
          isArchivingWAL: true,
          readyWalFiles: 0,
        },
        300,
        nowMs,
      ),
    ).toEqual({ ms: nowMs - 300_000 });
  });

  it('gives no point with a backlog or a failing archiver', () => {
    expect(
      walArchivePoint(
        { lastArchivedWALTime: ago(2), isArchivingWAL: true, readyWalFiles: 7 },
        300,
        nowMs,
      ),
    ).toEqual({ reason: 'the archiver is 7 segments behind' });
    expect(
      walArchivePoint(
        {
          lastArchivedWALTime: ago(30),
          lastFailedWALTime: ago(1),
          isArchivingWAL: false,
          readyWalFiles: 0,
        },
        300,
        nowMs,
      ),
    ).toEqual({
      reason: `the last archive attempt failed at ${ago(1)}`,
    });
  });

  it('reads archive_timeout in PostgreSQL units, default 5min', () => {
    expect(archiveTimeoutSeconds(undefined)).toBe(300);
    expect(archiveTimeoutSeconds('5min')).toBe(300);
    expect(archiveTimeoutSeconds('60s')).toBe(60);
    expect(archiveTimeoutSeconds('120')).toBe(120);
    expect(archiveTimeoutSeconds('soon')).toBeUndefined();
  });
});

describe('cloudNativePgBackupsProvider', () => {
  it('declares its resource types with unique camelCase keys', () => {
    expect(cloudNativePgBackupsProvider.id).toBe('cloudnative-pg-backups');
    expect(CNPG_BACKUP_RESOURCE_TYPES.map(t => t.resource)).toEqual([
      'cnpgBackups',
      'cnpgScheduledBackups',
      'cnpgObjectStores',
    ]);
    expect(
      CNPG_BACKUP_RESOURCE_TYPES.every(
        t => t.provider === 'cloudnative-pg-backups',
      ),
    ).toBe(true);
  });

  it('counts a completed plugin backup in an outside object store at status.stoppedAt, for each PVC of the Cluster', () => {
    const e = run({
      cnpgBackups: [backup('accounts-db-20261130080000', 120, 25)],
    });
    const [point] = counted(e);
    expect(point.ms).toBe(Date.parse(ago(95)));
    expect(point.point).toMatchObject({
      kind: 'Backup',
      name: 'accounts-db-20261130080000',
      time: ago(95),
      counted: true,
      usable: true,
      source: 'cloudnative-pg-backups',
    });
    expect(point.pvcs?.map(p => p.pvc.key).sort()).toEqual([
      'payments/accounts-db-1',
      'payments/accounts-db-1-wal',
    ]);
    expect(point.service).toBe(true);
    expect(e.coverage?.map(c => [c.pvc.key, c.by, c.cadence])).toEqual([
      [
        'payments/accounts-db-1',
        {
          kind: 'ScheduledBackup',
          name: 'accounts-db-6h',
          paused: false,
          offCluster: true,
        },
        { seconds: 21600, by: 'ScheduledBackup accounts-db-6h' },
      ],
      [
        'payments/accounts-db-1-wal',
        {
          kind: 'ScheduledBackup',
          name: 'accounts-db-6h',
          paused: false,
          offCluster: true,
        },
        { seconds: 21600, by: 'ScheduledBackup accounts-db-6h' },
      ],
    ]);
    expect(e.schedules).toEqual([
      expect.objectContaining({
        name: 'accounts-db-6h',
        schedule: '0 0 */6 * * *',
        maxIntervalSeconds: 21600,
        missedRuns: 0,
        movesData: true,
        storageLocation: 'accounts-db-store',
        lastSuccessfulBackup: ago(95),
      }),
    ]);
    expect(e.storageLocations).toEqual([
      {
        cluster: 'prod-eu',
        name: 'ObjectStore payments/accounts-db-store',
        phase: 'Available',
        message: 's3://acme-pg-backups/accounts-db',
      },
    ]);
    expect(codes(e)).toEqual([]);
  });

  it('shows, but does not count, the WAL archive when only the Cluster resource is read', () => {
    const e = run({ cnpgBackups: [backup('b1', 120, 25)] });
    const wal = points(e).find(
      p => p.point.source === 'cloudnative-pg-backups-wal',
    )!;
    expect(wal.ms).toBeUndefined();
    expect(wal.point.counted).toBe(false);
    expect(wal.point.reason).toContain(
      `WAL archiving reported working (ContinuousArchiving True since ${ago(
        60 * 24 * 29,
      )}), last archived WAL time not readable`,
    );
  });

  it('uses the newest counted backup across several, and does not count one past the retention window', () => {
    const e = run({
      cnpgBackups: [backup('new', 120, 25), backup('old', 60 * 24 * 20, 30)],
    });
    expect(counted(e).map(p => p.point.name)).toEqual(['new']);
    expect(points(e).find(p => p.point.name === 'old')!.point.reason).toContain(
      "older than the store's first recoverability point",
    );
  });

  it('keeps volume-snapshot backups local unless the option says they survive', () => {
    const snap = backup('snap', 60, 5, { method: 'volumeSnapshot' });
    const e = run({ cnpgBackups: [snap] });
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toContain(
      "volume snapshots stay on prod-eu's storage",
    );
    const trusted = run(
      { cnpgBackups: [snap] },
      {},
      {
        localSnapshotsSurviveClusterLoss: true,
      },
    );
    expect(counted(trusted).map(p => p.point.name)).toEqual(['snap']);
  });

  it('treats an object store inside the cluster (.svc endpoint) as local: no point, coverage not off the cluster', () => {
    const e = run({
      cnpgObjectStores: [
        objectStore({
          configuration: {
            endpointURL: 'http://minio.minio.svc.cluster.local:9000',
          },
        }),
      ],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toContain(
      'its endpointURL http://minio.minio.svc.cluster.local:9000 is inside the cluster',
    );
    expect(e.coverage!.every(c => c.by.offCluster === false)).toBe(true);
    expect(e.coverage!.every(c => c.cadence === undefined)).toBe(true);
  });

  it('does not count a completed backup whose stoppedAt is Go’s zero time, and names the field', () => {
    const e = run({
      cnpgBackups: [
        backup('zero', 60, 5, {
          status: { stoppedAt: '0001-01-01T00:00:00Z' },
        }),
      ],
    });
    expect(counted(e)).toEqual([]);
    expect(points(e)[0].point.reason).toContain('status.stoppedAt is not set');
  });

  it('makes a failed newest backup an at-risk reason (rule 2) while the completed one before still counts', () => {
    const e = run({
      cnpgBackups: [
        backup('failed', 30, 2, {
          status: {
            phase: 'failed',
            error: "can't execute backup: AccessDenied: Access Denied",
            stoppedAt: undefined,
          },
        }),
        backup('good', 400, 25),
      ],
    });
    expect(counted(e).map(p => p.point.name)).toEqual(['good']);
    const reason = e.reasons!.find(r => r.code === 'backup-failed')!;
    expect(reason.severity).toBe('risk');
    expect(reason.message).toBe(
      "The newest Backup payments/failed of Cluster payments/accounts-db on prod-eu is failed: can't execute backup: AccessDenied: Access Denied.",
    );
    expect(reason.object).toMatchObject({ kind: 'Backup', name: 'failed' });
  });

  it('reports failing WAL archiving, an unhealthy Cluster and LastBackupSucceeded False', () => {
    const e = run({
      postgresClusters: [
        pgCluster({
          status: {
            phase: 'Setting up primary',
            conditions: [
              {
                type: 'ContinuousArchiving',
                status: 'False',
                reason: 'ContinuousArchivingFailing',
                message: 'unexpected failure invoking barman-cloud-wal-archive',
                lastTransitionTime: ago(30),
              },
              {
                type: 'LastBackupSucceeded',
                status: 'False',
                reason: 'LastBackupFailed',
                message: 'exit status 4',
                lastTransitionTime: ago(30),
              },
            ],
          },
        }),
      ],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    expect(codes(e)).toEqual([
      'cnpg-wal-archiving-failing',
      'backup-failed',
      'cnpg-cluster-unhealthy',
    ]);
    expect(e.storageLocations![0].phase).toBe('Unavailable');
    // No WAL display point while archiving fails.
    expect(points(e).some(p => p.point.source.endsWith('-wal'))).toBe(false);
  });

  it('flags a five-field schedule, which CloudNativePG runs hourly, and covers with the real interval', () => {
    const e = run({
      cnpgScheduledBackups: [
        scheduledBackup({ spec: { schedule: '0 3 * * *' } }),
      ],
      cnpgBackups: [backup('b1', 50, 5)],
    });
    const reason = e.reasons!.find(
      r => r.code === 'cnpg-schedule-five-fields',
    )!;
    expect(reason.message).toBe(
      'ScheduledBackup payments/accounts-db-6h on prod-eu: spec.schedule "0 3 * * *" has five fields; CloudNativePG reads the first as seconds, so it runs every 1h (0 3 * * * *), not what a five-field cron means.',
    );
    expect(reason.nextStep).toContain('"0 0 3 * * *"');
    expect(e.coverage![0].cadence).toEqual({
      seconds: 3600,
      by: 'ScheduledBackup accounts-db-6h',
    });
  });

  it('confirms the reading with status.nextScheduleTime − lastScheduleTime, and says when they disagree', () => {
    // Every 6h at :00:00 UTC: after 06:00 comes 12:00.
    const agreeing = run({
      cnpgScheduledBackups: [
        scheduledBackup({
          status: {
            lastScheduleTime: '2026-11-30T06:00:00Z',
            nextScheduleTime: '2026-11-30T12:00:00Z',
          },
        }),
      ],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    expect(codes(agreeing)).toEqual([]);
    // The operator in UTC+1 runs at 05:00, 11:00 UTC ...
    const shifted = run({
      cnpgScheduledBackups: [
        scheduledBackup({
          status: {
            lastScheduleTime: '2026-11-30T05:00:00Z',
            nextScheduleTime: '2026-11-30T11:00:00Z',
          },
        }),
      ],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    const reason = shifted.reasons!.find(
      r => r.code === 'schedule-reading-unconfirmed',
    )!;
    expect(reason.message).toContain(
      'status.nextScheduleTime 2026-11-30T11:00:00Z is not the run spec.schedule gives after status.lastScheduleTime 2026-11-30T05:00:00Z (2026-11-30T06:00:00Z',
    );
    expect(reason.object?.field).toBe('status.nextScheduleTime');
  });

  it('keeps a suspended schedule as coverage, paused, without cadence, with a reason', () => {
    const e = run({
      cnpgScheduledBackups: [scheduledBackup({ spec: { suspend: true } })],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    expect(e.coverage![0].by.paused).toBe(true);
    expect(e.coverage![0].cadence).toBeUndefined();
    expect(codes(e)).toContain('schedule-paused');
    expect(counted(e)).toHaveLength(1);
  });

  it('counts missed runs from the newest counted base backup', () => {
    const e = run({ cnpgBackups: [backup('b1', 60 * 20, 25)] });
    const schedule = e.schedules![0];
    expect(schedule.missedRuns).toBe(3);
    expect(schedule.missedSince).toBe('2026-11-29T18:00:00Z');
    expect(
      e.reasons!.find(r => r.code === 'schedule-missed-runs')!.message,
    ).toBe(
      `ScheduledBackup payments/accounts-db-6h on prod-eu missed 3 runs since 2026-11-29T18:00:00Z (last completed base backup ${ago(
        60 * 20 - 25,
      )}).`,
    );
  });

  it('reports a schedule error and an unreadable schedule without throwing', () => {
    const e = run({
      cnpgScheduledBackups: [
        scheduledBackup({
          spec: { schedule: 7 },
          status: { error: 'cannot parse cron' },
        }),
      ],
    });
    const unreadable = e.reasons!.find(r => r.code === 'schedule-unreadable')!;
    expect(unreadable.object?.field).toBe('spec.schedule');
    expect(unreadable.message).toContain('spec.schedule 7 is a number');
    expect(codes(e)).toContain('schedule-failing');
    expect(e.coverage![0].cadence).toBeUndefined();
  });

  it('does not count plugin backups when the ObjectStore is missing, and says so', () => {
    const e = run({
      cnpgObjectStores: [],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    expect(counted(e)).toEqual([]);
    expect(codes(e)).toContain('cnpg-object-store-missing');
    expect(points(e)[0].point.reason).toBe(
      'its ObjectStore accounts-db-store is not found',
    );
    expect(e.coverage!.every(c => !c.by.offCluster)).toBe(true);
  });

  it('reports an ObjectStore without a recovery window for the server (plugin-barman-cloud#541)', () => {
    const e = run({
      cnpgObjectStores: [objectStore({ status: { serverRecoveryWindow: {} } })],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    expect(codes(e)).toContain('cnpg-recovery-window-missing');
    expect(counted(e)).toHaveLength(1);
  });

  it('does not cover the PVCs when the plugin is not the WAL archiver', () => {
    const e = run({
      postgresClusters: [
        pgCluster({
          spec: {
            plugins: [
              {
                name: 'barman-cloud.cloudnative-pg.io',
                isWALArchiver: false,
                parameters: { barmanObjectName: 'accounts-db-store' },
              },
            ],
          },
        }),
      ],
    });
    expect(e.coverage!.every(c => c.by.offCluster === false)).toBe(true);
  });

  it('reads the in-core barmanObjectStore: retention from firstRecoverabilityPointByMethod, lastFailedBackup newer than the newest completed', () => {
    const inCore = inCoreCluster();
    const e = run({
      postgresClusters: [inCore],
      cnpgScheduledBackups: [
        scheduledBackup({
          spec: { method: 'barmanObjectStore', pluginConfiguration: undefined },
        }),
      ],
      cnpgBackups: [
        backup('recent', 120, 25, { method: 'barmanObjectStore' }),
        backup('expired', 60 * 24 * 8, 25, { method: 'barmanObjectStore' }),
      ],
    });
    expect(counted(e).map(p => p.point.name)).toEqual(['recent']);
    expect(e.coverage![0].by.offCluster).toBe(true);
    expect(
      e.reasons!.find(r => r.code === 'backup-failed')!.object?.field,
    ).toBe('status.lastFailedBackup');
  });

  it('finds a restore of the same archive in the recovery cluster as drill evidence, RTO from Initialized', () => {
    const restored = restoredCluster('plugin', 18);
    const drStore = {
      ...objectStore(),
      metadata: { name: 'accounts-db-store', namespace: 'drill-accounts-db' },
    };
    const e = run(
      { cnpgBackups: [backup('b1', 120, 25)] },
      { postgresClusters: [restored], cnpgObjectStores: [drStore] },
    );
    expect(e.drills).toEqual([
      {
        kind: 'Cluster',
        name: 'drill-accounts-db/accounts-db-drill',
        cluster: 'dr-us',
        type: 'restore',
        startedAt: ago(60 * 24 * 10),
        completedAt: ago(60 * 24 * 10 - 18),
        measuredRtoSeconds: 18 * 60,
      },
    ]);
    expect(e.strategy?.restorableOnRecovery).toBe(true);

    // Another archive (serverName differs) is not this database's restore.
    const other = JSON.parse(JSON.stringify(restored));
    other.spec.externalClusters[0].plugin.parameters.serverName = 'ledger-db';
    expect(
      run(
        { cnpgBackups: [backup('b1', 120, 25)] },
        { postgresClusters: [other], cnpgObjectStores: [drStore] },
      ).drills,
    ).toEqual([]);
  });

  it('ignores backups of other Clusters and other namespaces', () => {
    const other = backup('other', 60, 5);
    other.spec.cluster.name = 'ledger-db';
    const elsewhere = backup('elsewhere', 60, 5);
    elsewhere.metadata.namespace = 'commerce';
    const e = run({ cnpgBackups: [other, elsewhere] });
    expect(points(e).filter(p => p.point.kind === 'Backup')).toEqual([]);
  });

  it('does not count a point ahead of the clock', () => {
    const future = backup('future', -30, 5);
    const e = run({ cnpgBackups: [future] });
    expect(counted(e)).toEqual([]);
    expect(e.futurePoints).toEqual([
      { cluster: 'prod-eu', what: `Backup future at ${ago(-35)}` },
    ]);
  });
});

describe('evaluateDrStatus with the CloudNativePG backups provider', () => {
  const declaration: DrDeclaration = {
    tier: 'tier-2',
    policy: TierPolicies.default().get('tier-2')!,
    strategy: 'backup-restore',
    rpoSeconds: 86400,
    rtoSeconds: 4 * 3600,
    drillCadenceSeconds: 180 * 86400,
    primaryCluster: 'prod-eu',
    recoveryCluster: 'dr-us',
  };
  const drill = restoredCluster('barmanObjectStore', 40);
  const judge = (
    prod: Parameters<typeof clusters>[0],
    providers = [...DR_BUILT_IN_PROVIDERS, cloudNativePgBackupsProvider],
  ) =>
    evaluateDrStatus({
      declaration,
      target,
      clusters: clusters(prod, { postgresClusters: [drill] }),
      now: NOW,
      providers,
    });

  it('judges a database backed up to S3 every 6h compliant: RPO from stoppedAt, both PVCs covered, drilled', () => {
    const status = judge({ cnpgBackups: [backup('b1', 120, 25)] });
    expect(status.reasons).toEqual([]);
    expect(status.verdict).toBe('compliant');
    expect(status.achievedRpoSeconds).toBe(95 * 60);
    expect(status.coverage.map(c => [c.pvc, c.cadenceSeconds])).toEqual([
      ['accounts-db-1', 21600],
      ['accounts-db-1-wal', 21600],
    ]);
    expect(status.lastDrill).toMatchObject({
      kind: 'Cluster',
      cluster: 'dr-us',
      measuredRtoSeconds: 40 * 60,
    });
  });

  it('leaves the PVCs uncovered without the provider (the built-in providers do not read CNPG backups)', () => {
    const status = judge({ cnpgBackups: [backup('b1', 120, 25)] }, [
      ...DR_BUILT_IN_PROVIDERS,
    ]);
    expect(status.verdict).toBe('breached');
    expect(status.reasons.map(r => r.code)).toContain('pvc-uncovered');
  });

  it('breaches a weekly schedule against a 24h RPO (rule 6), and volume snapshots only (local)', () => {
    const weekly = judge({
      cnpgScheduledBackups: [
        scheduledBackup({ spec: { schedule: '0 0 2 * * 0' } }),
      ],
      cnpgBackups: [backup('b1', 120, 25)],
    });
    expect(weekly.verdict).toBe('breached');
    expect(weekly.reasons.map(r => r.code)).toContain('cadence-too-slow');

    const snapshots = judge({
      cnpgScheduledBackups: [
        scheduledBackup({
          spec: { method: 'volumeSnapshot', pluginConfiguration: undefined },
        }),
      ],
      cnpgBackups: [backup('snap', 120, 5, { method: 'volumeSnapshot' })],
    });
    expect(snapshots.verdict).toBe('breached');
    expect(snapshots.reasons.map(r => r.code)).toEqual([
      'pvc-local-only',
      'pvc-local-only',
    ]);
    expect(snapshots.achievedRpoSeconds).toBeNull();
    expect(snapshots.recoveryPoints.find(p => p.name === 'snap')).toMatchObject(
      { counted: false, usable: true },
    );
  });

  it('is at risk when the newest backup failed but the one before counts', () => {
    const status = judge({
      cnpgBackups: [
        backup('failed', 30, 2, {
          status: {
            phase: 'failed',
            error: 'exit status 4',
            stoppedAt: undefined,
          },
        }),
        backup('good', 300, 25),
      ],
    });
    expect(status.verdict).toBe('at-risk');
    expect(status.reasons.map(r => r.code)).toEqual(['backup-failed']);
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
