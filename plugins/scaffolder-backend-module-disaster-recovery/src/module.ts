import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAnnotateCatalogAction } from './actions/annotateCatalog';
import { createFetchCatalogSourceAction } from './actions/fetchCatalogSource';
import { createGenerateDrConfigAction } from './actions/generateConfig';
import { createPublishLocalAction } from './actions/publishLocal';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createStartRunAction } from './actions/startRun';
import { readDrScaffolderSettings } from './config';

/**
 * The scaffolder module of the DR suite: adds `disaster-recovery:config:generate`,
 * `disaster-recovery:catalog:annotate`, `disaster-recovery:catalog:fetch-source`,
 * `disaster-recovery:publish:local`, `disaster-recovery:catalog:register-local` and
 * `disaster-recovery:run:start` (drills, failovers and failbacks through the DR backend, on
 * behalf of the template's user). Reads
 * `disasterRecovery.tiers`, the Kubernetes plugin's clusters and `disasterRecovery.scaffolder`
 * at start-up, and stops the backend with an error naming the key when one is malformed.
 *
 * @public
 */
export const scaffolderModuleDisasterRecovery = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'disaster-recovery',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ scaffolder, config, discovery, auth }) {
        const settings = readDrScaffolderSettings(config);
        scaffolder.addActions(
          createGenerateDrConfigAction({ settings }),
          createAnnotateCatalogAction({ settings }),
          createFetchCatalogSourceAction({ settings }),
          createPublishLocalAction({ settings }),
          createRegisterLocalAction({ settings, discovery, auth }),
          createStartRunAction({ discovery, auth, config }),
        );
      },
    });
  },
});
