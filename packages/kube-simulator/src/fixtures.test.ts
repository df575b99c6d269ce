import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { matchesLabels, parseLabelSelector } from './selectors';
import { Simulator, startSimulator } from './index';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const SERVICES = path.resolve(__dirname, '../../../examples/services.yaml');
const NOW = new Date('2026-11-25T10:00:00Z');
const HOUR = 3600_000;

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  spec?: any;
  status?: any;
};

let simulator: Simulator;

async function list(
  cluster: string,
  apiPath: string,
  labelSelector?: string,
): Promise<Obj[]> {
  const { url } = simulator.clusters.find(c => c.name === cluster)!;
  const query = labelSelector
    ? `?labelSelector=${encodeURIComponent(labelSelector)}`
    : '';
  const response = await fetch(`${url}${apiPath}${query}`, {
    headers: { authorization: 'Bearer local-dev-token' },
  });
  expect(response.status).toBe(200);
  return (await response.json()).items;
}

let startedAt = Date.now();
/**
 * How long ago a served time is, in hours, to the minute: fixture times follow the simulator's
 * clock, which started at NOW and runs on.
 */
const ago = (timestamp: string) => {
  const simulatorNow = NOW.getTime() + (Date.now() - startedAt);
  return Math.round((simulatorNow - Date.parse(timestamp)) / 60_000) / 60;
};

beforeAll(async () => {
  startedAt = Date.now();
  simulator = await startSimulator({
    now: NOW,
    clusters: ['prod-eu', 'dr-us'].map(name => ({
      name,
      port: 0,
      token: 'local-dev-token',
      fixturesDir: path.join(FIXTURES, name),
    })),
  });
});

afterAll(async () => {
  await simulator.stop();
});

describe('the shipped fixtures', () => {
  it('give every example service workloads labelled with its kubernetes-id', async () => {
    const services = parseAllDocuments(fs.readFileSync(SERVICES, 'utf8'))
      .map(document => document.toJS())
      .filter(entity => entity?.kind === 'Component');
    expect(services.length).toBeGreaterThan(10);
    for (const entity of services) {
      const id = entity.metadata.annotations['backstage.io/kubernetes-id'];
      const namespace =
        entity.metadata.annotations['backstage.io/kubernetes-namespace'];
      const selector = `backstage.io/kubernetes-id=${id}`;
      const workloads = [
        ...(await list(
          'prod-eu',
          `/apis/apps/v1/namespaces/${namespace}/deployments`,
          selector,
        )),
        ...(await list(
          'prod-eu',
          `/apis/apps/v1/namespaces/${namespace}/statefulsets`,
          selector,
        )),
        ...(await list(
          'prod-eu',
          `/apis/batch/v1/namespaces/${namespace}/cronjobs`,
          selector,
        )),
        ...(await list(
          'prod-eu',
          `/apis/postgresql.cnpg.io/v1/namespaces/${namespace}/clusters`,
          selector,
        )),
      ];
      expect({ id, workloads: workloads.length > 0 }).toEqual({
        id,
        workloads: true,
      });
    }
  });

  it('name the PVCs of every StatefulSet <template>-<statefulset>-<ordinal>', async () => {
    for (const cluster of ['prod-eu', 'dr-us']) {
      const pvcs = new Set(
        (await list(cluster, '/api/v1/persistentvolumeclaims')).map(
          pvc => `${pvc.metadata.namespace}/${pvc.metadata.name}`,
        ),
      );
      for (const sts of await list(cluster, '/apis/apps/v1/statefulsets')) {
        for (let ordinal = 0; ordinal < sts.spec.replicas; ordinal++) {
          for (const template of sts.spec.volumeClaimTemplates) {
            expect(pvcs).toContain(
              `${sts.metadata.namespace}/${template.metadata.name}-${sts.metadata.name}-${ordinal}`,
            );
          }
        }
      }
    }
  });

  it('have Velero storage locations: prod-eu default Available, secondary Unavailable; dr-us default Available', async () => {
    const phases = async (cluster: string) =>
      Object.fromEntries(
        (
          await list(
            cluster,
            '/apis/velero.io/v1/namespaces/velero/backupstoragelocations',
          )
        ).map(bsl => [bsl.metadata.name, bsl.status.phase]),
      );
    expect(await phases('prod-eu')).toEqual({
      default: 'Available',
      secondary: 'Unavailable',
    });
    expect(await phases('dr-us')).toEqual({ default: 'Available' });
    const [secondary] = (
      await list('prod-eu', '/apis/velero.io/v1/backupstoragelocations')
    ).filter(bsl => bsl.metadata.name === 'secondary');
    expect(secondary.status.message).toContain('AccessDenied');
  });

  it('make every scheduled backup a faithful product of its schedule', async () => {
    const schedules = new Map(
      (
        await list('prod-eu', '/apis/velero.io/v1/namespaces/velero/schedules')
      ).map(s => [s.metadata.name, s]),
    );
    const backups = await list(
      'prod-eu',
      '/apis/velero.io/v1/namespaces/velero/backups',
    );
    const scheduled = backups.filter(
      b => b.metadata.labels?.['velero.io/schedule-name'],
    );
    expect(scheduled.length).toBeGreaterThan(30);
    for (const backup of scheduled) {
      const schedule = schedules.get(
        backup.metadata.labels!['velero.io/schedule-name'],
      );
      expect(schedule).toBeDefined();
      expect(backup.spec).toEqual(schedule!.spec.template);
      const { status } = backup;
      expect(status).toMatchObject({ version: 1, formatVersion: '1.1.0' });
      expect(status.progress.totalItems).toBeGreaterThan(0);
      const ttlHours = Number(/^(\d+)h0m0s$/.exec(backup.spec.ttl)![1]);
      expect(
        Date.parse(status.expiration) - Date.parse(status.startTimestamp),
      ).toBe(ttlHours * HOUR);
      expect(Date.parse(status.completionTimestamp)).toBeGreaterThan(
        Date.parse(status.startTimestamp),
      );
      expect(backup.metadata.labels!['velero.io/storage-location']).toBe(
        backup.spec.storageLocation,
      );
    }
    // each schedule's lastBackup is its newest backup's start
    for (const schedule of schedules.values()) {
      const own = scheduled
        .filter(
          b =>
            b.metadata.labels!['velero.io/schedule-name'] ===
            schedule.metadata.name,
        )
        .map(b => Date.parse(b.status.startTimestamp));
      expect(Date.parse(schedule.status.lastBackup)).toBe(Math.max(...own));
    }
  });

  it('sync the newest backups of the default location into dr-us', async () => {
    const prod = await list(
      'prod-eu',
      '/apis/velero.io/v1/namespaces/velero/backups',
    );
    const dr = new Map(
      (await list('dr-us', '/apis/velero.io/v1/namespaces/velero/backups')).map(
        b => [b.metadata.name, b],
      ),
    );
    const newest = new Map<string, Obj>();
    for (const backup of prod) {
      const schedule = backup.metadata.labels?.['velero.io/schedule-name'];
      const current = schedule && newest.get(schedule);
      if (
        schedule &&
        (!current ||
          current.status.startTimestamp < backup.status.startTimestamp)
      ) {
        newest.set(schedule, backup);
      }
    }
    const newestBackups = [...newest.values()];
    const viaDefault = newestBackups.filter(
      b => b.spec.storageLocation === 'default',
    );
    const elsewhere = newestBackups.filter(
      b => b.spec.storageLocation !== 'default',
    );
    expect(viaDefault.length).toBeGreaterThan(10);
    expect(viaDefault.map(b => dr.get(b.metadata.name)?.status)).toEqual(
      viaDefault.map(b => b.status),
    );
    expect(elsewhere.map(b => b.metadata.name)).toEqual([
      'payments-api-hourly-02203',
    ]);
    expect(elsewhere.filter(b => dr.has(b.metadata.name))).toEqual([]);
  });

  it('hold the scenario evidence the README promises', async () => {
    const backups = await list(
      'prod-eu',
      '/apis/velero.io/v1/namespaces/velero/backups',
    );
    const newestOf = (schedule: string) =>
      backups
        .filter(
          b => b.metadata.labels?.['velero.io/schedule-name'] === schedule,
        )
        .sort((a, b) =>
          b.status.startTimestamp.localeCompare(a.status.startTimestamp),
        )[0];

    expect(newestOf('payments-db-frequent').status.phase).toBe('Completed');
    expect(
      ago(newestOf('payments-db-frequent').status.startTimestamp) * 60,
    ).toBe(2);
    expect(
      ago(newestOf('inventory-service-hourly').status.startTimestamp) * 60,
    ).toBe(52);
    expect(ago(newestOf('orders-api-30m').status.startTimestamp)).toBe(3);
    expect(
      ago(newestOf('notifications-service-daily').status.startTimestamp),
    ).toBe(5);
    expect(ago(newestOf('reporting-db-weekly').status.startTimestamp)).toBe(48);
    const warehouse = newestOf('analytics-warehouse-6h').status;
    expect(warehouse).toMatchObject({
      phase: 'PartiallyFailed',
      errors: 2,
      warnings: 5,
    });
    expect(
      backups
        .filter(
          b =>
            b.metadata.labels?.['velero.io/schedule-name'] ===
            'customer-files-2h',
        )
        .map(b => b.status.phase),
    ).toEqual(['Failed', 'Failed', 'Failed']);
    expect(
      backups
        .filter(
          b =>
            b.metadata.labels?.['velero.io/schedule-name'] ===
            'payments-api-hourly',
        )
        .every(
          b =>
            b.spec.storageLocation === 'secondary' &&
            b.status.phase === 'Completed',
        ),
    ).toBe(true);

    const schedules = await list(
      'prod-eu',
      '/apis/velero.io/v1/namespaces/velero/schedules',
    );
    expect(
      schedules.filter(s => s.spec.paused).map(s => s.metadata.name),
    ).toEqual(['search-indexer-6h']);

    // ledger-db: wal-ledger-db-0 is matched by no schedule and no ReplicationSource
    const ledgerPvcs = await list(
      'prod-eu',
      '/api/v1/namespaces/payments/persistentvolumeclaims',
      'backstage.io/kubernetes-id=ledger-db',
    );
    const covering = (pvc: Obj) =>
      schedules.filter(
        s =>
          s.spec.template.includedNamespaces.includes(pvc.metadata.namespace) &&
          matchesLabels(
            parseLabelSelector(
              Object.entries(s.spec.template.labelSelector?.matchLabels ?? {})
                .map(([k, v]) => `${k}=${v}`)
                .join(','),
            ),
            pvc.metadata.labels,
          ),
      );
    expect(
      Object.fromEntries(
        ledgerPvcs.map(pvc => [pvc.metadata.name, covering(pvc).length]),
      ),
    ).toEqual({
      'data-ledger-db-0': 1,
      'wal-ledger-db-0': 0,
    });

    const sources = await list(
      'prod-eu',
      '/apis/volsync.backube/v1alpha1/namespaces/commerce/replicationsources',
    );
    expect(sources.map(s => s.spec.sourcePVC)).toEqual([
      'data-orders-db-0',
      'data-orders-db-1',
    ]);
    for (const source of sources) {
      expect(Math.round(ago(source.status.lastSyncTime) * 60)).toBe(4);
      expect(source.status.lastSyncDuration).toMatch(/^(39|40|38)\.\d+s$/);
    }
    expect(
      await list(
        'dr-us',
        '/apis/volsync.backube/v1alpha1/replicationdestinations',
      ),
    ).toHaveLength(2);

    const [mirror] = await list(
      'dr-us',
      '/apis/kafka.strimzi.io/v1/namespaces/data/kafkamirrormaker2s',
    );
    expect(mirror.status.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'False' }),
    );
    expect(mirror.status.connectors[0].connector.state).toBe('FAILED');
    expect(mirror.status.connectors[0].tasks[0].state).toBe('FAILED');

    const [replica] = await list(
      'dr-us',
      '/apis/postgresql.cnpg.io/v1/namespaces/payments/clusters',
    );
    expect(replica.spec.replica).toEqual({
      enabled: true,
      source: 'payments-db-prod-eu',
    });
    // Its designated primary's metrics exporter, through the pod proxy: 52 seconds behind.
    const drUs = simulator.clusters.find(c => c.name === 'dr-us')!;
    const metrics = await fetch(
      `${drUs.url}/api/v1/namespaces/payments/pods/${replica.status.currentPrimary}:9187/proxy/metrics`,
      { headers: { authorization: 'Bearer local-dev-token' } },
    );
    expect(await metrics.text()).toMatch(/^cnpg_pg_replication_lag 52$/m);

    const restores = await list(
      'dr-us',
      '/apis/velero.io/v1/namespaces/velero/restores',
    );
    const reporting = restores.find(r =>
      r.spec.backupName.startsWith('reporting-db-weekly'),
    )!;
    expect(reporting.status.phase).toBe('Completed');
    expect(Math.round(ago(reporting.status.startTimestamp) / 24)).toBe(20);
    expect(
      Date.parse(reporting.status.completionTimestamp) -
        Date.parse(reporting.status.startTimestamp),
    ).toBe(25 * 60_000);
    const drBackups = await list(
      'dr-us',
      '/apis/velero.io/v1/namespaces/velero/backups',
    );
    for (const restore of restores) {
      expect(drBackups.map(b => b.metadata.name)).toContain(
        restore.spec.backupName,
      );
    }

    const snapshots = await list(
      'prod-eu',
      '/apis/snapshot.storage.k8s.io/v1/volumesnapshots',
    );
    expect(snapshots.length).toBeGreaterThanOrEqual(4);
    expect(
      snapshots.every(
        s => s.status.readyToUse === true && s.status.restoreSize,
      ),
    ).toBe(true);
    expect(
      await list(
        'prod-eu',
        '/apis/snapshot.storage.k8s.io/v1/volumesnapshotclasses',
      ),
    ).toHaveLength(1);
  });
});

describe('fixture errors', () => {
  let directory: string;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-simulator-'));
  });

  afterEach(() => {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const start = () =>
    startSimulator({
      clusters: [{ name: 'broken', port: 0, fixturesDir: directory }],
    });

  it('fail start-up naming the file, the object and the field', async () => {
    const file = path.join(directory, 'velero.yaml');
    fs.writeFileSync(
      file,
      `apiVersion: v1
kind: Namespace
metadata: {name: velero}
---
apiVersion: velero.io/v1
kind: Backup
metadata: {name: bad, namespace: velero}
spec: {ttl: 5}
`,
    );
    await expect(start()).rejects.toThrow(
      `${file}#2: velero.io/v1 Backup velero/bad: Backup.velero.io "bad" is invalid: spec.ttl: Invalid value: "integer"`,
    );
  });

  it('refuse unknown fields, unknown kinds and unknown tokens', async () => {
    const file = path.join(directory, 'objects.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: s, namespace: velero}\nspec: {schedule: "@daily", template: {}, pausd: true}\n',
    );
    await expect(start()).rejects.toThrow('unknown field "spec.pausd"');
    fs.writeFileSync(
      file,
      'apiVersion: velero.io/v2\nkind: Backup\nmetadata: {name: b, namespace: velero}\n',
    );
    await expect(start()).rejects.toThrow(
      'no served resource has apiVersion velero.io/v2 and kind Backup',
    );
    fs.writeFileSync(
      file,
      'apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b, namespace: velero}\nstatus: {startTimestamp: "{{now-5w}}"}\n',
    );
    await expect(start()).rejects.toThrow(
      'status.startTimestamp: unknown token {{now-5w}}',
    );
  });

  it('refuse an object defined twice', async () => {
    const namespaceYaml =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: velero}\n';
    fs.writeFileSync(path.join(directory, 'a.yaml'), namespaceYaml);
    fs.writeFileSync(path.join(directory, 'b.yaml'), namespaceYaml);
    await expect(start()).rejects.toThrow(
      /b\.yaml#1: Namespace velero is also defined by .*a\.yaml#1/,
    );
  });
});
