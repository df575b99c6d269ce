import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { DrStatusProvider } from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * A status provider: the Kubernetes resource types it reads and, in `evaluate`, what they mean
 * for a service (its recovery points, the PVCs it covers, its replication links, schedules, drill
 * evidence and storage-location health). The contract is defined in
 * `@backstage-dr/plugin-disaster-recovery-common` (`DrStatusProvider`, `DrProviderContext`,
 * `DrProviderEvidence`) so that the evaluation and the `dr-check` CLI use the same providers; it is
 * re-exported here for backend modules. The DR backend lists each resource type once per cluster
 * per refresh (paged with `limit`/`continue`), never once per service, and calls `evaluate` once
 * per service.
 *
 * A resource type whose CRD is not installed on a cluster (the list answers 404) is reported once
 * as "<title> not installed on cluster <name>", not as an error per service.
 */
export type {
  DrProviderContext,
  DrProviderCoverage,
  DrProviderEvidence,
  DrProviderPvc,
  DrProviderRecoveryPoint,
  DrStatusProvider,
} from '@backstage-dr/plugin-disaster-recovery-common';

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
