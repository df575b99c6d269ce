import { formatDuration } from '../../duration';
import { DrReason } from '../../evaluation/types';
import { serviceObjectsOf, objectByName } from '../../evaluation/locate';
import { isoSeconds } from '../../evaluation/objects';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrStatusProvider,
} from '../../evaluation/provider';
import {
  annotatedReplication,
  datacenterRuns,
  datacenterState,
  K8ssandraDatacenter,
  readK8ssandraCluster,
  REBUILD_DC_ANNOTATION,
  ServiceK8ssandraCluster,
} from './datacenters';
import {
  addRisk,
  CollectedEvidence,
  emptyEvidence,
  pvcsOfDatacenter,
} from './evidence';
import { FieldReader } from './fields';
import {
  judgeBackupJobs,
  judgeBackups,
  judgeRestores,
  judgeSchedules,
  medusaStorage,
} from './medusa';
import { K8SSANDRA_PROVIDER_ID, K8SSANDRA_RESOURCE_TYPES } from './resources';

export { K8SSANDRA_RESOURCE_TYPES } from './resources';

/**
 * Options of the K8ssandra provider.
 *
 * @public
 */
export interface K8ssandraProviderOptions {
  /**
   * The service's applications replicate their keyspaces to every datacenter themselves
   * (`NetworkTopologyStrategy` with every DC), so replication to a datacenter needs no
   * `k8ssandra.io/dc-replication` annotation (config
   * `disasterRecovery.cassandra.keyspacesReplicateToAllDcs`). Default false.
   */
  keyspacesReplicateToAllDcs?: boolean;
}

/** One check of a live replica (PROVIDERS.md 5, item 1 (a)-(e)) that does not hold. */
interface FailedCheck {
  /** `(c) replication of the service's keyspaces to dc2 is not evidenced: ...`. */
  text: string;
  nextStep: string;
}

/** `Updating` longer than this is a risk: twice the RPO target, at least 10 minutes. */
function updatingLimitSeconds(ctx: DrProviderContext): number {
  return Math.max(2 * ctx.declaration.rpoSeconds, 600);
}

/**
 * Health signals of one datacenter (PROVIDERS.md 5, "Health and at-risk signals"): `Ready=False`,
 * `Healthy=False`, `Stopped=True` (or `spec.stopped`), `RequiresUpdate=True`, and
 * `cassandraOperatorProgress: Updating` for longer than {@link updatingLimitSeconds}.
 */
function judgeDatacenterHealth(
  ctx: DrProviderContext,
  dc: K8ssandraDatacenter,
  out: CollectedEvidence,
): void {
  const r = dc.datacenter;
  if (!r) return;
  const state = datacenterState(r);
  const problems: string[] = [];
  if (state.ready === 'False') problems.push('not Ready');
  if (state.healthy === 'False') {
    problems.push('not Healthy (QUORUM cannot be reached from all its nodes)');
  }
  if (state.stopped || state.stoppedCondition === 'True' || dc.stopped) {
    problems.push('stopped');
  }
  if (state.requiresUpdate === 'True') problems.push('RequiresUpdate');
  const limit = updatingLimitSeconds(ctx);
  if (
    state.progress === 'Updating' &&
    state.updatingSince !== undefined &&
    ctx.nowMs - state.updatingSince > limit * 1000
  ) {
    problems.push(
      `Updating since ${isoSeconds(state.updatingSince)} (over ${formatDuration(
        limit,
      )})`,
    );
  }
  if (problems.length === 0) return;
  addRisk(
    out,
    'cassandra-datacenter-unhealthy',
    `${r.label} is ${problems.join(', ')}.`,
    `Read its status and events (kubectl -n ${dc.namespace} describe cassandradatacenter ${dc.name}) and the cass-operator logs on ${dc.cluster}.`,
    r.ref,
  );
}

/**
 * The checks (a)-(e) of a live replica in recovery datacenter `d` (PROVIDERS.md 5, item 1), each
 * failing one with its reason; empty when `d` is a live replica. Read from the
 * CassandraDatacenters in each cluster, not from the K8ssandraCluster's status copy, except for
 * `decommissionProgress`, which only that copy has.
 */
function liveReplicaChecks(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
  d: K8ssandraDatacenter,
  options: K8ssandraProviderOptions,
  reasons: DrReason[],
): FailedCheck[] {
  const failed: FailedCheck[] = [];
  const where = `${d.namespace}/${d.name} on ${d.cluster}`;
  const kcName = `K8ssandraCluster ${kc.reader.obj.metadata.namespace}/${kc.reader.obj.metadata.name}`;
  // (a) The recovery datacenter runs and is healthy.
  if (!d.datacenter) {
    failed.push({
      text: `(a) CassandraDatacenter ${where} was not found, so its readiness cannot be measured`,
      nextStep: `Check that the CassandraDatacenter exists on ${d.cluster} and that Backstage can list cassandradatacenters there.`,
    });
  } else {
    const s = datacenterState(d.datacenter);
    const wrong = [
      s.ready !== 'True' ? `Ready is ${s.ready ?? 'not reported'}` : undefined,
      s.healthy === 'False' ? 'Healthy is False' : undefined,
      s.progress !== 'Ready'
        ? `cassandraOperatorProgress is ${s.progress ?? 'not reported'}`
        : undefined,
      s.stopped || d.stopped || s.stoppedCondition === 'True'
        ? 'it is stopped (spec.stopped, Stopped=True)'
        : undefined,
      s.decommission === 'True' ? 'it is being decommissioned' : undefined,
    ].filter((w): w is string => Boolean(w));
    if (wrong.length > 0) {
      failed.push({
        text: `(a) CassandraDatacenter ${where}: ${wrong.join(', ')}`,
        nextStep: `Bring it back to Ready (kubectl -n ${d.namespace} describe cassandradatacenter ${d.name} on ${d.cluster}).`,
      });
    }
  }
  // (b) A datacenter of the primary is Ready, so writes are flowing.
  const primaryDcs = kc.datacenters.filter(
    p => p.cluster !== undefined && ctx.isPrimary(p.cluster),
  );
  if (
    !primaryDcs.some(p => p.datacenter?.condition('Ready')?.status === 'True')
  ) {
    failed.push({
      text:
        primaryDcs.length === 0
          ? `(b) K8ssandraCluster ${kc.reader.obj.metadata.name} has no datacenter on ${ctx.primaryName}, so no writes are known to flow`
          : `(b) no datacenter on ${ctx.primaryName} (${primaryDcs
              .map(p => p.name)
              .join(', ')}) is Ready, so writes are not known to flow`,
      nextStep: `Check the primary's CassandraDatacenters on ${ctx.primaryName}.`,
    });
  }
  // (c) Replication of the service's keyspaces to d is evidenced.
  if (!options.keyspacesReplicateToAllDcs) {
    const replication = annotatedReplication(kc.reader, d);
    const example = `{"${d.cassandraName}": {"<keyspace>": 3}}`;
    if ('error' in replication) {
      failed.push({
        text: `(c) replication of the service's keyspaces to ${d.cassandraName} is not evidenced: ${kcName} ${replication.error} (the operator replicates user keyspaces to a new datacenter only from it)`,
        nextStep: `Replicate every user keyspace to ${d.cassandraName} (ALTER KEYSPACE ... NetworkTopologyStrategy) and record it in the annotation k8ssandra.io/dc-replication: ${example}, or set disasterRecovery.cassandra.keyspacesReplicateToAllDcs when the application replicates its keyspaces to every datacenter.`,
      });
    } else {
      const entries = Object.entries(replication.factors);
      const notReplicated = entries
        .filter(
          ([, rf]) =>
            !(typeof rf === 'number' && Number.isInteger(rf) && rf > 0),
        )
        .map(([ks, rf]) => `${ks}: ${JSON.stringify(rf)}`);
      if (entries.length === 0 || notReplicated.length > 0) {
        failed.push({
          text: `(c) replication of the service's keyspaces to ${
            d.cassandraName
          } is not evidenced: ${kcName}'s annotation k8ssandra.io/dc-replication ${
            entries.length === 0
              ? `lists no keyspace for ${d.cassandraName}`
              : `gives ${d.cassandraName} no replicas of ${notReplicated.join(
                  ', ',
                )}`
          }`,
          nextStep: `Give every user keyspace a replication factor above 0 in ${d.cassandraName} (ALTER KEYSPACE) and in the annotation.`,
        });
      }
    }
  }
  // (d) The rebuild of d finished cleanly.
  const rebuilding = kc.reader.annotation(REBUILD_DC_ANNOTATION);
  if (rebuilding === d.name || rebuilding === d.cassandraName) {
    failed.push({
      text: `(d) ${kcName} still carries k8ssandra.io/rebuild-dc: ${rebuilding}: ${d.name} is being rebuilt (streaming the existing data)`,
      nextStep: `Wait for CassandraTask ${d.name}-rebuild on ${d.cluster} to complete.`,
    });
  }
  const evidence = d.cluster ? ctx.evidenceOf(d.cluster) : undefined;
  const task = evidence
    ? objectByName(
        ctx.objectsOf(evidence, 'cassandraTasks'),
        d.namespace,
        `${d.name}-rebuild`,
      )
    : undefined;
  if (task && d.cluster) {
    // The operator drops the rebuild annotation once succeeded + failed == nodes, even with
    // failures: only the task says whether the rebuild worked.
    const t = new FieldReader(
      'CassandraTask',
      task,
      d.cluster,
      reasons,
      'it is judged without that field',
    );
    const failedPods = t.number('status.failed') ?? 0;
    const complete = t.condition('Complete')?.status;
    if (failedPods > 0 || complete !== 'True') {
      failed.push({
        text: `(d) ${t.label} ${
          failedPods > 0
            ? `failed on ${failedPods} node${failedPods === 1 ? '' : 's'}`
            : `is not Complete (Complete ${complete ?? 'not reported'})`
        }, so ${d.name} may lack data written before it joined`,
        nextStep: `Rebuild the failed nodes from a primary datacenter (a CassandraTask with command rebuild, args.source_datacenter) on ${d.cluster}.`,
      });
    }
  }
  // (e) d is not being decommissioned.
  const progress = kc.reader.string(
    `status.datacenters.${d.name}.decommissionProgress`,
  );
  if (progress) {
    failed.push({
      text: `(e) ${kcName} reports status.datacenters.${d.name}.decommissionProgress ${progress}`,
      nextStep: `Stop the decommission of ${d.name} if it is the recovery datacenter.`,
    });
  }
  return failed;
}

/**
 * The live-replica link of each datacenter of the K8ssandraCluster in a recovery cluster: a
 * point at `now` (Cassandra sends each write to every replicating datacenter at write time, so
 * there is no lag to measure) only while every check (a)-(e) holds. While replication is
 * evidenced ((c)), the link covers every PVC of the primary's datacenters; it replicates, with
 * cadence 0, only while it is a live replica.
 */
function judgeLiveReplicas(
  ctx: DrProviderContext,
  kc: ServiceK8ssandraCluster,
  options: K8ssandraProviderOptions,
  out: CollectedEvidence,
  strategy: NonNullable<DrProviderEvidence['strategy']>,
): number {
  let links = 0;
  const primaryPvcs = kc.datacenters
    .filter(p => p.cluster !== undefined && ctx.isPrimary(p.cluster))
    .flatMap(p => pvcsOfDatacenter(ctx.pvcs, p));
  for (const d of kc.datacenters) {
    if (d.cluster === undefined) {
      addRisk(
        out,
        'cassandra-datacenter-unresolved',
        `Datacenter ${d.name} of K8ssandraCluster ${kc.reader.obj.metadata.name} on ${kc.cluster} runs on no cluster Backstage reads: ${d.unresolved}.`,
        `Name the Backstage cluster like its k8sContext, or let Backstage read the cluster that holds CassandraDatacenter ${d.namespace}/${d.name}.`,
        { ...kc.reader.ref!, field: 'spec.cassandra.datacenters' },
      );
      continue;
    }
    if (!ctx.recoveryClusters.includes(d.cluster)) continue;
    if (datacenterRuns(d)) strategy.standbyOnRecovery = true;
    const failed = liveReplicaChecks(ctx, kc, d, options, out.reasons);
    // Without evidence that the service's keyspaces replicate to d, d is no link of its data.
    const replicationEvidenced = !failed.some(f => f.text.startsWith('(c)'));
    if (replicationEvidenced) links += 1;
    const live = failed.length === 0;
    out.replication.push({
      kind: 'CassandraDatacenter',
      name: d.name,
      namespace: d.namespace,
      cluster: d.cluster,
      healthy: live,
      lagSeconds: live ? 0 : null,
      message: live
        ? `writes reach ${d.cassandraName} at write time; no lag to measure`
        : failed.map(f => f.text).join('; '),
    });
    if (replicationEvidenced) {
      for (const pvc of primaryPvcs) {
        out.coverage.push({
          pvc,
          by: {
            kind: 'CassandraDatacenter',
            name: d.name,
            paused: false,
            offCluster: true,
          },
          cadence: live
            ? { seconds: 0, by: `CassandraDatacenter ${d.name}` }
            : undefined,
          replicates: live || undefined,
        });
      }
    }
    const point = {
      source: `${K8SSANDRA_PROVIDER_ID}-datacenter`,
      kind: 'CassandraDatacenter',
      name: d.name,
      namespace: d.namespace,
      cluster: d.cluster,
    };
    if (!live) {
      out.recoveryPoints.push({
        point: {
          ...point,
          usable: false,
          counted: false,
          reason: `not a live replica: ${failed.map(f => f.text).join('; ')}`,
          phase: 'NotReplicating',
        },
      });
      const ref = d.datacenter?.ref ?? {
        cluster: d.cluster,
        kind: 'CassandraDatacenter',
        namespace: d.namespace,
        name: d.name,
      };
      addRisk(
        out,
        replicationEvidenced
          ? 'replication-failing'
          : 'replication-not-evidenced',
        `Datacenter ${d.name} on ${d.cluster} gives no recovery point: ${failed
          .map(f => f.text)
          .join('; ')}.`,
        failed[0].nextStep,
        ref,
      );
      continue;
    }
    strategy.replicatesToRecovery = true;
    const time = isoSeconds(ctx.nowMs);
    out.recoveryPoints.push({
      point: {
        ...point,
        time,
        usable: true,
        counted: true,
        phase: 'Replicating',
        pvcs: primaryPvcs.map(p => p.key),
      },
      ms: ctx.nowMs,
      pvcs: primaryPvcs.map(pvc => ({ pvc, point: { ...point, time } })),
      service: ctx.pvcs.length === 0,
    });
  }
  return links;
}

function evaluateK8ssandra(
  ctx: DrProviderContext,
  options: K8ssandraProviderOptions,
): DrProviderEvidence {
  const out = emptyEvidence();
  const strategy: NonNullable<DrProviderEvidence['strategy']> = {};
  let replicaLinks = 0;
  for (const evidence of ctx.location.scope) {
    const clusters = serviceObjectsOf(
      ctx.objectsOf(evidence, 'k8ssandraClusters'),
      ctx.target,
    );
    for (const obj of clusters) {
      const kc = readK8ssandraCluster(ctx, obj, evidence.cluster, out.reasons);
      const error = kc.reader.string('status.error');
      if (error && error !== 'None') {
        addRisk(
          out,
          'cassandra-cluster-error',
          `${kc.reader.label} reports status.error: ${error}.`,
          `Read the k8ssandra-operator logs on ${evidence.cluster}.`,
          kc.reader.ref,
        );
      }
      for (const dc of kc.datacenters) judgeDatacenterHealth(ctx, dc, out);
      replicaLinks += judgeLiveReplicas(ctx, kc, options, out, strategy);
      const storage = medusaStorage(ctx, kc);
      if (storage) {
        out.storageLocations.push({
          cluster: kc.cluster,
          name: storage.name,
          // Medusa reports no health of its storage: the phase says where it lives.
          phase: storage.survives ? 'OffCluster' : 'InCluster',
          message: storage.survives
            ? 'Medusa reports no health of its storage; SUCCESS backups show it took writes'
            : storage.why,
          reason: storage.survives
            ? undefined
            : {
                severity: 'risk',
                code: 'storage-location-in-cluster',
                message: `The Medusa storage of ${kc.reader.label} (${storage.name}) does not survive the loss of the cluster: ${storage.why}; its backups are local points.`,
                nextStep:
                  'Point spec.medusa.storageProperties at object storage outside the cluster (s3, google_storage, azure_blobs, or an s3_compatible host in another region).',
                object: {
                  ...kc.reader.ref!,
                  field: 'spec.medusa.storageProperties',
                },
              },
        });
      }
      const newest = judgeBackups(ctx, kc, storage, out);
      judgeBackupJobs(ctx, kc, out);
      const schedules = judgeSchedules(ctx, kc, storage, newest, out);
      judgeRestores(ctx, kc, schedules, out);
      if (newest.size > 0 && storage?.survives) {
        // The bucket is outside the primary: a recovery datacenter restores from it.
        strategy.restorableOnRecovery = true;
      }
    }
  }
  return { ...out, replicaLinks, strategy };
}

/**
 * A K8ssandra status provider with options (see {@link K8ssandraProviderOptions}).
 *
 * Reads (k8ssandra-operator v1.32.5, cass-operator v1.32.0): the service's `K8ssandraCluster`s
 * (`k8ssandra.io/v1alpha1`, by the Kubernetes plugin's labels) and, on the cluster each
 * datacenter's `k8sContext` resolves to, its `CassandraDatacenter`
 * (`cassandra.datastax.com/v1beta1`) and `{dc}-rebuild` `CassandraTask`
 * (`control.k8ssandra.io/v1alpha1`); Medusa's `MedusaBackup`, `MedusaBackupJob`,
 * `MedusaBackupSchedule`, `MedusaRestoreJob` and `MedusaConfiguration`
 * (`medusa.k8ssandra.io/v1alpha1`) in the datacenters' namespaces. It gives:
 * - a live-replica point at `now` for a datacenter in the recovery cluster, only while the
 *   checks (a)-(e) of PROVIDERS.md hold (source `k8ssandra-datacenter`);
 * - Medusa backups as points at `status.startTime` (source `k8ssandra-medusa`);
 * - coverage of the primary datacenters' PVCs (`server-data-{cluster}-{dc}-{rack}-sts-{n}`) by
 *   the live link and by `MedusaBackupSchedule`s, with their cadence;
 * - `MedusaRestoreJob`s outside the primary as drill evidence.
 *
 * @public
 */
export function createK8ssandraProvider(
  options: K8ssandraProviderOptions = {},
): DrStatusProvider {
  return {
    id: K8SSANDRA_PROVIDER_ID,
    title: 'K8ssandra',
    resourceTypes: K8SSANDRA_RESOURCE_TYPES,
    evaluate: ctx => evaluateK8ssandra(ctx, options),
  };
}

/**
 * The K8ssandra status provider with default options (see {@link createK8ssandraProvider}).
 *
 * @public
 */
export const k8ssandraProvider: DrStatusProvider = createK8ssandraProvider();
