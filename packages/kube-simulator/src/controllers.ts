import { Cluster } from './cluster';
import { CnpgController } from './cnpg';
import { isJsonObject } from './json';
import { RestoreController } from './restores';
import { WorkloadController } from './workloads';

/**
 * How the simulated controllers act: the Velero restore controller, the Deployment and
 * StatefulSet controllers, and the CloudNativePG operator's replica-cluster switch. Every field is
 * optional; delays are in seconds of real time (fractions allowed, 0 acts on the next tick).
 */
export interface ControllerOptions {
  /** `false`: no controller acts; objects stay as written. Default `true`. */
  enabled?: boolean;
  /** How long a Velero Restore stays `InProgress` before it ends. Default 3. */
  restoreSeconds?: number;
  /** How long after a replicas change a Deployment's or StatefulSet's status follows. Default 2. */
  workloadSeconds?: number;
  /** How long a CloudNativePG demotion or promotion takes. Default 3. */
  cnpgSeconds?: number;
}

/** Controller options with every field set. */
export type ResolvedControllerOptions = Required<ControllerOptions>;

/** The defaults of `ControllerOptions`. */
export const DEFAULT_CONTROLLER_OPTIONS: ResolvedControllerOptions = {
  enabled: true,
  restoreSeconds: 3,
  workloadSeconds: 2,
  cnpgSeconds: 3,
};

const SECONDS_FIELDS = ['restoreSeconds', 'workloadSeconds', 'cnpgSeconds'];

/**
 * Checks controller options (from code or a config file) and returns a clean copy; throws an
 * Error naming `where` and the field when one is wrong.
 */
export function parseControllerOptions(
  value: unknown,
  where: string,
): ControllerOptions {
  if (!isJsonObject(value)) {
    throw new Error(`${where} must be an object`);
  }
  const allowed = ['enabled', ...SECONDS_FIELDS];
  const unknown = Object.keys(value).filter(key => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `${where}: unknown field(s) ${unknown.join(', ')}; known: ${allowed.join(
        ', ',
      )}`,
    );
  }
  const options: ControllerOptions = {};
  if (value.enabled !== undefined) {
    if (typeof value.enabled !== 'boolean') {
      throw new Error(`${where}.enabled must be true or false`);
    }
    options.enabled = value.enabled;
  }
  for (const field of SECONDS_FIELDS) {
    const seconds = value[field];
    if (seconds === undefined) {
      continue;
    }
    if (
      typeof seconds !== 'number' ||
      !Number.isFinite(seconds) ||
      seconds < 0
    ) {
      throw new Error(
        `${where}.${field} must be a number of seconds, 0 or more`,
      );
    }
    (options as Record<string, number>)[field] = seconds;
  }
  return options;
}

/** The options a cluster's controllers run with: its own over the simulator's over the defaults. */
export function resolveControllerOptions(
  global: ControllerOptions | undefined,
  own: ControllerOptions | undefined,
): ResolvedControllerOptions {
  return {
    ...DEFAULT_CONTROLLER_OPTIONS,
    ...(global && parseControllerOptions(global, 'controllers')),
    ...(own && parseControllerOptions(own, 'clusters[].controllers')),
  };
}

/**
 * The pending actions of one cluster's controllers: real-time timers by key, so that a newer
 * change replaces the pending action for the same object. `stop()` clears them all and refuses
 * new ones, so nothing runs after the simulator stops.
 */
export class Timers {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `action` after `seconds` (replacing what was pending under `key`). */
  schedule(key: string, seconds: number, action: () => void): void {
    if (this.stopped) {
      return;
    }
    this.cancel(key);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      if (this.stopped) {
        return;
      }
      try {
        action();
      } catch (error) {
        this.onError(error);
      }
    }, seconds * 1000);
    timer.unref();
    this.pending.set(key, timer);
  }

  cancel(key: string): void {
    const timer = this.pending.get(key);
    if (timer) {
      clearTimeout(timer);
      this.pending.delete(key);
    }
  }

  /** How many actions are waiting to run. */
  get size(): number {
    return this.pending.size;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending.values()) {
      clearTimeout(timer);
    }
    this.pending.clear();
  }
}

/** Counts a cluster's controller writes (tests read it to see that nothing ran). */
export interface WriteCounter {
  writes: number;
}

/**
 * One cluster's controllers. They act only on changes made through the API (never on loaded
 * fixtures) and write through the cluster like any client, so their writes bump resourceVersions
 * and are checked against the CRD schemas.
 */
export class ClusterControllers implements WriteCounter {
  readonly timers: Timers;
  writes = 0;

  /**
   * @param clusters - every simulated cluster (a restore reads the cluster that made its backup)
   */
  constructor(
    readonly cluster: Cluster,
    readonly options: ResolvedControllerOptions,
    clusters: () => Cluster[],
  ) {
    this.timers = new Timers(error => {
      process.stderr.write(
        `kube-simulator: cluster ${cluster.name}: controller error: ${
          error instanceof Error ? error.stack ?? error.message : error
        }\n`,
      );
    });
    if (!options.enabled) {
      return;
    }
    const restores = new RestoreController(
      cluster,
      this.timers,
      options.restoreSeconds,
      clusters,
      this,
    );
    const workloads = new WorkloadController(
      cluster,
      this.timers,
      options.workloadSeconds,
      this,
    );
    const cnpg = new CnpgController(
      cluster,
      this.timers,
      options.cnpgSeconds,
      this,
    );
    cluster.onChange(change => {
      restores.changed(change);
      workloads.changed(change);
      cnpg.changed(change);
    });
    cluster.onFaultsChange(() => workloads.faultsChanged());
  }

  stop(): void {
    this.timers.stop();
  }
}
