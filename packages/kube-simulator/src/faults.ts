import { isJsonObject, JsonObject, JsonValue } from './json';

/** The HTTP statuses a cluster can be told to answer every API request with. */
export const FAULT_STATUSES = [500, 502, 503, 401, 403] as const;

/**
 * Faults a simulated cluster injects into every API request (admin endpoints excepted).
 * All fields are optional; `{}` means a healthy cluster.
 */
export interface Faults {
  /** Delay before each answer, in milliseconds. */
  latencyMs?: number;
  /**
   * Answer every request with this status and a `kind: Status` body: 500 `InternalError`,
   * 502 `InternalError`, 503 `ServiceUnavailable`, 401 `Unauthorized`, 403 `Forbidden`.
   */
  status?: (typeof FAULT_STATUSES)[number];
  /**
   * With `status`: answer it only on requests for these resources (`<plural>.<group>`, or
   * `<plural>` for the core group, e.g. `backups.velero.io`, `statefulsets.apps`,
   * `persistentvolumeclaims`), as a cluster whose RBAC does not grant them does; everything
   * else is served. Without it, `status` answers every request.
   */
  statusResources?: string[];
  /**
   * Every list request that carries a `continue` token answers `410 Gone`, reason `Expired`,
   * with the API server's message and a `metadata.continue` token, as after etcd compacted the
   * revision the list was started at. Lists without `continue` are served.
   */
  expireContinue?: boolean;
  /**
   * Lists asked for with `limit` return at most this many items per page (with a `continue`
   * token when more remain), whatever the limit: the API may return fewer items than asked for,
   * and clients must follow `continue`. Lists without `limit` return everything. With
   * `expireContinue`, makes any list of more items than this meet an expired token.
   */
  maxPageSize?: number;
  /**
   * Resources (named as in `statusResources`) whose list answers carry items with fields of the
   * wrong type: in `spec` and `status`, strings become numbers (their length), numbers and
   * booleans strings, at every depth. `metadata` is left whole, so the items are still objects a
   * client can name.
   */
  malformedItems?: string[];
  /** Destroy each request's socket without answering (clients see a connection reset). */
  closeConnections?: boolean;
  /**
   * CRDs to hide, by name (`<plural>.<group>`, e.g. `backups.velero.io`): they vanish from
   * discovery and their paths answer 404, as on a cluster where the operator is not installed.
   */
  missingCrds?: string[];
  /**
   * Controller fault: every Velero Restore that finishes on this cluster ends in this phase
   * instead of `Completed`. `PartiallyFailed`: one item is not restored (`status.errors`, and a
   * `status.warnings`); `Failed`: nothing is restored (`status.failureReason`).
   */
  restoreFailure?: (typeof RESTORE_FAILURES)[number];
  /**
   * Controller fault: Deployments and StatefulSets whose replicas change never become ready
   * (`readyReplicas`/`availableReplicas` stay 0). Clearing it lets them become ready.
   */
  workloadsNeverReady?: boolean;
}

/** The phases the `restoreFailure` fault can make Velero Restores end in. */
export const RESTORE_FAILURES = ['PartiallyFailed', 'Failed'] as const;

/** Checks a list of resource names against the served ones; the field's name in errors. */
function parseResourceNames(
  field: string,
  value: unknown,
  known: string[],
): string[] {
  if (!Array.isArray(value) || !value.every(name => typeof name === 'string')) {
    throw new Error(
      `${field} must be a list of resource names such as backups.velero.io, statefulsets.apps or persistentvolumeclaims`,
    );
  }
  const names = value as string[];
  const unserved = names.filter(name => !known.includes(name));
  if (unserved.length > 0) {
    throw new Error(
      `${field}: ${unserved.join(', ')} not served; served: ${known.join(
        ', ',
      )}`,
    );
  }
  return [...names];
}

/**
 * The name the resource-scoped faults use for a resource type: `<plural>.<group>`, or
 * `<plural>` for the core group.
 */
export function faultResourceName(type: {
  group: string;
  plural: string;
}): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

function malformValue(value: JsonValue): JsonValue {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) return value.map(malformValue);
  if (isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, malformValue(v)]),
    );
  }
  return value;
}

/**
 * The `malformedItems` fault on one list item: a copy whose `spec` and `status` fields have the
 * wrong types (strings become numbers, numbers and booleans strings), `metadata` left whole.
 */
export function malformItem(item: JsonObject): JsonObject {
  const copy: JsonObject = { ...item };
  for (const key of ['spec', 'status']) {
    if (copy[key] !== undefined) copy[key] = malformValue(copy[key]);
  }
  return copy;
}

/**
 * Checks a faults object (from JSON or from code) and returns a clean copy. Throws an Error
 * that says what is wrong: unknown fields, wrong types, a status not in FAULT_STATUSES, a
 * missing CRD name the simulator does not serve (`knownCrds`), or a resource name it does not
 * serve (`knownResources`, as {@link faultResourceName} names them).
 */
export function parseFaults(
  value: unknown,
  knownCrds: string[],
  knownResources: string[] = [],
): Faults {
  if (!isJsonObject(value)) {
    throw new Error('faults must be a JSON object');
  }
  const allowed = [
    'latencyMs',
    'status',
    'closeConnections',
    'missingCrds',
    'restoreFailure',
    'workloadsNeverReady',
    'statusResources',
    'expireContinue',
    'maxPageSize',
    'malformedItems',
  ];
  const unknown = Object.keys(value).filter(key => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `unknown fault field(s) ${unknown.join(', ')}; known: ${allowed.join(
        ', ',
      )}`,
    );
  }
  const faults: Faults = {};
  const {
    latencyMs,
    status,
    closeConnections,
    missingCrds,
    restoreFailure,
    workloadsNeverReady,
    statusResources,
    expireContinue,
    maxPageSize,
    malformedItems,
  } = value;
  if (latencyMs !== undefined) {
    if (typeof latencyMs !== 'number' || !(latencyMs >= 0)) {
      throw new Error('latencyMs must be a number of milliseconds, 0 or more');
    }
    faults.latencyMs = latencyMs;
  }
  if (status !== undefined) {
    const known = FAULT_STATUSES.find(candidate => candidate === status);
    if (known === undefined) {
      throw new Error(`status must be one of ${FAULT_STATUSES.join(', ')}`);
    }
    faults.status = known;
  }
  if (closeConnections !== undefined) {
    if (typeof closeConnections !== 'boolean') {
      throw new Error('closeConnections must be true or false');
    }
    faults.closeConnections = closeConnections;
  }
  if (missingCrds !== undefined) {
    if (
      !Array.isArray(missingCrds) ||
      !missingCrds.every(name => typeof name === 'string')
    ) {
      throw new Error(
        'missingCrds must be a list of CRD names such as backups.velero.io',
      );
    }
    const names = missingCrds as string[];
    const unserved = names.filter(name => !knownCrds.includes(name));
    if (unserved.length > 0) {
      throw new Error(
        `missingCrds: ${unserved.join(
          ', ',
        )} not served; served CRDs: ${knownCrds.join(', ')}`,
      );
    }
    faults.missingCrds = [...names];
  }
  if (restoreFailure !== undefined) {
    const known = RESTORE_FAILURES.find(phase => phase === restoreFailure);
    if (known === undefined) {
      throw new Error(
        `restoreFailure must be one of ${RESTORE_FAILURES.join(', ')}`,
      );
    }
    faults.restoreFailure = known;
  }
  if (workloadsNeverReady !== undefined) {
    if (typeof workloadsNeverReady !== 'boolean') {
      throw new Error('workloadsNeverReady must be true or false');
    }
    faults.workloadsNeverReady = workloadsNeverReady;
  }
  if (statusResources !== undefined) {
    if (status === undefined) {
      throw new Error('statusResources needs a status to answer them with');
    }
    faults.statusResources = parseResourceNames(
      'statusResources',
      statusResources,
      knownResources,
    );
  }
  if (expireContinue !== undefined) {
    if (typeof expireContinue !== 'boolean') {
      throw new Error('expireContinue must be true or false');
    }
    faults.expireContinue = expireContinue;
  }
  if (maxPageSize !== undefined) {
    if (
      typeof maxPageSize !== 'number' ||
      !Number.isInteger(maxPageSize) ||
      maxPageSize < 1
    ) {
      throw new Error('maxPageSize must be a whole number of items, 1 or more');
    }
    faults.maxPageSize = maxPageSize;
  }
  if (malformedItems !== undefined) {
    faults.malformedItems = parseResourceNames(
      'malformedItems',
      malformedItems,
      knownResources,
    );
  }
  return faults;
}
