import { TierPolicies } from '@backstage-dr/plugin-disaster-recovery-common';
import { mockApis } from '@backstage/test-utils';
import {
  declarationSnippet,
  declareTierTemplateUrl,
  describePvcPoint,
  describeRecoveryPoint,
  formatAge,
  formatClockTime,
  formatDateTime,
  formatRelativeTime,
  newestRecoveryPoint,
  templateFormData,
  worstPvcs,
} from './format';
import {
  compliantStatus,
  declaredEntity,
  perPvcStatus,
} from '../__fixtures__/records';

const NOW = Date.parse('2026-11-23T12:00:00Z');

describe('formatRelativeTime', () => {
  it.each([
    ['2026-11-23T11:59:30Z', '30 seconds ago'],
    ['2026-11-23T11:48:00Z', '12 minutes ago'],
    ['2026-11-23T09:00:00Z', '3 hours ago'],
    ['2026-11-20T12:00:00Z', '3 days ago'],
    ['2026-08-25T12:00:00Z', '3 months ago'],
    ['2024-11-23T12:00:00Z', '2 years ago'],
    ['2026-12-22T12:00:00Z', 'in 29 days'],
  ])('%s is %s', (time, text) => {
    expect(formatRelativeTime(time, NOW)).toBe(text);
  });
});

describe('formatAge', () => {
  it('shows seconds under a minute and whole minutes above', () => {
    expect(formatAge(45)).toBe('45s');
    expect(formatAge(12 * 60 + 1)).toBe('12m');
    expect(formatAge(86400 + 12 * 60 + 59)).toBe('1d 12m');
  });
});

describe('recovery points in words', () => {
  it('prefers the newest counted point over a newer local one', () => {
    const points = compliantStatus(NOW).recoveryPoints;
    const newest = newestRecoveryPoint(points)!;
    expect(newest.name).toBe('nightly-20261123');
    expect(describeRecoveryPoint(newest, NOW)).toBe(
      'Velero backup nightly-20261123 on prod-eu, 12 minutes ago',
    );
  });

  it('falls back to the newest usable point, and to none', () => {
    const points = compliantStatus(NOW).recoveryPoints.map(p => ({
      ...p,
      counted: false,
    }));
    expect(newestRecoveryPoint(points)?.source).toBe('volume-snapshot');
    expect(
      newestRecoveryPoint(points.map(p => ({ ...p, usable: false }))),
    ).toBeUndefined();
  });
});

describe('formatClockTime', () => {
  it('shows the time of day on the same day, else the date too', () => {
    const now = new Date(2026, 10, 23, 15, 0).getTime();
    const morning = new Date(2026, 10, 23, 9, 0).toISOString();
    expect(formatClockTime(morning, now)).toMatch(/^09:00/);
    const yesterday = new Date(2026, 10, 22, 21, 0).toISOString();
    expect(formatClockTime(yesterday, now)).toBe(formatDateTime(yesterday));
  });
});

describe('PVCs', () => {
  it('names what holds the newest counted point of a PVC', () => {
    const [data, wal] = perPvcStatus(NOW).coverage;
    expect(describePvcPoint(data.newestPoint!)).toBe(
      'Backup velero/nightly-20261123 on prod-eu',
    );
    expect(
      describePvcPoint({ ...wal.newestPoint!, namespace: undefined }),
    ).toBe('ReplicationSource wal-rs on dr-us');
  });

  it('finds the worst PVCs: the oldest newest point, or every PVC without one', () => {
    const coverage = perPvcStatus(NOW).coverage;
    expect(worstPvcs(coverage).map(c => c.pvc)).toEqual(['wal-payments-api-0']);
    const without = coverage.map(c =>
      c.pvc === 'wal-payments-api-0'
        ? c
        : { ...c, newestPoint: null, achievedRpoSeconds: null },
    );
    expect(worstPvcs(without).map(c => c.pvc)).toEqual([
      'data-payments-api-0',
      'cache-payments-api-0',
    ]);
    expect(worstPvcs([])).toEqual([]);
  });
});

describe('declarationSnippet', () => {
  it('uses the configured tiers, in annotation durations', () => {
    const policies = TierPolicies.fromConfig(
      mockApis.config({
        data: {
          disasterRecovery: {
            tiers: [
              { name: 'tier-0' },
              {
                name: 'bronze',
                maxRpo: '90m',
                maxRto: 'PT36H',
                strategies: ['pilot-light', 'backup-restore'],
                maxDrillAge: '180d',
              },
            ],
          },
        },
      }),
    );
    const text = declarationSnippet(declaredEntity, policies);
    expect(text).toContain('name: payments-api\n  annotations:');
    expect(text).not.toContain('namespace:');
    expect(text).toContain(
      '# tier, max RPO/RTO: tier-0 5m/15m, bronze 1h 30m/1d 12h',
    );
    expect(text).toContain('disaster-recovery/tier: bronze');
    expect(text).toContain('disaster-recovery/strategy: pilot-light');
    expect(text).toContain('disaster-recovery/rpo: 90m');
    expect(text).toContain('disaster-recovery/rto: 36h');
  });
});

describe('templateFormData', () => {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'fraud-scoring',
      namespace: 'default',
      annotations: {
        'disaster-recovery/tier': 'platinum',
        'disaster-recovery/strategy': 'warm-standby',
        'disaster-recovery/rpo': '15m',
        'disaster-recovery/primary-cluster': 'prod-eu',
        'disaster-recovery/recovery-cluster': 'dr-us',
        'backstage.io/kubernetes-id': 'fraud-scoring',
      },
    },
  };

  it('fills in the valid values and leaves the bad fields empty, naming them', () => {
    const problems = [{ annotation: 'disaster-recovery/tier' }];
    expect(templateFormData(entity, problems)).toEqual({
      formData: {
        entityRef: 'component:default/fraud-scoring',
        strategy: 'warm-standby',
        rpo: '15m',
        primaryCluster: 'prod-eu',
        recoveryCluster: 'dr-us',
      },
      badFields: ['Tier'],
    });
    const url = new URL(
      declareTierTemplateUrl(entity, problems),
      'http://localhost',
    );
    expect(url.pathname).toBe('/create/templates/default/declare-dr-tier');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual(
      templateFormData(entity, problems).formData,
    );
  });

  it('opens with the entity alone when it declares nothing', () => {
    expect(
      templateFormData({ ...entity, metadata: { name: 'x', annotations: {} } }),
    ).toEqual({
      formData: { entityRef: 'component:default/x' },
      badFields: [],
    });
  });
});
