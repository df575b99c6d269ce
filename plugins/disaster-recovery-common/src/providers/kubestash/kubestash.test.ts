import fixture from './__fixtures__/kubestash.json';
import { TierPolicies } from '../../tiers';
import { evaluateDrStatus } from '../../evaluation/evaluate';
import { DrProviderEvidence } from '../../evaluation/provider';
import { DR_BUILT_IN_PROVIDERS } from '../index';
import { kubestashProvider, KUBESTASH_RESOURCE_TYPES } from './index';
import { clustersOf, providerContext } from './testContext';

/*
 * The objects are real-shaped KubeStash and Stash objects (`__fixtures__/kubestash.json`, checked
 * against the CRDs of shared/crds by the simulator's providerFixtures test): media-library, a
 * StatefulSet of 2 replicas (PVCs data-media-library-0/1) backed up by KubeStash every 30 minutes
 * to S3, synced to dr-us and drilled there; media-uploader, a Deployment whose PVC `uploads` the
 * legacy Stash backs up hourly to GCS.
 */

const NOW = new Date(fixture.now);
const RESOURCES = Object.fromEntries(
  KUBESTASH_RESOURCE_TYPES.map(t => [
    `${t.group}/${t.version}/${t.kind}`,
    t.resource,
  ]),
);
type Obj = {
  apiVersion: string;
  kind: string;
  metadata: any;
  spec?: any;
  status?: any;
};

/** A deep copy of the fixture, with `edit` applied to its objects. */
function edited(edit?: (cluster: string, o: Obj) => Obj | undefined) {
  const copy = JSON.parse(JSON.stringify(fixture)) as Record<string, any>;
  for (const cluster of ['prod-eu', 'dr-us']) {
    copy[cluster] = (copy[cluster] as Obj[])
      .map(o => (edit ? edit(cluster, o) : o))
      .filter(Boolean);
  }
  return copy;
}

function judge(
  edit?: (cluster: string, o: Obj) => Obj | undefined,
  id = 'media-library',
): Required<DrProviderEvidence> {
  const ctx = providerContext({
    clusters: clustersOf(edited(edit), RESOURCES),
    now: NOW,
    target: { id },
  });
  return kubestashProvider.evaluate!(ctx) as Required<DrProviderEvidence>;
}

const codes = (e: DrProviderEvidence) => (e.reasons ?? []).map(r => r.code);
const counted = (e: DrProviderEvidence) =>
  (e.recoveryPoints ?? []).filter(p => p.ms !== undefined);
const isSnapshot = (o: Obj, minutesAgo?: number) =>
  o.kind === 'Snapshot' &&
  (minutesAgo === undefined ||
    o.status.snapshotTime ===
      new Date(NOW.getTime() - minutesAgo * 60_000)
        .toISOString()
        .replace('.000Z', 'Z'));

describe('kubestashProvider (KubeStash)', () => {
  it('counts succeeded snapshots on surviving storage per PVC at snapshotTime, once across clusters', () => {
    const e = judge();
    expect(codes(e)).toEqual([]);
    // Two snapshots, each seen on prod-eu and on dr-us (synced): shown and counted once.
    expect(
      e.recoveryPoints
        .filter(p => p.point?.kind === 'Snapshot')
        .map(p => p.point!.cluster),
    ).toEqual(['prod-eu', 'prod-eu']);
    const newest = counted(e)
      .filter(p => p.point?.kind === 'Snapshot')
      .sort((a, b) => b.ms! - a.ms!)[0];
    expect(newest.point!.time).toBe('2026-11-25T11:50:00Z');
    expect(newest.ms).toBe(Date.parse('2026-11-25T11:50:00Z'));
    expect(newest.pvcs!.map(p => p.pvc.key)).toEqual([
      'media/data-media-library-0',
      'media/data-media-library-1',
    ]);
    expect(newest.pvcs![0].point).toMatchObject({
      source: 'kubestash',
      kind: 'Snapshot',
      cluster: 'prod-eu',
    });
    expect(newest.point).toMatchObject({
      usable: true,
      counted: true,
      storageLocation: 's3-backups',
    });
    // A synced copy exists in dr-us: the backups can be restored there.
    expect(e.strategy).toEqual({ restorableOnRecovery: true });
  });

  it('covers both PVCs with the session that mounts their volume, every 30 minutes, off the cluster', () => {
    const e = judge();
    expect(
      e.coverage.map(c => [
        c.pvc.key,
        c.by.name,
        c.by.offCluster,
        c.cadence?.seconds,
      ]),
    ).toEqual([
      [
        'media/data-media-library-0',
        'media-library-backup/frequent-backup',
        true,
        1800,
      ],
      [
        'media/data-media-library-1',
        'media-library-backup/frequent-backup',
        true,
        1800,
      ],
    ]);
    expect(e.schedules).toEqual([
      expect.objectContaining({
        cluster: 'prod-eu',
        name: 'media-library-backup/frequent-backup',
        schedule: '*/30 * * * *',
        maxIntervalSeconds: 1800,
        paused: false,
        movesData: true,
        missedRuns: 0,
        lastSuccessfulBackup: '2026-11-25T11:50:00Z',
      }),
    ]);
    expect(e.storageLocations).toEqual([
      expect.objectContaining({
        cluster: 'prod-eu',
        name: 's3-backups',
        phase: 'Ready',
      }),
    ]);
  });

  it('takes a succeeded RestoreSession in dr-us of the same bucket/path as a drill, RTO = status.duration', () => {
    const e = judge();
    expect(e.drills).toEqual([
      {
        kind: 'RestoreSession',
        name: 'media-library-drill',
        cluster: 'dr-us',
        type: 'restore',
        startedAt: '2026-11-15T12:00:00Z',
        completedAt: '2026-11-15T12:14:30Z',
        measuredRtoSeconds: 870,
      },
    ]);
    // Failed, or restored from another repository path: no drill.
    expect(
      judge((c, o) =>
        o.kind === 'RestoreSession' && c === 'dr-us'
          ? { ...o, status: { ...o.status, phase: 'Failed' } }
          : o,
      ).drills,
    ).toEqual([]);
    expect(
      judge((c, o) =>
        o.kind === 'Repository' &&
        c === 'dr-us' &&
        o.apiVersion.startsWith('storage')
          ? { ...o, spec: { ...o.spec, path: '/other-app' } }
          : o,
      ).drills,
    ).toEqual([]);
  });

  it('keeps VolumeSnapshotter components as local points, and a volume-snapshot task covers only locally', () => {
    const e = judge((_c, o) => {
      if (o.kind === 'Snapshot') {
        for (const comp of Object.values<any>(o.status.components)) {
          comp.driver = 'VolumeSnapshotter';
          delete comp.resticStats;
          comp.volumeSnapshotterStats = [
            { pvcName: 'data', volumeSnapshotName: 'snap-1' },
          ];
        }
      }
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core')) {
        o.spec.sessions[0].addon = {
          name: 'pvc-addon',
          tasks: [
            {
              name: 'volume-snapshot',
              targetVolumes: o.spec.sessions[0].addon.tasks[0].targetVolumes,
            },
          ],
        };
      }
      return o;
    });
    expect(counted(e).filter(p => p.point?.kind === 'Snapshot')).toEqual([]);
    expect(e.recoveryPoints[0].point!.reason).toMatch(
      /VolumeSnapshotter driver\): a local point/,
    );
    expect(e.coverage.map(c => [c.by.offCluster, c.cadence])).toEqual([
      [false, undefined],
      [false, undefined],
    ]);
  });

  it('leaves out the PVC whose component failed, and snapshots that are not Succeeded or failed their checks', () => {
    const oneFailed = judge((_c, o) => {
      if (isSnapshot(o)) o.status.components['dump-pod-1'].phase = 'Failed';
      return o;
    });
    const newest = counted(oneFailed).sort((a, b) => b.ms! - a.ms!)[0];
    expect(newest.pvcs!.map(p => p.pvc.key)).toEqual([
      'media/data-media-library-0',
    ]);
    expect(newest.point!.reason).toMatch(
      /data-media-library-1 did not succeed/,
    );

    for (const [field, value, reason] of [
      ['phase', 'Failed', /only Succeeded snapshots/],
      ['integrity', false, /integrity check failed/],
      ['verificationStatus', 'VerificationFailed', /verification failed/],
    ] as const) {
      const e = judge((_c, o) => {
        if (isSnapshot(o)) o.status[field] = value;
        return o;
      });
      expect([
        field,
        counted(e).filter(p => p.point?.kind === 'Snapshot'),
      ]).toEqual([field, []]);
      expect(e.recoveryPoints[0].point!.reason).toMatch(reason);
    }
  });

  it('does not count snapshots on storage inside the cluster and says so', () => {
    for (const storage of [
      {
        provider: 'local',
        local: {
          mountPath: '/safe/data',
          persistentVolumeClaim: { claimName: 'backups' },
        },
      },
      {
        provider: 's3',
        s3: {
          endpoint: 'http://minio.minio.svc.cluster.local:9000',
          bucket: 'b',
          secretName: 's',
        },
      },
    ]) {
      const e = judge((_c, o) =>
        o.kind === 'BackupStorage' ? { ...o, spec: { ...o.spec, storage } } : o,
      );
      expect(counted(e).filter(p => p.point?.kind === 'Snapshot')).toEqual([]);
      expect(codes(e)).toContain('storage-location-in-cluster');
      expect(e.recoveryPoints[0].point!.reason).toMatch(/dies with prod-eu/);
      expect(e.coverage.every(c => c.by.offCluster === false)).toBe(true);
    }
  });

  it('counts the synced copy in dr-us when the primary BackupStorage is NotReady, at risk', () => {
    const e = judge((c, o) =>
      o.kind === 'BackupStorage' && c === 'prod-eu'
        ? { ...o, status: { ...o.status, phase: 'NotReady' } }
        : o,
    );
    expect(counted(e).map(p => p.point!.cluster)).toEqual(['dr-us', 'dr-us']);
    expect(codes(e)).toEqual(
      expect.arrayContaining(['primary-location-unavailable']),
    );
    expect(e.storageLocations[0].reason).toMatchObject({
      code: 'storage-location-unavailable',
      message: 'BackupStorage kubestash/s3-backups on prod-eu is NotReady.',
    });
    // Without the copy, nothing counts.
    const alone = judge((c, o) => {
      if (c === 'dr-us' && o.kind === 'Snapshot') return undefined;
      if (o.kind === 'BackupStorage' && c === 'prod-eu')
        o.status.phase = 'NotReady';
      return o;
    });
    expect(counted(alone).filter(p => p.point?.kind === 'Snapshot')).toEqual(
      [],
    );
  });

  it('does not cover with a paused configuration, a suspended session or an Invalid one', () => {
    for (const [edit, code] of [
      [(o: Obj) => (o.spec.paused = true), 'schedule-paused'],
      [
        (o: Obj) => (o.spec.sessions[0].scheduler.suspend = true),
        'schedule-paused',
      ],
      [(o: Obj) => (o.status.phase = 'Invalid'), 'schedule-failed-validation'],
    ] as const) {
      const e = judge((_c, o) => {
        if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core'))
          edit(o);
        return o;
      });
      expect([code, e.coverage]).toEqual([code, []]);
      expect(codes(e)).toContain(code);
    }
  });

  it('covers only the PVCs the backup job mounts, with paths minus exclude', () => {
    const wrongVolume = judge((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core')) {
        o.spec.sessions[0].addon.tasks[0].targetVolumes.volumeMounts[0].name =
          'cache';
      }
      return o;
    });
    expect(wrongVolume.coverage).toEqual([]);
    const excluded = judge((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core')) {
        o.spec.sessions[0].addon.tasks[0].params = {
          paths: '/var/lib/media',
          exclude: '/var/lib/media',
        };
      }
      return o;
    });
    expect(excluded.coverage).toEqual([]);
    const otherPath = judge((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core')) {
        o.spec.sessions[0].addon.tasks[0].params = { paths: '/etc/config' };
      }
      return o;
    });
    expect(otherPath.coverage).toEqual([]);
  });

  it('reads the schedule as a CronJob does: five fields, no TZ prefix', () => {
    const sixHourly = judge((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core')) {
        o.spec.sessions[0].scheduler.schedule = '0 */6 * * *';
      }
      return o;
    });
    expect(sixHourly.coverage[0].cadence).toEqual({
      seconds: 21600,
      by: 'BackupConfiguration media-library-backup session frequent-backup',
    });
    for (const schedule of ['TZ=Europe/Paris 0 * * * *', '0 0 * * * *']) {
      const e = judge((_c, o) => {
        if (
          o.kind === 'BackupConfiguration' &&
          o.apiVersion.startsWith('core')
        ) {
          o.spec.sessions[0].scheduler.schedule = schedule;
        }
        return o;
      });
      expect(
        e.reasons.find(r => r.code === 'schedule-unreadable')?.object?.field,
      ).toBe('spec.sessions[0].scheduler.schedule');
      expect(e.coverage[0].cadence).toBeUndefined();
    }
  });

  it('reports the newest BackupSession failed or skipped, a stuck session and failing retention', () => {
    const newestSession = (o: Obj) =>
      o.kind === 'BackupSession' &&
      o.apiVersion.startsWith('core') &&
      o.metadata.creationTimestamp === '2026-11-25T11:50:00Z';
    for (const phase of ['Failed', 'Skipped']) {
      const e = judge((_c, o) => {
        if (newestSession(o)) o.status.phase = phase;
        return o;
      });
      expect(
        e.reasons.find(r => r.code === 'newest-backup-failed')?.message,
      ).toBe(
        `The newest backup of media-library-backup/frequent-backup, BackupSession media/media-library-backup-frequent-backup-1795607400 on prod-eu, is ${phase}.`,
      );
    }
    const stuck = judge((_c, o) => {
      if (newestSession(o)) {
        o.status.phase = 'Running';
        o.status.backupDeadline = '2026-11-25T11:55:00Z';
      }
      return o;
    });
    expect(codes(stuck)).toContain('backup-stuck');
    const retention = judge((_c, o) => {
      if (newestSession(o)) {
        o.status.retentionPolicy[0].phase = 'FailedToApply';
        o.status.retentionPolicy[0].error = 'permission denied';
      }
      return o;
    });
    expect(
      retention.reasons.find(r => r.code === 'retention-failing')?.message,
    ).toMatch(/keep-1mo failed to apply: permission denied/);
  });

  it('reports missed runs when the newest succeeded snapshot is older than the interval plus grace', () => {
    const e = judge((_c, o) => (isSnapshot(o, 10) ? undefined : o));
    // Newest snapshot 40 minutes ago, every 30 minutes, grace 5 minutes: 35 < 40 → missed.
    expect(e.schedules[0]).toMatchObject({
      missedRuns: 1,
      missedSince: '2026-11-25T11:50:00Z',
    });
    expect(codes(e)).toContain('schedule-missed-runs');
    expect(codes(judge())).not.toContain('schedule-missed-runs');
  });

  it('reports storage that fails to sync repositories and a repository whose integrity failed', () => {
    const e = judge((c, o) => {
      if (c !== 'prod-eu') return o;
      if (o.kind === 'BackupStorage') {
        o.status.repositories[0] = {
          ...o.status.repositories[0],
          synced: false,
          error: 'AccessDenied',
        };
      }
      if (o.kind === 'Repository' && o.apiVersion.startsWith('storage'))
        o.status.integrity = false;
      return o;
    });
    expect(codes(e).sort()).toEqual([
      'repository-integrity-failed',
      'storage-repository-unsynced',
    ]);
  });

  it('treats a zero or missing snapshotTime as unmeasured and a future one as clock skew', () => {
    const zero = judge((_c, o) => {
      if (isSnapshot(o)) o.status.snapshotTime = '0001-01-01T00:00:00Z';
      return o;
    });
    expect(counted(zero).filter(p => p.point?.kind === 'Snapshot')).toEqual([]);
    expect(zero.recoveryPoints[0].point!.reason).toMatch(
      /snapshotTime is missing/,
    );
    const future = judge((_c, o) => {
      if (isSnapshot(o, 10)) o.status.snapshotTime = '2026-11-25T13:00:00Z';
      return o;
    });
    expect(future.futurePoints).toContainEqual({
      cluster: 'prod-eu',
      what: 'Snapshot media-library-repo-media-library-backup-frequent-backup-1795607400 at 2026-11-25T13:00:00Z',
    });
  });

  it('never throws on malformed fields: names the object and the field', () => {
    const e = judge((_c, o) => {
      if (isSnapshot(o, 10)) o.status.snapshotTime = 42;
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core'))
        o.spec.sessions = 'daily';
      return o;
    });
    expect(
      e.reasons
        .filter(r => r.code === 'malformed-object')
        .map(r => r.object?.field),
    ).toEqual(expect.arrayContaining(['spec.sessions', 'status.snapshotTime']));
    expect(() =>
      judge((_c, o) =>
        o.kind === 'Snapshot'
          ? ({ ...o, metadata: {}, status: null } as Obj)
          : o,
      ),
    ).not.toThrow();
  });
});

describe('kubestashProvider (legacy Stash)', () => {
  const judgeUploader = (edit?: (cluster: string, o: Obj) => Obj | undefined) =>
    judge(edit, 'media-uploader');

  it('counts succeeded BackupSessions at their creation time for the PVC the target mounts, and drills from the same backend', () => {
    const e = judgeUploader();
    const stash = counted(e).filter(p => p.point?.source === 'stash');
    expect(
      stash.map(p => [
        p.point!.name,
        p.point!.time,
        p.pvcs!.map(x => x.pvc.key),
      ]),
    ).toEqual([
      [
        'media-uploader-backup-1795605600',
        '2026-11-25T11:20:00Z',
        ['media/uploads'],
      ],
      [
        'media-uploader-backup-1795602000',
        '2026-11-25T10:20:00Z',
        ['media/uploads'],
      ],
    ]);
    expect(e.coverage.find(c => c.pvc.key === 'media/uploads')).toMatchObject({
      by: {
        kind: 'BackupConfiguration',
        name: 'media-uploader-backup',
        offCluster: true,
      },
      cadence: { seconds: 3600 },
    });
    expect(e.drills.find(d => d.name === 'media-uploader-drill')).toMatchObject(
      {
        cluster: 'dr-us',
        measuredRtoSeconds: 252,
      },
    );
  });

  it('does not count a session whose host failed, nor VolumeSnapshotter backups; reports the newest failure', () => {
    const failedHost = judgeUploader((_c, o) => {
      if (o.kind === 'BackupSession' && o.apiVersion.startsWith('stash'))
        o.status.targets[0].stats[0].phase = 'Failed';
      return o;
    });
    expect(
      counted(failedHost).filter(p => p.point?.source === 'stash'),
    ).toEqual([]);
    expect(
      failedHost.recoveryPoints.find(p => p.point?.source === 'stash')!.point!
        .reason,
    ).toBe('a target or host did not succeed');
    const snapshotter = judgeUploader((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('stash'))
        o.spec.driver = 'VolumeSnapshotter';
      return o;
    });
    expect(
      counted(snapshotter).filter(p => p.point?.source === 'stash'),
    ).toEqual([]);
    expect(
      snapshotter.coverage.find(c => c.pvc.key === 'media/uploads')?.by
        .offCluster,
    ).toBe(false);
    const failed = judgeUploader((_c, o) => {
      if (
        o.kind === 'BackupSession' &&
        o.apiVersion.startsWith('stash') &&
        o.metadata.creationTimestamp === '2026-11-25T11:20:00Z'
      ) {
        o.status.phase = 'Failed';
      }
      return o;
    });
    expect(codes(failed)).toContain('newest-backup-failed');
  });

  it('does not cover with a paused configuration', () => {
    const e = judgeUploader((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('stash'))
        o.spec.paused = true;
      return o;
    });
    expect(e.coverage.find(c => c.pvc.key === 'media/uploads')).toBeUndefined();
    expect(e.reasons.find(r => r.code === 'schedule-paused')?.message).toMatch(
      /Stash skips its sessions/,
    );
  });
});

describe('kubestashProvider through evaluateDrStatus', () => {
  const providers = [...DR_BUILT_IN_PROVIDERS, kubestashProvider];
  const status = (
    edit?: (cluster: string, o: Obj) => Obj | undefined,
    overrides: { rpoSeconds?: number; strategy?: string } = {},
  ) =>
    evaluateDrStatus({
      declaration: {
        tier: 'tier-2',
        policy: TierPolicies.default().get('tier-2')!,
        strategy: (overrides.strategy ?? 'backup-restore') as any,
        rpoSeconds: overrides.rpoSeconds ?? 3600,
        rtoSeconds: 4 * 3600,
        drillCadenceSeconds: 180 * 86400,
        primaryCluster: 'prod-eu',
        recoveryCluster: 'dr-us',
      },
      target: { id: 'media-library' },
      clusters: clustersOf(edited(edit), RESOURCES),
      now: NOW,
      providers,
    });

  it('is compliant on the fixture: RPO from the newest snapshot, both PVCs covered, drilled in dr-us', () => {
    const s = status();
    expect(s.reasons).toEqual([]);
    expect(s.verdict).toBe('compliant');
    expect(s.achievedRpoSeconds).toBe(600);
    expect(
      s.coverage.map(c => [c.pvc, c.achievedRpoSeconds, c.cadenceSeconds]),
    ).toEqual([
      ['data-media-library-0', 600, 1800],
      ['data-media-library-1', 600, 1800],
    ]);
    expect(s.lastDrill).toMatchObject({
      kind: 'RestoreSession',
      measuredRtoSeconds: 870,
    });
  });

  it('breaches when a paused configuration leaves the PVCs uncovered', () => {
    const s = status((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core'))
        o.spec.paused = true;
      return o;
    });
    expect(s.verdict).toBe('breached');
    expect(s.reasons.map(r => r.code)).toEqual(
      expect.arrayContaining(['pvc-uncovered', 'schedule-paused']),
    );
  });

  it('breaches when only volume snapshots protect the PVCs (local points)', () => {
    const s = status((_c, o) => {
      if (o.kind === 'Snapshot') {
        for (const comp of Object.values<any>(o.status.components))
          comp.driver = 'VolumeSnapshotter';
      }
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core')) {
        o.spec.sessions[0].addon.tasks[0].name = 'volume-snapshot';
      }
      return o;
    });
    expect(s.verdict).toBe('breached');
    expect(s.reasons.map(r => r.code)).toContain('pvc-local-only');
  });

  it('breaches on cadence when the schedule is slower than the RPO', () => {
    const s = status((_c, o) => {
      if (o.kind === 'BackupConfiguration' && o.apiVersion.startsWith('core')) {
        o.spec.sessions[0].scheduler.schedule = '0 2 * * *';
      }
      return o;
    });
    expect(s.verdict).toBe('breached');
    expect(s.reasons.map(r => r.code)).toContain('cadence-too-slow');
  });
});
