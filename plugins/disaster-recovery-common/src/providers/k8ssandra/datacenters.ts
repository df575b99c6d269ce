import { KubeObject } from '../../evaluation/kubernetes';
import { objectByName } from '../../evaluation/locate';
import { DrProviderContext } from '../../evaluation/provider';
import { DrReason } from '../../evaluation/types';
import { FieldReader } from './fields';

/** Annotations of a `K8ssandraCluster` (k8ssandra-operator `apis/k8ssandra/v1alpha1/constants.go`). */
export const DC_REPLICATION_ANNOTATION = 'k8ssandra.io/dc-replication';
export const REBUILD_DC_ANNOTATION = 'k8ssandra.io/rebuild-dc';
/** Labels k8ssandra-operator puts on the CassandraDatacenters it creates. */
const CLUSTER_NAME_LABEL = 'k8ssandra.io/cluster-name';
const CLUSTER_NAMESPACE_LABEL = 'k8ssandra.io/cluster-namespace';

/**
 * One datacenter of a K8ssandraCluster (`spec.cassandra.datacenters[i]`), with the cluster it
 * runs on and its `CassandraDatacenter` read there.
 */
export interface K8ssandraDatacenter {
  /** `metadata.name`: the CassandraDatacenter's name, and the `{dc}` of Medusa and rebuild objects. */
  name: string;
  /** The Cassandra DC name used in keyspace replication: `datacenterName`, else `metadata.name`. */
  cassandraName: string;
  /** `metadata.namespace`, else the K8ssandraCluster's namespace. */
  namespace: string;
  /** `k8sContext` as written (`""` or absent: the control-plane cluster). */
  k8sContext?: string;
  /** `spec.cassandra.datacenters[i].stopped`. */
  stopped: boolean;
  /** The Backstage cluster it runs on, when `k8sContext` resolves to one in scope. */
  cluster?: string;
  /** Why it resolves to no cluster, when it does not. */
  unresolved?: string;
  /** Its `CassandraDatacenter` (`cassandra.datastax.com/v1beta1`) read on `cluster`, with a reader. */
  datacenter?: FieldReader;
}

/** A K8ssandraCluster of the service and its datacenters. */
export interface ServiceK8ssandraCluster {
  cluster: string;
  reader: FieldReader;
  /** The Cassandra cluster name: `spec.cassandra.clusterName`, else `metadata.name`. */
  cassandraClusterName: string;
  datacenters: K8ssandraDatacenter[];
}

/**
 * Where a datacenter runs. `k8sContext` names a `ClientConfig` context of the control plane
 * (`""` = the control-plane cluster itself, k8ssandra-operator `datacenters.go`); those context
 * names are not Backstage's cluster names, so a context resolves to the cluster in scope of the
 * same name, else to the one cluster in scope holding its CassandraDatacenter (same namespace
 * and name, labelled for this K8ssandraCluster when labelled at all).
 */
function resolveCluster(
  ctx: DrProviderContext,
  kcCluster: string,
  kc: KubeObject,
  dc: K8ssandraDatacenter,
): Pick<K8ssandraDatacenter, 'cluster' | 'unresolved'> {
  if (!dc.k8sContext) return { cluster: kcCluster };
  const scope = ctx.location.scope;
  if (scope.some(e => e.cluster === dc.k8sContext)) {
    return { cluster: dc.k8sContext };
  }
  const holders = scope.filter(e => {
    const found = objectByName(
      ctx.objectsOf(e, 'cassandraDatacenters'),
      dc.namespace,
      dc.name,
    );
    const labels = found?.metadata.labels ?? {};
    return (
      found !== undefined &&
      (labels[CLUSTER_NAME_LABEL] === undefined ||
        labels[CLUSTER_NAME_LABEL] === kc.metadata.name) &&
      (labels[CLUSTER_NAMESPACE_LABEL] === undefined ||
        labels[CLUSTER_NAMESPACE_LABEL] === kc.metadata.namespace)
    );
  });
  if (holders.length === 1) return { cluster: holders[0].cluster };
  return {
    unresolved:
      holders.length === 0
        ? `its k8sContext ${JSON.stringify(
            dc.k8sContext,
          )} is no cluster in scope and no cluster in scope holds CassandraDatacenter ${
            dc.namespace
          }/${dc.name}`
        : `its k8sContext ${JSON.stringify(
            dc.k8sContext,
          )} is no cluster in scope and CassandraDatacenter ${dc.namespace}/${
            dc.name
          } is on ${holders.map(h => h.cluster).join(' and ')}`,
  };
}

/**
 * Reads a K8ssandraCluster of the service: `spec.cassandra.clusterName`,
 * `spec.cassandra.datacenters[]{metadata.name, metadata.namespace, datacenterName, k8sContext,
 * stopped}`, and each datacenter's `CassandraDatacenter` in the cluster it resolves to.
 */
export function readK8ssandraCluster(
  ctx: DrProviderContext,
  kc: KubeObject,
  cluster: string,
  reasons: DrReason[],
): ServiceK8ssandraCluster {
  const reader = new FieldReader(
    'K8ssandraCluster',
    kc,
    cluster,
    reasons,
    'it is judged without that field',
  );
  const namespace = kc.metadata.namespace ?? '';
  const datacenters: K8ssandraDatacenter[] = [];
  const list = reader.array('spec.cassandra.datacenters') ?? [];
  list.forEach((item, i) => {
    const path = `spec.cassandra.datacenters[${i}]`;
    const name = reader.item<string>(path, item, 'metadata.name', 'string');
    if (!name) {
      reader.problem(`${path}.metadata.name`, 'is missing');
      return;
    }
    const dcNamespace =
      reader.item<string>(path, item, 'metadata.namespace', 'string') ||
      namespace;
    const datacenterName = reader.item<string>(
      path,
      item,
      'datacenterName',
      'string',
    );
    const dc: K8ssandraDatacenter = {
      name,
      cassandraName: datacenterName || name,
      namespace: dcNamespace,
      k8sContext: reader.item<string>(path, item, 'k8sContext', 'string'),
      stopped: reader.item<boolean>(path, item, 'stopped', 'boolean') === true,
    };
    Object.assign(dc, resolveCluster(ctx, cluster, kc, dc));
    const evidence = dc.cluster ? ctx.evidenceOf(dc.cluster) : undefined;
    const found = evidence
      ? objectByName(
          ctx.objectsOf(evidence, 'cassandraDatacenters'),
          dc.namespace,
          dc.name,
        )
      : undefined;
    if (found && dc.cluster) {
      dc.datacenter = new FieldReader(
        'CassandraDatacenter',
        found,
        dc.cluster,
        reasons,
        'it is judged without that field',
      );
    }
    datacenters.push(dc);
  });
  return {
    cluster,
    reader,
    cassandraClusterName:
      reader.string('spec.cassandra.clusterName') || kc.metadata.name,
    datacenters,
  };
}

/** A CassandraDatacenter's state as cass-operator reports it (`cassandradatacenter_types.go`). */
export interface DatacenterState {
  ready?: string;
  /** `Healthy`: QUORUM can be reached from all deployed nodes. */
  healthy?: string;
  /** `status.cassandraOperatorProgress`: `Updating` or `Ready`. */
  progress?: string;
  /** `spec.stopped`. */
  stopped: boolean;
  stoppedCondition?: string;
  decommission?: string;
  requiresUpdate?: string;
  /** Since when the datacenter is `Updating` (the `Updating` condition's transition), epoch ms. */
  updatingSince?: number;
}

export function datacenterState(dc: FieldReader): DatacenterState {
  const updating = dc.condition('Updating');
  const since =
    updating?.status === 'True' && updating.lastTransitionTime
      ? Date.parse(updating.lastTransitionTime)
      : undefined;
  return {
    ready: dc.condition('Ready')?.status,
    healthy: dc.condition('Healthy')?.status,
    progress: dc.string('status.cassandraOperatorProgress'),
    stopped: dc.boolean('spec.stopped') === true,
    stoppedCondition: dc.condition('Stopped')?.status,
    decommission: dc.condition('Decommission')?.status,
    requiresUpdate: dc.condition('RequiresUpdate')?.status,
    updatingSince:
      since !== undefined && !Number.isNaN(since) ? since : undefined,
  };
}

/** Whether a datacenter runs and takes writes: `Ready=True` and not stopped. */
export function datacenterRuns(dc: K8ssandraDatacenter): boolean {
  if (!dc.datacenter || dc.stopped) return false;
  const state = datacenterState(dc.datacenter);
  return state.ready === 'True' && !state.stopped;
}

/**
 * The replication factors the `k8ssandra.io/dc-replication` annotation gives a datacenter's user
 * keyspaces (`{"dc2": {"ks": 3}}`, `cassandra.ParseReplication`), by keyspace; `error` when the
 * annotation is absent, not that JSON, or does not list the datacenter. The operator looks the
 * datacenter up by its name (`schemas.go`, `replication.ReplicationFactor(dc.Name, ks)`); the
 * Cassandra DC name is tried first, then `metadata.name`.
 */
export function annotatedReplication(
  kc: FieldReader,
  dc: K8ssandraDatacenter,
): { factors: Record<string, unknown> } | { error: string } {
  const text = kc.annotation(DC_REPLICATION_ANNOTATION);
  if (text === undefined || text.trim() === '') {
    return { error: `it has no annotation ${DC_REPLICATION_ANNOTATION}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {
      error: `its annotation ${DC_REPLICATION_ANNOTATION} is not JSON ({"${dc.cassandraName}": {"<keyspace>": <RF>}})`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      error: `its annotation ${DC_REPLICATION_ANNOTATION} is not a map of datacenters`,
    };
  }
  const byDc = parsed as Record<string, unknown>;
  const entry = byDc[dc.cassandraName] ?? byDc[dc.name];
  if (entry === undefined) {
    return {
      error: `its annotation ${DC_REPLICATION_ANNOTATION} does not list ${dc.cassandraName}`,
    };
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return {
      error: `its annotation ${DC_REPLICATION_ANNOTATION} gives ${dc.cassandraName} no map of keyspaces`,
    };
  }
  return { factors: entry as Record<string, unknown> };
}
