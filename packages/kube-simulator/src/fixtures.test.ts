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

/** Whether a Velero backup spec (or a Schedule's template) selects an object: namespace and matchLabels. */
function takesIn(spec: any, obj: Obj): boolean {
  const namespaces: string[] = spec.includedNamespaces ?? ['*'];
  return (
    (namespaces.includes('*') ||
      namespaces.includes(obj.metadata.namespace!)) &&
    !(spec.excludedNamespaces ?? []).includes(obj.metadata.namespace) &&
    Object.entries(spec.labelSelector?.matchLabels ?? {}).every(
      ([key, value]) => obj.metadata.labels?.[key] === value,
    )
  );
}

/** Whether a backup spec moves volume data off the cluster (CSI data movement or file-system backup). */
const movesData = (spec: any) =>
  spec.defaultVolumesToFsBackup === true ||
  (spec.snapshotVolumes !== false && spec.snapshotMoveData === true);

/** Services of examples/services.yaml whose declarations are invalid with nothing to evaluate. */
const WORKLOADS_ONLY = [
  'billing-worker',
  'fraud-scoring',
  'email-gateway',
  'sessions-store',
];

const RFC_3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * `actual` with each timestamp replaced by `expected`'s at the same place when they are at most
 * 2 seconds apart: fixture times are resolved when served, so two clusters listed one after the
 * other may differ by a tick of the simulator's clock.
 */
function clockTolerant(actual: any, expected: any): any {
  if (
    typeof actual === 'string' &&
    typeof expected === 'string' &&
    RFC_3339.test(actual) &&
    RFC_3339.test(expected) &&
    Math.abs(Date.parse(actual) - Date.parse(expected)) <= 2000
  ) {
    return expected;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    return actual.map((value, i) => clockTolerant(value, expected[i]));
  }
  if (
    actual &&
    expected &&
    typeof actual === 'object' &&
    typeof expected === 'object'
  ) {
    return Object.fromEntries(
      Object.entries(actual).map(([key, value]) => [
        key,
        clockTolerant(value, expected[key]),
      ]),
    );
  }
  return actual;
}

/** The declared services of examples/services.yaml with evidence to judge, by name. */
function declaredServices(): Map<
  string,
  { id: string; namespace: string; strategy: string }
> {
  return new Map(
    parseAllDocuments(fs.readFileSync(SERVICES, 'utf8'))
      .map(document => document.toJS())
      .filter(
        entity =>
          entity?.kind === 'Component' &&
          entity.metadata.annotations['disaster-recovery/strategy'] &&
          !WORKLOADS_ONLY.includes(entity.metadata.name),
      )
      .map(entity => [
        entity.metadata.name,
        {
          id: entity.metadata.annotations['backstage.io/kubernetes-id'],
          namespace:
            entity.metadata.annotations['backstage.io/kubernetes-namespace'],
          strategy: entity.metadata.annotations['disaster-recovery/strategy'],
        },
      ]),
  );
}

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
    expect(
      viaDefault.map(b =>
        clockTolerant(dr.get(b.metadata.name)?.status, b.status),
      ),
    ).toEqual(viaDefault.map(b => b.status));
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
    // ... nor by any backup: the WAL volume has no recovery point at all.
    expect(
      ledgerPvcs
        .filter(pvc => pvc.metadata.name === 'wal-ledger-db-0')
        .flatMap(pvc => backups.filter(b => takesIn(b.spec, pvc))),
    ).toEqual([]);

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
        '/apis/volsync.backube/v1alpha1/namespaces/commerce/replicationdestinations',
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

describe('the shipped fixtures follow the evaluation refinements (DOMAIN.md)', () => {
  it('move the data of every PVC off prod-eu in the backups that take it in (data, not manifests)', async () => {
    const pvcs = await list('prod-eu', '/api/v1/persistentvolumeclaims');
    const schedules = await list(
      'prod-eu',
      '/apis/velero.io/v1/namespaces/velero/schedules',
    );
    const backups = [
      ...(await list(
        'prod-eu',
        '/apis/velero.io/v1/namespaces/velero/backups',
      )),
      ...(await list('dr-us', '/apis/velero.io/v1/namespaces/velero/backups')),
    ];
    const specs = [
      ...schedules.map(s => ({
        name: `Schedule ${s.metadata.name}`,
        spec: s.spec.template,
      })),
      ...backups.map(b => ({
        name: `Backup ${b.metadata.name}`,
        spec: b.spec,
      })),
    ];
    // No backup that takes a PVC in keeps its volume snapshots on the cluster ...
    const localSnapshotsOnly = specs
      .filter(({ spec }) => pvcs.some(pvc => takesIn(spec, pvc)))
      .filter(({ spec }) => spec.snapshotVolumes !== false && !movesData(spec))
      .map(({ name }) => name);
    expect(localSnapshotsOnly).toEqual([]);
    // ... and every PVC's data leaves prod-eu: in backups that move it, or by VolSync.
    const sources = await list(
      'prod-eu',
      '/apis/volsync.backube/v1alpha1/replicationsources',
    );
    // ... or by KubeStash / Stash backups of the workload that mounts it, or a Kasten K10 policy
    // that exports its namespace's data (PROVIDERS.md sections 2 and 3).
    const deployments = await list('prod-eu', '/apis/apps/v1/deployments');
    const stashTargets = [
      ...(
        await list(
          'prod-eu',
          '/apis/core.kubestash.com/v1alpha1/backupconfigurations',
        )
      ).map(c => ({ ns: c.metadata.namespace, ...c.spec.target })),
      ...(
        await list(
          'prod-eu',
          '/apis/stash.appscode.com/v1beta1/backupconfigurations',
        )
      ).map(c => ({ ns: c.metadata.namespace, ...c.spec.target.ref })),
    ];
    const kastenExports = (
      await list('prod-eu', '/apis/config.kio.kasten.io/v1alpha1/policies')
    ).filter(p =>
      p.spec.actions.some(
        (a: any) =>
          a.action === 'export' && a.exportParameters?.exportData?.enabled,
      ),
    );
    // ... or by a CloudNativePG ScheduledBackup of the PVC's Cluster, a primary csi-addons
    // VolumeReplication of the PVC, or Cassandra's own replication to a datacenter on dr-us
    // (PROVIDERS.md sections 1, 4 and 5).
    const cnpgScheduled = (
      await list('prod-eu', '/apis/postgresql.cnpg.io/v1/scheduledbackups')
    ).map(b => `${b.metadata.namespace}/${b.spec.cluster.name}`);
    const primaryReplications = (
      await list(
        'prod-eu',
        '/apis/replication.storage.openshift.io/v1alpha1/volumereplications',
      )
    )
      .filter(r => r.spec.replicationState === 'primary')
      .map(r => `${r.metadata.namespace}/${r.spec.dataSource.name}`);
    const replicatedDatacenters = (
      await list('prod-eu', '/apis/k8ssandra.io/v1alpha1/k8ssandraclusters')
    )
      .filter(k =>
        k.spec.cassandra.datacenters.some(
          (dc: any) => dc.k8sContext === 'dr-us',
        ),
      )
      .flatMap(k =>
        k.spec.cassandra.datacenters.map(
          (dc: any) => `${k.metadata.namespace}/${dc.metadata.name}`,
        ),
      );
    const mountedBy = (pvc: Obj, kind: string, name: string) =>
      kind === 'StatefulSet'
        ? new RegExp(`-${name}-\\d+$`).test(pvc.metadata.name)
        : deployments.some(
            d =>
              d.metadata.name === name &&
              d.metadata.namespace === pvc.metadata.namespace &&
              d.spec.template.spec.volumes?.some(
                (v: any) =>
                  v.persistentVolumeClaim?.claimName === pvc.metadata.name,
              ),
          );
    const dataLeaves = (pvc: Obj) =>
      specs.some(({ spec }) => takesIn(spec, pvc) && movesData(spec)) ||
      sources.some(
        s =>
          s.metadata.namespace === pvc.metadata.namespace &&
          s.spec.sourcePVC === pvc.metadata.name,
      ) ||
      stashTargets.some(
        t =>
          (t.namespace ?? t.ns) === pvc.metadata.namespace &&
          mountedBy(pvc, t.kind, t.name),
      ) ||
      cnpgScheduled.includes(
        `${pvc.metadata.namespace}/${pvc.metadata.labels?.['cnpg.io/cluster']}`,
      ) ||
      primaryReplications.includes(
        `${pvc.metadata.namespace}/${pvc.metadata.name}`,
      ) ||
      replicatedDatacenters.includes(
        `${pvc.metadata.namespace}/${pvc.metadata.labels?.['cassandra.datastax.com/datacenter']}`,
      ) ||
      kastenExports.some(p =>
        p.spec.selector.matchExpressions?.some(
          (e: any) =>
            e.key === 'k10.kasten.io/appNamespace' &&
            e.values.includes(pvc.metadata.namespace),
        ),
      );
    expect(
      pvcs
        .filter(pvc => !dataLeaves(pvc))
        .map(pvc => `${pvc.metadata.namespace}/${pvc.metadata.name}`)
        .sort(),
    ).toEqual([
      // sessions-store: an invalid declaration, workloads only
      'identity/data-sessions-store-0',
      'identity/data-sessions-store-1',
      'identity/data-sessions-store-2',
      // ledger-db's WAL volume: backed up by nothing (breached)
      'payments/wal-ledger-db-0',
    ]);
    // Manifest-only backups are those of the services without PVCs, and of identity-api, whose
    // volume VolSync replicates.
    expect(
      [
        ...new Set(
          specs
            .filter(({ spec }) => spec.snapshotVolumes === false)
            .map(
              ({ spec }) =>
                spec.labelSelector.matchLabels['backstage.io/kubernetes-id'],
            ),
        ),
      ].sort(),
    ).toEqual(['identity-api', 'orders-api', 'payments-api']);
  });

  it('keep on dr-us only synced copies of prod-eu backups (whose backup)', async () => {
    const prod = new Map(
      (
        await list('prod-eu', '/apis/velero.io/v1/namespaces/velero/backups')
      ).map(b => [b.metadata.name, b]),
    );
    const dr = await list(
      'dr-us',
      '/apis/velero.io/v1/namespaces/velero/backups',
    );
    expect(dr.length).toBeGreaterThan(10);
    for (const copy of dr) {
      const original = prod.get(copy.metadata.name);
      expect({ name: copy.metadata.name, onProdEu: !!original }).toEqual({
        name: copy.metadata.name,
        onProdEu: true,
      });
      expect(copy.spec).toEqual(original!.spec);
      expect(copy.metadata.labels).toEqual(original!.metadata.labels);
      expect(clockTolerant(copy.status, original!.status)).toEqual(
        original!.status,
      );
    }
    expect(
      await list('dr-us', '/apis/velero.io/v1/namespaces/velero/schedules'),
    ).toEqual([]);
  });

  it('drill each service with a Restore of one of its own backups whose filters take the service in', async () => {
    const services = declaredServices();
    const prodBackups = new Map(
      (
        await list('prod-eu', '/apis/velero.io/v1/namespaces/velero/backups')
      ).map(b => [b.metadata.name, b]),
    );
    const restores = await list(
      'dr-us',
      '/apis/velero.io/v1/namespaces/velero/restores',
    );
    const drilled: string[] = [];
    for (const restore of restores) {
      const backup = prodBackups.get(restore.spec.backupName)!;
      expect(backup).toBeDefined();
      expect(backup.status.phase).toBe('Completed');
      const id =
        backup.spec.labelSelector.matchLabels['backstage.io/kubernetes-id'];
      const service = services.get(id)!;
      expect(service).toBeDefined();
      // the backup is the service's: its namespace and its label
      expect(backup.spec.includedNamespaces).toEqual([service.namespace]);
      // the restore's own filters take the service in, into an isolated namespace
      expect(restore.spec.includedNamespaces).toContain(service.namespace);
      expect(restore.spec.namespaceMapping).toEqual({
        [service.namespace]: `drill-${id}`,
      });
      expect(restore.spec.labelSelector).toBeUndefined();
      expect(restore.spec.orLabelSelectors).toBeUndefined();
      expect(restore.status.phase).toBe('Completed');
      drilled.push(id);
    }
    expect(drilled.sort()).toEqual(
      [...services.keys()]
        .filter(
          name =>
            ![
              // never drilled
              'customer-files',
              'ledger-db',
              'documents-store',
              // drilled by their own systems' restores on dr-us: a CloudNativePG Cluster
              // bootstrapped from the archive, a MedusaRestoreJob, KubeStash and Stash
              // RestoreSessions, a Kasten RestoreAction
              'accounts-db',
              'orders-cassandra',
              'media-library',
              'loyalty-points',
            ].includes(name),
        )
        .sort(),
    );
  });

  it('put behind each declared strategy what the scenario means it to have', async () => {
    const services = declaredServices();
    const workloads = async (
      cluster: string,
      service: { id: string; namespace: string },
    ) =>
      (
        await Promise.all(
          ['deployments', 'statefulsets'].map(resource =>
            list(
              cluster,
              `/apis/apps/v1/namespaces/${service.namespace}/${resource}`,
              `backstage.io/kubernetes-id=${service.id}`,
            ),
          ),
        )
      ).flat();
    const dr = {
      cnpgReplicas: await list('dr-us', '/apis/postgresql.cnpg.io/v1/clusters'),
      mirrors: await list(
        'dr-us',
        '/apis/kafka.strimzi.io/v1/kafkamirrormaker2s',
      ),
      destinations: await list(
        'dr-us',
        '/apis/volsync.backube/v1alpha1/replicationdestinations',
      ),
      backups: await list(
        'dr-us',
        '/apis/velero.io/v1/namespaces/velero/backups',
      ),
      volumeReplications: await list(
        'dr-us',
        '/apis/replication.storage.openshift.io/v1alpha1/volumereplications',
      ),
      kubestashSnapshots: await list(
        'dr-us',
        '/apis/storage.kubestash.com/v1alpha1/snapshots',
      ),
      kastenImports: await list(
        'dr-us',
        '/apis/apps.kio.kasten.io/v1alpha1/restorepointcontents',
      ),
    };
    const cassandraClusters = await list(
      'prod-eu',
      '/apis/k8ssandra.io/v1alpha1/k8ssandraclusters',
    );
    const sources = await list(
      'prod-eu',
      '/apis/volsync.backube/v1alpha1/replicationsources',
    );
    const pvcs = await list('prod-eu', '/api/v1/persistentvolumeclaims');
    const found: Record<string, string[]> = {};
    for (const [name, service] of services) {
      if (
        !['pilot-light', 'warm-standby', 'active-active'].includes(
          service.strategy,
        )
      ) {
        continue;
      }
      const own = (o: Obj) =>
        o.metadata.namespace === service.namespace &&
        o.metadata.labels?.['backstage.io/kubernetes-id'] === service.id;
      const servicePvcs = pvcs.filter(own);
      const evidence: string[] = [];
      if (
        servicePvcs.length > 0 &&
        servicePvcs.every(pvc =>
          sources.some(
            s =>
              s.metadata.namespace === pvc.metadata.namespace &&
              s.spec.sourcePVC === pvc.metadata.name,
          ),
        ) &&
        dr.destinations.filter(own).length === servicePvcs.length
      ) {
        evidence.push('volsync');
      }
      if (dr.cnpgReplicas.filter(own).some(c => c.spec.replica?.enabled)) {
        evidence.push('cnpg-replica');
      }
      if (dr.mirrors.some(own)) {
        evidence.push('mirrormaker2');
      }
      if (
        servicePvcs.length > 0 &&
        servicePvcs.every(pvc =>
          dr.volumeReplications.some(
            r =>
              r.metadata.namespace === pvc.metadata.namespace &&
              r.spec.dataSource.name === pvc.metadata.name &&
              r.spec.replicationState === 'secondary',
          ),
        )
      ) {
        evidence.push('volume-replication secondary on dr-us');
      }
      if (
        cassandraClusters
          .filter(own)
          .some(k =>
            k.spec.cassandra.datacenters.some(
              (dc: any) => dc.k8sContext === 'dr-us',
            ),
          )
      ) {
        evidence.push('cassandra datacenter on dr-us');
      }
      if (
        dr.kubestashSnapshots.some(
          x => x.metadata.namespace === service.namespace,
        )
      ) {
        evidence.push('kubestash snapshots synced to dr-us');
      }
      if (
        dr.kastenImports.some(
          x =>
            x.metadata.labels?.['k10.kasten.io/appNamespace'] ===
            service.namespace,
        )
      ) {
        evidence.push('kasten exports imported on dr-us');
      }
      if (
        dr.backups.some(
          b =>
            b.status.phase === 'Completed' &&
            b.spec.labelSelector?.matchLabels?.[
              'backstage.io/kubernetes-id'
            ] === service.id &&
            b.metadata.labels?.['velero.io/schedule-name'],
        )
      ) {
        evidence.push('scheduled backup restorable on dr-us');
      }
      const [prodServing, drWorkloads] = [
        await workloads('prod-eu', service),
        await workloads('dr-us', service),
      ];
      if (drWorkloads.length > 0) {
        evidence.push(
          drWorkloads.every(
            w => w.spec.replicas > 0 && w.status.readyReplicas > 0,
          )
            ? 'serving on dr-us'
            : 'scaled down on dr-us',
        );
      }
      if (
        prodServing.length > 0 &&
        prodServing.every(
          w => w.spec.replicas > 0 && w.status.readyReplicas > 0,
        )
      ) {
        evidence.push('serving on prod-eu');
      }
      found[`${name} (${service.strategy})`] = evidence;
    }
    expect(found).toEqual({
      // active-active: serving on both
      'payments-api (active-active)': [
        'serving on dr-us',
        'serving on prod-eu',
      ],
      // warm-standby: replication and the workloads on dr-us
      'payments-db (warm-standby)': [
        'cnpg-replica',
        'scheduled backup restorable on dr-us',
      ],
      'identity-api (warm-standby)': [
        'volsync',
        'scheduled backup restorable on dr-us',
        'serving on dr-us',
        'serving on prod-eu',
      ],
      'orders-api (warm-standby)': [
        'scheduled backup restorable on dr-us',
        'serving on dr-us',
        'serving on prod-eu',
      ],
      'event-streams (warm-standby)': [
        'mirrormaker2',
        'scheduled backup restorable on dr-us',
        'serving on dr-us',
        'serving on prod-eu',
      ],
      // breached: nothing replicates ledger-db to dr-us (and its WAL volume is not backed up)
      'ledger-db (warm-standby)': [
        'scheduled backup restorable on dr-us',
        'scaled down on dr-us',
        'serving on prod-eu',
      ],
      // pilot-light: replication, or backups restorable on dr-us
      'orders-db (pilot-light)': [
        'volsync',
        'scheduled backup restorable on dr-us',
        'scaled down on dr-us',
        'serving on prod-eu',
      ],
      'inventory-service (pilot-light)': [
        'scheduled backup restorable on dr-us',
        'scaled down on dr-us',
        'serving on prod-eu',
      ],
      'search-indexer (pilot-light)': [
        'scheduled backup restorable on dr-us',
        'scaled down on dr-us',
        'serving on prod-eu',
      ],
      // pilot-light on the other systems: storage replication, KubeStash snapshots in a bucket
      // dr-us reads, Kasten exports imported on dr-us
      'documents-store (pilot-light)': [
        'volume-replication secondary on dr-us',
        'scaled down on dr-us',
        'serving on prod-eu',
      ],
      'media-library (pilot-light)': [
        'kubestash snapshots synced to dr-us',
        'serving on prod-eu',
      ],
      'loyalty-points (pilot-light)': [
        'kasten exports imported on dr-us',
        'serving on prod-eu',
      ],
      // warm-standby: a Cassandra datacenter serving on dr-us
      'orders-cassandra (warm-standby)': [
        'cassandra datacenter on dr-us',
        'serving on dr-us',
        'serving on prod-eu',
      ],
      // invalid declaration, breached: every backup Failed (the synced one too)
      'customer-files (pilot-light)': ['serving on prod-eu'],
    });
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
