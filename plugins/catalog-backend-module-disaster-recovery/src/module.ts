import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { DisasterRecoveryAnnotationsProcessor } from './processor/DisasterRecoveryAnnotationsProcessor';

/**
 * The catalog module that validates DR declarations: adds
 * {@link DisasterRecoveryAnnotationsProcessor} to the catalog's processing.
 *
 * @public
 */
export const catalogModuleDisasterRecovery = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'disaster-recovery',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ catalog, config }) {
        catalog.addProcessor(
          DisasterRecoveryAnnotationsProcessor.fromConfig(config),
        );
      },
    });
  },
});
