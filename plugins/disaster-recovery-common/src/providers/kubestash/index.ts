import { DrStatusProvider } from '../../evaluation/provider';
import { DrResourceType } from '../../evaluation/resources';
import { Collector } from './collector';
import { evaluateKubeStash, KUBESTASH_RESOURCES } from './kubestash';
import { evaluateStash, STASH_RESOURCES } from './stash';

const type = (
  resource: string,
  group: string,
  version: string,
  plural: string,
  kind: string,
): DrResourceType => ({
  resource,
  group,
  version,
  plural,
  kind,
  provider: 'kubestash',
});

/**
 * The resource types the KubeStash provider reads: KubeStash's `core.kubestash.com/v1alpha1`
 * BackupConfiguration, BackupSession, RestoreSession and `storage.kubestash.com/v1alpha1`
 * Snapshot, Repository, BackupStorage; and the legacy Stash `stash.appscode.com/v1beta1`
 * BackupConfiguration, BackupSession, RestoreSession and `v1alpha1` Repository. (Stash's restic
 * `Snapshot` of `repositories.stash.appscode.com` is an aggregated API that lists the backend on
 * every call: it is not read.)
 *
 * @public
 */
export const KUBESTASH_RESOURCE_TYPES: readonly DrResourceType[] =
  Object.freeze([
    type(
      KUBESTASH_RESOURCES.backupConfigurations,
      'core.kubestash.com',
      'v1alpha1',
      'backupconfigurations',
      'BackupConfiguration',
    ),
    type(
      KUBESTASH_RESOURCES.backupSessions,
      'core.kubestash.com',
      'v1alpha1',
      'backupsessions',
      'BackupSession',
    ),
    type(
      KUBESTASH_RESOURCES.restoreSessions,
      'core.kubestash.com',
      'v1alpha1',
      'restoresessions',
      'RestoreSession',
    ),
    type(
      KUBESTASH_RESOURCES.snapshots,
      'storage.kubestash.com',
      'v1alpha1',
      'snapshots',
      'Snapshot',
    ),
    type(
      KUBESTASH_RESOURCES.repositories,
      'storage.kubestash.com',
      'v1alpha1',
      'repositories',
      'Repository',
    ),
    type(
      KUBESTASH_RESOURCES.backupStorages,
      'storage.kubestash.com',
      'v1alpha1',
      'backupstorages',
      'BackupStorage',
    ),
    type(
      STASH_RESOURCES.backupConfigurations,
      'stash.appscode.com',
      'v1beta1',
      'backupconfigurations',
      'BackupConfiguration',
    ),
    type(
      STASH_RESOURCES.backupSessions,
      'stash.appscode.com',
      'v1beta1',
      'backupsessions',
      'BackupSession',
    ),
    type(
      STASH_RESOURCES.restoreSessions,
      'stash.appscode.com',
      'v1beta1',
      'restoresessions',
      'RestoreSession',
    ),
    type(
      STASH_RESOURCES.repositories,
      'stash.appscode.com',
      'v1alpha1',
      'repositories',
      'Repository',
    ),
  ]);

/**
 * KubeStash and legacy Stash as a DR status provider (PROVIDERS.md section 2): Snapshots and
 * Stash BackupSessions as recovery points when their storage survives the cluster, the
 * BackupConfigurations' sessions as PVC coverage and cadence, BackupStorage health, failing,
 * skipped, stuck and missed backups, and succeeded RestoreSessions outside the primary as drills.
 * See `evaluateKubeStash` and `evaluateStash` for the rules.
 *
 * @public
 */
export const kubestashProvider: DrStatusProvider = {
  id: 'kubestash',
  title: 'KubeStash',
  resourceTypes: KUBESTASH_RESOURCE_TYPES,
  evaluate(context) {
    const out = new Collector();
    // A read failure of these resources makes the service unknown in the core (rule 8).
    evaluateKubeStash(context, out);
    evaluateStash(context, out);
    return out.evidence;
  },
};
