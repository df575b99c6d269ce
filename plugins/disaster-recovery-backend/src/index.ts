/**
 * The Backstage DR backend: reads recovery points and replication from Kubernetes through the
 * Kubernetes plugin and judges every declared service against its tier.
 *
 * @packageDocumentation
 */

export { disasterRecoveryPlugin as default } from './plugin';
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
