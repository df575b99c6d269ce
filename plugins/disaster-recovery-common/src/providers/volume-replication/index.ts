import { parseGoDuration } from '../../evaluation/cadence';
import {
  Condition,
  KubeObject,
  LabelSelector,
} from '../../evaluation/kubernetes';
import { malformedReasons } from '../../evaluation/locate';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrProviderPvc,
  DrStatusProvider,
} from '../../evaluation/provider';
import { DrResourceType } from '../../evaluation/resources';
import { matchesLabelSelector } from '../../evaluation/selectors';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import { DrReason } from '../../evaluation/types';

const PROVIDER_ID = 'volume-replication';
const CEPH_RBD_SUFFIX = 'rbd.csi.ceph.com';

/**
 * The resource types the csi-addons VolumeReplication provider reads
 * (`replication.storage.openshift.io/v1alpha1`, kubernetes-csi-addons v0.14.0).
 *
 * @public
 */
export const VOLUME_REPLICATION_RESOURCE_TYPES: readonly DrResourceType[] =
  Object.freeze([
    {
      resource: 'volumeReplications',
      group: 'replication.storage.openshift.io',
      version: 'v1alpha1',
      plural: 'volumereplications',
      kind: 'VolumeReplication',
      provider: PROVIDER_ID,
    },
    {
      // Cluster-scoped.
      resource: 'volumeReplicationClasses',
      group: 'replication.storage.openshift.io',
      version: 'v1alpha1',
      plural: 'volumereplicationclasses',
      kind: 'VolumeReplicationClass',
      provider: PROVIDER_ID,
    },
    {
      resource: 'volumeGroupReplications',
      group: 'replication.storage.openshift.io',
      version: 'v1alpha1',
      plural: 'volumegroupreplications',
      kind: 'VolumeGroupReplication',
      provider: PROVIDER_ID,
    },
  ]);

/**
 * The replication status csi-addons writes on a `VolumeReplication`, and inlines in a
 * `VolumeGroupReplication` (`api/replication.storage/v1alpha1/volumereplication_types.go`).
 * The sync fields are set only while `spec.replicationState` is `primary`
 * (`volumereplication_controller.go`); a secondary's `lastSyncTime` is cleared.
 *
 * @public
 */
export interface VolumeReplicationStatus {
  /** `Primary`, `Secondary` or `Unknown`. */
  state?: string;
  message?: string;
  observedGeneration?: number;
  /** RFC 3339: start and end of the controller's last reconcile of the replication. */
  lastStartTime?: string;
  lastCompletionTime?: string;
  /** RFC 3339. Ceph RBD: the creation time of the newest mirror snapshot the peer fully copied. */
  lastSyncTime?: string;
  /** Go duration (`metav1.Duration`, e.g. `12.5s`): how long the last copy took. */
  lastSyncDuration?: string;
  lastSyncBytes?: number;
  /** `Completed`, `Degraded`, `Resyncing`, `Validated`, `Replicating`. */
  conditions?: Condition[];
}

/**
 * A csi-addons `VolumeReplication` (namespaced, short name `vr`).
 *
 * @public
 */
export interface VolumeReplication extends KubeObject {
  spec?: {
    volumeReplicationClass?: string;
    /** `primary`, `secondary` or `resync`. */
    replicationState?: string;
    /** `{kind: PersistentVolumeClaim, name}`, or `{kind: VolumeGroupReplication, ...}` for a group's VR. */
    dataSource?: { apiGroup?: string; kind?: string; name?: string };
    autoResync?: boolean;
  };
  status?: VolumeReplicationStatus;
}

/**
 * A csi-addons `VolumeGroupReplication` (namespaced): replicates the PVCs its selector matches
 * as one group; its status inlines its VolumeReplication's, with `persistentVolumeClaimsRefList`.
 *
 * @public
 */
export interface VolumeGroupReplication extends KubeObject {
  spec?: {
    volumeReplicationClassName?: string;
    replicationState?: string;
    source?: { selector?: LabelSelector };
  };
  status?: VolumeReplicationStatus & {
    persistentVolumeClaimsRefList?: Array<{ name?: string }>;
  };
}

/**
 * A csi-addons `VolumeReplicationClass` (cluster-scoped): `spec.provisioner` (the CSI driver) and
 * vendor `spec.parameters` (Ceph: `mirroringMode`, `schedulingInterval`, `schedulingStartTime`).
 *
 * @public
 */
export interface VolumeReplicationClass extends KubeObject {
  spec?: { provisioner?: string; parameters?: Record<string, string> };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** Epoch ms of an RFC 3339 time; undefined when absent, unreadable or Go's zero time. */
function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || ms <= 0 ? undefined : ms;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function conditionOf(obj: KubeObject, type: string): Condition | undefined {
  const conditions = (obj as { status?: { conditions?: unknown } }).status
    ?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find((c): c is Condition => isObject(c) && c.type === type);
}

function formatSeconds(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}

/**
 * A `schedulingInterval` as Ceph reads it (`<N>m`, `<N>h`, `<N>d`: ceph-csi's
 * `validateSchedulingInterval`, `^\d+[mhd]$`), or a Go duration (`1h30m`), in seconds.
 * `1d` is valid for Ceph even though Go's `time.ParseDuration` rejects it (csi-addons then
 * falls back to its default refresh); a unit-less number is rejected by ceph-csi.
 *
 * @public
 */
export function parseSchedulingInterval(
  text: unknown,
): { seconds: number } | { error: string } {
  if (typeof text !== 'string' || text.trim() === '') {
    return {
      error: `is ${
        text === '' ? 'empty' : `a ${typeof text}`
      }, not an interval`,
    };
  }
  const value = text.trim();
  const ceph = /^(\d+)([mhd])$/.exec(value);
  const seconds = ceph
    ? Number(ceph[1]) * { m: 60, h: 3600, d: 86400 }[ceph[2] as 'm' | 'h' | 'd']
    : parseGoDuration(value);
  if (seconds === undefined) {
    return {
      error: /^\d+$/.test(value)
        ? 'has no unit; ceph-csi takes <N>m, <N>h or <N>d'
        : "is neither Ceph's <N>m, <N>h or <N>d nor a Go duration",
    };
  }
  if (seconds <= 0) return { error: 'is zero' };
  return { seconds };
}

/** A primary replication object (a VR of a PVC, or a VGR) and the service's PVCs it holds. */
interface Unit {
  kind: 'VolumeReplication' | 'VolumeGroupReplication';
  obj: VolumeReplication | VolumeGroupReplication;
  cluster: string;
  pvcs: DrProviderPvc[];
  className?: string;
}

function pvcsOfGroup(
  vgr: VolumeGroupReplication,
  pvcs: DrProviderPvc[],
): DrProviderPvc[] {
  const listed = Array.isArray(vgr.status?.persistentVolumeClaimsRefList)
    ? vgr.status!.persistentVolumeClaimsRefList!.flatMap(r =>
        isObject(r) && typeof r.name === 'string' ? [r.name] : [],
      )
    : [];
  const selector = isObject(vgr.spec?.source?.selector)
    ? vgr.spec!.source!.selector
    : undefined;
  return pvcs.filter(
    p =>
      p.pvc.metadata.namespace === vgr.metadata.namespace &&
      (listed.includes(p.pvc.metadata.name) ||
        (selector !== undefined &&
          matchesLabelSelector(selector, p.pvc.metadata.labels))),
  );
}

const isPvcSource = (vr: VolumeReplication) =>
  vr.spec?.dataSource?.kind === 'PersistentVolumeClaim' &&
  !vr.spec.dataSource.apiGroup;

/**
 * Judges the csi-addons replication of one service's PVCs (PROVIDERS.md §4). Pure; never
 * throws on malformed objects.
 */
function evaluate(context: DrProviderContext): DrProviderEvidence {
  const out = {
    reasons: [] as DrReason[],
    recoveryPoints: [] as NonNullable<DrProviderEvidence['recoveryPoints']>,
    coverage: [] as NonNullable<DrProviderEvidence['coverage']>,
    replication: [] as NonNullable<DrProviderEvidence['replication']>,
    futurePoints: [] as NonNullable<DrProviderEvidence['futurePoints']>,
    replicaLinks: 0,
    strategy: {} as NonNullable<DrProviderEvidence['strategy']>,
  };
  for (const cluster of context.primaries) {
    const ev = context.evidenceOf(cluster);
    if (!ev) continue;
    const pvcs = context.pvcs.filter(p => p.cluster === cluster);
    if (pvcs.length === 0) continue;
    const units: Unit[] = [];
    for (const vr of context.objectsOf<VolumeReplication>(
      ev,
      'volumeReplications',
    )) {
      if (!isPvcSource(vr)) continue;
      const held = pvcs.filter(
        p =>
          p.pvc.metadata.namespace === vr.metadata.namespace &&
          p.pvc.metadata.name === vr.spec?.dataSource?.name,
      );
      if (held.length > 0) {
        units.push({
          kind: 'VolumeReplication',
          obj: vr,
          cluster,
          pvcs: held,
          className: str(vr.spec?.volumeReplicationClass),
        });
      }
    }
    for (const vgr of context.objectsOf<VolumeGroupReplication>(
      ev,
      'volumeGroupReplications',
    )) {
      const held = pvcsOfGroup(vgr, pvcs);
      if (held.length > 0) {
        units.push({
          kind: 'VolumeGroupReplication',
          obj: vgr,
          cluster,
          pvcs: held,
          className: str(vgr.spec?.volumeReplicationClassName),
        });
      }
    }
    for (const unit of units) judgeUnit(context, ev, unit, out);
  }
  return out;
}

function judgeUnit(
  context: DrProviderContext,
  ev: SanitizedEvidence,
  unit: Unit,
  out: {
    reasons: DrReason[];
    recoveryPoints: NonNullable<DrProviderEvidence['recoveryPoints']>;
    coverage: NonNullable<DrProviderEvidence['coverage']>;
    replication: NonNullable<DrProviderEvidence['replication']>;
    futurePoints: NonNullable<DrProviderEvidence['futurePoints']>;
    replicaLinks: number;
    strategy: NonNullable<DrProviderEvidence['strategy']>;
  },
) {
  const { obj, kind, cluster } = unit;
  const { nowMs } = context;
  const namespace = obj.metadata.namespace ?? '';
  const name = obj.metadata.name;
  const label = `${kind} ${namespace}/${name} on ${cluster}`;
  const ref = (field?: string): DrReason['object'] => ({
    cluster,
    kind,
    namespace,
    name,
    ...(field ? { field } : {}),
  });
  const risk = (
    code: string,
    message: string,
    nextStep: string,
    object: DrReason['object'] = ref(),
  ) => out.reasons.push({ severity: 'risk', code, message, nextStep, object });
  const pvcNames = unit.pvcs.map(p => p.key).join(', ');
  out.reasons.push(
    ...malformedReasons(
      kind,
      obj,
      cluster,
      'risk',
      'it is judged without that field',
    ),
  );

  const desired = str(obj.spec?.replicationState);
  if (desired !== 'primary') {
    // The service's primary cluster holds the replica side: it is not the source of the copy.
    risk(
      'replication-not-primary',
      `${label} is ${
        desired ?? 'without spec.replicationState'
      }, not primary: ${cluster} does not replicate PVC ${pvcNames} to another cluster.`,
      `If ${cluster} is the service's primary, set spec.replicationState: primary here and secondary on the recovery cluster (after a failback); else fix disaster-recovery/primary-cluster.`,
      ref('spec.replicationState'),
    );
    return;
  }
  const status = isObject(obj.status)
    ? (obj.status as VolumeReplicationStatus)
    : {};

  // ---- The class: provisioner (point semantics) and scheduling interval (cadence).
  const classes = context.objectsOf<VolumeReplicationClass>(
    ev,
    'volumeReplicationClasses',
  );
  const vrc = unit.className
    ? classes.find(c => c.metadata.name === unit.className)
    : undefined;
  const classField =
    kind === 'VolumeReplication'
      ? 'spec.volumeReplicationClass'
      : 'spec.volumeReplicationClassName';
  let interval: number | undefined;
  if (!vrc) {
    risk(
      'replication-class-missing',
      `${label}: its VolumeReplicationClass ${
        unit.className ?? '(none named)'
      } is not found on ${cluster}; the replication's cadence and driver cannot be read.`,
      `Create the VolumeReplicationClass or fix ${classField}.`,
      ref(classField),
    );
  } else {
    const raw = isObject(vrc.spec?.parameters)
      ? vrc.spec!.parameters!.schedulingInterval
      : undefined;
    const classRef = {
      cluster,
      kind: 'VolumeReplicationClass',
      name: vrc.metadata.name,
      field: 'spec.parameters.schedulingInterval',
    };
    if (raw === undefined) {
      risk(
        'replication-cadence-unknown',
        `VolumeReplicationClass ${vrc.metadata.name} on ${cluster} sets no spec.parameters.schedulingInterval, so how often PVC ${pvcNames} is copied is not known (Ceph may schedule mirror snapshots at pool level, outside Kubernetes).`,
        'Set spec.parameters.schedulingInterval (e.g. "5m") within the RPO target.',
        classRef,
      );
    } else {
      const parsed = parseSchedulingInterval(raw);
      if ('error' in parsed) {
        risk(
          'replication-schedule-unreadable',
          `VolumeReplicationClass ${
            vrc.metadata.name
          } on ${cluster}: spec.parameters.schedulingInterval ${JSON.stringify(
            raw,
          )} ${parsed.error}.`,
          'Write it as <N>m, <N>h or <N>d (e.g. "5m").',
          classRef,
        );
      } else {
        interval = parsed.seconds;
      }
    }
  }
  const provisioner = str(vrc?.spec?.provisioner);
  const ceph = provisioner?.endsWith(CEPH_RBD_SUFFIX) === true;

  // ---- The secondary in a recovery cluster: where the copy is shown to land.
  let secondary:
    | { obj: KubeObject; cluster: string; ready: boolean; why?: string }
    | undefined;
  for (const recovery of context.recoveryClusters) {
    const rev = context.evidenceOf(recovery);
    if (!rev) continue;
    const candidates =
      kind === 'VolumeReplication'
        ? context
            .objectsOf<VolumeReplication>(rev, 'volumeReplications')
            .filter(
              v =>
                v.metadata.namespace === namespace &&
                isPvcSource(v) &&
                v.spec?.dataSource?.name ===
                  (obj as VolumeReplication).spec?.dataSource?.name,
            )
        : context
            .objectsOf<VolumeGroupReplication>(rev, 'volumeGroupReplications')
            .filter(
              v =>
                v.metadata.namespace === namespace && v.metadata.name === name,
            );
    for (const peer of candidates) {
      const peerLabel = `${kind} ${namespace}/${peer.metadata.name} on ${recovery}`;
      const peerState = str(peer.spec?.replicationState);
      const peerStatus = str(peer.status?.state);
      if (peerState === 'primary' || peerStatus === 'Primary') {
        const promoted = conditionOf(peer, 'Completed');
        risk(
          'replication-split-brain',
          `Two primaries: ${label} and ${peerLabel} are both primary${
            promoted?.reason === 'Promoted'
              ? ' (the recovery side was promoted: a failover)'
              : ''
          }; writes on both sides diverge and neither replicates PVC ${pvcNames}.`,
          `Fence one side: demote the side that must not take writes (spec.replicationState: secondary) and resync it.`,
          {
            cluster: recovery,
            kind,
            namespace,
            name: peer.metadata.name,
            field: 'spec.replicationState',
          },
        );
        continue;
      }
      if (peerState !== 'secondary') continue;
      const completed = conditionOf(peer, 'Completed');
      const ready = peerStatus === 'Secondary' && completed?.status === 'True';
      const resyncing = conditionOf(peer, 'Resyncing');
      if (resyncing?.status === 'True') {
        risk(
          'replication-resyncing',
          `${peerLabel} is resyncing (${
            resyncing.reason ?? 'Resyncing True'
          }): until it finishes it holds only the data up to the newest mirror snapshot.`,
          `Follow the resync (kubectl --context ${recovery} -n ${namespace} describe volumereplication ${peer.metadata.name}).`,
          { cluster: recovery, kind, namespace, name: peer.metadata.name },
        );
      }
      if (!secondary || (ready && !secondary.ready)) {
        secondary = {
          obj: peer,
          cluster: recovery,
          ready,
          why: ready
            ? undefined
            : `${peerLabel} is not a ready secondary (status.state ${
                peerStatus ?? 'unset'
              }, Completed ${completed?.status ?? 'unset'}${
                completed?.message ? `: ${completed.message}` : ''
              })`,
        };
      }
    }
  }
  const offCluster = secondary !== undefined;
  if (offCluster) out.strategy.replicatesToRecovery = true;
  const recoveryName =
    context.recoveryClusters.join(', ') || 'a recovery cluster';

  // ---- The point (per PVC): lastSyncTime of the primary.
  const state = str(status.state);
  const syncEnd = timeOf(status.lastSyncTime);
  const duration = parseGoDuration(str(status.lastSyncDuration));
  let pointMs: number | undefined;
  let why: string | undefined;
  let semantics = '';
  if (state !== 'Primary') {
    why = `status.state is ${state ?? 'unset'}, not Primary`;
  } else if (syncEnd === undefined) {
    why =
      status.lastSyncTime !== undefined &&
      timeOf(status.lastSyncTime) === undefined
        ? `status.lastSyncTime ${JSON.stringify(
            status.lastSyncTime,
          )} is not a time`
        : 'no status.lastSyncTime: the replication is unmeasured (journal mirroring, a driver without GetVolumeReplicationInfo, or not synced yet)';
  } else if (ceph) {
    // ceph-csi fills lastSyncTime from the peer's local_snapshot_timestamp: the creation time
    // of the newest mirror snapshot fully copied, already the data's time (getLastSyncInfo).
    pointMs = syncEnd;
    semantics = 'Ceph RBD: lastSyncTime is the copied snapshot time';
  } else {
    pointMs = duration !== undefined ? syncEnd - duration * 1000 : syncEnd;
    semantics = `driver ${
      provisioner ?? 'unknown'
    }: lastSyncTime read as the end of the copy${
      duration !== undefined
        ? ', lastSyncDuration subtracted'
        : ' (no lastSyncDuration to subtract)'
    }`;
  }
  // A recovery cluster not read (or whose VolumeReplications were not read) may hold the
  // secondary: that is not its absence (the evaluation makes the verdict unknown, rule 8).
  const unread = context.recoveryClusters.filter(
    c =>
      !context.evidenceOf(c) ||
      context.location.unreadable.some(u => u.cluster === c),
  );
  if (pointMs !== undefined && !offCluster) {
    why =
      unread.length > 0
        ? `its secondary on ${unread.join(
            ', ',
          )} cannot be checked: the cluster could not be read`
        : `no secondary ${kind} for it on ${recoveryName}: the copy goes to a peer not shown to be ${recoveryName}`;
  } else if (pointMs !== undefined && secondary && !secondary.ready) {
    why = secondary.why;
  }
  const skewMs = (context.options.clockSkewSeconds ?? 300) * 1000;
  if (pointMs !== undefined && why === undefined && pointMs > nowMs + skewMs) {
    out.futurePoints.push({
      cluster,
      what: `${kind} ${name} at ${iso(pointMs)}`,
    });
    why = `its time ${iso(pointMs)} is in the future (clock skew)`;
  }
  const counts = pointMs !== undefined && why === undefined;
  const shown =
    pointMs !== undefined ? iso(Math.min(pointMs, nowMs)) : undefined;
  const peerCluster =
    secondary?.cluster ?? context.recoveryClusters[0] ?? cluster;
  out.recoveryPoints.push({
    point: {
      time: shown,
      source: PROVIDER_ID,
      kind,
      name,
      namespace,
      cluster: counts ? peerCluster : cluster,
      usable: counts,
      counted: counts,
      phase: state,
      ...(counts ? {} : { reason: why }),
      pvcs: unit.pvcs.map(p => p.key),
    },
    ...(counts
      ? {
          ms: Math.min(pointMs!, nowMs),
          pvcs: unit.pvcs.map(pvc => ({
            pvc,
            point: {
              time: shown!,
              source: PROVIDER_ID,
              kind,
              name,
              namespace,
              cluster: peerCluster,
            },
          })),
        }
      : {}),
  });
  if (syncEnd === undefined && state === 'Primary') {
    risk(
      'replication-lag-unknown',
      `${label} reports no status.lastSyncTime: how far ${recoveryName} is behind for PVC ${pvcNames} is not measured, so it gives no recovery point.`,
      'Use snapshot-based mirroring (mirroringMode: snapshot) with a csi-addons and driver version that report the sync time (GetVolumeReplicationInfo).',
      ref('status.lastSyncTime'),
    );
  }
  if (!offCluster && unread.length === 0) {
    risk(
      'replication-peer-unknown',
      `${label} replicates PVC ${pvcNames}, but no secondary ${kind} for it is found on ${recoveryName}: the copy is not shown to reach the recovery cluster.`,
      `Create the secondary on ${recoveryName} (spec.replicationState: secondary, the same dataSource) or check the declared recovery cluster.`,
    );
  }

  // ---- Coverage and cadence (rule 6: the interval against the RPO target).
  for (const pvc of unit.pvcs) {
    out.coverage.push({
      pvc,
      by: { kind, name, paused: false, offCluster },
      ...(offCluster && interval !== undefined
        ? { cadence: { seconds: interval, by: `${kind} ${name}` } }
        : {}),
      replicates: offCluster,
    });
  }

  // ---- Health (each keeps the last point, an at-risk reason).
  const failing: string[] = [];
  const check = (
    type: string,
    bad: (c: Condition) => boolean,
    code: string,
    what: (c: Condition) => string,
    nextStep: string,
  ) => {
    const c = conditionOf(obj, type);
    if (c && bad(c)) {
      failing.push(what(c));
      risk(
        code,
        `${label}: ${what(c)}${c.message ? ` (${c.message})` : ''}.`,
        nextStep,
        ref('status.conditions'),
      );
    }
  };
  const describe = `kubectl --context ${cluster} -n ${namespace} describe ${kind.toLowerCase()} ${name}`;
  check(
    'Degraded',
    c => c.status === 'True',
    'replication-degraded',
    c => `degraded (${c.reason ?? 'Degraded True'})`,
    `Check the mirror's health (${describe}; rbd mirror image status on the Ceph side).`,
  );
  check(
    'Replicating',
    c => c.status !== 'True',
    'replication-failing',
    c =>
      `not replicating (Replicating ${c.status}${
        c.reason ? `, ${c.reason}` : ''
      })`,
    `Check the peer connection and rbd-mirror daemons (${describe}).`,
  );
  check(
    'Resyncing',
    c => c.status === 'True',
    'replication-resyncing',
    () => 'resyncing',
    `Follow the resync (${describe}).`,
  );
  check(
    'Completed',
    c => c.status === 'False',
    'replication-failing',
    c =>
      `its last operation did not complete (${c.reason ?? 'Completed False'})`,
    `Read the controller's message (${describe}).`,
  );
  check(
    'Validated',
    c => c.status === 'False',
    'replication-invalid',
    c => `its prerequisites are not met (${c.reason ?? 'Validated False'})`,
    `Fix the prerequisite the message names (${describe}).`,
  );
  if (state === 'Unknown') {
    failing.push('state Unknown');
    risk(
      'replication-failing',
      `${label} is in state Unknown${
        status.message ? ` (${status.message})` : ''
      }.`,
      `Read the controller's message (${describe}).`,
      ref('status.state'),
    );
  }
  if (interval !== undefined) {
    // The controller refreshes every schedulingInterval/2 (the whole interval below 2 minutes).
    const refresh = interval < 120 ? interval : interval / 2;
    const completion = timeOf(status.lastCompletionTime);
    if (completion !== undefined && nowMs - completion > 2 * refresh * 1000) {
      failing.push('not reconciled');
      risk(
        'replication-stale',
        `${label} was last reconciled at ${iso(
          completion,
        )}, more than twice its refresh interval (${formatSeconds(
          refresh,
        )}) ago: the csi-addons controller may not be running.`,
        `Check the csi-addons controller on ${cluster} (its pod and logs).`,
        ref('status.lastCompletionTime'),
      );
    }
  }
  const generation = (obj.metadata as { generation?: unknown }).generation;
  if (
    typeof generation === 'number' &&
    typeof status.observedGeneration === 'number' &&
    status.observedGeneration < generation
  ) {
    failing.push('spec change not yet observed');
    risk(
      'replication-stale',
      `${label}: status.observedGeneration ${status.observedGeneration} is behind metadata.generation ${generation}; its status describes an older spec.`,
      `Check the csi-addons controller on ${cluster}.`,
      ref('status.observedGeneration'),
    );
  }

  // ---- The link: a replica link only where the copy is shown to reach a recovery cluster.
  if (offCluster) out.replicaLinks += 1;
  const healthy = counts && failing.length === 0;
  out.replication.push({
    kind,
    name,
    namespace,
    cluster,
    healthy,
    lagSeconds: counts
      ? Math.max(0, Math.floor((nowMs - Math.min(pointMs!, nowMs)) / 1000))
      : null,
    message: [
      `to ${secondary ? secondary.cluster : 'no secondary found'}`,
      ...failing,
      syncEnd !== undefined
        ? `last sync ${iso(syncEnd)}${
            duration !== undefined ? `, took ${formatSeconds(duration)}` : ''
          }`
        : 'sync time not reported',
      semantics || undefined,
      interval !== undefined
        ? `every ${formatSeconds(
            interval,
          )} (status refreshed every ${formatSeconds(
            interval < 120 ? interval : interval / 2,
          )})`
        : undefined,
      counts ? undefined : why,
    ]
      .filter(Boolean)
      .join('; '),
  });
}

/**
 * csi-addons VolumeReplication (PROVIDERS.md §4): storage-level replication of a PVC (Ceph RBD
 * mirroring), like VolSync. A primary `VolumeReplication` of a service's PVC (or a
 * `VolumeGroupReplication` holding it) with a ready secondary in the recovery cluster covers the
 * PVC, with the class's `schedulingInterval` as cadence; its point is `status.lastSyncTime`
 * (Ceph) or `lastSyncTime − lastSyncDuration` (other drivers).
 *
 * @public
 */
export const volumeReplicationProvider: DrStatusProvider = {
  id: PROVIDER_ID,
  title: 'csi-addons VolumeReplication',
  resourceTypes: VOLUME_REPLICATION_RESOURCE_TYPES,
  evaluate,
};
