/**
 * Generated benchmark data: N services spread over C clusters, each with a StatefulSet, a PVC,
 * an hourly Velero Schedule and B Backups. Service i runs on cluster i % C and fails over to
 * cluster (i + 1) % C.
 */

export interface BenchSize {
  services: number;
  clusters: number;
  backups: number;
}

export const clusterName = (c: number) => `bench-${String(c).padStart(2, '0')}`;
export const serviceName = (i: number) => `svc-${String(i).padStart(5, '0')}`;
export const namespaceOf = (i: number) => `team-${Math.floor(i / 50)}`;

/** The Kubernetes objects of one cluster, for `SimulatedCluster.load`. */
export function clusterObjects(
  size: BenchSize,
  c: number,
  now: Date,
): object[] {
  const objects: object[] = [
    {
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: { name: 'default', namespace: 'velero' },
      spec: {
        default: true,
        provider: 'aws',
        objectStorage: { bucket: 'bench' },
      },
      status: { phase: 'Available', lastValidationTime: now.toISOString() },
    },
  ];
  const iso = (ms: number) =>
    new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  for (let i = c; i < size.services; i += size.clusters) {
    const name = serviceName(i);
    const namespace = namespaceOf(i);
    const labels = { 'backstage.io/kubernetes-id': name };
    objects.push(
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name, namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          serviceName: name,
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: 'postgres:16' }] },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'] },
            },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: `data-${name}-0`, namespace, labels },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '10Gi' } },
        },
      },
      {
        apiVersion: 'velero.io/v1',
        kind: 'Schedule',
        metadata: { name: `${name}-hourly`, namespace: 'velero' },
        spec: {
          schedule: '0 * * * *',
          template: {
            includedNamespaces: [namespace],
            labelSelector: { matchLabels: labels },
            snapshotVolumes: true,
            snapshotMoveData: true,
            ttl: '720h0m0s',
            storageLocation: 'default',
          },
        },
        status: { phase: 'Enabled' },
      },
    );
    for (let b = 0; b < size.backups; b++) {
      const start = now.getTime() - (b * 3600 + 600) * 1000;
      objects.push({
        apiVersion: 'velero.io/v1',
        kind: 'Backup',
        metadata: {
          name: `${name}-hourly-${b}`,
          namespace: 'velero',
          labels: { 'velero.io/schedule-name': `${name}-hourly` },
        },
        spec: {
          includedNamespaces: [namespace],
          labelSelector: { matchLabels: labels },
          snapshotVolumes: true,
          snapshotMoveData: true,
          ttl: '720h0m0s',
          storageLocation: 'default',
        },
        status: {
          phase: b % 17 === 5 ? 'PartiallyFailed' : 'Completed',
          startTimestamp: iso(start),
          completionTimestamp: iso(start + 120_000),
          expiration: iso(start + 720 * 3600_000),
          version: 1,
        },
      });
    }
  }
  return objects;
}

/** The catalog entities of the generated services. */
export function entities(size: BenchSize) {
  const items = [];
  for (let i = 0; i < size.services; i++) {
    items.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: serviceName(i),
        annotations: {
          'backstage.io/kubernetes-id': serviceName(i),
          'backstage.io/kubernetes-namespace': namespaceOf(i),
          'disaster-recovery/tier': ['tier-1', 'tier-2', 'tier-3'][i % 3],
          'disaster-recovery/strategy': [
            'pilot-light',
            'backup-restore',
            'backup-restore',
          ][i % 3],
          'disaster-recovery/primary-cluster': clusterName(i % size.clusters),
          ...(size.clusters > 1
            ? {
                'disaster-recovery/recovery-cluster': clusterName(
                  (i + 1) % size.clusters,
                ),
              }
            : {}),
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: `team-${i % 40}`,
      },
    });
  }
  return items;
}

/**
 * The `kubernetes` config that points the Kubernetes plugin at the simulated clusters (the
 * simulator's `bench-token`).
 */
export function kubernetesConfig(
  clusters: Array<{ name: string; url: string }>,
) {
  return {
    serviceLocatorMethod: { type: 'multiTenant' },
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: clusters.map(c => ({
          name: c.name,
          url: c.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: 'bench-token',
          skipMetricsLookup: true,
        })),
      },
    ],
  };
}
