import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  DrRun,
  DrRunCreateRequest,
  DrRunOptions,
  DrRunPlan,
  TierPolicies,
  parseDrDeclaration,
  serviceTargetFromEntity,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrRunStore } from '../database/DrRunStore';
import { DrStatusStore } from '../database/DrStatusStore';
import { DryRunKubeWriter } from './DryRunKubeWriter';
import { RunInputs } from './RunExecutor';
import { activeClusterOf, runDirection } from './activeCluster';
import { appendObject, applicableSteps, orderSteps } from './stepRecords';
import { dataLossWindowSeconds, drillNamespaceName } from './steps';
import {
  KubeWriter,
  RunStepContext,
  RunStepDefinition,
  RunStepLimits,
} from './types';

const iso = (d: Date) => d.toISOString();

/** How long one step may take in a dry run (it only reads) before the plan goes on without it. */
const PLAN_STEP_TIMEOUT_MS = 30_000;

/** The entity ref of whoever made a request (a user, or a service for service calls). */
export function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  if (principal.type === 'service' && principal.subject) {
    return principal.subject;
  }
  return 'unknown';
}

/**
 * What the steps of a run of an entity read: the entity (with the caller's credentials, or the
 * plugin's own), its valid declaration, its Kubernetes target and its last stored status.
 *
 * @throws NotFoundError when the entity is not in the catalog (or not visible to the caller)
 * @throws InputError when its declaration is not valid or it has no Kubernetes annotations
 */
export async function readRunInputs(
  deps: {
    catalog: CatalogService;
    auth: AuthService;
    policies: TierPolicies;
    statusStore: DrStatusStore;
  },
  entityRef: string,
  credentials?: BackstageCredentials,
): Promise<RunInputs> {
  const { catalog, auth, policies, statusStore } = deps;
  const entity = await catalog.getEntityByRef(entityRef, {
    credentials: credentials ?? (await auth.getOwnServiceCredentials()),
  });
  if (!entity) {
    throw new NotFoundError(`No entity ${entityRef}`);
  }
  const ref = stringifyEntityRef(entity);
  const result = parseDrDeclaration(entity, policies);
  if (result.status === 'undeclared') {
    throw new InputError(`${ref} has no DR declaration`);
  }
  if (result.status === 'invalid') {
    throw new InputError(
      `${ref} has an invalid DR declaration: ${result.problems
        .map(p => p.message)
        .join('; ')}`,
    );
  }
  let target;
  try {
    target = serviceTargetFromEntity(entity);
  } catch (error) {
    throw new InputError(
      `${ref}: backstage.io/kubernetes-label-selector: ${
        (error as Error).message
      }`,
    );
  }
  if (!target) {
    throw new InputError(
      `${ref} has no backstage.io/kubernetes-id or backstage.io/kubernetes-label-selector: its Kubernetes objects cannot be found`,
    );
  }
  const status = (await statusStore.get(ref))?.status;
  return { entity, declaration: result.declaration, target, status };
}

/**
 * Starts, plans, confirms and cancels runs; the executor does the work. Reads an entity on
 * behalf of the caller (so a caller who may not see it gets 404), its declaration, target and
 * last stored status.
 */
export class RunService {
  private readonly steps: RunStepDefinition[];

  constructor(
    private readonly options: {
      runs: DrRunStore;
      statusStore: DrStatusStore;
      catalog: CatalogService;
      auth: AuthService;
      policies: TierPolicies;
      steps: RunStepDefinition[];
      kube: KubeWriter;
      limits: RunStepLimits;
      now?: () => Date;
      /** Called after a run was created, confirmed or cancelled (wakes the executor). */
      onChange?: (runId: string) => void;
    },
  ) {
    this.steps = orderSteps(options.steps);
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /**
   * What the steps of a run of this entity read (see {@link readRunInputs}), with the caller's
   * credentials or the plugin's own.
   */
  inputs(
    entityRef: string,
    credentials?: BackstageCredentials,
  ): Promise<RunInputs> {
    return readRunInputs(this.options, entityRef, credentials);
  }

  /** The run a request would start (not stored), with what its steps read. */
  private async prepare(
    request: DrRunCreateRequest,
    credentials: BackstageCredentials,
    id: string,
  ): Promise<{ run: DrRun; inputs: RunInputs }> {
    const inputs = await this.inputs(request.entityRef, credentials);
    const entityRef = stringifyEntityRef(inputs.entity);
    const active = activeClusterOf(
      await this.options.runs.completedRuns(entityRef),
    );
    const { fromCluster, toCluster } = runDirection(
      request.type,
      entityRef,
      inputs.declaration,
      active,
    );
    const now = this.now();
    const options: DrRunOptions = {};
    if (request.acceptDataLoss !== undefined)
      options.acceptDataLoss = request.acceptDataLoss;
    if (request.primaryUnreachable !== undefined)
      options.primaryUnreachable = request.primaryUnreachable;
    if (request.keepNamespace !== undefined)
      options.keepNamespace = request.keepNamespace;
    const run: DrRun = {
      id,
      type: request.type,
      entityRef,
      state: 'pending',
      strategy: inputs.declaration.strategy,
      fromCluster,
      toCluster,
      options,
      dataLossWindowSeconds: dataLossWindowSeconds(inputs.status, now),
      createdBy: principalRef(credentials),
      createdAt: iso(now),
      steps: [],
    };
    if (request.type === 'drill') {
      run.drillNamespace = drillNamespaceName(inputs.entity.metadata.name, id);
    }
    run.steps = applicableSteps(this.steps, run, inputs.declaration);
    return { run, inputs };
  }

  /**
   * Starts a run: stored `pending` with its applicable steps; an executor picks it up.
   *
   * @throws ConflictError (409) when the entity already has an active run, or the run makes no
   *   sense now (a failover while failed over, a failback while on the primary)
   */
  async create(
    request: DrRunCreateRequest,
    credentials: BackstageCredentials,
  ): Promise<DrRun> {
    const { runs } = this.options;
    const { run, inputs } = await this.prepare(request, credentials, '');
    if (await runs.activeRun(run.entityRef)) {
      throw await runs.activeRunConflict(run.entityRef);
    }
    const created = await runs.create(
      {
        ...run,
        dataLossWindowSeconds: run.dataLossWindowSeconds ?? null,
        drillNamespace:
          run.type === 'drill'
            ? id => drillNamespaceName(inputs.entity.metadata.name, id)
            : undefined,
      },
      this.now(),
    );
    this.options.onChange?.(created.id);
    return created;
  }

  /**
   * What a run would do, touching nothing: every applicable step is run once with `dryRun` and a
   * KubeWriter that reads but never writes; the objects the steps record are the plan. A step
   * that throws, and every warning or error it logs, becomes a warning of the plan.
   */
  async plan(
    request: DrRunCreateRequest,
    credentials: BackstageCredentials,
  ): Promise<DrRunPlan> {
    const { run, inputs } = await this.prepare(request, credentials, 'dry-run');
    const kube = new DryRunKubeWriter(this.options.kube);
    const warnings: string[] = [];
    const window = run.dataLossWindowSeconds ?? null;
    const needsAcceptDataLoss =
      window === null || window > inputs.declaration.rpoSeconds;
    if (needsAcceptDataLoss && !request.acceptDataLoss) {
      warnings.push(
        window === null
          ? 'There is no counted recovery point: the run needs acceptDataLoss.'
          : `The newest counted recovery point is ${window} s old, above the RPO target of ${inputs.declaration.rpoSeconds} s: the run needs acceptDataLoss.`,
      );
    }
    const active = await this.options.runs.activeRun(run.entityRef);
    if (active) {
      warnings.push(
        `${run.entityRef} has an active ${active.type} run ${active.id} (${active.state}): a new run cannot start before it ends.`,
      );
    }
    const steps: DrRunPlan['steps'] = [];
    for (const step of run.steps) {
      const definition = this.steps.find(d => d.name === step.name)!;
      const planned = {
        name: step.name,
        objects: [] as DrRunPlan['steps'][number]['objects'],
      };
      const ctx: RunStepContext = {
        run,
        ...inputs,
        kube,
        dryRun: true,
        limits: this.options.limits,
        stepStartedAt: run.createdAt,
        log: (level, message) => {
          if (level !== 'info') warnings.push(`${step.name}: ${message}`);
        },
        record: change => appendObject(planned, change),
        httpStatus: async () => {
          throw new Error('a dry run makes no HTTP requests');
        },
        now: () => this.now(),
      };
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          definition.run(ctx),
          new Promise((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `did not answer within ${PLAN_STEP_TIMEOUT_MS / 1000} s`,
                  ),
                ),
              PLAN_STEP_TIMEOUT_MS,
            );
          }),
        ]);
      } catch (error) {
        warnings.push(
          `${step.name}: ${error instanceof Error ? error.message : error}`,
        );
      }
      clearTimeout(timer);
      steps.push(planned);
    }
    return {
      type: run.type,
      entityRef: run.entityRef,
      strategy: run.strategy,
      fromCluster: run.fromCluster,
      toCluster: run.toCluster,
      dataLossWindowSeconds: window,
      needsAcceptDataLoss,
      steps,
      warnings,
    };
  }

  /**
   * Confirms at the traffic gate that traffic goes to the new side (who and when recorded).
   *
   * @throws ConflictError when the run is not waiting for a confirmation
   */
  async confirm(id: string, by: string): Promise<DrRun> {
    const { runs } = this.options;
    const confirmed = await runs.confirm(id, by, this.now());
    if (!confirmed) {
      const entry = await runs.get(id);
      if (!entry) throw new NotFoundError(`No run ${id}`);
      throw new ConflictError(
        `Run ${id} is ${entry.run.state}, not waiting for a traffic confirmation`,
      );
    }
    this.options.onChange?.(id);
    return confirmed;
  }

  /**
   * Cancels a run before its promote step (the executor undoes the fence).
   *
   * @throws ConflictError once the promote has started or the run has ended
   */
  async cancel(id: string, by: string): Promise<DrRun> {
    const result = await this.options.runs.requestCancel(id, by, this.now());
    if (result.result === 'not-found') throw new NotFoundError(`No run ${id}`);
    if (result.result === 'refused') {
      throw new ConflictError(
        result.reason === 'ended'
          ? `Run ${id} has already ended (${result.entry.run.state})`
          : `Run ${id} has started its promote step and can no longer be cancelled: after promote a run goes forward or is failed back`,
      );
    }
    this.options.onChange?.(id);
    return result.entry.run;
  }
}
