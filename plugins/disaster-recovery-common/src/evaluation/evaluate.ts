import { DrPartialDeclaration } from '../declaration';
import { formatDuration } from '../duration';
import { DR_BUILT_IN_PROVIDERS } from '../providers';
import { KubeObject, Workload } from './kubernetes';
import { locateService, serviceObjectsOf } from './locate';
import { isoSeconds, objectRef, parseTime } from './objects';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrProviderPvc,
  DrStatusProvider,
} from './provider';
import { SanitizedEvidence } from './sanitize';
import {
  ClusterEvidence,
  DrEvaluationOptions,
  DrPvcCoverage,
  DrReason,
  DrRecoveryPoint,
  DrRunRecord,
  DrServiceTarget,
  DrStatus,
} from './types';

export { backupTakesInService } from '../providers/velero';

/**
 * The declaration `evaluateDrStatus` judges against: a valid {@link DrDeclaration}, or the
 * valid parts of an invalid one (no strategy when the strategy is not valid).
 *
 * @public
 */
export type DrEvaluatedDeclaration = DrPartialDeclaration;

/**
 * The input of {@link evaluateDrStatus}.
 *
 * @public
 */
export interface DrEvaluationInput {
  declaration: DrEvaluatedDeclaration;
  target: DrServiceTarget;
  /** What was read from each cluster. */
  clusters: ClusterEvidence[];
  now: Date;
  /** Drill, failover and failback runs of the service, if any. */
  runs?: DrRunRecord[];
  options?: DrEvaluationOptions;
  /**
   * The status providers that judge the evidence; default {@link DR_BUILT_IN_PROVIDERS}. The
   * built-in ones run first in their fixed order, then the others by id.
   */
  providers?: readonly DrStatusProvider[];
}

// Breaches drawn from the absence of evidence: no proof while the resources that would hold that
// evidence could not be read on a cluster in scope (rule 8).
const FROM_ABSENCE = new Set([
  'no-recovery-point',
  'rpo-exceeded',
  'workloads-not-found',
  'pvc-uncovered',
  'pvc-local-only',
  'pvc-no-recovery-point',
  'cadence-too-slow',
  'strategy-not-in-place',
]);

const BUILT_IN_ORDER = new Map(DR_BUILT_IN_PROVIDERS.map((p, i) => [p.id, i]));
const orderedLists = new WeakMap<
  readonly DrStatusProvider[],
  DrStatusProvider[]
>();
/** The providers with `evaluate`, built-in ones first in their order, then the others by id. */
function orderProviders(
  providers: readonly DrStatusProvider[],
): DrStatusProvider[] {
  let ordered = orderedLists.get(providers);
  if (!ordered) {
    const rank = (p: DrStatusProvider) =>
      BUILT_IN_ORDER.get(p.id) ?? Number.MAX_SAFE_INTEGER;
    ordered = providers
      .filter(p => typeof p.evaluate === 'function')
      .map((p, i) => ({ p, i }))
      .sort(
        (a, b) =>
          rank(a.p) - rank(b.p) ||
          (rank(a.p) === Number.MAX_SAFE_INTEGER
            ? a.p.id.localeCompare(b.p.id)
            : 0) ||
          a.i - b.i,
      )
      .map(({ p }) => p);
    orderedLists.set(providers, ordered);
  }
  return ordered;
}

/** Per PVC of the service on its primary cluster: what protects it and its newest point. */
interface PvcState {
  cluster: string;
  pvc: KubeObject;
  key: string;
  coveredBy: DrPvcCoverage['coveredBy'];
  newest?: { ms: number; point: DrPvcCoverage['newestPoint'] & object };
  cadences: Array<{ seconds: number; by: string }>;
  /** Mechanisms that take its data but keep it on the cluster. */
  localBy: Array<{ kind: string; name: string }>;
  /** Whether some mechanism carries its data off the cluster. */
  offCluster: boolean;
  /** Whether some mechanism replicates it to another cluster. */
  replicated: boolean;
}

/**
 * Judges a declared service against its tier's policy from the Kubernetes objects read from its
 * clusters, at time `now`, following the evaluation rules of the DR domain and their
 * refinements (`DOMAIN.md`):
 *
 * - **Recovery points** count when they survive the loss of the primary cluster: `Completed`,
 *   unexpired Velero backups made by the primary's Velero (or synced copies of them) on an
 *   `Available` BackupStorageLocation whose storage is outside the cluster (point:
 *   `status.startTimestamp`); for a service with PVCs only backups that move each PVC's data off
 *   the cluster (file-system backup, CSI snapshot data movement); VolSync syncs per PVC (point:
 *   `lastSyncTime − lastSyncDuration`); CloudNativePG replicas with a measured lag (point:
 *   `now − lag`). CSI VolumeSnapshots and snapshots that stay on the cluster are local points.
 *   Points more than the clock skew (300 s) ahead of `now` do not count.
 * - **Achieved RPO** = `now −` the oldest over the service's PVCs of each PVC's newest counted
 *   point (a service without PVCs: its newest counted point), in whole seconds.
 * - **Coverage** and **cadence** per PVC: every PVC needs a Schedule, a VolSync source or a
 *   replica; the fastest mechanism moving its data off the cluster must run within the RPO.
 * - Failed newest backups, paused or failing schedules and replication, missed runs,
 *   Schedules in `FailedValidation`, read-only and unavailable locations, unmeasured lag: at risk.
 * - **Strategy in place**: pilot-light and warm-standby need replication to the recovery cluster
 *   (pilot-light: or backups restorable there), warm-standby also its workloads there,
 *   active-active ready replicas on both sides.
 * - **Drills**: completed drill or failover runs, or `Completed` Velero Restores outside the
 *   primary of one of the service's backups whose filters take in the service.
 * - A cluster in scope that cannot be read, or a malformed object of the service, makes the
 *   verdict `unknown` unless the evidence read proves a breach.
 *
 * What each system's objects mean is the work of its status provider (`input.providers`, see
 * {@link DrStatusProvider}); this function locates the service, hands it to each provider, and
 * applies the rules common to all of them (coverage, cadence, achieved RPO, strategy, drills,
 * unknown) to what they found.
 *
 * Pure: no I/O, no clock; the same input gives the same output. Never throws for malformed
 * objects: they are reasons naming the object and the field. A provider that throws makes the
 * service `unknown` (reason `provider-failed`) without stopping the others.
 *
 * @public
 */
export function evaluateDrStatus(input: DrEvaluationInput): DrStatus {
  const { declaration, target, now } = input;
  const nowMs = now.getTime();
  const options = input.options ?? {};
  const atRiskRatio = options.atRiskRatio ?? 0.8;
  const skewMs = (options.clockSkewSeconds ?? 300) * 1000;
  const reasons: DrReason[] = [];
  const add = (
    severity: DrReason['severity'],
    code: string,
    message: string,
    nextStep?: string,
    object?: DrReason['object'],
  ) => reasons.push({ severity, code, message, nextStep, object });
  const breach = (c: string, m: string, n?: string, o?: DrReason['object']) =>
    add('breach', c, m, n, o);
  const risk = (c: string, m: string, n?: string, o?: DrReason['object']) =>
    add('risk', c, m, n, o);

  const location = locateService(declaration, target, input.clusters);
  const {
    scope,
    unreadable,
    drillsUncertain,
    pvcsByCluster,
    primaries,
    primaryObjects,
  } = location;
  const pointsUncertain = location.pointsUncertain;
  reasons.push(...location.problems);
  const isPrimary = (cluster: string) => primaries.includes(cluster);
  const evidenceOf = (cluster: string) =>
    scope.find(e => e.cluster === cluster);
  const primaryName = primaries.join(', ') || 'the primary cluster';
  const recoveryClusters = declaration.recoveryCluster
    ? [declaration.recoveryCluster]
    : scope.map(e => e.cluster).filter(c => !isPrimary(c));

  if (location.primarySource === 'ambiguous') {
    risk(
      'primary-ambiguous',
      `Without disaster-recovery/primary-cluster, the primary cannot be told: the service ${
        location.primaries.length > 0
          ? `serves on ${location.primaries.join(' and ')}`
          : 'has objects on several clusters'
      }.`,
      'Set the disaster-recovery/primary-cluster annotation.',
    );
  }
  if (primaryObjects.length === 0 && unreadable.length === 0) {
    const how = target.labelSelector
      ? 'the label selector'
      : `label backstage.io/kubernetes-id=${target.id}`;
    breach(
      'workloads-not-found',
      `No workload or PVC of the service (${how}${
        target.namespace ? ` in namespace ${target.namespace}` : ''
      }) was found on ${primaries.join(', ') || 'any cluster'}.`,
      'Label the service’s workloads and PVCs as the Kubernetes plugin’s annotations say, or fix the annotations.',
    );
  }

  // ---- The service's PVCs on its primary clusters.
  const pvcs: DrProviderPvc[] = [];
  const pvcStates: PvcState[] = [];
  const stateOf = new Map<DrProviderPvc, PvcState>();
  for (const cluster of primaries) {
    for (const pvc of pvcsByCluster.get(cluster) ?? []) {
      const key = `${pvc.metadata.namespace ?? ''}/${pvc.metadata.name}`;
      const ref: DrProviderPvc = {
        cluster,
        pvc,
        key,
        mounts: location.mounts.get(`${cluster}/${key}`) ?? [],
      };
      const state: PvcState = {
        cluster,
        pvc,
        key,
        coveredBy: [],
        cadences: [],
        localBy: [],
        offCluster: false,
        replicated: false,
      };
      pvcs.push(ref);
      pvcStates.push(state);
      stateOf.set(ref, state);
    }
  }
  const hasPvcs = pvcStates.length > 0;
  let serviceNewest: { ms: number; point: DrRecoveryPoint } | undefined;

  // ---- Each provider judges its own objects; their evidence is combined in a fixed order.
  const context: DrProviderContext = {
    declaration,
    target,
    now,
    nowMs,
    options,
    location,
    pvcs,
    primaries,
    primaryName,
    recoveryClusters,
    isPrimary,
    evidenceOf,
    drillClusters: declaration.recoveryCluster ? scope : input.clusters,
    objectsOf: <T extends KubeObject>(
      evidence: SanitizedEvidence,
      resource: string,
    ) =>
      (Array.isArray(evidence.objects[resource])
        ? evidence.objects[resource]
        : []) as T[],
  };
  const recoveryPoints: DrRecoveryPoint[] = [];
  const schedules: DrStatus['schedules'] = [];
  const replication: DrStatus['replication'] = [];
  const manifestCadences: number[] = [];
  const locations: NonNullable<DrProviderEvidence['storageLocations']> = [];
  const providerDrills: NonNullable<DrProviderEvidence['drills']> = [];
  const clockSkew = new Map<string, string[]>();
  let replicaLinks = 0;
  let replicatesToRecovery = false;
  let restorableOnRecovery = false;
  let standbyOnRecovery = false;
  for (const provider of orderProviders(
    input.providers ?? DR_BUILT_IN_PROVIDERS,
  )) {
    let evidence: DrProviderEvidence;
    try {
      evidence = provider.evaluate!(context) ?? {};
    } catch (error) {
      reasons.push({
        severity: 'unknown',
        code: 'provider-failed',
        message: `The ${
          provider.title
        } status provider failed on this service: ${
          error instanceof Error ? error.message : String(error)
        }; its evidence is not judged.`,
        nextStep: `Report it to the maintainers of the ${provider.title} provider (id ${provider.id}) with the service's objects.`,
      });
      continue;
    }
    if (evidence.reasons) reasons.push(...evidence.reasons);
    for (const found of evidence.recoveryPoints ?? []) {
      if (found.point) recoveryPoints.push(found.point);
      if (found.ms === undefined) continue;
      for (const { pvc, point } of found.pvcs ?? []) {
        const state = stateOf.get(pvc);
        if (state && (!state.newest || found.ms > state.newest.ms)) {
          state.newest = { ms: found.ms, point };
        }
      }
      if (
        found.service &&
        found.point &&
        (!serviceNewest || found.ms > serviceNewest.ms)
      ) {
        serviceNewest = { ms: found.ms, point: found.point };
      }
    }
    for (const { pvc, by, cadence, replicates } of evidence.coverage ?? []) {
      const state = stateOf.get(pvc);
      if (!state) continue;
      state.coveredBy.push(by);
      if (replicates) state.replicated = true;
      if (by.offCluster) {
        state.offCluster = true;
        if (cadence) state.cadences.push(cadence);
      } else {
        state.localBy.push({ kind: by.kind, name: by.name });
      }
    }
    if (evidence.schedules) schedules.push(...evidence.schedules);
    if (evidence.manifestCadenceSeconds)
      manifestCadences.push(...evidence.manifestCadenceSeconds);
    if (evidence.replication) replication.push(...evidence.replication);
    replicaLinks += evidence.replicaLinks ?? 0;
    if (evidence.storageLocations) locations.push(...evidence.storageLocations);
    if (evidence.drills) providerDrills.push(...evidence.drills);
    for (const { cluster, what } of evidence.futurePoints ?? []) {
      const l = clockSkew.get(cluster) ?? [];
      l.push(what);
      clockSkew.set(cluster, l);
    }
    replicatesToRecovery ||= evidence.strategy?.replicatesToRecovery === true;
    restorableOnRecovery ||= evidence.strategy?.restorableOnRecovery === true;
    standbyOnRecovery ||= evidence.strategy?.standbyOnRecovery === true;
  }

  for (const [cluster, what] of clockSkew) {
    risk(
      'clock-skew',
      `Clock skew on ${cluster}: ${what.slice(0, 3).join(', ')}${
        what.length > 3 ? ` and ${what.length - 3} more` : ''
      } ${what.length === 1 ? 'is' : 'are'} more than ${formatDuration(
        skewMs / 1000,
      )} ahead of now; not counted.`,
      `Synchronise the clocks of ${cluster}'s nodes (NTP) and of the Backstage backend.`,
    );
  }

  // Storage locations used by the service, by cluster and name.
  const storageLocations: DrStatus['storageLocations'] = [];
  const locationKey = (l: { cluster: string; name: string }) =>
    `${l.cluster}\u0000${l.name}`;
  for (const { reason, ...l } of [...locations].sort((a, b) =>
    locationKey(a).localeCompare(locationKey(b)),
  )) {
    storageLocations.push(l);
    if (reason) reasons.push(reason);
  }

  // ---- Coverage and achieved RPO per PVC (rules 1, 4, 5 with the per-PVC refinement).
  const rpo = declaration.rpoSeconds;
  const coverage: DrStatus['coverage'] = pvcStates.map(state => {
    const cadence = state.cadences.length
      ? state.cadences.reduce((a, b) => (b.seconds < a.seconds ? b : a))
      : undefined;
    return {
      cluster: state.cluster,
      namespace: state.pvc.metadata.namespace ?? '',
      pvc: state.pvc.metadata.name,
      coveredBy: state.coveredBy,
      newestPoint: state.newest?.point ?? null,
      achievedRpoSeconds: state.newest
        ? Math.max(0, Math.floor((nowMs - state.newest.ms) / 1000))
        : null,
      cadenceSeconds: cadence?.seconds ?? null,
    };
  });
  const slowCadences = new Map<
    string,
    { seconds: number; by: string; pvcs: PvcState[] }
  >();
  for (const state of pvcStates) {
    const label = `PVC ${state.key} on ${state.cluster}`;
    const obj = objectRef('PersistentVolumeClaim', state.pvc, state.cluster);
    if (state.coveredBy.length === 0) {
      breach(
        'pvc-uncovered',
        `${label} is not covered by any backup schedule, VolSync ReplicationSource or replica.`,
        `Add it to a Velero Schedule that moves its data off ${state.cluster} (snapshotMoveData: true or file-system backup), or replicate it with VolSync.`,
        obj,
      );
    } else if (!state.offCluster) {
      breach(
        'pvc-local-only',
        `${label} is backed up only by snapshots that stay on ${
          state.cluster
        } (${state.localBy
          .map(l => `${l.kind} ${l.name}`)
          .join(', ')}): its data would be lost with the cluster.`,
        state.localBy.every(l => l.kind === 'Schedule')
          ? `Set snapshotMoveData: true (CSI data movement) or defaultVolumesToFsBackup: true in ${
              state.localBy[0]?.name ?? 'the schedule'
            }'s template.`
          : `Copy its data off ${state.cluster}: make ${state.localBy[0].kind} ${state.localBy[0].name} export to storage outside the cluster, or add a mechanism that does.`,
        obj,
      );
    }
    const cadence = state.cadences.length
      ? state.cadences.reduce((a, b) => (b.seconds < a.seconds ? b : a))
      : undefined;
    if (cadence && cadence.seconds > rpo) {
      const key = `${cadence.by}\u0000${cadence.seconds}`;
      const group = slowCadences.get(key) ?? {
        ...cadence,
        pvcs: [] as PvcState[],
      };
      group.pvcs.push(state);
      slowCadences.set(key, group);
    }
  }
  // One reason per slow mechanism, naming the PVCs it is the best copy of.
  for (const group of slowCadences.values()) {
    const names = group.pvcs.map(p => p.key);
    const cluster = group.pvcs[0].cluster;
    breach(
      'cadence-too-slow',
      `${group.by} on ${cluster} is the fastest copy of PVC${
        names.length > 1 ? 's' : ''
      } ${names.join(', ')}, and runs only every ${formatDuration(
        group.seconds,
      )}; the RPO target is ${formatDuration(rpo)}.`,
      `Add ${
        names.length > 1 ? 'them' : 'it'
      } to a schedule that runs at least every ${formatDuration(
        rpo,
      )}, or shorten ${group.by}'s schedule.`,
      group.pvcs.length === 1
        ? objectRef('PersistentVolumeClaim', group.pvcs[0].pvc, cluster)
        : undefined,
    );
  }

  let achievedMs: number | undefined;
  if (hasPvcs) {
    achievedMs = pvcStates.every(s => s.newest)
      ? Math.min(...pvcStates.map(s => s.newest!.ms))
      : undefined;
  } else {
    achievedMs = serviceNewest?.ms;
  }
  const achievedRpoSeconds =
    achievedMs === undefined
      ? null
      : Math.max(0, Math.floor((nowMs - achievedMs) / 1000));
  // PVCs without a point that no coverage reason explains yet.
  const unexplained = pvcStates.filter(
    s => !s.newest && s.coveredBy.length > 0 && s.offCluster,
  );
  if (achievedRpoSeconds === null) {
    // A PVC without a point that is uncovered or covered only locally has its own reason.
    if (!hasPvcs || unexplained.length > 0) {
      breach(
        'no-recovery-point',
        hasPvcs && pvcStates.some(s => s.newest)
          ? `Not every PVC has a recovery point that survives the loss of ${primaryName} (no point for ${unexplained
              .map(s => s.key)
              .join(', ')}), so the service cannot be brought back whole.`
          : `No recovery point survives the loss of ${primaryName}.`,
        'Find why its schedules or replication have not produced a usable copy (failed backups, an unavailable location, no sync yet).',
      );
    }
  } else if (achievedRpoSeconds > rpo) {
    const worst = hasPvcs
      ? pvcStates.reduce((a, b) => (b.newest!.ms < a.newest!.ms ? b : a))
      : undefined;
    breach(
      'rpo-exceeded',
      `Achieved RPO ${formatDuration(
        achievedRpoSeconds,
      )} is above the ${formatDuration(rpo)} target${
        worst
          ? ` (set by PVC ${worst.key}, last copied by ${
              worst.newest!.point.kind
            } ${worst.newest!.point.name})`
          : ''
      }.`,
      'Find why the newest backups or syncs are missing (failed or skipped runs, paused schedules, unavailable locations).',
    );
  } else if (achievedRpoSeconds > rpo * atRiskRatio) {
    risk(
      'rpo-near-target',
      `Achieved RPO ${formatDuration(achievedRpoSeconds)} is above ${Math.round(
        atRiskRatio * 100,
      )}% of the ${formatDuration(rpo)} target.`,
      'Run backups or syncs more often, or find why the last ones are late.',
    );
  }
  // A service without PVCs: the best manifest schedule must fit the RPO, unless a replica serves.
  if (!hasPvcs && replicaLinks === 0 && manifestCadences.length > 0) {
    const best = Math.min(...manifestCadences);
    if (best > rpo) {
      breach(
        'cadence-too-slow',
        `Backups of the service run at best every ${formatDuration(
          best,
        )}; the RPO target is ${formatDuration(rpo)}.`,
        `Schedule a backup at least every ${formatDuration(rpo)}.`,
      );
    }
  }

  // ---- The strategy is really in place.
  judgeStrategy();
  function judgeStrategy() {
    const strategy = declaration.strategy;
    if (!strategy || strategy === 'backup-restore') return;
    const recovery = recoveryClusters
      .map(evidenceOf)
      .filter((e): e is SanitizedEvidence => Boolean(e));
    const recoveryName = recoveryClusters.join(', ') || 'a recovery cluster';
    const name = target.id ?? 'the service';
    if (recovery.length === 0) {
      if (recoveryClusters.length === 0) {
        risk(
          'recovery-cluster-missing',
          `${strategy} needs a recovery cluster, and none is named or found.`,
          'Set the disaster-recovery/recovery-cluster annotation.',
        );
      }
      return;
    }
    // A service without volumes has no data to replicate: only its workloads must be there.
    const hasData =
      hasPvcs ||
      primaries.some(c => (location.postgresClusters.get(c) ?? []).length > 0);
    const replicated =
      !hasData ||
      pvcStates.some(s => s.replicated) ||
      replicaLinks > 0 ||
      replicatesToRecovery;
    const workloadsThere =
      standbyOnRecovery ||
      recovery.some(
        e =>
          serviceObjectsOf(e.objects.statefulSets, target).length > 0 ||
          serviceObjectsOf(e.objects.deployments, target).length > 0,
      );
    if (strategy === 'pilot-light') {
      // Backups restorable there (a provider says so: synced copies, a location on the
      // primary's bucket), or replication.
      const restorable = restorableOnRecovery;
      if (!replicated && !restorable) {
        breach(
          'strategy-not-in-place',
          `pilot-light declared, but nothing replicates ${name} to ${recoveryName} and no backup of it can be restored there.`,
          `Replicate its data to ${recoveryName} (VolSync, CloudNativePG replica) or give ${recoveryName} a BackupStorageLocation on the primary's bucket.`,
        );
      }
    } else if (strategy === 'warm-standby') {
      if (!replicated) {
        breach(
          'strategy-not-in-place',
          `warm-standby declared, but nothing replicates ${name} to ${recoveryName}.`,
          `Replicate its data continuously to ${recoveryName} (VolSync, a CloudNativePG replica cluster, MirrorMaker 2).`,
        );
      }
      if (!workloadsThere) {
        breach(
          'strategy-not-in-place',
          `warm-standby declared, but ${name} has no workloads on ${recoveryName}.`,
          `Deploy the standby (scaled down) on ${recoveryName}.`,
        );
      }
    } else if (strategy === 'active-active') {
      const ready = (e: SanitizedEvidence | undefined) =>
        Boolean(e) &&
        [
          ...serviceObjectsOf(e!.objects.statefulSets, target),
          ...serviceObjectsOf(e!.objects.deployments, target),
        ].some((w: Workload) => (w.status?.readyReplicas ?? 0) > 0);
      const notServing = [...primaries.map(evidenceOf), ...recovery]
        .filter((e): e is SanitizedEvidence => Boolean(e))
        .filter(e => !ready(e))
        .map(e => e.cluster);
      if (notServing.length > 0) {
        breach(
          'strategy-not-in-place',
          `active-active declared, but ${name} has no ready replicas on ${notServing.join(
            ' and ',
          )}.`,
          `Run it on both sides with ready replicas, or declare the strategy it really has.`,
        );
      }
    }
  }

  // ---- Drills (rule 7): completed runs of this plugin, and the providers' restores.
  const lastDrill = findLastDrill(input.runs ?? [], providerDrills);
  if (!lastDrill) {
    if (!drillsUncertain) {
      risk(
        'never-drilled',
        `Never drilled: no completed drill, failover or restore of the service's backups in ${
          recoveryClusters.join(', ') || 'a recovery cluster'
        }.`,
        'Run a DR drill (restore the newest backup into an isolated namespace of the recovery cluster) and record its RTO.',
      );
    }
  } else {
    const age = Math.floor((nowMs - Date.parse(lastDrill.completedAt)) / 1000);
    if (age > declaration.drillCadenceSeconds) {
      risk(
        'drill-overdue',
        `The last drill (${lastDrill.kind} ${
          lastDrill.name
        }) was ${formatDuration(age)} ago, longer than the ${formatDuration(
          declaration.drillCadenceSeconds,
        )} drill cadence.`,
        'Run a DR drill.',
      );
    }
    if (lastDrill.measuredRtoSeconds > declaration.rtoSeconds) {
      breach(
        'rto-exceeded',
        `Measured RTO ${formatDuration(lastDrill.measuredRtoSeconds)} (${
          lastDrill.kind
        } ${lastDrill.name}) is above the ${formatDuration(
          declaration.rtoSeconds,
        )} target.`,
        'Make the recovery faster (smaller restores, pre-provisioned standby, a warmer strategy) or agree a longer RTO for the tier.',
      );
    }
  }

  // ---- Unknown (rule 8).
  if (pointsUncertain) {
    for (let i = reasons.length - 1; i >= 0; i--) {
      if (FROM_ABSENCE.has(reasons[i].code)) reasons.splice(i, 1);
    }
  }
  for (const u of unreadable) {
    reasons.push({
      severity: 'unknown',
      code: 'cluster-unreadable',
      message: `Cluster ${u.cluster} could not be read: ${u.reason}`,
      nextStep: `Check the Kubernetes plugin's access to ${u.cluster} (its service account's RBAC, the API server's health).`,
    });
  }

  const order = { breach: 0, unknown: 1, risk: 2 };
  const verdicts = {
    breach: 'breached',
    unknown: 'unknown',
    risk: 'at-risk',
  } as const;
  const worst = reasons.reduce<DrReason | undefined>(
    (w, r) => (!w || order[r.severity] < order[w.severity] ? r : w),
    undefined,
  );
  const verdict = worst ? verdicts[worst.severity] : 'compliant';
  // Stable order: by severity, then as found. Undefined optional fields are dropped.
  const sorted = reasons
    .map((r, i) => ({ r, i }))
    .sort((a, b) => order[a.r.severity] - order[b.r.severity] || a.i - b.i)
    .map(({ r }) => {
      const out: DrReason = {
        severity: r.severity,
        code: r.code,
        message: r.message,
      };
      if (r.nextStep) out.nextStep = r.nextStep;
      if (r.object) out.object = r.object;
      return out;
    });

  recoveryPoints.sort(
    (a, b) =>
      (parseTime(b.time) ?? -Infinity) - (parseTime(a.time) ?? -Infinity),
  );
  return {
    verdict,
    reasons: sorted,
    evaluatedAt: isoSeconds(nowMs),
    achievedRpoSeconds,
    recoveryPoints,
    coverage,
    schedules,
    replication,
    storageLocations,
    lastDrill,
    measuredRtoSeconds: lastDrill?.measuredRtoSeconds ?? null,
    unreadable,
    primaryClusters: primaries,
    primarySource: location.primarySource,
  };
}

/**
 * The newest drill: completed drill and failover runs of this plugin that were verified
 * (measured RTO = `verifiedAt − startedAt`), and the restores the providers found; newest
 * `completedAt` first, runs before restores on a tie.
 */
function findLastDrill(
  runs: readonly DrRunRecord[],
  providerDrills: ReadonlyArray<NonNullable<DrStatus['lastDrill']>>,
): DrStatus['lastDrill'] {
  const candidates: NonNullable<DrStatus['lastDrill']>[] = [];
  for (const run of runs) {
    if (
      run.status !== 'completed' ||
      run.type === 'failback' ||
      !run.verifiedAt
    )
      continue;
    const started = parseTime(run.startedAt);
    const verified = parseTime(run.verifiedAt);
    if (started === undefined || verified === undefined || verified < started)
      continue;
    candidates.push({
      kind: 'run',
      name: run.id,
      type: run.type,
      startedAt: run.startedAt,
      completedAt: run.verifiedAt,
      measuredRtoSeconds: Math.floor((verified - started) / 1000),
    });
  }
  candidates.push(...providerDrills);
  candidates.sort(
    (a, b) => Date.parse(b.completedAt) - Date.parse(a.completedAt),
  );
  return candidates[0] ?? null;
}
