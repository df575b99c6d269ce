import {
  KubeObject,
  VeleroBackupSpec,
  VeleroBackupStorageLocation,
} from './kubernetes';
import {
  DrPodMount,
  backupVolumeData,
  locationInsideCluster,
  scopeTakesIn,
  veleroScope,
} from './velero';

// Fixtures follow velero.io_backups.yaml (spec of a Backup, and of a Schedule's template) and
// velero.io_backupstoragelocations.yaml (Velero 1.18.2 CRDs in ../shared/crds beside the repository).

const NS = 'commerce';
const ordersLabels = {
  'backstage.io/kubernetes-id': 'orders-db',
  app: 'orders',
};

const pvc = (
  name = 'data-orders-db-0',
  labels: Record<string, string> = { app: 'orders' },
  namespace = NS,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace, labels },
});

// The pod template of StatefulSet orders-db, mounting the claim through its `data` template.
const mount = (
  annotations?: Record<string, string>,
  labels: Record<string, string> = ordersLabels,
): DrPodMount => ({
  workload: 'StatefulSet orders-db',
  volume: 'data',
  labels,
  annotations,
});

const namespaces = (spec: VeleroBackupSpec, ...names: string[]) => {
  const scope = veleroScope(spec);
  return names.filter(n => scope.includesNamespace(n));
};

describe('veleroScope: namespaces as Velero 1.18 applies them', () => {
  it('takes in every namespace when includedNamespaces is empty, unset or `*`', () => {
    expect(namespaces({}, 'commerce', 'kube-system')).toEqual([
      'commerce',
      'kube-system',
    ]);
    expect(namespaces({ includedNamespaces: [] }, 'commerce')).toEqual([
      'commerce',
    ]);
    expect(
      namespaces({ includedNamespaces: ['*'] }, 'commerce', 'billing'),
    ).toEqual(['commerce', 'billing']);
  });

  it('matches `*` within a name: app-* takes in app-prod and app-a, not app or myapp-prod', () => {
    expect(
      namespaces(
        { includedNamespaces: ['app-*'] },
        'app-prod',
        'app-a',
        'app',
        'myapp-prod',
      ),
    ).toEqual(['app-prod', 'app-a']);
  });

  it('matches `?` as exactly one character: ns? takes in ns1, not ns10 or ns', () => {
    expect(
      namespaces({ includedNamespaces: ['ns?'] }, 'ns1', 'nsa', 'ns10', 'ns'),
    ).toEqual(['ns1', 'nsa']);
  });

  it('matches a bracket range: ns[a-c] takes in nsa and nsc, not nsd', () => {
    expect(
      namespaces({ includedNamespaces: ['ns[a-c]'] }, 'nsa', 'nsc', 'nsd'),
    ).toEqual(['nsa', 'nsc']);
    expect(
      namespaces({ includedNamespaces: ['ns[123]'] }, 'ns2', 'ns4'),
    ).toEqual(['ns2']);
  });

  it('lets an excluded namespace win over an included one, by name or by pattern', () => {
    expect(
      namespaces(
        { includedNamespaces: ['app-*'], excludedNamespaces: ['app-test'] },
        'app-prod',
        'app-test',
      ),
    ).toEqual(['app-prod']);
    expect(
      namespaces(
        { includedNamespaces: ['*'], excludedNamespaces: ['*-test'] },
        'commerce',
        'commerce-test',
      ),
    ).toEqual(['commerce']);
    expect(
      namespaces({ excludedNamespaces: [NS] }, 'commerce', 'billing'),
    ).toEqual(['billing']);
  });

  it.each([
    ['brace expansion', '{commerce,billing}'],
    ['a comma', 'commerce,billing'],
    ['consecutive asterisks', '**'],
    ['consecutive asterisks in a name', 'app-**'],
    ['alternation', 'commerce|billing'],
    ['grouping', '(commerce)'],
    ['negation', '!commerce'],
    ['empty brackets', 'ns[]'],
    ['an unclosed bracket', 'ns[a-c'],
    ['an unmatched closing bracket', 'nsa]'],
  ])(
    'refuses a spec whose pattern uses %s (Velero 1.18 fails its validation): it takes in nothing',
    (_what, pattern) => {
      const scope = veleroScope({ includedNamespaces: [pattern] });
      expect(scope.invalid).toContain(pattern);
      for (const ns of ['commerce', 'billing', 'app-prod', 'nsa']) {
        expect(scope.includesNamespace(ns)).toBe(false);
      }
      expect(scopeTakesIn(scope, pvc(), 'persistentvolumeclaims')).toBe(false);
    },
  );

  it('refuses a rejected pattern in excludedNamespaces too, even next to `*`', () => {
    const scope = veleroScope({
      includedNamespaces: ['*'],
      excludedNamespaces: ['{test,dev}'],
    });
    expect(scope.invalid).toBeDefined();
    expect(scope.includesNamespace(NS)).toBe(false);
  });

  it('accepts the supported forms next to each other', () => {
    const scope = veleroScope({
      includedNamespaces: ['commerce', 'app-*', 'ns?', 'ns[a-c]'],
    });
    expect(scope.invalid).toBeUndefined();
  });

  it('uses the namespaces Velero reported in status.wildcardNamespaces.wildcardResult when present', () => {
    const spec: VeleroBackupSpec = { includedNamespaces: ['app-*'] };
    // The pattern matched app-prod when the backup ran; app-stage appeared later.
    const expanded = veleroScope(spec, ['app-prod']);
    expect(expanded.includesNamespace('app-prod')).toBe(true);
    expect(expanded.includesNamespace('app-stage')).toBe(false);
    // Without the status, the pattern itself decides.
    expect(veleroScope(spec).includesNamespace('app-stage')).toBe(true);
  });

  it('takes in nothing when Velero reported that the patterns matched no namespace', () => {
    const scope = veleroScope({ includedNamespaces: ['app-*'] }, []);
    expect(scope.includesNamespace('app-prod')).toBe(false);
    expect(scope.includesNamespace(NS)).toBe(false);
  });

  it('falls back to the spec when wildcardResult is null', () => {
    const scope = veleroScope({ includedNamespaces: ['app-*'] }, null);
    expect(scope.includesNamespace('app-prod')).toBe(true);
  });
});

describe('veleroScope: specs met one after the other', () => {
  it('gives specs with the same filters the same scope, and others their own', () => {
    const labels = { matchLabels: { app: 'orders', tier: 'db' } };
    const first = veleroScope({
      includedNamespaces: ['shop'],
      labelSelector: labels,
    });
    // The same filters in fresh objects, labels in another order: the same compiled scope.
    const again = veleroScope({
      includedNamespaces: ['shop'],
      labelSelector: { matchLabels: { tier: 'db', app: 'orders' } },
      storageLocation: 'elsewhere',
    });
    expect(again).toBe(first);
    const other = veleroScope({
      includedNamespaces: ['shop'],
      labelSelector: { matchLabels: { app: 'orders' } },
    });
    expect(other).not.toBe(first);
    expect(other.selects({ app: 'orders' })).toBe(true);
    expect(first.selects({ app: 'orders' })).toBe(false);
    expect(
      veleroScope({ includedNamespaces: ['shop'], labelSelector: labels }, [
        'shop',
      ]),
    ).not.toBe(first);
  });

  it('is not misled by a spec changed after its scope was compiled', () => {
    const changed: VeleroBackupSpec = { includedNamespaces: ['before-1'] };
    expect(veleroScope(changed).includesNamespace('before-1')).toBe(true);
    changed.includedNamespaces![0] = 'after-1';
    const scope = veleroScope({ includedNamespaces: ['after-1'] });
    expect(scope.includesNamespace('after-1')).toBe(true);
    expect(scope.includesNamespace('before-1')).toBe(false);
  });
});

describe('veleroScope: resources', () => {
  const takesPvcs = (spec: VeleroBackupSpec) =>
    veleroScope(spec).includesResource('persistentvolumeclaims');

  it('takes in every resource when no resource filter is set', () => {
    const scope = veleroScope({ includedNamespaces: [NS] });
    expect(scope.includesResource('persistentvolumeclaims')).toBe(true);
    expect(scope.includesResource('pods')).toBe(true);
    expect(scope.includesResource('statefulsets')).toBe(true);
  });

  it.each([
    'pvc',
    'persistentvolumeclaim',
    'persistentvolumeclaims',
    'PersistentVolumeClaims',
    'PersistentVolumeClaim',
    'persistentvolumeclaims.',
  ])('reads includedResources %s as persistentvolumeclaims', name => {
    const scope = veleroScope({ includedResources: [name] });
    expect(scope.includesResource('persistentvolumeclaims')).toBe(true);
    expect(scope.includesResource('pods')).toBe(false);
  });

  it('reads `resource.group` forms with their group: deploy.apps is deployments, persistentvolumeclaims.apps is not PVCs', () => {
    expect(
      veleroScope({ includedResources: ['deploy.apps'] }).includesResource(
        'deployments',
      ),
    ).toBe(true);
    expect(
      veleroScope({
        includedResources: ['statefulsets.apps'],
      }).includesResource('statefulsets'),
    ).toBe(true);
    expect(
      takesPvcs({ includedResources: ['persistentvolumeclaims.apps'] }),
    ).toBe(false);
    expect(takesPvcs({ includedResources: ['deploy.apps'] })).toBe(false);
  });

  it('takes every resource with includedResources `*`', () => {
    expect(takesPvcs({ includedResources: ['*'] })).toBe(true);
  });

  it('leaves out excluded resources, in any of their names', () => {
    for (const name of [
      'pvc',
      'PersistentVolumeClaim',
      'persistentvolumeclaims.',
    ]) {
      const scope = veleroScope({ excludedResources: [name] });
      expect(scope.includesResource('persistentvolumeclaims')).toBe(false);
      expect(scope.includesResource('pods')).toBe(true);
    }
    // An item both included and excluded: Velero's ValidateIncludesExcludes refuses the spec.
    const both = veleroScope({
      includedResources: ['pvc', 'pods'],
      excludedResources: ['pods'],
    });
    expect(both.invalid).toContain('pods both included and excluded');
    expect(both.includesResource('persistentvolumeclaims')).toBe(false);
  });

  it('refuses what Velero’s ValidateIncludesExcludes refuses, and reads * in the newer excludes', () => {
    expect(veleroScope({ excludedResources: ['*'] }).invalid).toContain(
      'excluded resources cannot contain *',
    );
    expect(
      veleroScope({ includedNamespaces: ['*', 'commerce'] }).invalid,
    ).toContain('must be * alone');
    expect(
      veleroScope({
        includedNamespaces: ['commerce'],
        excludedNamespaces: ['commerce'],
      }).invalid,
    ).toContain('commerce both included and excluded namespaces');
    const none = veleroScope({ excludedNamespaceScopedResources: ['*'] });
    expect(none.invalid).toBeUndefined();
    expect(none.includesResource('persistentvolumeclaims')).toBe(false);
  });

  it('reads the newer includedNamespaceScopedResources / excludedNamespaceScopedResources', () => {
    const included = veleroScope({
      includedNamespaceScopedResources: ['pvc', 'pods'],
    });
    expect(included.invalid).toBeUndefined();
    expect(included.includesResource('persistentvolumeclaims')).toBe(true);
    expect(included.includesResource('pods')).toBe(true);
    expect(included.includesResource('deployments')).toBe(false);

    const excluded = veleroScope({
      excludedNamespaceScopedResources: ['persistentvolumeclaim'],
    });
    expect(excluded.includesResource('persistentvolumeclaims')).toBe(false);
    expect(excluded.includesResource('pods')).toBe(true);
  });

  it('takes every namespaced resource when only the cluster-scoped filters are set', () => {
    expect(
      takesPvcs({ includedClusterScopedResources: ['persistentvolumes'] }),
    ).toBe(true);
  });

  it('refuses a spec that mixes the old and the new resource filters', () => {
    const scope = veleroScope({
      includedResources: ['pvc'],
      excludedNamespaceScopedResources: ['pods'],
    });
    expect(scope.invalid).toMatch(/mixes includedResources/);
    expect(scope.includesResource('persistentvolumeclaims')).toBe(false);
    expect(scope.includesNamespace(NS)).toBe(false);
    expect(
      veleroScope({
        excludedResources: ['secrets'],
        includedClusterScopedResources: ['persistentvolumes'],
      }).invalid,
    ).toBeDefined();
  });

  it('accepts empty lists of both styles (nothing is mixed)', () => {
    const scope = veleroScope({
      includedResources: [],
      includedNamespaceScopedResources: ['pvc'],
    });
    expect(scope.invalid).toBeUndefined();
    expect(scope.includesResource('persistentvolumeclaims')).toBe(true);
  });
});

describe('veleroScope: label selectors', () => {
  it('selects by labelSelector matchLabels and matchExpressions', () => {
    const scope = veleroScope({
      labelSelector: {
        matchLabels: { app: 'orders' },
        matchExpressions: [
          { key: 'tier', operator: 'NotIn', values: ['cache'] },
        ],
      },
    });
    expect(scope.selects({ app: 'orders' })).toBe(true);
    expect(scope.selects({ app: 'orders', tier: 'db' })).toBe(true);
    expect(scope.selects({ app: 'orders', tier: 'cache' })).toBe(false);
    expect(scope.selects({ app: 'billing' })).toBe(false);
    expect(scope.selects(undefined)).toBe(false);
  });

  it('selects everything without a selector', () => {
    expect(veleroScope({}).selects(undefined)).toBe(true);
  });

  it('selects by any of orLabelSelectors', () => {
    const scope = veleroScope({
      orLabelSelectors: [
        { matchLabels: { app: 'billing' } },
        { matchLabels: { app: 'orders' } },
      ],
    });
    expect(scope.invalid).toBeUndefined();
    expect(scope.selects({ app: 'orders' })).toBe(true);
    expect(scope.selects({ app: 'billing' })).toBe(true);
    expect(scope.selects({ app: 'search' })).toBe(false);
  });

  it('refuses a spec that sets both labelSelector and orLabelSelectors', () => {
    const scope = veleroScope({
      labelSelector: { matchLabels: { app: 'orders' } },
      orLabelSelectors: [{ matchLabels: { app: 'orders' } }],
    });
    expect(scope.invalid).toMatch(/both labelSelector and orLabelSelectors/);
    expect(scope.selects({ app: 'orders' })).toBe(false);
  });
});

describe('scopeTakesIn', () => {
  const scope = veleroScope({
    includedNamespaces: [NS],
    includedResources: ['persistentvolumeclaims', 'statefulsets'],
    labelSelector: { matchLabels: { app: 'orders' } },
  });

  it('needs the namespace, the resource and the labels', () => {
    expect(scopeTakesIn(scope, pvc(), 'persistentvolumeclaims')).toBe(true);
    expect(
      scopeTakesIn(
        scope,
        pvc('x', { app: 'orders' }, 'billing'),
        'persistentvolumeclaims',
      ),
    ).toBe(false);
    expect(
      scopeTakesIn(
        scope,
        pvc('x', { app: 'billing' }),
        'persistentvolumeclaims',
      ),
    ).toBe(false);
    expect(scopeTakesIn(scope, pvc(), 'deployments')).toBe(false);
  });

  it('leaves out an object labelled velero.io/exclude-from-backup=true, not one labelled false', () => {
    expect(
      scopeTakesIn(
        scope,
        pvc('x', { app: 'orders', 'velero.io/exclude-from-backup': 'true' }),
        'persistentvolumeclaims',
      ),
    ).toBe(false);
    expect(
      scopeTakesIn(
        scope,
        pvc('x', { app: 'orders', 'velero.io/exclude-from-backup': 'false' }),
        'persistentvolumeclaims',
      ),
    ).toBe(true);
  });
});

describe('backupVolumeData: what a backup keeps of a PVC', () => {
  const data = (
    spec: VeleroBackupSpec,
    claim: KubeObject = pvc(),
    mounts: DrPodMount[] = [mount()],
  ) => backupVolumeData(veleroScope(spec), spec, claim, mounts);
  const base: VeleroBackupSpec = {
    includedNamespaces: [NS],
    labelSelector: { matchLabels: { app: 'orders' } },
    storageLocation: 'default',
    ttl: '720h0m0s',
  };

  it('keeps files with defaultVolumesToFsBackup: true', () => {
    expect(data({ ...base, defaultVolumesToFsBackup: true })).toBe('fs');
    expect(
      data({ ...base, defaultVolumesToFsBackup: true, snapshotVolumes: false }),
    ).toBe('fs');
  });

  it('does not back up the files of a pod labelled velero.io/exclude-from-backup=true', () => {
    const excludedPod: DrPodMount = {
      ...mount(),
      labels: { ...mount().labels, 'velero.io/exclude-from-backup': 'true' },
    };
    expect(
      data({ ...base, defaultVolumesToFsBackup: true }, pvc(), [excludedPod]),
    ).toBe('local');
  });

  it('does not back up files of a volume the pod names in backup.velero.io/backup-volumes-excludes', () => {
    const excluded = mount({
      'backup.velero.io/backup-volumes-excludes': 'cache,data',
    });
    expect(
      data({ ...base, defaultVolumesToFsBackup: true }, pvc(), [excluded]),
    ).toBe('local');
    expect(
      data(
        { ...base, defaultVolumesToFsBackup: true, snapshotMoveData: true },
        pvc(),
        [excluded],
      ),
    ).toBe('moved');
    expect(
      data(
        { ...base, defaultVolumesToFsBackup: true, snapshotVolumes: false },
        pvc(),
        [excluded],
      ),
    ).toBe('manifest');
  });

  it('still backs up files when the excludes annotation names only other volumes', () => {
    const other = mount({
      'backup.velero.io/backup-volumes-excludes': 'cache',
    });
    expect(
      data({ ...base, defaultVolumesToFsBackup: true }, pvc(), [other]),
    ).toBe('fs');
  });

  it('backs up files of a volume the pod opts in with backup.velero.io/backup-volumes', () => {
    const optIn = mount({ 'backup.velero.io/backup-volumes': 'wal,data' });
    expect(data(base, pvc(), [optIn])).toBe('fs');
    expect(data({ ...base, snapshotVolumes: false }, pvc(), [optIn])).toBe(
      'fs',
    );
    const otherVolume = mount({ 'backup.velero.io/backup-volumes': 'wal' });
    expect(
      data({ ...base, snapshotVolumes: false }, pvc(), [otherVolume]),
    ).toBe('manifest');
  });

  it('backs up no files when the pods are not in the backup', () => {
    // Resources without pods: the PVC is taken in, its pods (and their volumes' files) are not.
    expect(
      data({
        ...base,
        includedResources: ['persistentvolumeclaims'],
        defaultVolumesToFsBackup: true,
        snapshotMoveData: true,
      }),
    ).toBe('moved');
    expect(
      data({
        ...base,
        excludedResources: ['pods'],
        defaultVolumesToFsBackup: true,
      }),
    ).toBe('local');
    // Pods whose labels the selector does not select.
    expect(
      data({ ...base, defaultVolumesToFsBackup: true }, pvc(), [
        mount(undefined, { app: 'orders-sidecar' }),
      ]),
    ).toBe('local');
    // No pod mounts it at all.
    expect(data({ ...base, defaultVolumesToFsBackup: true }, pvc(), [])).toBe(
      'local',
    );
  });

  it('moves a CSI snapshot off the cluster with snapshotMoveData: true', () => {
    expect(data({ ...base, snapshotMoveData: true })).toBe('moved');
  });

  it('keeps a snapshot on the cluster without snapshotMoveData', () => {
    expect(data(base)).toBe('local');
    expect(data({ ...base, snapshotVolumes: true })).toBe('local');
    expect(data({ ...base, snapshotMoveData: false })).toBe('local');
  });

  it('keeps only the manifest with snapshotVolumes: false and no file-system backup', () => {
    expect(data({ ...base, snapshotVolumes: false })).toBe('manifest');
    expect(
      data({ ...base, snapshotVolumes: false, snapshotMoveData: true }),
    ).toBe('manifest');
  });

  it('takes in a PVC selected only through the pod that mounts it', () => {
    // The PVC lacks the selector's labels; Velero's pod action adds it as an additional item.
    const unlabelled = pvc('data-orders-db-0', {});
    expect(data({ ...base, snapshotMoveData: true }, unlabelled)).toBe('moved');
    expect(data({ ...base, defaultVolumesToFsBackup: true }, unlabelled)).toBe(
      'fs',
    );
    // Without a selected pod, the unlabelled PVC is not taken in.
    expect(
      data({ ...base, snapshotMoveData: true }, unlabelled, [
        mount(undefined, { app: 'billing' }),
      ]),
    ).toBe('none');
    // An additional item still needs its namespace and resource.
    expect(
      data(
        { ...base, snapshotMoveData: true, excludedResources: ['pvc'] },
        unlabelled,
      ),
    ).toBe('none');
  });

  it('keeps nothing of a PVC labelled velero.io/exclude-from-backup=true', () => {
    const excluded = pvc('data-orders-db-0', {
      app: 'orders',
      'velero.io/exclude-from-backup': 'true',
    });
    expect(data({ ...base, defaultVolumesToFsBackup: true }, excluded)).toBe(
      'none',
    );
    expect(data({ ...base, snapshotMoveData: true }, excluded)).toBe('none');
  });

  it('keeps nothing of a PVC outside the namespaces, or when PVCs are excluded', () => {
    expect(
      data({
        ...base,
        includedNamespaces: ['billing'],
        snapshotMoveData: true,
      }),
    ).toBe('none');
    expect(
      data({
        ...base,
        excludedNamespaceScopedResources: ['pvc'],
        snapshotMoveData: true,
      }),
    ).toBe('none');
  });

  it('keeps nothing when the spec would fail validation', () => {
    expect(
      data({
        ...base,
        includedNamespaces: ['{commerce,billing}'],
        defaultVolumesToFsBackup: true,
      }),
    ).toBe('none');
  });
});

describe('locationInsideCluster', () => {
  const bsl = (s3Url?: string): VeleroBackupStorageLocation => ({
    apiVersion: 'velero.io/v1',
    kind: 'BackupStorageLocation',
    metadata: { name: 'default', namespace: 'velero' },
    spec: {
      provider: 'aws',
      default: true,
      objectStorage: { bucket: 'velero' },
      config: s3Url
        ? { region: 'minio', s3ForcePathStyle: 'true', s3Url }
        : { region: 'eu-west-1' },
    },
    status: { phase: 'Available' },
  });

  it.each([
    'http://minio.velero.svc:9000',
    'minio.velero.svc.cluster.local',
    'http://minio.velero.svc.cluster.local:9000',
    'http://minio.velero.svc.cluster.local.:9000',
    'http://minio:9000',
    'http://localhost:9000',
    'http://127.0.0.1:9000',
  ])('finds %s inside the cluster', url => {
    expect(locationInsideCluster(bsl(url))).toBe(
      `its s3Url ${url} is inside the cluster`,
    );
  });

  it.each([
    'https://s3.eu-west-1.amazonaws.com',
    // An address outside the cluster's names may be on-prem storage elsewhere.
    'http://10.0.0.5:9000',
    'https://minio.backup.example.com',
    'https://storage.googleapis.com',
  ])('does not find %s inside the cluster', url => {
    expect(locationInsideCluster(bsl(url))).toBeUndefined();
  });

  it('does not find a location without s3Url (the provider’s own storage) inside the cluster', () => {
    expect(locationInsideCluster(bsl())).toBeUndefined();
    expect(
      locationInsideCluster({
        metadata: { name: 'gcp' },
        spec: { provider: 'gcp' },
      }),
    ).toBeUndefined();
  });
});
