import { KubeObject } from '@backstage-dr/plugin-disaster-recovery-common';
import { KubeWriter } from './types';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch, applied to a copy. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target)
    ? structuredClone(target)
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

/**
 * The KubeWriter of a dry run: reads go to the clusters, writes go nowhere. `create` answers the
 * object it was given, `patch` the object as it would be after the patch, `delete` nothing.
 */
export class DryRunKubeWriter implements KubeWriter {
  /** The writes refused, for tests and logs: a dry run makes none. */
  readonly writes: Array<{ method: string; cluster: string; path: string }> =
    [];

  constructor(private readonly inner: KubeWriter) {}

  get(cluster: string, path: string): Promise<KubeObject | undefined> {
    return this.inner.get(cluster, path);
  }

  list(
    cluster: string,
    collectionPath: string,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    return this.inner.list(cluster, collectionPath, labelSelector);
  }

  async create(
    cluster: string,
    collectionPath: string,
    body: KubeObject,
  ): Promise<KubeObject> {
    this.writes.push({ method: 'POST', cluster, path: collectionPath });
    return structuredClone(body);
  }

  async patch(
    cluster: string,
    path: string,
    mergePatch: unknown,
  ): Promise<KubeObject> {
    this.writes.push({ method: 'PATCH', cluster, path });
    const current = await this.inner.get(cluster, path);
    return applyMergePatch(current ?? {}, mergePatch) as KubeObject;
  }

  async delete(cluster: string, path: string): Promise<void> {
    this.writes.push({ method: 'DELETE', cluster, path });
  }
}
