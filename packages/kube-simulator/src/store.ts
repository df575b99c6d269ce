import { JsonObject } from './json';

/** Where a list page ends: the last object returned. Lists resume strictly after it. */
export interface ListPosition {
  /** `''` for cluster-scoped resources. */
  namespace: string;
  name: string;
}

/** What to list from one resource. */
export interface ListQuery {
  /** Only this namespace (`''` for cluster-scoped resources); all namespaces when absent. */
  namespace?: string;
  /** Resume after this position (from a continue token). */
  after?: ListPosition;
  /** At most this many objects; no limit when absent or 0. */
  limit?: number;
  /** Keep only the objects this returns true for (label and field selectors). */
  filter?: (object: JsonObject) => boolean;
}

/** One page of a list. */
export interface ListPage {
  items: JsonObject[];
  /** Set when the page is full and objects follow it: where the next page starts. */
  next?: ListPosition;
  /** How many objects (before filtering) follow the page. */
  remaining: number;
}

function lowerBound(sorted: string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < key) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

function upperBound(sorted: string[], key: string): number {
  const index = lowerBound(sorted, key);
  return sorted[index] === key ? index + 1 : index;
}

/**
 * A sorted set of keys kept lazily: appends in order keep it sorted, any other insert drops the
 * order and the next read sorts once. So a bulk load costs O(n log n) once, and a page read
 * costs O(log n + page size).
 */
class SortedKeys {
  private sorted: string[] | undefined = [];

  constructor(private readonly source: () => Iterable<string>) {}

  added(key: string): void {
    const sorted = this.sorted;
    if (sorted && (sorted.length === 0 || sorted[sorted.length - 1] < key)) {
      sorted.push(key);
    } else {
      this.sorted = undefined;
    }
  }

  removed(key: string): void {
    const sorted = this.sorted;
    if (sorted) {
      const index = lowerBound(sorted, key);
      if (sorted[index] === key) {
        sorted.splice(index, 1);
      }
    }
  }

  get keys(): string[] {
    this.sorted ??= [...this.source()].sort();
    return this.sorted;
  }
}

/** The objects of one resource in one namespace, by name. */
class Bucket {
  readonly objects = new Map<string, JsonObject>();
  readonly names = new SortedKeys(() => this.objects.keys());
}

/** The objects of one resource, by namespace. */
class Table {
  readonly buckets = new Map<string, Bucket>();
  readonly namespaces = new SortedKeys(() => this.buckets.keys());

  bucket(namespace: string): Bucket {
    let bucket = this.buckets.get(namespace);
    if (!bucket) {
      bucket = new Bucket();
      this.buckets.set(namespace, bucket);
      this.namespaces.added(namespace);
    }
    return bucket;
  }

  drop(namespace: string): void {
    if (this.buckets.delete(namespace)) {
      this.namespaces.removed(namespace);
    }
  }
}

/**
 * One cluster's objects, indexed by resource, then namespace, then name, in the order the real
 * API lists them (namespace, then name). Stored objects are never changed in place: writes
 * replace them, so a read can hand them out without copying.
 */
export class ObjectStore {
  private revision = 0;
  private readonly tables = new Map<string, Table>();

  /** The cluster's current resourceVersion (a counter bumped by every write). */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Bumps the counter and returns the new resourceVersion, as a string like the real API. */
  nextResourceVersion(): string {
    this.revision += 1;
    return String(this.revision);
  }

  /** @param resource - the storage key of a resource, `<group>/<plural>`. */
  get(
    resource: string,
    namespace: string,
    name: string,
  ): JsonObject | undefined {
    return this.tables.get(resource)?.buckets.get(namespace)?.objects.get(name);
  }

  /** Adds or replaces an object. */
  put(
    resource: string,
    namespace: string,
    name: string,
    object: JsonObject,
  ): void {
    let table = this.tables.get(resource);
    if (!table) {
      table = new Table();
      this.tables.set(resource, table);
    }
    const bucket = table.bucket(namespace);
    const isNew = !bucket.objects.has(name);
    bucket.objects.set(name, object);
    if (isNew) {
      bucket.names.added(name);
    }
  }

  /** Removes an object; returns it, or undefined when there was none. */
  remove(
    resource: string,
    namespace: string,
    name: string,
  ): JsonObject | undefined {
    const table = this.tables.get(resource);
    const bucket = table?.buckets.get(namespace);
    const object = bucket?.objects.get(name);
    if (table && bucket && object) {
      bucket.objects.delete(name);
      bucket.names.removed(name);
      if (bucket.objects.size === 0) {
        table.drop(namespace);
      }
    }
    return object;
  }

  /**
   * Removes every namespaced object in a namespace (what deleting a namespace ends in); returns
   * them with their resource's storage key.
   */
  removeNamespace(
    namespace: string,
  ): Array<{ resource: string; object: JsonObject }> {
    const removed: Array<{ resource: string; object: JsonObject }> = [];
    for (const [resource, table] of this.tables) {
      const bucket = table.buckets.get(namespace);
      if (bucket) {
        for (const object of bucket.objects.values()) {
          removed.push({ resource, object });
        }
        table.drop(namespace);
      }
    }
    return removed;
  }

  /** One page of a resource's objects in list order. */
  list(resource: string, query: ListQuery): ListPage {
    const table = this.tables.get(resource);
    if (!table) {
      return { items: [], remaining: 0 };
    }
    let namespaces = table.namespaces.keys;
    if (query.namespace !== undefined) {
      namespaces = table.buckets.has(query.namespace) ? [query.namespace] : [];
    }
    const limit = query.limit && query.limit > 0 ? query.limit : Infinity;
    const items: JsonObject[] = [];
    const after = query.after;
    const first = after ? lowerBound(namespaces, after.namespace) : 0;
    for (let n = first; n < namespaces.length; n++) {
      const namespace = namespaces[n];
      const bucket = table.buckets.get(namespace)!;
      const names = bucket.names.keys;
      const start =
        after && n === first && namespace === after.namespace
          ? upperBound(names, after.name)
          : 0;
      for (let i = start; i < names.length; i++) {
        const object = bucket.objects.get(names[i])!;
        if (!query.filter || query.filter(object)) {
          items.push(object);
          if (items.length === limit) {
            let remaining = names.length - i - 1;
            for (let later = n + 1; later < namespaces.length; later++) {
              remaining += table.buckets.get(namespaces[later])!.objects.size;
            }
            return {
              items,
              next: remaining > 0 ? { namespace, name: names[i] } : undefined,
              remaining,
            };
          }
        }
      }
    }
    return { items, remaining: 0 };
  }
}
