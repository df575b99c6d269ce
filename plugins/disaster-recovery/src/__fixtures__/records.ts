import { Entity } from '@backstage/catalog-model';
import {
  DrServiceRecord,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';

const MINUTE = 60_000;

/** An RFC 3339 time `minutes` before now. */
export const minutesAgo = (minutes: number, now = Date.now()) =>
  new Date(now - minutes * MINUTE).toISOString();

/** A declared tier-1 service, as in the example catalog. */
export const declaredEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments-api',
    namespace: 'default',
    annotations: {
      'disaster-recovery/tier': 'tier-1',
      'disaster-recovery/strategy': 'warm-standby',
      'disaster-recovery/rpo': '1h',
      'disaster-recovery/rto': '4h',
      'disaster-recovery/primary-cluster': 'prod-eu',
      'disaster-recovery/recovery-cluster': 'dr-us',
      'disaster-recovery/runbook':
        'https://wiki.example.com/runbooks/payments-api',
      'backstage.io/kubernetes-id': 'payments-api',
    },
  },
  spec: { type: 'service', owner: 'group:default/payments-team' },
};

/** A service without DR annotations. */
export const undeclaredEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'ledger-db',
    namespace: 'finance',
    annotations: { 'backstage.io/kubernetes-id': 'ledger-db' },
  },
  spec: { type: 'database', owner: 'group:default/payments-team' },
};

/** The DR status of a compliant service: a counted nightly backup 12 minutes old, drilled. */
export function compliantStatus(now = Date.now()): DrStatus {
  return {
    verdict: 'compliant',
    reasons: [],
    evaluatedAt: minutesAgo(2, now),
    achievedRpoSeconds: 12 * 60,
    recoveryPoints: [
      {
        time: minutesAgo(5, now),
        source: 'volume-snapshot',
        kind: 'VolumeSnapshot',
        name: 'data-payments-api-0-snap',
        namespace: 'payments',
        cluster: 'prod-eu',
        usable: true,
        counted: false,
        phase: 'ReadyToUse',
        reason:
          'local to prod-eu: good against corruption, lost with the cluster',
      },
      {
        time: minutesAgo(12, now),
        source: 'velero-backup',
        kind: 'Backup',
        name: 'nightly-20261123',
        namespace: 'velero',
        cluster: 'prod-eu',
        usable: true,
        counted: true,
        phase: 'Completed',
        errors: 0,
        warnings: 2,
        expiresAt: new Date(now + 29 * 86400_000).toISOString(),
        storageLocation: 'default',
      },
      {
        time: minutesAgo(24 * 60 + 12, now),
        source: 'velero-backup',
        kind: 'Backup',
        name: 'nightly-20261122',
        namespace: 'velero',
        cluster: 'prod-eu',
        usable: false,
        counted: false,
        phase: 'PartiallyFailed',
        errors: 3,
        warnings: 0,
        reason: 'phase PartiallyFailed',
        storageLocation: 'default',
      },
    ],
    coverage: [
      {
        cluster: 'prod-eu',
        namespace: 'payments',
        pvc: 'data-payments-api-0',
        coveredBy: [{ kind: 'Schedule', name: 'nightly', paused: false }],
      },
    ],
    schedules: [
      {
        cluster: 'prod-eu',
        name: 'nightly',
        schedule: '0 * * * *',
        maxIntervalSeconds: 3600,
        paused: false,
        storageLocation: 'default',
        lastBackup: minutesAgo(12, now),
      },
    ],
    replication: [
      {
        kind: 'Cluster',
        name: 'payments-db-replica',
        namespace: 'payments',
        cluster: 'dr-us',
        healthy: true,
        lagSeconds: 42,
        message: 'replica cluster is streaming',
      },
    ],
    storageLocations: [
      {
        cluster: 'prod-eu',
        name: 'default',
        phase: 'Available',
        lastValidationTime: minutesAgo(1, now),
      },
    ],
    lastDrill: {
      kind: 'Restore',
      name: 'drill-payments-api-20261101',
      cluster: 'dr-us',
      type: 'restore',
      startedAt: minutesAgo(22 * 24 * 60, now),
      completedAt: minutesAgo(22 * 24 * 60 - 38, now),
      measuredRtoSeconds: 38 * 60,
    },
    measuredRtoSeconds: 38 * 60,
    unreadable: [],
  };
}

/** A judged record around a status. */
export function recordOf(
  status: DrStatus,
  overrides: Partial<DrServiceRecord> = {},
  now = Date.now(),
): DrServiceRecord {
  return {
    entityRef: 'component:default/payments-api',
    kind: 'component',
    namespace: 'default',
    name: 'payments-api',
    owner: 'group:default/payments-team',
    tier: 'tier-1',
    tierRank: 1,
    strategy: 'warm-standby',
    verdict: status.verdict,
    firstReason: status.reasons[0]?.message,
    rpoSeconds: 3600,
    achievedRpoSeconds: status.achievedRpoSeconds ?? undefined,
    rtoSeconds: 4 * 3600,
    measuredRtoSeconds: status.measuredRtoSeconds ?? undefined,
    lastDrillAt: status.lastDrill?.completedAt,
    clusters: ['prod-eu', 'dr-us'],
    status,
    updatedAt: minutesAgo(3, now),
    ...overrides,
  };
}
