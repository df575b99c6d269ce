import { KubeObject, VeleroBackup, VeleroSchedule } from './kubernetes';

/**
 * The backups of one cluster bucketed by the namespaces their spec includes and the first
 * `matchLabels` pair of their label selector, so that a service looks only at the backups that
 * may take it in instead of at every backup of the cluster. Built once per list (cached by
 * identity), which keeps a refresh of many services linear in the number of backups.
 */
interface BackupIndex {
  /** Namespace (or `*` for backups of every namespace) → label pair (or `''`) → backup positions. */
  buckets: Map<string, Map<string, number[]>>;
}

const indexes = new WeakMap<readonly VeleroBackup[], BackupIndex>();

function indexOf(backups: readonly VeleroBackup[]): BackupIndex {
  let index = indexes.get(backups);
  if (index) return index;
  index = { buckets: new Map() };
  backups.forEach((backup, position) => {
    const spec = backup.spec ?? {};
    const expanded = backup.status?.wildcardNamespaces?.wildcardResult;
    let included: unknown[] = [];
    if (Array.isArray(expanded)) included = expanded;
    else if (Array.isArray(spec.includedNamespaces)) {
      included = spec.includedNamespaces;
    }
    // Glob patterns (`app-*`) are not bucketed by name: such a backup is a candidate everywhere.
    const namespaces: string[] =
      included.length === 0 ||
      included.some(ns => typeof ns !== 'string' || /[*?[]/.test(ns))
        ? ['*']
        : (included as string[]);
    const pair =
      spec.orLabelSelectors && spec.orLabelSelectors.length > 0
        ? ''
        : Object.entries(spec.labelSelector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .sort()[0] ?? '';
    for (const namespace of namespaces) {
      let byLabel = index!.buckets.get(namespace);
      if (!byLabel) {
        byLabel = new Map();
        index!.buckets.set(namespace, byLabel);
      }
      const list = byLabel.get(pair);
      if (list) list.push(position);
      else byLabel.set(pair, [position]);
    }
  });
  indexes.set(backups, index);
  return index;
}

/**
 * The backups of a cluster that may take in at least one of the given objects (a superset of
 * those that do: callers still check each), in their original order.
 */
export function candidateBackups(
  backups: readonly VeleroBackup[],
  objects: readonly KubeObject[],
): VeleroBackup[] {
  const index = indexOf(backups);
  const namespaces = new Set<string>();
  const pairs = new Set<string>(['']);
  for (const o of objects) {
    namespaces.add(o.metadata.namespace ?? '');
    const labels = o.metadata.labels;
    for (const k in labels) {
      if (Object.prototype.hasOwnProperty.call(labels, k)) {
        pairs.add(`${k}=${labels[k]}`);
      }
    }
  }
  namespaces.add('*');
  // Positions gathered from every matching bucket, then put in order without repeats.
  const positions: number[] = [];
  for (const namespace of namespaces) {
    const byLabel = index.buckets.get(namespace);
    if (!byLabel) continue;
    for (const pair of pairs) {
      const list = byLabel.get(pair);
      if (list) for (const position of list) positions.push(position);
    }
  }
  positions.sort((a, b) => a - b);
  const result: VeleroBackup[] = [];
  for (let i = 0; i < positions.length; i++) {
    if (i === 0 || positions[i] !== positions[i - 1]) {
      result.push(backups[positions[i]]);
    }
  }
  return result;
}

/** Schedules seen as backups of their templates, once per list, for {@link candidateSchedules}. */
const scheduleTemplates = new WeakMap<
  readonly VeleroSchedule[],
  {
    asBackups: VeleroBackup[];
    schedules: VeleroSchedule[];
    positions: Map<VeleroBackup, number>;
  }
>();

/**
 * The Schedules of a cluster whose templates may take in at least one of the given objects (a
 * superset of those that do), in their original order; indexed like {@link candidateBackups}.
 */
export function candidateSchedules(
  schedules: readonly VeleroSchedule[],
  objects: readonly KubeObject[],
): VeleroSchedule[] {
  let entry = scheduleTemplates.get(schedules);
  if (!entry) {
    const withTemplate = schedules.filter(s => s.spec?.template);
    const asBackups: VeleroBackup[] = withTemplate.map(s => ({
      metadata: s.metadata,
      spec: s.spec!.template!,
    }));
    entry = {
      schedules: withTemplate,
      asBackups,
      positions: new Map(asBackups.map((b, i) => [b, i])),
    };
    scheduleTemplates.set(schedules, entry);
  }
  const { asBackups, schedules: list, positions } = entry;
  return candidateBackups(asBackups, objects).map(b => list[positions.get(b)!]);
}
