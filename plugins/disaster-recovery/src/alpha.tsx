import {
  ApiBlueprint,
  createFrontendPlugin,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import SettingsBackupRestoreIcon from '@material-ui/icons/SettingsBackupRestore';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
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
 * The route of the DR overview page in the new frontend system.
 *
 * @alpha
 */
export const overviewRouteRef = createRouteRef();

/**
 * The DR overview page at `/disaster-recovery` (`page:disaster-recovery`), in the app's sidebar as
 * "Disaster recovery". Its own header: the blueprint's is turned off.
 *
 * @alpha
 */
export const disasterRecoveryPage = PageBlueprint.make({
  params: {
    path: '/disaster-recovery',
    routeRef: overviewRouteRef,
    title: 'Disaster recovery',
    icon: <SettingsBackupRestoreIcon fontSize="inherit" />,
    noHeader: true,
    loader: () =>
      import('./components/DisasterRecoveryPage').then(m => (
        <m.DisasterRecoveryPage />
      )),
  },
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
 * The scaffolder form field `DrClusterPicker` (`scaffolder-form-field:disaster-recovery/cluster-picker`):
 * a cluster name, offering the clusters the DR backend knows with their state and taking any
 * other name too. Templates use it with `ui:field: DrClusterPicker`. Attaches to the scaffolder
 * plugin's form fields; without the scaffolder plugin it is not used.
 *
 * @alpha
 */
export const drClusterPickerFormField = FormFieldBlueprint.make({
  name: 'cluster-picker',
  params: {
    field: () =>
      import('./components/DrClusterPicker/formField').then(
        m => m.drClusterPickerFormField,
      ),
  },
});

/**
 * The Backstage DR frontend plugin for the new frontend system: the DR API, the overview page
 * (with its sidebar item), the entity card, the entity tab and the scaffolder's `DrClusterPicker`
 * field.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'disaster-recovery',
  title: 'Disaster recovery',
  icon: <SettingsBackupRestoreIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: overviewRouteRef },
  extensions: [
    disasterRecoveryApi,
    disasterRecoveryPage,
    entityDisasterRecoveryCard,
    entityDisasterRecoveryContent,
    drClusterPickerFormField,
  ],
});
