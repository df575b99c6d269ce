import path from 'node:path';
import { formatDuration } from '@backstage-dr/plugin-disaster-recovery-common';
import { DrConfigPlan } from './plan';

/** The paths of the files {@link generateDrFiles} writes, relative to the workspace. */
export interface DrFileLayout {
  /** Folder of the Kubernetes manifests and the README, e.g. `dr`. */
  dir: string;
  scheduleFile: string;
  sourcesFile?: string;
  destinationsFile?: string;
  cnpgReplicaFile?: string;
  cnpgPrimaryPatchFile?: string;
  /** The CNPG ScheduledBackup, for PostgreSQL (`cnpg`) services. */
  cnpgScheduledBackupFile?: string;
  annotationsFile: string;
  readmeFile: string;
  runbookFile: string;
}

function selector(labels: Record<string, string>) {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function replicationText(plan: DrConfigPlan): string {
  switch (plan.mechanism) {
    case 'application':
      return [
        "Replication is the application's own: with `active-active`, both clusters serve and the",
        "application keeps its data in step across them (its database's multi-region replication,",
        'a CRDT store, Kafka MirrorMaker 2, ...). Nothing here replicates volumes. The DR evaluation',
        "cannot read the application's replication, so the recovery points it counts are the Velero",
        `backups: every ${formatDuration(
          plan.backup.cadence.intervalSeconds,
        )} (\`${
          plan.backup.cadence.cron
        }\`), at most half the RPO, with the volumes' data moved to the`,
        `BackupStorageLocation \`${plan.backup.storageLocation}\`. Keep the application's replication lag under the RPO too.`,
      ].join('\n');
    case 'volsync':
      return [
        `Each PVC is replicated to ${plan.declaration.recoveryCluster} by a VolSync`,
        `ReplicationSource (rsync over TLS, \`${
          plan.replicationCadence!.cron
        }\`, every ${formatDuration(
          plan.replicationCadence!.intervalSeconds,
        )}) into a ReplicationDestination that keeps`,
        'the last sync as a VolumeSnapshot. The Velero Schedule is a safety net that also moves the',
        "volumes' data off the cluster, within the RPO.",
      ].join('\n');
    case 'cnpg':
      return [
        `The database streams WAL to the replica CloudNativePG Cluster \`${plan.cnpgReplicaName}\``,
        `on ${plan.declaration.recoveryCluster} (distributed topology: \`spec.replica.primary\` names the`,
        "primary on both sides). The Velero Schedule is a safety net that also moves the volumes'",
        'data off the cluster.',
      ].join('\n');
    default:
      return [
        `Backups are the only recovery points: Velero backs the service up every ${formatDuration(
          plan.backup.cadence.intervalSeconds,
        )}`,
        `(\`${plan.backup.cadence.cron}\`), at most half the RPO, moving the volumes' data into the BackupStorageLocation`,
        `\`${plan.backup.storageLocation}\`, which ${plan.declaration.recoveryCluster} must be able to read.`,
      ].join('\n');
  }
}

/** The README of the generated folder: what each file is, where it is applied, what it needs. */
export function drReadme(plan: DrConfigPlan, layout: DrFileLayout): string {
  const { declaration: d, request } = plan;
  const rel = (p: string) => p.slice(layout.dir.length + 1);
  const rows = [
    `| \`${rel(layout.scheduleFile)}\` | ${
      d.primaryCluster
    } | Velero Schedule (namespace \`${plan.backup.namespace}\`) |`,
    ...(layout.sourcesFile
      ? [
          `| \`${rel(layout.sourcesFile)}\` | ${
            d.primaryCluster
          } | VolSync ReplicationSource per PVC |`,
        ]
      : []),
    ...(layout.destinationsFile
      ? [
          `| \`${rel(layout.destinationsFile)}\` | ${
            d.recoveryCluster
          } | VolSync ReplicationDestination per PVC (apply first) |`,
        ]
      : []),
    ...(layout.cnpgPrimaryPatchFile
      ? [
          `| \`${rel(layout.cnpgPrimaryPatchFile)}\` | ${
            d.primaryCluster
          } | merge patch of the primary CNPG Cluster \`${
            plan.cnpgClusterName
          }\` |`,
        ]
      : []),
    ...(layout.cnpgScheduledBackupFile
      ? [
          `| \`${rel(layout.cnpgScheduledBackupFile)}\` | ${
            d.primaryCluster
          } | CNPG ScheduledBackup of \`${
            plan.cnpgClusterName
          }\` (base backups to its object store) |`,
        ]
      : []),
    ...(layout.cnpgReplicaFile
      ? [
          `| \`${rel(layout.cnpgReplicaFile)}\` | ${
            d.recoveryCluster
          } | replica CNPG Cluster \`${plan.cnpgReplicaName}\` |`,
        ]
      : []),
    `| \`${rel(
      layout.annotationsFile,
    )}\` | catalog | the DR annotations of \`catalog-info.yaml\` |`,
  ];
  const needs: string[] = [];
  if (layout.sourcesFile) {
    needs.push(
      `- The StatefulSet \`${plan.statefulSet}\` applied to ${
        d.recoveryCluster
      } too, with \`replicas: 0\` until a failover (its PVCs are made from the replicated images then)${
        d.strategy === 'warm-standby'
          ? ': the DR evaluation checks that a warm standby has its workloads there'
          : ''
      }.`,
      `- A Secret \`volsync-rsync-tls-<pvc>\` with the same \`psk.txt\` in namespace \`${request.namespace}\` of both clusters, one per PVC.`,
      `- The destinations' Services reachable from ${d.primaryCluster} as \`volsync-rsync-tls-dst-<pvc>.${request.namespace}.${plan.crossClusterDomain}\` (export them, e.g. with a ServiceExport).`,
    );
  }
  if (layout.cnpgReplicaFile) {
    needs.push(
      `- The Secrets \`${plan.cnpgClusterName}-replication\` (client certificate of \`streaming_replica\`: \`tls.crt\`, \`tls.key\`) and \`${plan.cnpgClusterName}-ca\` (\`ca.crt\`) in both clusters.`,
      `- Each side's \`-rw\` Service reachable from the other as \`<cluster>-rw.${request.namespace}.${plan.crossClusterDomain}\`.`,
    );
  }
  if (layout.cnpgScheduledBackupFile) {
    needs.push(
      (plan.request.cnpgBackupMethod ?? 'plugin') === 'plugin'
        ? `- The CNPG Cluster \`${plan.cnpgClusterName}\` archiving WAL through the Barman Cloud plugin (\`spec.plugins: [{name: barman-cloud.cloudnative-pg.io, isWALArchiver: true, parameters: {barmanObjectName: <ObjectStore>}}]\`) to an \`ObjectStore\` outside ${d.primaryCluster} (not an in-cluster MinIO): only then do the ScheduledBackup's backups count as recovery points.`
        : `- The CNPG Cluster \`${plan.cnpgClusterName}\` with \`spec.backup.barmanObjectStore\` on object storage outside ${d.primaryCluster} (not an in-cluster MinIO): only then do the ScheduledBackup's backups count as recovery points.`,
    );
  }
  if (d.strategy === 'active-active') {
    needs.push(
      `- The workload deployed and serving (ready replicas) on both ${d.primaryCluster} and ${d.recoveryCluster}: the DR evaluation checks that both sides serve.`,
    );
  }
  needs.push(
    `- The PVCs labelled \`${selector(
      plan.labels,
    )}\` (in a StatefulSet, on its \`volumeClaimTemplates\`), so the Schedule's label selector takes them in.`,
    `- The BackupStorageLocation \`${plan.backup.storageLocation}\` readable from ${d.recoveryCluster}, so its backups can be restored there.`,
  );
  return [
    `# Disaster recovery configuration of ${request.name}`,
    '',
    `${d.tier}, \`${d.strategy}\`: RPO ${formatDuration(
      d.rpoSeconds,
    )}, RTO ${formatDuration(d.rtoSeconds)}, from ${d.primaryCluster} to ${
      d.recoveryCluster
    }. Runbook: [${path.posix.basename(
      layout.runbookFile,
    )}](${path.posix.relative(layout.dir, layout.runbookFile)}).`,
    '',
    '| file | apply to | what |',
    '| --- | --- | --- |',
    ...rows,
    '',
    '## Replication',
    '',
    replicationText(plan),
    '',
    '## Needs',
    '',
    ...needs,
    '',
  ].join('\n');
}

function kubectl(cluster: string | undefined, args: string) {
  return `kubectl --context ${cluster} ${args}`;
}

/**
 * A short runbook for the service: targets, strategy, what protects the data, and the failover,
 * failback and drill steps of its strategy, as kubectl commands.
 */
export function drRunbook(plan: DrConfigPlan, layout: DrFileLayout): string {
  const { declaration: d, request } = plan;
  const ns = request.namespace;
  const sts = plan.statefulSet;
  const replicas = request.replicas ?? 1;
  const schedule = `${request.name}-dr`;
  const velero = plan.backup.namespace;
  const restore = (cluster: string | undefined, target: string) =>
    kubectl(
      cluster,
      `-n ${velero} create -f - <<EOF\napiVersion: velero.io/v1\nkind: Restore\nmetadata:\n  generateName: ${
        request.name
      }-\nspec:\n  scheduleName: ${schedule}\n  includedNamespaces: [${ns}]${
        target === ns ? '' : `\n  namespaceMapping:\n    ${ns}: ${target}`
      }\nEOF`,
    );
  let failover: string[];
  let failback: string[];
  switch (plan.mechanism) {
    case 'velero':
      failover = [
        `Fence: scale the primary down if it still answers: \`${kubectl(
          d.primaryCluster,
          `-n ${ns} scale statefulset/${sts} --replicas=0`,
        )}\`.`,
        `Restore the newest usable backup into ${
          d.recoveryCluster
        }:\n\n   \`\`\`sh\n   ${restore(d.recoveryCluster, ns).replace(
          /\n/g,
          '\n   ',
        )}\n   \`\`\``,
        `Wait for the Restore's \`status.phase: Completed\`, then scale up: \`${kubectl(
          d.recoveryCluster,
          `-n ${ns} scale statefulset/${sts} --replicas=${replicas}`,
        )}\`.`,
      ];
      failback = [
        `Apply \`${layout.scheduleFile}\` to ${d.recoveryCluster} and take a backup there.`,
        `Restore it into ${d.primaryCluster} as above (with the clusters swapped), scale up there, shift traffic back, then scale ${d.recoveryCluster} down.`,
      ];
      break;
    case 'volsync':
      failover = [
        `Fence: \`${kubectl(
          d.primaryCluster,
          `-n ${ns} scale statefulset/${sts} --replicas=0`,
        )}\`, and pause the ReplicationSources (\`spec.paused: true\`).`,
        `In ${
          d.recoveryCluster
        }, make each PVC from its ReplicationDestination's newest image (\`status.latestImage\`, a VolumeSnapshot): a PVC named like the primary's (${plan.pvcs
          .map(p => `\`${p}\``)
          .join(', ')}) with \`dataSource\` that VolumeSnapshot.`,
        `Scale up: \`${kubectl(
          d.recoveryCluster,
          `-n ${ns} scale statefulset/${sts} --replicas=${replicas}`,
        )}\`, and shift traffic.`,
      ];
      failback = [
        `Replicate back: a ReplicationDestination per PVC in ${d.primaryCluster} and a ReplicationSource per PVC in ${d.recoveryCluster} (the files here with the clusters swapped).`,
        `After a sync, fence ${d.recoveryCluster}, restore the PVCs in ${d.primaryCluster} from the newest images, scale up, shift traffic back, and re-apply the files as generated.`,
      ];
      break;
    case 'cnpg':
      failover = [
        `Planned (switchover): demote the primary by setting \`spec.replica.primary: ${plan.cnpgReplicaName}\` on \`${plan.cnpgClusterName}\` in ${d.primaryCluster}; copy its \`status.demotionToken\` into \`spec.replica.promotionToken\` of \`${plan.cnpgReplicaName}\` in ${d.recoveryCluster} and set \`spec.replica.primary: ${plan.cnpgReplicaName}\` there too.`,
        `Unplanned (the primary is lost): set \`spec.replica.primary: ${plan.cnpgReplicaName}\` on \`${plan.cnpgReplicaName}\` without a token; data not yet streamed is lost (at most the replication lag).`,
        `Point the application at \`${plan.cnpgReplicaName}-rw\` in ${d.recoveryCluster}.`,
      ];
      failback = [
        `Once \`${plan.cnpgClusterName}\` runs again, it must rejoin as a replica: set \`spec.replica.primary: ${plan.cnpgReplicaName}\` on it (after an unplanned failover, re-create it from \`${plan.cnpgReplicaName}\` with \`pg_basebackup\`).`,
        `Switch over back as in the planned failover, with the names swapped.`,
      ];
      break;
    default:
      failover = [
        `Shift traffic away from ${d.primaryCluster} (DNS or global load balancer); ${d.recoveryCluster} already serves.`,
        `Check the application's own replication caught up before the loss, within the RPO.`,
      ];
      failback = [
        `Once ${d.primaryCluster} is healthy and the application's replication has caught up, shift traffic back.`,
      ];
  }
  const drillNamespace = `drill-${request.name}`;
  return [
    `# DR runbook: ${request.name}`,
    '',
    '| target | value |',
    '| --- | --- |',
    `| tier | ${d.tier} |`,
    `| strategy | ${d.strategy} |`,
    `| RPO (most data lost) | ${formatDuration(d.rpoSeconds)} |`,
    `| RTO (longest downtime) | ${formatDuration(d.rtoSeconds)} |`,
    `| primary cluster | ${d.primaryCluster} |`,
    `| recovery cluster | ${d.recoveryCluster} |`,
    `| drill at least every | ${formatDuration(d.drillCadenceSeconds)} |`,
    '',
    '## How the data is protected',
    '',
    replicationText(plan),
    '',
    `Backups: Velero Schedule \`${schedule}\` (\`${
      plan.backup.cadence.cron
    }\`, every ${formatDuration(
      plan.backup.cadence.intervalSeconds,
    )}), kept ${formatDuration(
      plan.backup.ttlSeconds,
    )}, in the BackupStorageLocation \`${
      plan.backup.storageLocation
    }\`. The files are in \`${layout.dir}/\` (see its README).`,
    '',
    '## Failover',
    '',
    ...failover.map((step, i) => `${i + 1}. ${step}`),
    `${failover.length + 1}. Verify the service answers in ${
      d.recoveryCluster
    }, and record the time from the start: it is the measured RTO.`,
    '',
    '## Failback',
    '',
    ...failback.map((step, i) => `${i + 1}. ${step}`),
    '',
    '## Drill',
    '',
    `Restore the newest backup into the isolated namespace \`${drillNamespace}\` of ${d.recoveryCluster}, without touching production:`,
    '',
    '```sh',
    restore(d.recoveryCluster, drillNamespace),
    '```',
    '',
    `The Restore's \`completionTimestamp - startTimestamp\` is the measured RTO; it must stay under ${formatDuration(
      d.rtoSeconds,
    )}. Delete \`${drillNamespace}\` afterwards.`,
    '',
  ].join('\n');
}
