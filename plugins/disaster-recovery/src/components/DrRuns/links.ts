import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { useCallback } from 'react';

/** The query parameter of the DR tab that names the run whose steps it shows. */
export const RUN_QUERY_PARAM = 'run';

/**
 * The catalog's entity route, or undefined where the app has none (e.g. the card rendered alone):
 * links to the tab are then left out rather than breaking the card. `useRouteRef` calls all its
 * hooks before it throws for a route that is not mounted, so catching it keeps the hook order.
 */
function useEntityRoute() {
  try {
    return useRouteRef(entityRouteRef);
  } catch {
    return undefined;
  }
}

/**
 * The link to an entity's DR tab (`/catalog/<namespace>/<kind>/<name>/disaster-recovery`),
 * showing a run's steps when given its id (`?run=<id>`); undefined without the catalog's
 * entity route.
 */
export function useDrTabLink(): (
  entityRef: string,
  runId?: string,
) => string | undefined {
  const entityRoute = useEntityRoute();
  return useCallback(
    (entityRef: string, runId?: string) => {
      if (!entityRoute) {
        return undefined;
      }
      try {
        const tab = `${entityRoute(
          entityRouteParams(entityRef),
        )}/disaster-recovery`;
        return runId
          ? `${tab}?${RUN_QUERY_PARAM}=${encodeURIComponent(runId)}`
          : tab;
      } catch {
        return undefined;
      }
    },
    [entityRoute],
  );
}
