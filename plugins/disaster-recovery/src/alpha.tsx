import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { DisasterRecoveryClient, disasterRecoveryApiRef } from './api';
import { isDisasterRecoveryAvailable } from './conditions';

/**
 * The {@link DisasterRecoveryClient} as the app's {@link disasterRecoveryApiRef}.
 *
 * @alpha
 */
export const disasterRecoveryApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: disasterRecoveryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DisasterRecoveryClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The DR card on the overview of entities that pass {@link isDisasterRecoveryAvailable}
 * (`entity-card:disaster-recovery/status`).
 *
 * @alpha
 */
export const entityDisasterRecoveryCard = EntityCardBlueprint.make({
  name: 'status',
  params: {
    filter: isDisasterRecoveryAvailable,
    loader: () =>
      import('./components/EntityDisasterRecoveryCard').then(m => (
        <m.EntityDisasterRecoveryCard />
      )),
  },
});

/**
 * The "Disaster recovery" tab of entities that pass {@link isDisasterRecoveryAvailable}
 * (`entity-content:disaster-recovery`), at `/disaster-recovery` below the entity's page.
 *
 * @alpha
 */
export const entityDisasterRecoveryContent = EntityContentBlueprint.make({
  params: {
    path: '/disaster-recovery',
    title: 'Disaster recovery',
    filter: isDisasterRecoveryAvailable,
    loader: () =>
      import('./components/EntityDisasterRecoveryContent').then(m => (
        <m.EntityDisasterRecoveryContent />
      )),
  },
});

/**
 * The Backstage DR frontend plugin for the new frontend system: the DR API, the entity card
 * and the entity tab.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'disaster-recovery',
  title: 'Disaster recovery',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    disasterRecoveryApi,
    entityDisasterRecoveryCard,
    entityDisasterRecoveryContent,
  ],
});
