import { scheduleMaxIntervalSeconds } from '../../evaluation/cadence';
import { KubeObject } from '../../evaluation/kubernetes';
import { DrProviderContext, DrProviderPvc } from '../../evaluation/provider';
import { endpointInsideCluster, Fields, Json } from './fields';

/**
 * Where a KubeStash `BackupStorage` (`spec.storage`) or a Stash `Repository` (`spec.backend`)
 * keeps its data: `key` identifies the bucket and prefix across clusters (`s3:acme/prod`), and
 * `local` says why it dies with the cluster, if it does.
 */
export interface BackendPlace {
  key: string;
  provider: string;
  /** Why the data would be lost with the cluster; undefined when it lives outside it. */
  local?: string;
}

/**
 * Reads a backend: `s3{endpoint,bucket,prefix}`, `gcs{bucket,prefix}`, `azure{container,prefix}`
 * (object storage outside the cluster unless the S3 endpoint is a cluster-internal host), or
 * `local` (a PVC, hostPath, emptyDir or NFS volume: local; PROVIDERS.md counts NFS only when its
 * server is outside the cluster, which the objects cannot show). `providerField` is KubeStash's
 * `spec.storage.provider` when there is one.
 */
export function backendPlace(
  f: Fields,
  backend: Json | undefined,
  prefix: string,
  provider?: string,
): BackendPlace | undefined {
  if (!backend) return undefined;
  const s3 = f.map('s3', backend, prefix);
  const gcs = f.map('gcs', backend, prefix);
  const azure = f.map('azure', backend, prefix);
  const local = f.map('local', backend, prefix);
  const present = (
    [
      ['s3', s3],
      ['gcs', gcs],
      ['azure', azure],
      ['local', local],
    ] as const
  ).find(([, spec]) => spec !== undefined)?.[0];
  const chosen = provider ?? present;
  const clean = (p: string | undefined) => (p ?? '').replace(/^\/+|\/+$/g, '');
  if (chosen === 's3' && s3) {
    const endpoint = f.str('endpoint', s3, `${prefix}s3.`);
    const bucket = f.str('bucket', s3, `${prefix}s3.`) ?? '';
    return {
      key: `s3:${endpoint ?? ''}/${bucket}/${clean(
        f.str('prefix', s3, `${prefix}s3.`),
      )}`,
      provider: 's3',
      local: endpointInsideCluster(endpoint),
    };
  }
  if (chosen === 'gcs' && gcs) {
    return {
      key: `gcs:${f.str('bucket', gcs, `${prefix}gcs.`) ?? ''}/${clean(
        f.str('prefix', gcs, `${prefix}gcs.`),
      )}`,
      provider: 'gcs',
    };
  }
  if (chosen === 'azure' && azure) {
    return {
      key: `azure:${f.str('container', azure, `${prefix}azure.`) ?? ''}/${clean(
        f.str('prefix', azure, `${prefix}azure.`),
      )}`,
      provider: 'azure',
    };
  }
  if (chosen === 'local' || local) {
    const kinds = Object.keys(local ?? {}).filter(k =>
      ['persistentVolumeClaim', 'hostPath', 'emptyDir', 'nfs'].includes(k),
    );
    return {
      key: `local:${f.cluster}/${f.obj.metadata.namespace ?? ''}/${
        f.obj.metadata.name
      }`,
      provider: 'local',
      local: `its backend is a local volume (${
        kinds.join(', ') || 'local'
      }) of the cluster`,
    };
  }
  return undefined;
}

/**
 * A backup schedule as a Kubernetes CronJob reads it: KubeStash and Stash turn
 * `scheduler.schedule` / `spec.schedule` into a CronJob's `spec.schedule`, which Kubernetes parses
 * with robfig/cron's `ParseStandard` (five fields, `@hourly`/`@daily`/..., `@every`; no seconds
 * field), and whose API validation rejects a `TZ=`/`CRON_TZ=` prefix (use `spec.timeZone`;
 * kubernetes pkg/apis/batch/validation). Returns the longest interval in seconds, or the reason
 * it cannot be read.
 */
export function cronJobInterval(
  schedule: string | undefined,
  now: Date,
): { seconds: number } | { error: string } {
  if (schedule === undefined || schedule.trim() === '') {
    return { error: 'is empty' };
  }
  if (/^\s*(CRON_TZ|TZ)=/.test(schedule)) {
    return {
      error:
        'has a TZ= prefix, which a Kubernetes CronJob rejects (its timeZone field sets the zone)',
    };
  }
  const seconds = scheduleMaxIntervalSeconds(schedule, now);
  return seconds === undefined
    ? { error: 'is not a cron expression a Kubernetes CronJob reads' }
    : { seconds };
}

/**
 * Whether a backup job takes in a PVC of the workload it targets: the pod template mounts the
 * PVC under a volume named in `volumeMounts[].name`, and that mount path is inside `paths`
 * (when given) and not inside `exclude` (PROVIDERS.md KubeStash "Coverage"). A PVC the job does
 * not mount is not covered.
 */
export function jobTakesInPvc(
  pvc: DrProviderPvc,
  workload: { kind: string; name: string },
  volumeMounts: Array<{ name?: string; mountPath?: string }>,
  paths: string[] | undefined,
  exclude: string[],
): boolean {
  const volumes = pvc.mounts
    .filter(m => m.workload === `${workload.kind} ${workload.name}`)
    .map(m => m.volume);
  const inside = (path: string, dir: string) => {
    const d = dir.replace(/\/+$/, '');
    return path === d || path.startsWith(`${d}/`);
  };
  return volumeMounts.some(m => {
    if (!m.name || !volumes.includes(m.name)) return false;
    const mountPath = m.mountPath;
    if (!mountPath) return paths === undefined;
    if (exclude.some(e => inside(mountPath, e))) return false;
    return (
      paths === undefined ||
      paths.some(p => inside(p, mountPath) || inside(mountPath, p))
    );
  });
}

/** A comma-separated list as addon params write it (`paths: /data,/logs`). */
export function commaList(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  return value
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);
}

/** The grace before a run counts as missed: 10% of the interval or 5 minutes, the longer. */
export function missedRunGraceMs(intervalSeconds: number): number {
  return Math.max(intervalSeconds * 100, 300_000);
}

/** The service's object of a kind and name on a cluster (StatefulSet, Deployment, PVC). */
export function serviceObjectNamed(
  ctx: DrProviderContext,
  cluster: string,
  kind: string,
  namespace: string,
  name: string,
): KubeObject | undefined {
  const resource = {
    StatefulSet: 'statefulsets',
    Deployment: 'deployments',
    PersistentVolumeClaim: 'persistentvolumeclaims',
  }[kind];
  if (!resource) return undefined;
  return ctx.location.serviceObjects
    .get(cluster)
    ?.find(
      o =>
        o.resource === resource &&
        o.obj.metadata.name === name &&
        (o.obj.metadata.namespace ?? '') === namespace,
    )?.obj;
}
