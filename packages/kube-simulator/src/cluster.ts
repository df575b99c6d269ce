import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  invalid,
  notFound,
  StatusCause,
  unsupportedMediaType,
} from './errors';
import { faultResourceName, Faults, parseFaults } from './faults';
import {
  cloneJson,
  deepEqual,
  getPath,
  isJsonObject,
  JsonObject,
  JsonValue,
  setPath,
} from './json';
import { applyJsonPatch, applyMergePatch } from './patch';
import {
  apiVersionOf,
  crdNameOf,
  ResourceRegistry,
  ResourceType,
} from './resources';
import {
  DNS_SUBDOMAIN,
  formatLabelSelector,
  isValidLabelKey,
  isValidLabelValue,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { ListPosition, ObjectStore } from './store';
import {
  formatTimestamp,
  resolveTimeTokens,
  resolveTimeTokensDeep,
  timeTokenPaths,
} from './timestamps';

/** The part of an object a write addresses: the main resource or its `status` subresource. */
export type ObjectPart = 'main' | 'status';

/** Query options of writes, as the real API takes them. */
export interface WriteOptions {
  /** `dryRun=All`: check and answer, store nothing. */
  dryRun?: boolean;
  /** `fieldValidation`: unknown fields are an error (`Strict`), a warning (`Warn`) or ignored. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

/** A write's answer: the object, and warnings for the `Warning` response header. */
export interface WriteResult {
  object: JsonObject;
  warnings: string[];
}

/** List query parameters, as strings from the URL. */
export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: string;
  continue?: string;
}

/** An object given to `load`, with where it came from for error messages. */
export interface LoadEntry {
  source: string;
  object: object;
}

/**
 * A change made through the API (or by a controller): what `onChange` listeners get. `before` is
 * absent for a create, `after` for a delete; `part` says whether the main resource or only its
 * status was written.
 */
export interface ObjectChange {
  type: ResourceType;
  /** `''` for cluster-scoped resources. */
  namespace: string;
  name: string;
  part: ObjectPart;
  before?: JsonObject;
  after?: JsonObject;
}

/** One earlier version of an object changed through the API; `previous` is absent after a create. */
interface HistoryEntry {
  /** When the change was made, in milliseconds of the cluster's clock. */
  at: number;
  previous?: JsonObject;
}

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

/** Metadata only the server sets; writes cannot change it. */
const SERVER_SET_METADATA = [
  'uid',
  'creationTimestamp',
  'generation',
  'resourceVersion',
];
const NAMESPACES = { group: '', plural: 'namespaces' };
const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function storageKey(type: { group: string; plural: string }): string {
  return `${type.group}/${type.plural}`;
}

function metadataOf(object: JsonObject): JsonObject {
  return isJsonObject(object.metadata) ? object.metadata : {};
}

function str(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function encodeContinue(
  resourceVersion: number,
  position: ListPosition,
): string {
  const start = position.namespace
    ? `${position.namespace}/${position.name}`
    : position.name;
  return Buffer.from(
    JSON.stringify({
      v: 'meta.k8s.io/v1',
      rv: resourceVersion,
      start: `${start}\u0000`,
    }),
  ).toString('base64');
}

function decodeContinue(token: string): ListPosition {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw badRequest(`continue key is not valid: ${token}`);
  }
  if (
    !isJsonObject(decoded) ||
    decoded.v !== 'meta.k8s.io/v1' ||
    typeof decoded.start !== 'string' ||
    !decoded.start.endsWith('\u0000')
  ) {
    throw badRequest(`continue key is not valid: ${token}`);
  }
  const key = decoded.start.slice(0, -1);
  const slash = key.indexOf('/');
  return slash >= 0
    ? { namespace: key.slice(0, slash), name: key.slice(slash + 1) }
    : { namespace: '', name: key };
}

function parseLimit(limit: string | undefined): number | undefined {
  if (limit === undefined || limit === '') {
    return undefined;
  }
  if (!/^\d+$/.test(limit)) {
    throw badRequest(
      `limit must be a non-negative integer, not ${JSON.stringify(limit)}`,
    );
  }
  return Number(limit);
}

/** Checks names, namespace, labels and annotations, as every kind's validation does. */
function metadataCauses(type: ResourceType, object: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!isJsonObject(object.metadata)) {
    return [
      {
        reason: 'FieldValueRequired',
        field: 'metadata',
        message: 'Required value',
      },
    ];
  }
  const { name, namespace, labels, annotations } = object.metadata;
  if (typeof name !== 'string' || name === '') {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    });
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: ${JSON.stringify(
        name,
      )}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  if (type.namespaced && (typeof namespace !== 'string' || namespace === '')) {
    causes.push({
      reason: 'FieldValueRequired',
      field: 'metadata.namespace',
      message: 'Required value',
    });
  }
  for (const [field, map, checkKeys] of [
    ['labels', labels, true],
    ['annotations', annotations, false],
  ] as const) {
    if (map === undefined) {
      continue;
    }
    if (!isJsonObject(map)) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: `metadata.${field}`,
        message: `Invalid value: ${JSON.stringify(
          map,
        )}: must be a map of strings`,
      });
      continue;
    }
    for (const [key, value] of Object.entries(map)) {
      const invalidEntry =
        typeof value !== 'string' ||
        (checkKeys && (!isValidLabelKey(key) || !isValidLabelValue(value)));
      if (invalidEntry) {
        causes.push({
          reason: 'FieldValueInvalid',
          field: `metadata.${field}[${key}]`,
          message: `Invalid value: ${JSON.stringify(value)}: ${
            typeof value === 'string'
              ? "a valid label key and value consist of alphanumeric characters, '-', '_' or '.', and start and end with an alphanumeric character"
              : 'must be a string'
          }`,
        });
      }
    }
  }
  return causes;
}

/** Everything but `metadata` and `status`: a change here bumps `metadata.generation`. */
function specPart(object: JsonObject): JsonObject {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return rest;
}

/**
 * One simulated cluster's API semantics, independent of HTTP: storage, admission (schema
 * pruning, defaulting and validation), the `status` and `scale` subresources, paging, and the
 * faults and counters its server reads.
 */
export class Cluster {
  readonly store = new ObjectStore();
  /** Faults currently injected; replaced as a whole by `setFaults`. */
  faults: Faults = {};
  /** API requests received (admin endpoints excluded). */
  requestCount = 0;
  /** Bytes of API response bodies sent. */
  bytesSent = 0;
  /** List requests answered `410 Gone` (`Expired`) by the `expireContinue` fault. */
  expiredContinues = 0;

  private readonly changeListeners: Array<(change: ObjectChange) => void> = [];
  private readonly faultListeners: Array<() => void> = [];
  /**
   * Earlier versions of the objects changed through the API, by `<resource> <namespace>` then
   * name, oldest first; kept only after `keepHistory()` (what a backup held at its start).
   */
  private history: Map<string, Map<string, HistoryEntry[]>> | undefined;

  /** Objects loaded with time tokens, by store key: where the tokens were, and the version. */
  private readonly living = new Map<
    string,
    {
      resourceVersion: JsonValue | undefined;
      tokens: Array<{ path: Array<string | number>; template: string }>;
    }
  >();

  /**
   * @param registry - the resource types every cluster serves
   * @param clock - the cluster's current time (creation timestamps)
   * @param fixtureNow - the time `{{now}}` tokens of loaded objects are relative to
   */
  constructor(
    readonly name: string,
    readonly registry: ResourceRegistry,
    private readonly clock: () => Date,
    private readonly fixtureNow: Date,
  ) {}

  /**
   * Replaces the faults with a checked copy of `faults` (from code or from the admin endpoint's
   * JSON); throws an Error saying what is wrong, leaving the faults as they were.
   */
  setFaults(faults: unknown): void {
    this.faults = parseFaults(faults, this.registry.crdNames(), [
      ...new Set(this.registry.types.map(faultResourceName)),
    ]);
    this.faultListeners.forEach(listener => listener());
  }

  /** Removes every fault. */
  clearFaults(): void {
    this.faults = {};
    this.faultListeners.forEach(listener => listener());
  }

  /** Calls `listener` after every change the faults go through (`setFaults`, `clearFaults`). */
  onFaultsChange(listener: () => void): void {
    this.faultListeners.push(listener);
  }

  /**
   * Calls `listener` after every stored write made through the API or `write` (not `load`,
   * not dry runs, not writes that change nothing), synchronously, once the store holds it.
   */
  onChange(listener: (change: ObjectChange) => void): void {
    this.changeListeners.push(listener);
  }

  /**
   * From now on, remembers the earlier version of every object changed through the API, so
   * `objectsAt` can answer what a resource held at a past time. Loaded objects count as having
   * always been there.
   */
  keepHistory(): void {
    this.history ??= new Map();
  }

  /** The cluster's current time. */
  now(): Date {
    return this.clock();
  }

  private changed(change: ObjectChange, previous: JsonObject | undefined) {
    if (this.history) {
      const bucketKey = `${storageKey(change.type)} ${change.namespace}`;
      let bucket = this.history.get(bucketKey);
      if (!bucket) {
        bucket = new Map();
        this.history.set(bucketKey, bucket);
      }
      const entries = bucket.get(change.name) ?? [];
      entries.push({ at: this.clock().getTime(), previous });
      bucket.set(change.name, entries);
    }
    this.changeListeners.forEach(listener => listener(change));
  }

  /**
   * The objects of one resource in one namespace (`''` for cluster-scoped ones) as they were at
   * `at` (milliseconds of the cluster's clock), as stored (time tokens as loaded): the current
   * objects with every change made through the API after `at` undone. Without `keepHistory()`,
   * the current objects.
   */
  objectsAt(
    type: { group: string; plural: string },
    namespace: string,
    at: number,
  ): JsonObject[] {
    const key = storageKey(type);
    const changed = this.history?.get(`${key} ${namespace}`);
    const objects: JsonObject[] = [];
    for (const object of this.store.list(key, { namespace }).items) {
      if (!changed?.has(str(metadataOf(object).name) ?? '')) {
        objects.push(object);
      }
    }
    for (const [name, entries] of changed ?? []) {
      const firstLater = entries.find(entry => entry.at > at);
      const then = firstLater
        ? firstLater.previous
        : this.store.get(key, namespace, name);
      if (then) {
        objects.push(then);
      }
    }
    return objects;
  }

  /** False for resource types hidden by the `missingCrds` fault. */
  isServed(type: ResourceType): boolean {
    return !(type.custom && this.faults.missingCrds?.includes(crdNameOf(type)));
  }

  /**
   * Adds or replaces objects without going through the API: time tokens are resolved, each
   * object is checked against its schema (unknown fields are errors here) and gets a uid,
   * creationTimestamp and generation unless it has them. Status is kept. Atomic: when one object
   * is invalid nothing is stored, and the Error names its source, the object and the field.
   */
  load(entries: LoadEntry[]): void {
    const seen = new Map<string, string>();
    const prepared = entries.map(({ source, object }) => {
      const { type, admitted } = this.prepareLoaded(source, object);
      const meta = metadataOf(admitted);
      const namespace = str(meta.namespace) ?? '';
      const name = str(meta.name) ?? '';
      const key = `${storageKey(type)} ${namespace}/${name}`;
      const earlier = seen.get(key);
      if (earlier) {
        throw new Error(
          `${source}: ${type.kind} ${
            namespace ? `${namespace}/` : ''
          }${name} is also defined by ${earlier}`,
        );
      }
      seen.set(key, source);
      return {
        type,
        namespace,
        name,
        admitted,
        tokens: timeTokenPaths(object as JsonValue),
      };
    });
    for (const { type, namespace, name, admitted, tokens } of prepared) {
      const resourceVersion = this.store.nextResourceVersion();
      metadataOf(admitted).resourceVersion = resourceVersion;
      this.store.put(storageKey(type), namespace, name, admitted);
      const key = `${storageKey(type)} ${namespace}/${name}`;
      if (tokens.length > 0) {
        this.living.set(key, { resourceVersion, tokens });
      } else {
        this.living.delete(key);
      }
    }
  }

  /**
   * An object as it is served now: an object loaded with time tokens and not changed through
   * the API since shows those times relative to the cluster's current time, so a fixture's
   * "backup 3 minutes ago" stays 3 minutes ago however long the simulator runs. Changed
   * objects keep the times they had when they were changed.
   */
  private present(type: ResourceType, object: JsonObject): JsonObject {
    if (this.living.size === 0) return object;
    const meta = metadataOf(object);
    const entry = this.living.get(
      `${storageKey(type)} ${str(meta.namespace) ?? ''}/${
        str(meta.name) ?? ''
      }`,
    );
    if (!entry || entry.resourceVersion !== meta.resourceVersion) {
      return object;
    }
    const now = this.clock();
    const copy = structuredClone(object);
    for (const { path, template } of entry.tokens) {
      let parent: any = copy;
      for (const step of path.slice(0, -1)) parent = parent?.[step];
      if (parent && typeof parent === 'object') {
        parent[path[path.length - 1]] = resolveTimeTokens(template, now);
      }
    }
    return copy;
  }

  private prepareLoaded(
    source: string,
    input: object,
  ): { type: ResourceType; admitted: JsonObject } {
    const fail = (message: string): never => {
      throw new Error(`${source}: ${message}`);
    };
    let object: JsonValue;
    try {
      object = resolveTimeTokensDeep(input as JsonValue, this.fixtureNow);
    } catch (error) {
      return fail((error as Error).message);
    }
    if (!isJsonObject(object)) {
      return fail('not an object');
    }
    const apiVersion = str(object.apiVersion);
    const kind = str(object.kind);
    const type =
      apiVersion && kind
        ? this.registry.byApiVersionKind(apiVersion, kind)
        : undefined;
    const meta = metadataOf(object);
    const label = `${apiVersion} ${kind} ${
      meta.namespace ? `${meta.namespace}/` : ''
    }${meta.name}`;
    if (!type) {
      return fail(
        `${label}: no served resource has apiVersion ${apiVersion} and kind ${kind} (is its CRD in the CRD directory?)`,
      );
    }
    if (isJsonObject(object.metadata)) {
      if (!type.namespaced) {
        delete object.metadata.namespace;
      }
      object.metadata.uid ??= randomUUID();
      object.metadata.creationTimestamp ??= formatTimestamp(this.fixtureNow);
      object.metadata.generation ??= 1;
    }
    try {
      return { type, admitted: this.admit(type, object, 'Strict', []) };
    } catch (error) {
      return fail(`${label}: ${(error as Error).message}`);
    }
  }

  /**
   * Admission: metadata checks for every kind; for custom resources, pruning of unknown fields
   * (an error under `Strict`, a warning under `Warn`), schema defaults, and schema validation.
   * Throws a 422 Invalid ApiError with one cause per field.
   */
  private admit(
    type: ResourceType,
    object: JsonObject,
    fieldValidation: WriteOptions['fieldValidation'],
    warnings: string[],
  ): JsonObject {
    const causes = metadataCauses(type, object);
    let admitted = object;
    if (type.schema) {
      const check = type.schema.check(object);
      if (check.pruned.length > 0) {
        const unknown = check.pruned.map(field => `unknown field "${field}"`);
        if (fieldValidation === 'Strict') {
          throw badRequest(
            `${type.kind} in version "${type.version}" cannot be handled as a ${
              type.kind
            }: strict decoding error: ${unknown.join(', ')}`,
          );
        }
        if (fieldValidation !== 'Ignore') {
          warnings.push(...unknown);
        }
      }
      causes.push(...check.causes);
      admitted = check.object;
    }
    if (causes.length > 0) {
      throw invalid(
        {
          group: type.group,
          kind: type.kind,
          name: str(metadataOf(object).name) ?? '',
        },
        causes,
      );
    }
    return admitted;
  }

  /** The object as the requested version presents it (the stored one is shared by versions). */
  private versioned(type: ResourceType, object: JsonObject): JsonObject {
    const apiVersion = apiVersionOf(type);
    return object.apiVersion === apiVersion
      ? object
      : { ...object, apiVersion };
  }

  private current(
    type: ResourceType,
    namespace: string,
    name: string,
  ): JsonObject {
    const object = this.store.get(storageKey(type), namespace, name);
    if (!object) {
      throw notFound({ group: type.group, plural: type.plural, name });
    }
    return this.present(type, object);
  }

  /** GET of one object (also serves the `status` subresource, which shows the whole object). */
  get(type: ResourceType, namespace: string, name: string): JsonObject {
    return this.versioned(type, this.current(type, namespace, name));
  }

  /**
   * A list response (`kind: <Kind>List`) of one page. `namespace` is undefined for a list
   * across all namespaces. Paging follows the real API: `limit`, an opaque `continue` token,
   * `metadata.remainingItemCount` when no selector filters the list.
   */
  list(
    type: ResourceType,
    namespace: string | undefined,
    params: ListParams,
  ): JsonObject {
    const labels = parseLabelSelector(params.labelSelector ?? '');
    const fields = parseFieldSelector(params.fieldSelector ?? '', type);
    const namespaceField = fields.find(
      field => field.field === 'metadata.namespace' && field.operator === '=',
    );
    const page = this.store.list(storageKey(type), {
      namespace: type.namespaced ? namespace ?? namespaceField?.value : '',
      after: params.continue ? decodeContinue(params.continue) : undefined,
      limit: parseLimit(params.limit),
      filter:
        labels.length > 0 || fields.length > 0
          ? object =>
              matchesLabels(
                labels,
                metadataOf(object).labels as Record<string, string> | undefined,
              ) && matchesFields(fields, object)
          : undefined,
    });
    const resourceVersion = this.store.resourceVersion;
    const metadata: JsonObject = { resourceVersion: String(resourceVersion) };
    if (page.next) {
      metadata.continue = encodeContinue(resourceVersion, page.next);
      if (labels.length === 0 && fields.length === 0) {
        metadata.remainingItemCount = page.remaining;
      }
    }
    return {
      apiVersion: apiVersionOf(type),
      kind: type.listKind,
      metadata,
      items: page.items.map(item =>
        this.versioned(type, this.present(type, item)),
      ),
    };
  }

  /** Fills or checks `apiVersion` and `kind` of a request body against the URL's resource. */
  private checkTypeMeta(type: ResourceType, object: JsonObject): void {
    const apiVersion = apiVersionOf(type);
    object.apiVersion ??= apiVersion;
    object.kind ??= type.kind;
    if (object.apiVersion !== apiVersion || object.kind !== type.kind) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) and kind (${object.kind}) do not match the expected API version (${apiVersion}) and kind (${type.kind})`,
      );
    }
  }

  private checkBodyNamespace(
    type: ResourceType,
    object: JsonObject,
    namespace: string,
  ): JsonObject {
    if (!isJsonObject(object.metadata)) {
      object.metadata = {};
    }
    const meta = object.metadata as JsonObject;
    if (type.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace;
    } else {
      delete meta.namespace;
    }
    return meta;
  }

  private generateName(prefix: string): string {
    let suffix = '';
    for (let i = 0; i < 5; i++) {
      suffix +=
        GENERATE_NAME_ALPHABET[
          Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)
        ];
    }
    return `${prefix}${suffix}`;
  }

  /**
   * POST: creates an object. The namespace must exist; status is dropped when the kind has a
   * status subresource; the server sets uid, creationTimestamp, generation and resourceVersion.
   */
  create(
    type: ResourceType,
    namespace: string,
    body: JsonValue,
    options: WriteOptions,
  ): WriteResult {
    if (!isJsonObject(body)) {
      throw badRequest('the request body must be a JSON object');
    }
    const object = cloneJson(body);
    this.checkTypeMeta(type, object);
    const meta = this.checkBodyNamespace(type, object, namespace);
    if (meta.resourceVersion) {
      throw badRequest(
        'resourceVersion should not be set on objects to be created',
      );
    }
    if (!meta.name && typeof meta.generateName === 'string') {
      meta.name = this.generateName(meta.generateName);
    }
    const name = str(meta.name) ?? '';
    if (
      type.namespaced &&
      !this.store.get(storageKey(NAMESPACES), '', namespace)
    ) {
      throw notFound({ ...NAMESPACES, name: namespace });
    }
    if (
      name &&
      this.store.get(storageKey(type), type.namespaced ? namespace : '', name)
    ) {
      throw alreadyExists({ group: type.group, plural: type.plural, name });
    }
    if (type.statusSubresource) {
      delete object.status;
    }
    meta.uid = randomUUID();
    meta.creationTimestamp = formatTimestamp(this.clock());
    meta.generation = 1;
    const warnings: string[] = [];
    const admitted = this.admit(
      type,
      object,
      options.fieldValidation,
      warnings,
    );
    if (!options.dryRun) {
      metadataOf(admitted).resourceVersion = this.store.nextResourceVersion();
      const objectNamespace = type.namespaced ? namespace : '';
      this.store.put(storageKey(type), objectNamespace, name, admitted);
      this.changed(
        {
          type,
          namespace: objectNamespace,
          name,
          part: 'main',
          after: admitted,
        },
        undefined,
      );
    }
    return { object: this.versioned(type, admitted), warnings };
  }

  /**
   * The write path of PUT and PATCH, on the main resource or the status subresource.
   * `change` gets a copy of the stored object and returns the desired one. A main-resource
   * write keeps the stored status when the kind has a status subresource; a status write keeps
   * everything but status. A stale `metadata.resourceVersion` is a 409 Conflict. A write that
   * changes nothing does not bump the resourceVersion.
   */
  private update(
    type: ResourceType,
    namespace: string,
    name: string,
    part: ObjectPart,
    change: (current: JsonObject) => JsonValue,
    options: WriteOptions & { requireResourceVersion: boolean },
  ): WriteResult {
    const current = this.current(type, namespace, name);
    const currentMeta = metadataOf(current);
    const desired = change(cloneJson(current));
    if (!isJsonObject(desired)) {
      throw badRequest('the object must be a JSON object');
    }
    this.checkTypeMeta(type, desired);
    const desiredMeta = this.checkBodyNamespace(type, desired, namespace);
    if (desiredMeta.name !== undefined && desiredMeta.name !== name) {
      throw badRequest(
        `the name of the object (${desiredMeta.name}) does not match the name on the URL (${name})`,
      );
    }
    if (!desiredMeta.resourceVersion && options.requireResourceVersion) {
      throw invalid({ group: type.group, kind: type.kind, name }, [
        {
          reason: 'FieldValueInvalid',
          field: 'metadata.resourceVersion',
          message: 'Invalid value: 0x0: must be specified for an update',
        },
      ]);
    }
    if (
      desiredMeta.resourceVersion &&
      desiredMeta.resourceVersion !== currentMeta.resourceVersion
    ) {
      throw conflict({ group: type.group, plural: type.plural, name });
    }

    let next: JsonObject;
    if (part === 'status') {
      next = cloneJson(current);
      if (desired.status === undefined) {
        delete next.status;
      } else {
        next.status = desired.status;
      }
    } else {
      next = desired;
      if (type.statusSubresource) {
        if (current.status === undefined) {
          delete next.status;
        } else {
          next.status = cloneJson(current.status);
        }
      }
      desiredMeta.name = name;
      for (const field of SERVER_SET_METADATA) {
        if (currentMeta[field] === undefined) {
          delete desiredMeta[field];
        } else {
          desiredMeta[field] = currentMeta[field];
        }
      }
    }
    const warnings: string[] = [];
    const admitted = this.admit(type, next, options.fieldValidation, warnings);
    if (deepEqual(admitted, current)) {
      return { object: this.versioned(type, current), warnings };
    }
    const meta = metadataOf(admitted);
    if (part === 'main' && !deepEqual(specPart(admitted), specPart(current))) {
      meta.generation = Number(currentMeta.generation ?? 0) + 1;
    }
    if (!options.dryRun) {
      meta.resourceVersion = this.store.nextResourceVersion();
      const objectNamespace = type.namespaced ? namespace : '';
      const stored = this.store.get(storageKey(type), objectNamespace, name);
      this.store.put(storageKey(type), objectNamespace, name, admitted);
      this.changed(
        {
          type,
          namespace: objectNamespace,
          name,
          part,
          before: current,
          after: admitted,
        },
        stored,
      );
    }
    return { object: this.versioned(type, admitted), warnings };
  }

  /**
   * A controller's write: `change` gets a copy of the stored object (as served now) and returns
   * the desired one, written like a PATCH of the main resource or the status subresource
   * (admission with strict field validation, no resourceVersion check). Throws an ApiError like
   * the API would (NotFound when the object is gone).
   */
  write(
    type: ResourceType,
    namespace: string,
    name: string,
    part: ObjectPart,
    change: (current: JsonObject) => JsonObject,
  ): JsonObject {
    return this.update(type, namespace, name, part, change, {
      dryRun: false,
      fieldValidation: 'Strict',
      requireResourceVersion: false,
    }).object;
  }

  /**
   * PUT of the main resource or the status subresource. Custom resources need
   * `metadata.resourceVersion` in the body, as on the real API.
   */
  replace(
    type: ResourceType,
    namespace: string,
    name: string,
    part: ObjectPart,
    body: JsonValue,
    options: WriteOptions,
  ): WriteResult {
    if (!isJsonObject(body)) {
      throw badRequest('the request body must be a JSON object');
    }
    return this.update(type, namespace, name, part, () => cloneJson(body), {
      ...options,
      requireResourceVersion: type.custom,
    });
  }

  /**
   * The patch function for a request's content type. Strategic merge patch needs Go types the
   * API server only has for built-in kinds, so custom resources refuse it (415) like the real
   * API; for built-in kinds it is applied as a merge patch.
   */
  private patcher(
    contentType: string,
    allowStrategicMerge: boolean,
  ): (target: JsonValue, patch: JsonValue) => JsonValue {
    const mediaType = contentType.split(';')[0].trim().toLowerCase();
    const accepted = allowStrategicMerge
      ? [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH]
      : [JSON_PATCH, MERGE_PATCH];
    if (!accepted.includes(mediaType)) {
      throw unsupportedMediaType(mediaType, accepted);
    }
    return mediaType === JSON_PATCH ? applyJsonPatch : applyMergePatch;
  }

  /**
   * PATCH of the main resource or the status subresource, with a JSON patch, a merge patch, or
   * (built-in kinds only, as on the real API) a strategic merge patch, applied as a merge patch.
   */
  patch(
    type: ResourceType,
    namespace: string,
    name: string,
    part: ObjectPart,
    contentType: string,
    patch: JsonValue,
    options: WriteOptions,
  ): WriteResult {
    const apply = this.patcher(contentType, !type.custom);
    return this.update(
      type,
      namespace,
      name,
      part,
      current => apply(current, patch),
      {
        ...options,
        requireResourceVersion: false,
      },
    );
  }

  /**
   * DELETE of one object. Custom resources answer with the deleted object, built-in kinds with a
   * `Status` of `Success`, as the real API does. Deleting a namespace deletes what is in it.
   */
  remove(
    type: ResourceType,
    namespace: string,
    name: string,
    options: WriteOptions,
  ): JsonObject {
    const current = this.current(type, namespace, name);
    if (!options.dryRun) {
      const objectNamespace = type.namespaced ? namespace : '';
      const stored = this.store.remove(storageKey(type), objectNamespace, name);
      this.store.nextResourceVersion();
      if (
        type.group === NAMESPACES.group &&
        type.plural === NAMESPACES.plural
      ) {
        for (const inside of this.store.removeNamespace(name)) {
          const meta = metadataOf(inside.object);
          const insideType = this.registry.byApiVersionKind(
            str(inside.object.apiVersion) ?? '',
            str(inside.object.kind) ?? '',
          );
          if (insideType) {
            this.changed(
              {
                type: insideType,
                namespace: name,
                name: str(meta.name) ?? '',
                part: 'main',
                before: inside.object,
              },
              inside.object,
            );
          }
        }
      }
      this.changed(
        {
          type,
          namespace: objectNamespace,
          name,
          part: 'main',
          before: current,
        },
        stored,
      );
    }
    if (type.custom) {
      return this.versioned(type, current);
    }
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: {
        name,
        ...(type.group && { group: type.group }),
        kind: type.plural,
        uid: metadataOf(current).uid ?? null,
      },
    };
  }

  private scaleOf(type: ResourceType, object: JsonObject): JsonObject {
    const scale = type.scale!;
    const meta = metadataOf(object);
    const replicas = getPath(object, scale.specReplicasPath);
    const observed = getPath(object, scale.statusReplicasPath);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: meta.name ?? null,
        ...(type.namespaced && { namespace: meta.namespace ?? null }),
        uid: meta.uid ?? null,
        resourceVersion: meta.resourceVersion ?? null,
        creationTimestamp: meta.creationTimestamp ?? null,
      },
      spec: {
        replicas:
          typeof replicas === 'number' ? replicas : scale.defaultReplicas,
      },
      status: {
        replicas: typeof observed === 'number' ? observed : 0,
        selector: scale.labelSelectorPath
          ? formatLabelSelector(getPath(object, scale.labelSelectorPath))
          : '',
      },
    };
  }

  /** GET of the `scale` subresource: an `autoscaling/v1` Scale. */
  getScale(type: ResourceType, namespace: string, name: string): JsonObject {
    return this.scaleOf(type, this.current(type, namespace, name));
  }

  /**
   * PUT or PATCH of the `scale` subresource: `change` turns the current Scale into the desired
   * one, whose `spec.replicas` (an integer, 0 or more) is written to the object.
   */
  updateScale(
    type: ResourceType,
    namespace: string,
    name: string,
    change: (scale: JsonObject) => JsonValue,
    options: WriteOptions,
  ): WriteResult {
    const current = this.current(type, namespace, name);
    const desired = change(this.scaleOf(type, current));
    const replicas = getPath(desired, ['spec', 'replicas']);
    if (
      typeof replicas !== 'number' ||
      !Number.isInteger(replicas) ||
      replicas < 0
    ) {
      throw invalid({ group: 'autoscaling', kind: 'Scale', name }, [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.replicas',
          message: `Invalid value: ${JSON.stringify(
            replicas ?? null,
          )}: must be greater than or equal to 0`,
        },
      ]);
    }
    const desiredVersion = getPath(desired, ['metadata', 'resourceVersion']);
    if (
      desiredVersion &&
      desiredVersion !== metadataOf(current).resourceVersion
    ) {
      throw conflict({ group: type.group, plural: type.plural, name });
    }
    const specReplicasPath = type.scale!.specReplicasPath;
    const result = this.update(
      type,
      namespace,
      name,
      'main',
      object => {
        setPath(object, specReplicasPath, replicas);
        return object;
      },
      { ...options, requireResourceVersion: false },
    );
    return {
      object: this.scaleOf(type, result.object),
      warnings: result.warnings,
    };
  }

  /** PATCH of the `scale` subresource: a JSON, merge or strategic merge patch of the Scale. */
  patchScale(
    type: ResourceType,
    namespace: string,
    name: string,
    contentType: string,
    patch: JsonValue,
    options: WriteOptions,
  ): WriteResult {
    const apply = this.patcher(contentType, true);
    return this.updateScale(
      type,
      namespace,
      name,
      scale => apply(scale, patch),
      options,
    );
  }
}
