import {
  KubeObject,
  PersistentVolumeClaim,
  PostgresCluster,
  Workload,
} from './kubernetes';
import { locateService } from './locate';
import { ClusterEvidence, ClusterObjects, DrServiceTarget } from './types';

// apps/v1 StatefulSets and Deployments, v1 PersistentVolumeClaims and CloudNativePG Clusters
// (postgresql.cnpg.io_clusters.yaml), labelled as the Kubernetes plugin finds them.

const ID = 'orders';
const NS = 'commerce';
const idLabels = { 'backstage.io/kubernetes-id': ID };
const target: DrServiceTarget = { id: ID, namespace: NS };

const statefulSet = (
  name: string,
  replicas: number | undefined,
  extra: Partial<NonNullable<Workload['spec']>> = {},
): Workload => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: NS, labels: { ...idLabels, tier: 'db' } },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: name } },
    template: {
      metadata: {
        labels: { app: name },
        annotations: { 'backup.velero.io/backup-volumes': 'data' },
      },
    },
    volumeClaimTemplates: [
      { metadata: { name: 'data', labels: { 'volume-kind': 'data' } } },
    ],
    ...extra,
  },
  status: { replicas: replicas ?? 1, readyReplicas: replicas ?? 1 },
});

const deployment = (
  name: string,
  replicas: number | undefined,
  claims: Array<[volume: string, claim: string]> = [],
): Workload => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS, labels: idLabels },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        volumes: claims.map(([volume, claimName]) => ({
          name: volume,
          persistentVolumeClaim: { claimName },
        })),
      },
    },
  },
  status: { replicas: replicas ?? 1, readyReplicas: replicas ?? 1 },
});

// As the StatefulSet controller makes them: the template's labels plus the selector's.
const stsPvc = (
  template: string,
  sts: string,
  ordinal: number,
  namespace = NS,
): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: {
    name: `${template}-${sts}-${ordinal}`,
    namespace,
    labels: { 'volume-kind': 'data', app: sts },
  },
});

const claim = (
  name: string,
  labels?: Record<string, string>,
  namespace = NS,
): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
});

const pg = (
  name: string,
  replica?: NonNullable<PostgresCluster['spec']>['replica'],
): PostgresCluster => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  metadata: { name, namespace: NS, labels: idLabels },
  spec: replica ? { replica } : {},
  status: { phase: 'Cluster in healthy state' },
});

const cluster = (
  name: string,
  objects: ClusterObjects,
  extra: Partial<ClusterEvidence> = {},
): ClusterEvidence => ({ cluster: name, objects, ...extra });

const names = (objs: readonly KubeObject[] | undefined) =>
  (objs ?? []).map(o => o.metadata.name).sort();

const noClusters = { primaryCluster: undefined, recoveryCluster: undefined };
const declared = { primaryCluster: 'prod-eu', recoveryCluster: 'dr-us' };

describe('locateService: the service’s PVCs', () => {
  it('takes in a PVC a Deployment mounts, even without the service’s labels', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        deployments: [
          deployment('orders-api', 2, [['uploads', 'orders-uploads']]),
        ],
        persistentVolumeClaims: [
          claim('orders-uploads'),
          claim('billing-uploads', { app: 'billing' }),
        ],
      }),
      cluster('dr-us', {}),
    ]);
    expect(names(location.pvcsByCluster.get('prod-eu'))).toEqual([
      'orders-uploads',
    ]);
    expect(location.mounts.get('prod-eu/commerce/orders-uploads')).toEqual([
      {
        workload: 'Deployment orders-api',
        volume: 'uploads',
        labels: { app: 'orders-api' },
        annotations: undefined,
      },
    ]);
    expect(
      location.serviceObjects
        .get('prod-eu')!
        .map(o => [o.resource, o.obj.metadata.name]),
    ).toEqual([
      ['deployments', 'orders-api'],
      ['persistentvolumeclaims', 'orders-uploads'],
    ]);
  });

  it('takes in a PVC that carries the service’s labels even when nothing mounts it', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        deployments: [deployment('orders-api', 1)],
        persistentVolumeClaims: [claim('orders-archive', idLabels)],
      }),
      cluster('dr-us', {}),
    ]);
    expect(names(location.pvcsByCluster.get('prod-eu'))).toEqual([
      'orders-archive',
    ]);
    expect(
      location.mounts.get('prod-eu/commerce/orders-archive'),
    ).toBeUndefined();
  });

  it('does not take in a mounted claim that does not exist, or one of the same name in another namespace', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        deployments: [
          deployment('orders-api', 1, [['uploads', 'orders-uploads']]),
        ],
        persistentVolumeClaims: [claim('orders-uploads', undefined, 'billing')],
      }),
      cluster('dr-us', {}),
    ]);
    expect(location.pvcsByCluster.get('prod-eu')).toEqual([]);
  });

  it('names a StatefulSet’s PVCs <template>-<statefulset>-<ordinal>, one per replica', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [statefulSet('orders-db', 3)],
        persistentVolumeClaims: [
          stsPvc('data', 'orders-db', 0),
          stsPvc('data', 'orders-db', 1),
          stsPvc('data', 'orders-db', 2),
          // Lookalikes: another StatefulSet, another template, no ordinal.
          stsPvc('data', 'orders-db-replica', 0),
          stsPvc('wal', 'orders-db', 0),
          claim('data-orders-db'),
          stsPvc('data', 'orders-db', 0, 'billing'),
        ],
      }),
      cluster('dr-us', {}),
    ]);
    expect(names(location.pvcsByCluster.get('prod-eu'))).toEqual([
      'data-orders-db-0',
      'data-orders-db-1',
      'data-orders-db-2',
    ]);
    expect(location.mounts.get('prod-eu/commerce/data-orders-db-1')).toEqual([
      {
        workload: 'StatefulSet orders-db',
        volume: 'data',
        labels: { app: 'orders-db' },
        annotations: { 'backup.velero.io/backup-volumes': 'data' },
      },
    ]);
  });

  it('keeps the PVCs of a StatefulSet scaled down (or to 0): they still hold its data', () => {
    const pvcs = [0, 1, 2].map(i => stsPvc('data', 'orders-db', i));
    const scaledDown = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [statefulSet('orders-db', 1)],
        persistentVolumeClaims: pvcs,
      }),
      cluster('dr-us', {}),
    ]);
    expect(names(scaledDown.pvcsByCluster.get('prod-eu'))).toHaveLength(3);
    const standby = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [statefulSet('orders-db', 0)],
        persistentVolumeClaims: pvcs,
      }),
      cluster('dr-us', {}),
    ]);
    expect(names(standby.pvcsByCluster.get('prod-eu'))).toHaveLength(3);
  });

  it('finds the claims of every template of a StatefulSet', () => {
    const sts = statefulSet('orders-db', 1, {
      volumeClaimTemplates: [
        { metadata: { name: 'data' } },
        { metadata: { name: 'wal' } },
      ],
    });
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [sts],
        persistentVolumeClaims: [
          stsPvc('data', 'orders-db', 0),
          stsPvc('wal', 'orders-db', 0),
        ],
      }),
      cluster('dr-us', {}),
    ]);
    expect(names(location.pvcsByCluster.get('prod-eu'))).toEqual([
      'data-orders-db-0',
      'wal-orders-db-0',
    ]);
  });

  it('gives a PVC its own labels, not the StatefulSet’s metadata.labels', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [statefulSet('orders-db', 1)],
        persistentVolumeClaims: [stsPvc('data', 'orders-db', 0)],
      }),
      cluster('dr-us', {}),
    ]);
    const [pvc] = location.pvcsByCluster.get('prod-eu')!;
    expect(pvc.metadata.labels).toEqual({
      'volume-kind': 'data',
      app: 'orders-db',
    });
    expect(pvc.metadata.labels).not.toHaveProperty(
      'backstage.io/kubernetes-id',
    );
    expect(pvc.metadata.labels).not.toHaveProperty('tier');
  });

  it('keeps the PVCs of each cluster apart', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [statefulSet('orders-db', 2)],
        persistentVolumeClaims: [0, 1].map(i => stsPvc('data', 'orders-db', i)),
      }),
      cluster('dr-us', {
        statefulSets: [statefulSet('orders-db', 0)],
        persistentVolumeClaims: [stsPvc('data', 'orders-db', 0)],
      }),
    ]);
    expect(names(location.pvcsByCluster.get('prod-eu'))).toHaveLength(2);
    expect(names(location.pvcsByCluster.get('dr-us'))).toEqual([
      'data-orders-db-0',
    ]);
    expect(names(location.primaryObjects.map(o => o.obj))).toEqual([
      'data-orders-db-0',
      'data-orders-db-1',
      'orders-db',
    ]);
  });

  it('finds the service by a label selector, in its namespace only', () => {
    const location = locateService(
      declared,
      {
        labelSelector: { matchLabels: { 'backstage.io/kubernetes-id': ID } },
        namespace: NS,
      },
      [
        cluster('prod-eu', {
          deployments: [
            deployment('orders-api', 1, [['uploads', 'orders-uploads']]),
            {
              ...deployment('orders-api', 1),
              metadata: {
                name: 'orders-api',
                namespace: 'staging',
                labels: idLabels,
              },
            },
          ],
          persistentVolumeClaims: [claim('orders-uploads')],
        }),
        cluster('dr-us', {}),
      ],
    );
    expect(
      location.serviceObjects
        .get('prod-eu')!
        .map(o => `${o.obj.metadata.namespace}/${o.obj.metadata.name}`),
    ).toEqual(['commerce/orders-api', 'commerce/orders-uploads']);
  });
});

describe('locateService: which cluster is primary', () => {
  it('takes the annotation when it is set, whatever serves', () => {
    const location = locateService(
      { primaryCluster: 'dr-us', recoveryCluster: 'prod-eu' },
      target,
      [
        cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 3)] }),
        cluster('dr-us', { statefulSets: [statefulSet('orders-db', 0)] }),
      ],
    );
    expect(location.primaries).toEqual(['dr-us']);
    expect(location.primarySource).toBe('annotation');
  });

  it('takes the one cluster whose workloads serve; a standby scaled to 0 is not primary', () => {
    const location = locateService(noClusters, target, [
      cluster('dr-us', { statefulSets: [statefulSet('orders-db', 0)] }),
      cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 1)] }),
    ]);
    expect(location.primaries).toEqual(['prod-eu']);
    expect(location.primarySource).toBe('serving-workloads');
  });

  it('reads unset replicas as 1 (Kubernetes’ default): that cluster serves', () => {
    const location = locateService(noClusters, target, [
      cluster('prod-eu', {
        deployments: [deployment('orders-api', undefined)],
      }),
      cluster('dr-us', { deployments: [deployment('orders-api', 0)] }),
    ]);
    expect(location.primaries).toEqual(['prod-eu']);
    expect(location.primarySource).toBe('serving-workloads');
  });

  it('is ambiguous when two clusters serve, and names both', () => {
    const location = locateService(noClusters, target, [
      cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 2)] }),
      cluster('dr-us', { deployments: [deployment('orders-api', undefined)] }),
    ]);
    expect(location.primaries).toEqual(['prod-eu', 'dr-us']);
    expect(location.primarySource).toBe('ambiguous');
  });

  it('takes a CloudNativePG Cluster that is not a replica as serving, a replica cluster as not', () => {
    const location = locateService(noClusters, target, [
      cluster('dr-us', {
        postgresClusters: [
          pg('orders-pg', { enabled: true, source: 'orders-pg-prod-eu' }),
        ],
      }),
      cluster('prod-eu', { postgresClusters: [pg('orders-pg')] }),
    ]);
    expect(location.primaries).toEqual(['prod-eu']);
    expect(location.primarySource).toBe('serving-workloads');
    expect(names(location.postgresClusters.get('dr-us'))).toEqual([
      'orders-pg',
    ]);
  });

  it('reads a distributed-topology replica (primary names another cluster) as not serving', () => {
    const location = locateService(noClusters, target, [
      cluster('dr-us', {
        postgresClusters: [
          pg('orders-pg-dr', {
            primary: 'orders-pg-prod',
            source: 'orders-pg-prod',
          }),
        ],
      }),
      cluster('prod-eu', {
        postgresClusters: [
          pg('orders-pg-prod', {
            primary: 'orders-pg-prod',
            source: 'orders-pg-dr',
          }),
        ],
      }),
    ]);
    expect(location.primaries).toEqual(['prod-eu']);
  });

  it('is ambiguous when nothing serves and the service is on two clusters', () => {
    const location = locateService(noClusters, target, [
      cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 0)] }),
      cluster('dr-us', { statefulSets: [statefulSet('orders-db', 0)] }),
    ]);
    expect(location.primarySource).toBe('ambiguous');
    expect(location.primaries).toEqual(['prod-eu', 'dr-us']);
  });

  it('has no primary when the service is found nowhere', () => {
    const location = locateService(noClusters, target, [
      cluster('prod-eu', { statefulSets: [] }),
    ]);
    expect(location.primaries).toEqual([]);
    expect(location.primarySource).toBe('none');
    expect(location.primaryObjects).toEqual([]);
  });
});

describe('locateService: clusters in scope and what could not be read', () => {
  it('looks only at the clusters the declaration names', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 1)] }),
      cluster('dr-us', {}),
      cluster('staging', { statefulSets: [statefulSet('orders-db', 1)] }),
    ]);
    expect(location.scope.map(e => e.cluster)).toEqual(['prod-eu', 'dr-us']);
    expect(location.serviceObjects.has('staging')).toBe(false);
  });

  it('calls a named cluster that is not configured unreadable', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 1)] }),
    ]);
    expect(location.unreadable).toEqual([
      {
        cluster: 'dr-us',
        reason: 'cluster dr-us is not configured for the Kubernetes plugin',
      },
    ]);
    expect(location.pointsUncertain).toBe(true);
    expect(location.drillsUncertain).toBe(true);
  });

  it('tells a read failure that hides recovery points from one that hides only drills', () => {
    const points = locateService(declared, target, [
      cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 1)] }),
      cluster(
        'dr-us',
        {},
        {
          failures: [
            { resources: ['postgresClusters'], reason: '403 Forbidden' },
          ],
        },
      ),
    ]);
    expect(points.unreadable).toEqual([
      { cluster: 'dr-us', reason: 'postgresClusters: 403 Forbidden' },
    ]);
    expect(points.pointsUncertain).toBe(true);
    expect(points.drillsUncertain).toBe(false);

    const drills = locateService(declared, target, [
      cluster('prod-eu', { statefulSets: [statefulSet('orders-db', 1)] }),
      cluster(
        'dr-us',
        {},
        {
          failures: [{ resources: ['restores'], reason: '403 Forbidden' }],
        },
      ),
    ]);
    expect(drills.pointsUncertain).toBe(false);
    expect(drills.drillsUncertain).toBe(true);
  });

  it('ignores failures of resources that hold no evidence', () => {
    const location = locateService(declared, target, [
      cluster(
        'prod-eu',
        { statefulSets: [statefulSet('orders-db', 1)] },
        {
          failures: [
            {
              resources: ['replicationDestinations'],
              reason: 'CRD not installed',
            },
          ],
        },
      ),
      cluster('dr-us', {}),
    ]);
    expect(location.unreadable).toEqual([]);
    expect(location.pointsUncertain).toBe(false);
  });
});

describe('locateService: malformed objects', () => {
  it('names a malformed field of the service’s StatefulSet as an unknown reason', () => {
    const sts = statefulSet('orders-db', 1);
    (sts.spec as any).volumeClaimTemplates = 'oops';
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [sts],
        persistentVolumeClaims: [stsPvc('data', 'orders-db', 0)],
      }),
      cluster('dr-us', {}),
    ]);
    expect(location.problems).toEqual([
      {
        severity: 'unknown',
        code: 'malformed-object',
        message:
          'StatefulSet commerce/orders-db on prod-eu: spec.volumeClaimTemplates expected list, got string; the service’s volumes cannot be known for sure.',
        nextStep:
          'Fix spec.volumeClaimTemplates of StatefulSet orders-db (see its CRD or the Kubernetes API reference).',
        object: {
          cluster: 'prod-eu',
          kind: 'StatefulSet',
          namespace: NS,
          name: 'orders-db',
          field: 'spec.volumeClaimTemplates',
        },
      },
    ]);
    expect(location.pointsUncertain).toBe(true);
    // Its claims can no longer be found through it.
    expect(location.pvcsByCluster.get('prod-eu')).toEqual([]);
  });

  it('reports an unreadable workload in the service’s namespace, not one elsewhere', () => {
    const nameless = { ...statefulSet('x', 1), metadata: { namespace: NS } };
    const elsewhere = {
      ...statefulSet('x', 1),
      metadata: { namespace: 'billing' },
    };
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [statefulSet('orders-db', 1), nameless as any],
        deployments: [elsewhere as any],
      }),
      cluster('dr-us', {}),
    ]);
    expect(location.problems).toEqual([
      {
        severity: 'unknown',
        code: 'malformed-object',
        message:
          'On prod-eu, an item of statefulSets metadata.name: is missing (namespace commerce); it may be one of the service’s and was left out.',
        nextStep: 'Fix or delete the malformed object on prod-eu.',
      },
    ]);
  });

  it('has no problem when every object is well-formed', () => {
    const location = locateService(declared, target, [
      cluster('prod-eu', {
        statefulSets: [statefulSet('orders-db', 1)],
        persistentVolumeClaims: [stsPvc('data', 'orders-db', 0)],
      }),
      cluster('dr-us', {}),
    ]);
    expect(location.problems).toEqual([]);
    expect(location.pointsUncertain).toBe(false);
  });
});
