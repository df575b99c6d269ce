import { ConfigReader } from '@backstage/config';
import { parseAllDocuments } from 'yaml';
import { scheduleMaxIntervalSeconds } from '@backstage-dr/plugin-disaster-recovery-common';
import { readDrScaffolderSettings } from '../config';
import { ManifestValidator } from '../__testUtils__/validateManifests';
import { cnpgSchedule } from './cadence';
import { generateDrFiles } from './generate';
import { DrConfigRequest, planDrConfig } from './plan';

/**
 * PostgreSQL (CloudNativePG) services get a `ScheduledBackup` beside the Velero Schedule, its
 * cron written the way CloudNativePG reads it: six fields, seconds first.
 */

const NOW = new Date('2026-11-25T10:00:00Z');
const settings = readDrScaffolderSettings(
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
  }),
  '/srv/backend',
);

const request = (overrides: Partial<DrConfigRequest>): DrConfigRequest => ({
  name: 'ledger-db',
  namespace: 'payments',
  tier: 'tier-1',
  strategy: 'warm-standby',
  primaryCluster: 'prod-eu',
  recoveryCluster: 'dr-us',
  runbookUrl: 'https://runbooks.example.com/ledger-db',
  volumeClaimTemplates: ['data', 'wal'],
  replicas: 2,
  cnpg: true,
  ...overrides,
});

function generated(overrides: Partial<DrConfigRequest>) {
  const plan = planDrConfig(request(overrides), settings, NOW);
  const { files, layout } = generateDrFiles(plan);
  const file = files.find(f => f.path === layout.cnpgScheduledBackupFile);
  const objects = file
    ? parseAllDocuments(file.content).map(d => d.toJS())
    : [];
  return { plan, files, layout, file, objects };
}

let validator: ManifestValidator;
beforeAll(async () => {
  validator = await ManifestValidator.start();
});
afterAll(async () => {
  await validator.stop();
});

describe('cnpgSchedule', () => {
  it('prefixes the seconds field CloudNativePG reads first', () => {
    expect(cnpgSchedule('17 3 * * *')).toBe('0 17 3 * * *');
    expect(cnpgSchedule('3/10 * * * *')).toBe('0 3/10 * * * *');
  });

  it('refuses anything but five fields', () => {
    expect(() => cnpgSchedule('0 17 3 * * *')).toThrow(
      'is not a five-field cron expression',
    );
  });
});

describe('the ScheduledBackup of a PostgreSQL service', () => {
  it.each([
    ['tier-1', 'warm-standby'],
    ['tier-1', 'pilot-light'],
    ['tier-2', 'backup-restore'],
    ['tier-3', 'backup-restore'],
  ] as const)(
    'is written for %s %s, valid against the CRD, on the Velero cadence with six fields',
    (tier, strategy) => {
      const { plan, layout, objects } = generated({ tier, strategy });
      expect(layout.cnpgScheduledBackupFile).toBe(
        'dr/primary/cnpg-scheduled-backup.yaml',
      );
      expect(() => validator.validate(objects)).not.toThrow();
      expect(objects).toEqual([
        {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'ScheduledBackup',
          metadata: {
            name: 'ledger-db-dr',
            namespace: 'payments',
            labels: {
              ...plan.labels,
              'app.kubernetes.io/managed-by': 'backstage-disaster-recovery',
            },
          },
          spec: {
            schedule: `0 ${plan.backup.cadence.cron}`,
            immediate: true,
            backupOwnerReference: 'self',
            cluster: { name: 'ledger-db' },
            method: 'plugin',
            pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
          },
        },
      ]);
      const fields = objects[0].spec.schedule.split(' ');
      expect(fields).toHaveLength(6);
      // Read seconds-first, the minute..weekday fields are the Velero Schedule's: the same runs.
      expect(fields.slice(1).join(' ')).toBe(plan.backup.cadence.cron);
      expect(scheduleMaxIntervalSeconds(fields.slice(1).join(' '), NOW)).toBe(
        plan.backup.cadence.intervalSeconds,
      );
    },
  );

  it('names the Cluster the request names, and the in-core object store when asked', () => {
    const { objects, files, layout } = generated({
      cnpgClusterName: 'ledger',
      cnpgBackupMethod: 'barmanObjectStore',
    });
    expect(() => validator.validate(objects)).not.toThrow();
    expect(objects[0].metadata.name).toBe('ledger-dr');
    expect(objects[0].spec.cluster).toEqual({ name: 'ledger' });
    expect(objects[0].spec.method).toBe('barmanObjectStore');
    expect(objects[0].spec.pluginConfiguration).toBeUndefined();
    const readme = files.find(f => f.path === layout.readmeFile)!.content;
    expect(readme).toContain(
      '| `primary/cnpg-scheduled-backup.yaml` | prod-eu | CNPG ScheduledBackup of `ledger`',
    );
    expect(readme).toContain('`spec.backup.barmanObjectStore`');
  });

  it('tells in the README that the Cluster must archive WAL through the plugin to an outside ObjectStore', () => {
    const { files, layout } = generated({});
    const readme = files.find(f => f.path === layout.readmeFile)!.content;
    expect(readme).toContain('isWALArchiver: true');
    expect(readme).toContain('not an in-cluster MinIO');
  });

  it('is not written for a service that is not a CloudNativePG database', () => {
    const { layout, file, files } = generated({ cnpg: false });
    expect(layout.cnpgScheduledBackupFile).toBeUndefined();
    expect(file).toBeUndefined();
    expect(files.some(f => f.content.includes('ScheduledBackup'))).toBe(false);
  });
});
