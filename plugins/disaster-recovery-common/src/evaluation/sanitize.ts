import { z } from 'zod';
import { KubeObject } from './kubernetes';
import {
  BuiltInClusterResource,
  ClusterEvidence,
  ClusterObjects,
  ClusterResource,
} from './types';

/*
 * Objects come from clusters and dumps that anyone can write: every field the evaluation reads is
 * checked here once, against the shape the project's own types give it (Velero v1,
 * snapshot.storage.k8s.io/v1, VolSync v1alpha1, CloudNativePG v1, Strimzi, apps/v1, v1). A field of
 * the wrong type is removed from the object the evaluation sees and recorded as a problem that
 * names the object and the field; an object without a readable `metadata.name` is left out and
 * recorded for its cluster. So a malformed object is a reason, never a crash and never a silent
 * misread.
 */

const str = z.string().nullish();
const bool = z.boolean().nullish();
const num = z.number().nullish();
const strings = z.array(z.string()).nullish();
const stringMap = z.record(z.string(), z.string()).nullish();

const labelSelector = z
  .object({
    matchLabels: stringMap,
    matchExpressions: z
      .array(
        z.object({
          key: z.string(),
          operator: z.string(),
          values: strings,
        }),
      )
      .nullish(),
  })
  .nullish();

const metadata = z.object({
  name: z.string().min(1),
  namespace: str,
  labels: stringMap,
  annotations: stringMap,
  creationTimestamp: str,
});

const condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: str,
  message: str,
  lastTransitionTime: str,
});
const conditions = z.array(condition).nullish();

const backupSpec = z
  .object({
    includedNamespaces: strings,
    excludedNamespaces: strings,
    includedResources: strings,
    excludedResources: strings,
    includedNamespaceScopedResources: strings,
    excludedNamespaceScopedResources: strings,
    includedClusterScopedResources: strings,
    excludedClusterScopedResources: strings,
    labelSelector,
    orLabelSelectors: z.array(labelSelector).nullish(),
    snapshotVolumes: bool,
    snapshotMoveData: bool,
    defaultVolumesToFsBackup: bool,
    ttl: str,
    storageLocation: str,
  })
  .nullish();

const podTemplate = z
  .object({
    metadata: z.object({ labels: stringMap, annotations: stringMap }).nullish(),
    spec: z
      .object({
        volumes: z
          .array(
            z.object({
              name: z.string(),
              persistentVolumeClaim: z
                .object({ claimName: z.string() })
                .nullish(),
            }),
          )
          .nullish(),
      })
      .nullish(),
  })
  .nullish();

const SCHEMAS: Record<BuiltInClusterResource, z.ZodType> = {
  backups: z.object({
    metadata,
    spec: backupSpec,
    status: z
      .object({
        phase: str,
        startTimestamp: str,
        completionTimestamp: str,
        expiration: str,
        errors: num,
        warnings: num,
        failureReason: str,
        validationErrors: strings,
        wildcardNamespaces: z.object({ wildcardResult: strings }).nullish(),
      })
      .nullish(),
  }),
  schedules: z.object({
    metadata,
    spec: z
      .object({
        schedule: str,
        paused: bool,
        template: backupSpec,
      })
      .nullish(),
    status: z
      .object({
        phase: str,
        lastBackup: str,
        lastSkipped: str,
        validationErrors: strings,
      })
      .nullish(),
  }),
  restores: z.object({
    metadata,
    spec: z
      .object({
        backupName: str,
        scheduleName: str,
        includedNamespaces: strings,
        excludedNamespaces: strings,
        includedResources: strings,
        excludedResources: strings,
        labelSelector,
        orLabelSelectors: z.array(labelSelector).nullish(),
        namespaceMapping: stringMap,
      })
      .nullish(),
    status: z
      .object({
        phase: str,
        startTimestamp: str,
        completionTimestamp: str,
        errors: num,
        warnings: num,
        failureReason: str,
      })
      .nullish(),
  }),
  backupStorageLocations: z.object({
    metadata,
    spec: z
      .object({
        default: bool,
        provider: str,
        accessMode: str,
        objectStorage: z.object({ bucket: str, prefix: str }).nullish(),
        config: stringMap,
      })
      .nullish(),
    status: z
      .object({
        phase: str,
        lastValidationTime: str,
        lastSyncedTime: str,
        message: str,
      })
      .nullish(),
  }),
  volumeSnapshots: z.object({
    metadata,
    spec: z
      .object({
        source: z.object({ persistentVolumeClaimName: str }).nullish(),
        volumeSnapshotClassName: str,
      })
      .nullish(),
    status: z
      .object({
        readyToUse: bool,
        creationTime: str,
        error: z.object({ message: str, time: str }).nullish(),
      })
      .nullish(),
  }),
  replicationSources: z.object({
    metadata,
    spec: z
      .object({
        sourcePVC: str,
        trigger: z.object({ schedule: str, manual: str }).nullish(),
        paused: bool,
      })
      .nullish(),
    status: z
      .object({
        lastSyncTime: str,
        lastSyncStartTime: str,
        lastSyncDuration: str,
        nextSyncTime: str,
        lastManualSync: str,
        conditions,
      })
      .nullish(),
  }),
  replicationDestinations: z.object({ metadata }),
  postgresClusters: z.object({
    metadata,
    spec: z
      .object({
        replica: z
          .object({
            enabled: bool,
            primary: str,
            source: str,
            self: str,
          })
          .nullish(),
      })
      .nullish(),
    status: z.object({ phase: str, conditions, currentPrimary: str }).nullish(),
  }),
  mirrorMakers: z.object({
    metadata,
    status: z
      .object({
        conditions,
        connectors: z
          .array(
            z.object({
              name: str,
              connector: z.object({ state: str }).nullish(),
              tasks: z.array(z.object({ id: num, state: str })).nullish(),
            }),
          )
          .nullish(),
      })
      .nullish(),
  }),
  persistentVolumeClaims: z.object({ metadata }),
  statefulSets: z.object({
    metadata,
    spec: z
      .object({
        replicas: num,
        selector: z.object({ matchLabels: stringMap }).nullish(),
        volumeClaimTemplates: z
          .array(
            z.object({
              metadata: z
                .object({ name: z.string(), labels: stringMap })
                .nullish(),
            }),
          )
          .nullish(),
        template: podTemplate,
      })
      .nullish(),
    status: z.object({ readyReplicas: num, replicas: num }).nullish(),
  }),
  deployments: z.object({
    metadata,
    spec: z
      .object({
        replicas: num,
        selector: z.object({ matchLabels: stringMap }).nullish(),
        template: podTemplate,
      })
      .nullish(),
    status: z.object({ readyReplicas: num, replicas: num }).nullish(),
  }),
};

/**
 * A field of an object that could not be read: `field` is its path (`spec.schedule`), `problem`
 * what was wrong with it (`expected string, got number`).
 *
 * @public
 */
export interface DrObjectProblem {
  field: string;
  problem: string;
}

/**
 * An item of a list that could not be read at all (no `metadata.name`, not an object): left out
 * of the evaluation.
 *
 * @public
 */
export interface DrMalformedItem {
  resource: ClusterResource;
  /** The item's `metadata.namespace`, when that much could be read. */
  namespace?: string;
  message: string;
}

/**
 * Objects of the resource types other status providers add are checked for their metadata only
 * (`metadata.name` a string, labels a map of strings, ...): the provider checks the fields it
 * reads.
 */
const PROVIDER_OBJECT_SCHEMA = z.object({ metadata });

const isBuiltIn = (resource: string): resource is BuiltInClusterResource =>
  Object.prototype.hasOwnProperty.call(SCHEMAS, resource);

const problemsOf = new WeakMap<object, DrObjectProblem[]>();
const sanitizedLists = new WeakMap<
  readonly unknown[],
  { items: KubeObject[]; malformed: DrMalformedItem[] }
>();

/**
 * The problems found in an object's fields by {@link sanitizeEvidence} (empty when none).
 *
 * @public
 */
export function objectProblems(obj: object): readonly DrObjectProblem[] {
  return problemsOf.get(obj) ?? [];
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return typeof value;
}

/** Zod's name of an expected type in the words of Kubernetes' API reference. */
function kindName(expected: string | undefined): string {
  if (expected === 'array') return 'list';
  if (expected === 'record' || expected === 'object') return 'map';
  return expected ?? 'another form';
}

function describeFatal(value: unknown, expected: string): string {
  if (value === undefined) return 'is missing';
  if (value === '') return 'is empty';
  return `expected ${expected}, got ${typeName(value)}`;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cursor: any = obj;
  for (const key of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = cursor[key as any];
  }
  return cursor;
}

/** A copy of `obj` along `path`, with the value at `path` removed (a list item spliced out). */
function without(obj: any, path: readonly PropertyKey[]): any {
  if (path.length === 0) return undefined;
  const [head, ...rest] = path;
  if (Array.isArray(obj)) {
    const copy = [...obj];
    if (rest.length === 0) copy.splice(Number(head), 1);
    else copy[Number(head)] = without(copy[Number(head)], rest);
    return copy;
  }
  if (obj === null || typeof obj !== 'object') return obj;
  const copy = { ...obj };
  if (rest.length === 0) delete copy[head as any];
  else copy[head as any] = without(copy[head as any], rest);
  return copy;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`,
    )
    .join('');
}

function sanitizeItem(
  resource: ClusterResource,
  raw: unknown,
): { item?: KubeObject; problems: DrObjectProblem[]; fatal?: string } {
  const schema = isBuiltIn(resource)
    ? SCHEMAS[resource]
    : PROVIDER_OBJECT_SCHEMA;
  let current: any = raw;
  const problems: DrObjectProblem[] = [];
  let justRemoved: string | undefined;
  // One issue at a time: removing a list item shifts the indexes of the others.
  for (let attempt = 0; attempt < 64; attempt++) {
    const result = schema.safeParse(current);
    if (result.success) {
      return { item: current as KubeObject, problems };
    }
    for (const issue of result.error.issues.slice(0, 1)) {
      const path = issue.path;
      if (
        path.length === 0 ||
        (path[0] === 'metadata' && (path.length === 1 || path[1] === 'name'))
      ) {
        return {
          problems,
          fatal:
            path.length === 0
              ? `is a ${typeName(raw)}, not an object`
              : `${formatPath(path)}: ${describeFatal(
                  valueAt(current, path),
                  path.length === 1 ? 'map' : 'string',
                )}`,
        };
      }
      const value = valueAt(current, path);
      if (value === undefined) {
        // A required field missing (or removed): the list item or map that needs it goes.
        const last = [...path].reverse().findIndex(p => typeof p === 'number');
        const cut =
          last === -1 ? path.slice(0, -1) : path.slice(0, path.length - last);
        if (cut.length === 0 || (cut[0] === 'metadata' && cut.length === 1)) {
          return { problems, fatal: `${formatPath(path)}: is missing` };
        }
        // A field just removed for its type is not reported a second time as missing.
        if (justRemoved !== formatPath(path)) {
          problems.push({ field: formatPath(path), problem: 'is missing' });
        }
        justRemoved = undefined;
        current = without(current, cut);
        continue;
      }
      const expected = /expected (\w+)/.exec(issue.message)?.[1];
      problems.push({
        field: formatPath(path),
        problem:
          value === undefined
            ? 'is missing'
            : `expected ${kindName(expected)}, got ${typeName(value)}`,
      });
      current = without(current, path);
      justRemoved = formatPath(path);
    }
  }
  return { problems, fatal: 'could not be read' };
}

/**
 * Checks one object of a list as {@link sanitizeEvidence} does: the object the evaluation may
 * read (fields of the wrong type removed, recorded for {@link objectProblems}), or undefined when
 * it cannot be read at all.
 *
 * @public
 */
export function sanitizeObject(
  resource: ClusterResource,
  raw: unknown,
): KubeObject | undefined {
  const { item, problems } = sanitizeItem(resource, raw);
  if (item && problems.length > 0) problemsOf.set(item, problems);
  return item;
}

/**
 * Makes `to` (a copy of `from` reduced to some fields) carry the problems found in `from`.
 *
 * @public
 */
export function carryProblems(from: object, to: object): void {
  const problems = problemsOf.get(from);
  if (problems) problemsOf.set(to, problems);
}

function sanitizeList(
  resource: ClusterResource,
  list: readonly unknown[],
): { items: KubeObject[]; malformed: DrMalformedItem[] } {
  const cached = sanitizedLists.get(list);
  if (cached) return cached;
  const items: KubeObject[] = [];
  const malformed: DrMalformedItem[] = [];
  let clean = true;
  for (const raw of Array.isArray(list) ? list : []) {
    const { item, problems, fatal } = sanitizeItem(resource, raw);
    if (item) {
      items.push(item);
      if (problems.length > 0) {
        problemsOf.set(item, problems);
        clean = false;
      }
      if (item !== raw) clean = false;
    } else {
      clean = false;
      const namespace = valueAt(raw, ['metadata', 'namespace']);
      const name = valueAt(raw, ['metadata', 'name']);
      malformed.push({
        resource,
        namespace: typeof namespace === 'string' ? namespace : undefined,
        message: `an item of ${resource}${
          typeof name === 'string' && name ? ` (${name})` : ''
        } ${fatal}`,
      });
    }
  }
  // A clean list keeps its identity, so indexes built on it (by identity) are shared.
  const result = {
    items: clean ? (list as KubeObject[]) : items,
    malformed,
  };
  sanitizedLists.set(list, result);
  return result;
}

/**
 * One cluster's evidence after {@link sanitizeEvidence}.
 *
 * @public
 */
export interface SanitizedEvidence extends ClusterEvidence {
  /** List items left out because they could not be read at all. */
  malformed: DrMalformedItem[];
}

/**
 * Checks every object of a cluster's evidence against the fields the evaluation reads. Objects
 * with fields of the wrong type come back without those fields (see {@link objectProblems});
 * items that cannot be read at all are left out and listed in `malformed`. A list whose objects
 * are all well-formed is returned as it is. Lists are checked once (cached by identity), however
 * many services read them.
 *
 * @public
 */
export function sanitizeEvidence(evidence: ClusterEvidence): SanitizedEvidence {
  const objects: ClusterObjects = {};
  const malformed: DrMalformedItem[] = [];
  const raw = (evidence.objects ?? {}) as Record<string, unknown>;
  // The built-in resources first, then those of other status providers (checked for metadata).
  const resources: ClusterResource[] = Object.keys(SCHEMAS);
  for (const resource of Object.keys(raw)) {
    if (!isBuiltIn(resource)) resources.push(resource);
  }
  for (const resource of resources) {
    const list = raw[resource];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      malformed.push({
        resource,
        message: `the ${resource} list is a ${typeName(list)}, not a list`,
      });
      continue;
    }
    const result = sanitizeList(resource, list);
    (objects as Record<string, unknown>)[resource] = result.items;
    malformed.push(...result.malformed);
  }
  const lag = evidence.postgresReplicationLagSeconds;
  return {
    cluster: evidence.cluster,
    objects,
    failures: Array.isArray(evidence.failures) ? evidence.failures : undefined,
    postgresReplicationLagSeconds:
      lag && typeof lag === 'object' ? lag : undefined,
    malformed,
  };
}
