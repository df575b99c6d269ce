import {
  AuditorService,
  AuditorServiceEvent,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  DR_RUN_TYPES,
  DrRun,
  DrRunPlan,
  DrRunType,
  DrServiceRecord,
  drDrillCreatePermission,
  drFailbackCreatePermission,
  drFailoverCreatePermission,
  drRunReadPermission,
  drRunUpdatePermission,
} from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import { z } from 'zod';
import { DrCompletedRun, DrRunStore } from '../database/DrRunStore';
import { RunService, principalRef } from '../runs/RunService';
import { activeClusterOf } from '../runs/activeCluster';
import { checkEntityRefParts } from './validation';

const CREATE_PERMISSIONS: Record<
  DrRunType,
  ResourcePermission<'catalog-entity'>
> = {
  drill: drDrillCreatePermission,
  failover: drFailoverCreatePermission,
  failback: drFailbackCreatePermission,
};

const createBody = z
  .object({
    type: z.enum(DR_RUN_TYPES),
    entityRef: z.string().min(1),
    dryRun: z.boolean().optional(),
    acceptDataLoss: z.boolean().optional(),
    primaryUnreachable: z.boolean().optional(),
    keepNamespace: z.boolean().optional(),
  })
  .strict();

const listQuery = z.object({
  entityRef: z.string({ error: 'is required' }).min(1, 'is required'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(`${issue.path.join('.') || what}: ${issue.message}`);
  }
  return result.data;
}

/** `kind:namespace/name` as the catalog writes it (lower case; namespace `default` if left out). */
function canonicalRef(ref: string): string {
  let parsed;
  try {
    parsed = parseEntityRef(ref);
  } catch (error) {
    throw new InputError(
      `entityRef: ${JSON.stringify(
        ref,
      )} is not an entity ref; use kind:namespace/name, e.g. component:default/orders-db`,
    );
  }
  // Each part as the catalog accepts it, before the catalog is asked.
  checkEntityRefParts(parsed, 'entityRef: ');
  return stringifyEntityRef(parsed);
}

/**
 * The active run and the active cluster of each record, as the runs are now (a record is
 * written by a refresh; a run may have started or ended since). Records without either are
 * returned as they are.
 */
export async function withRunState<T extends DrServiceRecord>(
  runs: DrRunStore,
  records: readonly T[],
  entityRef?: string,
): Promise<T[]> {
  const [active, moves] = await Promise.all([
    runs.activeRuns(),
    runs.completedRuns(entityRef, ['failover', 'failback']),
  ]);
  const byEntity = new Map<string, DrCompletedRun[]>();
  for (const move of moves) {
    const list = byEntity.get(move.entityRef) ?? [];
    list.push(move);
    byEntity.set(move.entityRef, list);
  }
  return records.map(record => {
    const activeRun = active.get(record.entityRef);
    const cluster = activeClusterOf(byEntity.get(record.entityRef) ?? []);
    if (!activeRun && !cluster && !record.activeCluster && !record.activeRun) {
      return record;
    }
    const { activeCluster, activeSince, activeRunId, ...rest } = record;
    return {
      ...rest,
      ...(cluster && {
        activeCluster: cluster.cluster,
        activeSince: cluster.since,
        activeRunId: cluster.runId,
      }),
      activeRun,
    } as T;
  });
}

/**
 * The runs API, added to the plugin's router:
 *
 * - `POST /runs` (`DrRunCreateRequest`): 201 with the new `DrRun` (state `pending`); with
 *   `dryRun: true`, 200 with the `DrRunPlan`, and nothing is stored or written. 409 when the
 *   entity already has an active run (or a failover while failed over, a failback while on the
 *   primary); 400 for an invalid declaration.
 * - `GET /runs/:id`: the `DrRun` with its steps, objects and logs.
 * - `GET /runs?entityRef=&limit=`: `{ items: DrRun[] }`, newest first (limit 1–100, default 20).
 * - `POST /runs/:id/confirm`: the traffic gate's confirmation (who and when recorded); 409 when
 *   the run is not waiting for one.
 * - `POST /runs/:id/cancel`: cancels a run before its promote step (the fence is undone); 409
 *   after.
 *
 * Permissions, each a resource permission on the run's catalog entity, authorized with the
 * entity as `resourceRef` so that conditional policies (`isEntityOwner`, ...) apply: the create
 * permission of the run's type for `POST /runs` (dry runs too), `disaster-recovery.run.update`
 * for confirm and cancel, `disaster-recovery.run.read` for reads. Refused: 403, nothing done.
 * Every request is audited (`run-create`, `run-fetch`, `run-confirm`, `run-cancel`).
 */
export function addRunRoutes(
  router: express.Router,
  options: {
    runs: RunService;
    runStore: DrRunStore;
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
    auditor: AuditorService;
  },
): void {
  const { runs, runStore, httpAuth, permissions, auditor } = options;

  async function authorize(
    req: express.Request,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
    what: string,
  ) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not ${what} of ${entityRef}`);
    }
    return credentials;
  }

  async function runOf(id: string): Promise<DrRun> {
    const entry = await runStore.get(id);
    if (!entry) throw new NotFoundError(`No run ${id}`);
    return entry.run;
  }

  // Runs `fn` inside an audit event: success with the meta it returns, or fail with its error.
  async function audited<T>(
    req: express.Request,
    eventId: string,
    severityLevel: 'low' | 'medium' | 'high',
    meta: Record<string, string | boolean>,
    fn: () => Promise<{ result: T; meta?: Record<string, string> }>,
  ): Promise<T> {
    const event: AuditorServiceEvent = await auditor.createEvent({
      eventId,
      severityLevel,
      request: req,
      meta,
    });
    try {
      const { result, meta: more } = await fn();
      await event.success({ meta: more });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  router.post('/runs', async (req, res) => {
    const body = parse(createBody, req.body, 'body');
    const entityRef = canonicalRef(body.entityRef);
    const request = { ...body, entityRef };
    const dryRun = body.dryRun === true;
    const answer = await audited<DrRun | DrRunPlan>(
      req,
      'run-create',
      dryRun || body.type === 'drill' ? 'medium' : 'high',
      { entityRef, type: body.type, dryRun },
      async () => {
        const credentials = await authorize(
          req,
          CREATE_PERMISSIONS[body.type],
          entityRef,
          `start a ${body.type}`,
        );
        if (dryRun) {
          return { result: await runs.plan(request, credentials) };
        }
        const run = await runs.create(request, credentials);
        return { result: run, meta: { runId: run.id } };
      },
    );
    res.status(dryRun ? 200 : 201).json(answer);
  });

  router.get('/runs', async (req, res) => {
    const query = parse(listQuery, req.query, 'query');
    const entityRef = canonicalRef(query.entityRef);
    const items = await audited(
      req,
      'run-fetch',
      'low',
      { entityRef, queryType: 'by-entity' },
      async () => {
        await authorize(req, drRunReadPermission, entityRef, 'see the runs');
        return { result: await runStore.list(entityRef, query.limit) };
      },
    );
    res.json({ items });
  });

  router.get('/runs/:id', async (req, res) => {
    const { id } = req.params;
    const run = await audited(
      req,
      'run-fetch',
      'low',
      { runId: id, queryType: 'by-id' },
      async () => {
        const found = await runOf(id);
        await authorize(
          req,
          drRunReadPermission,
          found.entityRef,
          'see the runs',
        );
        return { result: found };
      },
    );
    res.json(run);
  });

  // Confirm the traffic gate, or cancel: both change a run and need drRunUpdatePermission.
  const changes = [
    ['confirm', 'confirm', (id: string, by: string) => runs.confirm(id, by)],
    ['cancel', 'cancel', (id: string, by: string) => runs.cancel(id, by)],
  ] as const;
  for (const [action, verb, change] of changes) {
    router.post(`/runs/:id/${action}`, async (req, res) => {
      const { id } = req.params;
      const run = await audited(
        req,
        `run-${action}`,
        'high',
        { runId: id },
        async () => {
          const found = await runOf(id);
          const credentials = await authorize(
            req,
            drRunUpdatePermission,
            found.entityRef,
            `${verb} the runs`,
          );
          return {
            result: await change(id, principalRef(credentials)),
            meta: { entityRef: found.entityRef },
          };
        },
      );
      res.json(run);
    });
  }
}
