import { ClusterEvidence } from '../../evaluation/types';

/**
 * Real-shaped CloudNativePG 1.30 / Barman Cloud plugin 0.14 objects for the provider's tests:
 * the database `accounts-db` (namespace `payments`, service label
 * `backstage.io/kubernetes-id=accounts-db`), backed up by the plugin to S3 every 6 hours. Every
 * object is valid against the CRDs in `shared/crds` (checked by `cnpgBackups.crd.test.ts`'s
 * companion script, see the provider's tests).
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
    status: {
      lastCheckTime: ago(120),
      lastScheduleTime: ago(120),
      nextScheduleTime: ago(-240),
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
