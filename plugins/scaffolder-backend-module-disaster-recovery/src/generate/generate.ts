import path from 'node:path';
import { Document } from 'yaml';
import { formatDuration } from '@backstage-dr/plugin-disaster-recovery-common';
import { DrFileLayout, drReadme, drRunbook } from './docs';
import {
  cnpgPrimaryPatch,
  cnpgReplicaCluster,
  cnpgScheduledBackup,
  replicationDestinations,
  replicationSources,
  veleroSchedule,
} from './objects';
import { DrConfigPlan } from './plan';

/**
 * One file to write, relative to the workspace, with its whole text.
 *
 * @public
 */
export interface GeneratedFile {
  /** POSIX path relative to the workspace, e.g. `dr/primary/velero-schedule.yaml`. */
  path: string;
  content: string;
}

/** Where the files go: a folder for the DR config and the runbook's path, both workspace-relative. */
export interface DrFileTargets {
  /** Folder of the manifests and the README; default `dr`. */
  dir?: string;
  /** Path of the runbook; default `DR.md`. */
  runbookPath?: string;
}

function yamlDocuments(comment: string, objects: readonly object[]): string {
  return objects
    .map((object, index) => {
      const doc = new Document(object);
      if (index === 0) {
        doc.commentBefore = ` ${comment.split('\n').join('\n ')}`;
      }
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}

/** Cleans a workspace-relative path: POSIX separators, no leading `./`, never outside the workspace. */
export function workspaceRelative(p: string, field: string): string {
  const normal = path.posix.normalize(p.replace(/\\/g, '/'));
  if (path.posix.isAbsolute(normal) || normal.startsWith('..')) {
    throw new TypeError(
      `${field}: "${p}" is outside the workspace; use a relative path such as dr`,
    );
  }
  return normal === '.' ? '' : normal.replace(/\/$/, '');
}

/**
 * The files of a plan: the Velero Schedule; VolSync sources and destinations, or the CNPG replica
 * cluster and the primary's patch; the CNPG ScheduledBackup of a PostgreSQL (`cnpg`) service; the DR annotations; the folder's README (which, for
 * `active-active`, says replication is the application's own); and the runbook.
 *
 * Layout under `dir` (default `dr`): `primary/` holds what is applied to the primary cluster,
 * `recovery/` what is applied to the recovery cluster.
 *
 * @public
 */
export function generateDrFiles(
  plan: DrConfigPlan,
  targets: DrFileTargets = {},
): { files: GeneratedFile[]; layout: DrFileLayout } {
  const dir = workspaceRelative(targets.dir ?? 'dr', 'targetPath') || '.';
  const join = (...parts: string[]) =>
    path.posix.join(...parts.filter(p => p !== '.'));
  const { declaration: d } = plan;
  const layout: DrFileLayout = {
    dir,
    scheduleFile: join(dir, 'primary', 'velero-schedule.yaml'),
    annotationsFile: join(dir, 'catalog-annotations.yaml'),
    readmeFile: join(dir, 'README.md'),
    runbookFile: workspaceRelative(
      targets.runbookPath ?? 'DR.md',
      'runbookPath',
    ),
  };
  const files: GeneratedFile[] = [
    {
      path: layout.scheduleFile,
      content: yamlDocuments(
        `Apply to ${d.primaryCluster}. Backs up ${
          plan.request.name
        } every ${formatDuration(plan.backup.cadence.intervalSeconds)}${
          plan.backup.meetsRpo ? ' (at most half its RPO)' : ' (safety net)'
        }, moving volume data to the BackupStorageLocation.`,
        [veleroSchedule(plan)],
      ),
    },
  ];
  if (plan.mechanism === 'volsync') {
    layout.sourcesFile = join(
      dir,
      'primary',
      'volsync-replication-sources.yaml',
    );
    layout.destinationsFile = join(
      dir,
      'recovery',
      'volsync-replication-destinations.yaml',
    );
    files.push(
      {
        path: layout.sourcesFile,
        content: yamlDocuments(
          `Apply to ${d.primaryCluster}, after the destinations. One ReplicationSource per PVC.`,
          replicationSources(plan),
        ),
      },
      {
        path: layout.destinationsFile,
        content: yamlDocuments(
          `Apply to ${d.recoveryCluster}. One ReplicationDestination per PVC.`,
          replicationDestinations(plan),
        ),
      },
    );
  }
  if (plan.mechanism === 'cnpg') {
    layout.cnpgPrimaryPatchFile = join(
      dir,
      'primary',
      'cnpg-cluster-replica-patch.yaml',
    );
    layout.cnpgReplicaFile = join(dir, 'recovery', 'cnpg-replica-cluster.yaml');
    files.push(
      {
        path: layout.cnpgPrimaryPatchFile,
        content: yamlDocuments(
          `Merge into the CloudNativePG Cluster ${plan.cnpgClusterName} on ${
            d.primaryCluster
          }:\n  kubectl --context ${d.primaryCluster} -n ${
            plan.request.namespace
          } patch cluster.postgresql.cnpg.io ${
            plan.cnpgClusterName
          } --type merge --patch-file ${path.posix.basename(
            layout.cnpgPrimaryPatchFile,
          )}`,
          [cnpgPrimaryPatch(plan)],
        ),
      },
      {
        path: layout.cnpgReplicaFile,
        content: yamlDocuments(
          `Apply to ${d.recoveryCluster}: the replica of ${plan.cnpgClusterName}.`,
          [cnpgReplicaCluster(plan)],
        ),
      },
    );
  }
  if (plan.request.cnpg) {
    layout.cnpgScheduledBackupFile = join(
      dir,
      'primary',
      'cnpg-scheduled-backup.yaml',
    );
    files.push({
      path: layout.cnpgScheduledBackupFile,
      content: yamlDocuments(
        `Apply to ${d.primaryCluster}. Base backups of ${
          plan.cnpgClusterName
        } every ${formatDuration(
          plan.backup.cadence.intervalSeconds,
        )}; the schedule has six fields, seconds first, as CloudNativePG reads it.`,
        [cnpgScheduledBackup(plan)],
      ),
    });
  }
  files.push(
    {
      path: layout.annotationsFile,
      content: yamlDocuments(
        'The DR annotations of the service, for metadata.annotations in catalog-info.yaml.',
        [{ metadata: { annotations: plan.annotations } }],
      ),
    },
    { path: layout.readmeFile, content: drReadme(plan, layout) },
    { path: layout.runbookFile, content: drRunbook(plan, layout) },
  );
  return { files, layout };
}
