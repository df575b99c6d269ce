import { ClusterEvidence } from '../../evaluation/types';

/**
 * Real-shaped csi-addons v0.14 objects (Rook-Ceph RBD mirroring) for the provider's tests: the
 * service `documents-store` (namespace `data`) with PVCs `data-documents-store-0` and
 * `data-documents-store-1`, mirrored from prod-eu to dr-us every 5 minutes. Every shape the tests
 * use is in `__fixtures__/objects.json` (see {@link crdCheckedObjects}), which the kube-simulator's
 * `providerFixtures.test.ts` validates against the CRDs in `shared/crds`.
 */

export const NOW = new Date('2026-11-30T10:00:00Z');
export const ago = (minutes: number) =>
  new Date(NOW.getTime() - minutes * 60_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

const SERVICE = { 'backstage.io/kubernetes-id': 'documents-store' };
export const PVCS = ['data-documents-store-0', 'data-documents-store-1'];

export function pvc(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: 'data',
      labels: { ...SERVICE, app: 'documents-store' },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'ceph-rbd-mirrored',
      resources: { requests: { storage: '50Gi' } },
    },
    status: { phase: 'Bound' },
  };
}

export function replicationClass(
  name = 'rbd-mirror-5m',
  parameters: Record<string, string> = { schedulingInterval: '5m' },
  provisioner = 'rook-ceph.rbd.csi.ceph.com',
) {
  return {
    apiVersion: 'replication.storage.openshift.io/v1alpha1',
    kind: 'VolumeReplicationClass',
    metadata: { name },
    spec: {
      provisioner,
      parameters: {
        mirroringMode: 'snapshot',
        'replication.storage.openshift.io/replication-secret-name':
          'rook-csi-rbd-provisioner',
        'replication.storage.openshift.io/replication-secret-namespace':
          'rook-ceph',
        ...parameters,
      },
    },
  };
}

const condition = (
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  minutes = 60 * 24,
) => ({
  type,
  status,
  reason,
  message: '',
  lastTransitionTime: ago(minutes),
  observedGeneration: 1,
});

export const HEALTHY_PRIMARY_CONDITIONS = [
  condition('Completed', 'True', 'Promoted'),
  condition('Degraded', 'False', 'Healthy'),
  condition('Resyncing', 'False', 'NotResyncing'),
  condition('Validated', 'True', 'PrerequisiteMet'),
  condition('Replicating', 'True', 'Replicating'),
];

export { condition };

/** The primary VR of a PVC on prod-eu; last sync `syncMin` minutes ago. */
export function primaryVr(
  pvcName: string,
  syncMin = 4,
  overrides: { spec?: object; status?: object; metadata?: object } = {},
) {
  return {
    apiVersion: 'replication.storage.openshift.io/v1alpha1',
    kind: 'VolumeReplication',
    metadata: {
      name: pvcName,
      namespace: 'data',
      generation: 1,
      labels: { ...SERVICE },
      ...overrides.metadata,
    },
    spec: {
      volumeReplicationClass: 'rbd-mirror-5m',
      replicationState: 'primary',
      dataSource: { kind: 'PersistentVolumeClaim', name: pvcName },
      autoResync: false,
      ...overrides.spec,
    },
    status: {
      state: 'Primary',
      message: 'volume is marked primary',
      observedGeneration: 1,
      lastStartTime: ago(1),
      lastCompletionTime: ago(1),
      lastSyncTime: ago(syncMin),
      lastSyncDuration: '12s',
      lastSyncBytes: 52428800,
      conditions: HEALTHY_PRIMARY_CONDITIONS,
      ...overrides.status,
    },
  };
}

/** The secondary VR of a PVC on dr-us. */
export function secondaryVr(
  pvcName: string,
  overrides: { spec?: object; status?: object } = {},
) {
  return {
    apiVersion: 'replication.storage.openshift.io/v1alpha1',
    kind: 'VolumeReplication',
    metadata: { name: pvcName, namespace: 'data', generation: 1 },
    spec: {
      volumeReplicationClass: 'rbd-mirror-5m',
      replicationState: 'secondary',
      dataSource: { kind: 'PersistentVolumeClaim', name: pvcName },
      autoResync: false,
      ...overrides.spec,
    },
    status: {
      state: 'Secondary',
      message: 'volume is marked secondary',
      observedGeneration: 1,
      lastStartTime: ago(1),
      lastCompletionTime: ago(1),
      conditions: [
        condition('Completed', 'True', 'Demoted'),
        condition('Degraded', 'False', 'Healthy'),
        condition('Resyncing', 'False', 'NotResyncing'),
        condition('Validated', 'True', 'PrerequisiteMet'),
      ],
      ...overrides.status,
    },
  };
}

export function clusters(
  prod: Record<string, object[]>,
  dr: Record<string, object[]> = {},
): ClusterEvidence[] {
  return [
    {
      cluster: 'prod-eu',
      objects: {
        persistentVolumeClaims: PVCS.map(pvc),
        volumeReplicationClasses: [replicationClass()],
        volumeReplications: PVCS.map(p => primaryVr(p)),
        volumeGroupReplications: [],
        ...prod,
      } as ClusterEvidence['objects'],
    },
    {
      cluster: 'dr-us',
      objects: {
        volumeReplicationClasses: [replicationClass()],
        volumeReplications: PVCS.map(p => secondaryVr(p)),
        volumeGroupReplications: [],
        ...dr,
      } as ClusterEvidence['objects'],
    },
  ];
}

/** A VolumeGroupReplication of both PVCs (by the `app` label), primary on prod-eu or secondary on dr-us. */
export function groupReplication(state: 'primary' | 'secondary') {
  return {
    apiVersion: 'replication.storage.openshift.io/v1alpha1',
    kind: 'VolumeGroupReplication',
    metadata: { name: 'documents-store', namespace: 'data' },
    spec: {
      volumeGroupReplicationClassName: 'rbd-group-mirror',
      volumeReplicationClassName: 'rbd-mirror-5m',
      replicationState: state,
      autoResync: false,
      source: { selector: { matchLabels: { app: 'documents-store' } } },
    },
    status:
      state === 'primary'
        ? {
            state: 'Primary',
            lastSyncTime: ago(3),
            lastSyncDuration: '20s',
            conditions: HEALTHY_PRIMARY_CONDITIONS,
            persistentVolumeClaimsRefList: PVCS.map(name => ({ name })),
          }
        : {
            state: 'Secondary',
            conditions: [condition('Completed', 'True', 'Demoted')],
          },
  };
}

/** The VolumeReplication a VolumeGroupReplication owns: its dataSource names the group. */
export function groupOwnedVr() {
  return primaryVr('vr-documents-store', 4, {
    spec: {
      dataSource: {
        apiGroup: 'replication.storage.openshift.io',
        kind: 'VolumeGroupReplication',
        name: 'documents-store',
      },
    },
  });
}

const renamed = <T extends { metadata: { name: string } }>(
  o: T,
  name: string,
) => ({ ...o, metadata: { ...o.metadata, name } });

/**
 * Every shape of object the tests build, by cluster (names made unique), as kept in
 * `__fixtures__/objects.json` for validation against the CRDs.
 */
export function crdCheckedObjects() {
  return {
    now: NOW.toISOString(),
    'prod-eu': [
      ...PVCS.map(pvc),
      replicationClass(),
      replicationClass('rbd-mirror-1d', { schedulingInterval: '1d' }),
      replicationClass(
        'other-driver',
        { schedulingInterval: '5m' },
        'example.vendor.csi.io',
      ),
      ...PVCS.map(p => primaryVr(p)),
      renamed(
        primaryVr(PVCS[0], 4, {
          metadata: { generation: 3 },
          status: {
            state: 'Primary',
            observedGeneration: 2,
            lastCompletionTime: ago(30),
            conditions: [
              condition('Completed', 'True', 'Promoted'),
              condition('Degraded', 'True', 'VolumeDegraded'),
              condition('Resyncing', 'True', 'ResyncTriggered'),
              condition('Validated', 'False', 'PrerequisiteNotMet'),
              condition('Replicating', 'False', 'NotReplicating'),
            ],
          },
        }),
        'unhealthy',
      ),
      groupOwnedVr(),
      groupReplication('primary'),
    ],
    'dr-us': [
      ...PVCS.map(p => secondaryVr(p)),
      renamed(
        secondaryVr(PVCS[0], {
          spec: { replicationState: 'primary' },
          status: {
            state: 'Primary',
            conditions: [condition('Completed', 'True', 'Promoted')],
          },
        }),
        'promoted',
      ),
      groupReplication('secondary'),
    ],
  };
}
