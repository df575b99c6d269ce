import { KubeObject } from '../../evaluation/kubernetes';
import { locationInsideCluster } from '../../evaluation/velero';
import { DrProviderContext } from '../../evaluation/provider';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import { DrReason } from '../../evaluation/types';

/*
 * Defensive reading of objects that the core's sanitizer has no schema for (KubeStash, Stash and
 * Kasten K10 objects): every field is read with its expected type; a field of another type is
 * treated as absent and reported once, naming the object and the field. A malformed object is a
 * reason, never a crash. Shared by the kubestash and kasten providers.
 */

/** A JSON object as the API server sends it. */
export type Json = Record<string, unknown>;

/** Whether a value is a JSON object (not null, not a list). */
export function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return typeof value;
}

/** The value at a dotted path of a JSON object (`status.snapshotTime`); undefined when absent. */
export function valueAt(root: unknown, path: string): unknown {
  let cursor: unknown = root;
  for (const key of path.split('.')) {
    if (!isJson(cursor)) return undefined;
    cursor = cursor[key];
  }
  return cursor;
}

/**
 * Reads one object's fields as its CRD types them. `str`, `bool`, `num`, `list` and `map` return
 * the value only when it has that type; `null` is absent (the API server's omitted field); any
 * other type is absent and becomes one `malformed-object` reason naming the object and the field.
 */
export class Fields {
  private readonly seen = new Set<string>();

  constructor(
    readonly kind: string,
    readonly obj: KubeObject,
    readonly cluster: string,
    private readonly reasons: DrReason[],
    private readonly consequence: string,
  ) {}

  private read<T>(
    root: unknown,
    path: string,
    field: string,
    ok: (v: unknown) => boolean,
    expected: string,
  ): T | undefined {
    const value = valueAt(root, path);
    if (value === undefined || value === null) return undefined;
    if (ok(value)) return value as T;
    this.problem(field, `expected ${expected}, got ${typeName(value)}`);
    return undefined;
  }

  /** Records a malformed field (once per field). */
  problem(field: string, problem: string): void {
    if (this.seen.has(field)) return;
    this.seen.add(field);
    const { obj, kind, cluster } = this;
    this.reasons.push({
      severity: 'risk',
      code: 'malformed-object',
      message: `${kind} ${
        obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''
      }${obj.metadata.name} on ${cluster}: ${field} ${problem}; ${
        this.consequence
      }.`,
      nextStep: `Fix ${field} of ${kind} ${obj.metadata.name} (see its CRD or the operator's documentation).`,
      object: {
        cluster,
        kind,
        namespace: obj.metadata.namespace,
        name: obj.metadata.name,
        field,
      },
    });
  }

  /** A string field of the object (or of `root`, a part of it whose path is `prefix`). */
  str(path: string, root: unknown = this.obj, prefix = ''): string | undefined {
    return this.read(
      root,
      path,
      prefix + path,
      v => typeof v === 'string',
      'string',
    );
  }

  bool(
    path: string,
    root: unknown = this.obj,
    prefix = '',
  ): boolean | undefined {
    return this.read(
      root,
      path,
      prefix + path,
      v => typeof v === 'boolean',
      'boolean',
    );
  }

  num(path: string, root: unknown = this.obj, prefix = ''): number | undefined {
    return this.read(
      root,
      path,
      prefix + path,
      v => typeof v === 'number' && Number.isFinite(v),
      'number',
    );
  }

  /** A list field; its items as they are (read each with `root`). */
  list(path: string, root: unknown = this.obj, prefix = ''): unknown[] {
    return (
      this.read<unknown[]>(root, path, prefix + path, Array.isArray, 'list') ??
      []
    );
  }

  map(path: string, root: unknown = this.obj, prefix = ''): Json | undefined {
    return this.read(root, path, prefix + path, isJson, 'map');
  }

  /**
   * A time field (RFC 3339) in epoch milliseconds. Go's zero times (`0001-01-01T00:00:00Z`,
   * `1970-01-01T00:00:00Z`) count as absent (PROVIDERS.md "Zero times"); a string that is not a
   * time is reported.
   */
  time(
    path: string,
    root: unknown = this.obj,
    prefix = '',
  ): number | undefined {
    const text = this.str(path, root, prefix);
    if (text === undefined || text === '') return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) {
      this.problem(prefix + path, `${JSON.stringify(text)} is not a time`);
      return undefined;
    }
    return ms <= 0 ? undefined : ms;
  }
}

/**
 * The objects of a provider's resource on a cluster. The core hands providers their objects
 * through `objectsOf`; where its sanitized evidence does not carry a provider's own resource,
 * the cluster's evidence as read (`drillClusters`) is used instead. Items without a readable
 * `metadata.name` are left out and reported (`unknown`: they may be the service's).
 */
export function providerObjects(
  ctx: DrProviderContext,
  evidence: SanitizedEvidence,
  resource: string,
  reasons: DrReason[],
): KubeObject[] {
  let list: unknown = ctx.objectsOf(evidence, resource);
  if (!Array.isArray(list) || list.length === 0) {
    list =
      ctx.drillClusters.find(c => c.cluster === evidence.cluster)?.objects?.[
        resource
      ] ?? [];
  }
  if (!Array.isArray(list)) return [];
  const items: KubeObject[] = [];
  for (const item of list) {
    const name = valueAt(item, 'metadata.name');
    if (typeof name === 'string' && name !== '') {
      items.push(item as KubeObject);
    } else {
      reasons.push({
        severity: 'unknown',
        code: 'malformed-object',
        message: `On ${evidence.cluster}, an item of ${resource} has no metadata.name; it may be one of the service’s and was left out.`,
        nextStep: `Fix or delete the malformed object on ${evidence.cluster}.`,
      });
    }
  }
  return items;
}

/**
 * Why an object-store endpoint would die with its cluster (a `.svc` / `.cluster.local` host, a
 * bare service name, a loopback address), or undefined: DOMAIN's "where the location lives".
 */
export function endpointInsideCluster(
  endpoint: string | undefined,
): string | undefined {
  if (!endpoint) return undefined;
  const inside = locationInsideCluster({
    metadata: { name: 'endpoint' },
    spec: { config: { s3Url: endpoint } },
  });
  return inside ? `its endpoint ${endpoint} is inside the cluster` : undefined;
}

/** `namespace/name`, or `name` without a namespace. */
export function keyOf(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
