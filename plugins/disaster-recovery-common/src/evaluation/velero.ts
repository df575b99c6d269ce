import { minimatch } from 'minimatch';
import {
  KubeObject,
  LabelSelector,
  VeleroBackupSpec,
  VeleroBackupStorageLocation,
} from './kubernetes';
import { matchesLabelSelector } from './selectors';

/*
 * Velero's filters as Velero applies them (velero.io/docs/v1.18 "Resource filtering" and
 * "Namespace Glob Patterns"; pkg/util/collections/includes_excludes.go).
 */

/**
 * Whether a namespace pattern is one Velero accepts: a name or a glob with `*`, `?`, `[...]`.
 * Velero 1.18's documentation lists `**`, `|`, `(`, `)`, `!`, `{}` and `,` as unsupported
 * ("will cause validation errors"), and empty or unclosed brackets as invalid; such a backup
 * or schedule fails validation and takes in nothing.
 */
function namespacePatternProblem(pattern: string): string | undefined {
  if (/\*\*|[|()!{},]/.test(pattern)) {
    return `namespace pattern ${pattern} uses a form Velero 1.18 rejects (**, |, (), !, {}, ,)`;
  }
  const brackets = pattern.match(/\[[^\]]*\]?/g) ?? [];
  if (brackets.some(b => b === '[]' || !b.endsWith(']'))) {
    return `namespace pattern ${pattern} has an empty or unclosed [...]`;
  }
  if (pattern.includes(']') && !pattern.includes('[')) {
    return `namespace pattern ${pattern} has an unmatched ]`;
  }
  return undefined;
}

function globMatch(pattern: string, value: string): boolean {
  if (!/[*?[]/.test(pattern)) return pattern === value;
  return minimatch(value, pattern, {
    nobrace: true,
    noext: true,
    nonegate: true,
    nocomment: true,
    dot: true,
  });
}

// Kubernetes' names of the namespaced resources the evaluation looks at: plural, singular and
// short names (kubectl api-resources), each with its API group.
const RESOURCE_NAMES: Record<string, { resource: string; group: string }> = {};
for (const [resource, group, ...aliases] of [
  ['persistentvolumeclaims', '', 'persistentvolumeclaim', 'pvc'],
  ['pods', '', 'pod', 'po'],
  ['statefulsets', 'apps', 'statefulset', 'sts'],
  ['deployments', 'apps', 'deployment', 'deploy'],
  ['clusters', 'postgresql.cnpg.io', 'cluster'],
]) {
  for (const name of [resource, ...aliases]) {
    RESOURCE_NAMES[name] = { resource, group };
  }
}

/**
 * The `resource` or `resource.group` form of a name as Velero resolves it through discovery:
 * `pvc`, `PersistentVolumeClaim`, `persistentvolumeclaims.` all give `persistentvolumeclaims`;
 * `deploy.apps` gives `deployments`. Names of other resources are kept as written (lowercase).
 */
function resolveResource(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower === '*') return '*';
  const dot = lower.indexOf('.');
  const base = dot === -1 ? lower : lower.slice(0, dot);
  const group = dot === -1 ? undefined : lower.slice(dot + 1);
  const known = RESOURCE_NAMES[base];
  if (known && (group === undefined || group === known.group)) {
    return known.resource;
  }
  return lower;
}

/**
 * A Velero backup, schedule template or restore spec, compiled once: which namespaces,
 * namespaced resources and labels it takes in.
 *
 * @public
 */
export interface VeleroScope {
  /** Why Velero would refuse the spec (it then takes in nothing). */
  invalid?: string;
  includesNamespace(namespace: string): boolean;
  /** `resource`: the plural name, e.g. `persistentvolumeclaims`. */
  includesResource(resource: string): boolean;
  /** Whether its label selector (or any of its `orLabelSelectors`) matches. */
  selects(labels: Record<string, string> | undefined): boolean;
}

const scopes = new WeakMap<object, VeleroScope>();
// Backups of one schedule share their filters: compiled once per distinct content, not per
// object (a refresh pages through a million backups). Bounded: cleared when full.
const scopesByContent = new Map<string, VeleroScope>();
const CONTENT_CACHE_SIZE = 20_000;

/** The spec fields a {@link VeleroScope} is compiled from. */
const SCOPE_FIELDS = [
  'includedNamespaces',
  'excludedNamespaces',
  'includedResources',
  'excludedResources',
  'includedNamespaceScopedResources',
  'excludedNamespaceScopedResources',
  'includedClusterScopedResources',
  'excludedClusterScopedResources',
  'labelSelector',
  'orLabelSelectors',
] as const;

function contentKey(spec: VeleroBackupSpec, expanded: unknown): string {
  return JSON.stringify([...SCOPE_FIELDS.map(f => spec[f]), expanded]);
}

/**
 * Whether two JSON values are equal (arrays item by item, objects key by key in any order),
 * without building anything: the recent-scope check below runs once per backup.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null
  ) {
    return false;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let keys = 0;
  for (const key in a) {
    if (!Object.prototype.hasOwnProperty.call(a, key)) continue;
    keys++;
    if (
      !Object.prototype.hasOwnProperty.call(b, key) ||
      !sameJson((a as any)[key], (b as any)[key])
    ) {
      return false;
    }
  }
  for (const key in b) {
    if (Object.prototype.hasOwnProperty.call(b, key)) keys--;
  }
  return keys === 0;
}

/** {@link sameJson}, with the common case (both the same value, often both unset) inline. */
const same = (a: unknown, b: unknown) => a === b || sameJson(a, b);

// The scopes compiled or found last, newest first: the backups of one schedule come one after
// the other (a list is sorted by name, a service's candidates are mostly its own schedule's),
// so most lookups end here, with no key built.
const RECENT_SIZE = 8;
const recent: Array<{
  spec: VeleroBackupSpec;
  expanded: unknown;
  scope: VeleroScope;
}> = [];

function recentScope(
  spec: VeleroBackupSpec,
  expanded: unknown,
): VeleroScope | undefined {
  for (let i = 0; i < recent.length; i++) {
    const entry = recent[i];
    const known = entry.spec;
    // The fields of SCOPE_FIELDS named one by one: a loop over their names would look each up
    // by a computed key, several times slower.
    if (
      same(known.includedNamespaces, spec.includedNamespaces) &&
      same(known.labelSelector, spec.labelSelector) &&
      same(entry.expanded, expanded) &&
      same(known.excludedNamespaces, spec.excludedNamespaces) &&
      same(known.includedResources, spec.includedResources) &&
      same(known.excludedResources, spec.excludedResources) &&
      same(
        known.includedNamespaceScopedResources,
        spec.includedNamespaceScopedResources,
      ) &&
      same(
        known.excludedNamespaceScopedResources,
        spec.excludedNamespaceScopedResources,
      ) &&
      same(
        known.includedClusterScopedResources,
        spec.includedClusterScopedResources,
      ) &&
      same(
        known.excludedClusterScopedResources,
        spec.excludedClusterScopedResources,
      ) &&
      same(known.orLabelSelectors, spec.orLabelSelectors)
    ) {
      if (i > 0) {
        recent.splice(i, 1);
        recent.unshift(entry);
      }
      return entry.scope;
    }
  }
  return undefined;
}

/** A copy of a JSON value, so that a later change to the original cannot alter it. */
function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyJson);
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, copyJson(v)]),
  );
}

/** Makes `scope` the first of the recent ones, with a copy of the fields it was compiled from. */
function remember(
  spec: VeleroBackupSpec,
  expanded: unknown,
  scope: VeleroScope,
) {
  const fields: Record<string, unknown> = {};
  for (const field of SCOPE_FIELDS) {
    if (spec[field] !== undefined) fields[field] = copyJson(spec[field]);
  }
  recent.unshift({
    spec: fields as VeleroBackupSpec,
    expanded: copyJson(expanded),
    scope,
  });
  if (recent.length > RECENT_SIZE) recent.pop();
}

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter(v => typeof v === 'string') : [];

/**
 * Compiles the filters of a Velero `Backup.spec` (or `Schedule.spec.template`, or
 * `Restore.spec`). `expandedNamespaces`: where Velero reported the namespaces its patterns
 * expanded to (`status.wildcardNamespaces.wildcardResult`, Velero 1.18), those are used.
 *
 * Namespaces: empty or `*` takes in every namespace; otherwise names and glob patterns
 * (`*`, `?`, `[...]`); an excluded match always wins. Resources: `includedResources` /
 * `excludedResources`, or the newer `includedNamespaceScopedResources` /
 * `excludedNamespaceScopedResources` (Velero refuses a spec that mixes the two styles), with
 * short, singular, plural and `resource.group` names. Labels: `labelSelector` or
 * `orLabelSelectors` (any of them); Velero refuses a spec with both.
 *
 * @public
 */
export function veleroScope(
  spec: VeleroBackupSpec & {
    includedResources?: string[] | null;
  },
  expandedNamespaces?: string[] | null,
): VeleroScope {
  const cached = expandedNamespaces ? undefined : scopes.get(spec);
  if (cached) return cached;
  const found = recentScope(spec, expandedNamespaces);
  if (found) return found;
  const key = contentKey(spec, expandedNamespaces);
  const byContent = scopesByContent.get(key);
  // Not remembered by identity: a refresh offers a million fresh objects once each.
  if (byContent) {
    remember(spec, expandedNamespaces, byContent);
    return byContent;
  }
  const scope = compileScope(spec, expandedNamespaces);
  if (!expandedNamespaces) scopes.set(spec, scope);
  if (scopesByContent.size >= CONTENT_CACHE_SIZE) scopesByContent.clear();
  scopesByContent.set(key, scope);
  remember(spec, expandedNamespaces, scope);
  return scope;
}

/**
 * {@link veleroScope} without its caches. Apart from it, so that the lookups that answer nearly
 * every call stay a small function (this one allocates the closures' context when entered).
 */
function compileScope(
  spec: VeleroBackupSpec & {
    includedResources?: string[] | null;
  },
  expandedNamespaces?: string[] | null,
): VeleroScope {
  const problems: string[] = [];
  const included = expandedNamespaces
    ? list(expandedNamespaces)
    : list(spec.includedNamespaces);
  const excluded = list(spec.excludedNamespaces);
  if (!expandedNamespaces) {
    for (const p of [...included, ...excluded]) {
      const problem = p === '*' ? undefined : namespacePatternProblem(p);
      if (problem) problems.push(problem);
    }
  }
  const allNamespaces =
    !expandedNamespaces && (included.length === 0 || included.includes('*'));

  const oldStyle =
    list(spec.includedResources).length > 0 ||
    list(spec.excludedResources).length > 0;
  const newStyle =
    list(spec.includedNamespaceScopedResources).length > 0 ||
    list(spec.excludedNamespaceScopedResources).length > 0 ||
    list(spec.includedClusterScopedResources).length > 0 ||
    list(spec.excludedClusterScopedResources).length > 0;
  if (oldStyle && newStyle) {
    problems.push(
      'it mixes includedResources/excludedResources with the *ScopedResources filters, which Velero refuses',
    );
  }
  const includedResources = (
    newStyle
      ? list(spec.includedNamespaceScopedResources)
      : list(spec.includedResources)
  ).map(resolveResource);
  const excludedResources = (
    newStyle
      ? list(spec.excludedNamespaceScopedResources)
      : list(spec.excludedResources)
  ).map(resolveResource);

  const selectors: LabelSelector[] = Array.isArray(spec.orLabelSelectors)
    ? spec.orLabelSelectors.filter((s): s is LabelSelector => Boolean(s))
    : [];
  if (spec.labelSelector && selectors.length > 0) {
    problems.push(
      'it sets both labelSelector and orLabelSelectors, which Velero refuses',
    );
  }
  // Velero's ValidateIncludesExcludes (pkg/util/collections/includes_excludes.go) refuses an
  // excludes list with `*`, an includes list mixing `*` with names, and an item in both lists.
  const validate = (what: string, inc: string[], exc: string[]) => {
    if (exc.includes('*')) problems.push(`excluded ${what} cannot contain *`);
    if (inc.includes('*') && inc.length > 1) {
      problems.push(`included ${what} must be * alone or a list of names`);
    }
    const both = inc.filter(i => i !== '*' && exc.includes(i));
    if (both.length > 0) {
      problems.push(`${both.join(', ')} both included and excluded ${what}`);
    }
  };
  if (!expandedNamespaces) validate('namespaces', included, excluded);
  if (!newStyle) validate('resources', includedResources, excludedResources);
  const invalid = problems.length > 0 ? problems.join('; ') : undefined;
  const scope: VeleroScope = {
    invalid,
    includesNamespace: namespace =>
      !invalid &&
      (allNamespaces || included.some(p => globMatch(p, namespace))) &&
      !excluded.some(p => globMatch(p, namespace)),
    includesResource: resource =>
      !invalid &&
      (includedResources.length === 0 ||
        includedResources.includes('*') ||
        includedResources.includes(resource)) &&
      !excludedResources.includes(resource) &&
      // The newer filters take `*` in their excludes: every namespaced resource.
      !excludedResources.includes('*'),
    selects: labels => {
      if (invalid) return false;
      if (selectors.length > 0) {
        return selectors.some(s => matchesLabelSelector(s, labels));
      }
      return spec.labelSelector
        ? matchesLabelSelector(spec.labelSelector, labels)
        : true;
    },
  };
  return scope;
}

/** Velero leaves out objects labelled `velero.io/exclude-from-backup=true`. */
function excludedFromBackup(obj: KubeObject) {
  return obj.metadata.labels?.['velero.io/exclude-from-backup'] === 'true';
}

/**
 * A pod that mounts a PVC: the pod template's labels and annotations, and the name of the pod
 * volume that mounts the claim.
 *
 * @public
 */
export interface DrPodMount {
  /** The workload whose pods mount it, e.g. `StatefulSet orders-db`. */
  workload: string;
  volume: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * What a Velero backup keeps of a PVC:
 * - `fs`: its files, by file-system backup (kopia/restic) to the BackupStorageLocation;
 * - `moved`: a CSI snapshot whose data is moved to the BackupStorageLocation (`snapshotMoveData`);
 * - `local`: a CSI or native snapshot that stays on the cluster's storage;
 * - `manifest`: the PVC object only, no data;
 * - `none`: nothing (the PVC is not taken in).
 *
 * @public
 */
export type DrVolumeData = 'fs' | 'moved' | 'local' | 'manifest' | 'none';

function annotationList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}

/**
 * What a backup spec keeps of one PVC (see {@link DrVolumeData}), as Velero decides it:
 *
 * - the PVC is taken in when its namespace and `persistentvolumeclaims` are included, and its own
 *   labels match the selector, or a pod that mounts it is taken in (Velero's pod backup item
 *   action adds a pod's PVCs as additional items, which skip the label selector but not the
 *   namespace and resource filters: pkg/backup/actions/pod_action.go);
 * - file-system backup: a pod that mounts it is taken in and either names the volume in
 *   `backup.velero.io/backup-volumes` (opt-in) or the spec sets `defaultVolumesToFsBackup: true`
 *   and the pod does not name it in `backup.velero.io/backup-volumes-excludes` (opt-out);
 * - otherwise, unless `snapshotVolumes: false`, a snapshot, moved off the cluster only with
 *   `snapshotMoveData: true`.
 *
 * @public
 */
export function backupVolumeData(
  scope: VeleroScope,
  spec: VeleroBackupSpec,
  pvc: KubeObject,
  mounts: readonly DrPodMount[],
): DrVolumeData {
  const namespace = pvc.metadata.namespace ?? '';
  if (
    excludedFromBackup(pvc) ||
    !scope.includesNamespace(namespace) ||
    !scope.includesResource('persistentvolumeclaims')
  ) {
    return 'none';
  }
  const podsIncluded = scope.includesResource('pods');
  const takenInPods = podsIncluded
    ? mounts.filter(
        m =>
          scope.selects(m.labels) &&
          m.labels?.['velero.io/exclude-from-backup'] !== 'true',
      )
    : [];
  if (!scope.selects(pvc.metadata.labels) && takenInPods.length === 0) {
    return 'none';
  }
  const fs = takenInPods.some(m => {
    if (
      annotationList(
        m.annotations?.['backup.velero.io/backup-volumes'],
      ).includes(m.volume)
    ) {
      return true;
    }
    return (
      spec.defaultVolumesToFsBackup === true &&
      !annotationList(
        m.annotations?.['backup.velero.io/backup-volumes-excludes'],
      ).includes(m.volume)
    );
  });
  if (fs) return 'fs';
  if (spec.snapshotVolumes === false) return 'manifest';
  return spec.snapshotMoveData === true ? 'moved' : 'local';
}

/**
 * Whether a spec takes in an object (namespace, resource and labels).
 *
 * @public
 */
export function scopeTakesIn(
  scope: VeleroScope,
  obj: KubeObject,
  resource: string,
): boolean {
  return (
    !excludedFromBackup(obj) &&
    scope.includesNamespace(obj.metadata.namespace ?? '') &&
    scope.includesResource(resource) &&
    scope.selects(obj.metadata.labels)
  );
}

/**
 * Why a BackupStorageLocation's object storage would die with its cluster, or undefined: its
 * `config.s3Url` names a host inside the cluster (a `.svc` or `.cluster.local` name, a bare
 * service name without a dot, `localhost` or a loopback address).
 *
 * @public
 */
export function locationInsideCluster(
  location: VeleroBackupStorageLocation,
): string | undefined {
  const url = location.spec?.config?.s3Url;
  if (typeof url !== 'string' || url === '') return undefined;
  let host: string;
  try {
    host = new URL(url.includes('://') ? url : `http://${url}`).hostname;
  } catch {
    return undefined;
  }
  host = host.toLowerCase().replace(/\.$/, '');
  const inside =
    host.endsWith('.svc') ||
    host.endsWith('.cluster.local') ||
    host === 'localhost' ||
    /^127\./.test(host) ||
    host === '[::1]' ||
    (!host.includes('.') && !host.includes(':') && !/^\[/.test(host));
  return inside ? `its s3Url ${url} is inside the cluster` : undefined;
}
