import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { DisasterRecoveryClient, disasterRecoveryApiRef } from './api';
import {
  DR_CLUSTER_PICKER,
  DrClusterPicker,
} from './components/DrClusterPicker';
import { rootRouteRef } from './routes';

/**
 * The Backstage DR frontend plugin for the legacy frontend system. For the new frontend
 * system, use the default export of `@backstage-dr/plugin-disaster-recovery/alpha`.
 *
 * @public
 */
export const disasterRecoveryPlugin = createPlugin({
  id: 'disaster-recovery',
  routes: { root: rootRouteRef },
  apis: [
    createApiFactory({
      api: disasterRecoveryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DisasterRecoveryClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The DR card for an entity's overview: whether the service meets its tier and why, its RPO
 * and RTO targets beside the achieved RPO and measured RTO, its newest recovery point, its
 * clusters and runbook. An entity without a DR declaration gets a `catalog-info.yaml` snippet to
 * declare one. Use inside an `EntityProvider`, e.g. on the `EntityPage`, for entities that pass
 * {@link isDisasterRecoveryAvailable}.
 *
 * @public
 */
export const EntityDisasterRecoveryCard = disasterRecoveryPlugin.provide(
  createComponentExtension({
    name: 'EntityDisasterRecoveryCard',
    component: {
      lazy: () =>
        import('./components/EntityDisasterRecoveryCard').then(
          m => m.EntityDisasterRecoveryCard,
        ),
    },
  }),
);

/**
 * The "Disaster recovery" tab of an entity: the card's summary, the achieved RPO over time
 * against the target, recovery points, PVC coverage, drills, schedules, storage locations and
 * replication. Use inside an `EntityProvider`, e.g. as an `EntityLayout.Route`.
 *
 * @public
 */
export const EntityDisasterRecoveryContent = disasterRecoveryPlugin.provide(
  createComponentExtension({
    name: 'EntityDisasterRecoveryContent',
    component: {
      lazy: () =>
        import('./components/EntityDisasterRecoveryContent').then(
          m => m.EntityDisasterRecoveryContent,
        ),
    },
  }),
);

/**
 * The platform overview of disaster recovery: summary tiles, compliance by tier and owner, the
 * 30-day trend, every service's RPO and RTO against its targets (filtered, sorted and paged by
 * the backend, filters in the URL, CSV export) and the clusters' health. Mount it on a route,
 * e.g. `<Route path="/disaster-recovery" element={<DisasterRecoveryPage />} />`.
 *
 * @public
 */
export const DisasterRecoveryPage = disasterRecoveryPlugin.provide(
  createRoutableExtension({
    name: 'DisasterRecoveryPage',
    mountPoint: rootRouteRef,
    component: () =>
      import('./components/DisasterRecoveryPage').then(
        m => m.DisasterRecoveryPage,
      ),
  }),
);

/**
 * The scaffolder field `DrClusterPicker` for the legacy frontend system: a cluster name that
 * offers the clusters the DR backend knows, with the state the last refresh saw on each, and
 * takes any other name too. Add it inside the scaffolder page's `ScaffolderFieldExtensions`; templates use
 * it with `ui:field: DrClusterPicker`. (The new frontend system's plugin installs it itself.)
 *
 * @public
 */
export const DrClusterPickerFieldExtension = disasterRecoveryPlugin.provide(
  createScaffolderFieldExtension({
    name: DR_CLUSTER_PICKER,
    component: DrClusterPicker,
  }),
);
