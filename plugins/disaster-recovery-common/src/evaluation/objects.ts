import { KubeObject } from './kubernetes';
import { DrObjectRef } from './types';

/**
 * Helpers for status providers: time and object naming as the evaluation writes them.
 */

/**
 * An RFC 3339 time in whole seconds (`2026-11-30T09:15:00Z`) from epoch milliseconds.
 *
 * @public
 */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Epoch milliseconds of an RFC 3339 time (a Kubernetes `metav1.Time`); undefined when the value
 * is absent, not a string or not a time.
 *
 * @public
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * `1 run`, `3 runs`.
 *
 * @public
 */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * A condition of an object's `status.conditions` by type (`Ready`, `Synchronizing`), if any.
 *
 * @public
 */
export function conditionOf(
  obj: {
    status?: {
      conditions?: Array<{
        type: string;
        status: string;
        reason?: string;
        message?: string;
      }> | null;
    } | null;
  },
  type: string,
) {
  return obj.status?.conditions?.find(c => c.type === type);
}

/**
 * An object named for people: `Schedule velero/orders-db-hourly on prod-eu`.
 *
 * @public
 */
export function describeObject(
  kind: string,
  obj: KubeObject,
  cluster: string,
): string {
  return `${kind} ${
    obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''
  }${obj.metadata.name} on ${cluster}`;
}

/**
 * An object as a reason's `object`.
 *
 * @public
 */
export function objectRef(
  kind: string,
  obj: KubeObject,
  cluster: string,
): DrObjectRef {
  return {
    cluster,
    kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
  };
}
