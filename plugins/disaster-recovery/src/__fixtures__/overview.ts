import {
  DrClusterOverview,
  DrOverviewResponse,
  DrServiceRecord,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { minutesAgo } from './records';

/** A row of the overview (no details), tier-1 and compliant unless overridden. */
export function overviewRecord(
  name: string,
  overrides: Partial<DrServiceRecord> = {},
): DrServiceRecord {
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    namespace: 'default',
    name,
    owner: 'group:default/payments-team',
    system: 'system:default/payments',
    tier: 'tier-1',
    tierRank: 1,
    strategy: 'warm-standby',
    verdict: 'compliant',
    rpoSeconds: 3600,
    achievedRpoSeconds: 600,
    rtoSeconds: 4 * 3600,
    measuredRtoSeconds: 1800,
    lastDrillAt: minutesAgo(3 * 24 * 60),
    newestRecoveryPointAt: minutesAgo(10),
    clusters: ['prod-eu', 'dr-us'],
    updatedAt: minutesAgo(2),
    ...overrides,
  };
}

/** The example overview: 4 services of 20 in all (one page), with the counts of all 20. */
export function exampleOverview(): DrOverviewResponse {
  return {
    items: [
      overviewRecord('orders-db', {
        verdict: 'breached',
        owner: 'group:default/commerce-team',
        firstReason: 'Achieved RPO 3h is above the RPO target 1h.',
        achievedRpoSeconds: 3 * 3600,
        newestRecoveryPointAt: minutesAgo(180),
      }),
      overviewRecord('payments-api'),
      overviewRecord('search-index', {
        tier: 'tier-2',
        tierRank: 2,
        verdict: 'at-risk',
        strategy: 'backup-restore',
        lastDrillAt: undefined,
        measuredRtoSeconds: undefined,
        firstReason: 'Never drilled.',
      }),
      overviewRecord('feature-flags', {
        verdict: 'undeclared',
        tier: undefined,
        tierRank: undefined,
        strategy: undefined,
        rpoSeconds: undefined,
        achievedRpoSeconds: undefined,
        rtoSeconds: undefined,
        measuredRtoSeconds: undefined,
        lastDrillAt: undefined,
        clusters: [],
      }),
    ],
    totalCount: 20,
    counts: {
      verdict: {
        compliant: 5,
        'at-risk': 3,
        breached: 4,
        invalid: 5,
        undeclared: 3,
      },
      tier: { 'tier-0': 3, 'tier-1': 6, 'tier-2': 5, 'tier-3': 3 },
      owner: {
        'group:default/commerce-team': 12,
        'group:default/payments-team': 8,
      },
      tierVerdict: {
        'tier-0': { compliant: 1, breached: 2 },
        'tier-1': { compliant: 2, breached: 2, invalid: 2 },
        'tier-2': { compliant: 2, 'at-risk': 2, invalid: 1 },
        'tier-3': { 'at-risk': 1, invalid: 2 },
      },
      ownerVerdict: {
        'group:default/commerce-team': {
          breached: 4,
          compliant: 5,
          undeclared: 3,
        },
        'group:default/payments-team': { 'at-risk': 3, invalid: 5 },
      },
    },
    criticalRecoveryPoints: {
      services: 9,
      withoutRecoveryPoint: 2,
      oldest: {
        entityRef: 'component:default/orders-db',
        name: 'orders-db',
        tier: 'tier-1',
        time: minutesAgo(180),
        achievedRpoSeconds: 3 * 3600,
        rpoSeconds: 3600,
      },
    },
    facets: {
      tier: ['tier-0', 'tier-1', 'tier-2', 'tier-3'],
      owner: ['group:default/commerce-team', 'group:default/payments-team'],
      cluster: ['dr-us', 'prod-eu'],
      strategy: ['backup-restore', 'pilot-light', 'warm-standby'],
    },
    updatedAt: minutesAgo(2),
  };
}

/** Two clusters: prod-eu healthy, dr-us unreachable with an unavailable storage location. */
export function exampleClusters(): DrClusterOverview[] {
  return [
    {
      cluster: 'dr-us',
      reachable: false,
      state: 'unreachable',
      failingResources: [],
      providers: [
        { id: 'velero', title: 'Velero', state: 'unknown' },
        { id: 'volsync', title: 'VolSync', state: 'unknown' },
      ],
      errors: [
        {
          resources: [],
          kind: 'unreachable',
          message: 'dr-us could not be reached: connect ECONNREFUSED',
        },
      ],
      checkedAt: minutesAgo(2),
      storageLocations: [
        {
          cluster: 'dr-us',
          name: 'secondary',
          phase: 'Unavailable',
          message: 'bucket not found',
          services: 2,
        },
      ],
    },
    {
      cluster: 'prod-eu',
      reachable: true,
      state: 'ok',
      failingResources: [],
      providers: [
        { id: 'velero', title: 'Velero', state: 'installed' },
        { id: 'volsync', title: 'VolSync', state: 'not-installed' },
      ],
      errors: [],
      checkedAt: minutesAgo(2),
      storageLocations: [
        {
          cluster: 'prod-eu',
          name: 'default',
          phase: 'Available',
          services: 11,
        },
      ],
    },
  ];
}
