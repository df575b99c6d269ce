import { Entity } from '@backstage/catalog-model';
import {
  DrDeclaration,
  DrRun,
  DrRunStep,
  DrRunStepName,
  DrStatus,
  KubeObject,
  matchesLabelSelector,
  parseLabelSelector,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { KubeRequestError } from '../../../kubernetes/KubeWriterClient';
import { KubeWriter, RunStepContext, RunStepDefinition } from '../../types';

interface ParsedPath {
  prefix: string;
  plural: string;
  namespace?: string;
  name?: string;
}

/** `/apis/apps/v1/namespaces/shop/deployments/x` → its parts. */
function parsePath(path: string): ParsedPath {
  const segments = path
    .split('?')[0]
    .split('/')
    .filter(Boolean)
    .map(decodeURIComponent);
  const prefixLength = segments[0] === 'api' ? 2 : 3;
  const prefix = `/${segments.slice(0, prefixLength).join('/')}`;
  const rest = segments.slice(prefixLength);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    return { prefix, namespace: rest[1], plural: rest[2], name: rest[3] };
  }
  return { prefix, plural: rest[0], name: rest[1] };
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return clone(patch);
  }
  const result: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** One call that writes, as the fake saw it. */
export interface FakeWrite {
  method: 'create' | 'patch' | 'delete';
  cluster: string;
  path: string;
  body?: unknown;
}

/**
 * An in-memory KubeWriter: objects by cluster and REST path, label selectors as the API server
 * reads them, merge patches, idempotent create. Clusters in `unreachable` fail every call with
 * a ClusterReadError `unreachable`. `writes` lists every create, patch and delete.
 */
export class FakeKube implements KubeWriter {
  readonly writes: FakeWrite[] = [];
  readonly unreachable = new Set<string>();
  /** Resources (`/apis/group/version plural`) the clusters do not serve (CRD not installed). */
  readonly notInstalled = new Set<string>();
  private readonly objects = new Map<string, KubeObject>();

  private key(cluster: string, p: ParsedPath, name: string): string {
    return [cluster, p.prefix, p.plural, p.namespace ?? '', name].join(' ');
  }

  private check(cluster: string, p: ParsedPath) {
    if (this.unreachable.has(cluster)) {
      throw new KubeRequestError(
        'unreachable',
        cluster,
        `${cluster} could not be reached: connect ECONNREFUSED`,
      );
    }
    if (this.notInstalled.has(`${p.prefix} ${p.plural}`)) {
      throw new KubeRequestError(
        'not-installed',
        cluster,
        `${p.plural} is not served on ${cluster}`,
        404,
        'NotFound',
      );
    }
  }

  /** Puts an object (in a test's setup, or as a controller would change it). */
  put(cluster: string, collection: string, object: KubeObject): KubeObject {
    const p = parsePath(collection);
    const stored = clone(object);
    this.objects.set(
      this.key(
        cluster,
        { ...p, namespace: object.metadata.namespace },
        object.metadata.name,
      ),
      stored,
    );
    return stored;
  }

  /** The stored object at a path. */
  object<T extends KubeObject = any>(
    cluster: string,
    path: string,
  ): T | undefined {
    const p = parsePath(path);
    return this.objects.get(this.key(cluster, p, p.name!)) as T | undefined;
  }

  /** Changes a stored object with a merge patch, as a controller would (no write is counted). */
  update(cluster: string, path: string, patch: unknown): void {
    const p = parsePath(path);
    const key = this.key(cluster, p, p.name!);
    const existing = this.objects.get(key);
    if (!existing) throw new Error(`no object at ${cluster} ${path}`);
    this.objects.set(key, mergePatch(existing, patch) as KubeObject);
  }

  async get(cluster: string, path: string): Promise<KubeObject | undefined> {
    if (path === '/version') {
      this.check(cluster, { prefix: '/version', plural: '' });
      return { gitVersion: 'v1.33.0' } as unknown as KubeObject;
    }
    const p = parsePath(path);
    this.check(cluster, p);
    return clone(this.objects.get(this.key(cluster, p, p.name!)));
  }

  async list(
    cluster: string,
    collectionPath: string,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    const p = parsePath(collectionPath);
    this.check(cluster, p);
    const selector = labelSelector
      ? parseLabelSelector(labelSelector)
      : undefined;
    const found: KubeObject[] = [];
    for (const [key, object] of this.objects) {
      const [c, prefix, plural, namespace] = key.split(' ');
      if (c !== cluster || prefix !== p.prefix || plural !== p.plural) continue;
      if (p.namespace && namespace !== p.namespace) continue;
      if (selector && !matchesLabelSelector(selector, object.metadata.labels))
        continue;
      found.push(clone(object));
    }
    return found.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  async create(
    cluster: string,
    collectionPath: string,
    body: KubeObject,
  ): Promise<KubeObject> {
    const p = parsePath(collectionPath);
    this.check(cluster, p);
    this.writes.push({
      method: 'create',
      cluster,
      path: collectionPath,
      body: clone(body),
    });
    const key = this.key(cluster, p, body.metadata.name);
    const existing = this.objects.get(key);
    if (existing) return clone(existing);
    const stored = clone(body);
    this.objects.set(key, stored);
    return clone(stored);
  }

  async patch(
    cluster: string,
    path: string,
    patch: unknown,
  ): Promise<KubeObject> {
    const p = parsePath(path);
    this.check(cluster, p);
    this.writes.push({ method: 'patch', cluster, path, body: clone(patch) });
    const key = this.key(cluster, p, p.name!);
    const existing = this.objects.get(key);
    if (!existing) {
      throw new KubeRequestError(
        'server-error',
        cluster,
        `PATCH ${path} on ${cluster} answered 404 NotFound: ${p.plural} "${p.name}" not found`,
        404,
        'NotFound',
      );
    }
    const patched = mergePatch(existing, patch) as KubeObject;
    this.objects.set(key, patched);
    return clone(patched);
  }

  async delete(cluster: string, path: string): Promise<void> {
    const p = parsePath(path);
    this.check(cluster, p);
    this.writes.push({ method: 'delete', cluster, path });
    this.objects.delete(this.key(cluster, p, p.name!));
  }
}

/** The DR declaration of the example service. */
export function declaration(
  overrides: Partial<DrDeclaration> = {},
): DrDeclaration {
  return {
    tier: 'tier-1',
    policy: {
      name: 'tier-1',
      maxRpoSeconds: 3600,
      maxRtoSeconds: 14400,
      strategies: ['warm-standby', 'pilot-light'],
      maxDrillAgeSeconds: 90 * 86400,
    },
    strategy: 'backup-restore',
    rpoSeconds: 3600,
    rtoSeconds: 14400,
    drillCadenceSeconds: 90 * 86400,
    primaryCluster: 'prod-eu',
    recoveryCluster: 'dr-us',
    ...overrides,
  };
}

export const NOW = new Date('2025-06-01T12:00:00Z');

/** A DR status with one counted Velero backup of `ageSeconds`. */
export function status(
  overrides: Partial<DrStatus> = {},
  ageSeconds = 600,
): DrStatus {
  const time = new Date(NOW.getTime() - ageSeconds * 1000).toISOString();
  return {
    verdict: 'compliant',
    reasons: [],
    evaluatedAt: NOW.toISOString(),
    achievedRpoSeconds: ageSeconds,
    recoveryPoints: [
      {
        time,
        source: 'velero-backup',
        kind: 'Backup',
        name: 'orders-hourly-20250601110000',
        namespace: 'velero',
        cluster: 'prod-eu',
        usable: true,
        counted: true,
        phase: 'Completed',
      },
      {
        time: new Date(NOW.getTime() - 7200 * 1000).toISOString(),
        source: 'velero-backup',
        kind: 'Backup',
        name: 'orders-hourly-20250601100000',
        namespace: 'velero',
        cluster: 'prod-eu',
        usable: true,
        counted: true,
        phase: 'Completed',
      },
    ],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: [],
    lastDrill: null,
    measuredRtoSeconds: null,
    unreadable: [],
    primaryClusters: ['prod-eu'],
    primarySource: 'annotation',
    ...overrides,
  };
}

export function entity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': 'orders',
        'backstage.io/kubernetes-namespace': 'shop',
        ...annotations,
      },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

export function run(overrides: Partial<DrRun> = {}): DrRun {
  const type = overrides.type ?? 'failover';
  return {
    id: 'run-1',
    type,
    entityRef: 'component:default/orders',
    state: 'running',
    strategy: 'backup-restore',
    fromCluster: type === 'failback' ? 'dr-us' : 'prod-eu',
    toCluster: type === 'failback' ? 'prod-eu' : 'dr-us',
    options: {},
    createdBy: 'user:default/alice',
    createdAt: NOW.toISOString(),
    steps: [],
    ...overrides,
  };
}

/** A test context: what the executor would give a step, with the run's record kept up to date. */
export interface TestContext extends RunStepContext {
  kube: FakeKube;
  clock: { now: Date };
  /** The HTTP answers of `httpStatus`, in order (the last one repeats); an Error rejects. */
  httpAnswers: Array<number | Error>;
  httpCalls: string[];
}

export function context(options: {
  step: DrRunStepName;
  run?: DrRun;
  kube?: FakeKube;
  status?: DrStatus | null;
  declaration?: DrDeclaration;
  entity?: Entity;
  dryRun?: boolean;
}): TestContext {
  const theRun = options.run ?? run();
  const clock = { now: new Date(NOW) };
  const stepStartedAt = NOW.toISOString();
  const stepOf = (): DrRunStep => {
    let s = theRun.steps.find(x => x.name === options.step);
    if (!s) {
      s = {
        name: options.step,
        state: 'running',
        startedAt: stepStartedAt,
        objects: [],
        log: [],
      };
      theRun.steps.push(s);
    }
    return s;
  };
  const ctx: TestContext = {
    run: theRun,
    entity: options.entity ?? entity(),
    declaration:
      options.declaration ?? declaration({ strategy: theRun.strategy }),
    target: { id: 'orders', namespace: 'shop' },
    status: options.status === null ? undefined : options.status ?? status(),
    kube: options.kube ?? new FakeKube(),
    dryRun: options.dryRun ?? false,
    limits: {
      verifyTimeoutSeconds: 600,
      restoreTimeoutSeconds: 3600,
      pollIntervalMs: 1000,
    },
    stepStartedAt,
    log(level, message) {
      stepOf().log.push({ time: clock.now.toISOString(), level, message });
    },
    record(change) {
      stepOf().objects.push(change);
    },
    httpAnswers: [200],
    httpCalls: [],
    async httpStatus(url) {
      ctx.httpCalls.push(url);
      const answer =
        ctx.httpAnswers.length > 1
          ? ctx.httpAnswers.shift()!
          : ctx.httpAnswers[0];
      if (answer instanceof Error) throw answer;
      return answer;
    },
    now: () => clock.now,
    clock,
  };
  return ctx;
}

/** The step's record in the run: its objects and log. */
export function recorded(ctx: RunStepContext, step: DrRunStepName): DrRunStep {
  return (
    ctx.run.steps.find(s => s.name === step) ?? {
      name: step,
      state: 'pending',
      objects: [],
      log: [],
    }
  );
}

/** The step's log messages. */
export function messages(ctx: RunStepContext, step: DrRunStepName): string[] {
  return recorded(ctx, step).log.map(l => `${l.level}: ${l.message}`);
}

/** Moves the test clock on. */
export function advance(ctx: TestContext, seconds: number): void {
  ctx.clock.now = new Date(ctx.clock.now.getTime() + seconds * 1000);
}

/** The collection paths the tests use. */
export const paths = {
  deployments: (ns = 'shop') => `/apis/apps/v1/namespaces/${ns}/deployments`,
  statefulSets: (ns = 'shop') => `/apis/apps/v1/namespaces/${ns}/statefulsets`,
  cnpg: (ns = 'shop') =>
    `/apis/postgresql.cnpg.io/v1/namespaces/${ns}/clusters`,
  restores: '/apis/velero.io/v1/namespaces/velero/restores',
  backups: '/apis/velero.io/v1/namespaces/velero/backups',
  replicationDestinations: (ns = 'shop') =>
    `/apis/volsync.backube/v1alpha1/namespaces/${ns}/replicationdestinations`,
  pvcs: (ns = 'shop') => `/api/v1/namespaces/${ns}/persistentvolumeclaims`,
  namespaces: '/api/v1/namespaces',
};

/** A StatefulSet or Deployment of the example service. */
export function workload(
  name: string,
  replicas: number,
  extra: {
    namespace?: string;
    readyReplicas?: number;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  } = {},
): KubeObject & {
  spec: { replicas: number };
  status: { readyReplicas: number };
} {
  return {
    metadata: {
      name,
      namespace: extra.namespace ?? 'shop',
      labels: extra.labels ?? { 'backstage.io/kubernetes-id': 'orders' },
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec: { replicas },
    status: { readyReplicas: extra.readyReplicas ?? replicas },
  };
}

/** Runs a step until it is done (or `maxCalls`), calling `between` after each call that waits. */
export async function runUntilDone(
  step: RunStepDefinition,
  ctx: TestContext,
  between: (call: number) => void | Promise<void> = () => {},
  maxCalls = 20,
) {
  for (let call = 1; call <= maxCalls; call++) {
    const outcome = await step.run(ctx);
    if ('done' in outcome) return { outcome, calls: call };
    await between(call);
  }
  throw new Error(`${step.name} was not done after ${maxCalls} calls`);
}
