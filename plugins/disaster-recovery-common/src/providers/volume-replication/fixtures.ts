import { ClusterEvidence } from '../../evaluation/types';

/**
 * Real-shaped csi-addons v0.14 objects (Rook-Ceph RBD mirroring) for the provider's tests: the
 * service `documents-store` (namespace `data`) with PVCs `data-documents-store-0` and
 * `data-documents-store-1`, mirrored from prod-eu to dr-us every 5 minutes. Valid against the
 * CRDs in `shared/crds` (`replication.storage.openshift.io_*.yaml`).
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
