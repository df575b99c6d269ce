import { DrDeclaration } from '../declaration';
import { formatDuration } from '../duration';
import { candidateBackups } from './backupIndex';
import { parseGoDuration, scheduleMaxIntervalSeconds } from './cadence';
import {
  isPostgresReplica,
  KubeObject,
  veleroBackupTime,
  VeleroRestore,
  VeleroBackup,
  VeleroBackupSpec,
  VeleroBackupStorageLocation,
} from './kubernetes';
import { matchesLabelSelector } from './selectors';
import {
  ClusterEvidence,
  ClusterResource,
  DrEvaluationOptions,
  DrReason,
  DrRecoveryPoint,
  DrRunRecord,
  DrServiceTarget,
  DrStatus,
} from './types';

/**
 * The input of {@link evaluateDrStatus}.
 *
 * @public
 */
export interface DrEvaluationInput {
  declaration: DrDeclaration;
  target: DrServiceTarget;
  /** What was read from each cluster. */
  clusters: ClusterEvidence[];
  now: Date;
  /** Drill, failover and failback runs of the service, if any. */
  runs?: DrRunRecord[];
  options?: DrEvaluationOptions;
}

const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

// The resources whose failure to read hides evidence of a service.
const EVIDENCE_RESOURCES: ClusterResource[] = [
  'backups',
  'schedules',
  'restores',
  'backupStorageLocations',
  'replicationSources',
  'postgresClusters',
  'mirrorMakers',
  'persistentVolumeClaims',
  'statefulSets',
  'deployments',
];

function seconds(fromIso: string | undefined, to: Date): number | undefined {
  if (!fromIso) return undefined;
  const t = Date.parse(fromIso);
  return Number.isNaN(t) ? undefined : Math.floor((to.getTime() - t) / 1000);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function conditionTrue(
  obj: { status?: { conditions?: Array<{ type: string; status: string }> } },
  type: string,
) {
  return obj.status?.conditions?.find(c => c.type === type)?.status === 'True';
}

/** Whether an object is the service's, by the Kubernetes plugin's annotations. */
function isServiceObject(obj: KubeObject, target: DrServiceTarget): boolean {
  if (target.namespace && obj.metadata.namespace !== target.namespace) {
    return false;
  }
  if (target.labelSelector) {
    return matchesLabelSelector(target.labelSelector, obj.metadata.labels);
  }
  return (
    target.id !== undefined &&
    obj.metadata.labels?.[KUBERNETES_ID_LABEL] === target.id
  );
}

/** Whether a Velero backup spec takes in a namespace. */
function includesNamespace(spec: VeleroBackupSpec, namespace: string): boolean {
  const included = spec.includedNamespaces ?? [];
  const inIncluded =
    included.length === 0 ||
    included.includes('*') ||
    included.includes(namespace);
  return inIncluded && !(spec.excludedNamespaces ?? []).includes(namespace);
}

/** Whether a Velero backup spec takes in a resource type (plural, e.g. `persistentvolumeclaims`). */
function includesResource(spec: VeleroBackupSpec, resource: string): boolean {
  const included = spec.includedResources ?? [];
  const inIncluded =
    included.length === 0 ||
    included.includes('*') ||
    included.includes(resource);
  return inIncluded && !(spec.excludedResources ?? []).includes(resource);
}

/** Whether a Velero backup spec's label selectors match an object (no selector: every object). */
function selectsLabels(
  spec: VeleroBackupSpec,
  labels: Record<string, string> | undefined,
) {
  if (spec.orLabelSelectors && spec.orLabelSelectors.length > 0) {
    return spec.orLabelSelectors.some(s => matchesLabelSelector(s, labels));
  }
  return spec.labelSelector
    ? matchesLabelSelector(spec.labelSelector, labels)
    : true;
}

/** Whether a backup spec takes in at least one of the service's objects. */
function takesInService(spec: VeleroBackupSpec, objects: DrServiceObject[]) {
  return objects.some(
    ({ obj, resource }) =>
      includesNamespace(spec, obj.metadata.namespace ?? '') &&
      includesResource(spec, resource) &&
      selectsLabels(spec, obj.metadata.labels),
  );
}

/** Whether a backup spec backs up a PVC's data (volume snapshot or file-system backup). */
function backsUpVolume(spec: VeleroBackupSpec, pvc: KubeObject): boolean {
  return (
    includesNamespace(spec, pvc.metadata.namespace ?? '') &&
    includesResource(spec, 'persistentvolumeclaims') &&
    selectsLabels(spec, pvc.metadata.labels) &&
    (spec.snapshotVolumes !== false || spec.defaultVolumesToFsBackup === true)
  );
}

// The resources whose failure to read hides recovery points, coverage or the service's objects.
const POINT_RESOURCES: ClusterResource[] = EVIDENCE_RESOURCES.filter(
  r => r !== 'restores',
);

/**
 * One of a service's objects with its resource type (plural, e.g. `persistentvolumeclaims`), as
 * Velero's resource filters name it.
 *
 * @public
 */
export interface DrServiceObject {
  obj: KubeObject;
  resource: string;
}

/**
 * Where a service lives, as {@link evaluateDrStatus} sees it.
 *
 * @public
 */
export interface DrServiceLocation {
  /** The clusters in scope: those the declaration names (when configured), else every cluster. */
  scope: ClusterEvidence[];
  /** Clusters in scope that could not be read (or are not configured), with the reason. */
  unreadable: DrStatus['unreadable'];
  /** Whether a read failure may hide recovery points, coverage or the service's objects. */
  pointsUncertain: boolean;
  /** Whether a read failure may hide Velero Restores (drills). */
  drillsUncertain: boolean;
  /**
   * The service's StatefulSets, Deployments and PVCs per cluster (found by the Kubernetes
   * plugin's annotations). PVCs made from a StatefulSet's `volumeClaimTemplates` carry the
   * StatefulSet's labels under their own, as Velero selects them with the pod.
   */
  serviceObjects: Map<string, DrServiceObject[]>;
  /** The service's PVCs per cluster (same objects as in `serviceObjects`). */
  pvcsByCluster: Map<string, KubeObject[]>;
  /** The primary clusters: the declared one, else every cluster where the service has objects. */
  primaries: string[];
  /** The service's objects on its primary clusters. */
  primaryObjects: DrServiceObject[];
}

/**
 * Finds a service's clusters and objects in what was read: the first step of
 * {@link evaluateDrStatus}, exported so that a reader can keep, of a large list, only the
 * objects that concern some service. Reads only StatefulSets, Deployments and
 * PersistentVolumeClaims, and the read failures. Pure.
 *
 * @public
 */
export function locateService(
  declaration: DrDeclaration,
  target: DrServiceTarget,
  clusters: ClusterEvidence[],
): DrServiceLocation {
  // Clusters in scope: the ones the declaration names, or every cluster.
  const named = [
    declaration.primaryCluster,
    declaration.recoveryCluster,
  ].filter((c): c is string => Boolean(c));
  const unreadable: DrStatus['unreadable'] = [];
  let scope: ClusterEvidence[];
  if (named.length > 0) {
    scope = [];
    for (const name of named) {
      const evidence = clusters.find(c => c.cluster === name);
      if (evidence) {
        scope.push(evidence);
      } else {
        unreadable.push({
          cluster: name,
          reason: `cluster ${name} is not configured for the Kubernetes plugin`,
        });
      }
    }
  } else {
    scope = clusters;
  }
  // A cluster named by the declaration but not configured hides everything.
  let pointsUncertain = unreadable.length > 0;
  let drillsUncertain = unreadable.length > 0;
  for (const evidence of scope) {
    for (const failure of evidence.failures ?? []) {
      const affects = (resources: ClusterResource[]) =>
        !failure.resources ||
        failure.resources.some(r => resources.includes(r));
      if (affects(EVIDENCE_RESOURCES)) {
        unreadable.push({ cluster: evidence.cluster, reason: failure.reason });
      }
      pointsUncertain ||= affects(POINT_RESOURCES);
      drillsUncertain ||= affects(['restores']);
    }
  }

  // The service's workloads and PVCs, and its primary clusters.
  const serviceObjects = new Map<string, DrServiceObject[]>();
  const pvcsByCluster = new Map<string, KubeObject[]>();
  for (const evidence of scope) {
    const workloads = [
      ...(evidence.objects.statefulSets ?? []).map(obj => ({
        obj,
        resource: 'statefulsets',
      })),
      ...(evidence.objects.deployments ?? []).map(obj => ({
        obj,
        resource: 'deployments',
      })),
    ].filter(({ obj }) => isServiceObject(obj, target));
    // PVCs: labelled as the service's, or made from a volumeClaimTemplate of its StatefulSets.
    // Velero backs up a pod's PVCs with the pod, so a PVC of a StatefulSet is selected by the
    // StatefulSet's labels too: it is given them, under its own.
    const templates = (evidence.objects.statefulSets ?? [])
      .filter(sts => isServiceObject(sts, target))
      .flatMap(sts =>
        (sts.spec?.volumeClaimTemplates ?? []).map(t => ({
          sts,
          prefix: `${t.metadata?.name}-${sts.metadata.name}-`,
        })),
      );
    const pvcs: KubeObject[] = [];
    for (const pvc of evidence.objects.persistentVolumeClaims ?? []) {
      const owner = templates.find(
        t =>
          t.sts.metadata.namespace === pvc.metadata.namespace &&
          pvc.metadata.name.startsWith(t.prefix) &&
          /^\d+$/.test(pvc.metadata.name.slice(t.prefix.length)),
      );
      if (owner) {
        const merged = { ...owner.sts.metadata.labels, ...pvc.metadata.labels };
        pvcs.push({ ...pvc, metadata: { ...pvc.metadata, labels: merged } });
      } else if (isServiceObject(pvc, target)) {
        pvcs.push(pvc);
      }
    }
    const all = [
      ...workloads,
      ...pvcs.map(obj => ({ obj, resource: 'persistentvolumeclaims' })),
    ];
    if (all.length > 0) {
      serviceObjects.set(evidence.cluster, all);
      pvcsByCluster.set(evidence.cluster, pvcs);
    }
  }
  const primaries = declaration.primaryCluster
    ? [declaration.primaryCluster]
    : [...serviceObjects.keys()];
  const primaryObjects = primaries.flatMap(c => serviceObjects.get(c) ?? []);
  return {
    scope,
    unreadable,
    pointsUncertain,
    drillsUncertain,
    serviceObjects,
    pvcsByCluster,
    primaries,
    primaryObjects,
  };
}

/**
 * Whether a Velero Backup takes in at least one of a service's objects (namespace, resource and
 * label filters of `spec`), as {@link evaluateDrStatus} decides it. A backup without `spec`
 * takes in nothing.
 *
 * @public
 */
export function backupTakesInService(
  backup: VeleroBackup,
  objects: DrServiceObject[],
): boolean {
  return Boolean(backup.spec) && takesInService(backup.spec!, objects);
}

/**
 * Judges a declared service against its tier's policy from the Kubernetes objects read from its
 * clusters, at time `now`, following the evaluation rules of the DR domain:
 *
 * 1. Recovery points that count survive the loss of the primary cluster: `Completed`, unexpired
 *    Velero backups (point: `status.startTimestamp`) on an `Available` BackupStorageLocation,
 *    VolSync replication of every PVC (point: oldest `lastSyncTime − lastSyncDuration`), and live
 *    CloudNativePG replicas and MirrorMaker 2 mirrors (point: `now − lag`). CSI VolumeSnapshots
 *    are local points and never count. Achieved RPO = now − the newest counted point.
 * 2. The newest backup `PartiallyFailed` or `Failed`: at risk.
 * 3. Achieved RPO above `atRiskRatio` (0.8) of the target: at risk; above the target: breached.
 * 4. Every PVC must be covered by a Velero Schedule that backs up its volume or a VolSync
 *    ReplicationSource: an uncovered PVC is a breach; a paused schedule is at risk.
 * 5. No counted recovery point: breached.
 * 6. Backups only (no replication): a schedule whose longest interval exceeds the RPO target
 *    can never meet it: breached.
 * 7. Drills (completed drill or failover runs, or `Completed` Velero Restores in another
 *    cluster than the primary of a backup of the service): never drilled or older than the drill
 *    cadence is at risk; measured RTO above the target is a breach.
 * 8. A cluster in scope that cannot be read makes the verdict `unknown` unless a breach is
 *    already proven.
 *
 * Pure: no I/O, no clock; the same input gives the same output.
 *
 * @public
 */
export function evaluateDrStatus(input: DrEvaluationInput): DrStatus {
  const { declaration, target, now } = input;
  const atRiskRatio = input.options?.atRiskRatio ?? 0.8;
  const reasons: DrReason[] = [];
  const breach = (code: string, message: string) =>
    reasons.push({ severity: 'breach', code, message });
  const risk = (code: string, message: string) =>
    reasons.push({ severity: 'risk', code, message });

  const {
    scope,
    unreadable,
    pointsUncertain,
    drillsUncertain,
    pvcsByCluster,
    primaries,
    primaryObjects,
  } = locateService(declaration, target, input.clusters);
  const isPrimary = (cluster: string) => primaries.includes(cluster);
  if (primaryObjects.length === 0 && unreadable.length === 0) {
    const how = target.labelSelector
      ? 'the label selector'
      : `label ${KUBERNETES_ID_LABEL}=${target.id}`;
    breach(
      'workloads-not-found',
      `No workload or PVC of the service (${how}${
        target.namespace ? ` in namespace ${target.namespace}` : ''
      }) was found on ${primaries.join(', ') || 'any cluster'}.`,
    );
  }

  // Storage locations, per cluster.
  const locations = new Map<string, VeleroBackupStorageLocation[]>();
  const storageLocations: DrStatus['storageLocations'] = [];
  for (const evidence of scope) {
    const list = evidence.objects.backupStorageLocations ?? [];
    locations.set(evidence.cluster, list);
  }
  const locationOf = (cluster: string, name: string | undefined) => {
    const list = locations.get(cluster) ?? [];
    return name
      ? list.find(l => l.metadata.name === name)
      : list.find(l => l.spec?.default);
  };
  const usedLocations = new Set<string>();
  const useLocation = (cluster: string, name: string | undefined) => {
    const location = locationOf(cluster, name);
    if (location) usedLocations.add(`${cluster}/${location.metadata.name}`);
    return location;
  };

  // Velero backups of the service, from every cluster in scope (Velero syncs backups from a
  // shared location into each cluster: the same backup name counts once).
  const recoveryPoints: DrRecoveryPoint[] = [];
  const serviceBackups: Array<{ backup: VeleroBackup; cluster: string }> = [];
  const seenBackups = new Set<string>();
  const ordered = [...scope].sort(
    (a, b) => Number(isPrimary(b.cluster)) - Number(isPrimary(a.cluster)),
  );
  for (const evidence of ordered) {
    const candidates = candidateBackups(
      evidence.objects.backups ?? [],
      primaryObjects.map(o => o.obj),
    );
    for (const backup of candidates) {
      if (!backup.spec || !takesInService(backup.spec, primaryObjects))
        continue;
      const key = `${backup.spec.storageLocation ?? ''}/${
        backup.metadata.name
      }`;
      if (seenBackups.has(key)) continue;
      seenBackups.add(key);
      serviceBackups.push({ backup, cluster: evidence.cluster });
      recoveryPoints.push(backupPoint(backup, evidence.cluster));
    }
  }
  function backupPoint(backup: VeleroBackup, cluster: string): DrRecoveryPoint {
    const phase = backup.status?.phase ?? 'New';
    const location = useLocation(cluster, backup.spec?.storageLocation);
    const locationName =
      backup.spec?.storageLocation ?? location?.metadata.name;
    const point: DrRecoveryPoint = {
      time: backup.status?.startTimestamp,
      source: 'velero-backup',
      kind: 'Backup',
      name: backup.metadata.name,
      namespace: backup.metadata.namespace,
      cluster,
      usable: false,
      counted: false,
      phase,
      errors: backup.status?.errors,
      warnings: backup.status?.warnings,
      expiresAt: backup.status?.expiration,
      storageLocation: locationName,
    };
    const countable =
      phase === 'Completed' ||
      (phase === 'PartiallyFailed' &&
        input.options?.countPartiallyFailedBackups === true);
    if (!countable) {
      point.reason =
        phase === 'Failed' || phase === 'PartiallyFailed'
          ? `backup ${phase}${
              backup.status?.failureReason
                ? `: ${backup.status.failureReason}`
                : ''
            }`
          : `backup is ${phase}, not Completed`;
    } else if (!point.time) {
      point.reason = 'backup has no status.startTimestamp';
    } else if (
      point.expiresAt &&
      Date.parse(point.expiresAt) <= now.getTime()
    ) {
      point.reason = `backup expired at ${point.expiresAt}`;
    } else if (!location) {
      point.reason = `BackupStorageLocation ${
        locationName ?? '(default)'
      } not found on ${cluster}`;
    } else if (location.status?.phase !== 'Available') {
      point.reason = `BackupStorageLocation ${location.metadata.name} is ${
        location.status?.phase ?? 'not validated'
      }`;
    } else {
      point.usable = true;
      point.counted = true;
    }
    return point;
  }

  // The newest finished backup failed or partly failed (rule 2).
  const finished = serviceBackups
    .filter(b =>
      ['Completed', 'PartiallyFailed', 'Failed'].includes(
        b.backup.status?.phase ?? '',
      ),
    )
    .sort((a, b) => veleroBackupTime(b.backup) - veleroBackupTime(a.backup));
  const newestFinished = finished[0]?.backup;
  if (newestFinished && newestFinished.status?.phase !== 'Completed') {
    risk(
      'newest-backup-failed',
      `The newest backup ${newestFinished.metadata.name} is ${newestFinished.status?.phase}` +
        `${
          newestFinished.status?.errors
            ? ` with ${newestFinished.status.errors} error${
                newestFinished.status.errors === 1 ? '' : 's'
              }`
            : ''
        }.`,
    );
  }

  // Schedules and coverage (rule 4).
  const schedules: DrStatus['schedules'] = [];
  const coverage: DrStatus['coverage'] = [];
  const coveringSchedules: DrStatus['schedules'] = [];
  let replicatedPvcs = 0;
  let totalPvcs = 0;
  const volsyncPoints: number[] = [];
  const replication: DrStatus['replication'] = [];
  for (const cluster of primaries) {
    const evidence = scope.find(e => e.cluster === cluster);
    if (!evidence) continue;
    const pvcs = pvcsByCluster.get(cluster) ?? [];
    const clusterSchedules = (evidence.objects.schedules ?? []).filter(
      s => s.spec?.template && takesInService(s.spec.template, primaryObjects),
    );
    for (const s of clusterSchedules) {
      const max = scheduleMaxIntervalSeconds(s.spec?.schedule ?? '', now);
      const entry = {
        cluster,
        name: s.metadata.name,
        schedule: s.spec?.schedule ?? '',
        maxIntervalSeconds: max ?? null,
        paused: s.spec?.paused === true,
        storageLocation: s.spec?.template?.storageLocation,
        lastBackup: s.status?.lastBackup,
      };
      schedules.push(entry);
      coveringSchedules.push(entry);
      useLocation(cluster, s.spec?.template?.storageLocation);
      if (entry.paused) {
        risk(
          'schedule-paused',
          `Schedule ${s.metadata.name} on ${cluster} is paused.`,
        );
      }
    }
    for (const pvc of pvcs) {
      totalPvcs += 1;
      const coveredBy: DrStatus['coverage'][number]['coveredBy'] = [];
      for (const s of clusterSchedules) {
        if (backsUpVolume(s.spec!.template!, pvc)) {
          coveredBy.push({
            kind: 'Schedule',
            name: s.metadata.name,
            paused: s.spec?.paused === true,
          });
        }
      }
      const sources = (evidence.objects.replicationSources ?? []).filter(
        rs =>
          rs.metadata.namespace === pvc.metadata.namespace &&
          rs.spec?.sourcePVC === pvc.metadata.name,
      );
      for (const rs of sources) {
        const paused = rs.spec?.paused === true;
        coveredBy.push({
          kind: 'ReplicationSource',
          name: rs.metadata.name,
          paused,
        });
        const lastSync = rs.status?.lastSyncTime
          ? Date.parse(rs.status.lastSyncTime)
          : NaN;
        const duration = parseGoDuration(rs.status?.lastSyncDuration) ?? 0;
        const healthy = !paused && !Number.isNaN(lastSync);
        const point = healthy ? lastSync - duration * 1000 : undefined;
        replication.push({
          kind: 'ReplicationSource',
          name: rs.metadata.name,
          namespace: rs.metadata.namespace,
          cluster,
          healthy,
          lagSeconds:
            point === undefined
              ? null
              : Math.max(0, Math.floor((now.getTime() - point) / 1000)),
          message: describeSync(rs.status?.lastSyncTime, paused, duration),
        });
        if (paused) {
          risk(
            'replication-paused',
            `ReplicationSource ${rs.metadata.name} on ${cluster} is paused.`,
          );
        }
        if (point !== undefined) {
          volsyncPoints.push(point);
        }
      }
      if (
        sources.some(rs => rs.status?.lastSyncTime && rs.spec?.paused !== true)
      ) {
        replicatedPvcs += 1;
      }
      coverage.push({
        cluster,
        namespace: pvc.metadata.namespace ?? '',
        pvc: pvc.metadata.name,
        coveredBy,
      });
      if (coveredBy.length === 0) {
        breach(
          'pvc-uncovered',
          `PVC ${pvc.metadata.namespace}/${pvc.metadata.name} on ${cluster} is not covered by any backup schedule or replication.`,
        );
      }
    }
    // Local CSI snapshots of the service's PVCs: shown, never counted (they die with the cluster).
    for (const snapshot of evidence.objects.volumeSnapshots ?? []) {
      const claim = snapshot.spec?.source?.persistentVolumeClaimName;
      if (
        !pvcs.some(
          p =>
            p.metadata.name === claim &&
            p.metadata.namespace === snapshot.metadata.namespace,
        )
      ) {
        continue;
      }
      const ready = snapshot.status?.readyToUse === true;
      recoveryPoints.push({
        time: snapshot.status?.creationTime,
        source: 'volume-snapshot',
        kind: 'VolumeSnapshot',
        name: snapshot.metadata.name,
        namespace: snapshot.metadata.namespace,
        cluster,
        usable: ready,
        counted: false,
        phase: ready ? 'ReadyToUse' : 'NotReady',
        reason: ready
          ? `local to ${cluster}: good against corruption, lost with the cluster`
          : snapshot.status?.error?.message ?? 'not ready to use',
      });
    }
  }
  // VolSync gives a service-level point only when every PVC is replicated: all volumes must come back.
  if (
    totalPvcs > 0 &&
    replicatedPvcs === totalPvcs &&
    volsyncPoints.length > 0
  ) {
    const oldest = Math.min(...volsyncPoints);
    recoveryPoints.push({
      time: iso(oldest),
      source: 'volsync',
      kind: 'ReplicationSource',
      name: `${totalPvcs} PVC${totalPvcs > 1 ? 's' : ''}`,
      cluster: declaration.recoveryCluster ?? primaries.join(','),
      usable: true,
      counted: true,
      phase: 'Synced',
    });
  }

  // CloudNativePG replica clusters and MirrorMaker 2 mirrors outside the primary cluster.
  let liveReplication = false;
  for (const evidence of scope) {
    if (isPrimary(evidence.cluster)) continue;
    for (const pg of (evidence.objects.postgresClusters ?? []).filter(c =>
      isServiceObject(c, target),
    )) {
      if (!isPostgresReplica(pg)) continue;
      const key = `${pg.metadata.namespace}/${pg.metadata.name}`;
      const lag = evidence.postgresReplicationLagSeconds?.[key];
      const healthy = conditionTrue(pg, 'Ready');
      liveReplication ||= healthy;
      replication.push({
        kind: 'Cluster',
        name: pg.metadata.name,
        namespace: pg.metadata.namespace,
        cluster: evidence.cluster,
        healthy,
        lagSeconds: lag ?? null,
        message: `${pg.status?.phase ?? 'unknown phase'}${
          lag === undefined ? '; lag not measured' : ''
        }`,
      });
      addLivePoint(
        'cnpg-replica',
        'Cluster',
        pg,
        evidence.cluster,
        healthy,
        lag,
      );
    }
    for (const mm2 of (evidence.objects.mirrorMakers ?? []).filter(m =>
      isServiceObject(m, target),
    )) {
      const connectors = mm2.status?.connectors ?? [];
      const failing = connectors.flatMap(c => [
        ...(c.connector?.state && c.connector.state !== 'RUNNING'
          ? [`connector ${c.name} ${c.connector.state}`]
          : []),
        ...(c.tasks ?? [])
          .filter(t => t.state !== 'RUNNING')
          .map(t => `task ${c.name}/${t.id} ${t.state}`),
      ]);
      const healthy =
        conditionTrue(mm2, 'Ready') &&
        failing.length === 0 &&
        connectors.length > 0;
      liveReplication ||= healthy;
      replication.push({
        kind: 'KafkaMirrorMaker2',
        name: mm2.metadata.name,
        namespace: mm2.metadata.namespace,
        cluster: evidence.cluster,
        healthy,
        lagSeconds: null,
        message: healthy
          ? 'all connectors and tasks RUNNING; lag not measured'
          : failing.join(', ') || 'not Ready',
      });
      addLivePoint(
        'mirrormaker2',
        'KafkaMirrorMaker2',
        mm2,
        evidence.cluster,
        healthy,
        undefined,
      );
    }
  }
  function addLivePoint(
    source: 'cnpg-replica' | 'mirrormaker2',
    kind: string,
    obj: KubeObject,
    cluster: string,
    healthy: boolean,
    lag: number | undefined,
  ) {
    const label = `${kind} ${obj.metadata.namespace}/${obj.metadata.name} on ${cluster}`;
    if (!healthy) {
      risk(
        'replication-failing',
        `Replication to the recovery cluster is failing: ${label} is not healthy.`,
      );
    } else if (lag === undefined) {
      risk(
        'replication-lag-unknown',
        `The lag of ${label} is not measured; the achieved RPO assumes the replica is current.`,
      );
    }
    recoveryPoints.push({
      time: healthy ? iso(now.getTime() - (lag ?? 0) * 1000) : undefined,
      source,
      kind,
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      cluster,
      usable: healthy,
      counted: healthy,
      phase: healthy ? 'Replicating' : 'Failing',
      reason: healthy ? undefined : 'replication is not healthy',
    });
  }

  // Storage locations used by the service, by cluster and name.
  for (const key of [...usedLocations].sort()) {
    const [cluster, name] = key.split('/');
    const location = locationOf(cluster, name)!;
    const phase = location.status?.phase ?? 'Unknown';
    storageLocations.push({
      cluster,
      name,
      phase,
      message: location.status?.message,
      lastValidationTime: location.status?.lastValidationTime,
    });
    if (phase !== 'Available') {
      risk(
        'storage-location-unavailable',
        `BackupStorageLocation ${name} on ${cluster} is ${phase}${
          location.status?.message ? `: ${location.status.message}` : ''
        }.`,
      );
    }
  }

  // Achieved RPO (rules 1, 3, 5).
  recoveryPoints.sort(
    (a, b) =>
      (b.time ? Date.parse(b.time) : -Infinity) -
      (a.time ? Date.parse(a.time) : -Infinity),
  );
  const newestCounted = recoveryPoints.find(p => p.counted && p.time);
  const achievedRpoSeconds = newestCounted
    ? Math.max(0, seconds(newestCounted.time, now) ?? 0)
    : null;
  const rpo = declaration.rpoSeconds;
  if (achievedRpoSeconds === null) {
    breach(
      'no-recovery-point',
      `No recovery point survives the loss of ${
        primaries.join(', ') || 'the primary cluster'
      }.`,
    );
  } else if (achievedRpoSeconds > rpo) {
    breach(
      'rpo-exceeded',
      `Achieved RPO ${formatDuration(
        achievedRpoSeconds,
      )} is above the ${formatDuration(rpo)} target.`,
    );
  } else if (achievedRpoSeconds > rpo * atRiskRatio) {
    risk(
      'rpo-near-target',
      `Achieved RPO ${formatDuration(achievedRpoSeconds)} is above ${Math.round(
        atRiskRatio * 100,
      )}% of the ${formatDuration(rpo)} target.`,
    );
  }

  // Cadence (rule 6): with backups as the only mechanism, the best schedule must fit the RPO.
  const replicated =
    liveReplication || (totalPvcs > 0 && replicatedPvcs === totalPvcs);
  const intervals = coveringSchedules
    .map(s => s.maxIntervalSeconds)
    .filter((s): s is number => s !== null);
  if (!replicated && intervals.length > 0 && Math.min(...intervals) > rpo) {
    breach(
      'cadence-too-slow',
      `Backups run at best every ${formatDuration(
        Math.min(...intervals),
      )}, so they can never meet the ${formatDuration(rpo)} RPO target.`,
    );
  }

  // Drills (rule 7).
  // A restore drills the service when it restores one of its backups, or a backup of a schedule
  // that covers it (the backup itself may have expired since). Without a named recovery cluster,
  // a restore into any other cluster counts.
  const backupNames = new Set(serviceBackups.map(b => b.backup.metadata.name));
  const scheduleNames = schedules.map(s => s.name);
  const restoresService = (restore: VeleroRestore) => {
    const { backupName = '', scheduleName } = restore.spec ?? {};
    return (
      backupNames.has(backupName) ||
      (scheduleName !== undefined && scheduleNames.includes(scheduleName)) ||
      scheduleNames.some(name => backupName.startsWith(`${name}-`))
    );
  };
  const lastDrill = findLastDrill(
    input,
    restoresService,
    declaration.recoveryCluster ? scope : input.clusters,
    isPrimary,
  );
  if (!lastDrill) {
    // Restores that could not be read may hold the drill: unknown, not "never drilled".
    if (!drillsUncertain) {
      risk(
        'never-drilled',
        'Never drilled: no completed drill, failover or restore in the recovery cluster.',
      );
    }
  } else {
    const age = seconds(lastDrill.completedAt, now) ?? 0;
    if (age > declaration.drillCadenceSeconds) {
      risk(
        'drill-overdue',
        `The last drill was ${formatDuration(
          age,
        )} ago, longer than the ${formatDuration(
          declaration.drillCadenceSeconds,
        )} drill cadence.`,
      );
    }
    if (lastDrill.measuredRtoSeconds > declaration.rtoSeconds) {
      breach(
        'rto-exceeded',
        `Measured RTO ${formatDuration(
          lastDrill.measuredRtoSeconds,
        )} is above the ${formatDuration(declaration.rtoSeconds)} target.`,
      );
    }
  }

  // Unknown (rule 8). A breach drawn from missing evidence is no proof while the resources that
  // would hold that evidence could not be read on a cluster in scope.
  if (pointsUncertain) {
    const fromAbsence = new Set([
      'no-recovery-point',
      'rpo-exceeded',
      'workloads-not-found',
      'pvc-uncovered',
    ]);
    for (let i = reasons.length - 1; i >= 0; i--) {
      if (fromAbsence.has(reasons[i].code)) reasons.splice(i, 1);
    }
  }
  for (const u of unreadable) {
    reasons.push({
      severity: 'unknown',
      code: 'cluster-unreadable',
      message: `Cluster ${u.cluster} could not be read: ${u.reason}`,
    });
  }

  // The most severe reason decides: a proven breach outweighs unknown evidence.
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
  reasons.sort((a, b) => order[a.severity] - order[b.severity]);

  return {
    verdict,
    reasons,
    evaluatedAt: iso(now.getTime()),
    achievedRpoSeconds,
    recoveryPoints,
    coverage,
    schedules,
    replication,
    storageLocations,
    lastDrill,
    measuredRtoSeconds: lastDrill?.measuredRtoSeconds ?? null,
    unreadable,
  };
}

function describeSync(
  lastSyncTime: string | undefined,
  paused: boolean,
  duration: number,
) {
  if (paused) return 'paused';
  if (!lastSyncTime) return 'has not synced yet';
  return `last sync ${lastSyncTime}, took ${formatDuration(duration)}`;
}

function findLastDrill(
  input: DrEvaluationInput,
  restoresService: (restore: VeleroRestore) => boolean,
  clusters: ClusterEvidence[],
  isPrimary: (cluster: string) => boolean,
): DrStatus['lastDrill'] {
  const candidates: NonNullable<DrStatus['lastDrill']>[] = [];
  for (const run of input.runs ?? []) {
    if (
      run.status !== 'completed' ||
      run.type === 'failback' ||
      !run.verifiedAt
    )
      continue;
    const rto = Math.floor(
      (Date.parse(run.verifiedAt) - Date.parse(run.startedAt)) / 1000,
    );
    if (Number.isNaN(rto)) continue;
    candidates.push({
      kind: 'run',
      name: run.id,
      type: run.type,
      startedAt: run.startedAt,
      completedAt: run.verifiedAt,
      measuredRtoSeconds: rto,
    });
  }
  for (const evidence of clusters) {
    if (isPrimary(evidence.cluster)) continue;
    for (const restore of evidence.objects.restores ?? []) {
      const { startTimestamp, completionTimestamp, phase } =
        restore.status ?? {};
      if (phase !== 'Completed' || !startTimestamp || !completionTimestamp)
        continue;
      if (!restoresService(restore)) continue;
      candidates.push({
        kind: 'Restore',
        name: restore.metadata.name,
        cluster: evidence.cluster,
        type: 'restore',
        startedAt: startTimestamp,
        completedAt: completionTimestamp,
        measuredRtoSeconds: Math.floor(
          (Date.parse(completionTimestamp) - Date.parse(startTimestamp)) / 1000,
        ),
      });
    }
  }
  candidates.sort(
    (a, b) => Date.parse(b.completedAt) - Date.parse(a.completedAt),
  );
  return candidates[0] ?? null;
}
