import { DrDeclaration } from '../declaration';
import { backupTakesInService } from './evaluate';
import { DrServiceLocation, locateService } from './locate';
import { carryProblems, sanitizeObject } from './sanitize';
import { parseTimestamp } from './timestamps';
import { VeleroScope, backupVolumeData, veleroScope } from './velero';
import {
  KubeObject,
  VeleroBackup,
  VeleroBackupSpec,
  VolumeSnapshot,
} from './kubernetes';
import { ClusterEvidence, DrServiceTarget } from './types';
import { DrPodMount } from './velero';

/**
 * The resources a {@link RecoveryPointRetention} thins out: the ones that grow with time
 * (one object per backup run or snapshot), not with the number of services.
 *
 * @public
 */
export const RETAINED_RESOURCES = ['backups', 'volumeSnapshots'] as const;

/**
 * One of {@link RETAINED_RESOURCES}.
 *
 * @public
 */
export type RetainedResource = (typeof RETAINED_RESOURCES)[number];

/**
 * Receives the objects of one (cluster, resource) list page by page and keeps only those that
 * can change a service's DR status.
 *
 * @public
 */
export interface RetentionSink {
  /** Offers the objects of one page. */
  offer(objects: readonly KubeObject[]): void;
  /** Forgets everything offered so far (the list starts again, e.g. after a `410 Gone`). */
  reset(): void;
  /** The objects kept, in the order they were offered. */
  objects(): KubeObject[];
}

/** Objects kept for one bucket: the newest `keep` by time, plus the ones that must stay. */
class Newest {
  // Newest first; on equal times the one offered first stays first.
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  constructor(private readonly keep: number) {}
  /** Adds an entry; returns the sequence number pushed out (`seq` itself when too old), if any. */
  add(time: number, seq: number): number | undefined {
    const { times, seqs } = this;
    const length = times.length;
    if (length === this.keep && time <= times[length - 1]) return seq;
    let i = length;
    while (i > 0 && times[i - 1] < time) i--;
    if (length < this.keep) {
      times.splice(i, 0, time);
      seqs.splice(i, 0, seq);
      return undefined;
    }
    if (i === length) return seq;
    // Full: the last one goes, the ones from i on move down one place.
    const out = seqs[length - 1];
    for (let j = length - 1; j > i; j--) {
      times[j] = times[j - 1];
      seqs[j] = seqs[j - 1];
    }
    times[i] = time;
    seqs[i] = seq;
    return out;
  }
}

/**
 * A Velero Backup reduced to the fields the evaluation reads (the `VeleroBackup` type): a kept
 * backup then weighs a few hundred bytes, whatever its status holds (progress, hook and volume
 * details). Only the fields that are set are copied, in this order.
 */
function projectBackup(backup: VeleroBackup): VeleroBackup {
  const { metadata, spec, status } = backup;
  // Each field named (not picked by a list of keys): this runs for every backup kept.
  const m = {} as VeleroBackup['metadata'];
  if (metadata.name !== undefined) m.name = metadata.name;
  if (metadata.namespace !== undefined) m.namespace = metadata.namespace;
  if (metadata.labels !== undefined) m.labels = metadata.labels;
  if (metadata.creationTimestamp !== undefined) {
    m.creationTimestamp = metadata.creationTimestamp;
  }
  let sp: VeleroBackup['spec'];
  if (spec) {
    sp = {};
    if (spec.includedNamespaces !== undefined) {
      sp.includedNamespaces = spec.includedNamespaces;
    }
    if (spec.excludedNamespaces !== undefined) {
      sp.excludedNamespaces = spec.excludedNamespaces;
    }
    if (spec.includedResources !== undefined) {
      sp.includedResources = spec.includedResources;
    }
    if (spec.excludedResources !== undefined) {
      sp.excludedResources = spec.excludedResources;
    }
    if (spec.includedNamespaceScopedResources !== undefined) {
      sp.includedNamespaceScopedResources =
        spec.includedNamespaceScopedResources;
    }
    if (spec.excludedNamespaceScopedResources !== undefined) {
      sp.excludedNamespaceScopedResources =
        spec.excludedNamespaceScopedResources;
    }
    if (spec.includedClusterScopedResources !== undefined) {
      sp.includedClusterScopedResources = spec.includedClusterScopedResources;
    }
    if (spec.excludedClusterScopedResources !== undefined) {
      sp.excludedClusterScopedResources = spec.excludedClusterScopedResources;
    }
    if (spec.labelSelector !== undefined) sp.labelSelector = spec.labelSelector;
    if (spec.orLabelSelectors !== undefined) {
      sp.orLabelSelectors = spec.orLabelSelectors;
    }
    if (spec.snapshotVolumes !== undefined) {
      sp.snapshotVolumes = spec.snapshotVolumes;
    }
    if (spec.snapshotMoveData !== undefined) {
      sp.snapshotMoveData = spec.snapshotMoveData;
    }
    if (spec.defaultVolumesToFsBackup !== undefined) {
      sp.defaultVolumesToFsBackup = spec.defaultVolumesToFsBackup;
    }
    if (spec.ttl !== undefined) sp.ttl = spec.ttl;
    if (spec.storageLocation !== undefined) {
      sp.storageLocation = spec.storageLocation;
    }
  }
  let st: VeleroBackup['status'];
  if (status) {
    st = {};
    if (status.phase !== undefined) st.phase = status.phase;
    if (status.startTimestamp !== undefined) {
      st.startTimestamp = status.startTimestamp;
    }
    if (status.completionTimestamp !== undefined) {
      st.completionTimestamp = status.completionTimestamp;
    }
    if (status.expiration !== undefined) st.expiration = status.expiration;
    if (status.errors !== undefined) st.errors = status.errors;
    if (status.warnings !== undefined) st.warnings = status.warnings;
    if (status.failureReason !== undefined) {
      st.failureReason = status.failureReason;
    }
    if (status.validationErrors !== undefined) {
      st.validationErrors = status.validationErrors;
    }
    if (status.wildcardNamespaces !== undefined) {
      st.wildcardNamespaces = status.wildcardNamespaces;
    }
  }
  return {
    apiVersion: backup.apiVersion,
    kind: backup.kind,
    metadata: m,
    spec: sp,
    status: st,
  };
}

/** `veleroBackupTime` (`status.startTimestamp`, else `completionTimestamp`, else `metadata.creationTimestamp`; 0 without), with {@link parseTimestamp}. */
function backupTime(backup: VeleroBackup): number {
  const t =
    backup.status?.startTimestamp ??
    backup.status?.completionTimestamp ??
    backup.metadata.creationTimestamp;
  const ms = t ? parseTimestamp(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

interface LocatedService {
  location: DrServiceLocation;
  /** Namespaces of the service's objects on its primary clusters. */
  namespaces: Set<string>;
  /** The service's pod templates on its primary clusters. */
  podTemplates: KubeObject[];
  /** The service's PVCs on its primary clusters, with the pods that mount them. */
  pvcs: Array<{ pvc: KubeObject; key: string; mounts: DrPodMount[] }>;
  /** Per entry of `pvcs`, its data buckets' slot: PVCs with the same key share one. */
  pvcSlots: number[];
  /** The `k=v` label pairs of its objects and pod templates. */
  pairs: Set<string>;
  /** Its position in the retention's list of services. */
  index: number;
}

/** The buckets of one service and BackupStorageLocation (`spec.storageLocation`, '' without). */
interface LocationBuckets {
  /** The newest backup of any phase: every location the service's backups use is judged. */
  any: Newest;
  /** The newest that may count, `Completed` ([0]) and `PartiallyFailed` ([1]). */
  counted: [Newest | undefined, Newest | undefined];
  /**
   * Per PVC slot, the newest that may count and holds its data (a newer backup may hold only
   * manifests): at `slot * 4 + (local ? 2 : 0) + (PartiallyFailed ? 1 : 0)`.
   */
  data: Array<Newest | undefined>;
}

/** What a backup sink keeps for one service. */
interface ServiceBuckets {
  /** The `keepNewest` newest backups that take the service in, whatever their phase. */
  newest: Newest;
  /** Per schedule (`velero.io/schedule-name`), the newest `Completed` backup: missed runs. */
  schedules: Map<string, Newest>;
  locations: Map<string, LocationBuckets>;
  /** The last location looked up, to skip the map for a run of backups to one location. */
  lastLocation?: { name: string; buckets: LocationBuckets };
}

/** How a backup of one scope keeps a PVC's data, per PVC: not at all, off the cluster, on it. */
const DATA_NONE = 0;
const DATA_OFF = 1;
const DATA_LOCAL = 2;

/**
 * A service whose objects a backup scope takes in, with what backups of that scope keep of its
 * PVCs. `backupVolumeData` reads only the scope and three flags of the spec
 * (`defaultVolumesToFsBackup`, `snapshotVolumes`, `snapshotMoveData`): one entry per
 * combination of them, computed when first met.
 */
interface Taker {
  service: LocatedService;
  data: Array<Uint8Array | undefined>;
}

const dataFlags = (spec: VeleroBackup['spec'] & object) =>
  (spec.defaultVolumesToFsBackup === true ? 4 : 0) |
  (spec.snapshotVolumes === false ? 2 : 0) |
  (spec.snapshotMoveData === true ? 1 : 0);

/** The first label pair a backup's selector requires, when it has one to index by. */
function requiredPair(spec: VeleroBackupSpec): string | undefined {
  if (spec.orLabelSelectors && spec.orLabelSelectors.length > 0) {
    return undefined;
  }
  const first = Object.entries(spec.labelSelector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort()[0];
  return first;
}

/**
 * The backup sink of one cluster (see {@link RecoveryPointRetention}). A class, not closures
 * made per sink: its methods, run once per backup, are then optimised once for all sinks.
 */
class BackupSink implements RetentionSink {
  /** Services that may see backups on this cluster, by the namespaces of their objects. */
  private readonly byNamespace = new Map<string, LocatedService[]>();
  /**
   * And by the label pairs of their objects and pods, so that a backup selecting `k=v` is
   * offered only to the services that have an object with that label.
   */
  private readonly byPair = new Map<string, LocatedService[]>();
  /**
   * The services a backup takes in. Its filters decide it (and the spec's scope fields, the
   * same for every backup of one scope), so it is worked out once per scope.
   */
  private readonly takersByScope = new Map<VeleroScope, Taker[]>();
  // Each object may be kept by several buckets: it stays while one of them holds it.
  private kept = new Map<number, { object: KubeObject; holders: number }>();
  private buckets: Array<ServiceBuckets | undefined> = [];
  private seq = 0;

  constructor(
    /** The services with objects on a primary cluster, in whose scope the cluster is. */
    private readonly all: LocatedService[],
    private readonly restoredBackups: ReadonlySet<string>,
    private readonly keepNewest: number,
    private readonly now: number,
  ) {
    const push = (
      map: Map<string, LocatedService[]>,
      key: string,
      s: LocatedService,
    ) => {
      const list = map.get(key);
      if (!list) map.set(key, [s]);
      else if (list[list.length - 1] !== s) list.push(s);
    };
    for (const service of all) {
      for (const namespace of service.namespaces) {
        push(this.byNamespace, namespace, service);
      }
      for (const pair of service.pairs) push(this.byPair, pair, service);
    }
  }

  reset() {
    this.kept = new Map();
    this.buckets = [];
    this.seq = 0;
  }

  objects() {
    return [...this.kept.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, { object }]) => object);
  }

  offer(objects: readonly KubeObject[]) {
    // Indexed loops: this runs once per backup of a refresh.
    for (let o = 0; o < objects.length; o++) {
      const object = objects[o];
      const n = this.seq++;
      // Well-formed backups (nearly all) skip the full check; the others are repaired.
      const backup = (
        isWellFormedBackup(object) ? object : sanitizeObject('backups', object)
      ) as VeleroBackup | undefined;
      if (!backup) {
        this.hold(n, object);
        continue;
      }
      if (this.restoredBackups.has(backup.metadata.name)) {
        this.hold(n, backup);
      }
      // Without a spec a backup takes in no service.
      const spec = backup.spec;
      if (!spec) continue;
      const expanded = backup.status?.wildcardNamespaces?.wildcardResult;
      const scope = veleroScope(spec, expanded);
      const takers = this.takersOf(scope, backup, spec, expanded);
      if (takers.length === 0) continue;
      const time = backupTime(backup);
      const status = backup.status;
      const phase = status?.phase;
      // Completed or PartiallyFailed, started, not expired at `now`.
      let mayCount =
        (phase === 'Completed' || phase === 'PartiallyFailed') &&
        Boolean(status?.startTimestamp);
      if (mayCount && status?.expiration) {
        mayCount = !(parseTimestamp(status.expiration) <= this.now);
      }
      const phaseSlot = phase === 'Completed' ? 0 : 1;
      const scheduleName =
        phase === 'Completed'
          ? backup.metadata.labels?.['velero.io/schedule-name']
          : undefined;
      const locationName = spec.storageLocation ?? '';
      for (let t = 0; t < takers.length; t++) {
        const taker = takers[t];
        const service = this.bucketsOf(taker.service);
        // The newest Completed backup of each schedule: missed runs.
        if (scheduleName) {
          let schedule = service.schedules.get(scheduleName);
          if (!schedule) {
            schedule = new Newest(1);
            service.schedules.set(scheduleName, schedule);
          }
          this.offerTo(schedule, time, n, backup);
        }
        const location = locationOf(service, locationName);
        if (mayCount) {
          // Per PVC, the newest that may count and holds its data.
          const data = dataOf(taker, scope, spec);
          const slots = taker.service.pvcSlots;
          for (let p = 0; p < data.length; p++) {
            if (data[p] === DATA_NONE) continue;
            const i =
              slots[p] * 4 + (data[p] === DATA_LOCAL ? 2 : 0) + phaseSlot;
            this.offerTo((location.data[i] ??= new Newest(1)), time, n, backup);
          }
        }
        this.offerTo(service.newest, time, n, backup);
        // Every storage location the service's backups use is judged, even by old backups.
        this.offerTo(location.any, time, n, backup);
        if (mayCount) {
          this.offerTo(
            (location.counted[phaseSlot] ??= new Newest(1)),
            time,
            n,
            backup,
          );
        }
      }
    }
  }

  private takersOf(
    scope: VeleroScope,
    backup: VeleroBackup,
    spec: VeleroBackupSpec,
    expanded: string[] | undefined | null,
  ): Taker[] {
    let takers = this.takersByScope.get(scope);
    if (takers) return takers;
    const included = expanded ?? spec.includedNamespaces ?? [];
    const pair = requiredPair(spec);
    const everywhere =
      included.length === 0 ||
      (!expanded && included.some(ns => /[*?[]/.test(ns)));
    let candidates: LocatedService[];
    if (pair !== undefined) {
      const withPair = this.byPair.get(pair) ?? [];
      candidates = everywhere
        ? withPair
        : withPair.filter(s => included.some(ns => s.namespaces.has(ns)));
    } else {
      candidates = everywhere
        ? this.all
        : [...new Set(included.flatMap(ns => this.byNamespace.get(ns) ?? []))];
    }
    takers = candidates
      .filter(service =>
        backupTakesInService(
          backup,
          service.location.primaryObjects,
          service.podTemplates,
        ),
      )
      .map(service => ({ service, data: [] }));
    this.takersByScope.set(scope, takers);
    return takers;
  }

  private hold(n: number, backup: KubeObject) {
    const entry = this.kept.get(n);
    if (entry) {
      entry.holders++;
      return;
    }
    // An object that cannot be read at all is kept as it is: the evaluation reports it.
    const projected = (backup as VeleroBackup).metadata?.name
      ? projectBackup(backup as VeleroBackup)
      : backup;
    carryProblems(backup, projected);
    this.kept.set(n, { object: projected, holders: 1 });
  }

  private release(n: number) {
    const entry = this.kept.get(n);
    if (entry && --entry.holders === 0) this.kept.delete(n);
  }

  private offerTo(newest: Newest, time: number, n: number, backup: KubeObject) {
    const out = newest.add(time, n);
    if (out !== n) this.hold(n, backup);
    if (out !== undefined && out !== n) this.release(out);
  }

  private bucketsOf(service: LocatedService): ServiceBuckets {
    let found = this.buckets[service.index];
    if (!found) {
      found = {
        newest: new Newest(this.keepNewest),
        schedules: new Map(),
        locations: new Map(),
      };
      this.buckets[service.index] = found;
    }
    return found;
  }
}

/** A service's buckets for one BackupStorageLocation. */
function locationOf(service: ServiceBuckets, name: string): LocationBuckets {
  if (service.lastLocation?.name === name) {
    return service.lastLocation.buckets;
  }
  let found = service.locations.get(name);
  if (!found) {
    found = { any: new Newest(1), counted: [undefined, undefined], data: [] };
    service.locations.set(name, found);
  }
  service.lastLocation = { name, buckets: found };
  return found;
}

/** What backups of a taker's scope with these flags keep of each of its PVCs. */
function dataOf(
  taker: Taker,
  scope: VeleroScope,
  spec: VeleroBackupSpec,
): Uint8Array {
  const flags = dataFlags(spec);
  let data = taker.data[flags];
  if (!data) {
    data = new Uint8Array(
      taker.service.pvcs.map(({ pvc, mounts }) => {
        const kept = backupVolumeData(scope, spec, pvc, mounts);
        if (kept === 'fs' || kept === 'moved') return DATA_OFF;
        return kept === 'local' ? DATA_LOCAL : DATA_NONE;
      }),
    );
    taker.data[flags] = data;
  }
  return data;
}

/**
 * Keeps, of the Velero Backups and CSI VolumeSnapshots of a cluster, only what
 * `evaluateDrStatus` can use, so that a refresh holds a bounded number of objects per service
 * however many backups the clusters keep:
 *
 * - per service and cluster, the `keepNewest` newest backups that take the service in (by
 *   `status.startTimestamp`, whatever their phase: the newest finished backup decides rule 2),
 *   and per BackupStorageLocation and phase the newest that may count (`Completed`, or
 *   `PartiallyFailed` where that is allowed to count; started, not expired at `now`), so the
 *   achieved RPO is the same as with every backup, and per BackupStorageLocation the newest
 *   of any phase, so every location the service's backups use is still judged;
 * - every backup a Velero Restore names in `spec.backupName` (drills);
 * - per PVC of a service on its primary cluster, the `keepNewest` newest VolumeSnapshots
 *   (`spec.source.persistentVolumeClaimName`, by `status.creationTime`).
 *
 * Kept backups are reduced to the fields the evaluation reads. Built from the evidence of every
 * cluster without the retained resources (workloads, PVCs, Restores, ...), which is where
 * services are located.
 *
 * @public
 */
export class RecoveryPointRetention {
  private readonly services: LocatedService[];
  private readonly restoredBackups = new Set<string>();
  private readonly keepNewest: number;
  private readonly now: number;

  constructor(options: {
    services: Array<{
      declaration: Pick<DrDeclaration, 'primaryCluster' | 'recoveryCluster'>;
      target: DrServiceTarget;
    }>;
    /** What was read of every cluster, without the retained resources. */
    clusters: ClusterEvidence[];
    now: Date;
    /** How many of the newest backups (and snapshots) to keep per service, cluster and PVC; at least 1. */
    keepNewest: number;
  }) {
    if (!Number.isInteger(options.keepNewest) || options.keepNewest < 1) {
      throw new Error(
        `keepNewest must be a whole number of at least 1, got ${options.keepNewest}`,
      );
    }
    this.keepNewest = options.keepNewest;
    this.now = options.now.getTime();
    this.services = options.services.map(({ declaration, target }, index) => {
      const location = locateService(declaration, target, options.clusters);
      const podTemplates = location.primaries.flatMap(
        c => location.podTemplates.get(c) ?? [],
      );
      const pvcs = location.primaries.flatMap(c =>
        (location.pvcsByCluster.get(c) ?? []).map(pvc => {
          const key = `${pvc.metadata.namespace ?? ''}/${pvc.metadata.name}`;
          return {
            pvc,
            key,
            mounts: location.mounts.get(`${c}/${key}`) ?? [],
          };
        }),
      );
      const slots = new Map<string, number>();
      const pairs = new Set<string>();
      for (const o of [
        ...location.primaryObjects.map(x => x.obj),
        ...podTemplates,
      ]) {
        for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
          pairs.add(`${k}=${v}`);
        }
      }
      return {
        location,
        namespaces: new Set(
          location.primaryObjects.map(o => o.obj.metadata.namespace ?? ''),
        ),
        podTemplates,
        pvcs,
        pvcSlots: pvcs.map(({ key }) => {
          if (!slots.has(key)) slots.set(key, slots.size);
          return slots.get(key)!;
        }),
        pairs,
        index,
      };
    });
    for (const evidence of options.clusters) {
      const restores = evidence.objects.restores;
      for (const restore of Array.isArray(restores) ? restores : []) {
        const name = (restore as { spec?: { backupName?: unknown } } | null)
          ?.spec?.backupName;
        if (typeof name === 'string' && name) this.restoredBackups.add(name);
      }
    }
  }

  /**
   * A sink for the `resource` list of `cluster`.
   *
   * @throws Error for a resource that is not one of {@link RETAINED_RESOURCES}
   */
  sink(cluster: string, resource: RetainedResource): RetentionSink {
    if (resource === 'backups') return this.backupSink(cluster);
    if (resource === 'volumeSnapshots') return this.snapshotSink(cluster);
    throw new Error(`${resource} is not a retained resource`);
  }

  private inScope(service: LocatedService, cluster: string) {
    return service.location.scope.some(e => e.cluster === cluster);
  }

  private backupSink(cluster: string): RetentionSink {
    return new BackupSink(
      this.services.filter(
        service =>
          service.location.primaryObjects.length > 0 &&
          this.inScope(service, cluster),
      ),
      this.restoredBackups,
      this.keepNewest,
      this.now,
    );
  }

  private snapshotSink(cluster: string): RetentionSink {
    const claims = new Set<string>();
    for (const service of this.services) {
      if (!service.location.primaries.includes(cluster)) continue;
      for (const pvc of service.location.pvcsByCluster.get(cluster) ?? []) {
        claims.add(`${pvc.metadata.namespace}/${pvc.metadata.name}`);
      }
    }
    let kept: Map<number, KubeObject>;
    let buckets: Map<string, Newest>;
    let seq: number;
    const reset = () => {
      kept = new Map();
      buckets = new Map();
      seq = 0;
    };
    reset();
    return {
      offer: objects => {
        for (const object of objects) {
          const snapshot = object as VolumeSnapshot;
          const n = seq++;
          const claim = `${snapshot.metadata.namespace}/${snapshot.spec?.source?.persistentVolumeClaimName}`;
          if (!claims.has(claim)) continue;
          let newest = buckets.get(claim);
          if (!newest) {
            newest = new Newest(this.keepNewest);
            buckets.set(claim, newest);
          }
          const t = Date.parse(
            snapshot.status?.creationTime ??
              snapshot.metadata.creationTimestamp ??
              '',
          );
          const out = newest.add(Number.isNaN(t) ? 0 : t, n);
          if (out !== n) kept.set(n, snapshot);
          if (out !== undefined) kept.delete(out);
        }
      },
      reset,
      objects: () =>
        [...kept.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o),
    };
  }
}

const isMap = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v));
const isStrings = (v: unknown) => {
  if (v === undefined || v === null) return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
};
const isString = (v: unknown) =>
  v === undefined || v === null || typeof v === 'string';
const isStringMap = (v: unknown) => {
  if (!isMap(v)) return false;
  // The values of the object's own keys (Object.values), without building their list.
  for (const key in v as object) {
    if (
      Object.prototype.hasOwnProperty.call(v, key) &&
      typeof (v as Record<string, unknown>)[key] !== 'string'
    ) {
      return false;
    }
  }
  return true;
};
const isSelector = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (isMap(v) &&
    isStringMap((v as { matchLabels?: unknown }).matchLabels) &&
    ((v as { matchExpressions?: unknown }).matchExpressions === undefined ||
      Array.isArray((v as { matchExpressions?: unknown }).matchExpressions)));

/**
 * A cheap check of the fields the retention reads; a backup that fails it goes through the full
 * check (`sanitizeObject`), which removes and records what is malformed.
 */
function isWellFormedBackup(object: unknown): object is VeleroBackup {
  if (!object || typeof object !== 'object') return false;
  const { metadata, spec, status } = object as Record<string, any>;
  if (
    !metadata ||
    typeof metadata !== 'object' ||
    typeof metadata.name !== 'string' ||
    metadata.name === '' ||
    !isString(metadata.namespace) ||
    !isStringMap(metadata.labels)
  ) {
    return false;
  }
  if (!isMap(spec) || !isMap(status)) return false;
  if (spec) {
    // Each field named (not looped over by key): this runs once per backup of a refresh.
    if (
      !isStrings(spec.includedNamespaces) ||
      !isStrings(spec.excludedNamespaces) ||
      !isStrings(spec.includedResources) ||
      !isStrings(spec.excludedResources) ||
      !isStrings(spec.includedNamespaceScopedResources) ||
      !isStrings(spec.excludedNamespaceScopedResources) ||
      !isStrings(spec.includedClusterScopedResources) ||
      !isStrings(spec.excludedClusterScopedResources)
    ) {
      return false;
    }
    if (!isSelector(spec.labelSelector)) return false;
    if (
      !(
        spec.orLabelSelectors === undefined ||
        spec.orLabelSelectors === null ||
        (Array.isArray(spec.orLabelSelectors) &&
          spec.orLabelSelectors.every(isSelector))
      )
    ) {
      return false;
    }
    if (!isString(spec.storageLocation) || !isString(spec.ttl)) return false;
  }
  if (status) {
    if (
      !isString(status.phase) ||
      !isString(status.startTimestamp) ||
      !isString(status.completionTimestamp) ||
      !isString(status.expiration) ||
      !isString(status.failureReason)
    ) {
      return false;
    }
    if (!isMap(status.wildcardNamespaces)) return false;
    if (!isStrings(status.wildcardNamespaces?.wildcardResult)) return false;
  }
  return true;
}
