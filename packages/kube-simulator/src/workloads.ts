import { Cluster, ObjectChange } from './cluster';
import type { Timers, WriteCounter } from './controllers';
import { getPath, isJsonObject, JsonObject, JsonValue } from './json';
import { ResourceType } from './resources';
import { formatTimestamp } from './timestamps';

/** The workload kinds whose status follows their replicas, by `<group>/<plural>`. */
const WORKLOADS = new Set(['apps/deployments', 'apps/statefulsets']);

/** `spec.replicas`, with the API's default of 1 when unset. */
function desiredReplicas(object: JsonObject | undefined): number | undefined {
  if (!object) {
    return undefined;
  }
  const replicas = getPath(object, ['spec', 'replicas']);
  return typeof replicas === 'number' ? replicas : 1;
}

/** Sets a count, or removes it when 0 (the field is `omitempty` in the Go types). */
function setCount(status: JsonObject, field: string, value: number): void {
  if (value === 0) {
    delete status[field];
  } else {
    status[field] = value;
  }
}

/** A Deployment's `Available` condition, as the deployment controller words it. */
function availableCondition(
  conditions: JsonValue | undefined,
  available: boolean,
  now: string,
): JsonValue[] {
  const list = Array.isArray(conditions) ? conditions : [];
  const earlier = list.find(
    condition => isJsonObject(condition) && condition.type === 'Available',
  ) as JsonObject | undefined;
  const status = available ? 'True' : 'False';
  const condition: JsonObject = {
    type: 'Available',
    status,
    lastUpdateTime: now,
    lastTransitionTime:
      earlier?.status === status &&
      typeof earlier.lastTransitionTime === 'string'
        ? earlier.lastTransitionTime
        : now,
    reason: available
      ? 'MinimumReplicasAvailable'
      : 'MinimumReplicasUnavailable',
    message: available
      ? 'Deployment has minimum availability.'
      : 'Deployment does not have minimum availability.',
  };
  return earlier
    ? list.map(item => (item === earlier ? condition : item))
    : [condition, ...list];
}

/**
 * The status a Deployment or StatefulSet reports once its pods settle: `desired` pods exist,
 * `ready` of them are ready. Zero counts are left out where the Go types omit them
 * (`readyReplicas`; every Deployment count), kept where they do not (a StatefulSet's
 * `replicas` and `availableReplicas`).
 */
export function settledStatus(
  kind: 'deployments' | 'statefulsets',
  object: JsonObject,
  desired: number,
  ready: number,
  now: string,
): JsonObject {
  const status: JsonObject = isJsonObject(object.status)
    ? { ...object.status }
    : {};
  const generation = getPath(object, ['metadata', 'generation']);
  if (typeof generation === 'number') {
    status.observedGeneration = generation;
  }
  if (kind === 'deployments') {
    setCount(status, 'replicas', desired);
    setCount(status, 'updatedReplicas', desired);
    setCount(status, 'readyReplicas', ready);
    setCount(status, 'availableReplicas', ready);
    setCount(status, 'unavailableReplicas', desired - ready);
    status.conditions = availableCondition(
      status.conditions,
      ready >= desired,
      now,
    );
  } else {
    status.replicas = desired;
    setCount(status, 'readyReplicas', ready);
    status.availableReplicas = ready;
    setCount(status, 'currentReplicas', desired);
    setCount(status, 'updatedReplicas', desired);
  }
  return status;
}

/**
 * The Deployment and StatefulSet controllers, reduced to what disaster recovery reads: when a
 * workload is created or its `spec.replicas` changes (a patch, a PUT or the `scale`
 * subresource), its status follows after `seconds`: `replicas`, `readyReplicas`,
 * `availableReplicas` (and the other counts) equal the desired replicas, 0 when scaled to 0.
 * Under the `workloadsNeverReady` fault the pods exist but never become ready (ready counts
 * stay 0) until the fault is cleared. No Pods are made.
 */
export class WorkloadController {
  /** Workloads left unready by the fault, by timer key, to settle once it is cleared. */
  private readonly unready = new Map<
    string,
    { type: ResourceType; namespace: string; name: string }
  >();

  constructor(
    private readonly cluster: Cluster,
    private readonly timers: Timers,
    private readonly seconds: number,
    private readonly counter: WriteCounter,
  ) {}

  changed(change: ObjectChange): void {
    const { type, namespace, name } = change;
    if (!WORKLOADS.has(`${type.group}/${type.plural}`)) {
      return;
    }
    const key = `workload ${type.plural} ${namespace}/${name}`;
    if (!change.after) {
      this.timers.cancel(key);
      this.unready.delete(key);
      return;
    }
    if (
      change.part !== 'main' ||
      (change.before &&
        desiredReplicas(change.before) === desiredReplicas(change.after))
    ) {
      return;
    }
    this.schedule(key, { type, namespace, name });
  }

  /** Settles the workloads the lifted `workloadsNeverReady` fault kept unready. */
  faultsChanged(): void {
    if (this.cluster.faults.workloadsNeverReady) {
      return;
    }
    for (const [key, target] of [...this.unready]) {
      this.schedule(key, target);
    }
  }

  private schedule(
    key: string,
    target: { type: ResourceType; namespace: string; name: string },
  ): void {
    this.unready.delete(key);
    this.timers.schedule(key, this.seconds, () => this.settle(key, target));
  }

  private settle(
    key: string,
    target: { type: ResourceType; namespace: string; name: string },
  ): void {
    const { type, namespace, name } = target;
    const kind = type.plural as 'deployments' | 'statefulsets';
    const object = this.cluster.store.get(
      `${type.group}/${type.plural}`,
      namespace,
      name,
    );
    if (!object) {
      return;
    }
    const desired = desiredReplicas(object)!;
    const ready = this.cluster.faults.workloadsNeverReady ? 0 : desired;
    if (ready < desired) {
      this.unready.set(key, target);
    }
    const now = formatTimestamp(this.cluster.now());
    this.cluster.write(type, namespace, name, 'status', current => ({
      ...current,
      status: settledStatus(kind, current, desired, ready, now),
    }));
    this.counter.writes += 1;
  }
}
