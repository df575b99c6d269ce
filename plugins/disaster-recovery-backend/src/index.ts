/**
 * The Backstage DR backend: reads recovery points and replication from Kubernetes through the
 * Kubernetes plugin and judges every declared service against its tier.
 *
 * @packageDocumentation
 */

import { createBackendFeatureLoader } from '@backstage/backend-plugin-api';
import { disasterRecoveryPlugin } from './plugin';
import { disasterRecoveryModuleSchedulerGuard } from './service/schedulerGuard';

/**
 * The DR backend plugin with the guard on its scheduler routes (see
 * `disasterRecoveryModuleSchedulerGuard`): `backend.add(import('@backstage-dr/plugin-disaster-recovery-backend'))`.
 *
 * @public
 */
export default createBackendFeatureLoader({
  loader() {
    return [disasterRecoveryPlugin, disasterRecoveryModuleSchedulerGuard];
  },
});
export { disasterRecoveryPlugin } from './plugin';
export {
  createSchedulerRouteGuard,
  disasterRecoveryModuleSchedulerGuard,
} from './service/schedulerGuard';
export * from './providers/modules';
export {
  ClusterReadError,
  KubernetesProxyClient,
  type ClusterReadErrorKind,
} from './kubernetes/KubernetesProxyClient';
export { readClusters } from './kubernetes/readClusters';
export { DrStatusStore } from './database/DrStatusStore';
export {
  DrStatusService,
  type DrRefreshSummary,
} from './service/DrStatusService';
export { createRouter } from './service/router';
