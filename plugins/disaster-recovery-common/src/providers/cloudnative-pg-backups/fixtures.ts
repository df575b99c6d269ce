import { ClusterEvidence } from '../../evaluation/types';

/**
 * Real-shaped CloudNativePG 1.30 / Barman Cloud plugin 0.14 objects for the provider's tests:
 * the database `accounts-db` (namespace `payments`, service label
 * `backstage.io/kubernetes-id=accounts-db`), backed up by the plugin to S3 every 6 hours. Every
 * shape the tests use is in `__fixtures__/objects.json` (see {@link crdCheckedObjects}), which the
 * kube-simulator's `providerFixtures.test.ts` validates against the CRDs in `shared/crds`.
 */

export const NOW = new Date('2026-11-30T10:00:00Z');
export const ago = (minutes: number) =>
  new Date(NOW.getTime() - minutes * 60_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

const SERVICE = { 'backstage.io/kubernetes-id': 'accounts-db' };

export function pgCluster(overrides: Record<string, any> = {}) {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name: 'accounts-db',
      namespace: 'payments',
      labels: { ...SERVICE },
      creationTimestamp: ago(60 * 24 * 30),
    },
    spec: {
      instances: 2,
      inheritedMetadata: { labels: { ...SERVICE } },
      storage: { size: '20Gi' },
      walStorage: { size: '5Gi' },
      plugins: [
        {
          name: 'barman-cloud.cloudnative-pg.io',
          isWALArchiver: true,
          parameters: { barmanObjectName: 'accounts-db-store' },
        },
      ],
      ...overrides.spec,
    },
    status: {
      phase: 'Cluster in healthy state',
      currentPrimary: 'accounts-db-1',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ClusterIsReady',
          message: 'Cluster is Ready',
          lastTransitionTime: ago(60 * 24 * 29),
        },
        {
          type: 'ContinuousArchiving',
          status: 'True',
          reason: 'ContinuousArchivingSuccess',
          message: 'Continuous archiving is working',
          lastTransitionTime: ago(60 * 24 * 29),
        },
        {
          type: 'LastBackupSucceeded',
          status: 'True',
          reason: 'LastBackupSucceeded',
          message: 'Backup was successful',
          lastTransitionTime: ago(120),
        },
      ],
      ...overrides.status,
    },
  };
}

export function pvc(name: string, role: 'PG_DATA' | 'PG_WAL') {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: 'payments',
      labels: {
        ...SERVICE,
        'cnpg.io/cluster': 'accounts-db',
        'cnpg.io/instanceName': name.replace(/-wal$/, ''),
        'cnpg.io/pvcRole': role,
      },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: role === 'PG_WAL' ? '5Gi' : '20Gi' } },
    },
    status: { phase: 'Bound' },
  };
}

export function objectStore(overrides: Record<string, any> = {}) {
  return {
    apiVersion: 'barmancloud.cnpg.io/v1',
    kind: 'ObjectStore',
    metadata: { name: 'accounts-db-store', namespace: 'payments' },
    spec: {
      configuration: {
        destinationPath: 's3://acme-pg-backups/accounts-db',
        s3Credentials: {
          accessKeyId: { name: 'pg-backup-s3', key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: 'pg-backup-s3', key: 'ACCESS_SECRET_KEY' },
        },
        wal: { compression: 'gzip' },
        ...overrides.configuration,
      },
      retentionPolicy: '14d',
    },
    status: {
      serverRecoveryWindow: {
        'accounts-db': {
          firstRecoverabilityPoint: ago(60 * 24 * 14),
          lastSuccessfulBackupTime: ago(120),
        },
      },
      ...overrides.status,
    },
  };
}

export function scheduledBackup(overrides: Record<string, any> = {}) {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    metadata: {
      name: 'accounts-db-6h',
      namespace: 'payments',
      labels: { ...SERVICE },
      creationTimestamp: ago(60 * 24 * 30),
    },
    spec: {
      schedule: '0 0 */6 * * *',
      cluster: { name: 'accounts-db' },
      method: 'plugin',
      pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      backupOwnerReference: 'self',
      ...overrides.spec,
    },
    // Consistent with the schedule (every 6h at :00:00 UTC) at NOW, 10:00 UTC.
    status: {
      lastCheckTime: '2026-11-30T06:00:00Z',
      lastScheduleTime: '2026-11-30T06:00:00Z',
      nextScheduleTime: '2026-11-30T12:00:00Z',
      ...overrides.status,
    },
  };
}

/** A Backup that started `startMin` minutes ago and ran `minutes` minutes. */
export function backup(
  name: string,
  startMin: number,
  minutes: number,
  overrides: Record<string, any> = {},
) {
  const method = overrides.method ?? 'plugin';
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Backup',
    metadata: {
      name,
      namespace: 'payments',
      labels: {
        'cnpg.io/cluster': 'accounts-db',
        'cnpg.io/scheduled-backup': 'accounts-db-6h',
        'cnpg.io/immediateBackup': 'false',
      },
      creationTimestamp: ago(startMin),
    },
    spec: {
      cluster: { name: 'accounts-db' },
      method,
      ...(method === 'plugin'
        ? { pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } }
        : {}),
    },
    status: {
      phase: 'completed',
      method,
      startedAt: ago(startMin),
      stoppedAt: ago(startMin - minutes),
      ...(method === 'volumeSnapshot'
        ? {}
        : {
            destinationPath: 's3://acme-pg-backups/accounts-db',
            serverName: 'accounts-db',
            backupId: `backup-${name}`,
            beginWal: '00000001000000000000002A',
            endWal: '00000001000000000000002B',
          }),
      instanceID: { podName: 'accounts-db-1', ContainerID: 'containerd://1' },
      ...overrides.status,
    },
  };
}

/**
 * A Cluster in the recovery cluster bootstrapped from accounts-db's archive (through the plugin's
 * ObjectStore or an in-core barmanObjectStore), Initialized `rtoMinutes` after its creation
 * 10 days ago.
 */
export function restoredCluster(
  via: 'plugin' | 'barmanObjectStore',
  rtoMinutes: number,
) {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: {
      name: 'accounts-db-drill',
      namespace: 'drill-accounts-db',
      creationTimestamp: ago(60 * 24 * 10),
    },
    spec: {
      instances: 1,
      storage: { size: '20Gi' },
      bootstrap: { recovery: { source: 'origin' } },
      externalClusters: [
        via === 'plugin'
          ? {
              name: 'origin',
              plugin: {
                name: 'barman-cloud.cloudnative-pg.io',
                parameters: {
                  barmanObjectName: 'accounts-db-store',
                  serverName: 'accounts-db',
                },
              },
            }
          : {
              name: 'origin',
              barmanObjectStore: {
                destinationPath: 's3://acme-pg-backups/accounts-db',
                serverName: 'accounts-db',
                s3Credentials: {
                  accessKeyId: { name: 'pg-backup-s3', key: 'ACCESS_KEY_ID' },
                  secretAccessKey: {
                    name: 'pg-backup-s3',
                    key: 'ACCESS_SECRET_KEY',
                  },
                },
              },
            },
      ],
    },
    status: {
      phase: 'Cluster in healthy state',
      conditions: [
        {
          type: 'Initialized',
          status: 'True',
          reason: 'BootstrapCompleted',
          message: 'Cluster bootstrap completed',
          lastTransitionTime: ago(60 * 24 * 10 - rtoMinutes),
        },
      ],
    },
  };
}

/** An in-core (`spec.backup.barmanObjectStore`) variant of accounts-db. */
export function inCoreCluster() {
  return pgCluster({
    spec: {
      plugins: [],
      backup: {
        barmanObjectStore: {
          destinationPath: 's3://acme-pg-backups/accounts-db',
          s3Credentials: {
            accessKeyId: { name: 'pg-backup-s3', key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: 'pg-backup-s3', key: 'ACCESS_SECRET_KEY' },
          },
        },
        retentionPolicy: '7d',
      },
    },
    status: {
      firstRecoverabilityPointByMethod: { barmanObjectStore: ago(60 * 24 * 7) },
      lastFailedBackup: ago(10),
    },
  });
}

const renamed = <T extends { metadata: { name: string } }>(
  o: T,
  name: string,
) => ({ ...o, metadata: { ...o.metadata, name } });

/**
 * Every shape of object the tests build, by cluster (names made unique), as kept in
 * `__fixtures__/objects.json` for validation against the CRDs.
 */
export function crdCheckedObjects() {
  const failed = backup('failed', 30, 2, {
    status: { phase: 'failed', error: 'exit status 4', stoppedAt: undefined },
  });
  return {
    now: NOW.toISOString(),
    'prod-eu': [
      pgCluster(),
      renamed(inCoreCluster(), 'accounts-db-in-core'),
      pvc('accounts-db-1', 'PG_DATA'),
      pvc('accounts-db-1-wal', 'PG_WAL'),
      objectStore(),
      renamed(
        objectStore({
          configuration: {
            endpointURL: 'http://minio.minio.svc.cluster.local:9000',
          },
        }),
        'accounts-db-minio',
      ),
      scheduledBackup(),
      renamed(scheduledBackup({ spec: { schedule: '0 3 * * *' } }), 'five'),
      renamed(scheduledBackup({ spec: { suspend: true } }), 'suspended'),
      renamed(
        scheduledBackup({
          spec: { method: 'volumeSnapshot', pluginConfiguration: undefined },
        }),
        'snapshots',
      ),
      backup('b1', 120, 25),
      backup('snap', 60, 5, { method: 'volumeSnapshot' }),
      backup('in-core', 120, 25, { method: 'barmanObjectStore' }),
      { ...failed, status: JSON.parse(JSON.stringify(failed.status)) },
    ],
    'dr-us': [
      restoredCluster('plugin', 18),
      renamed(restoredCluster('barmanObjectStore', 40), 'accounts-db-drill-2'),
      {
        ...objectStore(),
        metadata: { name: 'accounts-db-store', namespace: 'drill-accounts-db' },
      },
    ],
  };
}

/** The prod-eu and dr-us evidence with the given extra objects of the provider. */
export function clusters(
  prod: {
    postgresClusters?: object[];
    cnpgBackups?: object[];
    cnpgScheduledBackups?: object[];
    cnpgObjectStores?: object[];
  },
  dr: Record<string, object[]> = {},
): ClusterEvidence[] {
  return [
    {
      cluster: 'prod-eu',
      objects: {
        persistentVolumeClaims: [
          pvc('accounts-db-1', 'PG_DATA'),
          pvc('accounts-db-1-wal', 'PG_WAL'),
        ],
        postgresClusters: [pgCluster()],
        cnpgBackups: [],
        cnpgScheduledBackups: [scheduledBackup()],
        cnpgObjectStores: [objectStore()],
        ...prod,
      } as ClusterEvidence['objects'],
    },
    {
      cluster: 'dr-us',
      objects: {
        postgresClusters: [],
        cnpgBackups: [],
        cnpgScheduledBackups: [],
        cnpgObjectStores: [],
        ...dr,
      } as ClusterEvidence['objects'],
    },
  ];
}
