import {
  DrDeclaration,
  DrRun,
  DrRunLogLine,
  DrRunObjectChange,
  DrRunStepName,
  DrServiceTarget,
  DrStrategy,
  KubeObject,
  Workload,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { ClusterReadError } from '../../kubernetes/KubernetesProxyClient';
import { RunStepContext, StepOutcome } from '../types';

/** On a workload or CloudNativePG Cluster: the id of the run that fenced it. */
export const FENCED_BY_ANNOTATION = 'disaster-recovery/fenced-by';
/** On a fenced workload: its `spec.replicas` before the fence scaled it to 0. */
export const REPLICAS_BEFORE_FENCE_ANNOTATION =
  'disaster-recovery/replicas-before-fence';
/** On a demoted CloudNativePG Cluster: its `spec.replica.primary` before the fence (unset: empty). */
export const PRIMARY_BEFORE_FENCE_ANNOTATION =
  'disaster-recovery/primary-before-fence';
/**
 * On a demoted CloudNativePG Cluster: the `status.demotionToken` it showed before the fence (from
 * an earlier demotion), which is not the token of this one.
 */
export const DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION =
  'disaster-recovery/demotion-token-before-fence';
/** On the entity: a URL that must answer 2xx once the service is up on the target cluster. */
export const HEALTH_URL_ANNOTATION = 'disaster-recovery/health-url';
/** On the objects a run creates (Velero Restore, drill namespace): the run's id. */
export const RUN_ID_LABEL = 'disaster-recovery/run-id';
/** CloudNativePG's own fencing annotation: the instances to fence (`["*"]`: all). */
export const CNPG_FENCED_INSTANCES_ANNOTATION = 'cnpg.io/fencedInstances';
/** The namespace Velero's objects live in. */
export const VELERO_NAMESPACE = 'velero';

const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/** A Kubernetes resource type the steps read or write. */
export interface ResourceKind {
  apiVersion: string;
  kind: string;
  plural: string;
  /** Cluster-scoped resources (Namespace) have no namespace in their paths. */
  clusterScoped?: boolean;
}

export const STATEFULSET: ResourceKind = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  plural: 'statefulsets',
};
export const DEPLOYMENT: ResourceKind = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  plural: 'deployments',
};
export const WORKLOAD_KINDS = [STATEFULSET, DEPLOYMENT];
export const CNPG_CLUSTER: ResourceKind = {
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Cluster',
  plural: 'clusters',
};
export const VELERO_RESTORE: ResourceKind = {
  apiVersion: 'velero.io/v1',
  kind: 'Restore',
  plural: 'restores',
};
export const VELERO_BACKUP: ResourceKind = {
  apiVersion: 'velero.io/v1',
  kind: 'Backup',
  plural: 'backups',
};
export const REPLICATION_DESTINATION: ResourceKind = {
  apiVersion: 'volsync.backube/v1alpha1',
  kind: 'ReplicationDestination',
  plural: 'replicationdestinations',
};
export const PVC: ResourceKind = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
};
export const NAMESPACE: ResourceKind = {
  apiVersion: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  clusterScoped: true,
};

function apiPrefix(kind: ResourceKind): string {
  return kind.apiVersion.includes('/')
    ? `/apis/${kind.apiVersion}`
    : `/api/${kind.apiVersion}`;
}

/** The REST path of a collection, in one namespace or (without one) in all. */
export function collectionPath(kind: ResourceKind, namespace?: string): string {
  if (kind.clusterScoped || !namespace) {
    return `${apiPrefix(kind)}/${kind.plural}`;
  }
  return `${apiPrefix(kind)}/namespaces/${encodeURIComponent(namespace)}/${
    kind.plural
  }`;
}

/** The REST path of one object. */
export function objectPath(
  kind: ResourceKind,
  namespace: string | undefined,
  name: string,
): string {
  return `${collectionPath(kind, namespace)}/${encodeURIComponent(name)}`;
}

/**
 * The label selector (as the API server takes it in `?labelSelector=`) that finds the service's
 * objects: `backstage.io/kubernetes-label-selector` when given, else
 * `backstage.io/kubernetes-id=<id>`.
 */
export function serviceSelector(target: DrServiceTarget): string {
  const selector = target.labelSelector;
  if (selector) {
    const parts = Object.entries(selector.matchLabels ?? {}).map(
      ([key, value]) => `${key}=${value}`,
    );
    for (const e of selector.matchExpressions ?? []) {
      const values = (e.values ?? []).join(',');
      if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
      else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
      else if (e.operator === 'Exists') parts.push(e.key);
      else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    }
    if (parts.length > 0) return parts.join(',');
  }
  if (target.id) return `${KUBERNETES_ID_LABEL}=${target.id}`;
  throw new Error(
    'The entity names none of its Kubernetes objects: add the backstage.io/kubernetes-id (or backstage.io/kubernetes-label-selector) annotation',
  );
}

/** The run's strategy: fixed when the run was created, else the declaration's. */
export function strategyOf(run: DrRun, declaration: DrDeclaration): DrStrategy {
  return run.strategy ?? declaration.strategy;
}

/** Whether the run moves the service between clusters (failover, failback) rather than drilling. */
export function movesService(run: DrRun): boolean {
  return run.type === 'failover' || run.type === 'failback';
}

/** Seconds since the step first started (across restarts). */
export function elapsedSeconds(ctx: RunStepContext): number {
  const started = Date.parse(ctx.stepStartedAt);
  if (Number.isNaN(started)) return 0;
  return Math.max(0, (ctx.now().getTime() - started) / 1000);
}

/** Wait and be called again. */
export function retry(ctx: RunStepContext): StepOutcome {
  return { retryAfterMs: ctx.limits.pollIntervalMs };
}

/**
 * Fails the step with `message`. In a dry run nothing fails: the finding is logged as a warning
 * (it becomes part of the plan) and the step counts as planned.
 */
export function refuse(ctx: RunStepContext, message: string): StepOutcome {
  if (ctx.dryRun) {
    ctx.log('warn', `The run would stop here: ${message}`);
    return { done: true };
  }
  throw new Error(message);
}

function recordedObjects(
  ctx: RunStepContext,
  step: DrRunStepName,
): DrRunObjectChange[] {
  return ctx.run.steps?.find(s => s.name === step)?.objects ?? [];
}

function sameObject(a: DrRunObjectChange, b: DrRunObjectChange): boolean {
  return (
    a.cluster === b.cluster &&
    a.kind === b.kind &&
    (a.namespace ?? '') === (b.namespace ?? '') &&
    a.name === b.name &&
    a.action === b.action &&
    JSON.stringify(a.body) === JSON.stringify(b.body)
  );
}

/**
 * A step's writes, each recorded before it is made (a write that then fails leaves its intent in
 * the record, and the step's error says why) and recorded once (the same change of the same object, with the same body,
 * is not recorded twice). A step called again (after `retryAfterMs` or a backend restart) finds
 * the objects it already put in their state and writes nothing; where such an object is not in
 * the step's record yet (the backend stopped between the write and the record), the step records
 * it then with {@link StepWriter.recordIfMissing}, so nothing is changed without a record of it.
 */
export class StepWriter {
  private readonly recordedNow: DrRunObjectChange[] = [];

  constructor(
    private readonly ctx: RunStepContext,
    private readonly step: DrRunStepName,
  ) {}

  /** Records a change unless this step already recorded the same change of the same object. */
  record(entry: DrRunObjectChange): void {
    const seen = [...recordedObjects(this.ctx, this.step), ...this.recordedNow];
    if (!this.ctx.dryRun && seen.some(c => sameObject(c, entry))) return;
    this.recordedNow.push(entry);
    this.ctx.record(entry);
  }

  /**
   * Records an object the step finds already in the state it puts it in, unless the step already
   * recorded a change of the same kind to it (with any body): for objects written before a
   * restart whose record may have been lost.
   */
  recordIfMissing(entry: DrRunObjectChange): void {
    const seen = [...recordedObjects(this.ctx, this.step), ...this.recordedNow];
    if (seen.some(c => sameObject(c, { ...entry, body: c.body }))) return;
    this.recordedNow.push(entry);
    this.ctx.record(entry);
  }

  /** Merge-patches an object (in a dry run: records the patch only). */
  async patch(
    cluster: string,
    kind: ResourceKind,
    namespace: string | undefined,
    name: string,
    body: unknown,
  ): Promise<void> {
    this.record(change(cluster, kind, namespace, name, 'patch', body));
    if (!this.ctx.dryRun) {
      await this.ctx.kube.patch(
        cluster,
        objectPath(kind, namespace, name),
        body,
      );
    }
  }

  /** Creates an object (idempotent by name; in a dry run: records the body only). */
  async create(
    cluster: string,
    kind: ResourceKind,
    body: KubeObject,
  ): Promise<KubeObject> {
    const namespace = body.metadata.namespace;
    this.record(
      change(cluster, kind, namespace, body.metadata.name, 'create', body),
    );
    if (this.ctx.dryRun) return body;
    return await this.ctx.kube.create(
      cluster,
      collectionPath(kind, namespace),
      body,
    );
  }

  /** Deletes an object (a missing one is fine; in a dry run: records only). */
  async delete(
    cluster: string,
    kind: ResourceKind,
    namespace: string | undefined,
    name: string,
  ): Promise<void> {
    this.record(change(cluster, kind, namespace, name, 'delete'));
    if (!this.ctx.dryRun) {
      await this.ctx.kube.delete(cluster, objectPath(kind, namespace, name));
    }
  }

  /**
   * Logs a line unless the step has logged it before, anywhere in its log: for a note that holds
   * for the whole step (a step that is called again while it waits would repeat it otherwise).
   */
  logOnceInStep(level: DrRunLogLine['level'], message: string): void {
    const log = this.ctx.run.steps?.find(s => s.name === this.step)?.log;
    if (log?.some(line => line.message === message)) {
      return;
    }
    this.ctx.log(level, message);
  }

  /** Logs a line unless it repeats the step's last line (a step that waits logs each change once). */
  logOnce(level: DrRunLogLine['level'], message: string): void {
    const log = this.ctx.run.steps?.find(s => s.name === this.step)?.log;
    if (log && log.length > 0 && log[log.length - 1].message === message) {
      return;
    }
    this.ctx.log(level, message);
  }
}

/** The record of a change to an object. */
export function change(
  cluster: string,
  kind: ResourceKind,
  namespace: string | undefined,
  name: string,
  action: DrRunObjectChange['action'],
  body?: unknown,
): DrRunObjectChange {
  return {
    cluster,
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    ...(namespace && !kind.clusterScoped ? { namespace } : {}),
    name,
    action,
    ...(body === undefined ? {} : { body }),
  };
}

/** `namespace/name`, or the name of a cluster-scoped object. */
export function nameOf(object: KubeObject): string {
  return object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name}`
    : object.metadata.name;
}

/** Why an error happened, for a message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether the error says that the cluster does not answer (no answer, a timeout, the API server
 * failing with 5xx), as opposed to answering "no" (401, 403, 404, 422...).
 */
export function isUnreachable(error: unknown): error is ClusterReadError {
  if (!(error instanceof ClusterReadError)) return false;
  if (error.kind === 'unreachable' || error.kind === 'timeout') return true;
  const status = (error as { status?: number }).status;
  return (
    error.kind === 'server-error' && (status === undefined || status >= 500)
  );
}

/**
 * Lists objects of a kind that may not be installed on the cluster (a CRD): an answer that the
 * resource is not served is an empty list.
 */
export async function listOptional(
  ctx: RunStepContext,
  cluster: string,
  kind: ResourceKind,
  namespace: string | undefined,
  selector?: string,
): Promise<KubeObject[]> {
  try {
    return await ctx.kube.list(
      cluster,
      collectionPath(kind, namespace),
      selector,
    );
  } catch (error) {
    if (error instanceof ClusterReadError && error.kind === 'not-installed') {
      return [];
    }
    throw error;
  }
}

/** A StatefulSet or Deployment of the service, with its kind. */
export interface ServiceWorkload {
  kind: ResourceKind;
  object: Workload;
}

/** `StatefulSet shop/orders-db`. */
export function describeWorkload(w: ServiceWorkload): string {
  return `${w.kind.kind} ${nameOf(w.object)}`;
}

/** The service's StatefulSets and Deployments on a cluster (in `namespace`, else in all). */
export async function listWorkloads(
  ctx: RunStepContext,
  cluster: string,
  namespace: string | undefined,
  selector: string,
): Promise<ServiceWorkload[]> {
  const found: ServiceWorkload[] = [];
  for (const kind of WORKLOAD_KINDS) {
    const items = await ctx.kube.list(
      cluster,
      collectionPath(kind, namespace),
      selector,
    );
    for (const object of items)
      found.push({ kind, object: object as Workload });
  }
  return found;
}

/** `spec.replicas`, which Kubernetes defaults to 1. */
export function specReplicas(w: Workload): number {
  return typeof w.spec?.replicas === 'number' ? w.spec.replicas : 1;
}

/** The replicas a fenced workload had, from its annotation; undefined when not fenced. */
export function replicasBeforeFence(object: KubeObject): number | undefined {
  const value = object.metadata.annotations?.[REPLICAS_BEFORE_FENCE_ANNOTATION];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The replicas each workload had before this run's fence, from the fence step's record
 * (`kind/namespace/name` → replicas).
 */
export function fencedReplicasOfRun(run: DrRun): Map<string, number> {
  const replicas = new Map<string, number>();
  const fence = run.steps?.find(s => s.name === 'fence');
  for (const object of fence?.objects ?? []) {
    const body = object.body as
      | { metadata?: { annotations?: Record<string, string | null> } }
      | undefined;
    const value =
      body?.metadata?.annotations?.[REPLICAS_BEFORE_FENCE_ANNOTATION];
    if (typeof value === 'string' && /^\d+$/.test(value)) {
      replicas.set(
        `${object.kind}/${object.namespace ?? ''}/${object.name}`,
        Number(value),
      );
    }
  }
  return replicas;
}

/** The key of {@link fencedReplicasOfRun} for a workload. */
export function workloadKey(w: ServiceWorkload): string {
  return `${w.kind.kind}/${w.object.metadata.namespace ?? ''}/${
    w.object.metadata.name
  }`;
}

/**
 * The merge patch that scales a workload to `replicas` and removes the fence annotations (a
 * workload fenced by an earlier run comes back up un-fenced); undefined when it is already so.
 */
export function scalePatch(
  w: Workload,
  replicas: number,
): Record<string, unknown> | undefined {
  const annotations = w.metadata.annotations ?? {};
  const fenced =
    FENCED_BY_ANNOTATION in annotations ||
    REPLICAS_BEFORE_FENCE_ANNOTATION in annotations;
  if (specReplicas(w) === replicas && !fenced) return undefined;
  return {
    ...(fenced
      ? {
          metadata: {
            annotations: {
              [FENCED_BY_ANNOTATION]: null,
              [REPLICAS_BEFORE_FENCE_ANNOTATION]: null,
            },
          },
        }
      : {}),
    spec: { replicas },
  };
}

/**
 * The namespaces the service lives in: `backstage.io/kubernetes-namespace`, else the namespaces of
 * its PVCs in the last DR status; undefined when neither tells.
 */
export function serviceNamespaces(ctx: RunStepContext): string[] | undefined {
  if (ctx.target.namespace) return [ctx.target.namespace];
  const fromCoverage = [
    ...new Set((ctx.status?.coverage ?? []).map(c => c.namespace)),
  ].sort();
  return fromCoverage.length > 0 ? fromCoverage : undefined;
}

const DNS_LABEL_MAX = 63;

/**
 * The drill's namespace: `dr-drill-<entity name>-<run id>`, lower-cased, characters other than
 * `a-z0-9-` replaced with `-`, the entity name shortened so that the whole stays a DNS label
 * (at most 63 characters). The run's `drillNamespace`, when the engine set it, wins.
 */
export function drillNamespaceName(entityName: string, runId: string): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '');
  const id = clean(runId);
  const room = DNS_LABEL_MAX - 'dr-drill-'.length - id.length - 1;
  const entity = clean(clean(entityName).slice(0, Math.max(0, room)));
  const name = entity ? `dr-drill-${entity}-${id}` : `dr-drill-${id}`;
  return name.slice(0, DNS_LABEL_MAX).replace(/-+$/, '');
}

/** The namespace a drill restores into (see {@link drillNamespaceName}). */
export function drillNamespaceOf(ctx: RunStepContext): string {
  return (
    ctx.run.drillNamespace ??
    drillNamespaceName(ctx.entity.metadata.name, ctx.run.id)
  );
}

/** The Velero Restore a run creates: `dr-<run id>` (lower-cased, at most 63 characters). */
export function restoreNameOf(runId: string): string {
  return `dr-${runId}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .slice(0, DNS_LABEL_MAX)
    .replace(/[-.]+$/, '');
}

/** A label value for the run's id, when it is a valid label value. */
export function runIdLabels(runId: string): Record<string, string> {
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(runId)
    ? { [RUN_ID_LABEL]: runId }
    : {};
}
