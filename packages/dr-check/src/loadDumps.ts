import fs from 'fs';
import path from 'path';
import {
  ClusterEvidence,
  ClusterObjects,
  KubeObject,
  DR_PROVIDERS,
  resourceTypeOf,
} from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DrCheckInputError,
  describeYamlError,
  isRecord,
  listFiles,
  readYamlFile,
} from './files';

/** The resource types of every status provider `dr-check` judges with. */
const PROVIDER_RESOURCE_TYPES = DR_PROVIDERS.flatMap(p => p.resourceTypes);

/**
 * The evidence read from the dumps of every cluster, and the problems met on the way.
 */
export interface LoadedDumps {
  /** One entry per cluster sub-folder, sorted by cluster name. */
  clusters: ClusterEvidence[];
  /**
   * The problems that make a cluster's evidence incomplete (a file that is not valid YAML, a
   * malformed object, an empty cluster folder), each also a failure of that cluster's evidence.
   */
  errors: Array<{ cluster: string; reason: string }>;
}

/** The file extensions read in a cluster folder: kubectl's `-o yaml` and `-o json` output. */
export const DUMP_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/**
 * Reads the Kubernetes objects of each cluster from a folder of dumps: one sub-folder per
 * cluster, named as the cluster (`dumps/prod-eu/`, `dumps/dr-us/`), holding `kubectl get ...
 * -o yaml` (or `-o json`) output, searched recursively. A file may hold single objects (several
 * YAML documents) or lists: `kind: List`, as `kubectl get -A -o yaml` prints, whose items carry
 * their own `apiVersion` and `kind`, or a typed list such as `kind: BackupList` (as the API
 * server returns it), whose items take the list's `apiVersion` and the kind without `List`.
 *
 * Objects are sorted into {@link ClusterObjects} by `resourceTypeOf(apiVersion, kind)`; other
 * kinds are ignored. An object listed twice (same resource, namespace and name) counts once.
 *
 * A file named `metrics.yaml` (`.yml`, `.json`) holds metrics instead of objects (see
 * {@link METRICS_FILE}): `cnpg_pg_replication_lag` gives
 * `ClusterEvidence.postgresReplicationLagSeconds`, by `namespace/name` of the replica `Cluster`.
 *
 * Never throws for bad content: a file that cannot be read or is not valid YAML, an object of a
 * read kind without `metadata.name`, or a cluster folder without dump files becomes a failure of
 * that cluster's evidence (a failure without `resources` covers the whole cluster, so its services are judged
 * `unknown` unless a breach is proven); the objects of the cluster's other files are kept.
 *
 * @param dir - the folder given to `--clusters`
 * @throws DrCheckInputError when `dir` does not exist, is not a folder, or has no sub-folders
 */
export function loadClusterDumps(dir: string): LoadedDumps {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    throw new DrCheckInputError(
      `--clusters ${dir}: no such folder; give a folder with one sub-folder of kubectl dumps per cluster, e.g. dumps/prod-eu/velero.yaml`,
    );
  }
  const names = entries
    .filter(e => e.isDirectory() && !e.name.startsWith('.'))
    .map(e => e.name)
    .sort();
  if (names.length === 0) {
    throw new DrCheckInputError(
      `--clusters ${dir}: has no cluster sub-folders; put each cluster's dumps in a sub-folder named as the cluster, e.g. ${path.join(
        dir,
        'prod-eu',
        'velero.yaml',
      )}`,
    );
  }
  const errors: LoadedDumps['errors'] = [];
  const clusters = names.map(name => {
    const evidence = loadCluster(name, path.join(dir, name));
    for (const { reason } of evidence.failures ?? []) {
      errors.push({ cluster: name, reason });
    }
    return evidence;
  });
  return { clusters, errors };
}

/**
 * The base name of a metrics file in a cluster folder (`metrics.yaml`, `metrics.yml` or
 * `metrics.json`, at any depth). It is one mapping of metric name to values by object, e.g.
 *
 * ```yaml
 * # cnpg_pg_replication_lag of each CloudNativePG replica cluster's designated primary, in seconds
 * cnpg_pg_replication_lag:
 *   orders/orders-db: 12
 * ```
 *
 * The only metric read is `cnpg_pg_replication_lag` (seconds, by `namespace/name` of the
 * replica `Cluster`). A malformed file (not a mapping, another metric, a key that is not
 * `namespace/name`, a value that is not a number of seconds ≥ 0) is a failure of the cluster's
 * `postgresClusters`: the services with a replica there are judged `unknown`.
 */
export const METRICS_FILE = 'metrics';

const LAG_METRIC = 'cnpg_pg_replication_lag';

function loadCluster(cluster: string, dir: string): ClusterEvidence {
  const objects: ClusterObjects = {};
  let lag: Record<string, number> | undefined;
  const byResource = objects as Record<string, KubeObject[]>;
  const failures: NonNullable<ClusterEvidence['failures']> = [];
  const seen = new Set<string>();
  const files = listFiles(dir, DUMP_EXTENSIONS, '--clusters');
  if (files.length === 0) {
    failures.push({
      reason: `${dir} holds no ${DUMP_EXTENSIONS.join(
        ', ',
      )} files, so nothing was read from cluster ${cluster}`,
    });
  }
  for (const file of files) {
    let result;
    try {
      result = readYamlFile(file);
    } catch (error) {
      failures.push({ reason: (error as Error).message });
      continue;
    }
    if (!result.ok) {
      failures.push({ reason: describeYamlError(file, result) });
      continue;
    }
    if (path.parse(file).name === METRICS_FILE) {
      const read = readMetrics(file, result.documents);
      if ('problem' in read) {
        failures.push({
          resources: ['postgresClusters'],
          reason: read.problem,
        });
      } else {
        lag = { ...lag, ...read.lag };
      }
      continue;
    }
    for (const { value, line } of result.documents) {
      for (const { obj, where } of listObjects(value)) {
        const apiVersion = isRecord(obj) ? obj.apiVersion : undefined;
        const kind = isRecord(obj) ? obj.kind : undefined;
        const type = resourceTypeOf(
          typeof apiVersion === 'string' ? apiVersion : undefined,
          typeof kind === 'string' ? kind : undefined,
          PROVIDER_RESOURCE_TYPES,
        );
        if (!type) {
          continue;
        }
        const metadata = isRecord(obj) ? obj.metadata : undefined;
        if (
          !isRecord(obj) ||
          !isRecord(metadata) ||
          typeof metadata.name !== 'string'
        ) {
          failures.push({
            resources: [type.resource],
            reason: `${file}:${line}:${where} a ${type.kind} without metadata.name`,
          });
          continue;
        }
        const key = `${type.resource}/${metadata.namespace ?? ''}/${
          metadata.name
        }`;
        if (seen.has(key)) {
          continue;
        }
        seen.add(key);
        (byResource[type.resource] ??= []).push(obj as unknown as KubeObject);
      }
    }
  }
  return {
    cluster,
    objects,
    ...(failures.length > 0 ? { failures } : {}),
    ...(lag ? { postgresReplicationLagSeconds: lag } : {}),
  };
}

/** The lags of a metrics file (see {@link METRICS_FILE}), or why it cannot be read. */
function readMetrics(
  file: string,
  documents: ReadonlyArray<{ value: unknown; line: number }>,
): { lag: Record<string, number> } | { problem: string } {
  const lag: Record<string, number> = {};
  for (const { value, line } of documents) {
    if (!isRecord(value)) {
      return {
        problem: `${file}:${line}: a metrics file is a mapping, e.g. ${LAG_METRIC}: { orders/orders-db: 12 }`,
      };
    }
    for (const [metric, values] of Object.entries(value)) {
      if (metric !== LAG_METRIC) {
        return {
          problem: `${file}:${line}: ${metric} is not a metric dr-check reads; use ${LAG_METRIC}`,
        };
      }
      if (!isRecord(values)) {
        return {
          problem: `${file}:${line}: ${LAG_METRIC} maps namespace/name of a replica Cluster to its lag in seconds, e.g. orders/orders-db: 12`,
        };
      }
      for (const [key, seconds] of Object.entries(values)) {
        if (!/^[^/\s]+\/[^/\s]+$/.test(key)) {
          return {
            problem: `${file}:${line}: ${LAG_METRIC}: "${key}" is not namespace/name of a Cluster`,
          };
        }
        if (
          typeof seconds !== 'number' ||
          !Number.isFinite(seconds) ||
          seconds < 0
        ) {
          return {
            problem: `${file}:${line}: ${LAG_METRIC}: ${key}: ${JSON.stringify(
              seconds,
            )} is not a lag in seconds (a number, 0 or more)`,
          };
        }
        lag[key] = seconds;
      }
    }
  }
  return { lag };
}

/**
 * The objects of one YAML document: the items of a list (with the list's apiVersion and kind
 * filled in for a typed list), or the document itself. `where` locates an item for messages.
 */
function listObjects(value: unknown): Array<{ obj: unknown; where: string }> {
  if (
    !isRecord(value) ||
    typeof value.kind !== 'string' ||
    !value.kind.endsWith('List') ||
    !Array.isArray(value.items)
  ) {
    return [{ obj: value, where: '' }];
  }
  const typed = value.kind !== 'List';
  const kind = value.kind.slice(0, -'List'.length);
  return value.items.map((item, index) => ({
    obj:
      typed && isRecord(item)
        ? { apiVersion: value.apiVersion, kind, ...item }
        : item,
    where: ` items[${index}]:`,
  }));
}
