import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { DrResourceType } from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * A source of DR evidence: the Kubernetes resource types it reads from every cluster. The DR
 * backend lists each resource type once per cluster per refresh (paged with `limit`/`continue`),
 * never once per service, and hands the objects to the evaluation.
 *
 * A resource type whose CRD is not installed on a cluster (the list answers 404) is reported once
 * as "<title> not installed on cluster <name>", not as an error per service.
 *
 * @public
 */
export interface DrStatusProvider {
  /** A stable id, e.g. `velero`. */
  id: string;
  /** A name for people, e.g. `Velero`. */
  title: string;
  /** The resource types it reads, from `DR_RESOURCE_TYPES` of the -common package. */
  resourceTypes: readonly DrResourceType[];
}

/**
 * The extension point through which modules add status providers to the DR backend.
 *
 * @public
 */
export interface DrStatusProvidersExtensionPoint {
  addStatusProvider(...providers: DrStatusProvider[]): void;
}

/**
 * Adds {@link DrStatusProvider}s to the DR backend (plugin id `disaster-recovery`).
 *
 * @public
 */
export const drStatusProvidersExtensionPoint =
  createExtensionPoint<DrStatusProvidersExtensionPoint>({
    id: 'disaster-recovery.status-providers',
  });
