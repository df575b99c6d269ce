import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  DrDeclaration,
  DrRunStepName,
  KubeObject,
  TierPolicies,
  parseDrDeclaration,
  serviceTargetFromEntity,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { applyMergePatch } from '../DryRunKubeWriter';
import { RunInputs } from '../RunExecutor';
import {
  KubeWriter,
  RunStepContext,
  RunStepDefinition,
  StepOutcome,
} from '../types';

// Test doubles for the runs: step definitions whose behaviour a test sets per step, and an
// in-memory KubeWriter. The real steps live in ../steps and are tested there.

/** A catalog Component with a valid DR declaration (backup-restore, prod-eu → dr-us). */
export function drEntity(
  name = 'orders-db',
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': 'commerce',
        'disaster-recovery/tier': 'tier-2',
        'disaster-recovery/strategy': 'backup-restore',
        'disaster-recovery/rpo': '2h',
        'disaster-recovery/primary-cluster': 'prod-eu',
        'disaster-recovery/recovery-cluster': 'dr-us',
        ...annotations,
      },
    },
    spec: {
      type: 'database',
      owner: 'commerce-team',
      lifecycle: 'production',
    },
  };
}

export const policies = TierPolicies.fromConfig(new ConfigReader({}));

/** What the steps of a run of `entity` read. */
export function inputsOf(entity: Entity): RunInputs {
  const result = parseDrDeclaration(entity, policies);
  if (result.status !== 'declared') {
    throw new Error(`test entity not declared: ${JSON.stringify(result)}`);
  }
  return {
    entity,
    declaration: result.declaration,
    target: serviceTargetFromEntity(entity)!,
  };
}

/** An in-memory cluster store keyed by cluster and path; records every write. */
export class FakeKube implements KubeWriter {
  readonly objects = new Map<string, KubeObject>();
  readonly writes: Array<{ method: string; cluster: string; path: string }> =
    [];

  async get(cluster: string, path: string) {
    return structuredClone(this.objects.get(`${cluster}${path}`));
  }

  async list(cluster: string, collectionPath: string) {
    const prefix = `${cluster}${collectionPath}/`;
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, o]) => structuredClone(o));
  }

  async create(cluster: string, collectionPath: string, body: KubeObject) {
    this.writes.push({ method: 'POST', cluster, path: collectionPath });
    const key = `${cluster}${collectionPath}/${body.metadata.name}`;
    if (!this.objects.has(key)) this.objects.set(key, structuredClone(body));
    return structuredClone(this.objects.get(key)!);
  }

  async patch(cluster: string, path: string, mergePatch: unknown) {
    this.writes.push({ method: 'PATCH', cluster, path });
    const key = `${cluster}${path}`;
    const next = applyMergePatch(this.objects.get(key) ?? {}, mergePatch);
    this.objects.set(key, next as KubeObject);
    return structuredClone(next) as KubeObject;
  }

  async delete(cluster: string, path: string) {
    this.writes.push({ method: 'DELETE', cluster, path });
    this.objects.delete(`${cluster}${path}`);
  }
}

/** One call of a test step. */
export interface StepCall {
  step: DrRunStepName;
  action: 'run' | 'undo';
  runId: string;
  dryRun: boolean;
  /** Which step set made the call (a backend instance in multi-instance tests). */
  by: string;
  /** When (epoch ms). */
  at: number;
}

export type StepBehaviour = (
  ctx: RunStepContext,
  call: number,
) => Promise<StepOutcome>;

const STS = '/apis/apps/v1/namespaces/commerce/statefulsets/orders-db';

/** What each test step does unless a test says otherwise. */
export const defaultBehaviours: Record<DrRunStepName, StepBehaviour> = {
  preflight: async ctx => {
    ctx.log('info', `${ctx.run.toCluster} is reachable`);
    return { done: true };
  },
  fence: async ctx => {
    const patch = { spec: { replicas: 0 } };
    if (!ctx.dryRun) await ctx.kube.patch(ctx.run.fromCluster, STS, patch);
    ctx.record({
      cluster: ctx.run.fromCluster,
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      namespace: 'commerce',
      name: 'orders-db',
      action: 'patch',
      body: patch,
    });
    return { done: true };
  },
  promote: async ctx => {
    const body = {
      apiVersion: 'velero.io/v1',
      kind: 'Restore',
      metadata: { name: `dr-${ctx.run.id}`, namespace: 'velero' },
      spec: { backupName: 'commerce-hourly-1' },
    };
    if (!ctx.dryRun) {
      await ctx.kube.create(
        ctx.run.toCluster,
        '/apis/velero.io/v1/namespaces/velero/restores',
        body,
      );
    }
    ctx.record({
      cluster: ctx.run.toCluster,
      apiVersion: 'velero.io/v1',
      kind: 'Restore',
      namespace: 'velero',
      name: body.metadata.name,
      action: 'create',
      body,
    });
    return { done: true };
  },
  'scale-up-and-verify': async () => ({ done: true }),
  'traffic-gate': async ctx =>
    ctx.dryRun || ctx.run.trafficConfirmedAt
      ? { done: true }
      : { waiting: 'confirmation' },
  cleanup: async () => ({ done: true }),
};

/**
 * Test step definitions: every step of DR_RUN_STEPS, applying as the real ones do (fence and
 * traffic gate for failover and failback, cleanup for drills, no promote for active-active),
 * doing what `behaviours` says (else `defaultBehaviours`), the fence undone by scaling back.
 * Every call is pushed to `calls`.
 */
export function testSteps(
  options: {
    behaviours?: Partial<Record<DrRunStepName, StepBehaviour>>;
    calls?: StepCall[];
    by?: string;
    undoFence?: (ctx: RunStepContext) => Promise<void>;
  } = {},
): RunStepDefinition[] {
  const calls = options.calls ?? [];
  const by = options.by ?? 'test';
  const counts = new Map<string, number>();
  const definition = (
    name: DrRunStepName,
    applies: RunStepDefinition['applies'],
  ): RunStepDefinition => ({
    name,
    applies,
    async run(ctx) {
      calls.push({
        step: name,
        action: 'run',
        runId: ctx.run.id,
        dryRun: ctx.dryRun,
        by,
        at: Date.now(),
      });
      const key = `${ctx.run.id}/${name}/${ctx.dryRun}`;
      const call = (counts.get(key) ?? 0) + 1;
      counts.set(key, call);
      return (options.behaviours?.[name] ?? defaultBehaviours[name])(ctx, call);
    },
  });
  const failoverOrBack = (run: { type: string }) => run.type !== 'drill';
  return [
    definition('preflight', () => true),
    {
      ...definition('fence', failoverOrBack),
      async undo(ctx) {
        calls.push({
          step: 'fence',
          action: 'undo',
          runId: ctx.run.id,
          dryRun: ctx.dryRun,
          by,
          at: Date.now(),
        });
        if (options.undoFence) return options.undoFence(ctx);
        const patch = { spec: { replicas: 1 } };
        await ctx.kube.patch(ctx.run.fromCluster, STS, patch);
        ctx.record({
          cluster: ctx.run.fromCluster,
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          namespace: 'commerce',
          name: 'orders-db',
          action: 'patch',
          body: patch,
        });
        return undefined;
      },
    },
    definition(
      'promote',
      (_run, declaration: DrDeclaration) =>
        declaration.strategy !== 'active-active',
    ),
    definition('scale-up-and-verify', () => true),
    definition('traffic-gate', failoverOrBack),
    definition('cleanup', run => run.type === 'drill'),
  ];
}

/** A promise and its resolve, to hold a step inside its call. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Polls `check` until it returns a value (not undefined), or throws after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}
