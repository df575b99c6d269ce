import { KubeObject } from '@backstage-dr/plugin-disaster-recovery-common';
import { RunStepContext, RunStepDefinition, StepOutcome } from '../types';
import {
  CnpgCluster,
  WAITING_FOR_USER_PHASE,
  isHealthy,
  isReplica,
  selfName,
  stopReason,
} from './cnpg';
import {
  CNPG_CLUSTER,
  DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION,
  FENCED_BY_ANNOTATION,
  NAMESPACE,
  PRIMARY_BEFORE_FENCE_ANNOTATION,
  REPLICATION_DESTINATION,
  RUN_ID_LABEL,
  StepWriter,
  change,
  drillNamespaceOf,
  elapsedSeconds,
  isUnreachable,
  listOptional,
  listWorkloads,
  messageOf,
  movesService,
  nameOf,
  objectPath,
  refuse,
  retry,
  runIdLabels,
  serviceNamespaces,
  serviceSelector,
  strategyOf,
} from './common';
import { desiredReplicas, scaleUp } from './scale';
import { restoreAndWait } from './velero';

/** On a CloudNativePG Cluster this run promoted: the run's id. */
export const PROMOTED_BY_ANNOTATION = 'disaster-recovery/promoted-by';

interface ReplicationDestination extends KubeObject {
  spec?: { paused?: boolean };
  status?: {
    latestImage?: { kind?: string; name?: string; apiGroup?: string };
    lastSyncTime?: string;
  };
}

/** backup-restore (and pilot-light without replication): a Velero Restore into the target. */
async function promoteByRestore(
  ctx: RunStepContext,
  writer: StepWriter,
): Promise<StepOutcome> {
  const namespaces = serviceNamespaces(ctx);
  if (!namespaces) {
    return refuse(
      ctx,
      `The namespace of ${ctx.run.entityRef} is unknown, so the restore cannot be limited to it: add the backstage.io/kubernetes-namespace annotation.`,
    );
  }
  return restoreAndWait(ctx, writer, ctx.run.toCluster, {
    spec: { includedNamespaces: namespaces, restorePVs: true },
    targetNamespaces: namespaces,
    description: `into ${namespaces.join(', ')}`,
  });
}

/**
 * The demoted cluster's `status.demotionToken` for a replica that follows it; undefined when it
 * cannot be read and the run may go on without it (`primaryUnreachable`).
 */
async function demotionToken(
  ctx: RunStepContext,
  replica: CnpgCluster,
): Promise<{ token?: string } | { refused: StepOutcome }> {
  const { run } = ctx;
  const primaryName = replica.spec?.replica?.primary;
  if (ctx.dryRun) {
    return {
      token: `<status.demotionToken of CloudNativePG Cluster ${primaryName} on ${run.fromCluster}>`,
    };
  }
  let olds: CnpgCluster[];
  try {
    olds = (await listOptional(
      ctx,
      run.fromCluster,
      CNPG_CLUSTER,
      ctx.target.namespace,
      serviceSelector(ctx.target),
    )) as CnpgCluster[];
  } catch (error) {
    if (isUnreachable(error) && run.options?.primaryUnreachable) {
      ctx.log(
        'warn',
        `${run.fromCluster} cannot be reached (${messageOf(
          error,
        )}): promoting ${nameOf(
          replica,
        )} without a promotion token (primaryUnreachable is set); the WAL it has replayed is all it gets.`,
      );
      return {};
    }
    throw error;
  }
  const old = olds.find(c => selfName(c) === primaryName);
  const token = old?.status?.demotionToken;
  const stale =
    old?.metadata.annotations?.[DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION];
  if (token && token !== stale) return { token };
  if (run.options?.primaryUnreachable) {
    ctx.log(
      'warn',
      `No status.demotionToken on ${primaryName} on ${
        run.fromCluster
      }: promoting ${nameOf(
        replica,
      )} without a promotion token (primaryUnreachable is set).`,
    );
    return {};
  }
  return {
    refused: refuse(
      ctx,
      `CloudNativePG Cluster ${primaryName} on ${
        run.fromCluster
      } has not published status.demotionToken: it is not demoted, and promoting ${nameOf(
        replica,
      )} on ${
        run.toCluster
      } would make two primaries. Pass primaryUnreachable: true to promote without the token.`,
    ),
  };
}

/**
 * Promotes the service's CloudNativePG replica Clusters on the target side: in the distributed
 * topology `spec.replica.primary` is set to the Cluster's own name and
 * `spec.replica.promotionToken` to the demoted cluster's `status.demotionToken`; a replica of the
 * older kind (`spec.replica.enabled: true`) gets `enabled: false`. Returns what it still waits for.
 */
async function promotePostgres(
  ctx: RunStepContext,
  writer: StepWriter,
): Promise<{ promoted: number; waiting: string[]; refused?: StepOutcome }> {
  const { run } = ctx;
  const to = run.toCluster;
  const clusters = (await listOptional(
    ctx,
    to,
    CNPG_CLUSTER,
    ctx.target.namespace,
    serviceSelector(ctx.target),
  )) as CnpgCluster[];
  const ours = clusters.filter(
    c =>
      isReplica(c) ||
      c.metadata.annotations?.[PROMOTED_BY_ANNOTATION] === run.id,
  );
  const waiting: string[] = [];
  for (const pg of ours) {
    const { namespace, name } = pg.metadata;
    const replica = pg.spec?.replica ?? {};
    if (isReplica(pg)) {
      const annotations = {
        [PROMOTED_BY_ANNOTATION]: run.id,
        // Left by an earlier run's fence (the old primary of a failback): it is the primary again.
        ...(pg.metadata.annotations?.[FENCED_BY_ANNOTATION]
          ? {
              [FENCED_BY_ANNOTATION]: null,
              [PRIMARY_BEFORE_FENCE_ANNOTATION]: null,
              [DEMOTION_TOKEN_BEFORE_FENCE_ANNOTATION]: null,
            }
          : {}),
      };
      let patch: Record<string, unknown>;
      let what: string;
      if (replica.primary !== undefined) {
        const found = await demotionToken(ctx, pg);
        if ('refused' in found) {
          return { promoted: 0, waiting, refused: found.refused };
        }
        patch = {
          metadata: { annotations },
          spec: {
            replica: {
              primary: selfName(pg),
              ...(found.token ? { promotionToken: found.token } : {}),
            },
          },
        };
        what = `spec.replica.primary set to ${selfName(pg)}${
          found.token
            ? ", spec.replica.promotionToken to the demoted cluster's status.demotionToken"
            : ' without a promotion token'
        }`;
      } else {
        patch = {
          metadata: { annotations },
          spec: { replica: { enabled: false } },
        };
        what = 'spec.replica.enabled set to false';
      }
      await writer.patch(to, CNPG_CLUSTER, namespace, name, patch);
      ctx.log(
        'info',
        `${
          ctx.dryRun ? 'Would promote' : 'Promoting'
        } CloudNativePG Cluster ${nameOf(pg)} on ${to}: ${what}.`,
      );
      if (!ctx.dryRun) {
        waiting.push(`CloudNativePG Cluster ${nameOf(pg)} to be promoted`);
      }
      continue;
    }
    // Patched by this run already: wait until it serves as a primary.
    writer.recordIfMissing(
      change(to, CNPG_CLUSTER, namespace, name, 'patch', {
        metadata: { annotations: { [PROMOTED_BY_ANNOTATION]: run.id } },
        spec: {
          replica:
            replica.primary === undefined
              ? { enabled: false }
              : {
                  primary: replica.primary,
                  ...(replica.promotionToken
                    ? { promotionToken: replica.promotionToken }
                    : {}),
                },
        },
      }),
    );
    if (pg.status?.phase === WAITING_FOR_USER_PHASE) {
      throw new Error(
        `CloudNativePG stopped the promotion of Cluster ${nameOf(
          pg,
        )} on ${to} (${WAITING_FOR_USER_PHASE}): ${stopReason(pg)}.`,
      );
    }
    const token = replica.promotionToken;
    const promoted =
      pg.status?.switchReplicaClusterStatus?.inProgress !== true &&
      (token ? pg.status?.lastPromotionToken === token : isHealthy(pg));
    if (promoted) {
      writer.logOnce(
        'info',
        `CloudNativePG Cluster ${nameOf(pg)} on ${to} is the primary now.`,
      );
    } else {
      waiting.push(
        `CloudNativePG Cluster ${nameOf(pg)} to be promoted (phase ${
          pg.status?.phase ?? 'not reported'
        })`,
      );
    }
  }
  return { promoted: ours.length, waiting };
}

/**
 * Stops VolSync from writing into the volumes the standby takes over: every
 * ReplicationDestination of the service on the target side must hold a `status.latestImage`
 * (a completed sync); each is patched to `spec.paused: true`.
 */
async function pauseReplication(
  ctx: RunStepContext,
  writer: StepWriter,
): Promise<{ count: number; refused?: StepOutcome }> {
  const { run } = ctx;
  const to = run.toCluster;
  const destinations = (await listOptional(
    ctx,
    to,
    REPLICATION_DESTINATION,
    ctx.target.namespace,
    serviceSelector(ctx.target),
  )) as ReplicationDestination[];
  const missing = destinations.filter(d => !d.status?.latestImage);
  if (missing.length > 0) {
    return {
      count: destinations.length,
      refused: refuse(
        ctx,
        `VolSync ReplicationDestination ${missing
          .map(nameOf)
          .join(
            ', ',
          )} on ${to} has no status.latestImage: no sync has completed, so there is no replicated data to bring the standby up on.`,
      ),
    };
  }
  for (const d of destinations) {
    const image = d.status!.latestImage!;
    if (d.spec?.paused === true) {
      writer.recordIfMissing(
        change(
          to,
          REPLICATION_DESTINATION,
          d.metadata.namespace,
          d.metadata.name,
          'patch',
          {
            spec: { paused: true },
          },
        ),
      );
      continue;
    }
    await writer.patch(
      to,
      REPLICATION_DESTINATION,
      d.metadata.namespace,
      d.metadata.name,
      {
        spec: { paused: true },
      },
    );
    ctx.log(
      'info',
      `${
        ctx.dryRun ? 'Would pause' : 'Paused'
      } VolSync ReplicationDestination ${nameOf(d)} on ${to} (latest image: ${
        image.kind ?? 'image'
      } ${image.name ?? ''}${
        d.status?.lastSyncTime ? `, synced ${d.status.lastSyncTime}` : ''
      }) so that no sync writes into the volumes the standby takes over.`,
    );
  }
  return { count: destinations.length };
}

/**
 * pilot-light and warm-standby: promote what replicates (CloudNativePG replicas, VolSync
 * destinations), then scale the standby's workloads up. pilot-light without any replication
 * restores instead, as backup-restore.
 */
async function promoteReplicated(
  ctx: RunStepContext,
  writer: StepWriter,
): Promise<StepOutcome> {
  const { run, declaration } = ctx;
  const strategy = strategyOf(run, declaration);
  const to = run.toCluster;

  const postgres = await promotePostgres(ctx, writer);
  if (postgres.refused) return postgres.refused;
  const volsync = await pauseReplication(ctx, writer);
  if (volsync.refused) return volsync.refused;

  if (postgres.promoted === 0 && volsync.count === 0) {
    if (strategy === 'pilot-light') {
      writer.logOnceInStep(
        'info',
        `No CloudNativePG replica or VolSync ReplicationDestination of the service on ${to}: pilot-light without replication restores the newest counted backup.`,
      );
      return promoteByRestore(ctx, writer);
    }
    writer.logOnceInStep(
      'warn',
      `No CloudNativePG replica or VolSync ReplicationDestination of the service on ${to}: scaling up the standby on the data it has (storage or application replication).`,
    );
  }

  if (postgres.waiting.length > 0) {
    const timeout = ctx.limits.restoreTimeoutSeconds;
    if (elapsedSeconds(ctx) > timeout) {
      throw new Error(
        `The promotion on ${to} did not finish within ${timeout} seconds; still waiting for ${postgres.waiting.join(
          ', ',
        )}.`,
      );
    }
    writer.logOnce('info', `Waiting for ${postgres.waiting.join(', ')}.`);
    return retry(ctx);
  }

  const workloads = await listWorkloads(
    ctx,
    to,
    ctx.target.namespace,
    serviceSelector(ctx.target),
  );
  if (workloads.length === 0) {
    if (postgres.promoted > 0) return { done: true };
    return refuse(
      ctx,
      `No StatefulSet or Deployment of the service (${serviceSelector(
        ctx.target,
      )}) on ${to}: ${strategy} needs its standby there to scale up.`,
    );
  }
  await scaleUp(
    ctx,
    writer,
    to,
    workloads,
    await desiredReplicas(ctx, workloads),
  );
  return { done: true };
}

/**
 * A drill: restore the newest counted backup into `dr-drill-<entity>-<run id>` on the recovery
 * cluster (Velero `namespaceMapping` from the service's namespace). The namespace is created
 * first, labelled with the run's id, so that the cleanup only ever deletes the run's own.
 */
async function promoteDrill(
  ctx: RunStepContext,
  writer: StepWriter,
): Promise<StepOutcome> {
  const { run, declaration } = ctx;
  const cluster = run.toCluster;
  if (cluster === declaration.primaryCluster) {
    return refuse(
      ctx,
      `A drill never touches the primary, but its target cluster ${cluster} is the primary cluster.`,
    );
  }
  const namespaces = serviceNamespaces(ctx);
  if (!namespaces || namespaces.length !== 1) {
    return refuse(
      ctx,
      namespaces
        ? `${run.entityRef} lives in several namespaces (${namespaces.join(
            ', ',
          )}); a drill restores one namespace into its own: set backstage.io/kubernetes-namespace.`
        : `The namespace of ${run.entityRef} is unknown, so there is nothing to map into the drill namespace: add the backstage.io/kubernetes-namespace annotation.`,
    );
  }
  const source = namespaces[0];
  const drillNamespace = drillNamespaceOf(ctx);
  const existing = ctx.dryRun
    ? undefined
    : await ctx.kube.get(
        cluster,
        objectPath(NAMESPACE, undefined, drillNamespace),
      );
  const body = {
    apiVersion: NAMESPACE.apiVersion,
    kind: NAMESPACE.kind,
    metadata: {
      name: drillNamespace,
      labels: {
        ...runIdLabels(run.id),
        'disaster-recovery/drill-of': ctx.entity.metadata.name.slice(0, 63),
      },
    },
  };
  if (!existing) {
    await writer.create(cluster, NAMESPACE, body);
    ctx.log(
      'info',
      `${
        ctx.dryRun ? 'Would create' : 'Created'
      } the drill namespace ${drillNamespace} on ${cluster}.`,
    );
  } else {
    const owner = existing.metadata.labels?.[RUN_ID_LABEL];
    if (owner !== undefined && owner !== run.id) {
      return refuse(
        ctx,
        `Namespace ${drillNamespace} on ${cluster} belongs to run ${owner}, not to this run.`,
      );
    }
    writer.recordIfMissing(
      change(cluster, NAMESPACE, undefined, drillNamespace, 'create', body),
    );
  }
  return restoreAndWait(ctx, writer, cluster, {
    spec: {
      includedNamespaces: [source],
      namespaceMapping: { [source]: drillNamespace },
      restorePVs: true,
    },
    targetNamespaces: [drillNamespace],
    description: `from ${source} into the drill namespace ${drillNamespace}`,
  });
}

/**
 * **promote**: brings the service's data and workloads up on `run.toCluster`, by strategy:
 *
 * - `backup-restore`: a Velero Restore `velero/dr-<run id>` of the newest counted Backup into the
 *   service's namespace (`includedNamespaces`, `restorePVs: true`); waits for `Completed`.
 * - `pilot-light`: with replication (VolSync ReplicationDestinations with `status.latestImage`,
 *   CloudNativePG replicas), pauses the destinations, promotes the replicas and scales the
 *   standby up; without any, restores as backup-restore.
 * - `warm-standby`: promotes the CloudNativePG replica (`spec.replica.primary` = its own name,
 *   `spec.replica.promotionToken` = the demoted cluster's token; waits for
 *   `status.lastPromotionToken`), pauses VolSync destinations, scales the standby up.
 * - `active-active`: no promote step.
 * - a drill: restores into `dr-drill-<entity>-<run id>` on the recovery cluster (see
 *   `promoteDrill`), never touching the primary.
 */
export function createPromoteStep(): RunStepDefinition {
  return {
    name: 'promote',
    applies: (run, declaration) =>
      run.type === 'drill' || strategyOf(run, declaration) !== 'active-active',
    async run(ctx): Promise<StepOutcome> {
      const writer = new StepWriter(ctx, 'promote');
      if (!movesService(ctx.run)) return promoteDrill(ctx, writer);
      switch (strategyOf(ctx.run, ctx.declaration)) {
        case 'backup-restore':
          return promoteByRestore(ctx, writer);
        case 'pilot-light':
        case 'warm-standby':
          return promoteReplicated(ctx, writer);
        default:
          ctx.log(
            'info',
            'active-active: both sides serve; nothing to promote.',
          );
          return { done: true };
      }
    },
  };
}
