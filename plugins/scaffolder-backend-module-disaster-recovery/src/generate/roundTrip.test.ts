import { InputError } from '@backstage/errors';
import { ConfigReader } from '@backstage/config';
import { parseAllDocuments } from 'yaml';
import {
  ClusterEvidence,
  ClusterObjects,
  DrStatus,
  TierPolicies,
  evaluateDrStatus,
  parseGoDuration,
  serviceTargetFromEntity,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { readDrScaffolderSettings } from '../config';
import { ManifestValidator } from '../__testUtils__/validateManifests';
import { GeneratedFile, generateDrFiles } from './generate';
import { DrConfigPlan, DrConfigRequest, planDrConfig } from './plan';

/**
 * Round trip: what the generator writes, once applied and run, must be what the DR evaluation
 * judges compliant. For every tier and strategy the generator accepts, the generated manifests
 * are turned into the objects the clusters would hold after their schedules and replication
 * ran, and `evaluateDrStatus` must judge the service `compliant`.
 */

const NOW = new Date('2026-11-25T10:00:00Z');
const MINUTE = 60_000;
const at = (msAgo: number) =>
  new Date(NOW.getTime() - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');

const settingsWith = (scaffolder: { minBackupInterval?: string }) =>
  readDrScaffolderSettings(
    new ConfigReader({
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: [
              { name: 'prod-eu', url: 'http://127.0.0.1:1', authProvider: 'x' },
              { name: 'dr-us', url: 'http://127.0.0.1:2', authProvider: 'x' },
            ],
          },
        ],
      },
      disasterRecovery: { scaffolder },
    }),
    '/srv/backend',
  );
/** The default settings, and a platform that allows backups every minute. */
const SETTINGS = [
  { label: '', settings: settingsWith({}) },
  {
    label: ', minBackupInterval 1m',
    settings: settingsWith({ minBackupInterval: '1m' }),
  },
];

type Obj = Record<string, any> & {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
};

/** The Kubernetes objects of a generated YAML file. */
function objectsOf(files: GeneratedFile[], file: string | undefined): Obj[] {
  if (!file) return [];
  const text = files.find(f => f.path === file)!.content;
  return parseAllDocuments(text).map(d => d.toJS());
}

/** Velero names a scheduled backup `<schedule>-<UTC yyyyMMddHHmmss>`. */
function scheduledBackupName(schedule: string, startMs: number) {
  return `${schedule}-${new Date(NOW.getTime() - startMs)
    .toISOString()
    .replace(/[-:T]/g, '')
    .slice(0, 14)}`;
}

interface Simulated {
  primary: ClusterObjects;
  recovery: ClusterObjects;
  lag: Record<string, number>;
  /** The simulated objects of each cluster, to validate. */
  byCluster: Obj[][];
}

/**
 * The clusters as they would be a while after the generated files were applied: the Schedule
 * ran (a Completed Backup started a minute ago, its template as spec), the location is
 * Available, the replication synced, a drill restored the newest backup into the recovery
 * cluster, and the service's workloads run where its strategy puts them.
 */
/**
 * When the last runs started: a minute ago for the backup and two for the sync (`recent`), or
 * each a whole interval of its schedule ago, the moment before its next run (`due`).
 */
type Moment = 'recent' | 'due';

function simulate(
  plan: DrConfigPlan,
  files: GeneratedFile[],
  moment: Moment = 'recent',
): Simulated {
  const { layout } = generateDrFiles(plan);
  const { request, declaration } = plan;
  const ns = request.namespace;
  const replicas = request.replicas ?? 1;
  const strategy = declaration.strategy;

  const [schedule] = objectsOf(files, layout.scheduleFile);
  const startedAgo =
    moment === 'recent' ? MINUTE : plan.backup.cadence.intervalSeconds * 1000;
  const syncStartedAgo =
    moment === 'recent' || !plan.replicationCadence
      ? 2 * MINUTE
      : plan.replicationCadence.intervalSeconds * 1000;
  const syncDuration = Math.min(40_000, syncStartedAgo / 4);
  const backupName = scheduledBackupName(schedule.metadata.name, startedAgo);
  const ttlMs = parseGoDuration(schedule.spec.template.ttl)! * 1000;
  const backup: Obj = {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: {
      name: backupName,
      namespace: schedule.metadata.namespace,
      labels: {
        'velero.io/schedule-name': schedule.metadata.name,
        'velero.io/storage-location': schedule.spec.template.storageLocation,
      },
    },
    spec: schedule.spec.template,
    status: {
      version: 1,
      formatVersion: '1.1.0',
      phase: 'Completed',
      startTimestamp: at(startedAgo),
      completionTimestamp: at(startedAgo - 30_000),
      expiration: at(startedAgo - ttlMs),
      progress: { totalItems: 20, itemsBackedUp: 20 },
    },
  };
  const scheduleRan = {
    ...schedule,
    status: { phase: 'Enabled', lastBackup: at(startedAgo) },
  };
  const location = (accessMode: 'ReadWrite' | 'ReadOnly'): Obj => ({
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: {
      name: schedule.spec.template.storageLocation,
      namespace: schedule.metadata.namespace,
    },
    spec: {
      provider: 'aws',
      default: true,
      accessMode,
      objectStorage: { bucket: 'dr-backups', prefix: 'prod' },
    },
    status: { phase: 'Available', lastValidationTime: at(30_000) },
  });

  // The workload: a StatefulSet whose volumeClaimTemplates carry the service's labels, or, for a
  // CloudNativePG database, its Cluster with the generated patch merged in.
  const statefulSet = (serving: boolean): Obj => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: plan.statefulSet, namespace: ns, labels: plan.labels },
    spec: {
      replicas: serving ? replicas : 0,
      serviceName: plan.statefulSet,
      selector: { matchLabels: plan.labels },
      template: {
        metadata: { labels: plan.labels },
        spec: { containers: [{ name: 'app', image: 'app:1.0' }] },
      },
      volumeClaimTemplates: (request.volumeClaimTemplates ?? ['data']).map(
        template => ({
          metadata: { name: template, labels: plan.labels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: plan.storageSize } },
          },
        }),
      ),
    },
    status: serving
      ? { replicas, readyReplicas: replicas, availableReplicas: replicas }
      : { replicas: 0 },
  });
  const pvc = (name: string, labels: Record<string, string>): Obj => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: ns, labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: plan.storageSize } },
    },
    status: { phase: 'Bound' },
  });

  const primary: ClusterObjects = {
    schedules: [scheduleRan as any],
    backups: [backup as any],
    backupStorageLocations: [location('ReadWrite') as any],
  };
  const recovery: ClusterObjects = {
    backupStorageLocations: [location('ReadOnly') as any],
  };
  const lag: Record<string, number> = {};

  if (plan.mechanism === 'cnpg') {
    const [patch] = objectsOf(files, layout.cnpgPrimaryPatchFile);
    const cluster: Obj = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: plan.cnpgClusterName, namespace: ns },
      spec: {
        instances: 2,
        storage: { size: plan.storageSize },
        ...patch.spec,
      },
      status: {
        phase: 'Cluster in healthy state',
        instances: 2,
        readyInstances: 2,
        currentPrimary: `${plan.cnpgClusterName}-1`,
      },
    };
    // CloudNativePG labels its PVCs with the Cluster's inheritedMetadata labels and its own.
    const inherited = cluster.spec.inheritedMetadata?.labels ?? {};
    const cnpgPvcs = [1, 2].map(n =>
      pvc(`${plan.cnpgClusterName}-${n}`, {
        ...inherited,
        'cnpg.io/cluster': plan.cnpgClusterName,
        'cnpg.io/instanceName': `${plan.cnpgClusterName}-${n}`,
        'cnpg.io/pvcRole': 'PG_DATA',
      }),
    );
    primary.postgresClusters = [cluster as any];
    primary.persistentVolumeClaims = cnpgPvcs as any;
    const [replica] = objectsOf(files, layout.cnpgReplicaFile);
    const replicaRan: Obj = {
      ...replica,
      status: {
        phase: 'Cluster in healthy state',
        instances: replica.spec.instances,
        readyInstances: replica.spec.instances,
        currentPrimary: `${plan.cnpgReplicaName}-1`,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'ClusterIsReady',
            message: 'Cluster is Ready',
            lastTransitionTime: at(86_400_000),
          },
        ],
      },
    };
    recovery.postgresClusters = [replicaRan as any];
    recovery.persistentVolumeClaims = [
      pvc(`${plan.cnpgReplicaName}-1`, {
        ...(replica.spec.inheritedMetadata?.labels ?? {}),
        'cnpg.io/cluster': plan.cnpgReplicaName,
        'cnpg.io/pvcRole': 'PG_DATA',
      }),
    ] as any;
    // The cnpg_pg_replication_lag metric of its designated primary: 4 seconds behind.
    lag[`${ns}/${plan.cnpgReplicaName}`] = 4;
  } else {
    primary.statefulSets = [statefulSet(true) as any];
    primary.persistentVolumeClaims = plan.pvcs.map(name =>
      pvc(name, plan.labels),
    ) as any;
    if (strategy === 'active-active') {
      recovery.statefulSets = [statefulSet(true) as any];
      recovery.persistentVolumeClaims = plan.pvcs.map(name =>
        pvc(name, plan.labels),
      ) as any;
    } else if (strategy === 'pilot-light' || strategy === 'warm-standby') {
      // Scaled to 0 until a failover: its PVCs come from the replicated images then.
      recovery.statefulSets = [statefulSet(false) as any];
    }
  }

  if (plan.mechanism === 'volsync') {
    primary.replicationSources = objectsOf(files, layout.sourcesFile).map(
      source => ({
        ...source,
        status: {
          lastSyncStartTime: at(syncStartedAgo),
          lastSyncTime: at(syncStartedAgo - syncDuration),
          lastSyncDuration: `${syncDuration / 1000}s`,
          nextSyncTime: at(-MINUTE),
          conditions: [
            {
              type: 'Synchronizing',
              status: 'False',
              reason: 'WaitingForSchedule',
              message: 'Waiting for next scheduled synchronization',
              lastTransitionTime: at(syncStartedAgo - syncDuration),
            },
          ],
        },
      }),
    ) as any;
    recovery.replicationDestinations = objectsOf(
      files,
      layout.destinationsFile,
    ).map(destination => ({
      ...destination,
      status: {
        lastSyncStartTime: at(syncStartedAgo),
        lastSyncTime: at(syncStartedAgo - syncDuration),
        lastSyncDuration: `${syncDuration / 1000}s`,
        conditions: [
          { type: 'Synchronizing', status: 'True', reason: 'SyncInProgress' },
        ],
      },
    })) as any;
  }

  // The drill of the runbook: a Restore of the Schedule's newest backup (Velero fills in
  // backupName) into drill-<name> of the recovery cluster, taking a tenth of the RTO.
  const drillMs = Math.max(MINUTE, (declaration.rtoSeconds * 1000) / 10);
  const drillStartAgo = 2 * 86_400_000;
  const restore: Obj = {
    apiVersion: 'velero.io/v1',
    kind: 'Restore',
    metadata: {
      name: `${request.name}-drill`,
      namespace: schedule.metadata.namespace,
    },
    spec: {
      scheduleName: schedule.metadata.name,
      backupName,
      includedNamespaces: [ns],
      namespaceMapping: { [ns]: `drill-${request.name}` },
    },
    status: {
      phase: 'Completed',
      startTimestamp: at(drillStartAgo),
      completionTimestamp: at(drillStartAgo - drillMs),
    },
  };
  recovery.restores = [restore as any];

  const byCluster = [
    Object.values(primary).flat(),
    Object.values(recovery).flat(),
  ] as Obj[][];
  return { primary, recovery, lag, byCluster };
}

function evaluate(plan: DrConfigPlan, simulated: Simulated): DrStatus {
  const target = serviceTargetFromEntity({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: plan.request.name,
      annotations: {
        'backstage.io/kubernetes-id': plan.request.name,
        'backstage.io/kubernetes-namespace': plan.request.namespace,
        ...plan.annotations,
      },
    },
  })!;
  const clusters: ClusterEvidence[] = [
    { cluster: plan.declaration.primaryCluster!, objects: simulated.primary },
    {
      cluster: plan.declaration.recoveryCluster!,
      objects: simulated.recovery,
      postgresReplicationLagSeconds: simulated.lag,
    },
  ];
  return evaluateDrStatus({
    declaration: plan.declaration,
    target,
    clusters,
    now: NOW,
  });
}

/** Every request to try: each tier and strategy, each mechanism and volume backup, a few RPOs. */
function requests(): Array<{ label: string; request: DrConfigRequest }> {
  const policies = TierPolicies.default();
  const out: Array<{ label: string; request: DrConfigRequest }> = [];
  for (const tier of policies.names()) {
    const policy = policies.get(tier)!;
    const rpos = [
      undefined,
      ...['1h', '15m', '5m', '2m', '1m'].filter(rpo => {
        const seconds = {
          '1h': 3600,
          '15m': 900,
          '5m': 300,
          '2m': 120,
          '1m': 60,
        }[rpo]!;
        return seconds < policy.maxRpoSeconds;
      }),
    ];
    for (const strategy of policy.strategies) {
      const replicates =
        strategy === 'pilot-light' || strategy === 'warm-standby';
      for (const cnpg of replicates ? [false, true] : [false]) {
        for (const volumeBackup of ['snapshot', 'fs-backup'] as const) {
          for (const rpo of rpos) {
            const name = cnpg ? 'ledger-db' : 'orders-db';
            out.push({
              label: `${tier} ${strategy}${
                cnpg ? ' (CloudNativePG)' : ''
              }, ${volumeBackup}, RPO ${rpo ?? 'of the tier'}`,
              request: {
                name,
                namespace: 'commerce',
                tier,
                strategy,
                rpo,
                primaryCluster: 'prod-eu',
                recoveryCluster: 'dr-us',
                runbookUrl: `https://runbooks.example.com/${name}`,
                volumeClaimTemplates: ['data', 'wal'],
                replicas: 2,
                volumeBackup,
                cnpg,
              },
            });
          }
        }
      }
    }
  }
  return out;
}

let validator: ManifestValidator;
beforeAll(async () => {
  validator = await ManifestValidator.start();
});
afterAll(async () => {
  await validator.stop();
});

describe('generated DR config, applied and run, is judged compliant by the evaluation', () => {
  const cases = SETTINGS.flatMap(({ label: settingsLabel, settings }) =>
    requests().flatMap(({ label, request }) => {
      try {
        return [
          {
            label: `${label}${settingsLabel}`,
            settingsLabel,
            plan: planDrConfig(request, settings, NOW),
          },
        ];
      } catch (error) {
        if (error instanceof InputError) return [];
        throw error;
      }
    }),
  );

  it('covers every strategy of every tier at the tier’s own RPO (tier-0 active-active needs backups every 2m30s or less)', () => {
    const policies = TierPolicies.default();
    const wanted = policies
      .names()
      .flatMap(tier => policies.get(tier)!.strategies.map(s => `${tier} ${s}`));
    const missing = (settingsLabel: string) => {
      const accepted = new Set(
        cases
          .filter(
            c =>
              c.settingsLabel === settingsLabel &&
              c.plan.declaration.rpoSeconds ===
                c.plan.declaration.policy.maxRpoSeconds,
          )
          .map(
            c => `${c.plan.declaration.tier} ${c.plan.declaration.strategy}`,
          ),
      );
      return wanted.filter(w => !accepted.has(w));
    };
    expect(missing(SETTINGS[0].label)).toEqual(['tier-0 active-active']);
    expect(missing(SETTINGS[1].label)).toEqual([]);
  });

  it.each(cases.map(c => [c.label, c.plan] as const))('%s', (_, plan) => {
    const { files } = generateDrFiles(plan);
    const simulated = simulate(plan, files);
    // The simulated objects are valid objects of their kinds (VolSync's are checked by spec).
    for (const objects of simulated.byCluster) {
      validator.validate(
        objects.filter(
          o => !String(o.apiVersion).startsWith('volsync.backube/'),
        ),
      );
    }
    const judged = (status: DrStatus) => ({
      verdict: status.verdict,
      reasons: status.reasons.map(r => `${r.severity} ${r.code}: ${r.message}`),
    });
    // Right after the runs: the backup started a minute ago, the sync two minutes ago.
    expect(judged(evaluate(plan, simulated))).toEqual({
      verdict: 'compliant',
      reasons: [],
    });
    // The moment before the next run: each schedule's last run a whole interval ago. Half the
    // RPO (or replication next to a safety net) keeps the service compliant all the time.
    expect(judged(evaluate(plan, simulate(plan, files, 'due')))).toEqual({
      verdict: 'compliant',
      reasons: [],
    });
  });
});
