import {
  DrRecoveryPoint,
  DrStatus,
  KubeObject,
  VeleroRestore,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { RunStepContext, StepOutcome } from '../types';
import {
  PVC,
  StepWriter,
  VELERO_BACKUP,
  VELERO_NAMESPACE,
  VELERO_RESTORE,
  change,
  elapsedSeconds,
  listOptional,
  objectPath,
  refuse,
  restoreNameOf,
  retry,
  runIdLabels,
  serviceSelector,
} from './common';

/** Phases after which a Velero Restore does not change any more, other than `Completed`. */
const FAILED_PHASES = ['PartiallyFailed', 'Failed', 'FailedValidation'];

type Restore = VeleroRestore & {
  spec?: VeleroRestore['spec'] & { restorePVs?: boolean };
  status?: VeleroRestore['status'] & { validationErrors?: string[] };
};

/**
 * The newest counted Velero Backup of the service in its DR status (`recoveryPoints` of kind
 * `Backup` with `counted`), or undefined.
 */
export function newestCountedBackup(
  status: DrStatus | undefined,
): DrRecoveryPoint | undefined {
  const backups = (status?.recoveryPoints ?? []).filter(
    p => p.kind === 'Backup' && p.counted,
  );
  const time = (p: DrRecoveryPoint) => (p.time ? Date.parse(p.time) || 0 : 0);
  return [...backups].sort((a, b) => time(b) - time(a))[0];
}

/** What a restore brings back and where. */
export interface RestorePlan {
  /** The Restore's spec without `backupName`. */
  spec: Omit<NonNullable<Restore['spec']>, 'backupName'> & {
    restorePVs?: boolean;
  };
  /** Where the service's objects land (the namespace checked for existing PVCs). */
  targetNamespaces: string[];
  /** For the log: "into shop", "into dr-drill-orders-run-1". */
  description: string;
}

function describeFailure(restore: Restore, cluster: string): string {
  const s = restore.status ?? {};
  const parts = [
    `${s.errors ?? 0} error${s.errors === 1 ? '' : 's'}`,
    `${s.warnings ?? 0} warning${s.warnings === 1 ? '' : 's'}`,
  ];
  if (s.failureReason) parts.push(`failure reason: ${s.failureReason}`);
  if (s.validationErrors && s.validationErrors.length > 0) {
    parts.push(`validation errors: ${s.validationErrors.join('; ')}`);
  }
  return `Velero Restore ${VELERO_NAMESPACE}/${
    restore.metadata.name
  } of Backup ${restore.spec?.backupName ?? '(unknown)'} on ${cluster} ended ${
    s.phase
  }: ${parts.join(', ')}. See \`velero restore describe ${
    restore.metadata.name
  } --details\` on ${cluster}.`;
}

/**
 * Creates the run's Velero Restore (`velero/dr-<run id>`) of the newest counted backup on
 * `cluster`, once, and waits for it: `Completed` is done; `PartiallyFailed`, `Failed` and
 * `FailedValidation` fail the step with Velero's counts, failure reason and validation errors;
 * no end within `limits.restoreTimeoutSeconds` (from the step's start) fails it too. A Restore
 * the run already created is re-used, whatever backup it names.
 */
export async function restoreAndWait(
  ctx: RunStepContext,
  writer: StepWriter,
  cluster: string,
  plan: RestorePlan,
): Promise<StepOutcome> {
  const { run } = ctx;
  const name = restoreNameOf(run.id);
  const path = objectPath(VELERO_RESTORE, VELERO_NAMESPACE, name);
  let restore = ctx.dryRun
    ? undefined
    : ((await ctx.kube.get(cluster, path)) as Restore | undefined);

  if (!restore) {
    const backup = newestCountedBackup(ctx.status);
    if (!backup) {
      return refuse(
        ctx,
        `There is no counted Velero Backup of ${run.entityRef} to restore (the DR status lists none). Take a backup that takes in the service, wait for the next refresh, and start again.`,
      );
    }
    const known = (await ctx.kube.get(
      cluster,
      objectPath(VELERO_BACKUP, VELERO_NAMESPACE, backup.name),
    )) as (KubeObject & { status?: { phase?: string } }) | undefined;
    if (!known) {
      return refuse(
        ctx,
        `Velero on ${cluster} does not know Backup ${backup.name} (seen on ${backup.cluster}): its BackupStorageLocation must be configured on ${cluster} and synced before the backup can be restored there.`,
      );
    }
    if (known.status?.phase && known.status.phase !== 'Completed') {
      return refuse(
        ctx,
        `Backup ${backup.name} is ${known.status.phase} on ${cluster}, not Completed: it cannot be restored.`,
      );
    }
    await warnAboutExistingPvcs(ctx, cluster, plan.targetNamespaces);
    const body: Restore = {
      apiVersion: VELERO_RESTORE.apiVersion,
      kind: VELERO_RESTORE.kind,
      metadata: {
        name,
        namespace: VELERO_NAMESPACE,
        labels: runIdLabels(run.id),
      },
      spec: { backupName: backup.name, ...plan.spec },
    };
    restore = (await writer.create(cluster, VELERO_RESTORE, body)) as Restore;
    ctx.log(
      'info',
      `${
        ctx.dryRun ? 'Would create' : 'Created'
      } Velero Restore ${VELERO_NAMESPACE}/${name} on ${cluster}: Backup ${
        backup.name
      }${backup.time ? ` (taken ${backup.time})` : ''} ${plan.description}.`,
    );
    if (ctx.dryRun) return { done: true };
  } else {
    writer.recordIfMissing(
      change(cluster, VELERO_RESTORE, VELERO_NAMESPACE, name, 'create', {
        apiVersion: VELERO_RESTORE.apiVersion,
        kind: VELERO_RESTORE.kind,
        metadata: {
          name,
          namespace: VELERO_NAMESPACE,
          labels: runIdLabels(run.id),
        },
        spec: restore.spec,
      }),
    );
  }

  const phase = restore.status?.phase;
  if (phase === 'Completed') {
    const warnings = restore.status?.warnings ?? 0;
    writer.logOnce(
      'info',
      `Velero Restore ${VELERO_NAMESPACE}/${name} on ${cluster} is Completed${
        warnings > 0
          ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}`
          : ''
      }.`,
    );
    return { done: true };
  }
  if (phase && FAILED_PHASES.includes(phase)) {
    throw new Error(describeFailure(restore, cluster));
  }
  const timeout = ctx.limits.restoreTimeoutSeconds;
  if (elapsedSeconds(ctx) > timeout) {
    throw new Error(
      `Velero Restore ${VELERO_NAMESPACE}/${name} on ${cluster} did not complete within ${timeout} seconds (phase ${
        phase ?? 'not reported yet'
      }). Check Velero on ${cluster}; the Restore is left as it is.`,
    );
  }
  writer.logOnce(
    'info',
    `Waiting for Velero Restore ${VELERO_NAMESPACE}/${name} on ${cluster} (phase ${
      phase ?? 'not reported yet'
    }).`,
  );
  return retry(ctx);
}

/**
 * Velero does not overwrite a PVC that exists: restoring into a namespace that still holds the
 * service's PVCs (a failback to the old primary) keeps their old data. Say so.
 */
async function warnAboutExistingPvcs(
  ctx: RunStepContext,
  cluster: string,
  namespaces: string[],
): Promise<void> {
  const selector = serviceSelector(ctx.target);
  for (const namespace of namespaces) {
    const pvcs = await listOptional(ctx, cluster, PVC, namespace, selector);
    if (pvcs.length > 0) {
      ctx.log(
        'warn',
        `${pvcs.length} PVC${
          pvcs.length === 1 ? '' : 's'
        } of the service already exist in ${namespace} on ${cluster} (${pvcs
          .map(p => p.metadata.name)
          .join(
            ', ',
          )}): Velero does not overwrite existing PVCs, so they keep the data they hold now.`,
      );
    }
  }
}
