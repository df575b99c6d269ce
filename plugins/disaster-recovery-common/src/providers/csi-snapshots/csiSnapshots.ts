import {
  DrProviderContext,
  DrProviderEvidence,
  DrStatusProvider,
} from '../../evaluation/provider';
import { DR_RESOURCE_TYPES } from '../../evaluation/resources';

/**
 * Lists the CSI `VolumeSnapshot`s (`snapshot.storage.k8s.io/v1`) of the service's PVCs on its
 * primary (`spec.source.persistentVolumeClaimName`): local recovery points, shown and never
 * counted (they live on the cluster's storage and are lost with it). Time:
 * `status.creationTime`; usable when `status.readyToUse` is true.
 */
function evaluateCsiSnapshots(ctx: DrProviderContext): DrProviderEvidence {
  const recoveryPoints: NonNullable<DrProviderEvidence['recoveryPoints']> = [];
  for (const pvc of ctx.pvcs) {
    const evidence = ctx.evidenceOf(pvc.cluster);
    for (const snapshot of evidence?.objects.volumeSnapshots ?? []) {
      if (
        snapshot.metadata.namespace !== pvc.pvc.metadata.namespace ||
        snapshot.spec?.source?.persistentVolumeClaimName !==
          pvc.pvc.metadata.name
      ) {
        continue;
      }
      const ready = snapshot.status?.readyToUse === true;
      recoveryPoints.push({
        point: {
          time: snapshot.status?.creationTime ?? undefined,
          source: 'volume-snapshot',
          kind: 'VolumeSnapshot',
          name: snapshot.metadata.name,
          namespace: snapshot.metadata.namespace,
          cluster: pvc.cluster,
          usable: ready,
          counted: false,
          phase: ready ? 'ReadyToUse' : 'NotReady',
          reason: ready
            ? `local to ${pvc.cluster}: good against corruption, lost with the cluster`
            : snapshot.status?.error?.message ?? 'not ready to use',
          pvcs: [pvc.key],
        },
      });
    }
  }
  return { recoveryPoints };
}

/**
 * The CSI snapshots status provider: `VolumeSnapshot` (`snapshot.storage.k8s.io/v1`), shown as
 * local recovery points. See {@link DrStatusProvider}.
 *
 * @public
 */
export const csiSnapshotsProvider: DrStatusProvider = {
  id: 'csi-snapshots',
  title: 'CSI snapshots',
  resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === 'csi-snapshots'),
  evaluate: evaluateCsiSnapshots,
};
