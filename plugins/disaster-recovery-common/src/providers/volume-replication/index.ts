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
  const out: Collected = {
    reasons: [],
    recoveryPoints: [],
    coverage: [],
    replication: [],
    futurePoints: [],
    replicaLinks: 0,
    strategy: {},
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

/** What one provider run collects. */
interface Collected {
  reasons: DrReason[];
  recoveryPoints: NonNullable<DrProviderEvidence['recoveryPoints']>;
  coverage: NonNullable<DrProviderEvidence['coverage']>;
  replication: NonNullable<DrProviderEvidence['replication']>;
  futurePoints: NonNullable<DrProviderEvidence['futurePoints']>;
  replicaLinks: number;
  strategy: NonNullable<DrProviderEvidence['strategy']>;
}

/** A unit with the names its reasons use. */
interface Named extends Unit {
  namespace: string;
  name: string;
  /** `VolumeReplication data/x on prod-eu`. */
  label: string;
  /** The PVCs it holds, `namespace/name`, comma-separated. */
  pvcNames: string;
}

function named(unit: Unit): Named {
  const namespace = unit.obj.metadata.namespace ?? '';
  const name = unit.obj.metadata.name;
  return {
    ...unit,
    namespace,
    name,
    label: `${unit.kind} ${namespace}/${name} on ${unit.cluster}`,
    pvcNames: unit.pvcs.map(p => p.key).join(', '),
  };
}

function reason(
  code: string,
  message: string,
  nextStep: string,
  object?: DrReason['object'],
): DrReason {
  return { severity: 'risk', code, message, nextStep, object };
}

function ref(u: Named, field?: string): DrReason['object'] {
  return {
    cluster: u.cluster,
    kind: u.kind,
    namespace: u.namespace,
    name: u.name,
    ...(field ? { field } : {}),
  };
}

/** The unit's VolumeReplicationClass: its provisioner and scheduling interval, with reasons. */
function readClass(
  context: DrProviderContext,
  ev: SanitizedEvidence,
  u: Named,
): { interval?: number; provisioner?: string; reasons: DrReason[] } {
  const vrc = u.className
    ? context
        .objectsOf<VolumeReplicationClass>(ev, 'volumeReplicationClasses')
        .find(c => c.metadata.name === u.className)
    : undefined;
  if (!vrc) {
    const classField =
      u.kind === 'VolumeReplication'
        ? 'spec.volumeReplicationClass'
        : 'spec.volumeReplicationClassName';
    return {
      reasons: [
        reason(
          'replication-class-missing',
          `${u.label}: its VolumeReplicationClass ${
            u.className ?? '(none named)'
          } is not found on ${
            u.cluster
          }; the replication's cadence and driver cannot be read.`,
          `Create the VolumeReplicationClass or fix ${classField}.`,
          ref(u, classField),
        ),
      ],
    };
  }
  const provisioner = str(vrc.spec?.provisioner);
  const raw = isObject(vrc.spec?.parameters)
    ? vrc.spec!.parameters!.schedulingInterval
    : undefined;
  const classRef = {
    cluster: u.cluster,
    kind: 'VolumeReplicationClass',
    name: vrc.metadata.name,
    field: 'spec.parameters.schedulingInterval',
  };
  if (raw === undefined) {
    return {
      provisioner,
      reasons: [
        reason(
          'replication-cadence-unknown',
          `VolumeReplicationClass ${vrc.metadata.name} on ${u.cluster} sets no spec.parameters.schedulingInterval, so how often PVC ${u.pvcNames} is copied is not known (Ceph may schedule mirror snapshots at pool level, outside Kubernetes).`,
          'Set spec.parameters.schedulingInterval (e.g. "5m") within the RPO target.',
          classRef,
        ),
      ],
    };
  }
  const parsed = parseSchedulingInterval(raw);
  if ('error' in parsed) {
    return {
      provisioner,
      reasons: [
        reason(
          'replication-schedule-unreadable',
          `VolumeReplicationClass ${vrc.metadata.name} on ${
            u.cluster
          }: spec.parameters.schedulingInterval ${JSON.stringify(raw)} ${
            parsed.error
          }.`,
          'Write it as <N>m, <N>h or <N>d (e.g. "5m").',
          classRef,
        ),
      ],
    };
  }
  return { interval: parsed.seconds, provisioner, reasons: [] };
}

interface Secondary {
  cluster: string;
  ready: boolean;
  /** Why it is not a ready secondary. */
  why?: string;
}

/** The unit's peers on the recovery clusters: VRs of the same PVC, or VGRs of the same name. */
function peersOf(
  context: DrProviderContext,
  u: Named,
): Array<{
  peer: VolumeReplication | VolumeGroupReplication;
  cluster: string;
}> {
  return context.recoveryClusters.flatMap(recovery => {
    const rev = context.evidenceOf(recovery);
    if (!rev) return [];
    const peers =
      u.kind === 'VolumeReplication'
        ? context
            .objectsOf<VolumeReplication>(rev, 'volumeReplications')
            .filter(
              v =>
                v.metadata.namespace === u.namespace &&
                isPvcSource(v) &&
                v.spec?.dataSource?.name ===
                  (u.obj as VolumeReplication).spec?.dataSource?.name,
            )
        : context
            .objectsOf<VolumeGroupReplication>(rev, 'volumeGroupReplications')
            .filter(
              v =>
                v.metadata.namespace === u.namespace &&
                v.metadata.name === u.name,
            );
    return peers.map(peer => ({ peer, cluster: recovery }));
  });
}

/**
 * The secondary in a recovery cluster, where the copy is shown to land (a ready one preferred),
 * with the reasons its peers give: two primaries (split-brain), a resyncing secondary.
 */
function findSecondary(
  context: DrProviderContext,
  u: Named,
): { secondary?: Secondary; reasons: DrReason[] } {
  const reasons: DrReason[] = [];
  let secondary: Secondary | undefined;
  for (const { peer, cluster: recovery } of peersOf(context, u)) {
    const peerLabel = `${u.kind} ${u.namespace}/${peer.metadata.name} on ${recovery}`;
    const peerRef = {
      cluster: recovery,
      kind: u.kind,
      namespace: u.namespace,
      name: peer.metadata.name,
    };
    const peerState = str(peer.spec?.replicationState);
    const peerStatus = str(peer.status?.state);
    const completed = conditionOf(peer, 'Completed');
    if (peerState === 'primary' || peerStatus === 'Primary') {
      reasons.push(
        reason(
          'replication-split-brain',
          `Two primaries: ${u.label} and ${peerLabel} are both primary${
            completed?.reason === 'Promoted'
              ? ' (the recovery side was promoted: a failover)'
              : ''
          }; writes on both sides diverge and neither replicates PVC ${
            u.pvcNames
          }.`,
          `Fence one side: demote the side that must not take writes (spec.replicationState: secondary) and resync it.`,
          { ...peerRef, field: 'spec.replicationState' },
        ),
      );
      continue;
    }
    if (peerState !== 'secondary') continue;
    const ready = peerStatus === 'Secondary' && completed?.status === 'True';
    const resyncing = conditionOf(peer, 'Resyncing');
    if (resyncing?.status === 'True') {
      reasons.push(
        reason(
          'replication-resyncing',
          `${peerLabel} is resyncing (${
            resyncing.reason ?? 'Resyncing True'
          }): until it finishes it holds only the data up to the newest mirror snapshot.`,
          `Follow the resync (kubectl --context ${recovery} -n ${u.namespace} describe volumereplication ${peer.metadata.name}).`,
          peerRef,
        ),
      );
    }
    if (!secondary || (ready && !secondary.ready)) {
      secondary = {
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
  return { secondary, reasons };
}

/**
 * The time of the data the primary's last sync copied, by driver: Ceph RBD's `lastSyncTime` is
 * already the copied snapshot's time (ceph-csi `getLastSyncInfo`, `local_snapshot_timestamp`);
 * for other drivers the conservative `lastSyncTime − lastSyncDuration`.
 */
function syncPoint(
  status: VolumeReplicationStatus,
  provisioner: string | undefined,
): { ms?: number; why?: string; semantics?: string } {
  const state = str(status.state);
  const syncEnd = timeOf(status.lastSyncTime);
  if (state !== 'Primary') {
    return { why: `status.state is ${state ?? 'unset'}, not Primary` };
  }
  if (syncEnd === undefined) {
    return {
      why:
        // Go's zero time counts as absent (PROVIDERS.md "Zero times"): unmeasured.
        status.lastSyncTime !== undefined &&
        (typeof status.lastSyncTime !== 'string' ||
          Number.isNaN(Date.parse(status.lastSyncTime)))
          ? `status.lastSyncTime ${JSON.stringify(
              status.lastSyncTime,
            )} is not a time`
          : 'no status.lastSyncTime: the replication is unmeasured (journal mirroring, a driver without GetVolumeReplicationInfo, or not synced yet)',
    };
  }
  if (provisioner?.endsWith(CEPH_RBD_SUFFIX)) {
    return {
      ms: syncEnd,
      semantics: 'Ceph RBD: lastSyncTime is the copied snapshot time',
    };
  }
  const duration = parseGoDuration(str(status.lastSyncDuration));
  return {
    ms: duration !== undefined ? syncEnd - duration * 1000 : syncEnd,
    semantics: `driver ${
      provisioner ?? 'unknown'
    }: lastSyncTime read as the end of the copy${
      duration !== undefined
        ? ', lastSyncDuration subtracted'
        : ' (no lastSyncDuration to subtract)'
    }`,
  };
}

/**
 * The primary's health, each an at-risk reason that keeps the last point: Degraded, not
 * Replicating, Resyncing, Completed False, Validated False, state Unknown, not reconciled within
 * twice the refresh interval, a spec change not yet observed.
 */
function healthOf(
  context: DrProviderContext,
  u: Named,
  status: VolumeReplicationStatus,
  interval: number | undefined,
): { failing: string[]; reasons: DrReason[] } {
  const failing: string[] = [];
  const reasons: DrReason[] = [];
  const describe = `kubectl --context ${u.cluster} -n ${
    u.namespace
  } describe ${u.kind.toLowerCase()} ${u.name}`;
  const checks: Array<{
    type: string;
    bad: (c: Condition) => boolean;
    code: string;
    what: (c: Condition) => string;
    nextStep: string;
  }> = [
    {
      type: 'Degraded',
      bad: c => c.status === 'True',
      code: 'replication-degraded',
      what: c => `degraded (${c.reason ?? 'Degraded True'})`,
      nextStep: `Check the mirror's health (${describe}; rbd mirror image status on the Ceph side).`,
    },
    {
      type: 'Replicating',
      bad: c => c.status !== 'True',
      code: 'replication-failing',
      what: c =>
        `not replicating (Replicating ${c.status}${
          c.reason ? `, ${c.reason}` : ''
        })`,
      nextStep: `Check the peer connection and rbd-mirror daemons (${describe}).`,
    },
    {
      type: 'Resyncing',
      bad: c => c.status === 'True',
      code: 'replication-resyncing',
      what: () => 'resyncing',
      nextStep: `Follow the resync (${describe}).`,
    },
    {
      type: 'Completed',
      bad: c => c.status === 'False',
      code: 'replication-failing',
      what: c =>
        `its last operation did not complete (${
          c.reason ?? 'Completed False'
        })`,
      nextStep: `Read the controller's message (${describe}).`,
    },
    {
      type: 'Validated',
      bad: c => c.status === 'False',
      code: 'replication-invalid',
      what: c =>
        `its prerequisites are not met (${c.reason ?? 'Validated False'})`,
      nextStep: `Fix the prerequisite the message names (${describe}).`,
    },
  ];
  for (const check of checks) {
    const c = conditionOf(u.obj, check.type);
    if (c && check.bad(c)) {
      failing.push(check.what(c));
      reasons.push(
        reason(
          check.code,
          `${u.label}: ${check.what(c)}${c.message ? ` (${c.message})` : ''}.`,
          check.nextStep,
          ref(u, 'status.conditions'),
        ),
      );
    }
  }
  if (str(status.state) === 'Unknown') {
    failing.push('state Unknown');
    reasons.push(
      reason(
        'replication-failing',
        `${u.label} is in state Unknown${
          status.message ? ` (${status.message})` : ''
        }.`,
        `Read the controller's message (${describe}).`,
        ref(u, 'status.state'),
      ),
    );
  }
  const completion = timeOf(status.lastCompletionTime);
  if (interval !== undefined && completion !== undefined) {
    const refresh = refreshSeconds(interval);
    if (context.nowMs - completion > 2 * refresh * 1000) {
      failing.push('not reconciled');
      reasons.push(
        reason(
          'replication-stale',
          `${u.label} was last reconciled at ${iso(
            completion,
          )}, more than twice its refresh interval (${formatSeconds(
            refresh,
          )}) ago: the csi-addons controller may not be running.`,
          `Check the csi-addons controller on ${u.cluster} (its pod and logs).`,
          ref(u, 'status.lastCompletionTime'),
        ),
      );
    }
  }
  const generation = (u.obj.metadata as { generation?: unknown }).generation;
  if (
    typeof generation === 'number' &&
    typeof status.observedGeneration === 'number' &&
    status.observedGeneration < generation
  ) {
    failing.push('spec change not yet observed');
    reasons.push(
      reason(
        'replication-stale',
        `${u.label}: status.observedGeneration ${status.observedGeneration} is behind metadata.generation ${generation}; its status describes an older spec.`,
        `Check the csi-addons controller on ${u.cluster}.`,
        ref(u, 'status.observedGeneration'),
      ),
    );
  }
  return { failing, reasons };
}

/** How often csi-addons refreshes the status: every schedulingInterval/2 (the whole interval below 2 minutes). */
function refreshSeconds(interval: number): number {
  return interval < 120 ? interval : interval / 2;
}

/** The unit's recovery point as listed, counted (per PVC) when `why` is undefined. */
function listedPoint(
  context: DrProviderContext,
  u: Named,
  pointMs: number | undefined,
  why: string | undefined,
  peerCluster: string,
  state: string | undefined,
): NonNullable<DrProviderEvidence['recoveryPoints']>[number] {
  const counts = pointMs !== undefined && why === undefined;
  const shown =
    pointMs !== undefined ? iso(Math.min(pointMs, context.nowMs)) : undefined;
  const where = {
    source: PROVIDER_ID,
    kind: u.kind,
    name: u.name,
    namespace: u.namespace,
  };
  return {
    point: {
      ...where,
      time: shown,
      cluster: counts ? peerCluster : u.cluster,
      usable: counts,
      counted: counts,
      phase: state,
      ...(counts ? {} : { reason: why }),
      pvcs: u.pvcs.map(p => p.key),
    },
    ...(counts
      ? {
          ms: Math.min(pointMs!, context.nowMs),
          pvcs: u.pvcs.map(pvc => ({
            pvc,
            point: { ...where, time: shown!, cluster: peerCluster },
          })),
        }
      : {}),
  };
}

/** Judges one primary replication (a VR of a PVC, or a VGR) of the service into `out`. */
function judgeUnit(
  context: DrProviderContext,
  ev: SanitizedEvidence,
  unit: Unit,
  out: Collected,
) {
  const u = named(unit);
  const { nowMs } = context;
  out.reasons.push(
    ...malformedReasons(
      u.kind,
      u.obj,
      u.cluster,
      'risk',
      'it is judged without that field',
    ),
  );
  const desired = str(u.obj.spec?.replicationState);
  if (desired !== 'primary') {
    // The service's primary cluster holds the replica side: it is not the source of the copy.
    out.reasons.push(
      reason(
        'replication-not-primary',
        `${u.label} is ${
          desired ?? 'without spec.replicationState'
        }, not primary: ${u.cluster} does not replicate PVC ${
          u.pvcNames
        } to another cluster.`,
        `If ${u.cluster} is the service's primary, set spec.replicationState: primary here and secondary on the recovery cluster (after a failback); else fix disaster-recovery/primary-cluster.`,
        ref(u, 'spec.replicationState'),
      ),
    );
    return;
  }
  const status = isObject(u.obj.status)
    ? (u.obj.status as VolumeReplicationStatus)
    : {};
  const {
    interval,
    provisioner,
    reasons: classReasons,
  } = readClass(context, ev, u);
  const { secondary, reasons: peerReasons } = findSecondary(context, u);
  out.reasons.push(...classReasons, ...peerReasons);
  const offCluster = secondary !== undefined;
  const recoveryName =
    context.recoveryClusters.join(', ') || 'a recovery cluster';
  // A recovery cluster not read (or whose VolumeReplications were not read) may hold the
  // secondary: that is not its absence (the evaluation makes the verdict unknown, rule 8).
  const unread = context.recoveryClusters.filter(
    c =>
      !context.evidenceOf(c) ||
      context.location.unreadable.some(r => r.cluster === c),
  );

  // ---- The point (per PVC): the primary's last sync, only with a ready secondary.
  const sync = syncPoint(status, provisioner);
  let why = sync.why;
  if (sync.ms !== undefined && !offCluster) {
    why =
      unread.length > 0
        ? `its secondary on ${unread.join(
            ', ',
          )} cannot be checked: the cluster could not be read`
        : `no secondary ${u.kind} for it on ${recoveryName}: the copy goes to a peer not shown to be ${recoveryName}`;
  } else if (sync.ms !== undefined && secondary && !secondary.ready) {
    why = secondary.why;
  }
  const skewMs = (context.options.clockSkewSeconds ?? 300) * 1000;
  if (sync.ms !== undefined && why === undefined && sync.ms > nowMs + skewMs) {
    out.futurePoints.push({
      cluster: u.cluster,
      what: `${u.kind} ${u.name} at ${iso(sync.ms)}`,
    });
    why = `its time ${iso(sync.ms)} is in the future (clock skew)`;
  }
  const counts = sync.ms !== undefined && why === undefined;
  out.recoveryPoints.push(
    listedPoint(
      context,
      u,
      sync.ms,
      why,
      secondary?.cluster ?? context.recoveryClusters[0] ?? u.cluster,
      str(status.state),
    ),
  );
  if (
    str(status.state) === 'Primary' &&
    timeOf(status.lastSyncTime) === undefined
  ) {
    out.reasons.push(
      reason(
        'replication-lag-unknown',
        `${u.label} reports no status.lastSyncTime: how far ${recoveryName} is behind for PVC ${u.pvcNames} is not measured, so it gives no recovery point.`,
        'Use snapshot-based mirroring (mirroringMode: snapshot) with a csi-addons and driver version that report the sync time (GetVolumeReplicationInfo).',
        ref(u, 'status.lastSyncTime'),
      ),
    );
  }
  if (!offCluster && unread.length === 0) {
    out.reasons.push(
      reason(
        'replication-peer-unknown',
        `${u.label} replicates PVC ${u.pvcNames}, but no secondary ${u.kind} for it is found on ${recoveryName}: the copy is not shown to reach the recovery cluster.`,
        `Create the secondary on ${recoveryName} (spec.replicationState: secondary, the same dataSource) or check the declared recovery cluster.`,
        ref(u),
      ),
    );
  }

  // ---- Coverage and cadence (rule 6: the interval against the RPO target).
  for (const pvc of u.pvcs) {
    out.coverage.push({
      pvc,
      by: { kind: u.kind, name: u.name, paused: false, offCluster },
      ...(offCluster && interval !== undefined
        ? { cadence: { seconds: interval, by: `${u.kind} ${u.name}` } }
        : {}),
      replicates: offCluster,
    });
  }
  if (offCluster) out.strategy.replicatesToRecovery = true;

  // ---- Health, and the link (a replica link only where the copy reaches a recovery cluster).
  const health = healthOf(context, u, status, interval);
  out.reasons.push(...health.reasons);
  if (offCluster) out.replicaLinks += 1;
  const syncEnd = timeOf(status.lastSyncTime);
  const duration = parseGoDuration(str(status.lastSyncDuration));
  out.replication.push({
    kind: u.kind,
    name: u.name,
    namespace: u.namespace,
    cluster: u.cluster,
    healthy: counts && health.failing.length === 0,
    lagSeconds: counts
      ? Math.max(0, Math.floor((nowMs - Math.min(sync.ms!, nowMs)) / 1000))
      : null,
    message: [
      `to ${secondary ? secondary.cluster : 'no secondary found'}`,
      ...health.failing,
      syncEnd !== undefined
        ? `last sync ${iso(syncEnd)}${
            duration !== undefined ? `, took ${formatSeconds(duration)}` : ''
          }`
        : 'sync time not reported',
      sync.semantics,
      interval !== undefined
        ? `every ${formatSeconds(
            interval,
          )} (status refreshed every ${formatSeconds(
            refreshSeconds(interval),
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
