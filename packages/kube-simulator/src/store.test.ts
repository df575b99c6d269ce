import { JsonObject } from './json';
import { ListPosition, ObjectStore } from './store';

function object(namespace: string, name: string): JsonObject {
  return { metadata: { namespace, name } };
}

function nameOf(item: JsonObject): string {
  const metadata = item.metadata as JsonObject;
  return `${metadata.namespace}/${metadata.name}`;
}

function pageThrough(
  store: ObjectStore,
  limit: number,
  namespace?: string,
): string[] {
  const names: string[] = [];
  let after: ListPosition | undefined;
  do {
    const page = store.list('velero.io/backups', { namespace, after, limit });
    names.push(...page.items.map(nameOf));
    after = page.next;
  } while (after);
  return names;
}

describe('ObjectStore', () => {
  it('lists in namespace, then name order, whatever the insertion order', () => {
    const store = new ObjectStore();
    for (const [namespace, name] of [
      ['b', 'x'],
      ['a', 'z'],
      ['b', 'a'],
      ['a', 'b'],
    ]) {
      store.put('velero.io/backups', namespace, name, object(namespace, name));
    }
    expect(store.list('velero.io/backups', {}).items.map(nameOf)).toEqual([
      'a/b',
      'a/z',
      'b/a',
      'b/x',
    ]);
    expect(
      store.list('velero.io/backups', { namespace: 'b' }).items.map(nameOf),
    ).toEqual(['b/a', 'b/x']);
  });

  it('keeps the order through deletes and re-inserts, resuming after a deleted position', () => {
    const store = new ObjectStore();
    for (const name of ['a', 'b', 'c', 'd']) {
      store.put('velero.io/backups', 'ns', name, object('ns', name));
    }
    const first = store.list('velero.io/backups', { limit: 2 });
    expect(first.items.map(nameOf)).toEqual(['ns/a', 'ns/b']);
    expect(first.remaining).toBe(2);
    store.remove('velero.io/backups', 'ns', 'b');
    store.put('velero.io/backups', 'ns', 'bb', object('ns', 'bb'));
    expect(
      store.list('velero.io/backups', { after: first.next }).items.map(nameOf),
    ).toEqual(['ns/bb', 'ns/c', 'ns/d']);
  });

  it('drops a namespace and everything in it', () => {
    const store = new ObjectStore();
    store.put('velero.io/backups', 'gone', 'a', object('gone', 'a'));
    store.put('/configmaps', 'gone', 'b', object('gone', 'b'));
    store.put('/configmaps', 'kept', 'c', object('kept', 'c'));
    store.removeNamespace('gone');
    expect(store.list('velero.io/backups', {}).items).toEqual([]);
    expect(store.list('/configmaps', {}).items.map(nameOf)).toEqual(['kept/c']);
  });

  it('pages through 200,000 objects quickly, each exactly once', () => {
    const store = new ObjectStore();
    const namespaces = ['velero', 'payments', 'commerce', 'data'];
    for (let i = 0; i < 200_000; i++) {
      // inserted out of order: the index must sort once, not per page
      const namespace = namespaces[i % 4];
      const name = `backup-${String((i * 7919) % 200_000).padStart(6, '0')}`;
      store.put('velero.io/backups', namespace, name, object(namespace, name));
    }
    const started = performance.now();
    const names = pageThrough(store, 500);
    const elapsed = performance.now() - started;
    expect(names).toHaveLength(200_000);
    expect(new Set(names).size).toBe(200_000);
    expect(names).toEqual([...names].sort());
    // 400 pages; an O(n) scan per page would take seconds
    expect(elapsed).toBeLessThan(2000);
    expect(pageThrough(store, 1000, 'data')).toHaveLength(50_000);
  });

  it('counts a resourceVersion per write', () => {
    const store = new ObjectStore();
    expect(store.resourceVersion).toBe(0);
    expect(store.nextResourceVersion()).toBe('1');
    expect(store.nextResourceVersion()).toBe('2');
    expect(store.resourceVersion).toBe(2);
  });
});
