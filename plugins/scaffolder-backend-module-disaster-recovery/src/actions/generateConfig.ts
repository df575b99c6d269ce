import path from 'node:path';
import fs from 'fs-extra';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DR_STRATEGIES } from '@backstage-dr/plugin-disaster-recovery-common';
import { DrScaffolderSettings } from '../config';
import { generateDrFiles } from '../generate/generate';
import { planDrConfig } from '../generate/plan';
import { examples } from './generateConfig.examples';
import { resolveInWorkspace } from './workspace';

/** The action's id. */
export const GENERATE_CONFIG_ACTION_ID = 'disaster-recovery:config:generate';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_FORM =
  'a DNS label: lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';

/**
 * Creates the `disaster-recovery:config:generate` action: writes the DR configuration of a
 * stateful service into the workspace (Velero Schedule; VolSync ReplicationSources and
 * ReplicationDestinations, or a CloudNativePG replica Cluster and the primary's `replica` stanza;
 * the DR annotations; a README and a `DR.md` runbook), after checking the request against the
 * tier policy and what the strategy can give (see `planDrConfig`). Outputs the files written and
 * the annotations.
 *
 * @public
 */
export function createGenerateDrConfigAction(options: {
  settings: DrScaffolderSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: GENERATE_CONFIG_ACTION_ID,
    description:
      'Generates the DR configuration of a stateful service: a Velero Schedule whose cadence meets the RPO, VolSync or CloudNativePG replication for pilot-light and warm-standby, the disaster-recovery/* annotations and a DR.md runbook. Refuses targets the tier or the strategy cannot meet.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .max(63)
            .regex(DNS_LABEL, `name: use ${DNS_LABEL_FORM}`)
            .describe(
              'The service: its catalog name and its backstage.io/kubernetes-id label value',
            ),
        namespace: z =>
          z
            .string()
            .max(63)
            .regex(DNS_LABEL, `namespace: use ${DNS_LABEL_FORM}`)
            .describe('The Kubernetes namespace of its workload'),
        tier: z =>
          z
            .string()
            .describe('A tier from disasterRecovery.tiers, e.g. tier-1'),
        strategy: z =>
          z
            .string()
            .describe(`The DR strategy: one of ${DR_STRATEGIES.join(', ')}`),
        rpo: z =>
          z
            .string()
            .optional()
            .describe(
              "RPO target, ISO 8601 (PT15M) or short form (15m); default: the tier's max RPO",
            ),
        rto: z =>
          z
            .string()
            .optional()
            .describe("RTO target; default: the tier's max RTO"),
        drillCadence: z =>
          z
            .string()
            .optional()
            .describe("How often to drill; default: the tier's max drill age"),
        primaryCluster: z =>
          z.string().min(1).describe('The cluster the service runs on'),
        recoveryCluster: z =>
          z.string().min(1).describe('The cluster it fails over to'),
        runbookUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'http(s) URL of the runbook, for the disaster-recovery/runbook annotation',
            ),
        statefulSet: z =>
          z
            .string()
            .regex(DNS_LABEL, `statefulSet: use ${DNS_LABEL_FORM}`)
            .optional()
            .describe("The StatefulSet's name; default: name"),
        volumeClaimTemplates: z =>
          z
            .array(z.string().regex(DNS_LABEL))
            .optional()
            .describe(
              "The StatefulSet's volumeClaimTemplates names; default [data]",
            ),
        replicas: z =>
          z
            .number()
            .int()
            .min(1)
            .max(100)
            .optional()
            .describe(
              'StatefulSet replicas: PVCs are <template>-<statefulSet>-<ordinal>; default 1',
            ),
        pvcs: z =>
          z
            .array(z.string().regex(DNS_LABEL))
            .optional()
            .describe('PVC names, when not those of the StatefulSet templates'),
        labels: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              "Labels selecting the service's objects and PVCs; default backstage.io/kubernetes-id: <name>",
            ),
        backupStorageLocation: z =>
          z
            .string()
            .optional()
            .describe('The Velero BackupStorageLocation; default "default"'),
        veleroNamespace: z =>
          z
            .string()
            .optional()
            .describe('Velero\'s namespace; default "velero"'),
        volumeBackup: z =>
          z
            .enum(['snapshot', 'fs-backup'])
            .optional()
            .describe(
              'snapshot: CSI snapshots moved to the BackupStorageLocation; fs-backup: Velero file-system backup. Default snapshot',
            ),
        backupTtl: z =>
          z
            .string()
            .optional()
            .describe(
              "How long backups are kept; default: the tier's max drill age",
            ),
        storageSize: z =>
          z
            .string()
            .regex(
              /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/,
              'storageSize: use a Kubernetes quantity such as 10Gi',
            )
            .optional()
            .describe('Size of each volume; default 10Gi'),
        storageClassName: z =>
          z
            .string()
            .optional()
            .describe('StorageClass in the recovery cluster'),
        volumeSnapshotClassName: z =>
          z.string().optional().describe('VolumeSnapshotClass for VolSync'),
        crossClusterDomain: z =>
          z
            .string()
            .optional()
            .describe(
              'DNS suffix of Services across clusters (<service>.<namespace>.<suffix>); default svc.clusterset.local',
            ),
        cnpg: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Whether the service is a CloudNativePG database (replica Cluster instead of VolSync)',
            ),
        cnpgClusterName: z =>
          z
            .string()
            .regex(DNS_LABEL)
            .optional()
            .describe('The primary CNPG Cluster name; default: name'),
        cnpgBackupMethod: z =>
          z
            .enum(['plugin', 'barmanObjectStore'])
            .optional()
            .describe(
              "How the generated ScheduledBackup writes its base backups: through the Barman Cloud plugin (plugin, default) or the Cluster's in-core barmanObjectStore",
            ),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder of the manifests and README; default dr',
            ),
        runbookPath: z =>
          z
            .string()
            .optional()
            .describe('Workspace path of the runbook; default DR.md'),
      },
      output: {
        files: z =>
          z
            .array(z.string())
            .describe('The files written, relative to the workspace'),
        annotations: z =>
          z
            .record(z.string())
            .describe(
              'The disaster-recovery/* annotations for catalog-info.yaml',
            ),
        backupSchedule: z =>
          z.string().describe("The Velero Schedule's cron expression"),
        replicationSchedule: z =>
          z
            .string()
            .optional()
            .describe(
              "The VolSync ReplicationSources' cron expression, if any",
            ),
      },
    },
    async handler(ctx) {
      const { targetPath, runbookPath, ...request } = ctx.input;
      const plan = planDrConfig(request, settings);
      let generated;
      try {
        generated = generateDrFiles(plan, { dir: targetPath, runbookPath });
      } catch (error) {
        throw new InputError((error as Error).message);
      }
      const { files } = generated;
      if (!ctx.isDryRun) {
        await ctx.checkpoint({
          key: `dr-config-${request.namespace}-${request.name}`,
          fn: async () => {
            for (const file of files) {
              const target = resolveInWorkspace(ctx.workspacePath, file.path);
              await fs.mkdirp(path.dirname(target));
              await fs.writeFile(target, file.content, 'utf8');
            }
          },
        });
      }
      ctx.logger.info(
        `Wrote the DR config of ${request.name} (${plan.declaration.tier}, ${
          plan.declaration.strategy
        }): ${files.map(f => f.path).join(', ')}`,
      );
      ctx.output(
        'files',
        files.map(f => f.path),
      );
      ctx.output('annotations', plan.annotations);
      ctx.output('backupSchedule', plan.backup.cadence.cron);
      if (plan.replicationCadence) {
        ctx.output('replicationSchedule', plan.replicationCadence.cron);
      }
    },
  });
}
