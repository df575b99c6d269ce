import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { KubeWriterClient } from '../kubernetes/KubeWriterClient';
import { createRunSteps } from './steps';
import { KubeWriter, RunStepDefinition } from './types';

/** What runs are made of: the step implementations and the writer they change clusters with. */
export interface DrRunSteps {
  steps: RunStepDefinition[];
  kube: KubeWriter;
}

/**
 * The steps of runs and their KubeWriter (the Kubernetes backend's proxy, with the plugin's own
 * credentials and `disasterRecovery.refresh.requestTimeoutSeconds`). A plugin-internal service,
 * so that tests can replace the steps and the clusters.
 */
export const drRunStepsServiceRef = createServiceRef<DrRunSteps>({
  id: 'disaster-recovery.run-steps',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      factory({ config, discovery, auth }) {
        return {
          steps: createRunSteps(),
          kube: new KubeWriterClient({
            discovery,
            auth,
            requestTimeoutMs:
              (config.getOptionalNumber(
                'disasterRecovery.refresh.requestTimeoutSeconds',
              ) ?? 30) * 1000,
          }),
        };
      },
    }),
});
