import { DrDeclaration } from '../../declaration';
import { evaluateDrStatus } from '../../evaluation/evaluate';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrStatusProvider,
} from '../../evaluation/provider';
import { ClusterEvidence, DrStatus } from '../../evaluation/types';
import { TierPolicies } from '../../tiers';
import { DR_BUILT_IN_PROVIDERS } from '..';
import {
  createK8ssandraProvider,
  K8SSANDRA_RESOURCE_TYPES,
  k8ssandraProvider,
  K8ssandraProviderOptions,
} from '.';
import fixtures from './fixtures.json';

/*
 * The rules of PROVIDERS.md section 5 (K8ssandra), each through evaluateDrStatus with the
 * provider beside the built-in ones, on objects shaped as the CRDs have them (fixtures.json,
 * validated against ../shared/crds by the simulator's k8ssandraProviderFixtures.test.ts).
 * Base scenario: orders-cassandra, tier-1 warm-standby (RPO 15m, RTO 1h); K8ssandraCluster on
 * prod-eu with dc1 (prod-eu) and dc2 (dr-us, k8sContext dr-us); dc-replication lists dc2 for
 * every keyspace; dc2's rebuild task Complete; hourly Medusa backups to S3 (newest started
 * 11:00, 1h before NOW); a drill restore on dr-us 10 days ago that took 40 minutes.
 */

const NOW = new Date('2026-11-25T12:00:00Z');
const BACKUP = 'orders-dc1-hourly-1764068400';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
  };
  spec?: any;
  status?: any;
}
type World = Record<'prod-eu' | 'dr-us', Obj[]>;

const RESOURCE_OF: Record<string, string> = {
  ...Object.fromEntries(
    K8SSANDRA_RESOURCE_TYPES.map(t => [t.kind, t.resource]),
  ),
  StatefulSet: 'statefulSets',
  PersistentVolumeClaim: 'persistentVolumeClaims',
};

function world(): World {
  const copy = JSON.parse(JSON.stringify(fixtures));
  return { 'prod-eu': copy['prod-eu'], 'dr-us': copy['dr-us'] };
}

function find(w: World, cluster: keyof World, kind: string, name?: string) {
  const found = w[cluster].find(
    o => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (!found) throw new Error(`no ${kind} ${name ?? ''} on ${cluster}`);
  return found;
}

function remove(w: World, cluster: keyof World, kind: string, name?: string) {
  w[cluster] = w[cluster].filter(
    o => !(o.kind === kind && (name === undefined || o.metadata.name === name)),
  );
}

function clusters(w: World): ClusterEvidence[] {
  return (Object.keys(w) as Array<keyof World>).map(cluster => {
    const objects: Record<string, Obj[]> = Object.fromEntries(
      [...new Set(Object.values(RESOURCE_OF))].map(r => [r, []]),
    );
    for (const o of w[cluster]) objects[RESOURCE_OF[o.kind]].push(o);
    return { cluster, objects } as ClusterEvidence;
  });
}

const declaration = (
  overrides: Partial<DrDeclaration> = {},
): DrDeclaration => ({
  tier: 'tier-1',
  policy: TierPolicies.default().get('tier-1')!,
  strategy: 'warm-standby',
  rpoSeconds: 900,
  rtoSeconds: 3600,
  drillCadenceSeconds: 90 * 86400,
  primaryCluster: 'prod-eu',
  recoveryCluster: 'dr-us',
  ...overrides,
});

function evaluate(
  w: World,
  opts: {
    declaration?: Partial<DrDeclaration>;
    provider?: DrStatusProvider;
    extra?: Partial<Parameters<typeof evaluateDrStatus>[0]>;
  } = {},
): DrStatus {
  return evaluateDrStatus({
    declaration: declaration(opts.declaration),
    target: { id: 'orders-cassandra', namespace: 'data' },
    clusters: clusters(w),
    now: NOW,
    providers: [...DR_BUILT_IN_PROVIDERS, opts.provider ?? k8ssandraProvider],
    ...opts.extra,
  });
}

/** The provider's own evidence, from the context the evaluation builds. */
function evidence(
  w: World,
  options: K8ssandraProviderOptions = {},
  decl: Partial<DrDeclaration> = {},
): DrProviderEvidence {
  let context: DrProviderContext | undefined;
  const spy: DrStatusProvider = {
    id: 'zz-spy',
    title: 'spy',
    resourceTypes: [],
    evaluate: ctx => {
      context = ctx;
      return {};
    },
  };
  evaluate(w, { provider: spy, declaration: decl });
  return createK8ssandraProvider(options).evaluate!(context!);
}

const codes = (s: { reasons?: Array<{ code: string }> }) =>
  (s.reasons ?? []).map(r => r.code);
const reason = (s: { reasons?: DrStatus['reasons'] }, code: string) =>
  (s.reasons ?? []).find(r => r.code === code);
const livePoint = (s: DrStatus) =>
  s.recoveryPoints.find(p => p.kind === 'CassandraDatacenter');
const medusaPoints = (s: DrStatus) =>
  s.recoveryPoints.filter(p => p.kind === 'MedusaBackup');

describe('the K8ssandra provider', () => {
  it('declares its resource types as the CRDs name them, with unique camelCase keys', () => {
    expect(
      K8SSANDRA_RESOURCE_TYPES.map(
        t => `${t.resource} ${t.group}/${t.version} ${t.plural} ${t.kind}`,
      ),
    ).toEqual([
      'k8ssandraClusters k8ssandra.io/v1alpha1 k8ssandraclusters K8ssandraCluster',
      'cassandraDatacenters cassandra.datastax.com/v1beta1 cassandradatacenters CassandraDatacenter',
      'cassandraTasks control.k8ssandra.io/v1alpha1 cassandratasks CassandraTask',
      'medusaBackups medusa.k8ssandra.io/v1alpha1 medusabackups MedusaBackup',
      'medusaBackupJobs medusa.k8ssandra.io/v1alpha1 medusabackupjobs MedusaBackupJob',
      'medusaBackupSchedules medusa.k8ssandra.io/v1alpha1 medusabackupschedules MedusaBackupSchedule',
      'medusaRestoreJobs medusa.k8ssandra.io/v1alpha1 medusarestorejobs MedusaRestoreJob',
      'medusaConfigurations medusa.k8ssandra.io/v1alpha1 medusaconfigurations MedusaConfiguration',
    ]);
    expect(new Set(K8SSANDRA_RESOURCE_TYPES.map(t => t.provider))).toEqual(
      new Set(['k8ssandra']),
    );
  });

  it('makes a ready, replicated, rebuilt recovery datacenter a live replica: point at now, compliant', () => {
    const s = evaluate(world());
    expect(s.verdict).toBe('compliant');
    expect(s.reasons).toEqual([]);
    expect(s.achievedRpoSeconds).toBe(0);
    expect(livePoint(s)).toMatchObject({
      time: '2026-11-25T12:00:00Z',
      source: 'k8ssandra-datacenter',
      name: 'dc2',
      cluster: 'dr-us',
      counted: true,
    });
    expect(s.replication).toEqual([
      expect.objectContaining({
        kind: 'CassandraDatacenter',
        name: 'dc2',
        cluster: 'dr-us',
        healthy: true,
        lagSeconds: 0,
      }),
    ]);
    expect(
      s.coverage.map(c => [
        c.pvc,
        c.coveredBy.map(b => b.kind),
        c.cadenceSeconds,
      ]),
    ).toEqual(
      [0, 1, 2].map(i => [
        `server-data-orders-dc1-default-sts-${i}`,
        ['CassandraDatacenter', 'MedusaBackupSchedule'],
        0,
      ]),
    );
    // The recovery datacenter's own PVCs are not the primary's.
    expect(s.coverage.every(c => c.cluster === 'prod-eu')).toBe(true);
  });

  it('counts a Medusa backup at its startTime, on S3, for the PVCs of the datacenter it holds', () => {
    const s = evaluate(world());
    expect(medusaPoints(s)).toEqual([
      expect.objectContaining({
        name: BACKUP,
        time: '2026-11-25T11:00:00Z',
        counted: true,
        cluster: 'prod-eu',
        storageLocation: 's3:acme-cassandra-backups/orders',
        pvcs: [0, 1, 2].map(
          i => `data/server-data-orders-dc1-default-sts-${i}`,
        ),
      }),
    ]);
    expect(s.schedules).toEqual([
      expect.objectContaining({
        name: 'orders-dc1-hourly',
        maxIntervalSeconds: 3600,
        lastSuccessfulBackup: '2026-11-25T11:00:00Z',
        missedRuns: 0,
        movesData: true,
      }),
    ]);
    expect(s.storageLocations).toEqual([
      expect.objectContaining({ cluster: 'prod-eu', phase: 'OffCluster' }),
    ]);
  });

  it('takes a MedusaRestoreJob of a synced copy in the recovery cluster as the drill, RTO finishTime − startTime', () => {
    const s = evaluate(world());
    expect(s.lastDrill).toEqual({
      kind: 'MedusaRestoreJob',
      name: 'orders-drill-2026-11-15',
      cluster: 'dr-us',
      type: 'drill',
      startedAt: '2026-11-15T09:00:00Z',
      completedAt: '2026-11-15T09:40:00Z',
      measuredRtoSeconds: 2400,
    });
  });

  describe('(c) replication of the keyspaces to the recovery datacenter', () => {
    it('is not evidenced without k8ssandra.io/dc-replication: no live point, the hourly backups breach 15m', () => {
      const w = world();
      delete find(w, 'prod-eu', 'K8ssandraCluster').metadata.annotations![
        'k8ssandra.io/dc-replication'
      ];
      const s = evaluate(w);
      expect(livePoint(s)).toMatchObject({ counted: false });
      expect(livePoint(s)!.reason).toContain('(c)');
      expect(reason(s, 'replication-not-evidenced')?.message).toContain(
        'has no annotation k8ssandra.io/dc-replication',
      );
      expect(s.verdict).toBe('breached');
      expect(codes(s)).toEqual(
        expect.arrayContaining([
          'cadence-too-slow',
          'rpo-exceeded',
          'strategy-not-in-place',
        ]),
      );
      expect(s.achievedRpoSeconds).toBe(3600);
      expect(s.coverage[0].coveredBy.map(b => b.kind)).toEqual([
        'MedusaBackupSchedule',
      ]);
    });

    it('is evidenced by config keyspacesReplicateToAllDcs when the application replicates its keyspaces itself', () => {
      const w = world();
      delete find(w, 'prod-eu', 'K8ssandraCluster').metadata.annotations![
        'k8ssandra.io/dc-replication'
      ];
      const s = evaluate(w, {
        provider: createK8ssandraProvider({ keyspacesReplicateToAllDcs: true }),
      });
      expect(s.verdict).toBe('compliant');
      expect(livePoint(s)).toMatchObject({ counted: true });
    });

    it.each([
      [
        'a keyspace at 0',
        '{"dc2": {"orders": 3, "orders_audit": 0}}',
        'no replicas of orders_audit: 0',
      ],
      [
        'another datacenter only',
        '{"dc3": {"orders": 3}}',
        'does not list dc2',
      ],
      ['no keyspace', '{"dc2": {}}', 'lists no keyspace for dc2'],
      ['text that is not JSON', 'dc2=3', 'is not JSON'],
    ])('is not evidenced by an annotation with %s', (_, value, said) => {
      const w = world();
      find(w, 'prod-eu', 'K8ssandraCluster').metadata.annotations![
        'k8ssandra.io/dc-replication'
      ] = value;
      const e = evidence(w);
      expect(
        e.recoveryPoints!.filter(
          p => p.point?.kind === 'CassandraDatacenter' && p.ms !== undefined,
        ),
      ).toEqual([]);
      expect(codes(e)).toContain('replication-not-evidenced');
      expect(
        e.reasons!.find(r => r.code === 'replication-not-evidenced')!.message,
      ).toContain(said);
      expect(e.replicaLinks).toBe(0);
      expect(e.strategy?.replicatesToRecovery).toBeUndefined();
    });

    it('reads the annotation by the Cassandra DC name (datacenterName) first', () => {
      const w = world();
      const kc = find(w, 'prod-eu', 'K8ssandraCluster');
      kc.spec.cassandra.datacenters[1].datacenterName = 'us-east';
      kc.metadata.annotations!['k8ssandra.io/dc-replication'] =
        '{"us-east": {"orders": 3}}';
      expect(livePoint(evaluate(w))).toMatchObject({ counted: true });
    });
  });

  describe('(a) the recovery datacenter itself', () => {
    const conditionCases: Array<[string, (dc: Obj) => void, string]> = [
      ['not Ready', dc => setCondition(dc, 'Ready', 'False'), 'Ready is False'],
      [
        'not Healthy',
        dc => setCondition(dc, 'Healthy', 'False'),
        'Healthy is False',
      ],
      [
        'Updating',
        dc => {
          dc.status.cassandraOperatorProgress = 'Updating';
        },
        'cassandraOperatorProgress is Updating',
      ],
      [
        'stopped',
        dc => {
          dc.spec.stopped = true;
        },
        'it is stopped',
      ],
      [
        'decommissioning',
        dc => setCondition(dc, 'Decommission', 'True'),
        'it is being decommissioned',
      ],
    ];
    it.each(conditionCases)('gives no point when %s', (_, change, said) => {
      const w = world();
      change(find(w, 'dr-us', 'CassandraDatacenter', 'dc2'));
      const s = evaluate(w);
      expect(livePoint(s)).toMatchObject({ counted: false });
      const r = reason(s, 'replication-failing')!;
      expect(r.message).toContain(
        `(a) CassandraDatacenter data/dc2 on dr-us: ${said}`,
      );
      expect(r.object).toMatchObject({
        kind: 'CassandraDatacenter',
        name: 'dc2',
        cluster: 'dr-us',
      });
      expect(s.replication[0]).toMatchObject({
        healthy: false,
        lagSeconds: null,
      });
      // Replication is still evidenced: the link covers the PVCs, without cadence.
      expect(s.coverage[0].coveredBy.map(b => b.kind)).toContain(
        'CassandraDatacenter',
      );
      expect(s.verdict).toBe('breached');
    });

    it('cannot be measured when the recovery cluster holds no CassandraDatacenter dc2', () => {
      const w = world();
      remove(w, 'dr-us', 'CassandraDatacenter');
      const s = evaluate(w);
      expect(livePoint(s)).toMatchObject({ counted: false });
      expect(livePoint(s)!.reason).toContain(
        '(a) CassandraDatacenter data/dc2 on dr-us was not found, so its readiness cannot be measured',
      );
    });

    it('reports an unhealthy datacenter, RequiresUpdate and a long Updating as risks', () => {
      const w = world();
      const dc1 = find(w, 'prod-eu', 'CassandraDatacenter', 'dc1');
      setCondition(dc1, 'Healthy', 'False');
      dc1.status.cassandraOperatorProgress = 'Updating';
      setCondition(dc1, 'Updating', 'True', '2026-11-25T10:00:00Z');
      setCondition(dc1, 'RequiresUpdate', 'True');
      const e = evidence(w);
      const r = e.reasons!.find(
        x => x.code === 'cassandra-datacenter-unhealthy',
      )!;
      expect(r.message).toBe(
        'CassandraDatacenter data/dc1 on prod-eu is not Healthy (QUORUM cannot be reached from all its nodes), RequiresUpdate, Updating since 2026-11-25T10:00:00Z (over 30m).',
      );
    });

    it('does not report an Updating shorter than twice the RPO target', () => {
      const w = world();
      const dc1 = find(w, 'prod-eu', 'CassandraDatacenter', 'dc1');
      dc1.status.cassandraOperatorProgress = 'Updating';
      setCondition(dc1, 'Updating', 'True', '2026-11-25T11:40:00Z');
      expect(codes(evidence(w))).not.toContain(
        'cassandra-datacenter-unhealthy',
      );
    });
  });

  it('reports a stopped datacenter (Stopped=True) as a risk', () => {
    const w = world();
    setCondition(
      find(w, 'dr-us', 'CassandraDatacenter', 'dc2'),
      'Stopped',
      'True',
    );
    expect(reason(evidence(w), 'cassandra-datacenter-unhealthy')?.message).toBe(
      'CassandraDatacenter data/dc2 on dr-us is stopped.',
    );
    expect(livePoint(evaluate(w))!.reason).toContain('it is stopped');
  });

  it('(b) gives no point while no primary datacenter is Ready', () => {
    const w = world();
    setCondition(
      find(w, 'prod-eu', 'CassandraDatacenter', 'dc1'),
      'Ready',
      'False',
    );
    const s = evaluate(w);
    expect(livePoint(s)!.reason).toContain(
      '(b) no datacenter on prod-eu (dc1) is Ready',
    );
  });

  describe('(d) the rebuild of the recovery datacenter', () => {
    it('is unfinished while the annotation k8ssandra.io/rebuild-dc names it', () => {
      const w = world();
      find(w, 'prod-eu', 'K8ssandraCluster').metadata.annotations![
        'k8ssandra.io/rebuild-dc'
      ] = 'dc2';
      expect(livePoint(evaluate(w))!.reason).toContain(
        '(d) K8ssandraCluster data/orders-cassandra still carries k8ssandra.io/rebuild-dc: dc2',
      );
    });

    it('failed when the task failed on a node, although the operator removed the annotation', () => {
      const w = world();
      const task = find(w, 'dr-us', 'CassandraTask');
      task.status.failed = 1;
      task.status.succeeded = 2;
      const s = evaluate(w);
      expect(livePoint(s)).toMatchObject({ counted: false });
      expect(livePoint(s)!.reason).toContain(
        '(d) CassandraTask data/dc2-rebuild on dr-us failed on 1 node',
      );
    });

    it('is unfinished while the task is not Complete', () => {
      const w = world();
      setCondition(find(w, 'dr-us', 'CassandraTask'), 'Complete', 'False');
      expect(livePoint(evaluate(w))!.reason).toContain(
        'is not Complete (Complete False)',
      );
    });
  });

  it('(e) gives no point while the K8ssandraCluster reports a decommission of the datacenter', () => {
    const w = world();
    find(
      w,
      'prod-eu',
      'K8ssandraCluster',
    ).status.datacenters.dc2.decommissionProgress = 'Decommissioning';
    expect(livePoint(evaluate(w))!.reason).toContain(
      '(e) K8ssandraCluster data/orders-cassandra reports status.datacenters.dc2.decommissionProgress Decommissioning',
    );
  });

  it('reads the datacenters in each cluster, not the K8ssandraCluster status copy', () => {
    const w = world();
    const kc = find(w, 'prod-eu', 'K8ssandraCluster');
    kc.status.datacenters.dc2.cassandra = {
      cassandraOperatorProgress: 'Ready',
    };
    setCondition(
      find(w, 'dr-us', 'CassandraDatacenter', 'dc2'),
      'Ready',
      'False',
    );
    expect(livePoint(evaluate(w))).toMatchObject({ counted: false });
  });

  it('resolves a k8sContext that is no Backstage cluster name by where its CassandraDatacenter is', () => {
    const w = world();
    find(
      w,
      'prod-eu',
      'K8ssandraCluster',
    ).spec.cassandra.datacenters[1].k8sContext = 'gke_acme_us-east1_dr';
    expect(livePoint(evaluate(w))).toMatchObject({
      counted: true,
      cluster: 'dr-us',
    });
  });

  it('says so when a datacenter resolves to no cluster in scope', () => {
    const w = world();
    find(
      w,
      'prod-eu',
      'K8ssandraCluster',
    ).spec.cassandra.datacenters[1].k8sContext = 'gke_acme_us-east1_dr';
    remove(w, 'dr-us', 'CassandraDatacenter');
    const s = evaluate(w);
    expect(livePoint(s)).toBeUndefined();
    expect(reason(s, 'cassandra-datacenter-unresolved')?.message).toContain(
      'its k8sContext "gke_acme_us-east1_dr" is no cluster in scope and no cluster in scope holds CassandraDatacenter data/dc2',
    );
  });

  it('gives standbyOnRecovery only while the recovery datacenter runs', () => {
    expect(evidence(world()).strategy?.standbyOnRecovery).toBe(true);
    const w = world();
    setCondition(
      find(w, 'dr-us', 'CassandraDatacenter', 'dc2'),
      'Ready',
      'False',
    );
    expect(evidence(w).strategy?.standbyOnRecovery).toBeUndefined();
  });

  it('reports K8ssandraCluster status.error', () => {
    const w = world();
    find(w, 'prod-eu', 'K8ssandraCluster').status.error =
      'failed to reach dr-us: i/o timeout';
    expect(reason(evidence(w), 'cassandra-cluster-error')?.message).toBe(
      'K8ssandraCluster data/orders-cassandra on prod-eu reports status.error: failed to reach dr-us: i/o timeout.',
    );
  });

  describe('Medusa backups (no live replica: the recovery datacenter is left out)', () => {
    /** The base scenario as a backup-restore service without dc2 (tier-2, RPO 2h). */
    const backupOnly = () => {
      const w = world();
      const kc = find(w, 'prod-eu', 'K8ssandraCluster');
      kc.spec.cassandra.datacenters = kc.spec.cassandra.datacenters.slice(0, 1);
      return w;
    };
    const decl = {
      strategy: 'backup-restore' as const,
      rpoSeconds: 7200,
      tier: 'tier-2',
      policy: TierPolicies.default().get('tier-2')!,
    };
    const backup = (w: World) => find(w, 'prod-eu', 'MedusaBackup');

    it('makes the service compliant on its own with RPO = now − startTime (not finishTime)', () => {
      const s = evaluate(backupOnly(), { declaration: decl });
      expect(s.verdict).toBe('compliant');
      expect(s.achievedRpoSeconds).toBe(3600);
    });

    it.each([
      [
        'IN_PROGRESS although every node finished (cassandra-medusa#965)',
        (b: Obj) => {
          b.status.status = 'IN_PROGRESS';
        },
        'its status is IN_PROGRESS although all its nodes finished (cassandra-medusa#965)',
      ],
      [
        'FAILED',
        (b: Obj) => {
          b.status.status = 'FAILED';
        },
        'its status is FAILED',
      ],
      [
        'SUCCESS with fewer finished nodes',
        (b: Obj) => {
          b.status.finishedNodes = 2;
        },
        'only 2 of its 3 nodes finished',
      ],
      [
        'a 1970-01-01 finishTime (k8ssandra-operator#1301)',
        (b: Obj) => {
          b.status.finishTime = '1970-01-01T00:00:00Z';
        },
        'status.finishTime is not set or zero (k8ssandra-operator#1301)',
      ],
      [
        "Go's zero finishTime",
        (b: Obj) => {
          b.status.finishTime = '0001-01-01T00:00:00Z';
        },
        'status.finishTime is not set or zero',
      ],
      [
        'no totalNodes/finishedNodes (k8ssandra-operator#1046)',
        (b: Obj) => {
          delete b.status.totalNodes;
          delete b.status.finishedNodes;
        },
        'status.totalNodes/finishedNodes are not reported',
      ],
    ])('does not count a backup %s', (_, change, said) => {
      const w = backupOnly();
      change(backup(w));
      const s = evaluate(w, { declaration: decl });
      const points = medusaPoints(s).filter(p => p.cluster === 'prod-eu');
      expect(points).toEqual([expect.objectContaining({ counted: false })]);
      expect(points[0].reason).toContain(said);
      expect(s.verdict).toBe('breached');
      expect(codes(s)).toContain('no-recovery-point');
    });

    it('reports the newest backup FAILED or stuck IN_PROGRESS, not one still uploading', () => {
      const stuck = backupOnly();
      backup(stuck).status.status = 'IN_PROGRESS';
      expect(
        reason(evidence(stuck, {}, decl), 'newest-backup-failed')?.message,
      ).toContain(
        'is IN_PROGRESS although its nodes finished (cassandra-medusa#965)',
      );
      const uploading = backupOnly();
      backup(uploading).status.status = 'IN_PROGRESS';
      backup(uploading).status.finishedNodes = 1;
      delete backup(uploading).status.finishTime;
      expect(codes(evidence(uploading, {}, decl))).not.toContain(
        'newest-backup-failed',
      );
    });

    it('does not count backups to storage inside the cluster and says why', () => {
      const w = backupOnly();
      find(w, 'prod-eu', 'K8ssandraCluster').spec.medusa.storageProperties = {
        storageProvider: 's3_compatible',
        bucketName: 'cassandra',
        host: 'minio.minio.svc.cluster.local',
        port: 9000,
      };
      const s = evaluate(w, { declaration: decl });
      expect(medusaPoints(s)[0]).toMatchObject({
        counted: false,
        usable: true,
      });
      expect(medusaPoints(s)[0].reason).toContain(
        'its host minio.minio.svc.cluster.local is inside the cluster',
      );
      expect(reason(s, 'storage-location-in-cluster')?.object).toMatchObject({
        kind: 'K8ssandraCluster',
        field: 'spec.medusa.storageProperties',
      });
      expect(s.coverage[0].coveredBy).toEqual([
        expect.objectContaining({
          kind: 'MedusaBackupSchedule',
          offCluster: false,
        }),
      ]);
      expect(codes(s)).toContain('pvc-local-only');
    });

    it('reads the storage of a MedusaConfiguration, the K8ssandraCluster’s own fields winning', () => {
      const w = backupOnly();
      const kc = find(w, 'prod-eu', 'K8ssandraCluster');
      kc.spec.medusa = {
        medusaConfigurationRef: { name: 'medusa-s3' },
        storageProperties: { bucketName: 'orders-only' },
      };
      w['prod-eu'].push({
        apiVersion: 'medusa.k8ssandra.io/v1alpha1',
        kind: 'MedusaConfiguration',
        metadata: { name: 'medusa-s3', namespace: 'data' },
        spec: {
          storageProperties: {
            storageProvider: 'google_storage',
            bucketName: 'shared',
          },
        },
      });
      const s = evaluate(w, { declaration: decl });
      expect(medusaPoints(s)[0]).toMatchObject({
        counted: true,
        storageLocation: 'google_storage:orders-only',
      });
      // Without the MedusaConfiguration, where the backups go cannot be known.
      w['prod-eu'] = w['prod-eu'].filter(o => o.kind !== 'MedusaConfiguration');
      expect(
        medusaPoints(evaluate(w, { declaration: decl }))[0].reason,
      ).toContain(
        'MedusaConfiguration data/medusa-s3 (spec.medusa.medusaConfigurationRef) was not found on prod-eu',
      );
    });

    it('counts a backup seen on both clusters (a synced copy) once, by the primary’s copy', () => {
      const s = evaluate(backupOnly(), { declaration: decl });
      expect(medusaPoints(s).map(p => `${p.cluster} ${p.name}`)).toEqual([
        `prod-eu ${BACKUP}`,
      ]);
    });

    it('counts a synced copy in the recovery cluster when the primary no longer has it', () => {
      const w = backupOnly();
      remove(w, 'prod-eu', 'MedusaBackup');
      const s = evaluate(w, { declaration: decl });
      expect(medusaPoints(s)).toEqual([
        expect.objectContaining({ cluster: 'dr-us', counted: true }),
      ]);
      expect(s.achievedRpoSeconds).toBe(3600);
    });

    it('does not count a point ahead of now beyond the clock skew', () => {
      const w = backupOnly();
      backup(w).status.startTime = '2026-11-25T12:30:00Z';
      backup(w).status.finishTime = '2026-11-25T12:35:00Z';
      remove(w, 'dr-us', 'MedusaBackup');
      const s = evaluate(w, { declaration: decl });
      expect(reason(s, 'clock-skew')?.message).toContain(
        `MedusaBackup ${BACKUP} at 2026-11-25T12:30:00Z`,
      );
      expect(medusaPoints(s)[0].counted).toBe(false);
    });

    it('makes the newest MedusaBackupJob with failed pods a rule-2 reason', () => {
      const w = backupOnly();
      const job = find(w, 'prod-eu', 'MedusaBackupJob');
      job.status.failed = ['orders-dc1-default-sts-2'];
      job.status.finished = [
        'orders-dc1-default-sts-0',
        'orders-dc1-default-sts-1',
      ];
      const s = evaluate(w, { declaration: decl });
      expect(s.verdict).toBe('at-risk');
      expect(reason(s, 'newest-backup-failed')?.message).toBe(
        `The newest Medusa backup job of datacenter dc1, MedusaBackupJob data/${BACKUP} on prod-eu, failed on 1 pod (orders-dc1-default-sts-2).`,
      );
    });

    it('keeps a disabled schedule as coverage, with an at-risk reason', () => {
      const w = backupOnly();
      find(w, 'prod-eu', 'MedusaBackupSchedule').spec.disabled = true;
      const s = evaluate(w, { declaration: decl });
      expect(s.verdict).toBe('at-risk');
      expect(reason(s, 'schedule-paused')?.message).toContain(
        'is disabled (spec.disabled: true)',
      );
      expect(s.coverage[0].coveredBy).toEqual([
        expect.objectContaining({ kind: 'MedusaBackupSchedule', paused: true }),
      ]);
    });

    it('breaches the RPO with a cadence longer than the target (robfig/cron ParseStandard, CRON_TZ)', () => {
      const w = backupOnly();
      find(w, 'prod-eu', 'MedusaBackupSchedule').spec.cronSchedule =
        'CRON_TZ=Europe/Paris 0 2 * * *';
      const s = evaluate(w, { declaration: decl });
      expect(s.schedules[0].maxIntervalSeconds).toBe(86400);
      expect(codes(s)).toContain('cadence-too-slow');
    });

    it('reports a cron expression the operator cannot read (a leading seconds field)', () => {
      const w = backupOnly();
      find(w, 'prod-eu', 'MedusaBackupSchedule').spec.cronSchedule =
        '0 0 * * * *';
      const s = evaluate(w, { declaration: decl });
      expect(reason(s, 'schedule-unreadable')?.object).toMatchObject({
        field: 'spec.cronSchedule',
      });
      expect(s.coverage[0].cadenceSeconds).toBeNull();
    });

    it('counts missed runs from the newest counted backup, not from status.lastExecution', () => {
      const w = backupOnly();
      // A stuck job postpones the runs (concurrencyPolicy Forbid) while lastExecution moved on.
      backup(w).metadata.name = 'orders-dc1-hourly-1764054000';
      backup(w).status.startTime = '2026-11-25T07:00:00Z';
      backup(w).status.finishTime = '2026-11-25T07:05:00Z';
      remove(w, 'dr-us', 'MedusaBackup');
      find(w, 'prod-eu', 'MedusaBackupSchedule').status.lastExecution =
        '2026-11-25T11:00:00Z';
      const s = evaluate(w, {
        declaration: { ...decl, rpoSeconds: 6 * 3600, tier: 'tier-2' },
      });
      expect(s.schedules[0]).toMatchObject({
        missedRuns: 4,
        missedSince: '2026-11-25T08:00:00Z',
      });
      expect(reason(s, 'schedule-missed-runs')?.message).toBe(
        'MedusaBackupSchedule data/orders-dc1-hourly on prod-eu missed 4 runs since 2026-11-25T08:00:00Z (last counted MedusaBackup started 2026-11-25T07:00:00Z; status.lastExecution 2026-11-25T11:00:00Z).',
      );
    });

    it('gives pilot-light a backup restorable in the recovery cluster', () => {
      const s = evaluate(backupOnly(), {
        declaration: { ...decl, strategy: 'pilot-light' },
      });
      expect(codes(s)).not.toContain('strategy-not-in-place');
    });
  });

  describe('drill evidence', () => {
    const restore = (w: World) => find(w, 'dr-us', 'MedusaRestoreJob');

    it.each([
      [
        'with a message',
        (w: World) => {
          restore(w).status.message = 'restore failed: sstableloader exited 1';
        },
      ],
      [
        'with failed pods',
        (w: World) => {
          restore(w).status.failed = ['orders-dc-drill-default-sts-1'];
        },
      ],
      [
        'unfinished (finishTime zero)',
        (w: World) => {
          restore(w).status.finishTime = '0001-01-01T00:00:00Z';
        },
      ],
      [
        'of a backup of another Cassandra cluster',
        (w: World) => {
          find(w, 'dr-us', 'MedusaBackup').metadata.labels![
            'cassandra.datastax.com/cluster'
          ] = 'billing';
        },
      ],
      [
        'of a backup no primary schedule made',
        (w: World) => {
          find(w, 'prod-eu', 'MedusaBackupSchedule').metadata.name =
            'orders-dc1-daily';
        },
      ],
    ])('is not a restore %s', (_, change) => {
      const w = world();
      change(w);
      const s = evaluate(w);
      expect(s.lastDrill).toBeNull();
      expect(codes(s)).toContain('never-drilled');
    });

    it('calls a restore into the live recovery datacenter a restore, not a drill', () => {
      const w = world();
      restore(w).spec.cassandraDatacenter = 'dc2';
      expect(evaluate(w).lastDrill).toMatchObject({
        type: 'restore',
        measuredRtoSeconds: 2400,
      });
    });

    it('breaches the RTO with a restore slower than the target', () => {
      const w = world();
      restore(w).status.finishTime = '2026-11-15T11:00:00Z';
      const s = evaluate(w);
      expect(codes(s)).toContain('rto-exceeded');
    });
  });

  describe('malformed objects', () => {
    it('names the field and goes on, never throwing', () => {
      const w = world();
      backup(w).status.totalNodes = '3';
      find(
        w,
        'prod-eu',
        'K8ssandraCluster',
      ).spec.cassandra.datacenters[1].k8sContext = 7;
      const s = evaluate(w);
      expect(codes(s)).not.toContain('provider-failed');
      expect(
        s.reasons
          .filter(r => r.code === 'malformed-object')
          .map(r => r.object?.field),
      ).toEqual(
        expect.arrayContaining([
          'status.totalNodes',
          'spec.cassandra.datacenters[1].k8sContext',
        ]),
      );
      expect(medusaPoints(s).find(p => p.cluster === 'prod-eu')).toMatchObject({
        counted: false,
      });
    });

    it('survives lists and maps of the wrong type', () => {
      const w = world();
      const kc = find(w, 'prod-eu', 'K8ssandraCluster');
      kc.spec.cassandra.datacenters = { dc1: {} };
      kc.status = 'broken';
      find(w, 'dr-us', 'CassandraDatacenter').status.conditions = 'Ready';
      find(w, 'prod-eu', 'MedusaBackupSchedule').spec = null;
      find(w, 'dr-us', 'MedusaRestoreJob').status = [];
      find(w, 'dr-us', 'CassandraTask').status.failed = 'none';
      const s = evaluate(w);
      expect(codes(s)).not.toContain('provider-failed');
      expect(reason(s, 'malformed-object')?.message).toContain(
        'K8ssandraCluster data/orders-cassandra on prod-eu: spec.cassandra.datacenters expected list, got map',
      );
      // With no datacenter read, the rebuild task is not looked at; with them, its field is named.
      const v = world();
      find(v, 'dr-us', 'CassandraTask').status.failed = 'none';
      expect(
        evaluate(v).reasons.find(r => r.object?.kind === 'CassandraTask')
          ?.object?.field,
      ).toBe('status.failed');
    });

    function backup(w: World) {
      return find(w, 'prod-eu', 'MedusaBackup');
    }
  });

  it('makes the service unknown when the Medusa backups of a cluster could not be read', () => {
    const w = world();
    const evidenceList = clusters(w);
    delete evidenceList[0].objects.medusaBackups;
    evidenceList[0].failures = [
      { resources: ['medusaBackups'], reason: '403 Forbidden' },
    ];
    const s = evaluateDrStatus({
      declaration: declaration({ strategy: 'backup-restore', rpoSeconds: 60 }),
      target: { id: 'orders-cassandra', namespace: 'data' },
      clusters: evidenceList,
      now: NOW,
      providers: [...DR_BUILT_IN_PROVIDERS, k8ssandraProvider],
    });
    expect(s.unreadable).toEqual([
      { cluster: 'prod-eu', reason: 'medusaBackups: 403 Forbidden' },
    ]);
  });
});

function setCondition(
  o: Obj,
  type: string,
  status: string,
  at = '2026-11-25T11:00:00Z',
) {
  o.status.conditions = (o.status.conditions ?? []).filter(
    (c: { type: string }) => c.type !== type,
  );
  o.status.conditions.push({
    type,
    status,
    reason: `${type}Set`,
    message: '',
    lastTransitionTime: at,
  });
}
