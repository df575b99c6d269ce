import { DrDeclaration } from '../declaration';
import {
  KubeObject,
  PersistentVolumeClaim,
  PostgresCluster,
  Workload,
  isPostgresReplica,
} from './kubernetes';
import {
  objectProblems,
  sanitizeEvidence,
  SanitizedEvidence,
} from './sanitize';
import { matchesLabelSelector } from './selectors';
import {
  ClusterEvidence,
  ClusterResource,
  DrReason,
  DrServiceTarget,
  DrStatus,
} from './types';
import { DR_RESOURCE_TYPES } from './resources';
import { DrPodMount } from './velero';

const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

// The resources whose failure to read hides evidence of a service.
const EVIDENCE_RESOURCES: ClusterResource[] = [
  'backups',
  'schedules',
  'restores',
  'backupStorageLocations',
  'replicationSources',
  'postgresClusters',
  'mirrorMakers',
  'persistentVolumeClaims',
  'statefulSets',
  'deployments',
];

// Built-in resources whose failure hides no evidence (local snapshots, replication targets).
const NOT_EVIDENCE = new Set<ClusterResource>([
  'volumeSnapshots',
  'replicationDestinations',
]);

/**
 * Whether a failure to read a resource hides evidence of a service: the built-in evidence
 * resources, and every resource type another status provider adds (its objects may hold
 * recovery points or coverage, so a failure to read them must not pass for their absence).
 */
const isEvidence = (r: ClusterResource) =>
  EVIDENCE_RESOURCES.includes(r) ||
  (!NOT_EVIDENCE.has(r) && !DR_RESOURCE_TYPES.some(t => t.resource === r));

// Whether a failure hides recovery points, coverage or the service's objects (not only drills).
const isPointResource = (r: ClusterResource) =>
  r !== 'restores' && isEvidence(r);

/** Resource types in a fixed order: the built-in ones as listed, then the others by name. */
const inFixedOrder = (types: ClusterResource[]) => [
  ...EVIDENCE_RESOURCES.filter(r => types.includes(r)),
  ...[...new Set(types.filter(r => !EVIDENCE_RESOURCES.includes(r)))].sort(),
];

/**
 * One of a service's objects with its resource type (plural, e.g. `persistentvolumeclaims`), as
 * Velero's resource filters name it.
 *
 * @public
 */
export interface DrServiceObject {
  obj: KubeObject;
  resource: string;
}

/**
 * Where a service lives, as `evaluateDrStatus` sees it.
 *
 * @public
 */
export interface DrServiceLocation {
  /** The clusters in scope (their objects checked): those the declaration names (when configured), else every cluster. */
  scope: SanitizedEvidence[];
  /** Clusters in scope that could not be read (or are not configured), with the reason. */
  unreadable: DrStatus['unreadable'];
  /** Whether a read failure may hide recovery points, coverage or the service's objects. */
  pointsUncertain: boolean;
  /** Whether a read failure may hide Velero Restores (drills). */
  drillsUncertain: boolean;
  /**
   * The service's StatefulSets, Deployments and PVCs per cluster: workloads by the Kubernetes
   * plugin's annotations; PVCs that carry the service's labels or that its pod templates mount
   * (`volumes[].persistentVolumeClaim.claimName`, StatefulSet `volumeClaimTemplates` →
   * `<template>-<statefulset>-<ordinal>`), each with its own labels.
   */
  serviceObjects: Map<string, DrServiceObject[]>;
  /** The service's PVCs per cluster (same objects as in `serviceObjects`). */
  pvcsByCluster: Map<string, KubeObject[]>;
  /** The pods that mount each PVC, by `cluster/namespace/name`. */
  mounts: Map<string, DrPodMount[]>;
  /** The service's pod templates per cluster, as objects (namespace and labels), for Velero's pod filters. */
  podTemplates: Map<string, KubeObject[]>;
  /** The service's CloudNativePG `Cluster`s per cluster. */
  postgresClusters: Map<string, PostgresCluster[]>;
  /**
   * The primary clusters: the declared one; else the one cluster where the service's workloads
   * serve (desired replicas > 0, or a CloudNativePG Cluster that is not a replica); else, when
   * that is ambiguous, every such cluster.
   */
  primaries: string[];
  primarySource: DrStatus['primarySource'];
  /** The service's objects on its primary clusters. */
  primaryObjects: DrServiceObject[];
  /** Malformed objects of the service, and malformed list items that may be its: `unknown` reasons. */
  problems: DrReason[];
}

/** Objects of a list indexed by the kubernetes-id label and by namespace, built once per list. */
interface ListIndex {
  byId: Map<string, KubeObject[]>;
  byNamespace: Map<string, KubeObject[]>;
  byName: Map<string, KubeObject>;
}
const listIndexes = new WeakMap<readonly KubeObject[], ListIndex>();

function indexList(list: readonly KubeObject[]): ListIndex {
  let index = listIndexes.get(list);
  if (index) return index;
  index = { byId: new Map(), byNamespace: new Map(), byName: new Map() };
  for (const obj of list) {
    const id = obj.metadata.labels?.[KUBERNETES_ID_LABEL];
    if (id !== undefined) {
      const l = index.byId.get(id);
      if (l) l.push(obj);
      else index.byId.set(id, [obj]);
    }
    const ns = obj.metadata.namespace ?? '';
    const n = index.byNamespace.get(ns);
    if (n) n.push(obj);
    else index.byNamespace.set(ns, [obj]);
    index.byName.set(`${ns}/${obj.metadata.name}`, obj);
  }
  listIndexes.set(list, index);
  return index;
}

/** Whether an object is the service's, by the Kubernetes plugin's annotations. */
export function isServiceObject(
  obj: KubeObject,
  target: DrServiceTarget,
): boolean {
  if (target.namespace && obj.metadata.namespace !== target.namespace) {
    return false;
  }
  if (target.labelSelector) {
    return matchesLabelSelector(target.labelSelector, obj.metadata.labels);
  }
  return (
    target.id !== undefined &&
    obj.metadata.labels?.[KUBERNETES_ID_LABEL] === target.id
  );
}

/** The service's objects of one list, through the list's index. */
export function serviceObjectsOf<T extends KubeObject>(
  list: readonly T[] | undefined,
  target: DrServiceTarget,
): T[] {
  if (!list || list.length === 0) return [];
  const index = indexList(list);
  let candidates: readonly KubeObject[];
  if (!target.labelSelector && target.id !== undefined) {
    candidates = index.byId.get(target.id) ?? [];
  } else if (target.namespace) {
    candidates = index.byNamespace.get(target.namespace) ?? [];
  } else {
    candidates = list;
  }
  return candidates.filter(o => isServiceObject(o, target)) as T[];
}

/** An object of a list by namespace and name. */
export function objectByName<T extends KubeObject>(
  list: readonly T[] | undefined,
  namespace: string,
  name: string,
): T | undefined {
  if (!list || list.length === 0) return undefined;
  return indexList(list).byName.get(`${namespace}/${name}`) as T | undefined;
}

function describe(kind: string, obj: KubeObject, cluster: string) {
  return `${kind} ${
    obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''
  }${obj.metadata.name} on ${cluster}`;
}

/**
 * A reason for each malformed field of an object, naming the object and the field.
 *
 * @public
 */
export function malformedReasons(
  kind: string,
  obj: KubeObject,
  cluster: string,
  severity: DrReason['severity'],
  consequence: string,
): DrReason[] {
  return objectProblems(obj).map(p => ({
    severity,
    code: 'malformed-object',
    message: `${describe(kind, obj, cluster)}: ${p.field} ${
      p.problem
    }; ${consequence}.`,
    nextStep: `Fix ${p.field} of ${kind} ${obj.metadata.name} (see its CRD or the Kubernetes API reference).`,
    object: {
      cluster,
      kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      field: p.field,
    },
  }));
}

function desiredReplicas(w: Workload): number {
  return typeof w.spec?.replicas === 'number' ? w.spec.replicas : 1;
}

/**
 * Finds a service's clusters and objects in what was read: the first step of
 * `evaluateDrStatus`, exported so that a reader can keep, of a large list, only the objects that
 * concern some service. Reads only StatefulSets, Deployments, PersistentVolumeClaims and
 * CloudNativePG Clusters, and the read failures. Pure.
 *
 * @public
 */
export function locateService(
  declaration: Pick<DrDeclaration, 'primaryCluster' | 'recoveryCluster'>,
  target: DrServiceTarget,
  clusters: ClusterEvidence[],
): DrServiceLocation {
  // Clusters in scope: the ones the declaration names, or every cluster.
  const named = [
    declaration.primaryCluster,
    declaration.recoveryCluster,
  ].filter((c): c is string => Boolean(c));
  const unreadable: DrStatus['unreadable'] = [];
  let scope: SanitizedEvidence[];
  if (named.length > 0) {
    scope = [];
    for (const name of named) {
      const evidence = clusters.find(c => c.cluster === name);
      if (evidence) {
        scope.push(sanitizeEvidence(evidence));
      } else {
        unreadable.push({
          cluster: name,
          reason: `cluster ${name} is not configured for the Kubernetes plugin`,
        });
      }
    }
  } else {
    scope = clusters.map(sanitizeEvidence);
  }
  // A cluster named by the declaration but not configured hides everything.
  let pointsUncertain = unreadable.length > 0;
  let drillsUncertain = unreadable.length > 0;
  for (const evidence of scope) {
    // One entry per cluster: the whole cluster, or the resource types that failed, by reason.
    const byReason = new Map<string, ClusterResource[]>();
    let whole: string | undefined;
    for (const failure of evidence.failures ?? []) {
      const affects = (test: (r: ClusterResource) => boolean) =>
        !failure.resources || failure.resources.some(test);
      if (affects(isEvidence)) {
        if (!failure.resources) whole ??= failure.reason;
        else {
          const types = byReason.get(failure.reason) ?? [];
          types.push(...failure.resources.filter(isEvidence));
          byReason.set(failure.reason, types);
        }
      }
      pointsUncertain ||= affects(isPointResource);
      drillsUncertain ||= affects(r => r === 'restores');
    }
    if (whole !== undefined) {
      unreadable.push({ cluster: evidence.cluster, reason: whole });
    } else if (byReason.size > 0) {
      // One reason for the cluster: the types that failed the same way (in a fixed order,
      // whatever order they were read in), then the way they failed.
      unreadable.push({
        cluster: evidence.cluster,
        reason: [...byReason.entries()]
          .map(
            ([reason, types]) => `${inFixedOrder(types).join(', ')}: ${reason}`,
          )
          .join('; '),
      });
    }
  }

  const problems: DrReason[] = [];
  const serviceObjects = new Map<string, DrServiceObject[]>();
  const pvcsByCluster = new Map<string, KubeObject[]>();
  const mounts = new Map<string, DrPodMount[]>();
  const podTemplates = new Map<string, KubeObject[]>();
  const postgresClusters = new Map<string, PostgresCluster[]>();
  const serving: string[] = [];
  const present: string[] = [];
  const namespaces = new Set<string>();
  for (const evidence of scope) {
    const { cluster } = evidence;
    const statefulSets = serviceObjectsOf(
      evidence.objects.statefulSets,
      target,
    );
    const deployments = serviceObjectsOf(evidence.objects.deployments, target);
    const pgs = serviceObjectsOf(evidence.objects.postgresClusters, target);
    if (pgs.length > 0) postgresClusters.set(cluster, pgs);
    const allPvcs = evidence.objects.persistentVolumeClaims;
    const pvcs = new Map<string, PersistentVolumeClaim>();
    for (const pvc of serviceObjectsOf(allPvcs, target)) {
      pvcs.set(`${pvc.metadata.namespace ?? ''}/${pvc.metadata.name}`, pvc);
    }
    const templates: KubeObject[] = [];
    const addMount = (pvc: PersistentVolumeClaim, mount: DrPodMount) => {
      const key = `${pvc.metadata.namespace ?? ''}/${pvc.metadata.name}`;
      pvcs.set(key, pvc);
      const k = `${cluster}/${key}`;
      const l = mounts.get(k);
      if (l) l.push(mount);
      else mounts.set(k, [mount]);
    };
    for (const [kind, list] of [
      ['StatefulSet', statefulSets],
      ['Deployment', deployments],
    ] as const) {
      for (const w of list) {
        problems.push(
          ...malformedReasons(
            kind,
            w,
            cluster,
            'unknown',
            'the service’s volumes cannot be known for sure',
          ),
        );
        const namespace = w.metadata.namespace ?? '';
        const template = w.spec?.template?.metadata;
        templates.push({
          metadata: {
            name: `${w.metadata.name} (pods)`,
            namespace,
            labels: template?.labels ?? undefined,
          },
        });
        const mount = (volume: string): DrPodMount => ({
          workload: `${kind} ${w.metadata.name}`,
          volume,
          labels: template?.labels ?? undefined,
          annotations: template?.annotations ?? undefined,
        });
        for (const v of w.spec?.template?.spec?.volumes ?? []) {
          const claim = v.persistentVolumeClaim?.claimName;
          if (!claim) continue;
          const pvc = objectByName(allPvcs, namespace, claim);
          if (pvc) addMount(pvc, mount(v.name));
        }
        if (kind === 'StatefulSet') {
          const replicas = Math.max(desiredReplicas(w), 1);
          for (const t of (w as Workload).spec?.volumeClaimTemplates ?? []) {
            const name = t.metadata?.name;
            if (!name) continue;
            // The claims of every ordinal that exists (a scaled-down StatefulSet keeps its PVCs).
            for (let ordinal = 0; ordinal < replicas + 100; ordinal++) {
              const pvc = objectByName(
                allPvcs,
                namespace,
                `${name}-${w.metadata.name}-${ordinal}`,
              );
              if (!pvc) {
                if (ordinal >= replicas) break;
                continue;
              }
              addMount(pvc, mount(name));
            }
          }
        }
      }
    }
    for (const pvc of pvcs.values()) {
      problems.push(
        ...malformedReasons(
          'PersistentVolumeClaim',
          pvc,
          cluster,
          'unknown',
          'the service’s volumes cannot be known for sure',
        ),
      );
    }
    const all: DrServiceObject[] = [
      ...statefulSets.map(obj => ({ obj, resource: 'statefulsets' })),
      ...deployments.map(obj => ({ obj, resource: 'deployments' })),
      ...[...pvcs.values()].map(obj => ({
        obj,
        resource: 'persistentvolumeclaims',
      })),
    ];
    for (const o of all) namespaces.add(o.obj.metadata.namespace ?? '');
    if (all.length > 0 || pgs.length > 0) {
      serviceObjects.set(cluster, all);
      pvcsByCluster.set(cluster, [...pvcs.values()]);
      podTemplates.set(cluster, templates);
      present.push(cluster);
    }
    if (
      [...statefulSets, ...deployments].some(w => desiredReplicas(w) > 0) ||
      pgs.some(pg => !isPostgresReplica(pg))
    ) {
      serving.push(cluster);
    }
  }

  // Items that could not be read at all, in a namespace of the service (or of no known
  // namespace): they may be the service's workloads or volumes.
  for (const evidence of scope) {
    for (const item of evidence.malformed) {
      if (
        !['statefulSets', 'deployments', 'persistentVolumeClaims'].includes(
          item.resource,
        )
      ) {
        continue;
      }
      const ns = item.namespace ?? target.namespace;
      if (
        item.namespace !== undefined &&
        !namespaces.has(item.namespace) &&
        (!target.namespace || item.namespace !== target.namespace)
      ) {
        continue;
      }
      problems.push({
        severity: 'unknown',
        code: 'malformed-object',
        message: `On ${evidence.cluster}, ${item.message}${
          ns ? ` (namespace ${ns})` : ''
        }; it may be one of the service’s and was left out.`,
        nextStep: `Fix or delete the malformed object on ${evidence.cluster}.`,
      });
    }
  }

  let primaries: string[];
  let primarySource: DrStatus['primarySource'];
  if (declaration.primaryCluster) {
    primaries = [declaration.primaryCluster];
    primarySource = 'annotation';
  } else if (serving.length === 1) {
    primaries = serving;
    primarySource = 'serving-workloads';
  } else if (serving.length > 1) {
    primaries = serving;
    primarySource = 'ambiguous';
  } else {
    primaries = present;
    primarySource = present.length > 1 ? 'ambiguous' : 'none';
  }
  const primaryObjects = primaries.flatMap(c => serviceObjects.get(c) ?? []);
  return {
    scope,
    unreadable,
    pointsUncertain: pointsUncertain || problems.length > 0,
    drillsUncertain,
    serviceObjects,
    pvcsByCluster,
    mounts,
    podTemplates,
    postgresClusters,
    primaries,
    primarySource,
    primaryObjects,
    problems,
  };
}
