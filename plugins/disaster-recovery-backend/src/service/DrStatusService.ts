import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ClusterEvidence,
  DrDeclarationProblem,
  DrEvaluatedDeclaration,
  DrServiceTarget,
  RETAINED_RESOURCES,
  RecoveryPointRetention,
  RetainedResource,
  DR_ANNOTATIONS,
  DrEvaluationOptions,
  TierPolicies,
  evaluateDrStatus,
  parseDrDeclaration,
  serviceTargetFromEntity,
  DrServiceRecord,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrStatusProvider } from '@backstage-dr/plugin-disaster-recovery-node';
import { DrCompletedRun, DrRunStore } from '../database/DrRunStore';
import { DrStatusStore } from '../database/DrStatusStore';
import {
  activeClusterOf,
  runRecordsOf,
  withActiveCluster,
} from '../runs/activeCluster';
import { KubernetesProxyClient } from '../kubernetes/KubernetesProxyClient';
import { readClusters } from '../kubernetes/readClusters';
import { readPostgresReplicationLag } from '../kubernetes/readPostgresLag';

/**
 * What one refresh did.
 *
 * @public
 */
export interface DrRefreshSummary {
  services: number;
  clusters: number;
  /** Kubernetes list requests made (pages included). */
  requests: number;
  /** Bytes of Kubernetes answers received. */
  bytes: number;
  durationMs: number;
}

function refOf(value: unknown, defaultKind: string, defaultNamespace: string) {
  if (typeof value !== 'string' || value === '') return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace }),
    );
  } catch {
    return undefined;
  }
}

/**
 * An entity after its declaration is read: its record when there is nothing to evaluate, else
 * what its evaluation needs. An invalid declaration with a valid tier is evaluated with its valid
 * parts (`problems` set): its record stays `invalid`, with the evidence and `evidenceVerdict`.
 */
type Prepared =
  | { record: DrServiceRecord }
  | {
      declared: Omit<DrServiceRecord, 'verdict'>;
      declaration: DrEvaluatedDeclaration;
      target: DrServiceTarget;
      problems?: DrDeclarationProblem[];
    };

/**
 * Refreshes the DR status of every service: reads each cluster once (every resource type of every
 * status provider, paged), then evaluates every service in memory with `evaluateDrStatus` and
 * stores the results. Velero Backups and VolumeSnapshots are read last and thinned while paged
 * (`RecoveryPointRetention`): only the newest of each service, and those that decide a status,
 * are held. Services are the catalog's Components of type `service` or `database` and
 * every entity with a `disaster-recovery/*` annotation.
 *
 * @public
 */
export class DrStatusService {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      client: KubernetesProxyClient;
      store: DrStatusStore;
      providers: DrStatusProvider[];
      policies: TierPolicies;
      logger: LoggerService;
      clusterConcurrency: number;
      evaluation: DrEvaluationOptions;
      /**
       * Of the Velero Backups of a service on a cluster (and the VolumeSnapshots of a PVC), how
       * many of the newest to keep in its status; older ones are dropped while the lists are
       * paged unless they decide the status. Default 10.
       */
      backupsKeptPerService?: number;
      /** Port of CloudNativePG's metrics exporter on its instances. Default 9187. */
      postgresMetricsPort?: number;
      /**
       * The drill, failover and failback runs: completed ones are drill evidence, and after a
       * completed failover (until a completed failback) the service is judged with the cluster
       * it failed over to as its primary.
       */
      runs?: DrRunStore;
    },
  ) {}

  private async services(): Promise<Entity[]> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: [
          { kind: 'component', 'spec.type': ['service', 'database'] },
          ...DR_ANNOTATIONS.map(a => ({
            [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
          })),
        ],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    return items;
  }

  /**
   * Runs one refresh at time `now`.
   *
   * @throws Error when the catalog or the Kubernetes backend cannot be reached at all; the
   *   stored statuses are then left as they were (the last good status is kept).
   */
  async refresh(now: Date = new Date()): Promise<DrRefreshSummary> {
    const started = Date.now();
    const { client, store, logger } = this.options;
    const requestsBefore = client.stats.requests;
    const bytesBefore = client.stats.bytes;
    const [entities, clusters] = await Promise.all([
      this.services(),
      client.listClusters(),
    ]);
    const prepared = entities.map(entity => this.prepare(entity, clusters));
    const judged = prepared.filter(
      (p): p is Extract<Prepared, { target: DrServiceTarget }> => 'target' in p,
    );
    const { evidence, health } = await readClusters({
      clusters,
      providers: this.options.providers,
      client,
      concurrency: this.options.clusterConcurrency,
      logger,
      now: () => now,
      retained: {
        resources: RETAINED_RESOURCES,
        sinks: read => {
          const retention = new RecoveryPointRetention({
            services: judged,
            clusters: read,
            now,
            keepNewest: this.options.backupsKeptPerService ?? 10,
          });
          return (cluster, resource) =>
            retention.sink(cluster, resource as RetainedResource);
        },
      },
    });
    await readPostgresReplicationLag({
      evidence,
      client,
      logger,
      concurrency: this.options.clusterConcurrency,
      metricsPort: this.options.postgresMetricsPort ?? 9187,
    });
    const updatedAt = now.toISOString();
    const runsByEntity = new Map<string, DrCompletedRun[]>();
    for (const run of (await this.options.runs?.completedRuns()) ?? []) {
      const list = runsByEntity.get(run.entityRef) ?? [];
      list.push(run);
      runsByEntity.set(run.entityRef, list);
    }
    const records: DrServiceRecord[] = [];
    for (const p of prepared) {
      records.push(
        'record' in p
          ? { ...p.record, updatedAt }
          : this.evaluate(
              p,
              evidence,
              now,
              updatedAt,
              runsByEntity.get(p.declared.entityRef) ?? [],
            ),
      );
      // Evaluation is synchronous: let requests through between batches of services.
      if (records.length % 200 === 0) {
        await new Promise(resolve => setImmediate(resolve));
      }
    }
    await store.replaceAll(records, updatedAt);
    await store.replaceClusterHealth(health, updatedAt);
    await store.compactHistory(now);
    const summary = {
      services: records.length,
      clusters: clusters.length,
      requests: client.stats.requests - requestsBefore,
      bytes: client.stats.bytes - bytesBefore,
      durationMs: Date.now() - started,
    };
    logger.info(
      `DR refresh: ${summary.services} services, ${summary.clusters} clusters, ${summary.requests} Kubernetes requests in ${summary.durationMs} ms`,
    );
    return summary;
  }

  /** Parses an entity's declaration: a finished record, or what its evaluation needs. */
  private prepare(entity: Entity, clusters: string[]): Prepared {
    const namespace = entity.metadata.namespace ?? 'default';
    const base = {
      entityRef: stringifyEntityRef(entity),
      kind: entity.kind,
      namespace,
      name: entity.metadata.name,
      title: entity.metadata.title,
      owner: refOf(entity.spec?.owner, 'group', namespace),
      system: refOf(entity.spec?.system, 'system', namespace),
      updatedAt: '',
    };
    const result = parseDrDeclaration(entity, this.options.policies, {
      knownClusters: clusters,
    });
    if (result.status === 'undeclared') {
      return { record: { ...base, verdict: 'undeclared', clusters: [] } };
    }
    const invalidRecord = (
      problems: DrDeclarationProblem[],
      extra: Partial<DrServiceRecord> = {},
    ): Prepared => ({
      record: {
        ...base,
        ...extra,
        verdict: 'invalid',
        firstReason: problems[0]?.message,
        problems,
        clusters: extra.clusters ?? [],
      },
    });
    if (result.status === 'invalid' && !result.partial) {
      return invalidRecord(result.problems);
    }
    const declaration =
      result.status === 'invalid' ? result.partial! : result.declaration;
    const problems = result.status === 'invalid' ? result.problems : undefined;
    const declared = {
      ...base,
      tier: declaration.tier,
      tierRank: this.options.policies.rank(declaration.tier),
      strategy: declaration.strategy ?? undefined,
      rpoSeconds: declaration.rpoSeconds,
      rtoSeconds: declaration.rtoSeconds,
      clusters: [
        declaration.primaryCluster,
        declaration.recoveryCluster,
      ].filter((c): c is string => Boolean(c)),
      primaryClusters: declaration.primaryCluster
        ? [declaration.primaryCluster]
        : undefined,
      recoveryCluster: declaration.recoveryCluster ?? undefined,
    };
    let target;
    try {
      target = serviceTargetFromEntity(entity);
    } catch (error) {
      const message = `backstage.io/kubernetes-label-selector: ${
        (error as Error).message
      }`;
      return invalidRecord(
        [
          ...(problems ?? []),
          { annotation: 'backstage.io/kubernetes-label-selector', message },
        ],
        declared,
      );
    }
    if (!target) {
      const message =
        'backstage.io/kubernetes-id: is missing; the DR status needs the Kubernetes plugin annotations to find the service';
      return invalidRecord(
        [
          ...(problems ?? []),
          { annotation: 'backstage.io/kubernetes-id', message },
        ],
        declared,
      );
    }
    return { declared, declaration, target, problems };
  }

  private evaluate(
    prepared: Extract<Prepared, { target: DrServiceTarget }>,
    evidence: ClusterEvidence[],
    now: Date,
    updatedAt: string,
    runs: DrCompletedRun[],
  ): DrServiceRecord {
    const { declaration, target, problems } = prepared;
    // After a completed failover the active cluster is judged as the primary.
    const active = activeClusterOf(runs);
    const declared = {
      ...prepared.declared,
      primaryClusters: primaryClustersOf(prepared.declared, active),
      ...(active && {
        activeCluster: active.cluster,
        activeSince: active.since,
        activeRunId: active.runId,
      }),
    };
    let status: DrStatus;
    try {
      status = evaluateDrStatus({
        declaration: withActiveCluster(declaration, active),
        target,
        clusters: evidence,
        now,
        runs: runRecordsOf(runs),
        options: this.options.evaluation,
        providers: this.options.providers,
      });
    } catch (error) {
      // One service whose evidence cannot be evaluated never stops the refresh of the others.
      this.options.logger.warn(
        `DR evaluation of ${declared.entityRef} failed: ${error}`,
      );
      status = evaluationFailed(error, now, declared.clusters);
    }
    // Undeclared primary: where the evaluation found the workloads serving.
    const primaryClusters =
      declared.primaryClusters ??
      (status.primaryClusters.length > 0 ? status.primaryClusters : undefined);
    if (problems) {
      return {
        ...declared,
        primaryClusters,
        updatedAt,
        verdict: 'invalid',
        evidenceVerdict: status.verdict,
        firstReason: problems[0]?.message,
        problems,
        achievedRpoSeconds: status.achievedRpoSeconds ?? undefined,
        measuredRtoSeconds: status.measuredRtoSeconds ?? undefined,
        lastDrillAt: status.lastDrill?.completedAt,
        newestRecoveryPointAt: status.recoveryPoints.find(
          p => p.counted && p.time,
        )?.time,
        clusters:
          declared.clusters.length > 0
            ? declared.clusters
            : evidence.map(e => e.cluster),
        status,
      };
    }
    const newest = status.recoveryPoints.find(p => p.counted && p.time);
    return {
      ...declared,
      primaryClusters,
      updatedAt,
      verdict: status.verdict,
      firstReason: status.reasons[0] && reasonText(status.reasons[0]),
      firstNextStep: status.reasons[0]?.nextStep,
      achievedRpoSeconds: status.achievedRpoSeconds ?? undefined,
      measuredRtoSeconds: status.measuredRtoSeconds ?? undefined,
      lastDrillAt: status.lastDrill?.completedAt,
      newestRecoveryPointAt: newest?.time,
      clusters:
        declared.clusters.length > 0
          ? declared.clusters
          : evidence.map(e => e.cluster),
      status,
    };
  }
}

/**
 * The clusters a service runs on when not failed over: the declared primary; else, after a
 * failover, the cluster it left; undefined when the evaluation is to find them (where the
 * workloads serve).
 */
function primaryClustersOf(
  declared: Pick<DrServiceRecord, 'primaryClusters'>,
  active: { leftCluster: string } | undefined,
): string[] | undefined {
  if (declared.primaryClusters) return declared.primaryClusters;
  return active ? [active.leftCluster] : undefined;
}

/** A reason as one line: what is wrong, then what to do. */
function reasonText(reason: DrStatus['reasons'][number]): string {
  return reason.nextStep
    ? `${reason.message} ${reason.nextStep}`
    : reason.message;
}

/** The status of a service whose evaluation threw: `unknown`, with the error as its reason. */
function evaluationFailed(
  error: unknown,
  now: Date,
  clusters: string[],
): DrStatus {
  const message = error instanceof Error ? error.message : String(error);
  return {
    verdict: 'unknown',
    reasons: [
      {
        severity: 'unknown',
        code: 'evaluation-failed',
        message: `The evidence could not be evaluated: ${message}`,
        nextStep:
          'Report this with the objects of the service (kubectl get -o yaml) to the DR plugin maintainers.',
      },
    ],
    evaluatedAt: now.toISOString(),
    achievedRpoSeconds: null,
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: [],
    lastDrill: null,
    measuredRtoSeconds: null,
    unreadable: [],
    primaryClusters: clusters.slice(0, 1),
    primarySource: 'none',
  };
}
