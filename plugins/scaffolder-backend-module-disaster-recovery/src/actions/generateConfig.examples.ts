import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `disaster-recovery:config:generate`, shown on the installed-actions page. */
export const examples: TemplateExample[] = [
  {
    description:
      'A tier-1 StatefulSet with two replicas, replicated to the recovery cluster by VolSync (pilot-light), RPO 15m',
    example: yaml.stringify({
      steps: [
        {
          id: 'dr-config',
          action: 'disaster-recovery:config:generate',
          name: 'Generate the DR configuration',
          input: {
            name: 'orders-db',
            namespace: 'commerce',
            tier: 'tier-1',
            strategy: 'pilot-light',
            rpo: '15m',
            rto: '1h',
            primaryCluster: 'prod-eu',
            recoveryCluster: 'dr-us',
            replicas: 2,
            volumeClaimTemplates: ['data'],
            storageSize: '50Gi',
            volumeSnapshotClassName: 'csi-aws-vsc',
          },
        },
      ],
    }),
  },
  {
    description:
      'A tier-2 service protected by Velero backups only (backup-restore); RPO and RTO default to the tier',
    example: yaml.stringify({
      steps: [
        {
          id: 'dr-config',
          action: 'disaster-recovery:config:generate',
          name: 'Generate the DR configuration',
          input: {
            name: 'notifications-service',
            namespace: 'growth',
            tier: 'tier-2',
            strategy: 'backup-restore',
            primaryCluster: 'prod-eu',
            recoveryCluster: 'dr-us',
            volumeBackup: 'fs-backup',
            backupStorageLocation: 'default',
          },
        },
      ],
    }),
  },
  {
    description:
      'A tier-0 CloudNativePG database with a warm-standby replica Cluster in the recovery cluster, RPO 1m',
    example: yaml.stringify({
      steps: [
        {
          id: 'dr-config',
          action: 'disaster-recovery:config:generate',
          name: 'Generate the DR configuration',
          input: {
            name: 'payments-db',
            namespace: 'payments',
            tier: 'tier-0',
            strategy: 'warm-standby',
            rpo: '1m',
            rto: '15m',
            primaryCluster: 'prod-eu',
            recoveryCluster: 'dr-us',
            cnpg: true,
            storageSize: '100Gi',
            runbookUrl: 'https://runbooks.example.com/payments/payments-db',
          },
        },
      ],
    }),
  },
  {
    description:
      'An active-active service: replication is its own, so its Velero backups, the recovery points the DR evaluation counts, run every half RPO (for tier-0, with disasterRecovery.scaffolder.minBackupInterval 2m30s or less); files under deploy/dr',
    example: yaml.stringify({
      steps: [
        {
          id: 'dr-config',
          action: 'disaster-recovery:config:generate',
          name: 'Generate the DR configuration',
          input: {
            name: 'payments-api',
            namespace: 'payments',
            tier: 'tier-0',
            strategy: 'active-active',
            rpo: '5m',
            rto: '10m',
            primaryCluster: 'prod-eu',
            recoveryCluster: 'dr-us',
            targetPath: 'deploy/dr',
          },
        },
      ],
    }),
  },
];
