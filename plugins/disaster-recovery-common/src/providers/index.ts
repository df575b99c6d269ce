import { DrStatusProvider } from '../evaluation/provider';
import { cloudNativePgProvider } from './cloudnative-pg';
import { csiSnapshotsProvider } from './csi-snapshots';
import { strimziProvider } from './strimzi';
import { veleroProvider } from './velero';
import { volSyncProvider } from './volsync';
import { workloadsProvider } from './workloads';

export * from './cloudnative-pg';
export * from './csi-snapshots';
export * from './strimzi';
export * from './velero';
export * from './volsync';
export * from './workloads';

/**
 * The built-in status providers, in the order the evaluation runs them: Velero, VolSync,
 * CloudNativePG, Strimzi, CSI snapshots, then the workloads (read only). Other providers run
 * after them, by id.
 *
 * @public
 */
export const DR_BUILT_IN_PROVIDERS: readonly DrStatusProvider[] = Object.freeze(
  [
    veleroProvider,
    volSyncProvider,
    cloudNativePgProvider,
    strimziProvider,
    csiSnapshotsProvider,
    workloadsProvider,
  ],
);
