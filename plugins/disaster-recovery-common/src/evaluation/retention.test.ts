import { DrDeclaration } from '../declaration';
import { TierPolicies } from '../tiers';
import { evaluateDrStatus } from './evaluate';
import {
  KubeObject,
  VeleroBackup,
  VeleroRestore,
  VolumeSnapshot,
  Workload,
} from './kubernetes';
import { RecoveryPointRetention } from './retention';
import { objectProblems } from './sanitize';
import { ClusterEvidence, DrServiceTarget, DrStatus } from './types';

const NOW = new Date('2026-11-25T12:00:00Z');
const ago = (minutes: number) =>
  new Date(NOW.getTime() - minutes * 60_000)
    .toISOString()
    .replace('.000Z', 'Z');

const tier1 = TierPolicies.default().get('tier-1')!;
const declaration: DrDeclaration = {
  tier: 'tier-1',
  policy: tier1,
  strategy: 'backup-restore',
  rpoSeconds: 4 * 3600,
  rtoSeconds: 3600,
  drillCadenceSeconds: 90 * 86400,
  primaryCluster: 'prod-eu',
  recoveryCluster: 'dr-us',
};

interface Service {
  id: string;
  namespace: string;
  target: DrServiceTarget;
}
const services: Service[] = [
  { id: 'orders', namespace: 'shop' },
  { id: 'payments', namespace: 'shop' },
  { id: 'search', namespace: 'catalog' },
].map(s => ({ ...s, target: { id: s.id, namespace: s.namespace } }));

const labelsOf = (id: string) => ({ 'backstage.io/kubernetes-id': id });
const statefulSet = (s: Service): Workload => ({
  metadata: { name: s.id, namespace: s.namespace, labels: labelsOf(s.id) },
  spec: { replicas: 1, volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
});
const pvc = (s: Service): KubeObject => ({
  metadata: {
    name: `data-${s.id}-0`,
    namespace: s.namespace,
    labels: labelsOf(s.id),
  },
});

/** Included namespaces: mostly the service's, sometimes every namespace (`*` or none) or a glob. */
function namespacesOf(scope: number, namespace: string) {
  if (scope < 0.05) return ['*'];
  if (scope < 0.1) return undefined;
  if (scope < 0.15) return [`${namespace.slice(0, 2)}*`];
  return [namespace];
}

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function backup(
  name: string,
  minutesAgo: number,
  phase: string,
  options: {
    namespaces?: string[];
    id?: string;
    location?: string;
    expiredMinutesAgo?: number;
    /** Whether its volume snapshots' data is moved off the cluster; default true. */
    moveData?: boolean;
  } = {},
): VeleroBackup {
  return {
    metadata: { name, namespace: 'velero' },
    spec: {
      snapshotMoveData: options.moveData ?? true,
      includedNamespaces: options.namespaces,
      labelSelector: options.id
        ? { matchLabels: labelsOf(options.id) }
        : undefined,
      storageLocation: options.location,
    },
    status: {
      phase,
      startTimestamp: ago(minutesAgo),
      completionTimestamp: ago(minutesAgo - 2),
      expiration: ago(options.expiredMinutesAgo ?? -30 * 1440),
    },
  };
}

function baseEvidence(): ClusterEvidence[] {
  return [
    {
      cluster: 'prod-eu',
      objects: {
        statefulSets: services.map(statefulSet),
        persistentVolumeClaims: services.map(pvc),
        backupStorageLocations: [
          {
            metadata: { name: 'default', namespace: 'velero' },
            spec: { default: true },
            status: { phase: 'Available' },
          },
          {
            metadata: { name: 'secondary', namespace: 'velero' },
            spec: {},
            status: { phase: 'Unavailable' },
          },
        ],
      },
    },
    { cluster: 'dr-us', objects: { backupStorageLocations: [] } },
  ];
}

/** Offers `objects` page by page and returns what the sink kept. */
function retain(
  retention: RecoveryPointRetention,
  cluster: string,
  resource: 'backups' | 'volumeSnapshots',
  objects: KubeObject[],
  pageSize = 7,
) {
  const sink = retention.sink(cluster, resource);
  for (let i = 0; i < objects.length; i += pageSize) {
    sink.offer(objects.slice(i, i + pageSize));
  }
  return sink.objects();
}

function evaluateAll(evidence: ClusterEvidence[]) {
  return services.map(s =>
    evaluateDrStatus({
      declaration,
      target: s.target,
      clusters: evidence,
      now: NOW,
    }),
  );
}

/** What must not change when only the retained backups are evaluated. */
const judged = (status: DrStatus) => ({
  verdict: status.verdict,
  reasons: status.reasons,
  achievedRpoSeconds: status.achievedRpoSeconds,
  lastDrill: status.lastDrill,
  coverage: status.coverage,
  storageLocations: status.storageLocations,
});

describe('RecoveryPointRetention', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'judges every service as with every backup (random clusters, seed %i)',
    seed => {
      const next = random(seed);
      const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
      const backups: VeleroBackup[] = [];
      for (let i = 0; i < 300; i++) {
        const s = pick(services);
        const scope = next();
        backups.push(
          backup(
            `b-${i}`,
            Math.floor(next() * 60 * 24 * 20),
            pick([
              'Completed',
              'Completed',
              'PartiallyFailed',
              'Failed',
              'New',
            ]),
            {
              namespaces: namespacesOf(scope, s.namespace),
              id: scope < 0.2 ? undefined : s.id,
              location: pick([undefined, 'default', 'secondary']),
              expiredMinutesAgo:
                next() < 0.2 ? Math.floor(next() * 1000) : undefined,
              // Many backups hold only manifests and local snapshots.
              moveData: next() < 0.3,
            },
          ),
        );
      }
      const restores: VeleroRestore[] = [0, 1, 2].map(i => ({
        metadata: { name: `drill-${i}`, namespace: 'velero' },
        spec: { backupName: pick(backups).metadata.name },
        status: {
          phase: 'Completed',
          startTimestamp: ago(5000 + i * 100 + 40),
          completionTimestamp: ago(5000 + i * 100),
        },
      }));
      const evidence = baseEvidence();
      evidence[0].objects.backups = backups;
      evidence[1].objects.restores = restores;
      const full = evaluateAll(evidence);

      const retention = new RecoveryPointRetention({
        services: services.map(s => ({ declaration, target: s.target })),
        clusters: baseEvidence().map((e, i) =>
          i === 1 ? { ...e, objects: { ...e.objects, restores } } : e,
        ),
        now: NOW,
        keepNewest: 3,
      });
      const kept = retain(retention, 'prod-eu', 'backups', backups);
      expect(kept.length).toBeLessThan(backups.length);
      const thinned = baseEvidence();
      thinned[0].objects.backups = kept as VeleroBackup[];
      thinned[1].objects.restores = restores;
      const reduced = evaluateAll(thinned);

      reduced.forEach((status, i) => {
        expect(judged(status)).toEqual(judged(full[i]));
        // The newest recovery points are the same; older ones may be left out.
        const names = (s: DrStatus) =>
          s.recoveryPoints.slice(0, 3).map(p => p.name);
        expect(names(status)).toEqual(names(full[i]));
        for (const point of status.recoveryPoints) {
          expect(full[i].recoveryPoints).toContainEqual(point);
        }
      });
    },
  );

  it('keeps an older counted backup when the newest ones all failed', () => {
    const orders = services[0];
    const backups = [
      backup('old-good', 600, 'Completed', {
        namespaces: ['shop'],
        id: 'orders',
      }),
      ...[1, 2, 3, 4].map(i =>
        backup(`failed-${i}`, 60 * i, 'Failed', {
          namespaces: ['shop'],
          id: 'orders',
        }),
      ),
    ];
    const retention = new RecoveryPointRetention({
      services: [{ declaration, target: orders.target }],
      clusters: baseEvidence(),
      now: NOW,
      keepNewest: 2,
    });
    const kept = retain(retention, 'prod-eu', 'backups', backups, 2);
    expect(kept.map(b => b.metadata.name)).toEqual([
      'old-good',
      'failed-1',
      'failed-2',
    ]);
  });

  it('keeps the newest backup holding a PVC’s data behind newer manifest-only ones', () => {
    const orders = services[0];
    const backups = [
      backup('data', 600, 'Completed', { namespaces: ['shop'], id: 'orders' }),
      ...[1, 2, 3, 4].map(i =>
        backup(`manifests-${i}`, 60 * i, 'Completed', {
          namespaces: ['sh*'],
          id: 'orders',
          moveData: false,
        }),
      ),
    ];
    const retention = new RecoveryPointRetention({
      services: [{ declaration, target: orders.target }],
      clusters: baseEvidence(),
      now: NOW,
      keepNewest: 2,
    });
    const kept = retain(retention, 'prod-eu', 'backups', backups, 2);
    expect(kept.map(b => b.metadata.name)).toEqual([
      'data',
      'manifests-1',
      'manifests-2',
    ]);
  });

  it('keeps a malformed backup for the evaluation to report, without failing', () => {
    const retention = new RecoveryPointRetention({
      services: [{ declaration, target: services[0].target }],
      clusters: baseEvidence(),
      now: NOW,
      keepNewest: 2,
    });
    const broken = {
      metadata: { name: 'broken', namespace: 'velero' },
      spec: { includedNamespaces: 'shop' },
      status: { phase: 'Completed', startTimestamp: { seconds: 1 } },
    } as unknown as KubeObject;
    const nameless = { metadata: { namespace: 'velero' } } as KubeObject;
    const kept = retain(retention, 'prod-eu', 'backups', [
      broken,
      nameless,
      backup('good', 60, 'Completed', { namespaces: ['shop'], id: 'orders' }),
    ]);
    expect(kept).toContain(nameless);
    expect(kept.map(b => b.metadata.name)).toContain('good');
  });

  it('repairs a backup whose expanded namespaces are not a list, and judges it by its spec', () => {
    const retention = new RecoveryPointRetention({
      services: [{ declaration, target: services[0].target }],
      clusters: baseEvidence(),
      now: NOW,
      keepNewest: 2,
    });
    const odd = backup('odd', 30, 'Completed', {
      namespaces: ['shop'],
      id: 'orders',
    });
    odd.status!.wildcardNamespaces = {
      wildcardResult: 'shop',
    } as unknown as { wildcardResult: string[] };
    const kept = retain(retention, 'prod-eu', 'backups', [
      backup('older', 90, 'Completed', { namespaces: ['shop'], id: 'orders' }),
      odd,
    ]);
    expect(kept.map(b => b.metadata.name)).toEqual(['older', 'odd']);
    const repaired = kept[1] as VeleroBackup;
    expect(repaired.status?.wildcardNamespaces?.wildcardResult).toBeUndefined();
    expect(objectProblems(repaired)).toEqual([
      expect.objectContaining({
        field: expect.stringContaining('wildcardResult'),
      }),
    ]);
  });

  it('keeps a backup a Restore names, and drops backups of no service', () => {
    const evidence = baseEvidence();
    evidence[1].objects.restores = [
      {
        metadata: { name: 'drill', namespace: 'velero' },
        spec: { backupName: 'ancient' },
      },
    ];
    const retention = new RecoveryPointRetention({
      services: services.map(s => ({ declaration, target: s.target })),
      clusters: evidence,
      now: NOW,
      keepNewest: 1,
    });
    const kept = retain(retention, 'prod-eu', 'backups', [
      backup('ancient', 9000, 'Completed', {
        namespaces: ['shop'],
        id: 'orders',
      }),
      backup('newer', 60, 'Completed', { namespaces: ['shop'], id: 'orders' }),
      backup('elsewhere', 30, 'Completed', { namespaces: ['billing'] }),
      backup('other-app', 30, 'Completed', {
        namespaces: ['shop'],
        id: 'cart',
      }),
    ]);
    expect(kept.map(b => b.metadata.name)).toEqual(['ancient', 'newer']);
  });

  it('keeps nothing for a cluster outside every service’s scope', () => {
    const retention = new RecoveryPointRetention({
      services: [{ declaration, target: services[0].target }],
      clusters: [
        ...baseEvidence(),
        { cluster: 'staging', objects: { statefulSets: [] } },
      ],
      now: NOW,
      keepNewest: 5,
    });
    expect(
      retain(retention, 'staging', 'backups', [
        backup('b', 10, 'Completed', { namespaces: ['shop'] }),
      ]),
    ).toEqual([]);
  });

  it('forgets what was offered when the list starts again', () => {
    const retention = new RecoveryPointRetention({
      services: [{ declaration, target: services[0].target }],
      clusters: baseEvidence(),
      now: NOW,
      keepNewest: 5,
    });
    const sink = retention.sink('prod-eu', 'backups');
    sink.offer([backup('first', 10, 'Completed', { namespaces: ['shop'] })]);
    sink.reset();
    sink.offer([backup('second', 5, 'Completed', { namespaces: ['shop'] })]);
    expect(sink.objects().map(b => b.metadata.name)).toEqual(['second']);
  });

  it('keeps the newest VolumeSnapshots of each PVC of a service', () => {
    const snapshot = (
      name: string,
      claim: string,
      minutesAgo: number,
    ): VolumeSnapshot => ({
      metadata: { name, namespace: 'shop' },
      spec: { source: { persistentVolumeClaimName: claim } },
      status: { readyToUse: true, creationTime: ago(minutesAgo) },
    });
    const retention = new RecoveryPointRetention({
      services: [{ declaration, target: services[0].target }],
      clusters: baseEvidence(),
      now: NOW,
      keepNewest: 2,
    });
    const kept = retain(retention, 'prod-eu', 'volumeSnapshots', [
      snapshot('s-30', 'data-orders-0', 30),
      snapshot('s-10', 'data-orders-0', 10),
      snapshot('s-20', 'data-orders-0', 20),
      snapshot('other', 'data-payments-0', 5),
      snapshot('unknown', 'scratch', 1),
    ]);
    expect(kept.map(s => s.metadata.name)).toEqual(['s-10', 's-20']);
  });

  it('refuses a keepNewest below 1', () => {
    expect(
      () =>
        new RecoveryPointRetention({
          services: [],
          clusters: [],
          now: NOW,
          keepNewest: 0,
        }),
    ).toThrow('keepNewest must be a whole number of at least 1, got 0');
  });
});
