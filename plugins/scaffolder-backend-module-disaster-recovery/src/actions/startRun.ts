import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  parseErrorResponseBody,
} from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DR_RUN_TYPES,
  DrRun,
  DrRunCreateRequest,
  DrRunPlan,
  DrRunType,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { examples } from './startRun.examples';

/** The action's id. */
export const START_RUN_ACTION_ID = 'disaster-recovery:run:start';

/** The DR backend's plugin id, for discovery and the on-behalf-of token. */
const DR_PLUGIN_ID = 'disaster-recovery';

/** How long to wait for the DR backend's answer (a dry run reads the clusters). */
const REQUEST_TIMEOUT_MS = 60_000;

const validator = makeValidator();

const VERB: Record<DrRunType, string> = {
  drill: 'a DR drill',
  failover: 'a failover',
  failback: 'a failback',
};

/**
 * The link to a run (or, without a run id, to the DR tab) of an entity in the app: the entity
 * page's route as the catalog builds it (`/catalog/:namespace/:kind/:name`, kind and namespace in
 * lower case) and the DR tab's path.
 */
export function drRunUrl(
  appBaseUrl: string,
  entity: CompoundEntityRef,
  runId?: string,
): string {
  const base = appBaseUrl.replace(/\/+$/, '');
  const page = `${base}/catalog/${encodeURIComponent(
    entity.namespace.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(
    entity.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(entity.name)}/disaster-recovery`;
  return runId ? `${page}?run=${encodeURIComponent(runId)}` : page;
}

function describeCredentials(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    subject?: string;
  };
  if (principal.type === 'service') {
    return `the service ${principal.subject ?? '(unknown)'}`;
  }
  return 'no one (no credentials)';
}

/**
 * Turns a non-2xx answer of the runs API into an error whose message is the backend's own (the
 * Backstage error body's `error.message`), of the matching `@backstage/errors` class. A message
 * that does not name the entity (e.g. a body validation error) is prefixed with what was asked.
 */
async function runsApiError(
  res: Response,
  what: string,
  entityRef: string,
): Promise<Error> {
  let message: string;
  try {
    const body = await parseErrorResponseBody(res);
    message = body.error?.message || `${res.status} ${res.statusText}`;
  } catch {
    message = `${res.status} ${res.statusText}`;
  }
  const full = message.includes(entityRef)
    ? message
    : `Could not start ${what}: ${message}`;
  switch (res.status) {
    case 400:
      return new InputError(full);
    case 401:
      return new AuthenticationError(full);
    case 403:
      return new NotAllowedError(full);
    case 404:
      return new NotFoundError(full);
    case 409:
      return new ConflictError(full);
    case 502:
    case 503:
    case 504:
      return new ServiceUnavailableError(full);
    default:
      return new Error(
        `${full} (the disaster-recovery backend answered ${res.status})`,
      );
  }
}

function logPlan(
  logger: { info(m: string): void; warn(m: string): void },
  plan: DrRunPlan,
) {
  const window =
    plan.dataLossWindowSeconds === null ||
    plan.dataLossWindowSeconds === undefined
      ? 'unknown (no counted recovery point)'
      : `${plan.dataLossWindowSeconds}s`;
  logger.info(
    `Plan (nothing was changed): ${plan.type} of ${plan.entityRef} (${
      plan.strategy
    }) from ${plan.fromCluster} to ${
      plan.toCluster
    }; data-loss window now ${window}${
      plan.needsAcceptDataLoss ? ', needs acceptDataLoss' : ''
    }`,
  );
  for (const step of plan.steps ?? []) {
    logger.info(
      `  ${step.name}: ${
        step.objects.length === 0
          ? 'no Kubernetes object'
          : step.objects
              .map(
                o =>
                  `${o.action} ${o.kind} ${
                    o.namespace ? `${o.namespace}/` : ''
                  }${o.name} on ${o.cluster}`,
              )
              .join('; ')
      }`,
    );
  }
  for (const warning of plan.warnings ?? []) {
    logger.warn(`  warning: ${warning}`);
  }
}

/**
 * Creates the `disaster-recovery:run:start` action: starts a drill, failover or failback of a
 * catalog entity through the DR backend's runs API (`POST /runs`), **on behalf of the user who
 * runs the template**: the request carries a token issued for the user (the task's initiator
 * credentials, `auth.getPluginRequestToken({ onBehalfOf })`, as Backstage's own `catalog:*`
 * actions use them), so the DR backend applies the user's permissions
 * (`disaster-recovery.{drill,failover,failback}.create`). A task without user credentials fails
 * before any request.
 *
 * `dryRun: true`, and the scaffolder's dry run (the template editor), ask the backend for the
 * plan instead, which touches nothing. Outputs `runId`, `state`, `runUrl` (the run on the entity's
 * DR tab, under `app.baseUrl`) and, for dry runs, `plan`.
 *
 * The run goes on in the DR backend after the step ends; the link shows its progress.
 *
 * @public
 */
export function createStartRunAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
  config: Config;
}) {
  const { discovery, auth, config } = options;
  const appBaseUrl = config.getOptionalString('app.baseUrl') ?? '';
  return createTemplateAction({
    id: START_RUN_ACTION_ID,
    description:
      'Starts a DR drill, failover or failback of a catalog entity through the disaster-recovery backend, with the permissions of the user running the template. dryRun (and the scaffolder dry run) return the plan and change nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .describe(
              'The entity, e.g. component:default/orders-db (kind and namespace default to component and default)',
            ),
        type: z =>
          z
            .enum(DR_RUN_TYPES)
            .describe(
              'drill (a test restore into a new namespace of the recovery cluster; the primary is not touched), failover (to the recovery cluster) or failback (to the primary)',
            ),
        acceptDataLoss: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Go on although the newest recovery point is older than the RPO target (the data-loss window is recorded with the run)',
            ),
        primaryUnreachable: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Failover, failback: go on although the side being left cannot be reached to stop its writes (recorded)',
            ),
        keepNamespace: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Drill: keep the drill namespace after verifying instead of deleting it',
            ),
        dryRun: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Only ask for the plan: every object the run would create or patch, on which cluster; nothing is changed',
            ),
        confirmEntityName: z =>
          z
            .string()
            .optional()
            .describe(
              "When given, must be the entity's name (e.g. orders-db), else the step fails before anything starts: templates pass what the user typed to confirm a failover",
            ),
      },
      output: {
        runId: z =>
          z.string().optional().describe('The run id (not for dry runs)'),
        state: z =>
          z
            .string()
            .optional()
            .describe(
              'The run state when it was created, e.g. pending or running (not for dry runs)',
            ),
        runUrl: z =>
          z
            .string()
            .describe(
              "The run on the entity's DR tab (dry runs: the DR tab), under app.baseUrl",
            ),
        plan: z =>
          z
            .object({})
            .passthrough()
            .optional()
            .describe(
              'Dry runs: the plan (DrRunPlan: strategy, clusters, data-loss window, each step with its objects, warnings)',
            ),
      },
    },
    async handler(ctx) {
      const { input } = ctx;

      if (!(DR_RUN_TYPES as readonly string[]).includes(input.type)) {
        throw new InputError(
          `type: "${
            input.type
          }" is not a run type; use one of ${DR_RUN_TYPES.join(', ')}`,
        );
      }
      let entity: CompoundEntityRef;
      const notARef = (why: string) =>
        new InputError(
          `entityRef: "${input.entityRef}" is not an entity reference (kind:namespace/name, e.g. component:default/orders-db): ${why}`,
        );
      try {
        entity = parseEntityRef(input.entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        });
      } catch (error) {
        throw notARef((error as Error).message);
      }
      if (!validator.isValidKind(entity.kind)) {
        throw notARef(`"${entity.kind}" is not a valid kind`);
      }
      if (
        !validator.isValidNamespace(entity.namespace.toLocaleLowerCase('en-US'))
      ) {
        throw notARef(`"${entity.namespace}" is not a valid namespace`);
      }
      if (!validator.isValidEntityName(entity.name)) {
        throw notARef(`"${entity.name}" is not a valid entity name`);
      }
      const entityRef = stringifyEntityRef(entity);
      if (
        input.confirmEntityName !== undefined &&
        input.confirmEntityName.trim() !== entity.name
      ) {
        throw new InputError(
          `confirmEntityName: "${
            input.confirmEntityName
          }" is not the entity's name; type ${entity.name} to confirm ${
            VERB[input.type]
          } of ${entityRef}. Nothing was started.`,
        );
      }

      const credentials = await ctx.getInitiatorCredentials();
      if (!auth.isPrincipal(credentials, 'user')) {
        throw new NotAllowedError(
          `${START_RUN_ACTION_ID} starts runs on behalf of the user who runs the template, so that their permissions apply; this task was started by ${describeCredentials(
            credentials,
          )}, without a user token. Run the template as a signed-in user.`,
        );
      }
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: DR_PLUGIN_ID,
      });

      const dryRun = Boolean(input.dryRun || ctx.isDryRun);
      const body: DrRunCreateRequest = {
        type: input.type,
        entityRef,
        ...(input.acceptDataLoss !== undefined && {
          acceptDataLoss: input.acceptDataLoss,
        }),
        ...(input.primaryUnreachable !== undefined && {
          primaryUnreachable: input.primaryUnreachable,
        }),
        ...(input.keepNamespace !== undefined && {
          keepNamespace: input.keepNamespace,
        }),
        ...(dryRun && { dryRun: true }),
      };
      const what = `${VERB[input.type]} of ${entityRef}`;
      ctx.logger.info(
        `${dryRun ? 'Planning' : 'Starting'} ${what} as ${
          credentials.principal.userEntityRef
        }${
          ctx.isDryRun
            ? ' (scaffolder dry run: only the plan is asked for)'
            : ''
        }`,
      );

      const request = async () => {
        const baseUrl = await discovery.getBaseUrl(DR_PLUGIN_ID);
        const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS)];
        if (ctx.signal) signals.push(ctx.signal);
        let res: Response;
        try {
          res = await fetch(`${baseUrl}/runs`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify(body),
            signal: AbortSignal.any(signals),
          });
        } catch (error) {
          throw new ServiceUnavailableError(
            `Could not start ${what}: the disaster-recovery backend (${baseUrl}/runs) did not answer: ${
              (error as Error).message
            }`,
          );
        }
        if (!res.ok) {
          throw await runsApiError(res, what, entityRef);
        }
        return res.json();
      };

      if (dryRun) {
        const plan = (await request()) as DrRunPlan;
        if (!plan || !Array.isArray(plan.steps)) {
          throw new Error(
            `Could not plan ${what}: the disaster-recovery backend answered without a plan`,
          );
        }
        logPlan(ctx.logger, plan);
        ctx.output('plan', plan as unknown as Record<string, unknown>);
        ctx.output('runUrl', drRunUrl(appBaseUrl, entity));
        return;
      }

      // A task that is retried or recovered after a scaffolder restart gets the run it started
      // from its checkpoint instead of starting a second one (which the backend would refuse
      // with 409 while the first is active).
      const run = await ctx.checkpoint({
        key: `run-start.${input.type}.${entityRef}`,
        fn: async () => {
          const created = (await request()) as DrRun;
          if (!created || typeof created.id !== 'string') {
            throw new Error(
              `Could not start ${what}: the disaster-recovery backend answered without a run id`,
            );
          }
          return { id: created.id, state: created.state };
        },
      });
      const runUrl = drRunUrl(appBaseUrl, entity, run.id);
      ctx.logger.info(
        `Run ${run.id} (${what}) is ${run.state}; follow it on ${runUrl}`,
      );
      ctx.output('runId', run.id);
      ctx.output('state', run.state);
      ctx.output('runUrl', runUrl);
    },
  });
}
