import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { DisasterRecoveryAnnotationsProcessor } from './processor/DisasterRecoveryAnnotationsProcessor';
import { DisasterRecoveryChangesProcessor } from './processor/DisasterRecoveryChangesProcessor';

/**
 * The catalog module that validates DR declarations and announces their changes: adds
 * {@link DisasterRecoveryAnnotationsProcessor} and {@link DisasterRecoveryChangesProcessor} (which
 * publishes on `DR_CATALOG_CHANGES_TOPIC` through the events service) to the catalog's
 * processing.
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
        events: eventsServiceRef,
      },
      async init({ catalog, config, events }) {
        catalog.addProcessor(
          DisasterRecoveryAnnotationsProcessor.fromConfig(config),
          new DisasterRecoveryChangesProcessor({ events }),
        );
      },
    });
  },
});
