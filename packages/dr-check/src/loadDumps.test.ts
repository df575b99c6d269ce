import fs from 'fs';
import os from 'os';
import path from 'path';
import { DrCheckInputError } from './files';
import { loadClusterDumps } from './loadDumps';

const CLUSTERS = path.resolve(__dirname, '__fixtures__', 'clusters');

const counts = (objects: object) =>
  Object.fromEntries(
    Object.entries(objects).map(([key, list]) => [key, (list as []).length]),
  );
const names = (list: Array<{ metadata: { name: string } }> = []) =>
  list.map(o => o.metadata.name);

describe('loadClusterDumps', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dr-dumps-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const write = (rel: string, text: string) => {
    const file = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  it('reads one cluster per sub-folder, sorting kubectl List items, single objects and typed lists by kind', () => {
    const { clusters, errors } = loadClusterDumps(CLUSTERS);
    expect(errors).toEqual([]);
    expect(clusters.map(c => c.cluster)).toEqual(['dr-us', 'prod-eu']);
    const [drUs, prodEu] = clusters;
    expect(prodEu.failures).toBeUndefined();
    // The Service in workloads.yaml is not read by the evaluation: it is left out.
    expect(counts(prodEu.objects)).toEqual({
      backupStorageLocations: 1, // a single object (kubectl get ... default -o yaml)
      schedules: 3,
      backups: 11,
      statefulSets: 3,
      persistentVolumeClaims: 4,
      volumeSnapshots: 2, // two YAML documents in one file
    });
    expect(counts(drUs.objects)).toEqual({
      backupStorageLocations: 1,
      backups: 3,
      restores: 3,
    });
    // restores.json is a RestoreList as the API server returns it: its items carry no
    // apiVersion or kind and take the list's.
    expect(
      drUs.objects.restores!.map(r => [r.apiVersion, r.kind, r.metadata.name]),
    ).toEqual([
      ['velero.io/v1', 'Restore', 'catalog-api-drill-20261105'],
      ['velero.io/v1', 'Restore', 'orders-db-drill-20261118'],
      ['velero.io/v1', 'Restore', 'billing-db-drill-20261120'],
    ]);
    expect(prodEu.objects.backups![0].status).toMatchObject({
      phase: 'Completed',
      startTimestamp: '2026-11-25T12:00:00Z',
    });
  });

  it('reads `kubectl get -A -o yaml` Lists whose items carry their own apiVersion and kind', () => {
    write(
      'prod-eu/all.yaml',
      [
        'apiVersion: v1',
        'kind: List',
        'metadata:',
        '  resourceVersion: ""',
        'items:',
        '- apiVersion: apps/v1',
        '  kind: StatefulSet',
        '  metadata: { name: web, namespace: shop }',
        '- apiVersion: v1',
        '  kind: PersistentVolumeClaim',
        '  metadata: { name: data-web-0, namespace: shop }',
        '- apiVersion: v1',
        '  kind: ConfigMap',
        '  metadata: { name: settings, namespace: shop }',
        '- apiVersion: velero.io/v1',
        '  kind: Schedule',
        '  metadata: { name: shop-daily, namespace: velero }',
        '  spec: { schedule: "@daily", template: { includedNamespaces: [shop] } }',
        '',
      ].join('\n'),
    );
    const [prodEu] = loadClusterDumps(tmp).clusters;
    expect(prodEu).toEqual({
      cluster: 'prod-eu',
      objects: {
        statefulSets: [expect.objectContaining({ kind: 'StatefulSet' })],
        persistentVolumeClaims: [
          expect.objectContaining({
            metadata: expect.objectContaining({ name: 'data-web-0' }),
          }),
        ],
        schedules: [
          expect.objectContaining({
            spec: {
              schedule: '@daily',
              template: { includedNamespaces: ['shop'] },
            },
          }),
        ],
      },
    });
  });

  it('reads the kinds of every status provider, not only the built-in ones (KubeStash, Kasten K10, K8ssandra)', () => {
    write(
      'prod-eu/providers.yaml',
      [
        'apiVersion: storage.kubestash.com/v1alpha1',
        'kind: Snapshot',
        'metadata: { name: media-1, namespace: media }',
        '---',
        'apiVersion: apps.kio.kasten.io/v1alpha1',
        'kind: RestorePoint',
        'metadata: { name: loyalty-1, namespace: loyalty }',
        '---',
        'apiVersion: k8ssandra.io/v1alpha1',
        'kind: K8ssandraCluster',
        'metadata: { name: orders-cassandra, namespace: data }',
        '---',
        'apiVersion: example.com/v1',
        'kind: Unknown',
        'metadata: { name: left-out }',
      ].join('\n'),
    );
    const { clusters, errors } = loadClusterDumps(tmp);
    expect(errors).toEqual([]);
    expect(counts(clusters[0].objects)).toEqual({
      kubestashSnapshots: 1,
      kastenRestorePoints: 1,
      k8ssandraClusters: 1,
    });
  });

  it('counts an object dumped twice once', () => {
    const pvc =
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: data-web-0, namespace: shop }\n';
    write('prod-eu/a.yaml', pvc);
    write('prod-eu/nested/b.yml', pvc);
    const [prodEu] = loadClusterDumps(tmp).clusters;
    expect(names(prodEu.objects.persistentVolumeClaims)).toEqual([
      'data-web-0',
    ]);
  });

  it('turns a file that is not valid YAML into a failure of its cluster, naming the file and line, and keeps the other files', () => {
    write(
      'dr-us/restores.yaml',
      'apiVersion: velero.io/v1\nkind: Restore\nmetadata:\n  name: [drill\n',
    );
    write(
      'dr-us/bsl.yaml',
      'apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: { name: default, namespace: velero }\n',
    );
    write(
      'prod-eu/bsl.yaml',
      'apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: { name: default, namespace: velero }\n',
    );
    const { clusters, errors } = loadClusterDumps(tmp);
    const file = path.join(tmp, 'dr-us', 'restores.yaml');
    expect(errors).toEqual([
      {
        cluster: 'dr-us',
        reason: expect.stringMatching(
          new RegExp(`^${file.replace(/[.]/g, '\\.')}:5:1: not valid YAML: `),
        ),
      },
    ]);
    expect(clusters[0]).toEqual({
      cluster: 'dr-us',
      objects: { backupStorageLocations: [expect.anything()] },
      failures: [{ reason: errors[0].reason }],
    });
    expect(clusters[1].failures).toBeUndefined();
  });

  it('reports a dump file that cannot be read as a failure of its cluster', () => {
    write('prod-eu/workloads.yaml', 'kind: List\nitems: []\n');
    const link = path.join(tmp, 'prod-eu', 'velero.yaml');
    fs.symlinkSync(path.join(tmp, 'gone.yaml'), link);
    const [prodEu] = loadClusterDumps(tmp).clusters;
    expect(prodEu.failures).toEqual([
      {
        reason: expect.stringMatching(
          /prod-eu\/velero\.yaml: cannot be read \(ENOENT/,
        ),
      },
    ]);
  });

  it('reports an object of a read kind without metadata.name as a failure of that resource', () => {
    const file = write(
      'prod-eu/backups.yaml',
      'apiVersion: velero.io/v1\nkind: BackupList\nitems:\n- metadata: { name: ok }\n- metadata: {}\n',
    );
    const { clusters, errors } = loadClusterDumps(tmp);
    expect(names(clusters[0].objects.backups)).toEqual(['ok']);
    expect(clusters[0].failures).toEqual([
      {
        resources: ['backups'],
        reason: `${file}:1: items[1]: a Backup without metadata.name`,
      },
    ]);
    expect(errors).toEqual([
      {
        cluster: 'prod-eu',
        reason: `${file}:1: items[1]: a Backup without metadata.name`,
      },
    ]);
  });

  it('reports a cluster folder without dump files as a failure: nothing was read from it', () => {
    write('prod-eu/README.md', 'not a dump');
    const { clusters } = loadClusterDumps(tmp);
    expect(clusters).toEqual([
      {
        cluster: 'prod-eu',
        objects: {},
        failures: [
          {
            reason: `${path.join(
              tmp,
              'prod-eu',
            )} holds no .yaml, .yml, .json files, so nothing was read from cluster prod-eu`,
          },
        ],
      },
    ]);
  });

  it('reads the replication lag of CloudNativePG replica clusters from metrics.yaml, not as objects', () => {
    write(
      'dr-us/metrics.yaml',
      '# cnpg_pg_replication_lag of the designated primaries, seconds\ncnpg_pg_replication_lag:\n  orders/orders-db: 12\n  billing/billing-db: 0.5\n',
    );
    write(
      'dr-us/cnpg.yaml',
      'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: { name: orders-db, namespace: orders }\n',
    );
    write(
      'prod-eu/bsl.yaml',
      'apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: { name: default, namespace: velero }\n',
    );
    const { clusters, errors } = loadClusterDumps(tmp);
    expect(errors).toEqual([]);
    const [drUs, prodEu] = clusters;
    expect(drUs.postgresReplicationLagSeconds).toEqual({
      'orders/orders-db': 12,
      'billing/billing-db': 0.5,
    });
    expect(names(drUs.objects.postgresClusters)).toEqual(['orders-db']);
    expect(prodEu.postgresReplicationLagSeconds).toBeUndefined();
  });

  it.each([
    [
      'a metric it does not read',
      'cnpg_pg_replication_lag_seconds:\n  orders/orders-db: 12\n',
      'cnpg_pg_replication_lag_seconds is not a metric dr-check reads; use cnpg_pg_replication_lag',
    ],
    [
      'a key that is not namespace/name',
      'cnpg_pg_replication_lag:\n  orders-db: 12\n',
      'cnpg_pg_replication_lag: "orders-db" is not namespace/name of a Cluster',
    ],
    [
      'a lag that is not a number',
      'cnpg_pg_replication_lag:\n  orders/orders-db: 12s\n',
      'cnpg_pg_replication_lag: orders/orders-db: "12s" is not a lag in seconds (a number, 0 or more)',
    ],
    [
      'a negative lag',
      'cnpg_pg_replication_lag:\n  orders/orders-db: -1\n',
      'cnpg_pg_replication_lag: orders/orders-db: -1 is not a lag in seconds',
    ],
    ['a list', '- 12\n', 'a metrics file is a mapping'],
  ])(
    'reports a metrics file with %s as a failure of the postgresClusters',
    (_what, text, message) => {
      const file = write('dr-us/metrics.yaml', text);
      const [drUs] = loadClusterDumps(tmp).clusters;
      expect(drUs.postgresReplicationLagSeconds).toBeUndefined();
      expect(drUs.failures).toEqual([
        {
          resources: ['postgresClusters'],
          reason: expect.stringContaining(`${file}:1: `),
        },
      ]);
      expect(drUs.failures![0].reason).toContain(message);
    },
  );

  it('throws for a folder without cluster sub-folders, or one that does not exist', () => {
    write('velero.yaml', 'kind: List\nitems: []\n');
    expect(() => loadClusterDumps(tmp)).toThrow(DrCheckInputError);
    expect(() => loadClusterDumps(tmp)).toThrow(/has no cluster sub-folders/);
    expect(() => loadClusterDumps(path.join(tmp, 'missing'))).toThrow(
      /no such folder/,
    );
  });
});
