import { Cluster } from './cluster';
import { loadCrdDirectory } from './crds';
import { DEFAULT_CRD_DIR } from './paths';
import { BUILTIN_RESOURCES, ResourceRegistry } from './resources';

const START = new Date('2026-11-25T10:00:00Z');
const registry = new ResourceRegistry([
  ...BUILTIN_RESOURCES,
  ...loadCrdDirectory(DEFAULT_CRD_DIR),
]);
const backups = registry.byApiVersionKind('velero.io/v1', 'Backup')!;

function backup(name: string, startTimestamp: string) {
  return {
    apiVersion: 'velero.io/v1',
    kind: 'Backup',
    metadata: { name, namespace: 'velero' },
    spec: { includedNamespaces: ['payments'] },
    status: { phase: 'Completed', startTimestamp },
  };
}

describe('Cluster time tokens', () => {
  it('serves the times of objects loaded with tokens relative to the current time until they change', () => {
    let now = START;
    const cluster = new Cluster('prod-eu', registry, () => now, START);
    cluster.load([
      { source: 'living.yaml', object: backup('living', '{{now-3m}}') },
      { source: 'fixed.yaml', object: backup('fixed', '2026-11-25T09:00:00Z') },
      { source: 'patched.yaml', object: backup('patched', '{{now-10m}}') },
    ]);
    const startOf = (name: string) =>
      (cluster.get(backups, 'velero', name).status as any).startTimestamp;
    expect(startOf('living')).toBe('2026-11-25T09:57:00Z');

    // An hour later: the token's time moved with the clock, in get and in list.
    now = new Date('2026-11-25T11:00:00Z');
    expect(startOf('living')).toBe('2026-11-25T10:57:00Z');
    expect(startOf('fixed')).toBe('2026-11-25T09:00:00Z');
    const listed = cluster.list(backups, 'velero', {}).items as any[];
    expect(listed.map(b => [b.metadata.name, b.status.startTimestamp])).toEqual(
      [
        ['fixed', '2026-11-25T09:00:00Z'],
        ['living', '2026-11-25T10:57:00Z'],
        ['patched', '2026-11-25T10:50:00Z'],
      ],
    );

    // A change through the API keeps the times the object had then.
    cluster.patch(
      backups,
      'velero',
      'patched',
      'status',
      'application/merge-patch+json',
      { status: { phase: 'Deleting' } },
      { dryRun: false, fieldValidation: 'Strict' },
    );
    now = new Date('2026-11-25T12:00:00Z');
    expect(startOf('patched')).toBe('2026-11-25T10:50:00Z');
    expect(startOf('living')).toBe('2026-11-25T11:57:00Z');
  });
});

describe('Cluster history', () => {
  it('answers what a resource held at a past time, undoing later API writes but not loads', () => {
    let now = START;
    const cluster = new Cluster('prod-eu', registry, () => now, START);
    const namespaces = registry.byApiVersionKind('v1', 'Namespace')!;
    const options = { dryRun: false, fieldValidation: 'Strict' } as const;
    cluster.keepHistory();
    cluster.load([
      {
        source: 'ns.yaml',
        object: {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'velero' },
        },
      },
      { source: 'a.yaml', object: backup('loaded', '{{now-3m}}') },
    ]);
    const names = (at: Date) =>
      cluster
        .objectsAt(backups, 'velero', at.getTime())
        .map(object => (object.metadata as any).name)
        .sort();

    now = new Date('2026-11-25T10:05:00Z');
    cluster.create(
      backups,
      'velero',
      backup('created', '2026-11-25T10:05:00Z'),
      options,
    );
    cluster.patch(
      backups,
      'velero',
      'loaded',
      'main',
      'application/merge-patch+json',
      { spec: { ttl: '1h0m0s' } },
      options,
    );
    now = new Date('2026-11-25T10:10:00Z');
    cluster.remove(namespaces, '', 'velero', options);

    expect(names(START)).toEqual(['loaded']);
    const before = cluster.objectsAt(backups, 'velero', START.getTime());
    expect((before[0].spec as any).ttl).toBeUndefined();
    expect(names(new Date('2026-11-25T10:06:00Z'))).toEqual([
      'created',
      'loaded',
    ]);
    expect(
      cluster
        .objectsAt(
          backups,
          'velero',
          new Date('2026-11-25T10:06:00Z').getTime(),
        )
        .map(object => (object.spec as any).ttl),
    ).toContain('1h0m0s');
    expect(names(now)).toEqual([]);
    expect(cluster.objectsAt(namespaces, '', START.getTime())).toHaveLength(1);
    expect(cluster.objectsAt(namespaces, '', now.getTime())).toHaveLength(0);
  });
});
