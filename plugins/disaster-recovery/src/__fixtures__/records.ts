import { Entity } from '@backstage/catalog-model';
import {
  DrDeclarationProblem,
  DrPvcCoverage,
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
        pvcs: ['payments/data-payments-api-0'],
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
        pvcs: ['payments/data-payments-api-0'],
      },
    ],
    coverage: [
      {
        cluster: 'prod-eu',
        namespace: 'payments',
        pvc: 'data-payments-api-0',
        coveredBy: [
          {
            kind: 'Schedule',
            name: 'nightly',
            paused: false,
            offCluster: true,
          },
        ],
        newestPoint: {
          time: minutesAgo(12, now),
          source: 'velero-backup',
          kind: 'Backup',
          name: 'nightly-20261123',
          namespace: 'velero',
          cluster: 'prod-eu',
        },
        achievedRpoSeconds: 12 * 60,
        cadenceSeconds: 3600,
      },
    ],
    schedules: [
      {
        cluster: 'prod-eu',
        name: 'nightly',
        schedule: '0 * * * *',
        maxIntervalSeconds: 3600,
        paused: false,
        phase: 'Enabled',
        storageLocation: 'default',
        lastBackup: minutesAgo(12, now),
        lastSuccessfulBackup: minutesAgo(12, now),
        missedRuns: 0,
        movesData: true,
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
    primaryClusters: ['prod-eu'],
    primarySource: 'annotation',
  };
}

/** One PVC of a service on prod-eu, covered by the hourly `nightly` Schedule, 12 minutes old. */
export function pvcCoverage(
  pvc: string,
  overrides: Partial<DrPvcCoverage> = {},
  now = Date.now(),
): DrPvcCoverage {
  return {
    ...compliantStatus(now).coverage[0],
    pvc,
    ...overrides,
  };
}

/**
 * A breached service with three PVCs: `data-payments-api-0` backed up 12 minutes ago,
 * `wal-payments-api-0` replicated by VolSync 3 hours ago (the worst: it sets the achieved RPO
 * of 3h) and `cache-payments-api-0` covered by a local-only Schedule and a paused
 * ReplicationSource, replicated 40 minutes ago. Its reasons have next steps.
 */
export function perPvcStatus(now = Date.now()): DrStatus {
  const base = compliantStatus(now);
  const volsync = (name: string, minutes: number) => ({
    time: minutesAgo(minutes, now),
    source: 'volsync' as const,
    kind: 'ReplicationSource',
    name,
    namespace: 'payments',
    cluster: 'dr-us',
  });
  return {
    ...base,
    verdict: 'breached',
    achievedRpoSeconds: 3 * 3600,
    reasons: [
      {
        severity: 'breach',
        code: 'rpo-exceeded',
        message:
          'PVC payments/wal-payments-api-0 on prod-eu: the newest counted recovery point is 3h old; the RPO target is 1h.',
        nextStep:
          'Check why ReplicationSource payments/wal-rs has not synced for 3h (kubectl describe replicationsource wal-rs -n payments).',
        object: {
          cluster: 'prod-eu',
          kind: 'PersistentVolumeClaim',
          namespace: 'payments',
          name: 'wal-payments-api-0',
        },
      },
      {
        severity: 'risk',
        code: 'replication-paused',
        message: 'ReplicationSource payments/cache-rs on prod-eu is paused.',
        nextStep: 'Resume it: set spec.paused to false.',
      },
      {
        severity: 'risk',
        code: 'pvc-local-only',
        message:
          'Schedule velero/nightly-snapshots on prod-eu keeps PVC payments/cache-payments-api-0 in local snapshots only.',
        nextStep:
          'Enable snapshotMoveData or file-system backup on nightly-snapshots.',
      },
    ],
    recoveryPoints: [
      { ...volsync('cache-rs', 40), usable: true, counted: true },
      ...base.recoveryPoints,
      { ...volsync('wal-rs', 180), usable: true, counted: true },
    ],
    coverage: [
      pvcCoverage('data-payments-api-0', {}, now),
      pvcCoverage(
        'wal-payments-api-0',
        {
          coveredBy: [
            {
              kind: 'ReplicationSource',
              name: 'wal-rs',
              paused: false,
              offCluster: true,
            },
          ],
          newestPoint: volsync('wal-rs', 180),
          achievedRpoSeconds: 3 * 3600,
          cadenceSeconds: 15 * 60,
        },
        now,
      ),
      pvcCoverage(
        'cache-payments-api-0',
        {
          coveredBy: [
            {
              kind: 'Schedule',
              name: 'nightly-snapshots',
              paused: false,
              offCluster: false,
            },
            {
              kind: 'ReplicationSource',
              name: 'cache-rs',
              paused: true,
              offCluster: true,
            },
          ],
          newestPoint: volsync('cache-rs', 40),
          achievedRpoSeconds: 40 * 60,
          cadenceSeconds: null,
        },
        now,
      ),
    ],
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

/** The problems of an invalid declaration: an RPO that is not a duration. */
export const rpoProblems: DrDeclarationProblem[] = [
  {
    annotation: 'disaster-recovery/rpo',
    value: '15 minutes',
    message:
      'disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
  },
];

/**
 * An invalid declaration whose evidence was judged with its valid parts (tier-1's RPO of 1h for
 * the unreadable one): the record has verdict `invalid`, the problems, the status of the
 * evidence and its verdict.
 */
export function invalidRecordWithEvidence(
  status: DrStatus = perPvcStatus(),
  now = Date.now(),
): DrServiceRecord {
  return recordOf(
    status,
    {
      verdict: 'invalid',
      problems: rpoProblems,
      evidenceVerdict: status.verdict,
      firstReason: rpoProblems[0].message,
    },
    now,
  );
}
