import { DrStatusProvider } from '../../evaluation/provider';
import { DR_RESOURCE_TYPES } from '../../evaluation/resources';

/**
 * The service's workloads: `PersistentVolumeClaim`s (core/v1), `StatefulSet`s and `Deployment`s
 * (apps/v1). Read only: the evaluation itself locates the service with them, so this provider
 * has no `evaluate`.
 *
 * @public
 */
export const workloadsProvider: DrStatusProvider = {
  id: 'workloads',
  title: 'Workloads',
  resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === 'workloads'),
};
