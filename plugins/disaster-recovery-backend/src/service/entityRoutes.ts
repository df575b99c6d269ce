import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import { z } from 'zod';
import { DrStatusStore } from '../database/DrStatusStore';
import { entityRefFromPath, parse } from './validation';

const historyQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Adds `GET /entities/:kind/:namespace/:name/status` and `.../history` (see `createRouter` for
 * their shapes). Both answer 400 when a path segment is not a valid entity kind, namespace or
 * name (by `@backstage/catalog-model`'s validators; the catalog is then not asked), and 404 when
 * the caller may not read the entity in the catalog.
 */
export function addEntityRoutes(
  router: express.Router,
  options: {
    store: DrStatusStore;
    httpAuth: HttpAuthService;
    catalog: CatalogService;
    /** Adds the entity's active run and active cluster to its record. */
    runState: <T extends DrServiceRecord>(
      records: readonly T[],
      entityRef?: string,
    ) => Promise<readonly T[]>;
  },
) {
  const { store, httpAuth, catalog, runState } = options;
  async function readableEntity(req: express.Request) {
    const { kind, namespace, name } = req.params;
    // Malformed segments are refused before the catalog is asked.
    const entityRef = entityRefFromPath({ kind, namespace, name });
    const credentials = await httpAuth.credentials(req);
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${entityRef}`);
    }
    return entityRef;
  }

  router.get('/entities/:kind/:namespace/:name/status', async (req, res) => {
    const entityRef = await readableEntity(req);
    const record = await store.get(entityRef);
    if (!record) {
      throw new NotFoundError(
        `No DR status for ${entityRef} yet: it has not been judged by a refresh`,
      );
    }
    const [current] = await runState([record], entityRef);
    res.json(current);
  });

  router.get('/entities/:kind/:namespace/:name/history', async (req, res) => {
    const entityRef = await readableEntity(req);
    const query = parse(historyQuery, req.query);
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from
      ? new Date(query.from)
      : new Date(to.getTime() - 30 * 86400_000);
    if (from > to) {
      throw new InputError('from: must not be after to');
    }
    res.json({
      items: await store.history(
        entityRef,
        from.toISOString(),
        to.toISOString(),
      ),
    });
  });
}
