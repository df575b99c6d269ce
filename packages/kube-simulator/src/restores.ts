import { createHash } from 'node:crypto';
import { Cluster, ObjectChange } from './cluster';
import type { Timers, WriteCounter } from './controllers';
import { ApiError } from './errors';
import {
  cloneJson,
  getPath,
  isJsonObject,
  JsonObject,
  JsonValue,
} from './json';
import { apiVersionOf, ResourceType } from './resources';
import { LabelRequirement, matchesLabels } from './selectors';
import { formatTimestamp } from './timestamps';

const RESTORES = 'velero.io/restores';
const BACKUPS = 'velero.io/backups';
const LOCATIONS = 'velero.io/backupstoragelocations';

/** What Velero never restores: it adds these to every Restore's `spec.excludedResources`. */
export const NON_RESTORABLE_RESOURCES = [
  'nodes',
  'events',
  'events.events.k8s.io',
  'backups.velero.io',
  'restores.velero.io',
  'resticrepositories.velero.io',
  'csinodes.storage.k8s.io',
  'volumeattachments.storage.k8s.io',
  'backuprepositories.velero.io',
];

/** Kinds restored before the others (Velero restores volumes and configuration first). */
const FIRST = [
  'persistentvolumeclaims',
  'secrets',
  'configmaps',
  'serviceaccounts',
];

/** The labels Velero puts on every object it restores. */
export const BACKUP_NAME_LABEL = 'velero.io/backup-name';
export const RESTORE_NAME_LABEL = 'velero.io/restore-name';

/**
 * A name as Velero writes it into a label value (`label.GetValidName`): names longer than 63
 * characters keep 57 and end with 6 hex digits of their SHA-256.
 */
export function validLabelValue(name: string): string {
  if (name.length <= 63) {
    return name;
  }
  return `${name.slice(0, 57)}${createHash('sha256')
    .update(name)
    .digest('hex')
    .slice(0, 6)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Whether a namespace matches a Velero glob: `*`, `?`, `[...]` (`[!...]`), `{a,b}`. */
export function globMatches(pattern: string, value: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    const close = { '[': ']', '{': '}' }[char];
    const end = close ? pattern.indexOf(close, i + 1) : -1;
    if (char === '*') {
      source += '.*';
    } else if (char === '?') {
      source += '.';
    } else if (char === '[' && end > i + 1) {
      const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      source += body.startsWith('!') ? `[^${body.slice(1)}]` : `[${body}]`;
      i = end;
    } else if (char === '{' && end > i) {
      source += `(?:${pattern
        .slice(i + 1, end)
        .split(',')
        .map(escapeRegExp)
        .join('|')})`;
      i = end;
    } else {
      source += escapeRegExp(char);
    }
  }
  return new RegExp(`^${source}$`).test(value);
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

/** Velero's `collections.ValidateIncludesExcludes`. */
function includesExcludesErrors(
  includes: string[],
  excludes: string[],
): string[] {
  const errors: string[] = [];
  if (new Set(includes).size > 1 && includes.includes('*')) {
    errors.push(
      "includes list must either contain '*' only, or a non-empty list of items",
    );
  }
  if (excludes.includes('*')) {
    errors.push("excludes list cannot contain '*'");
  }
  for (const item of [...new Set(excludes)].sort()) {
    if (includes.includes(item)) {
      errors.push(
        `excludes list cannot contain an item in the includes list: ${item}`,
      );
    }
  }
  return errors;
}

function namespaceIncluded(spec: JsonObject, namespace: string): boolean {
  const included = strings(spec.includedNamespaces);
  const excluded = strings(spec.excludedNamespaces);
  return (
    (included.length === 0 ? ['*'] : included).some(pattern =>
      globMatches(pattern, namespace),
    ) && !excluded.some(pattern => globMatches(pattern, namespace))
  );
}

/** Whether a resource filter entry (`pvc`, `deployments.apps`, `persistentvolumeclaims.`) names the type. */
function resourceMatches(type: ResourceType, entry: string): boolean {
  const wanted = entry.toLowerCase();
  if (wanted === '*') {
    return true;
  }
  return [
    type.plural,
    type.singular,
    type.kind.toLowerCase(),
    ...type.shortNames,
  ].some(name => wanted === name || wanted === `${name}.${type.group}`);
}

function resourceIncluded(
  type: ResourceType,
  included: string[],
  excluded: string[],
): boolean {
  return (
    (included.length === 0 ||
      included.some(entry => resourceMatches(type, entry))) &&
    !excluded.some(entry => resourceMatches(type, entry))
  );
}

/** The requirements of a `LabelSelector` object (`matchLabels`, `matchExpressions`). */
function selectorRequirements(
  selector: JsonValue | undefined,
): LabelRequirement[] {
  if (!isJsonObject(selector)) {
    return [];
  }
  const requirements: LabelRequirement[] = [];
  if (isJsonObject(selector.matchLabels)) {
    for (const [key, value] of Object.entries(selector.matchLabels)) {
      requirements.push({ key, operator: '=', value: String(value) });
    }
  }
  for (const expression of Array.isArray(selector.matchExpressions)
    ? selector.matchExpressions.filter(isJsonObject)
    : []) {
    const key = String(expression.key);
    const values = strings(expression.values);
    switch (expression.operator) {
      case 'In':
        requirements.push({ key, operator: 'in', values });
        break;
      case 'NotIn':
        requirements.push({ key, operator: 'notin', values });
        break;
      case 'Exists':
        requirements.push({ key, operator: 'exists' });
        break;
      case 'DoesNotExist':
        requirements.push({ key, operator: '!' });
        break;
      default:
        break;
    }
  }
  return requirements;
}

/** Whether an object's own labels pass a spec's `labelSelector` or any of its `orLabelSelectors`. */
function labelsPass(spec: JsonObject, object: JsonObject): boolean {
  const labels = getPath(object, ['metadata', 'labels']) as
    | Record<string, string>
    | undefined;
  if (isJsonObject(spec.labelSelector)) {
    return matchesLabels(selectorRequirements(spec.labelSelector), labels);
  }
  if (
    Array.isArray(spec.orLabelSelectors) &&
    spec.orLabelSelectors.length > 0
  ) {
    return spec.orLabelSelectors.some(selector =>
      matchesLabels(selectorRequirements(selector), labels),
    );
  }
  return true;
}

function hasControllerOwner(object: JsonObject): boolean {
  const owners = getPath(object, ['metadata', 'ownerReferences']);
  return (
    Array.isArray(owners) &&
    owners.some(owner => isJsonObject(owner) && owner.controller === true)
  );
}

function nameOf(object: JsonObject): string {
  return String(getPath(object, ['metadata', 'name']) ?? '');
}

/** The `BackupStorageLocation` a backup is in: its `spec.storageLocation`, else the default one. */
function locationOf(
  cluster: Cluster,
  namespace: string,
  backup: JsonObject,
): { name: string; location?: JsonObject } {
  const named = getPath(backup, ['spec', 'storageLocation']);
  if (typeof named === 'string' && named !== '') {
    return {
      name: named,
      location: cluster.store.get(LOCATIONS, namespace, named),
    };
  }
  const fallback = cluster.store
    .list(LOCATIONS, { namespace })
    .items.find(location => getPath(location, ['spec', 'default']) === true);
  return { name: fallback ? nameOf(fallback) : 'default', location: fallback };
}

function timeOf(value: JsonValue | undefined): number | undefined {
  const time = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(time) ? undefined : time;
}

interface Item {
  type: ResourceType;
  /** The namespace it is restored into (after `namespaceMapping`). */
  namespace: string;
  object: JsonObject;
}

interface Plan {
  backupName: string;
  /** Target namespaces, with the backed-up Namespace object they come from. */
  namespaces: Array<{ name: string; source: JsonObject }>;
  items: Item[];
  /** Why the backup's contents cannot be read (the restore then fails). */
  failure?: string;
}

interface Target {
  type: ResourceType;
  namespace: string;
  name: string;
}

/**
 * Velero's restore controller. A `velero.io/v1` Restore created (through the API) with no phase
 * or phase `New` is validated as Velero does, on the next tick: problems end it in
 * `FailedValidation` with `status.validationErrors` (a backup that does not exist on this
 * cluster: `Error retrieving backup: can't find backup velero/<name>: backups.velero.io "<name>"
 * not found`). Otherwise it goes `InProgress` (`status.startTimestamp`, `status.progress`) and,
 * `seconds` later, `Completed` (`status.completionTimestamp`, `status.progress`, `warnings` for
 * objects that already existed), having created the backup's objects in the target namespaces.
 *
 * What a backup holds: the objects in its scope (its included/excluded namespaces and resources,
 * its label selectors) on the cluster that made it, as they were at the backup's
 * `status.startTimestamp` — objects loaded as fixtures count as always there, changes made
 * through the API after that time are undone. The cluster that made it is the Restore's own,
 * unless the backup's location there is `ReadOnly` (a copy synced from a shared bucket): then it
 * is the simulated cluster holding a backup of that name on a writable location with the same
 * bucket and prefix. Objects a controller owns (pods of a ReplicaSet, ...) and cluster-scoped
 * objects are not restored; status is not restored (PVCs come back `Bound`, namespaces
 * `Active`).
 */
export class RestoreController {
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly cluster: Cluster,
    private readonly timers: Timers,
    private readonly seconds: number,
    private readonly clusters: () => Cluster[],
    private readonly counter: WriteCounter,
  ) {}

  changed(change: ObjectChange): void {
    const { type, namespace, name } = change;
    if (`${type.group}/${type.plural}` !== RESTORES) {
      return;
    }
    const key = `restore ${namespace}/${name}`;
    if (!change.after) {
      this.timers.cancel(key);
      this.plans.delete(key);
      return;
    }
    const phase = getPath(change.after, ['status', 'phase']);
    if (
      change.before ||
      (phase !== undefined && phase !== '' && phase !== 'New')
    ) {
      return;
    }
    this.timers.schedule(key, 0, () =>
      this.start(key, { type, namespace, name }),
    );
  }

  private write(
    target: Target,
    change: (restore: JsonObject) => JsonObject,
  ): void {
    this.cluster.write(
      target.type,
      target.namespace,
      target.name,
      'main',
      change,
    );
    this.counter.writes += 1;
  }

  /** Velero's `validateAndComplete`, then the start of the restore. */
  private start(key: string, target: Target): void {
    const restore = this.cluster.store.get(
      RESTORES,
      target.namespace,
      target.name,
    );
    const phase = restore && getPath(restore, ['status', 'phase']);
    if (!restore || (phase !== undefined && phase !== '' && phase !== 'New')) {
      return;
    }
    const spec: JsonObject = isJsonObject(restore.spec)
      ? cloneJson(restore.spec)
      : {};
    const errors: string[] = [];
    const excludedResources = strings(spec.excludedResources);
    for (const resource of NON_RESTORABLE_RESOURCES) {
      if (!excludedResources.includes(resource)) {
        excludedResources.push(resource);
      }
    }
    spec.excludedResources = excludedResources;
    const includedResources = strings(spec.includedResources);
    for (const resource of NON_RESTORABLE_RESOURCES) {
      if (includedResources.includes(resource)) {
        errors.push(`${resource} are non-restorable resources`);
      }
    }
    for (const error of includesExcludesErrors(
      includedResources,
      excludedResources,
    )) {
      errors.push(`Invalid included/excluded resource lists: ${error}`);
    }
    for (const error of includesExcludesErrors(
      strings(spec.includedNamespaces),
      strings(spec.excludedNamespaces),
    )) {
      errors.push(`Invalid included/excluded namespace lists: ${error}`);
    }
    if (
      spec.orLabelSelectors !== undefined &&
      spec.labelSelector !== undefined
    ) {
      errors.push(
        'encountered labelSelector as well as orLabelSelectors in restore spec, only one can be specified',
      );
    }
    spec.itemOperationTimeout ??= '4h0m0s';
    const found = this.findBackup(target.namespace, spec, errors);
    if (errors.length > 0 || !found) {
      this.write(target, current => ({
        ...current,
        spec,
        status: { phase: 'FailedValidation', validationErrors: errors },
      }));
      return;
    }
    const plan = this.plan(target, spec, found.backup, found.location);
    this.write(target, current => ({
      ...current,
      spec,
      status: {
        phase: 'InProgress',
        startTimestamp: formatTimestamp(this.cluster.now()),
        progress: {
          totalItems: plan.namespaces.length + plan.items.length,
          itemsRestored: 0,
        },
      },
    }));
    this.plans.set(key, plan);
    this.timers.schedule(key, this.seconds, () => this.finish(key, target));
  }

  /**
   * The backup a restore names (or its schedule's newest Completed one) and its location, or
   * undefined with the validation errors Velero gives.
   */
  private findBackup(
    namespace: string,
    spec: JsonObject,
    errors: string[],
  ): { backup: JsonObject; location: JsonObject } | undefined {
    const backupName =
      typeof spec.backupName === 'string' ? spec.backupName : '';
    const scheduleName =
      typeof spec.scheduleName === 'string' ? spec.scheduleName : '';
    if ((backupName === '') === (scheduleName === '')) {
      errors.push(
        'Either a backup or schedule must be specified as a source for the restore, but not both',
      );
      return undefined;
    }
    const policy = spec.existingResourcePolicy;
    if (
      policy !== undefined &&
      policy !== '' &&
      policy !== 'none' &&
      policy !== 'update'
    ) {
      errors.push(`Invalid ExistingResourcePolicy: ${String(policy)}`);
    }
    let name = backupName;
    if (scheduleName) {
      const backups = this.cluster.store
        .list(BACKUPS, { namespace })
        .items.filter(
          backup =>
            getPath(backup, [
              'metadata',
              'labels',
              'velero.io/schedule-name',
            ]) === scheduleName,
        );
      if (backups.length === 0) {
        errors.push('No backups found for schedule');
      }
      const newest = backups
        .filter(backup => getPath(backup, ['status', 'phase']) === 'Completed')
        .sort(
          (a, b) =>
            (timeOf(getPath(b, ['status', 'startTimestamp'])) ?? 0) -
            (timeOf(getPath(a, ['status', 'startTimestamp'])) ?? 0),
        )[0];
      if (!newest) {
        errors.push('No completed backups found for schedule');
        return undefined;
      }
      name = nameOf(newest);
      spec.backupName = name;
    }
    const backup = this.cluster.store.get(BACKUPS, namespace, name);
    if (!backup) {
      errors.push(
        `Error retrieving backup: can't find backup ${namespace}/${name}: backups.velero.io "${name}" not found`,
      );
      return undefined;
    }
    const { name: locationName, location } = locationOf(
      this.cluster,
      namespace,
      backup,
    );
    if (!location) {
      errors.push(
        `Error retrieving backup: backupstoragelocations.velero.io "${locationName}" not found`,
      );
      return undefined;
    }
    if (getPath(location, ['status', 'phase']) !== 'Available') {
      errors.push(
        `The BSL ${locationName} is unavailable, cannot retrieve the backup`,
      );
      return undefined;
    }
    const backupPhase = getPath(backup, ['status', 'phase']);
    if (backupPhase !== 'Completed' && backupPhase !== 'PartiallyFailed') {
      errors.push(
        `backup "${name}" is in phase "${String(
          backupPhase ?? '',
        )}" and cannot be used as a restore source`,
      );
      return undefined;
    }
    const schedule = getPath(backup, [
      'metadata',
      'labels',
      'velero.io/schedule-name',
    ]);
    if (!scheduleName && typeof schedule === 'string') {
      spec.scheduleName = schedule;
    }
    return { backup, location };
  }

  /** The cluster whose objects a backup holds (see the class comment), or undefined. */
  private originOf(
    namespace: string,
    backupName: string,
    location: JsonObject,
  ): Cluster | undefined {
    if (getPath(location, ['spec', 'accessMode']) !== 'ReadOnly') {
      return this.cluster;
    }
    const bucket = getPath(location, ['spec', 'objectStorage', 'bucket']);
    const prefix = getPath(location, ['spec', 'objectStorage', 'prefix']) ?? '';
    return this.clusters().find(other => {
      const backup = other.store.get(BACKUPS, namespace, backupName);
      const theirs = backup && locationOf(other, namespace, backup).location;
      return (
        other !== this.cluster &&
        theirs !== undefined &&
        getPath(theirs, ['spec', 'accessMode']) !== 'ReadOnly' &&
        getPath(theirs, ['spec', 'objectStorage', 'bucket']) === bucket &&
        (getPath(theirs, ['spec', 'objectStorage', 'prefix']) ?? '') === prefix
      );
    });
  }

  /** What the restore will create: the backup's contents through the restore's filters. */
  private plan(
    target: Target,
    spec: JsonObject,
    backup: JsonObject,
    location: JsonObject,
  ): Plan {
    const backupName = nameOf(backup);
    const origin = this.originOf(target.namespace, backupName, location);
    if (!origin) {
      return {
        backupName,
        namespaces: [],
        items: [],
        failure: `error downloading backup: no simulated cluster wrote backup ${backupName} to bucket ${String(
          getPath(location, ['spec', 'objectStorage', 'bucket']),
        )} (the simulator reads a backup's contents from the cluster that made it)`,
      };
    }
    const at =
      timeOf(getPath(backup, ['status', 'startTimestamp'])) ??
      timeOf(getPath(backup, ['status', 'completionTimestamp'])) ??
      timeOf(getPath(backup, ['metadata', 'creationTimestamp'])) ??
      this.cluster.now().getTime();
    const backupSpec: JsonObject = isJsonObject(backup.spec) ? backup.spec : {};
    const mapping = isJsonObject(spec.namespaceMapping)
      ? spec.namespaceMapping
      : {};
    const registry = this.cluster.registry;
    const namespaceType = registry.byApiVersionKind('v1', 'Namespace')!;
    const sourceNamespaces = origin
      .objectsAt(namespaceType, '', at)
      .filter(
        namespace =>
          namespaceIncluded(backupSpec, nameOf(namespace)) &&
          namespaceIncluded(spec, nameOf(namespace)),
      );
    const seen = new Set<string>();
    const types = registry.types
      .filter(type => {
        const key = `${type.group}/${type.plural}`;
        if (!type.namespaced || seen.has(key)) {
          return false;
        }
        seen.add(key);
        return (
          resourceIncluded(
            type,
            strings(backupSpec.includedResources),
            strings(backupSpec.excludedResources),
          ) &&
          resourceIncluded(
            type,
            strings(backupSpec.includedNamespaceScopedResources),
            strings(backupSpec.excludedNamespaceScopedResources),
          ) &&
          resourceIncluded(
            type,
            strings(spec.includedResources),
            strings(spec.excludedResources),
          )
        );
      })
      .sort(
        (a, b) =>
          (FIRST.indexOf(a.plural) + 1 || FIRST.length + 1) -
          (FIRST.indexOf(b.plural) + 1 || FIRST.length + 1),
      );
    const targetOf = (namespace: string) => {
      const mapped = mapping[namespace];
      return typeof mapped === 'string' && mapped !== '' ? mapped : namespace;
    };
    const items: Item[] = [];
    for (const type of types) {
      for (const namespace of sourceNamespaces) {
        for (const object of origin.objectsAt(type, nameOf(namespace), at)) {
          if (
            labelsPass(backupSpec, object) &&
            labelsPass(spec, object) &&
            !hasControllerOwner(object)
          ) {
            items.push({
              type,
              namespace: targetOf(nameOf(namespace)),
              object,
            });
          }
        }
      }
    }
    return {
      backupName,
      namespaces: sourceNamespaces.map(namespace => ({
        name: targetOf(nameOf(namespace)),
        source: namespace,
      })),
      items,
    };
  }

  /** The end of a restore: its objects created (unless a fault fails it) and its final status. */
  private finish(key: string, target: Target): void {
    const plan = this.plans.get(key);
    this.plans.delete(key);
    const restore = this.cluster.store.get(
      RESTORES,
      target.namespace,
      target.name,
    );
    if (
      !plan ||
      !restore ||
      getPath(restore, ['status', 'phase']) !== 'InProgress'
    ) {
      return;
    }
    const total = plan.namespaces.length + plan.items.length;
    const fault = this.cluster.faults.restoreFailure;
    const complete = (status: JsonObject) =>
      this.write(target, current => ({
        ...current,
        status: {
          ...(isJsonObject(current.status) ? current.status : {}),
          ...status,
          completionTimestamp: formatTimestamp(this.cluster.now()),
        },
      }));
    if (plan.failure || fault === 'Failed') {
      complete({
        phase: 'Failed',
        failureReason:
          plan.failure ??
          `error downloading backup: simulated fault: restores on cluster ${this.cluster.name} fail (restoreFailure: Failed)`,
        progress: { totalItems: total, itemsRestored: 0 },
      });
      return;
    }
    const restoreName = nameOf(restore);
    const labels = {
      [BACKUP_NAME_LABEL]: validLabelValue(plan.backupName),
      [RESTORE_NAME_LABEL]: validLabelValue(restoreName),
    };
    let restored = 0;
    let errors = 0;
    let warnings = 0;
    for (const { name, source } of plan.namespaces) {
      if (this.ensureNamespace(name, source, labels)) {
        restored += 1;
      } else {
        errors += 1;
      }
    }
    const preserveNodePorts =
      getPath(restore, ['spec', 'preserveNodePorts']) === true;
    plan.items.forEach((item, index) => {
      if (fault === 'PartiallyFailed' && index === 0) {
        return;
      }
      const outcome = this.restoreItem(item, labels, preserveNodePorts);
      if (outcome === 'error') {
        errors += 1;
      } else {
        restored += 1;
        warnings += outcome === 'exists' ? 1 : 0;
      }
    });
    if (fault === 'PartiallyFailed') {
      errors += 1;
      warnings += 1;
    }
    complete({
      phase: errors > 0 ? 'PartiallyFailed' : 'Completed',
      progress: { totalItems: total, itemsRestored: restored },
      ...(warnings > 0 && { warnings }),
      ...(errors > 0 && { errors }),
    });
  }

  /** Creates a target namespace from the backed-up one unless it exists; false on failure. */
  private ensureNamespace(
    name: string,
    source: JsonObject,
    labels: Record<string, string>,
  ): boolean {
    const type = this.cluster.registry.byApiVersionKind('v1', 'Namespace')!;
    if (this.cluster.store.get('/namespaces', '', name)) {
      return true;
    }
    const sourceLabels = getPath(source, ['metadata', 'labels']);
    const annotations = getPath(source, ['metadata', 'annotations']);
    try {
      this.cluster.create(
        type,
        '',
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name,
            labels: {
              ...(isJsonObject(sourceLabels) ? sourceLabels : {}),
              'kubernetes.io/metadata.name': name,
              ...labels,
            },
            ...(isJsonObject(annotations) && { annotations }),
          },
          ...(isJsonObject(source.spec) && { spec: source.spec }),
        },
        { dryRun: false, fieldValidation: 'Ignore' },
      );
      this.cluster.write(type, '', name, 'status', current => ({
        ...current,
        status: { phase: 'Active' },
      }));
      this.counter.writes += 2;
      return true;
    } catch (error) {
      if (error instanceof ApiError) {
        return false;
      }
      throw error;
    }
  }

  /** Creates one backed-up object as Velero restores it. */
  private restoreItem(
    item: Item,
    labels: Record<string, string>,
    preserveNodePorts: boolean,
  ): 'restored' | 'exists' | 'error' {
    const source = item.object;
    const type =
      this.cluster.registry.byApiVersionKind(
        String(source.apiVersion),
        String(source.kind),
      ) ?? item.type;
    if (!this.cluster.isServed(type)) {
      return 'error';
    }
    const object = cloneJson(source);
    object.apiVersion = apiVersionOf(type);
    delete object.status;
    const sourceLabels = getPath(source, ['metadata', 'labels']);
    const annotations = getPath(source, ['metadata', 'annotations']);
    object.metadata = {
      name: nameOf(source),
      namespace: item.namespace,
      labels: {
        ...(isJsonObject(sourceLabels) ? sourceLabels : {}),
        ...labels,
      },
      ...(isJsonObject(annotations) && { annotations }),
    };
    if (type.group === '' && isJsonObject(object.spec)) {
      // Velero's restore item actions: a pod is scheduled anew, a claim binds to a new volume
      if (type.plural === 'pods') {
        delete object.spec.nodeName;
      }
      if (type.plural === 'persistentvolumeclaims') {
        delete object.spec.volumeName;
      }
    }
    if (
      type.group === '' &&
      type.plural === 'services' &&
      isJsonObject(object.spec)
    ) {
      if (object.spec.clusterIP !== 'None') {
        delete object.spec.clusterIP;
        delete object.spec.clusterIPs;
      }
      if (!preserveNodePorts && Array.isArray(object.spec.ports)) {
        object.spec.ports = object.spec.ports.map(port => {
          if (!isJsonObject(port)) {
            return port;
          }
          const { nodePort: _nodePort, ...rest } = port;
          return rest;
        });
      }
    }
    try {
      this.cluster.create(type, item.namespace, object, {
        dryRun: false,
        fieldValidation: 'Ignore',
      });
      this.counter.writes += 1;
    } catch (error) {
      if (error instanceof ApiError) {
        return error.reason === 'AlreadyExists' ? 'exists' : 'error';
      }
      throw error;
    }
    if (type.group === '' && type.plural === 'persistentvolumeclaims') {
      this.cluster.write(
        type,
        item.namespace,
        nameOf(source),
        'status',
        current => ({
          ...current,
          status: {
            phase: 'Bound',
            ...(Array.isArray(getPath(current, ['spec', 'accessModes'])) && {
              accessModes: getPath(current, ['spec', 'accessModes'])!,
            }),
            ...(getPath(current, [
              'spec',
              'resources',
              'requests',
              'storage',
            ]) !== undefined && {
              capacity: {
                storage: getPath(current, [
                  'spec',
                  'resources',
                  'requests',
                  'storage',
                ])!,
              },
            }),
          },
        }),
      );
      this.counter.writes += 1;
    }
    return 'restored';
  }
}
