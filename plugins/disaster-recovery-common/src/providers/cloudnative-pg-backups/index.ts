import { formatDuration } from '../../duration';
import {
  Condition,
  KubeObject,
  PostgresCluster,
} from '../../evaluation/kubernetes';
import {
  malformedReasons,
  objectByName,
  serviceObjectsOf,
} from '../../evaluation/locate';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrProviderRecoveryPoint,
  DrStatusProvider,
} from '../../evaluation/provider';
import { DrResourceType } from '../../evaluation/resources';
import { sanitizeEvidence, SanitizedEvidence } from '../../evaluation/sanitize';
import { DrReason } from '../../evaluation/types';
import { locationInsideCluster } from '../../evaluation/velero';
import {
  CnpgCron,
  cnpgMaxIntervalSeconds,
  cnpgRunTimes,
  parseCnpgCron,
  sixFieldFix,
} from './cron';

export { parseCnpgCron, cnpgMaxIntervalSeconds } from './cron';
export type { CnpgCron } from './cron';

const PROVIDER_ID = 'cloudnative-pg-backups';
/** The Barman Cloud CNPG-I plugin's name in `Cluster.spec.plugins[].name` and `pluginConfiguration.name`. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const CLUSTER_LABEL = 'cnpg.io/cluster';
const HEALTHY_PHASE = 'Cluster in healthy state';
const FAILED_PHASES = [
  'failed',
  'walArchivingFailing',
  'invalid backup definition',
];
const MAX_COUNTED_RUNS = 1000;
/** CloudNativePG's default `archive_timeout` (seconds). */
const DEFAULT_ARCHIVE_TIMEOUT_SECONDS = 300;

/**
 * The resource types the CloudNativePG backups provider reads (besides the built-in
 * `postgresClusters`, CloudNativePG's `Cluster`, which the `cloudnative-pg` provider declares).
 *
 * @public
 */
export const CNPG_BACKUP_RESOURCE_TYPES: readonly DrResourceType[] =
  Object.freeze([
    {
      resource: 'cnpgBackups',
      group: 'postgresql.cnpg.io',
      version: 'v1',
      plural: 'backups',
      kind: 'Backup',
      provider: PROVIDER_ID,
    },
    {
      resource: 'cnpgScheduledBackups',
      group: 'postgresql.cnpg.io',
      version: 'v1',
      plural: 'scheduledbackups',
      kind: 'ScheduledBackup',
      provider: PROVIDER_ID,
    },
    {
      resource: 'cnpgObjectStores',
      group: 'barmancloud.cnpg.io',
      version: 'v1',
      plural: 'objectstores',
      kind: 'ObjectStore',
      provider: PROVIDER_ID,
    },
  ]);

/**
 * A CloudNativePG `Backup` (`postgresql.cnpg.io/v1`, in the database's namespace; CNPG 1.30
 * `api/v1/backup_types.go`). Times are RFC 3339.
 *
 * @public
 */
export interface CnpgBackup extends KubeObject {
  spec?: {
    cluster?: { name?: string };
    /** `barmanObjectStore` (default), `volumeSnapshot` or `plugin`. */
    method?: string;
    pluginConfiguration?: {
      name?: string;
      parameters?: Record<string, string>;
    };
  };
  status?: {
    /** `pending`, `started`, `running`, `finalizing`, `completed`, `failed`, `walArchivingFailing`, `invalid backup definition`. */
    phase?: string;
    method?: string;
    /** Barman's `BeginTime` (object store) or the reconciliation start (snapshots). */
    startedAt?: string;
    /** Barman's `EndTime`: the consistent point a restore of this backup reaches. */
    stoppedAt?: string;
    destinationPath?: string;
    endpointURL?: string;
    serverName?: string;
    backupId?: string;
    error?: string;
  };
}

/**
 * A CloudNativePG `ScheduledBackup` (`postgresql.cnpg.io/v1`; `api/v1/scheduledbackup_types.go`).
 *
 * @public
 */
export interface CnpgScheduledBackup extends KubeObject {
  spec?: {
    /** robfig/cron v1: six fields, seconds first (see {@link parseCnpgCron}). */
    schedule?: string;
    suspend?: boolean;
    immediate?: boolean;
    cluster?: { name?: string };
    method?: string;
    pluginConfiguration?: {
      name?: string;
      parameters?: Record<string, string>;
    };
  };
  status?: {
    lastCheckTime?: string;
    lastScheduleTime?: string;
    nextScheduleTime?: string;
    error?: string;
  };
}

/**
 * The Barman Cloud plugin's `ObjectStore` (`barmancloud.cnpg.io/v1`;
 * plugin-barman-cloud `api/v1/objectstore_types.go`).
 *
 * @public
 */
export interface CnpgObjectStore extends KubeObject {
  spec?: {
    configuration?: { destinationPath?: string; endpointURL?: string };
    retentionPolicy?: string;
  };
  status?: {
    /** By serverName (default: the Cluster's name). */
    serverRecoveryWindow?: Record<
      string,
      {
        firstRecoverabilityPoint?: string;
        lastSuccessfulBackupTime?: string;
        lastFailedBackupTime?: string;
      }
    >;
  };
}

/** The parts of a CNPG `Cluster` this provider reads beyond the built-in {@link PostgresCluster}. */
interface CnpgCluster extends PostgresCluster {
  spec?: PostgresCluster['spec'] & {
    backup?: {
      barmanObjectStore?: {
        destinationPath?: string;
        endpointURL?: string;
        serverName?: string;
      };
      retentionPolicy?: string;
    };
    plugins?: Array<{
      name?: string;
      enabled?: boolean;
      isWALArchiver?: boolean;
      parameters?: Record<string, string>;
    }>;
    postgresql?: { parameters?: Record<string, string> };
    bootstrap?: { recovery?: { source?: string } };
    externalClusters?: Array<{
      name?: string;
      barmanObjectStore?: { destinationPath?: string; serverName?: string };
      plugin?: { name?: string; parameters?: Record<string, string> };
    }>;
  };
  status?: PostgresCluster['status'] & {
    firstRecoverabilityPointByMethod?: Record<string, string>;
    lastSuccessfulBackupByMethod?: Record<string, string>;
    lastFailedBackup?: string;
  };
}

/** Where a Cluster's base backups and WAL go: its in-core object store, or its plugin's ObjectStore. */
interface Archive {
  via: 'barmanObjectStore' | 'plugin';
  destinationPath?: string;
  endpointURL?: string;
  /** Default: the Cluster's name. */
  serverName: string;
  /** For the plugin: `parameters.barmanObjectName` and the ObjectStore found by it. */
  objectStoreName?: string;
  objectStore?: CnpgObjectStore;
  walArchiver: boolean;
  /** Why it dies with the cluster, when it does. */
  local?: string;
  /** Epoch ms of the oldest point still in the store, where the store reports it. */
  firstRecoverabilityMs?: number;
  /** Why its backups cannot be counted at all (ObjectStore missing...). */
  unusable?: string;
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Epoch ms of an RFC 3339 time; undefined when absent, unreadable or Go's zero time. */
function cnpgTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  // `0001-01-01T00:00:00Z` and `1970-01-01T00:00:00Z` are Go's zero metav1.Time (PROVIDERS.md).
  if (ms <= 0) return undefined;
  return ms;
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

function label(kind: string, obj: KubeObject, cluster: string) {
  return `${kind} ${
    obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''
  }${obj.metadata.name} on ${cluster}`;
}

function objectRef(
  kind: string,
  obj: KubeObject,
  cluster: string,
  field?: string,
) {
  return {
    cluster,
    kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    ...(field ? { field } : {}),
  };
}

/**
 * Why an object-store endpoint would die with its cluster (a `.svc`/`.cluster.local` host, a bare
 * service name, loopback), or undefined. The same test as Velero's `config.s3Url`.
 */
function endpointInsideCluster(endpointURL: string | undefined) {
  if (!endpointURL) return undefined;
  const inside = locationInsideCluster({
    metadata: { name: 'endpoint' },
    spec: { config: { s3Url: endpointURL } },
  } as Parameters<typeof locationInsideCluster>[0]);
  return inside
    ? `its endpointURL ${endpointURL} is inside the cluster`
    : undefined;
}

/**
 * The instance manager's archiver status of a Cluster's primary (CNPG `pkg/postgres/status.go`
 * `PostgresqlStatus`), read through `pods/proxy` (`/pg/status`) where the reader has it.
 *
 * @public
 */
export interface CnpgArchiverStatus {
  lastArchivedWALTime?: string;
  lastFailedWALTime?: string;
  isArchivingWAL?: boolean;
  readyWalFiles?: number;
}

/**
 * The WAL archive's recovery point (PROVIDERS.md §1.2), given the primary instance's archiver
 * status: `lastArchivedWALTime` when archiving works and has no backlog (`readyWalFiles` ≤ 1); an
 * idle database (`readyWalFiles` 0) is at least as fresh as `now − archive_timeout`. Counts only
 * over a counted base backup in the same archive that is older than it, with `ContinuousArchiving`
 * True (the caller checks that).
 *
 * @returns the point (epoch ms), or why there is none
 * @public
 */
export function walArchivePoint(
  status: CnpgArchiverStatus,
  timeoutSeconds: number,
  nowMs: number,
): { ms: number } | { reason: string } {
  const last = cnpgTime(status.lastArchivedWALTime);
  if (status.isArchivingWAL !== true) {
    const failed = cnpgTime(status.lastFailedWALTime);
    return {
      reason: `the last archive attempt failed${
        failed !== undefined ? ` at ${iso(failed)}` : ''
      }`,
    };
  }
  const ready =
    typeof status.readyWalFiles === 'number' ? status.readyWalFiles : undefined;
  if (ready === undefined) {
    return { reason: 'the archiver backlog (readyWalFiles) is not reported' };
  }
  if (ready > 1) {
    return { reason: `the archiver is ${ready} segments behind` };
  }
  if (last === undefined) {
    return { reason: 'no WAL segment has been archived yet' };
  }
  // PostgreSQL switches segments only after WAL was written: an idle database keeps an old
  // last_archived_time with nothing lost (cloudnative-pg#5767, grafana-dashboards#56).
  const ms = ready === 0 ? Math.max(last, nowMs - timeoutSeconds * 1000) : last;
  return { ms: Math.min(ms, nowMs) };
}

/** `archive_timeout` of a Cluster in seconds (PostgreSQL units: `5min`, `300s`, `300`). */
export function archiveTimeoutSeconds(value: unknown): number | undefined {
  if (value === undefined) return DEFAULT_ARCHIVE_TIMEOUT_SECONDS;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+)\s*(ms|s|min|h|d)?\s*$/.exec(value);
  if (!m) return undefined;
  const unit = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86400 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

/** Why the plugin's ObjectStore cannot be used, or undefined. */
function pluginStoreProblem(
  objectStoreName: string | undefined,
  objectStore: CnpgObjectStore | undefined,
): string | undefined {
  if (!objectStoreName) {
    return `the Cluster's ${BARMAN_CLOUD_PLUGIN} plugin names no parameters.barmanObjectName`;
  }
  if (!objectStore) return `its ObjectStore ${objectStoreName} is not found`;
  return undefined;
}

/** A storage location's phase from the Cluster's `ContinuousArchiving` condition. */
function archivePhase(archiving: Condition | undefined): string {
  if (archiving?.status === 'True') return 'Available';
  if (archiving?.status === 'False') return 'Unavailable';
  return 'Unknown';
}

function archiveOf(
  pg: CnpgCluster,
  objectStores: CnpgObjectStore[],
): { inCore?: Archive; plugin?: Archive } {
  const result: { inCore?: Archive; plugin?: Archive } = {};
  const bos = pg.spec?.backup?.barmanObjectStore;
  if (isObject(bos)) {
    const endpointURL = str(bos.endpointURL);
    const frp = pg.status?.firstRecoverabilityPointByMethod;
    result.inCore = {
      via: 'barmanObjectStore',
      destinationPath: str(bos.destinationPath),
      endpointURL,
      serverName: str(bos.serverName) ?? pg.metadata.name,
      // The in-core object store archives WAL whenever it is configured.
      walArchiver: true,
      local: endpointInsideCluster(endpointURL),
      firstRecoverabilityMs: isObject(frp)
        ? cnpgTime(frp.barmanObjectStore)
        : undefined,
    };
  }
  const plugins = Array.isArray(pg.spec?.plugins) ? pg.spec!.plugins! : [];
  const entry = plugins.find(
    p => isObject(p) && p.name === BARMAN_CLOUD_PLUGIN && p.enabled !== false,
  );
  if (entry) {
    const parameters = isObject(entry.parameters) ? entry.parameters : {};
    const objectStoreName = str(parameters.barmanObjectName);
    const serverName = str(parameters.serverName) ?? pg.metadata.name;
    const objectStore = objectStoreName
      ? objectByName(objectStores, pg.metadata.namespace ?? '', objectStoreName)
      : undefined;
    const configuration = isObject(objectStore?.spec?.configuration)
      ? objectStore!.spec!.configuration!
      : undefined;
    const endpointURL = str(configuration?.endpointURL);
    const windows = objectStore?.status?.serverRecoveryWindow;
    const window = isObject(windows) ? windows[serverName] : undefined;
    result.plugin = {
      via: 'plugin',
      destinationPath: str(configuration?.destinationPath),
      endpointURL,
      serverName,
      objectStoreName,
      objectStore,
      walArchiver: entry.isWALArchiver === true,
      local: endpointInsideCluster(endpointURL),
      firstRecoverabilityMs: isObject(window)
        ? cnpgTime(window.firstRecoverabilityPoint)
        : undefined,
      unusable: pluginStoreProblem(objectStoreName, objectStore),
    };
  }
  return result;
}

/** The archive of a backup or schedule by its method; undefined for volume snapshots or other plugins. */
function archiveFor(
  method: string,
  pluginName: string | undefined,
  archives: { inCore?: Archive; plugin?: Archive },
): Archive | undefined {
  if (method === 'barmanObjectStore') return archives.inCore;
  if (
    method === 'plugin' &&
    (pluginName ?? BARMAN_CLOUD_PLUGIN) === BARMAN_CLOUD_PLUGIN
  ) {
    return archives.plugin;
  }
  return undefined;
}

function methodOf(obj: CnpgBackup | CnpgScheduledBackup): string {
  const method = obj.spec?.method ?? (obj as CnpgBackup).status?.method;
  return typeof method === 'string' && method !== ''
    ? method
    : 'barmanObjectStore';
}

function backupStart(b: CnpgBackup): number {
  return (
    cnpgTime(b.status?.startedAt) ??
    cnpgTime(b.status?.stoppedAt) ??
    cnpgTime(b.metadata.creationTimestamp) ??
    0
  );
}

/** The identity of an archive, as a restore reads it: destination path and server name. */
const archiveIdentity = (
  destinationPath: string | undefined,
  serverName: string,
) =>
  destinationPath
    ? `${destinationPath.replace(/\/+$/, '')}#${serverName}`
    : undefined;

/**
 * Judges one service's CloudNativePG backups (PROVIDERS.md §1). Pure; never throws on malformed
 * objects (a reason names the object and field instead).
 */
function evaluate(context: DrProviderContext): DrProviderEvidence {
  const evidence: Required<
    Pick<
      DrProviderEvidence,
      | 'reasons'
      | 'recoveryPoints'
      | 'coverage'
      | 'schedules'
      | 'manifestCadenceSeconds'
      | 'storageLocations'
      | 'drills'
      | 'futurePoints'
    >
  > & { strategy: NonNullable<DrProviderEvidence['strategy']> } = {
    reasons: [],
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    manifestCadenceSeconds: [],
    storageLocations: [],
    drills: [],
    futurePoints: [],
    strategy: {},
  };
  const identities = new Set<string>();
  const destinations = new Set<string>();
  let counted = false;
  for (const cluster of context.primaries) {
    const ev = context.evidenceOf(cluster);
    if (!ev) continue;
    const pgs = context.objectsOf<CnpgCluster>(ev, 'postgresClusters');
    const databases = new Map<string, { namespace: string; name: string }>();
    for (const p of context.pvcs) {
      const name = p.pvc.metadata.labels?.[CLUSTER_LABEL];
      if (p.cluster !== cluster || !name) continue;
      const namespace = p.pvc.metadata.namespace ?? '';
      databases.set(`${namespace}/${name}`, { namespace, name });
    }
    for (const pg of serviceObjectsOf(pgs, context.target)) {
      const namespace = pg.metadata.namespace ?? '';
      databases.set(`${namespace}/${pg.metadata.name}`, {
        namespace,
        name: pg.metadata.name,
      });
    }
    for (const { namespace, name } of databases.values()) {
      const result = judgeDatabase(context, ev, namespace, name, evidence);
      counted ||= result.counted;
      for (const id of result.identities) identities.add(id);
      for (const d of result.destinations) destinations.add(d);
    }
  }
  if (identities.size > 0) {
    findRestores(context, identities, destinations, counted, evidence);
  }
  return evidence;
}

type Evidence = Parameters<typeof judgeDatabase>[4];

function judgeDatabase(
  context: DrProviderContext,
  ev: SanitizedEvidence,
  namespace: string,
  name: string,
  out: {
    reasons: DrReason[];
    recoveryPoints: DrProviderRecoveryPoint[];
    coverage: NonNullable<DrProviderEvidence['coverage']>;
    schedules: NonNullable<DrProviderEvidence['schedules']>;
    manifestCadenceSeconds: number[];
    storageLocations: NonNullable<DrProviderEvidence['storageLocations']>;
    drills: NonNullable<DrProviderEvidence['drills']>;
    futurePoints: NonNullable<DrProviderEvidence['futurePoints']>;
    strategy: NonNullable<DrProviderEvidence['strategy']>;
  },
): { counted: boolean; identities: string[]; destinations: string[] } {
  const { cluster } = ev;
  const { nowMs, options } = context;
  const skewMs = (options.clockSkewSeconds ?? 300) * 1000;
  const risk = (
    code: string,
    message: string,
    nextStep: string,
    object?: DrReason['object'],
  ) => out.reasons.push({ severity: 'risk', code, message, nextStep, object });
  const ofDatabase = <T extends KubeObject>(resource: string) =>
    context
      .objectsOf<T>(ev, resource)
      .filter(
        o =>
          o.metadata.namespace === namespace &&
          (o as CnpgBackup).spec?.cluster?.name === name,
      );
  const backups = ofDatabase<CnpgBackup>('cnpgBackups');
  const schedules = ofDatabase<CnpgScheduledBackup>('cnpgScheduledBackups');
  const objectStores = context.objectsOf<CnpgObjectStore>(
    ev,
    'cnpgObjectStores',
  );
  const pg = objectByName(
    context.objectsOf<CnpgCluster>(ev, 'postgresClusters'),
    namespace,
    name,
  );
  const none = { counted: false, identities: [], destinations: [] };
  const dbLabel = `Cluster ${namespace}/${name} on ${cluster}`;
  if (!pg) {
    if (backups.length > 0 || schedules.length > 0) {
      risk(
        'cnpg-cluster-missing',
        `${dbLabel} is not found: where its backups are stored cannot be checked, so they are not counted.`,
        `Check that CloudNativePG's Cluster ${name} exists in ${namespace} (kubectl -n ${namespace} get clusters.postgresql.cnpg.io).`,
        { cluster, kind: 'Cluster', namespace, name },
      );
    }
    return none;
  }
  for (const [kind, list] of [
    ['Backup', backups],
    ['ScheduledBackup', schedules],
  ] as const) {
    for (const obj of list) {
      out.reasons.push(
        ...malformedReasons(
          kind,
          obj,
          cluster,
          'risk',
          'it is judged without that field',
        ),
      );
    }
  }
  const archives = archiveOf(pg, objectStores);
  const walArchiver = Boolean(archives.inCore || archives.plugin?.walArchiver);
  const pvcs = context.pvcs.filter(
    p =>
      p.cluster === cluster &&
      p.pvc.metadata.namespace === namespace &&
      p.pvc.metadata.labels?.[CLUSTER_LABEL] === name,
  );
  const archiving = conditionOf(pg, 'ContinuousArchiving');

  // ---- Storage: the archive the service's points depend on.
  if (archives.plugin?.unusable) {
    risk(
      'cnpg-object-store-missing',
      `${dbLabel}: ${archives.plugin.unusable}; its plugin backups are not counted.`,
      archives.plugin.objectStoreName
        ? `Create the ObjectStore ${archives.plugin.objectStoreName} in ${namespace} (barmancloud.cnpg.io/v1) or fix spec.plugins[].parameters.barmanObjectName.`
        : `Set spec.plugins[name=${BARMAN_CLOUD_PLUGIN}].parameters.barmanObjectName to the ObjectStore's name.`,
      { cluster, kind: 'Cluster', namespace, name, field: 'spec.plugins' },
    );
  } else if (
    archives.plugin?.objectStore &&
    archives.plugin.firstRecoverabilityMs === undefined
  ) {
    // plugin-barman-cloud#541: no window until a backup ran (or the serverName is not the default).
    risk(
      'cnpg-recovery-window-missing',
      `ObjectStore ${namespace}/${archives.plugin.objectStoreName} on ${cluster} reports no recovery window for server ${archives.plugin.serverName} (status.serverRecoveryWindow): it is not shown that the store holds a backup of ${name}.`,
      `Run a backup (kubectl cnpg backup ${name} -n ${namespace} --method plugin --plugin-name ${BARMAN_CLOUD_PLUGIN}) and check the plugin's logs; if the Cluster sets parameters.serverName, check it matches.`,
      objectRef('ObjectStore', archives.plugin.objectStore, cluster),
    );
  }
  for (const archive of [archives.inCore, archives.plugin]) {
    if (!archive || archive.unusable) continue;
    out.storageLocations.push({
      cluster,
      name:
        archive.via === 'plugin'
          ? `ObjectStore ${namespace}/${archive.objectStoreName}`
          : `Cluster ${namespace}/${name} barmanObjectStore`,
      phase: archive.local ? 'Local' : archivePhase(archiving),
      message: [
        archive.destinationPath,
        archive.local,
        archiving?.status === 'False' ? archiving.message : undefined,
      ]
        .filter(Boolean)
        .join('; '),
    });
  }

  // ---- Base backups: a point at status.stoppedAt when completed in a surviving store.
  const sorted = [...backups].sort((a, b) => backupStart(b) - backupStart(a));
  let newestCountedMs: number | undefined;
  let newestCompletedMs: number | undefined;
  for (const b of sorted) {
    const judged = judgeBackup(b);
    out.recoveryPoints.push(judged);
    if (judged.ms !== undefined) {
      newestCountedMs = Math.max(newestCountedMs ?? 0, judged.ms);
    }
  }

  function judgeBackup(b: CnpgBackup): DrProviderRecoveryPoint {
    const method = methodOf(b);
    const phase = str(b.status?.phase);
    const stopped = cnpgTime(b.status?.stoppedAt);
    const point = {
      time: stopped !== undefined ? iso(stopped) : undefined,
      source: PROVIDER_ID,
      kind: 'Backup',
      name: b.metadata.name,
      namespace,
      cluster,
      usable: phase === 'completed' && stopped !== undefined,
      counted: false,
      phase,
    };
    const not = (reason: string): DrProviderRecoveryPoint => ({
      point: { ...point, reason },
    });
    if (phase !== 'completed') {
      if (phase && FAILED_PHASES.includes(phase)) {
        return not(`${phase}: ${str(b.status?.error) ?? 'no error reported'}`);
      }
      return not(phase ? `not finished (phase ${phase})` : 'not started');
    }
    if (phase === 'completed' && newestCompletedMs === undefined) {
      newestCompletedMs = stopped ?? backupStart(b);
    }
    if (stopped === undefined) {
      return not(
        'status.stoppedAt is not set: the time of its data cannot be read',
      );
    }
    if (method === 'volumeSnapshot') {
      if (!options.localSnapshotsSurviveClusterLoss) {
        return not(
          `volume snapshots stay on ${cluster}'s storage: a local point, lost with the cluster`,
        );
      }
    } else {
      const archive = archiveFor(
        method,
        str(b.spec?.pluginConfiguration?.name),
        archives,
      );
      if (!archive) {
        return not(
          method === 'plugin'
            ? `made by plugin ${
                str(b.spec?.pluginConfiguration?.name) ?? '(unnamed)'
              }, whose storage is not known`
            : `the Cluster has no spec.backup.barmanObjectStore: where it is stored cannot be checked`,
        );
      }
      if (archive.unusable) return not(archive.unusable);
      const endpoint =
        archive.via === 'barmanObjectStore'
          ? str(b.status?.endpointURL) ?? archive.endpointURL
          : archive.endpointURL;
      const local = endpointInsideCluster(endpoint);
      if (local) return not(`${local}: a local point, lost with the cluster`);
      if (
        archive.firstRecoverabilityMs !== undefined &&
        stopped < archive.firstRecoverabilityMs
      ) {
        return not(
          `older than the store's first recoverability point ${iso(
            archive.firstRecoverabilityMs,
          )}: retention has removed its data`,
        );
      }
    }
    if (stopped > nowMs + skewMs) {
      out.futurePoints.push({
        cluster,
        what: `Backup ${b.metadata.name} at ${iso(stopped)}`,
      });
      return not(`its time ${iso(stopped)} is in the future (clock skew)`);
    }
    const ms = Math.min(stopped, nowMs);
    const pvcPoint = {
      time: iso(ms),
      source: PROVIDER_ID,
      kind: 'Backup',
      name: b.metadata.name,
      namespace,
      cluster,
    };
    return {
      point: { ...point, usable: true, counted: true },
      ms,
      pvcs: pvcs.map(pvc => ({ pvc, point: pvcPoint })),
      service: true,
    };
  }

  // Rule 2: the newest attempt failed.
  let failureReported = false;
  const newest = sorted[0];
  const newestPhase = str(newest?.status?.phase);
  if (newest && newestPhase && FAILED_PHASES.includes(newestPhase)) {
    failureReported = true;
    risk(
      'backup-failed',
      `The newest Backup ${namespace}/${
        newest.metadata.name
      } of ${dbLabel} is ${newestPhase}${
        str(newest.status?.error) ? `: ${newest.status!.error}` : ''
      }.`,
      `Read its error (kubectl -n ${namespace} describe backups.postgresql.cnpg.io ${newest.metadata.name}; kubectl cnpg status ${name} -n ${namespace}) and fix the cause.`,
      objectRef('Backup', newest, cluster),
    );
  }

  // ---- Health of the Cluster.
  if (walArchiver && archiving?.status === 'False') {
    risk(
      'cnpg-wal-archiving-failing',
      `WAL archiving of ${dbLabel} is failing (ContinuousArchiving False${
        archiving.reason ? `, ${archiving.reason}` : ''
      }${
        archiving.message ? `: ${archiving.message}` : ''
      }); point-in-time recovery past the newest base backup is lost.`,
      `Check the archive's credentials and reachability (kubectl cnpg status ${name} -n ${namespace}, the primary's logs).`,
      { cluster, kind: 'Cluster', namespace, name, field: 'status.conditions' },
    );
  }
  const lastBackup = conditionOf(pg, 'LastBackupSucceeded');
  if (lastBackup?.status === 'False' && !failureReported) {
    failureReported = true;
    risk(
      'backup-failed',
      `${dbLabel} reports its last backup failed (LastBackupSucceeded False${
        lastBackup.message ? `: ${lastBackup.message}` : ''
      }).`,
      `Read the failed Backup's error (kubectl -n ${namespace} get backups.postgresql.cnpg.io -l cnpg.io/cluster=${name}).`,
      { cluster, kind: 'Cluster', namespace, name, field: 'status.conditions' },
    );
  }
  const lastFailed = cnpgTime(pg.status?.lastFailedBackup);
  if (
    archives.inCore &&
    !failureReported &&
    lastFailed !== undefined &&
    (newestCompletedMs === undefined || lastFailed > newestCompletedMs)
  ) {
    risk(
      'backup-failed',
      `${dbLabel}: its last failed backup (status.lastFailedBackup ${iso(
        lastFailed,
      )}) is newer than its newest completed one.`,
      `Read the failed Backup's error (kubectl -n ${namespace} get backups.postgresql.cnpg.io -l cnpg.io/cluster=${name}).`,
      {
        cluster,
        kind: 'Cluster',
        namespace,
        name,
        field: 'status.lastFailedBackup',
      },
    );
  }
  const phase = str(pg.status?.phase);
  if (phase && phase !== HEALTHY_PHASE) {
    risk(
      'cnpg-cluster-unhealthy',
      `${dbLabel} is not healthy (status.phase "${phase}").`,
      `Check it with kubectl cnpg status ${name} -n ${namespace}.`,
      { cluster, kind: 'Cluster', namespace, name, field: 'status.phase' },
    );
  }

  // ---- WAL archive: a point only where its freshness is measured; the Cluster resource carries none.
  if (walArchiver && archiving?.status === 'True') {
    const since = cnpgTime(archiving.lastTransitionTime);
    out.recoveryPoints.push({
      point: {
        source: `${PROVIDER_ID}-wal`,
        kind: 'Cluster',
        name,
        namespace,
        cluster,
        usable: true,
        counted: false,
        phase: 'ContinuousArchiving',
        reason: `WAL archiving reported working (ContinuousArchiving True${
          since !== undefined ? ` since ${iso(since)}` : ''
        }), last archived WAL time not readable from the Cluster resource (it is in the instance status, pods/proxy /pg/status, or the cnpg_pg_stat_archiver_last_archived_time metric)`,
      },
    });
  }

  // ---- Coverage and cadence: ScheduledBackups of the Cluster.
  for (const sb of schedules) {
    judgeSchedule(sb);
  }

  function judgeSchedule(sb: CnpgScheduledBackup) {
    const sbLabel = label('ScheduledBackup', sb, cluster);
    const obj = objectRef('ScheduledBackup', sb, cluster);
    const method = methodOf(sb);
    const suspended = sb.spec?.suspend === true;
    const raw = sb.spec?.schedule;
    const parsed = parseCnpgCron(raw);
    let cron: CnpgCron | undefined;
    let interval: number | undefined;
    if ('error' in parsed) {
      risk(
        'schedule-unreadable',
        `${sbLabel}: spec.schedule ${JSON.stringify(raw)} ${
          parsed.error
        }; CloudNativePG will not run it.`,
        'Write spec.schedule with six fields, seconds first (e.g. "0 0 3 * * *" for daily at 03:00).',
        { ...obj, field: 'spec.schedule' },
      );
    } else {
      cron = parsed;
      interval = cnpgMaxIntervalSeconds(parsed, context.now);
      if (parsed.kind === 'cron' && parsed.fiveFields) {
        risk(
          'cnpg-schedule-five-fields',
          `${sbLabel}: spec.schedule "${raw}" has five fields; CloudNativePG reads the first as seconds, so it runs every ${formatDuration(
            interval ?? 0,
          )} (${parsed.fields}), not what a five-field cron means.`,
          `Write six fields, seconds first: "${sixFieldFix(
            String(raw),
          )}" (cloudnative-pg#883).`,
          { ...obj, field: 'spec.schedule' },
        );
      }
    }
    const scheduleError = str(sb.status?.error);
    if (scheduleError) {
      risk(
        'schedule-failing',
        `${sbLabel} reports an error: ${scheduleError}.`,
        `Fix the cause and check kubectl -n ${namespace} describe scheduledbackups.postgresql.cnpg.io ${sb.metadata.name}.`,
        { ...obj, field: 'status.error' },
      );
    }
    if (suspended) {
      risk(
        'schedule-paused',
        `${sbLabel} is suspended (spec.suspend: true): no further base backups of ${name} will come; its last backup still counts.`,
        'Set spec.suspend: false.',
        { ...obj, field: 'spec.suspend' },
      );
    }
    let offCluster = false;
    let why: string | undefined;
    if (method === 'volumeSnapshot') {
      offCluster = options.localSnapshotsSurviveClusterLoss === true;
      if (!offCluster) {
        why = `it takes volume snapshots, which stay on ${cluster}'s storage`;
      }
    } else {
      const archive = archiveFor(
        method,
        str(sb.spec?.pluginConfiguration?.name),
        archives,
      );
      if (!archive) {
        why =
          method === 'plugin'
            ? `its plugin ${str(
                sb.spec?.pluginConfiguration?.name,
              )} stores data where it cannot be checked`
            : `Cluster ${name} has no spec.backup.barmanObjectStore`;
      } else if (archive.unusable) {
        why = archive.unusable;
      } else if (archive.local) {
        why = archive.local;
      } else if (!walArchiver) {
        why = `Cluster ${name} archives no WAL (no spec.backup.barmanObjectStore, no plugin with isWALArchiver: true)`;
      } else {
        offCluster = true;
      }
    }
    if (why && pvcs.length === 0) {
      // With PVCs the evaluation says the PVC is local only; without, say it here.
      risk(
        'cnpg-backup-local',
        `${sbLabel} backs up ${name} to no store that survives the loss of ${cluster}: ${why}.`,
        `Back ${name} up to an object store outside ${cluster} (method plugin with an ObjectStore, or barmanObjectStore) with WAL archiving.`,
        obj,
      );
    }
    const cadence =
      offCluster && !suspended && interval !== undefined
        ? { seconds: interval, by: `ScheduledBackup ${sb.metadata.name}` }
        : undefined;
    for (const pvc of pvcs) {
      out.coverage.push({
        pvc,
        by: {
          kind: 'ScheduledBackup',
          name: sb.metadata.name,
          paused: suspended,
          offCluster,
        },
        ...(cadence ? { cadence } : {}),
      });
    }
    if (pvcs.length === 0 && cadence)
      out.manifestCadenceSeconds.push(cadence.seconds);
    // Missed runs (DOMAIN): measured from the newest counted base backup.
    let missedRuns = 0;
    let missedSince: string | undefined;
    if (cron && interval !== undefined && !suspended && offCluster) {
      const since = newestCountedMs ?? cnpgTime(sb.metadata.creationTimestamp);
      const graceMs = Math.max(interval * 0.1, 300) * 1000;
      if (since !== undefined && nowMs - since > interval * 1000 + graceMs) {
        const missed = cnpgRunTimes(
          cron,
          since,
          nowMs - graceMs,
          MAX_COUNTED_RUNS,
        );
        if (missed.length > 0) {
          missedRuns = missed.length;
          missedSince = iso(missed[0]);
          risk(
            'schedule-missed-runs',
            `${sbLabel} missed ${missedRuns} run${
              missedRuns === 1 ? '' : 's'
            } since ${missedSince} (${
              newestCountedMs !== undefined
                ? `last completed base backup ${iso(newestCountedMs)}`
                : 'no completed base backup seen'
            }).`,
            `CloudNativePG on ${cluster} may be down or its backups fail: kubectl -n ${namespace} get backups.postgresql.cnpg.io -l cnpg.io/cluster=${name}; the operator's logs.`,
            obj,
          );
        }
      }
    }
    out.schedules.push({
      cluster,
      name: sb.metadata.name,
      schedule: typeof raw === 'string' ? raw : '',
      maxIntervalSeconds: interval ?? null,
      paused: suspended,
      storageLocation: archiveFor(
        method,
        str(sb.spec?.pluginConfiguration?.name),
        archives,
      )?.[method === 'plugin' ? 'objectStoreName' : 'destinationPath'],
      lastBackup: (() => {
        const t = cnpgTime(sb.status?.lastScheduleTime);
        return t !== undefined ? iso(t) : undefined;
      })(),
      lastSuccessfulBackup:
        newestCountedMs !== undefined ? iso(newestCountedMs) : undefined,
      missedRuns,
      missedSince,
      movesData: offCluster,
    });
  }

  const identities: string[] = [];
  const destinations: string[] = [];
  for (const archive of [archives.inCore, archives.plugin]) {
    if (!archive || archive.unusable || archive.local) continue;
    const id = archiveIdentity(archive.destinationPath, archive.serverName);
    if (id) identities.push(id);
    if (archive.destinationPath)
      destinations.push(archive.destinationPath.replace(/\/+$/, ''));
  }
  return {
    counted: newestCountedMs !== undefined,
    identities,
    destinations,
  };
}

/**
 * Drill evidence and restorability on the recovery side: a `Cluster` outside the primary whose
 * `spec.bootstrap.recovery.source` names an `externalClusters[]` entry reading the same archive
 * (destination path and server name, which defaults to the entry's name). Done at
 * `Initialized=True` (CNPG 1.30); before 1.30, `Ready=True`, an approximate RTO.
 */
function findRestores(
  context: DrProviderContext,
  identities: Set<string>,
  destinations: Set<string>,
  counted: boolean,
  out: Evidence,
) {
  for (const raw of context.drillClusters) {
    if (context.isPrimary(raw.cluster)) continue;
    const ev = context.evidenceOf(raw.cluster) ?? sanitizeEvidence(raw);
    const objectStores = context.objectsOf<CnpgObjectStore>(
      ev,
      'cnpgObjectStores',
    );
    const recovery = context.recoveryClusters.includes(raw.cluster);
    if (
      recovery &&
      counted &&
      objectStores.some(s => {
        const path = str(s.spec?.configuration?.destinationPath);
        return path !== undefined && destinations.has(path.replace(/\/+$/, ''));
      })
    ) {
      out.strategy.restorableOnRecovery = true;
    }
    for (const pg of context.objectsOf<CnpgCluster>(ev, 'postgresClusters')) {
      const source = str(pg.spec?.bootstrap?.recovery?.source);
      if (!source) continue;
      const entries = Array.isArray(pg.spec?.externalClusters)
        ? pg.spec!.externalClusters!
        : [];
      const entry = entries.find(e => isObject(e) && e.name === source);
      if (!entry) continue;
      let id: string | undefined;
      if (isObject(entry.barmanObjectStore)) {
        id = archiveIdentity(
          str(entry.barmanObjectStore.destinationPath),
          str(entry.barmanObjectStore.serverName) ?? source,
        );
      } else if (
        isObject(entry.plugin) &&
        entry.plugin.name === BARMAN_CLOUD_PLUGIN
      ) {
        const parameters = isObject(entry.plugin.parameters)
          ? entry.plugin.parameters
          : {};
        const store = objectByName(
          objectStores,
          pg.metadata.namespace ?? '',
          str(parameters.barmanObjectName) ?? '',
        );
        id = archiveIdentity(
          str(store?.spec?.configuration?.destinationPath),
          str(parameters.serverName) ?? source,
        );
      }
      if (!id || !identities.has(id)) continue;
      if (recovery && counted) out.strategy.restorableOnRecovery = true;
      const created = cnpgTime(pg.metadata.creationTimestamp);
      const initialized = conditionOf(pg, 'Initialized');
      const ready = conditionOf(pg, 'Ready');
      const doneBy = [initialized, ready].find(c => c?.status === 'True');
      const done = doneBy ? cnpgTime(doneBy.lastTransitionTime) : undefined;
      if (created === undefined || done === undefined || done < created)
        continue;
      out.drills.push({
        kind: 'Cluster',
        name: `${pg.metadata.namespace}/${pg.metadata.name}${
          initialized?.status === 'True'
            ? ''
            : ' (RTO approximate: Ready, no Initialized condition)'
        }`,
        cluster: raw.cluster,
        type: 'restore',
        startedAt: iso(created),
        completedAt: iso(done),
        measuredRtoSeconds: Math.floor((done - created) / 1000),
      });
    }
  }
}

/**
 * CloudNativePG backups (PROVIDERS.md §1): `Backup`s completed in an object store outside the
 * cluster are recovery points at `status.stoppedAt` (the consistent end of the base backup);
 * `ScheduledBackup`s cover the Cluster's PVCs (label `cnpg.io/cluster`) with their cron read as
 * CloudNativePG reads it (seconds first); volume-snapshot backups are local points; restores of
 * the same archive in the recovery cluster are drill evidence.
 *
 * @public
 */
export const cloudNativePgBackupsProvider: DrStatusProvider = {
  id: PROVIDER_ID,
  title: 'CloudNativePG backups',
  resourceTypes: CNPG_BACKUP_RESOURCE_TYPES,
  evaluate,
};
