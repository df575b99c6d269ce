import { KubeObject } from '../../evaluation/kubernetes';
import { describeObject, objectRef } from '../../evaluation/objects';
import { DrReason } from '../../evaluation/types';

/*
 * The K8ssandra and Medusa objects are read by this provider only: the core's sanitizer has no
 * schema for them, so every field is read here through `FieldReader`, which returns a value only
 * when it has the type the CRD gives it and otherwise records a reason naming the object and the
 * field. A malformed object is a reason, never a crash.
 */

type FieldType = 'string' | 'number' | 'boolean' | 'array' | 'object';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return typeof value;
}

function expectedName(type: FieldType): string {
  if (type === 'array') return 'list';
  if (type === 'object') return 'map';
  return type;
}

function hasType(value: unknown, type: FieldType): boolean {
  if (type === 'array') return Array.isArray(value);
  if (type === 'object')
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (type === 'number')
    return typeof value === 'number' && Number.isFinite(value);
  return typeof value === type;
}

/** The value at a dotted path (`status.finishTime`) of a plain object; undefined when absent. */
export function valueAt(root: unknown, path: string): unknown {
  let cursor: unknown = root;
  for (const key of path.split('.')) {
    if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor))
      return undefined;
    cursor = (cursor as Record<string, unknown>)[key];
  }
  return cursor;
}

/**
 * Reads the fields of one object, typed as its CRD has them. A field of another type is treated
 * as absent and recorded once as a `malformed-object` reason (severity `risk`) naming the object
 * and the field; `null` counts as absent, as the API server writes omitted fields.
 */
export class FieldReader {
  private readonly seen = new Set<string>();

  constructor(
    readonly kind: string,
    readonly obj: KubeObject,
    readonly cluster: string,
    private readonly reasons: DrReason[],
    private readonly consequence: string,
  ) {}

  /** `MedusaBackup data/orders-cassandra-1 on prod-eu`. */
  get label(): string {
    return describeObject(this.kind, this.obj, this.cluster);
  }

  get ref(): DrReason['object'] {
    return objectRef(this.kind, this.obj, this.cluster);
  }

  private read<T>(
    path: string,
    type: FieldType,
    base: unknown = this.obj,
    prefix = '',
  ): T | undefined {
    const value = valueAt(base, path);
    if (value === undefined || value === null) return undefined;
    if (hasType(value, type)) return value as T;
    this.problem(
      `${prefix}${path}`,
      `expected ${expectedName(type)}, got ${typeName(value)}`,
    );
    return undefined;
  }

  /** Records a malformed field of the object (once per field). */
  problem(field: string, problem: string): void {
    if (this.seen.has(field)) return;
    this.seen.add(field);
    this.reasons.push({
      severity: 'risk',
      code: 'malformed-object',
      message: `${this.label}: ${field} ${problem}; ${this.consequence}.`,
      nextStep: `Fix ${field} of ${this.kind} ${this.obj.metadata.name} (see its CRD).`,
      object: { ...this.ref!, field },
    });
  }

  string(path: string): string | undefined {
    return this.read<string>(path, 'string');
  }

  number(path: string): number | undefined {
    return this.read<number>(path, 'number');
  }

  boolean(path: string): boolean | undefined {
    return this.read<boolean>(path, 'boolean');
  }

  object(path: string): Record<string, unknown> | undefined {
    return this.read<Record<string, unknown>>(path, 'object');
  }

  /** A list field; its items are read with {@link FieldReader.item}. */
  array(path: string): unknown[] | undefined {
    return this.read<unknown[]>(path, 'array');
  }

  /** A field of an item of a list (`spec.cassandra.datacenters[1]`), named with the item's path. */
  item<T>(
    itemPath: string,
    item: unknown,
    path: string,
    type: FieldType,
  ): T | undefined {
    return this.read<T>(path, type, item, `${itemPath}.`);
  }

  /** An annotation of the object. */
  annotation(key: string): string | undefined {
    const value = this.obj.metadata.annotations?.[key];
    return typeof value === 'string' ? value : undefined;
  }

  /**
   * A condition of `status.conditions` by type, its `status` (`True`, `False`, `Unknown`) and
   * `lastTransitionTime`; malformed items are recorded and skipped.
   */
  condition(
    type: string,
  ):
    | { status: string; lastTransitionTime?: string; message?: string }
    | undefined {
    const list = this.array('status.conditions') ?? [];
    for (let i = 0; i < list.length; i++) {
      const path = `status.conditions[${i}]`;
      const c = list[i];
      const t = this.item<string>(path, c, 'type', 'string');
      if (t !== type) continue;
      const status = this.item<string>(path, c, 'status', 'string');
      if (status === undefined) continue;
      return {
        status,
        lastTransitionTime: this.item<string>(
          path,
          c,
          'lastTransitionTime',
          'string',
        ),
        message: this.item<string>(path, c, 'message', 'string'),
      };
    }
    return undefined;
  }

  /**
   * A `metav1.Time` field in epoch milliseconds; undefined when absent or zero: Go's zero time
   * is written out as `0001-01-01T00:00:00Z` or `1970-01-01T00:00:00Z` (k8ssandra-operator#1301),
   * so both count as absent. A string that is not a time is recorded.
   */
  time(path: string): number | undefined {
    const text = this.string(path);
    if (text === undefined || text === '') return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) {
      this.problem(path, `${JSON.stringify(text)} is not a time`);
      return undefined;
    }
    return ms <= 0 ? undefined : ms;
  }
}
