import path from 'node:path';
import fs from 'fs-extra';
import { parseAllDocuments } from 'yaml';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  TierPolicies,
  parseDrDeclaration,
  scheduleMaxIntervalSeconds,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { readDrScaffolderSettings } from '../config';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { ManifestValidator } from '../__testUtils__/validateManifests';
import { createGenerateDrConfigAction } from './generateConfig';

const config = new ConfigReader({
  kubernetes: {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: [
          {
            name: 'prod-eu',
            url: 'http://127.0.0.1:6443',
            authProvider: 'serviceAccount',
          },
          {
            name: 'dr-us',
            url: 'http://127.0.0.1:6444',
            authProvider: 'serviceAccount',
          },
        ],
      },
    ],
  },
});
const settings = readDrScaffolderSettings(config, '/srv/backend');
const action = createGenerateDrConfigAction({ settings });
const mockDir = createMockDirectory();
let validator: ManifestValidator;

beforeAll(async () => {
  validator = await ManifestValidator.start();
});
afterAll(async () => {
  await validator.stop();
});
beforeEach(() => {
  mockDir.clear();
});

async function run(input: Record<string, unknown>) {
  const ctx = mockActionContext({ input, workspacePath: mockDir.path });
  await action.handler(ctx);
  return ctx.outputs as {
    files: string[];
    annotations: Record<string, string>;
    backupSchedule: string;
    replicationSchedule?: string;
  };
}

function readObjects(file: string): any[] {
  const text = fs.readFileSync(path.join(mockDir.path, file), 'utf8');
  return parseAllDocuments(text).map(doc => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}

const base = {
  name: 'orders-db',
  namespace: 'commerce',
  primaryCluster: 'prod-eu',
  recoveryCluster: 'dr-us',
};

describe('disaster-recovery:config:generate', () => {
  it('generates VolSync replication per PVC and a safety-net schedule for pilot-light', async () => {
    const out = await run({
      ...base,
      tier: 'tier-1',
      strategy: 'pilot-light',
      rpo: '15m',
      rto: '1h',
      replicas: 2,
      storageSize: '50Gi',
      volumeSnapshotClassName: 'csi-aws-vsc',
    });
    expect(out.files).toEqual([
      'dr/primary/velero-schedule.yaml',
      'dr/primary/volsync-replication-sources.yaml',
      'dr/recovery/volsync-replication-destinations.yaml',
      'dr/catalog-annotations.yaml',
      'dr/README.md',
      'DR.md',
    ]);
    const sources = readObjects('dr/primary/volsync-replication-sources.yaml');
    const destinations = readObjects(
      'dr/recovery/volsync-replication-destinations.yaml',
    );
    const [schedule] = readObjects('dr/primary/velero-schedule.yaml');
    validator.validate([schedule, ...sources, ...destinations]);

    expect(sources.map(s => s.spec.sourcePVC)).toEqual([
      'data-orders-db-0',
      'data-orders-db-1',
    ]);
    expect(destinations.map(d => d.metadata.name)).toEqual([
      'data-orders-db-0',
      'data-orders-db-1',
    ]);
    expect(sources[0].spec.rsyncTLS).toEqual({
      keySecret: 'volsync-rsync-tls-data-orders-db-0',
      address:
        'volsync-rsync-tls-dst-data-orders-db-0.commerce.svc.clusterset.local',
      copyMethod: 'Snapshot',
      volumeSnapshotClassName: 'csi-aws-vsc',
    });
    expect(destinations[0].spec.rsyncTLS.capacity).toBe('50Gi');
    // Syncs at most every half RPO, as the DR evaluation measures the cron.
    const syncGap = scheduleMaxIntervalSeconds(
      out.replicationSchedule!,
      new Date(),
    )!;
    expect(syncGap).toBeLessThanOrEqual((15 * 60) / 2);
    expect(syncGap).toBeGreaterThanOrEqual(5 * 60);
    // The Velero schedule is a safety net within the RPO, covering the service's labelled PVCs
    // and moving their data off the cluster.
    expect(scheduleMaxIntervalSeconds(out.backupSchedule, new Date())).toBe(
      15 * 60,
    );
    expect(schedule.spec.template).toEqual({
      includedNamespaces: ['commerce'],
      labelSelector: {
        matchLabels: { 'backstage.io/kubernetes-id': 'orders-db' },
      },
      snapshotVolumes: true,
      snapshotMoveData: true,
      storageLocation: 'default',
      ttl: '2160h0m0s', // tier-1's max drill age, 90 days
    });
    expect(schedule.metadata.namespace).toBe('velero');
    expect(out.annotations).toEqual({
      'disaster-recovery/tier': 'tier-1',
      'disaster-recovery/strategy': 'pilot-light',
      'disaster-recovery/rpo': '15m',
      'disaster-recovery/rto': '1h',
      'disaster-recovery/primary-cluster': 'prod-eu',
      'disaster-recovery/recovery-cluster': 'dr-us',
    });
    const [annotationsDoc] = readObjects('dr/catalog-annotations.yaml');
    expect(annotationsDoc.metadata.annotations).toEqual(out.annotations);
    const runbook = fs.readFileSync(path.join(mockDir.path, 'DR.md'), 'utf8');
    expect(runbook).toContain('| RPO (most data lost) | 15m |');
    expect(runbook).toContain('## Failover');
    expect(runbook).toContain('## Failback');
    expect(runbook).toContain('ReplicationDestination');
  });

  it('schedules backup-restore backups at most every half RPO, kept for the tier, with file-system backup', async () => {
    const out = await run({
      ...base,
      name: 'notifications-service',
      namespace: 'growth',
      tier: 'tier-2',
      strategy: 'backup-restore',
      volumeBackup: 'fs-backup',
      backupStorageLocation: 'primary-bucket',
    });
    expect(out.files).not.toContain(
      'dr/primary/volsync-replication-sources.yaml',
    );
    const [schedule] = readObjects('dr/primary/velero-schedule.yaml');
    validator.validate([schedule]);
    // tier-2 defaults: RPO 24h, so backups every 12h at most.
    expect(scheduleMaxIntervalSeconds(schedule.spec.schedule, new Date())).toBe(
      12 * 3600,
    );
    expect(schedule.spec.template).toMatchObject({
      snapshotVolumes: false,
      defaultVolumesToFsBackup: true,
      storageLocation: 'primary-bucket',
      ttl: '4320h0m0s',
    });
    expect(out.annotations['disaster-recovery/rpo']).toBe('1d');
    expect(out.annotations['disaster-recovery/rto']).toBe('1d');
    // The annotations are a valid declaration for the catalog module.
    const declared = parseDrDeclaration(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'notifications-service',
          annotations: out.annotations,
        },
      },
      TierPolicies.default(),
    );
    expect(declared.status).toBe('declared');
  });

  it('generates a CloudNativePG replica Cluster and the primary replica stanza for a database', async () => {
    const out = await run({
      ...base,
      name: 'payments-db',
      namespace: 'payments',
      tier: 'tier-0',
      strategy: 'warm-standby',
      rpo: '1m',
      rto: '15m',
      cnpg: true,
      storageSize: '100Gi',
      runbookUrl: 'https://runbooks.example.com/payments/payments-db',
    });
    expect(out.files).toContain('dr/recovery/cnpg-replica-cluster.yaml');
    expect(out.files).toContain('dr/primary/cnpg-cluster-replica-patch.yaml');
    expect(out.replicationSchedule).toBeUndefined();
    const [replica] = readObjects('dr/recovery/cnpg-replica-cluster.yaml');
    const [patch] = readObjects('dr/primary/cnpg-cluster-replica-patch.yaml');
    // The primary as it could stand today, with the patch merged in.
    const primary = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'payments-db', namespace: 'payments' },
      spec: { instances: 3, storage: { size: '100Gi' }, ...patch.spec },
    };
    const [schedule] = readObjects('dr/primary/velero-schedule.yaml');
    validator.validate([replica, primary, schedule]);
    expect(replica.metadata.name).toBe('payments-db-dr-us');
    expect(replica.spec.instances).toBe(2);
    expect(replica.spec.replica).toEqual({
      self: 'payments-db-dr-us',
      primary: 'payments-db',
      source: 'payments-db',
    });
    expect(replica.spec.bootstrap).toEqual({
      pg_basebackup: { source: 'payments-db' },
    });
    expect(replica.spec.inheritedMetadata.labels).toEqual({
      'backstage.io/kubernetes-id': 'payments-db',
    });
    // CloudNativePG labels the database's PVCs and pods with these, for Velero and the evaluation.
    expect(patch.spec.inheritedMetadata.labels).toEqual({
      'backstage.io/kubernetes-id': 'payments-db',
    });
    expect(patch.spec.replica).toEqual({
      self: 'payments-db',
      primary: 'payments-db',
      source: 'payments-db-dr-us',
    });
    expect(replica.spec.externalClusters.map((c: any) => c.name)).toEqual([
      'payments-db',
      'payments-db-dr-us',
    ]);
    expect(out.annotations['disaster-recovery/runbook']).toBe(
      'https://runbooks.example.com/payments/payments-db',
    );
  });

  it('writes a CloudNativePG ScheduledBackup through the plugin by default, or the in-core store when asked', async () => {
    const input = {
      ...base,
      name: 'accounts-db',
      namespace: 'payments',
      tier: 'tier-2',
      strategy: 'backup-restore',
      cnpg: true,
    };
    await run(input);
    const [byPlugin] = readObjects('dr/primary/cnpg-scheduled-backup.yaml');
    expect(byPlugin.kind).toBe('ScheduledBackup');
    expect(byPlugin.spec.method).toBe('plugin');
    await run({ ...input, cnpgBackupMethod: 'barmanObjectStore' });
    const [inCore] = readObjects('dr/primary/cnpg-scheduled-backup.yaml');
    expect(inCore.spec.method).toBe('barmanObjectStore');
    expect(inCore.spec.pluginConfiguration).toBeUndefined();
  });

  it('says replication is the application’s own for active-active, with backups every half RPO', async () => {
    const minuteBackups = createGenerateDrConfigAction({
      settings: { ...settings, minBackupIntervalSeconds: 60 },
    });
    const ctx = mockActionContext({
      input: {
        ...base,
        name: 'payments-api',
        namespace: 'payments',
        tier: 'tier-0',
        strategy: 'active-active',
        rpo: '5m',
        rto: '10m',
        targetPath: 'deploy/dr',
      },
      workspacePath: mockDir.path,
    });
    await minuteBackups.handler(ctx);
    const out = ctx.outputs as { files: string[]; backupSchedule: string };
    // The evaluation counts only the backups: at most every half RPO.
    expect(scheduleMaxIntervalSeconds(out.backupSchedule, new Date())).toBe(
      2 * 60,
    );
    expect(out.files).toEqual([
      'deploy/dr/primary/velero-schedule.yaml',
      'deploy/dr/catalog-annotations.yaml',
      'deploy/dr/README.md',
      'DR.md',
    ]);
    const readme = fs.readFileSync(
      path.join(mockDir.path, 'deploy/dr/README.md'),
      'utf8',
    );
    expect(readme).toContain("Replication is the application's own");
    expect(readme).toContain(
      'serving (ready replicas) on both prod-eu and dr-us',
    );
    expect(readme).toContain('[DR.md](../../DR.md)');
    validator.validate(readObjects('deploy/dr/primary/velero-schedule.yaml'));
  });

  it('writes nothing in a dry run, but still outputs the files and annotations', async () => {
    const ctx = mockActionContext({
      input: { ...base, tier: 'tier-1', strategy: 'warm-standby' },
      workspacePath: mockDir.path,
      isDryRun: true,
    });
    await action.handler(ctx);
    expect(ctx.outputs.files).toContain('DR.md');
    expect(fs.readdirSync(mockDir.path)).toEqual([]);
  });

  describe('refuses impossible input, naming the field', () => {
    it.each([
      [
        'an RPO backups cannot give',
        { tier: 'tier-2', strategy: 'backup-restore', rpo: '1m' },
        /rpo: "1m" is shorter than Velero backups can give: .* use 10m or more .*, or a strategy that replicates \(pilot-light for tier-2\)/,
      ],
      [
        'an RPO VolSync cannot give',
        { tier: 'tier-1', strategy: 'pilot-light', rpo: '1m' },
        /rpo: "1m" is shorter than VolSync replication can give.*use 2m or more/,
      ],
      [
        'a strategy the tier forbids',
        { tier: 'tier-1', strategy: 'backup-restore' },
        /strategy: "backup-restore" is not allowed for tier-1; use one of warm-standby, pilot-light/,
      ],
      [
        'an unknown tier',
        { tier: 'platinum', strategy: 'warm-standby' },
        /tier: "platinum" is not a tier; use one of tier-0, tier-1, tier-2, tier-3/,
      ],
      [
        'an unknown strategy',
        { tier: 'tier-1', strategy: 'hot-standby' },
        /strategy: "hot-standby" is not a strategy/,
      ],
      [
        'the same primary and recovery cluster',
        {
          tier: 'tier-1',
          strategy: 'warm-standby',
          recoveryCluster: 'prod-eu',
        },
        /recoveryCluster: "prod-eu" is also the primary cluster/,
      ],
      [
        'an unknown cluster',
        {
          tier: 'tier-1',
          strategy: 'warm-standby',
          recoveryCluster: 'dr-asia',
        },
        /recoveryCluster: "dr-asia" is not a known cluster; use one of prod-eu, dr-us/,
      ],
      [
        'an RPO looser than the tier',
        { tier: 'tier-1', strategy: 'warm-standby', rpo: '2h' },
        /rpo: "2h" is looser than tier-1 allows; use 1h or less/,
      ],
      [
        'a malformed RTO',
        { tier: 'tier-1', strategy: 'warm-standby', rto: '4 hours' },
        /rto: "4 hours" is not a duration; use ISO 8601 \(PT15M\) or 15m/,
      ],
      [
        'a runbook that is not a URL',
        { tier: 'tier-1', strategy: 'warm-standby', runbookUrl: 'wiki/x' },
        /runbookUrl: "wiki\/x" is not an http\(s\) URL/,
      ],
      [
        'zero RPO for a CNPG replica cluster',
        { tier: 'tier-0', strategy: 'warm-standby', rpo: '0s', cnpg: true },
        /rpo: "0s" needs synchronous replication/,
      ],
      [
        'an RPO active-active backups cannot give (tier-0 needs a minBackupInterval of 2m30s or less)',
        { tier: 'tier-0', strategy: 'active-active', rpo: '0s' },
        /rpo: "0s" is shorter than Velero backups can give: with active-active the application's own replication is not evidence the DR evaluation can read.* use 10m or more .*, a shorter minBackupInterval, or warm-standby/,
      ],
      [
        'active-active for a CNPG database',
        { tier: 'tier-0', strategy: 'active-active', cnpg: true },
        /strategy: "active-active" cannot protect a CloudNativePG database/,
      ],
      [
        'a TTL shorter than the backup interval',
        { tier: 'tier-2', strategy: 'backup-restore', backupTtl: '1h' },
        /backupTtl: "1h" is shorter than the time between two backups/,
      ],
      [
        'a target folder outside the workspace',
        {
          tier: 'tier-1',
          strategy: 'warm-standby',
          targetPath: '../elsewhere',
        },
        /targetPath: "..\/elsewhere" is outside the workspace/,
      ],
    ])('%s', async (_, input, message) => {
      await expect(run({ ...base, ...input })).rejects.toThrow(message);
      expect(fs.readdirSync(mockDir.path)).toEqual([]);
    });

    it('reports every problem at once', async () => {
      await expect(
        run({
          ...base,
          tier: 'tier-1',
          strategy: 'backup-restore',
          rpo: '2h',
          recoveryCluster: 'prod-eu',
        }),
      ).rejects.toThrow(
        /strategy: .*; rpo: "2h" is looser .*; recoveryCluster: "prod-eu" is also the primary cluster/,
      );
    });
  });
});
