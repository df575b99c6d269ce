import { DrStatusProvider } from '../../evaluation/provider';
import { DrResourceType } from '../../evaluation/resources';
import { Collector } from '../kubestash/collector';
import { evaluateKasten, KASTEN_RESOURCES } from './kasten';

const type = (
  resource: string,
  group: string,
  plural: string,
  kind: string,
): DrResourceType => ({
  resource,
  group,
  version: 'v1alpha1',
  plural,
  kind,
  provider: 'kasten',
});

/**
 * The resource types the Kasten K10 provider reads (all `v1alpha1`): `config.kio.kasten.io`
 * Policy and Profile (CRDs in Kasten's namespace); `actions.kio.kasten.io` RunAction,
 * BackupAction, ExportAction, RestoreAction and `apps.kio.kasten.io` RestorePoint and
 * RestorePointContent (cluster-scoped), which Kasten's aggregated API server serves (no CRD; do
 * not call their `/details` subresource).
 *
 * @public
 */
export const KASTEN_RESOURCE_TYPES: readonly DrResourceType[] = Object.freeze([
  type(KASTEN_RESOURCES.policies, 'config.kio.kasten.io', 'policies', 'Policy'),
  type(
    KASTEN_RESOURCES.profiles,
    'config.kio.kasten.io',
    'profiles',
    'Profile',
  ),
  type(
    KASTEN_RESOURCES.runActions,
    'actions.kio.kasten.io',
    'runactions',
    'RunAction',
  ),
  type(
    KASTEN_RESOURCES.backupActions,
    'actions.kio.kasten.io',
    'backupactions',
    'BackupAction',
  ),
  type(
    KASTEN_RESOURCES.exportActions,
    'actions.kio.kasten.io',
    'exportactions',
    'ExportAction',
  ),
  type(
    KASTEN_RESOURCES.restoreActions,
    'actions.kio.kasten.io',
    'restoreactions',
    'RestoreAction',
  ),
  type(
    KASTEN_RESOURCES.restorePoints,
    'apps.kio.kasten.io',
    'restorepoints',
    'RestorePoint',
  ),
  type(
    KASTEN_RESOURCES.restorePointContents,
    'apps.kio.kasten.io',
    'restorepointcontents',
    'RestorePointContent',
  ),
]);

/**
 * Kasten K10 as a DR status provider (PROVIDERS.md section 3): exported restore points as the
 * recovery points that survive the cluster, Policies with an export to a surviving location
 * profile as PVC coverage (cadence: the export frequency), profile validation, failing, stuck
 * and missed runs, and Complete RestoreActions outside the primary as drills. When Kasten's
 * aggregated APIs cannot be read (503 while its API server is down), the evidence is unknown,
 * never "no restore points". See `evaluateKasten` for the rules.
 *
 * @public
 */
export const kastenProvider: DrStatusProvider = {
  id: 'kasten',
  title: 'Kasten K10',
  resourceTypes: KASTEN_RESOURCE_TYPES,
  evaluate(context) {
    const out = new Collector();
    // A read failure of these resources makes the service unknown in the core (rule 8).
    evaluateKasten(context, out);
    return out.evidence;
  },
};
