import { isJsonObject } from './json';

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

/**
 * Checks a faults object (from JSON or from code) and returns a clean copy. Throws an Error
 * that says what is wrong: unknown fields, wrong types, a status not in FAULT_STATUSES, or a
 * missing CRD name the simulator does not serve (`knownCrds`).
 */
export function parseFaults(value: unknown, knownCrds: string[]): Faults {
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
  return faults;
}
