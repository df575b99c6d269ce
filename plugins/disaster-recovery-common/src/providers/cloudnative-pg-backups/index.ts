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
  DrProviderPvc,
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
  const evidence: Collected = {
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

/** What one provider run collects; each part is filled by one of the functions below. */
interface Collected {
  reasons: DrReason[];
  recoveryPoints: DrProviderRecoveryPoint[];
  coverage: NonNullable<DrProviderEvidence['coverage']>;
  schedules: NonNullable<DrProviderEvidence['schedules']>;
  manifestCadenceSeconds: number[];
  storageLocations: NonNullable<DrProviderEvidence['storageLocations']>;
  drills: NonNullable<DrProviderEvidence['drills']>;
  futurePoints: NonNullable<DrProviderEvidence['futurePoints']>;
  strategy: NonNullable<DrProviderEvidence['strategy']>;
}

/** One CNPG Cluster of the service on a primary cluster, with its objects and archive. */
interface Database {
  context: DrProviderContext;
  cluster: string;
  namespace: string;
  name: string;
  /** `Cluster payments/accounts-db on prod-eu`. */
  label: string;
  pg: CnpgCluster;
  backups: CnpgBackup[];
  schedules: CnpgScheduledBackup[];
  archives: { inCore?: Archive; plugin?: Archive };
  /** Whether WAL is archived (in-core object store, or the plugin with `isWALArchiver`). */
  walArchiver: boolean;
  /** The Cluster's PVCs among the service's (label `cnpg.io/cluster`). */
  pvcs: DrProviderPvc[];
  archiving?: Condition;
}

function reason(
  code: string,
  message: string,
  nextStep: string,
  object?: DrReason['object'],
): DrReason {
  return { severity: 'risk', code, message, nextStep, object };
}

function clusterRef(db: Database, field?: string): DrReason['object'] {
  return {
    cluster: db.cluster,
    kind: 'Cluster',
    namespace: db.namespace,
    name: db.name,
    ...(field ? { field } : {}),
  };
}

/**
 * Finds a CNPG Cluster's objects on one cluster; when the Cluster itself is missing, a reason
 * (its backups cannot be placed) instead.
 */
function findDatabase(
  context: DrProviderContext,
  ev: SanitizedEvidence,
  namespace: string,
  name: string,
): Database | { reasons: DrReason[] } {
  const { cluster } = ev;
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
  const pg = objectByName(
    context.objectsOf<CnpgCluster>(ev, 'postgresClusters'),
    namespace,
    name,
  );
  const dbLabel = `Cluster ${namespace}/${name} on ${cluster}`;
  if (!pg) {
    return {
      reasons:
        backups.length > 0 || schedules.length > 0
          ? [
              reason(
                'cnpg-cluster-missing',
                `${dbLabel} is not found: where its backups are stored cannot be checked, so they are not counted.`,
                `Check that CloudNativePG's Cluster ${name} exists in ${namespace} (kubectl -n ${namespace} get clusters.postgresql.cnpg.io).`,
                { cluster, kind: 'Cluster', namespace, name },
              ),
            ]
          : [],
    };
  }
  const archives = archiveOf(
    pg,
    context.objectsOf<CnpgObjectStore>(ev, 'cnpgObjectStores'),
  );
  return {
    context,
    cluster,
    namespace,
    name,
    label: dbLabel,
    pg,
    backups,
    schedules,
    archives,
    walArchiver: Boolean(archives.inCore || archives.plugin?.walArchiver),
    pvcs: context.pvcs.filter(
      p =>
        p.cluster === cluster &&
        p.pvc.metadata.namespace === namespace &&
        p.pvc.metadata.labels?.[CLUSTER_LABEL] === name,
    ),
    archiving: conditionOf(pg, 'ContinuousArchiving'),
  };
}

/** Reasons for malformed fields of the Cluster's Backups and ScheduledBackups. */
function malformed(db: Database): DrReason[] {
  return [
    ...db.backups.map(o => ['Backup', o] as const),
    ...db.schedules.map(o => ['ScheduledBackup', o] as const),
  ].flatMap(([kind, obj]) =>
    malformedReasons(
      kind,
      obj,
      db.cluster,
      'risk',
      'it is judged without that field',
    ),
  );
}

/** The plugin's ObjectStore: missing, or without a recovery window for the server. */
function objectStoreReasons(db: Database): DrReason[] {
  const { plugin } = db.archives;
  const { namespace, name, cluster } = db;
  if (plugin?.unusable) {
    return [
      reason(
        'cnpg-object-store-missing',
        `${db.label}: ${plugin.unusable}; its plugin backups are not counted.`,
        plugin.objectStoreName
          ? `Create the ObjectStore ${plugin.objectStoreName} in ${namespace} (barmancloud.cnpg.io/v1) or fix spec.plugins[].parameters.barmanObjectName.`
          : `Set spec.plugins[name=${BARMAN_CLOUD_PLUGIN}].parameters.barmanObjectName to the ObjectStore's name.`,
        clusterRef(db, 'spec.plugins'),
      ),
    ];
  }
  if (plugin?.objectStore && plugin.firstRecoverabilityMs === undefined) {
    // plugin-barman-cloud#541: no window until a backup ran (or the serverName is not the default).
    return [
      reason(
        'cnpg-recovery-window-missing',
        `ObjectStore ${namespace}/${plugin.objectStoreName} on ${cluster} reports no recovery window for server ${plugin.serverName} (status.serverRecoveryWindow): it is not shown that the store holds a backup of ${name}.`,
        `Run a backup (kubectl cnpg backup ${name} -n ${namespace} --method plugin --plugin-name ${BARMAN_CLOUD_PLUGIN}) and check the plugin's logs; if the Cluster sets parameters.serverName, check it matches.`,
        objectRef('ObjectStore', plugin.objectStore, cluster),
      ),
    ];
  }
  return [];
}

/** The archives as storage locations, their phase from `ContinuousArchiving`. */
function storageLocationsOf(db: Database): Collected['storageLocations'] {
  const { archiving } = db;
  return [db.archives.inCore, db.archives.plugin].flatMap(archive =>
    !archive || archive.unusable
      ? []
      : [
          {
            cluster: db.cluster,
            name:
              archive.via === 'plugin'
                ? `ObjectStore ${db.namespace}/${archive.objectStoreName}`
                : `Cluster ${db.namespace}/${db.name} barmanObjectStore`,
            phase: archive.local ? 'Local' : archivePhase(archiving),
            message: [
              archive.destinationPath,
              archive.local,
              archiving?.status === 'False' ? archiving.message : undefined,
            ]
              .filter(Boolean)
              .join('; '),
          },
        ],
  );
}

/** Why a completed backup's store does not keep it off the cluster, or undefined. */
function notOffCluster(
  db: Database,
  b: CnpgBackup,
  stopped: number,
): string | undefined {
  const method = methodOf(b);
  if (method === 'volumeSnapshot') {
    return db.context.options.localSnapshotsSurviveClusterLoss
      ? undefined
      : `volume snapshots stay on ${db.cluster}'s storage: a local point, lost with the cluster`;
  }
  const pluginName = str(b.spec?.pluginConfiguration?.name);
  const archive = archiveFor(method, pluginName, db.archives);
  if (!archive) {
    return method === 'plugin'
      ? `made by plugin ${
          pluginName ?? '(unnamed)'
        }, whose storage is not known`
      : `the Cluster has no spec.backup.barmanObjectStore: where it is stored cannot be checked`;
  }
  if (archive.unusable) return archive.unusable;
  const endpoint =
    archive.via === 'barmanObjectStore'
      ? str(b.status?.endpointURL) ?? archive.endpointURL
      : archive.endpointURL;
  const local = endpointInsideCluster(endpoint);
  if (local) return `${local}: a local point, lost with the cluster`;
  if (
    archive.firstRecoverabilityMs !== undefined &&
    stopped < archive.firstRecoverabilityMs
  ) {
    return `older than the store's first recoverability point ${iso(
      archive.firstRecoverabilityMs,
    )}: retention has removed its data`;
  }
  return undefined;
}

/**
 * One Backup as a recovery point: counted at `status.stoppedAt` when `completed` in a store that
 * survives the cluster and still holds it; otherwise listed with the reason (and, for a time
 * ahead of the clock, what to report as clock skew).
 */
function judgeBackup(
  db: Database,
  b: CnpgBackup,
): { found: DrProviderRecoveryPoint; future?: string } {
  const { context, cluster, namespace } = db;
  const { nowMs, options } = context;
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
  const not = (why: string, future?: string) => ({
    found: { point: { ...point, reason: why } },
    future,
  });
  if (phase !== 'completed') {
    if (phase && FAILED_PHASES.includes(phase)) {
      return not(`${phase}: ${str(b.status?.error) ?? 'no error reported'}`);
    }
    return not(phase ? `not finished (phase ${phase})` : 'not started');
  }
  if (stopped === undefined) {
    return not(
      'status.stoppedAt is not set: the time of its data cannot be read',
    );
  }
  const why = notOffCluster(db, b, stopped);
  if (why) return not(why);
  if (stopped > nowMs + (options.clockSkewSeconds ?? 300) * 1000) {
    return not(
      `its time ${iso(stopped)} is in the future (clock skew)`,
      `Backup ${b.metadata.name} at ${iso(stopped)}`,
    );
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
    found: {
      point: { ...point, usable: true, counted: true },
      ms,
      pvcs: db.pvcs.map(pvc => ({ pvc, point: pvcPoint })),
      service: true,
    },
  };
}

/**
 * Failures (rule 2) and the Cluster's health: the newest Backup failed, WAL archiving failing,
 * `LastBackupSucceeded` False, `lastFailedBackup` newer than the newest completed backup
 * (in-core), a phase other than healthy. One failure reason at most.
 */
function healthReasons(
  db: Database,
  newest: CnpgBackup | undefined,
  newestCompletedMs: number | undefined,
): DrReason[] {
  const { pg, namespace, name, archiving } = db;
  const reasons: DrReason[] = [];
  const newestPhase = str(newest?.status?.phase);
  if (newest && newestPhase && FAILED_PHASES.includes(newestPhase)) {
    reasons.push(
      reason(
        'backup-failed',
        `The newest Backup ${namespace}/${newest.metadata.name} of ${
          db.label
        } is ${newestPhase}${
          str(newest.status?.error) ? `: ${newest.status!.error}` : ''
        }.`,
        `Read its error (kubectl -n ${namespace} describe backups.postgresql.cnpg.io ${newest.metadata.name}; kubectl cnpg status ${name} -n ${namespace}) and fix the cause.`,
        objectRef('Backup', newest, db.cluster),
      ),
    );
  }
  if (db.walArchiver && archiving?.status === 'False') {
    reasons.push(
      reason(
        'cnpg-wal-archiving-failing',
        `WAL archiving of ${db.label} is failing (ContinuousArchiving False${
          archiving.reason ? `, ${archiving.reason}` : ''
        }${
          archiving.message ? `: ${archiving.message}` : ''
        }); point-in-time recovery past the newest base backup is lost.`,
        `Check the archive's credentials and reachability (kubectl cnpg status ${name} -n ${namespace}, the primary's logs).`,
        clusterRef(db, 'status.conditions'),
      ),
    );
  }
  const failureReported = () => reasons.some(r => r.code === 'backup-failed');
  const lastBackup = conditionOf(pg, 'LastBackupSucceeded');
  if (lastBackup?.status === 'False' && !failureReported()) {
    reasons.push(
      reason(
        'backup-failed',
        `${db.label} reports its last backup failed (LastBackupSucceeded False${
          lastBackup.message ? `: ${lastBackup.message}` : ''
        }).`,
        `Read the failed Backup's error (kubectl -n ${namespace} get backups.postgresql.cnpg.io -l cnpg.io/cluster=${name}).`,
        clusterRef(db, 'status.conditions'),
      ),
    );
  }
  const lastFailed = cnpgTime(pg.status?.lastFailedBackup);
  if (
    db.archives.inCore &&
    !failureReported() &&
    lastFailed !== undefined &&
    (newestCompletedMs === undefined || lastFailed > newestCompletedMs)
  ) {
    reasons.push(
      reason(
        'backup-failed',
        `${db.label}: its last failed backup (status.lastFailedBackup ${iso(
          lastFailed,
        )}) is newer than its newest completed one.`,
        `Read the failed Backup's error (kubectl -n ${namespace} get backups.postgresql.cnpg.io -l cnpg.io/cluster=${name}).`,
        clusterRef(db, 'status.lastFailedBackup'),
      ),
    );
  }
  const phase = str(pg.status?.phase);
  if (phase && phase !== HEALTHY_PHASE) {
    reasons.push(
      reason(
        'cnpg-cluster-unhealthy',
        `${db.label} is not healthy (status.phase "${phase}").`,
        `Check it with kubectl cnpg status ${name} -n ${namespace}.`,
        clusterRef(db, 'status.phase'),
      ),
    );
  }
  return reasons;
}

/**
 * The WAL archive as shown: a point only where its freshness is measured (see
 * {@link walArchivePoint}); the Cluster resource carries no last archived WAL time.
 */
function walArchiveShown(db: Database): DrProviderRecoveryPoint[] {
  const { archiving } = db;
  if (!db.walArchiver || archiving?.status !== 'True') return [];
  const since = cnpgTime(archiving.lastTransitionTime);
  return [
    {
      point: {
        source: `${PROVIDER_ID}-wal`,
        kind: 'Cluster',
        name: db.name,
        namespace: db.namespace,
        cluster: db.cluster,
        usable: true,
        counted: false,
        phase: 'ContinuousArchiving',
        reason: `WAL archiving reported working (ContinuousArchiving True${
          since !== undefined ? ` since ${iso(since)}` : ''
        }), last archived WAL time not readable from the Cluster resource (it is in the instance status, pods/proxy /pg/status, or the cnpg_pg_stat_archiver_last_archived_time metric)`,
      },
    },
  ];
}

/** Why a schedule's backups do not leave the cluster, or undefined when they do. */
function scheduleStaysLocal(
  db: Database,
  sb: CnpgScheduledBackup,
): string | undefined {
  const method = methodOf(sb);
  if (method === 'volumeSnapshot') {
    return db.context.options.localSnapshotsSurviveClusterLoss === true
      ? undefined
      : `it takes volume snapshots, which stay on ${db.cluster}'s storage`;
  }
  const pluginName = str(sb.spec?.pluginConfiguration?.name);
  const archive = archiveFor(method, pluginName, db.archives);
  if (!archive) {
    return method === 'plugin'
      ? `its plugin ${pluginName} stores data where it cannot be checked`
      : `Cluster ${db.name} has no spec.backup.barmanObjectStore`;
  }
  if (archive.unusable) return archive.unusable;
  if (archive.local) return archive.local;
  if (!db.walArchiver) {
    return `Cluster ${db.name} archives no WAL (no spec.backup.barmanObjectStore, no plugin with isWALArchiver: true)`;
  }
  return undefined;
}

/** A schedule's cron as CloudNativePG reads it, with the reasons it gives. */
function readSchedule(
  db: Database,
  sb: CnpgScheduledBackup,
): { cron?: CnpgCron; interval?: number; reasons: DrReason[] } {
  const sbLabel = label('ScheduledBackup', sb, db.cluster);
  const field = objectRef('ScheduledBackup', sb, db.cluster, 'spec.schedule');
  const raw = sb.spec?.schedule;
  const parsed = parseCnpgCron(raw);
  if ('error' in parsed) {
    return {
      reasons: [
        reason(
          'schedule-unreadable',
          `${sbLabel}: spec.schedule ${JSON.stringify(raw)} ${
            parsed.error
          }; CloudNativePG will not run it.`,
          'Write spec.schedule with six fields, seconds first (e.g. "0 0 3 * * *" for daily at 03:00).',
          field,
        ),
      ],
    };
  }
  const interval = cnpgMaxIntervalSeconds(parsed, db.context.now);
  const reasons =
    parsed.kind === 'cron' && parsed.fiveFields
      ? [
          reason(
            'cnpg-schedule-five-fields',
            `${sbLabel}: spec.schedule "${raw}" has five fields; CloudNativePG reads the first as seconds, so it runs every ${formatDuration(
              interval ?? 0,
            )} (${parsed.fields}), not what a five-field cron means.`,
            `Write six fields, seconds first: "${sixFieldFix(
              String(raw),
            )}" (cloudnative-pg#883).`,
            field,
          ),
        ]
      : [];
  reasons.push(...confirmReading(db, sb, parsed));
  return { cron: parsed, interval, reasons };
}

/**
 * `status.nextScheduleTime` against the run the reading gives after `status.lastScheduleTime`
 * (PROVIDERS.md: they confirm the reading). A difference means the operator reads the schedule
 * otherwise, e.g. in its container's local time zone rather than UTC.
 */
function confirmReading(
  db: Database,
  sb: CnpgScheduledBackup,
  cron: CnpgCron,
): DrReason[] {
  const last = cnpgTime(sb.status?.lastScheduleTime);
  const next = cnpgTime(sb.status?.nextScheduleTime);
  if (last === undefined || next === undefined || next <= last) return [];
  if (cron.kind === 'every') return []; // @every counts from the last run, whenever that was
  const [expected] = cnpgRunTimes(cron, last, next + 86400_000 * 400, 1);
  if (expected === undefined || Math.abs(expected - next) <= 60_000) return [];
  return [
    reason(
      'schedule-reading-unconfirmed',
      `${label(
        'ScheduledBackup',
        sb,
        db.cluster,
      )}: status.nextScheduleTime ${iso(
        next,
      )} is not the run spec.schedule gives after status.lastScheduleTime ${iso(
        last,
      )} (${iso(
        expected,
      )}, reading it in UTC, seconds first); its cadence may not be the one judged.`,
      `Check the time zone of the CloudNativePG operator on ${db.cluster} (CloudNativePG runs schedules in its local time) and spec.schedule.`,
      objectRef('ScheduledBackup', sb, db.cluster, 'status.nextScheduleTime'),
    ),
  ];
}

/** Missed runs (DOMAIN): runs due since the newest counted base backup, past a grace. */
function missedRunsOf(
  db: Database,
  sb: CnpgScheduledBackup,
  cron: CnpgCron,
  interval: number,
  newestCountedMs: number | undefined,
): { missedRuns: number; missedSince?: string; reasons: DrReason[] } {
  const { nowMs } = db.context;
  const since = newestCountedMs ?? cnpgTime(sb.metadata.creationTimestamp);
  const graceMs = Math.max(interval * 0.1, 300) * 1000;
  if (since === undefined || nowMs - since <= interval * 1000 + graceMs) {
    return { missedRuns: 0, reasons: [] };
  }
  const missed = cnpgRunTimes(cron, since, nowMs - graceMs, MAX_COUNTED_RUNS);
  if (missed.length === 0) return { missedRuns: 0, reasons: [] };
  const missedSince = iso(missed[0]);
  return {
    missedRuns: missed.length,
    missedSince,
    reasons: [
      reason(
        'schedule-missed-runs',
        `${label('ScheduledBackup', sb, db.cluster)} missed ${
          missed.length
        } run${missed.length === 1 ? '' : 's'} since ${missedSince} (${
          newestCountedMs !== undefined
            ? `last completed base backup ${iso(newestCountedMs)}`
            : 'no completed base backup seen'
        }).`,
        `CloudNativePG on ${db.cluster} may be down or its backups fail: kubectl -n ${db.namespace} get backups.postgresql.cnpg.io -l cnpg.io/cluster=${db.name}; the operator's logs.`,
        objectRef('ScheduledBackup', sb, db.cluster),
      ),
    ],
  };
}

/** A ScheduledBackup's state reasons: an error in its status, `suspend: true`. */
function scheduleStateReasons(
  db: Database,
  sb: CnpgScheduledBackup,
): DrReason[] {
  const sbLabel = label('ScheduledBackup', sb, db.cluster);
  const obj = objectRef('ScheduledBackup', sb, db.cluster);
  const reasons: DrReason[] = [];
  const scheduleError = str(sb.status?.error);
  if (scheduleError) {
    reasons.push(
      reason(
        'schedule-failing',
        `${sbLabel} reports an error: ${scheduleError}.`,
        `Fix the cause and check kubectl -n ${db.namespace} describe scheduledbackups.postgresql.cnpg.io ${sb.metadata.name}.`,
        { ...obj, field: 'status.error' },
      ),
    );
  }
  if (sb.spec?.suspend === true) {
    reasons.push(
      reason(
        'schedule-paused',
        `${sbLabel} is suspended (spec.suspend: true): no further base backups of ${db.name} will come; its last backup still counts.`,
        'Set spec.suspend: false.',
        { ...obj, field: 'spec.suspend' },
      ),
    );
  }
  return reasons;
}

/**
 * A ScheduledBackup: coverage of the Cluster's PVCs (off the cluster when it writes to a
 * surviving store with WAL archiving), its cadence, the schedule as listed, and its reasons.
 */
function judgeSchedule(
  db: Database,
  sb: CnpgScheduledBackup,
  newestCountedMs: number | undefined,
): Pick<
  Collected,
  'reasons' | 'coverage' | 'schedules' | 'manifestCadenceSeconds'
> {
  const { cluster, name, pvcs } = db;
  const method = methodOf(sb);
  const suspended = sb.spec?.suspend === true;
  const { cron, interval, reasons } = readSchedule(db, sb);
  reasons.push(...scheduleStateReasons(db, sb));
  const why = scheduleStaysLocal(db, sb);
  const offCluster = why === undefined;
  if (why && pvcs.length === 0) {
    // With PVCs the evaluation says the PVC is local only; without, say it here.
    reasons.push(
      reason(
        'cnpg-backup-local',
        `${label(
          'ScheduledBackup',
          sb,
          cluster,
        )} backs up ${name} to no store that survives the loss of ${cluster}: ${why}.`,
        `Back ${name} up to an object store outside ${cluster} (method plugin with an ObjectStore, or barmanObjectStore) with WAL archiving.`,
        objectRef('ScheduledBackup', sb, cluster),
      ),
    );
  }
  const cadence =
    offCluster && !suspended && interval !== undefined
      ? { seconds: interval, by: `ScheduledBackup ${sb.metadata.name}` }
      : undefined;
  const missed =
    cron && interval !== undefined && !suspended && offCluster
      ? missedRunsOf(db, sb, cron, interval, newestCountedMs)
      : { missedRuns: 0, missedSince: undefined, reasons: [] };
  reasons.push(...missed.reasons);
  const lastSchedule = cnpgTime(sb.status?.lastScheduleTime);
  const raw = sb.spec?.schedule;
  return {
    reasons,
    coverage: pvcs.map(pvc => ({
      pvc,
      by: {
        kind: 'ScheduledBackup',
        name: sb.metadata.name,
        paused: suspended,
        offCluster,
      },
      ...(cadence ? { cadence } : {}),
    })),
    manifestCadenceSeconds:
      pvcs.length === 0 && cadence ? [cadence.seconds] : [],
    schedules: [
      {
        cluster,
        name: sb.metadata.name,
        schedule: typeof raw === 'string' ? raw : '',
        maxIntervalSeconds: interval ?? null,
        paused: suspended,
        storageLocation: archiveFor(
          method,
          str(sb.spec?.pluginConfiguration?.name),
          db.archives,
        )?.[method === 'plugin' ? 'objectStoreName' : 'destinationPath'],
        lastBackup: lastSchedule !== undefined ? iso(lastSchedule) : undefined,
        lastSuccessfulBackup:
          newestCountedMs !== undefined ? iso(newestCountedMs) : undefined,
        missedRuns: missed.missedRuns,
        missedSince: missed.missedSince,
        movesData: offCluster,
      },
    ],
  };
}

/** The archive identities (path and server) and destination paths that survive the cluster. */
function survivingArchives(db: Database) {
  const identities: string[] = [];
  const destinations: string[] = [];
  for (const archive of [db.archives.inCore, db.archives.plugin]) {
    if (!archive || archive.unusable || archive.local) continue;
    const id = archiveIdentity(archive.destinationPath, archive.serverName);
    if (id) identities.push(id);
    if (archive.destinationPath) {
      destinations.push(archive.destinationPath.replace(/\/+$/, ''));
    }
  }
  return { identities, destinations };
}

/** Judges one CNPG Cluster of the service into `out`: its points, health, coverage and schedules. */
function judgeDatabase(
  context: DrProviderContext,
  ev: SanitizedEvidence,
  namespace: string,
  name: string,
  out: Collected,
): { counted: boolean; identities: string[]; destinations: string[] } {
  const db = findDatabase(context, ev, namespace, name);
  if ('reasons' in db) {
    out.reasons.push(...db.reasons);
    return { counted: false, identities: [], destinations: [] };
  }
  out.reasons.push(...malformed(db), ...objectStoreReasons(db));
  out.storageLocations.push(...storageLocationsOf(db));

  const sorted = [...db.backups].sort(
    (a, b) => backupStart(b) - backupStart(a),
  );
  let newestCountedMs: number | undefined;
  for (const b of sorted) {
    const { found, future } = judgeBackup(db, b);
    out.recoveryPoints.push(found);
    if (future) out.futurePoints.push({ cluster: db.cluster, what: future });
    if (found.ms !== undefined) {
      newestCountedMs = Math.max(newestCountedMs ?? 0, found.ms);
    }
  }
  const newestCompleted = sorted.find(b => b.status?.phase === 'completed');
  out.reasons.push(
    ...healthReasons(
      db,
      sorted[0],
      newestCompleted &&
        (cnpgTime(newestCompleted.status?.stoppedAt) ??
          backupStart(newestCompleted)),
    ),
  );
  out.recoveryPoints.push(...walArchiveShown(db));
  for (const sb of db.schedules) {
    const judged = judgeSchedule(db, sb, newestCountedMs);
    out.reasons.push(...judged.reasons);
    out.coverage.push(...judged.coverage);
    out.schedules.push(...judged.schedules);
    out.manifestCadenceSeconds.push(...judged.manifestCadenceSeconds);
  }
  return { counted: newestCountedMs !== undefined, ...survivingArchives(db) };
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
  out: Collected,
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
