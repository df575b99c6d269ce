import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';

/**
 * Which services the caller of a request may read, by the catalog's read permission
 * (`catalog.entity.read`): every one (`undefined`), none (an empty set), or, under a conditional
 * decision, the refs of the entities the catalog returns to the caller.
 */
export function readableEntityRefs(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
}): (req: express.Request) => Promise<ReadonlySet<string> | undefined> {
  const { httpAuth, permissions, catalog } = options;
  return async function readableRefs(req) {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.DENY) {
      return new Set();
    }
    if (decision.result === AuthorizeResult.CONDITIONAL) {
      const { items } = await catalog.getEntities(
        { fields: ['kind', 'metadata.namespace', 'metadata.name'] },
        { credentials },
      );
      return new Set(items.map(e => stringifyEntityRef(e)));
    }
    return undefined;
  };
}
