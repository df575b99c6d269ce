import fixture from './__fixtures__/kasten.json';
import { evaluateDrStatus } from '../../evaluation/evaluate';
import { DrProviderEvidence } from '../../evaluation/provider';
import { ClusterEvidence } from '../../evaluation/types';
import { TierPolicies } from '../../tiers';
import { DR_BUILT_IN_PROVIDERS } from '../index';
import { clustersOf, providerContext } from '../kubestash/testContext';
import { kastenIntervalSeconds } from './frequency';
import { kastenProvider, KASTEN_RESOURCE_TYPES } from './index';

/*
 * Real-shaped Kasten K10 objects (`__fixtures__/kasten.json`; Kasten publishes no CRDs, the
 * shapes follow docs.kasten.io, PROVIDERS.md section 3): loyalty-points, a StatefulSet in the
 * `loyalty` namespace (PVC data-loyalty-points-0), protected by Policy kasten-io/loyalty-backup
 * (every 30 minutes, exported to an S3 location profile), imported into dr-us and drilled there.
 * On prod-eu: a local restore point (20 min ago) and two exported ones (20 and 50 min ago); on
 * dr-us: the imported RestorePointContents (no RestorePoints, as Kasten 9.x imports).
 */

const NOW = new Date(fixture.now);
const RESOURCES = Object.fromEntries(
  KASTEN_RESOURCE_TYPES.map(t => [
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
  failures?: Record<string, Array<{ resources?: string[]; reason: string }>>,
): Required<DrProviderEvidence> {
  const clusters = clustersOf(edited(edit), RESOURCES).map(c => ({
    ...c,
    failures: failures?.[c.cluster],
  }));
  return kastenProvider.evaluate!(
    providerContext({ clusters, now: NOW, target: { id: 'loyalty-points' } }),
  ) as Required<DrProviderEvidence>;
}

const codes = (e: DrProviderEvidence) => (e.reasons ?? []).map(r => r.code);
const counted = (e: DrProviderEvidence) =>
  (e.recoveryPoints ?? []).filter(p => p.ms !== undefined);
const isPolicy = (o: Obj) =>
  o.kind === 'Policy' && o.metadata.name === 'loyalty-backup';
const exportOf = (o: Obj) =>
  o.spec.actions.find((a: any) => a.action === 'export');

describe('kastenIntervalSeconds', () => {
  it('reads frequency with subFrequency as the longest gap between runs', () => {
    expect(
      kastenIntervalSeconds('@hourly', { minutes: [0, 15, 30, 45] }),
    ).toEqual({ seconds: 900 });
    expect(kastenIntervalSeconds('@hourly', { minutes: [0, 10] })).toEqual({
      seconds: 3000,
    });
    expect(kastenIntervalSeconds('@daily', { hours: [2, 14] })).toEqual({
      seconds: 43200,
    });
    expect(kastenIntervalSeconds('@hourly', undefined)).toEqual({
      seconds: 3600,
    });
    expect(kastenIntervalSeconds('@daily', undefined)).toEqual({
      seconds: 86400,
    });
    expect(kastenIntervalSeconds('@weekly', undefined)).toEqual({
      seconds: 7 * 86400,
    });
    expect(kastenIntervalSeconds('@monthly', undefined)).toEqual({
      seconds: 31 * 86400,
    });
    expect(kastenIntervalSeconds('@yearly', undefined)).toEqual({
      seconds: 366 * 86400,
    });
    expect(kastenIntervalSeconds('@onDemand', undefined)).toEqual({
      onDemand: true,
    });
    expect(kastenIntervalSeconds('0 * * * *', undefined)).toHaveProperty(
      'error',
    );
  });
});

describe('kastenProvider', () => {
  it('counts exported restore points at actionTime, once across clusters; local ones are shown, not counted', () => {
    const e = judge();
    expect(codes(e)).toEqual([]);
    expect(
      e.recoveryPoints.map(p => [
        p.point!.kind,
        p.point!.name,
        p.point!.cluster,
        p.ms !== undefined,
      ]),
    ).toEqual([
      ['RestorePoint', 'scheduled-4vq8m', 'prod-eu', false],
      ['RestorePoint', 'exported-ts7h1', 'prod-eu', true],
      ['RestorePoint', 'exported-q0w3e', 'prod-eu', true],
    ]);
    expect(e.recoveryPoints[0].point!.reason).toMatch(/a local restore point/);
    const newest = counted(e)[0];
    expect(newest.ms).toBe(Date.parse('2026-11-25T11:40:00Z'));
    expect(
      newest.pvcs!.map(p => [p.pvc.key, p.point.source, p.point.time]),
    ).toEqual([
      ['loyalty/data-loyalty-points-0', 'kasten', '2026-11-25T11:40:00Z'],
    ]);
    // The imported copies on dr-us prove the export can be restored there.
    expect(e.strategy).toEqual({ restorableOnRecovery: true });
  });

  it('covers the PVC by the policy that exports data to a surviving profile, at the export frequency', () => {
    const e = judge();
    expect(e.coverage.map(c => [c.pvc.key, c.by, c.cadence])).toEqual([
      [
        'loyalty/data-loyalty-points-0',
        {
          kind: 'Policy',
          name: 'loyalty-backup',
          paused: false,
          offCluster: true,
        },
        { seconds: 3600, by: 'Policy loyalty-backup (export)' },
      ],
    ]);
    // Exports default to the policy's frequency, with its subFrequency: every 30 minutes.
    const defaulted = judge((_c, o) => {
      if (isPolicy(o)) delete exportOf(o).exportParameters.frequency;
      return o;
    });
    expect(defaulted.coverage[0].cadence?.seconds).toBe(1800);
    // Backups hourly, exports daily: the daily export is the cadence (the common trap).
    const daily = judge((_c, o) => {
      if (isPolicy(o)) exportOf(o).exportParameters.frequency = '@daily';
      return o;
    });
    expect(daily.coverage[0].cadence?.seconds).toBe(86400);
  });

  it('covers only locally without an export, or with exportData disabled; a local point then', () => {
    const noExport = judge((_c, o) => {
      if (isPolicy(o)) o.spec.actions = [o.spec.actions[0]];
      return o;
    });
    expect(noExport.coverage[0].by.offCluster).toBe(false);
    expect(codes(noExport)).toContain('backup-local-only');
    const noData = judge((_c, o) => {
      if (isPolicy(o)) exportOf(o).exportParameters.exportData.enabled = false;
      return o;
    });
    expect(noData.coverage[0].by.offCluster).toBe(false);
    expect(noData.coverage[0].cadence).toBeUndefined();
  });

  it('does not count appConfigOnly exports for PVCs', () => {
    const e = judge((_c, o) => {
      if (o.metadata.labels?.['k10.kasten.io/exportType']) {
        o.metadata.labels['k10.kasten.io/exportType'] = 'appConfigOnly';
      }
      return o;
    });
    expect(counted(e)).toEqual([]);
    expect(e.recoveryPoints[1].point!.reason).toMatch(
      /appConfigOnly: it holds no volume data/,
    );
  });

  it('does not count exports to an in-cluster or unvalidated profile; the imported copy counts then, at risk', () => {
    const inCluster = judge((c, o) => {
      if (o.kind === 'Profile' && c === 'prod-eu') {
        o.spec.locationSpec.objectStore.endpoint =
          'http://minio.minio.svc:9000';
      }
      return o;
    });
    expect(codes(inCluster)).toContain('storage-location-in-cluster');
    expect(inCluster.coverage[0].by.offCluster).toBe(false);

    const failed = judge((c, o) => {
      if (o.kind === 'Profile' && c === 'prod-eu')
        o.status.validation = 'Failed';
      return o;
    });
    expect(counted(failed).map(p => [p.point!.kind, p.point!.cluster])).toEqual(
      [
        ['RestorePointContent', 'dr-us'],
        ['RestorePointContent', 'dr-us'],
      ],
    );
    expect(codes(failed)).toEqual(
      expect.arrayContaining([
        'storage-location-unavailable',
        'primary-location-unavailable',
      ]),
    );
    const both = judge((_c, o) => {
      if (o.kind === 'Profile') o.status.validation = 'Failed';
      return o;
    });
    expect(counted(both)).toEqual([]);
  });

  it('does not cover with a paused, failed-validation or on-demand policy, nor one whose filters exclude PVCs', () => {
    for (const [edit, code] of [
      [(o: Obj) => (o.spec.paused = true), 'schedule-paused'],
      [
        (o: Obj) => (o.status.validation = 'Failed'),
        'schedule-failed-validation',
      ],
      [
        (o: Obj) => {
          o.spec.frequency = '@onDemand';
          delete exportOf(o).exportParameters.frequency;
        },
        'schedule-on-demand',
      ],
    ] as const) {
      const e = judge((_c, o) => {
        if (isPolicy(o)) edit(o);
        return o;
      });
      expect([code, e.coverage]).toEqual([code, []]);
      expect(codes(e)).toContain(code);
    }
    const excluded = judge((_c, o) => {
      if (isPolicy(o)) {
        o.spec.actions[0].backupParameters.filters = {
          excludeResources: [
            {
              group: '',
              resource: 'persistentvolumeclaims',
              name: 'data-loyalty-points-0',
            },
          ],
        };
      }
      return o;
    });
    expect(excluded.coverage).toEqual([]);
    const otherNamespace = judge((_c, o) => {
      if (isPolicy(o)) o.spec.selector.matchExpressions[0].values = ['other'];
      return o;
    });
    expect(otherNamespace.coverage).toEqual([]);
  });

  it('reports the newest action not Complete, and does not count the restore point of an incomplete action', () => {
    const failed = judge((_c, o) => {
      if (o.kind === 'RunAction') {
        o.status.state = 'Failed';
        o.status.error = {
          message: 'Failed to export: profile credentials expired',
        };
      }
      return o;
    });
    expect(
      failed.reasons.find(r => r.code === 'newest-backup-failed')?.message,
    ).toBe(
      'The newest RunAction of Policy kasten-io/loyalty-backup on prod-eu, policy-run-x7k2p, is Failed: Failed to export: profile credentials expired.',
    );
    const running = judge((c, o) => {
      if (c === 'dr-us' && o.kind === 'RestorePointContent') return undefined;
      if (o.kind === 'BackupAction') {
        o.status.state = 'Running';
        o.status.restorePoint.name = 'exported-ts7h1';
      }
      return o;
    });
    expect(
      running.recoveryPoints.find(p => p.point!.name === 'exported-ts7h1')!
        .point!.reason,
    ).toMatch(/BackupAction scheduled-4vq8m is Running/);
    const stuck = judge((_c, o) => {
      if (o.kind === 'ExportAction') {
        o.status.state = 'Running';
        o.metadata.creationTimestamp = '2026-11-25T09:00:00Z';
      }
      return o;
    });
    expect(codes(stuck)).toContain('backup-stuck');
  });

  it('reports missed exports when the newest exported point is older than the export interval plus grace', () => {
    const e = judge((_c, o) => {
      if (o.kind === 'RestorePoint' && o.metadata.name === 'exported-ts7h1')
        return undefined;
      if (
        o.kind === 'RestorePointContent' &&
        o.metadata.name === 'exported-ts7h1-content'
      )
        return undefined;
      if (isPolicy(o)) exportOf(o).exportParameters.frequency = '@hourly';
      return o;
    });
    expect(codes(e)).not.toContain('schedule-missed-runs');
    const late = judge((_c, o) => {
      if (o.metadata.name?.startsWith('exported-ts7h1')) return undefined;
      if (isPolicy(o)) delete exportOf(o).exportParameters.frequency;
      return o;
    });
    // Every 30 minutes, newest 50 minutes ago: more than 30 + 5.
    expect(late.schedules[0]).toMatchObject({
      missedRuns: 1,
      missedSince: '2026-11-25T11:40:00Z',
    });
    expect(codes(late)).toContain('schedule-missed-runs');
  });

  it('takes a Complete RestoreAction in dr-us of an imported export as a drill, RTO = endTime − startTime', () => {
    expect(judge().drills).toEqual([
      {
        kind: 'RestoreAction',
        name: 'loyalty-drill-5fj2k',
        cluster: 'dr-us',
        type: 'restore',
        startedAt: '2026-11-05T12:00:00Z',
        completedAt: '2026-11-05T12:22:00Z',
        measuredRtoSeconds: 1320,
      },
    ]);
    const failed = judge((_c, o) => {
      if (o.kind === 'RestoreAction') o.status.state = 'Failed';
      return o;
    });
    expect(failed.drills).toEqual([]);
  });

  it('never throws on malformed fields: names the object and the field', () => {
    const e = judge((_c, o) => {
      if (isPolicy(o)) o.spec.actions = 'backup';
      if (o.kind === 'RestorePoint') o.status.actionTime = 7;
      return o;
    });
    expect(
      e.reasons
        .filter(r => r.code === 'malformed-object')
        .map(r => r.object?.field),
    ).toEqual(expect.arrayContaining(['spec.actions', 'status.actionTime']));
  });
});

describe('kastenProvider through evaluateDrStatus', () => {
  const status = (
    edit?: (cluster: string, o: Obj) => Obj | undefined,
    rpoSeconds = 3600,
    failures: Record<string, ClusterEvidence['failures']> = {},
  ) =>
    evaluateDrStatus({
      declaration: {
        tier: 'tier-1',
        policy: TierPolicies.default().get('tier-1')!,
        strategy: 'pilot-light',
        rpoSeconds,
        rtoSeconds: 3600,
        drillCadenceSeconds: 90 * 86400,
        primaryCluster: 'prod-eu',
        recoveryCluster: 'dr-us',
      },
      target: { id: 'loyalty-points' },
      clusters: clustersOf(edited(edit), RESOURCES).map(c => ({
        ...c,
        failures: failures[c.cluster],
      })),
      now: NOW,
      providers: [...DR_BUILT_IN_PROVIDERS, kastenProvider],
    });

  it('is unknown when Kasten’s aggregated API cannot be read, never “no restore points”', () => {
    const s = status(undefined, 3600, {
      'prod-eu': [
        {
          resources: ['kastenRestorePoints'],
          reason: '503 Service Unavailable',
        },
      ],
    });
    expect(s.verdict).toBe('unknown');
    expect(s.reasons).toEqual([
      expect.objectContaining({
        severity: 'unknown',
        code: 'cluster-unreadable',
        message: expect.stringContaining(
          'kastenRestorePoints: 503 Service Unavailable',
        ),
      }),
    ]);
  });

  it('is compliant on the fixture: exported every hour, restorable and drilled in dr-us', () => {
    const s = status();
    expect(s.reasons).toEqual([]);
    expect(s.verdict).toBe('compliant');
    expect(s.achievedRpoSeconds).toBe(1200);
    expect(s.lastDrill).toMatchObject({
      kind: 'RestoreAction',
      measuredRtoSeconds: 1320,
    });
  });

  it('breaches when only local restore points exist (no export)', () => {
    const s = status((_c, o) => {
      if (isPolicy(o)) o.spec.actions = [o.spec.actions[0]];
      if (o.metadata.labels?.['k10.kasten.io/exportProfile']) return undefined;
      return o;
    });
    expect(s.verdict).toBe('breached');
    expect(s.reasons.map(r => r.code)).toEqual(
      expect.arrayContaining(['pvc-local-only']),
    );
  });

  it('breaches on cadence when exports are daily for an hourly RPO', () => {
    const s = status((_c, o) => {
      if (isPolicy(o)) exportOf(o).exportParameters.frequency = '@daily';
      return o;
    });
    expect(s.verdict).toBe('breached');
    expect(s.reasons.map(r => r.code)).toContain('cadence-too-slow');
  });
});
