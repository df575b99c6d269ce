import { Entity } from '@backstage/catalog-model';
import {
  DrDeclaration,
  DrRun,
  DrRunLogLine,
  DrRunObjectChange,
  DrRunStepName,
  DrServiceTarget,
  DrStatus,
  KubeObject,
} from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * Writes and reads Kubernetes objects of one cluster through the Kubernetes backend's proxy, with
 * the plugin's own credentials. Paths are REST paths (`/apis/velero.io/v1/namespaces/velero/restores`).
 *
 * Every method throws a `ClusterReadError` (kind `unreachable`, `timeout`, `unauthorized`,
 * `forbidden`, `server`, ...) when the cluster does not answer as expected.
 */
export interface KubeWriter {
  /** GET one object; undefined on 404. */
  get(cluster: string, path: string): Promise<KubeObject | undefined>;
  /** LIST a collection path, optionally with a label selector (`a=b,c`). */
  list(
    cluster: string,
    collectionPath: string,
    labelSelector?: string,
  ): Promise<KubeObject[]>;
  /**
   * POST an object to a collection path. Idempotent: on 409 AlreadyExists the existing object is
   * returned (steps create with deterministic names).
   */
  create(
    cluster: string,
    collectionPath: string,
    body: KubeObject,
  ): Promise<KubeObject>;
  /** PATCH an object with a JSON merge patch (`application/merge-patch+json`). */
  patch(cluster: string, path: string, mergePatch: unknown): Promise<KubeObject>;
  /** DELETE an object; a 404 is not an error. */
  delete(cluster: string, path: string): Promise<void>;
}

/** Limits of the steps, from `disasterRecovery.runs`. Seconds unless said otherwise. */
export interface RunStepLimits {
  /** How long scale-up-and-verify waits for ready replicas (and the health URL). Default 600. */
  verifyTimeoutSeconds: number;
  /** How long a Velero Restore may take before the promote step fails. Default 3600. */
  restoreTimeoutSeconds: number;
  /** How long to wait between two checks of a step that waits, in milliseconds. Default 2000. */
  pollIntervalMs: number;
}

/**
 * What a step sees and may do. In a dry run (`dryRun`), `kube` writes nothing: steps record the
 * changes they would make with `record` and return `{ done: true }` without waiting.
 */
export interface RunStepContext {
  run: DrRun;
  entity: Entity;
  /** The entity's DR declaration (annotations). */
  declaration: DrDeclaration;
  /** How the entity's Kubernetes objects are found. */
  target: DrServiceTarget;
  /** The entity's last evaluated DR status (from the refresh), if any: preflight trusts it. */
  status?: DrStatus;
  kube: KubeWriter;
  dryRun: boolean;
  limits: RunStepLimits;
  /** When the step first started (RFC 3339), for its timeouts across restarts. */
  stepStartedAt: string;
  log(level: DrRunLogLine['level'], message: string): void;
  /** Records an object the step created, patched or deleted (or would, in a dry run). */
  record(change: DrRunObjectChange): void;
  /** GETs a URL (the health URL); resolves with the HTTP status, rejects when there is no answer. */
  httpStatus(url: string): Promise<number>;
  now(): Date;
}

/**
 * What a step's `run` returns. Steps are idempotent and re-entrant: the executor calls `run`
 * again after `retryAfterMs` (or after a backend restart) until it returns `done`; a step that
 * waits for a person returns `waiting` until the run is confirmed.
 */
export type StepOutcome =
  | { done: true }
  | { retryAfterMs: number }
  | { waiting: 'confirmation' };

/**
 * One step of a run. `run` throws an Error (its message recorded as the step's error) to fail
 * the step and the run.
 */
export interface RunStepDefinition {
  name: DrRunStepName;
  /** Whether the run of this type and strategy has this step. */
  applies(run: DrRun, declaration: DrDeclaration): boolean;
  run(ctx: RunStepContext): Promise<StepOutcome>;
  /** Undoes the step when a run is cancelled before promote (the fence: scale back, un-annotate). */
  undo?(ctx: RunStepContext): Promise<void>;
}
