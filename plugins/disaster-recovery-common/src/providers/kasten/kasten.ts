import { KubeObject, LabelSelector } from '../../evaluation/kubernetes';
import {
  describeObject,
  isoSeconds,
  objectRef,
} from '../../evaluation/objects';
import { DrProviderContext, DrProviderPvc } from '../../evaluation/provider';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import { matchesLabelSelector } from '../../evaluation/selectors';
import { DrRecoveryPoint } from '../../evaluation/types';
import { Collector } from '../kubestash/collector';
import { missedRunGraceMs } from '../kubestash/common';
import {
  endpointInsideCluster,
  Fields,
  isJson,
  Json,
  providerObjects,
} from '../kubestash/fields';
import { kastenIntervalSeconds } from './frequency';

/** The Kasten K10 resource keys (`DrResourceType.resource`) this provider reads. */
export const KASTEN_RESOURCES = {
  policies: 'kastenPolicies',
  profiles: 'kastenProfiles',
  runActions: 'kastenRunActions',
  backupActions: 'kastenBackupActions',
  exportActions: 'kastenExportActions',
  restoreActions: 'kastenRestoreActions',
  restorePoints: 'kastenRestorePoints',
  restorePointContents: 'kastenRestorePointContents',
} as const;

const APP_NAMESPACE = 'k10.kasten.io/appNamespace';
const POLICY_NAME = 'k10.kasten.io/policyName';
const EXPORT_PROFILE = 'k10.kasten.io/exportProfile';
const EXPORT_TYPE = 'k10.kasten.io/exportType';

/** A location `Profile` as read: validated, and whether its storage is outside the cluster. */
interface Profile {
  obj: KubeObject;
  validation?: string;
  /** Why its storage dies with the cluster, if it does. */
  local?: string;
}

/** One cluster's Kasten objects. */
interface ClusterState {
  cluster: string;
  evidence: SanitizedEvidence;
  policies: KubeObject[];
  profiles: KubeObject[];
  actions: Array<{ kind: string; obj: KubeObject }>;
  restorePoints: KubeObject[];
  contents: KubeObject[];
}

const labelOf = (o: KubeObject, key: string) =>
  o.metadata.labels?.[key] ?? undefined;

function readProfile(f: Fields): Profile {
  const location = f.map('spec.locationSpec');
  const type = location && f.str('type', location, 'spec.locationSpec.');
  let local: string | undefined;
  if (type === 'FileStore') {
    // A FileStore is a PVC of the cluster (NFS behind it counts only when external, which the
    // Profile cannot show): local (PROVIDERS.md section 3).
    local = 'its location is a FileStore (a PVC of the cluster)';
  } else if (type === 'ObjectStore' || type === undefined) {
    const store =
      location && f.map('objectStore', location, 'spec.locationSpec.');
    const endpoint =
      store && f.str('endpoint', store, 'spec.locationSpec.objectStore.');
    local = endpointInsideCluster(endpoint);
  }
  return { obj: f.obj, validation: f.str('status.validation'), local };
}

/**
 * Judges a service's Kasten K10 protection (PROVIDERS.md section 3). Kasten protects an
 * application, which is a namespace: the service's namespaces on its primary are its apps.
 *
 * - **Points**: an exported restore point: a `RestorePoint` (app namespace) or
 *   `RestorePointContent` (cluster-scoped; the only kind an import creates on the recovery
 *   cluster in 9.x) labelled `k10.kasten.io/appNamespace` = the service's namespace and carrying
 *   the label `k10.kasten.io/exportProfile` (its presence, never a profile name found elsewhere);
 *   its Profile exists with `status.validation: Success` and stores outside the cluster; for the
 *   service's PVCs its `k10.kasten.io/exportType` is `portableAppData` (`appConfigOnly` holds
 *   manifests: a point for a service without PVCs only); the action that made it is `Complete`.
 *   Point = `status.actionTime` (when the backup captured the app), else `status.scheduledTime`,
 *   else `metadata.creationTimestamp`; never the export's end. The same point seen on both
 *   clusters (same policy and action time) counts once.
 * - **Coverage**: a `Policy` that is validated, not paused and not `@onDemand`, whose selector
 *   takes in the app's namespace (over its virtual label `k10.kasten.io/appNamespace`), whose
 *   backup filters do not leave the PVC out, and which exports with `exportData.enabled: true`
 *   to a surviving, validated Profile; cadence = the export frequency (default the policy's).
 *   A policy without such an export covers locally only.
 * - **Risks**: policy validation failed, paused, on demand or unreadable frequency; Profile
 *   validation failed; newest action not `Complete` (or `Running` past twice the interval);
 *   missed exports.
 * - **Drills**: a `Complete` `RestoreAction` outside the primary whose subject (RestorePoint →
 *   `restorePointContentRef`, or a RestorePointContent) is an exported point of the service;
 *   RTO = `status.endTime − (status.startTime ?? metadata.creationTimestamp)`.
 */
export function evaluateKasten(ctx: DrProviderContext, out: Collector): void {
  const states = new Map<string, ClusterState>();
  for (const evidence of ctx.location.scope) {
    states.set(evidence.cluster, readCluster(ctx, evidence, out));
  }
  const namespaces = [
    ...new Set(
      ctx.location.primaryObjects.map(o => o.obj.metadata.namespace ?? ''),
    ),
  ].filter(Boolean);
  if (namespaces.length === 0) return;

  // ---- Policies on the primary: coverage and export cadence.
  const exportIntervals = new Map<string, number>();
  const servicePolicies = new Map<string, KubeObject>();
  for (const cluster of ctx.primaries) {
    const state = states.get(cluster);
    if (!state) continue;
    for (const policy of state.policies) {
      judgePolicy(
        ctx,
        state,
        policy,
        namespaces,
        out,
        exportIntervals,
        servicePolicies,
      );
    }
  }

  // ---- Restore points on every cluster in scope.
  const byKey = new Map<
    string,
    Array<ReturnType<typeof readPoint> & { primary: boolean }>
  >();
  for (const [cluster, state] of states) {
    const candidates = [
      ...state.restorePoints.map(obj => ({ kind: 'RestorePoint', obj })),
      ...state.contents.map(obj => ({ kind: 'RestorePointContent', obj })),
    ].filter(({ obj }) =>
      namespaces.includes(
        labelOf(obj, APP_NAMESPACE) ?? obj.metadata.namespace ?? '',
      ),
    );
    for (const { kind, obj } of candidates) {
      // An RP's content is the same point: show the RP only.
      if (
        kind === 'RestorePointContent' &&
        state.restorePoints.some(
          rp =>
            isJson(rp) &&
            (
              rp as Json & {
                spec?: { restorePointContentRef?: { name?: string } };
              }
            ).spec?.restorePointContentRef?.name === obj.metadata.name,
        )
      ) {
        continue;
      }
      const read = readPoint(ctx, state, kind, obj, servicePolicies, out);
      const list = byKey.get(read.key) ?? [];
      list.push({ ...read, primary: ctx.isPrimary(cluster) });
      byKey.set(read.key, list);
    }
  }
  const newestByPolicy = new Map<string, number>();
  for (const copies of byKey.values()) {
    copies.sort((a, b) => Number(b.primary) - Number(a.primary));
    const counting = copies.find(c => c.ms !== undefined);
    const shown = counting ?? copies[0];
    const primaryCopy = copies.find(c => c.primary);
    if (counting && !counting.primary && primaryCopy && primaryCopy.profile) {
      const p = primaryCopy.profile;
      out.risk(
        'primary-location-unavailable',
        `Profile ${p.obj.metadata.namespace}/${p.obj.metadata.name} on ${
          primaryCopy.point.cluster
        } is not validated (${
          p.validation ?? 'no status.validation'
        }); the service’s exports count only through their imported copies on ${
          counting.point.cluster
        }.`,
        `Fix the location profile's credentials or bucket (kubectl get profiles.config.kio.kasten.io -n ${p.obj.metadata.namespace} ${p.obj.metadata.name} -o yaml).`,
        objectRef('Profile', p.obj, primaryCopy.point.cluster),
      );
    }
    if (copies.some(c => !c.primary && c.exported)) out.restorableOnRecovery();
    out.evidence.recoveryPoints.push({
      point: shown.point,
      ms: counting?.ms,
      pvcs: counting?.pvcs.map(pvc => ({
        pvc,
        point: {
          time: counting.point.time!,
          source: 'kasten',
          kind: counting.point.kind,
          name: counting.point.name,
          namespace: counting.point.namespace,
          cluster: counting.point.cluster,
        },
      })),
      service:
        counting !== undefined &&
        (ctx.pvcs.length === 0 || counting.pvcs.length > 0),
    });
    if (counting?.ms !== undefined && counting.policy) {
      newestByPolicy.set(
        counting.policy,
        Math.max(newestByPolicy.get(counting.policy) ?? 0, counting.ms),
      );
    }
  }

  // ---- Missed exports, and the newest actions' health, per policy on the primary.
  for (const cluster of ctx.primaries) {
    const state = states.get(cluster);
    if (!state) continue;
    for (const [name, policy] of servicePolicies) {
      const interval = exportIntervals.get(name);
      judgeActions(ctx, state, policy, namespaces, interval, out);
      if (interval === undefined) continue;
      const last = newestByPolicy.get(name);
      const entry = out.evidence.schedules.find(
        s => s.cluster === cluster && s.name === name,
      );
      if (entry && last !== undefined)
        entry.lastSuccessfulBackup = isoSeconds(last);
      const since = last ?? Date.parse(policy.metadata.creationTimestamp ?? '');
      if (Number.isNaN(since)) continue;
      if (ctx.nowMs - since - interval * 1000 <= missedRunGraceMs(interval))
        continue;
      const runs = Math.max(
        1,
        Math.floor((ctx.nowMs - since) / (interval * 1000)),
      );
      const missedSince = isoSeconds(since + interval * 1000);
      if (entry) {
        entry.missedRuns = runs;
        entry.missedSince = missedSince;
      }
      out.risk(
        'schedule-missed-runs',
        `${describeObject('Policy', policy, cluster)} missed ${runs} export${
          runs === 1 ? '' : 's'
        } since ${missedSince} (${
          last !== undefined
            ? `newest exported restore point ${isoSeconds(last)}`
            : 'no exported restore point seen'
        }).`,
        `Check the policy's RunActions (kubectl get runactions.actions.kio.kasten.io -n ${policy.metadata.namespace}) and Kasten's services on ${cluster}.`,
        objectRef('Policy', policy, cluster),
      );
    }
  }

  // ---- Drills: Complete RestoreActions outside the primary of an exported point.
  for (const raw of ctx.drillClusters) {
    if (ctx.isPrimary(raw.cluster)) continue;
    const state =
      states.get(raw.cluster) ??
      readCluster(ctx, { ...raw, malformed: [] }, out);
    for (const { kind, obj } of state.actions) {
      if (kind !== 'RestoreAction') continue;
      judgeRestore(state, obj, namespaces, out);
    }
  }
}

function readCluster(
  ctx: DrProviderContext,
  evidence: SanitizedEvidence,
  out: Collector,
): ClusterState {
  const list = (resource: string) =>
    providerObjects(ctx, evidence, resource, out.evidence.reasons);
  return {
    cluster: evidence.cluster,
    evidence,
    policies: list(KASTEN_RESOURCES.policies),
    profiles: list(KASTEN_RESOURCES.profiles),
    actions: [
      ...list(KASTEN_RESOURCES.runActions).map(obj => ({
        kind: 'RunAction',
        obj,
      })),
      ...list(KASTEN_RESOURCES.backupActions).map(obj => ({
        kind: 'BackupAction',
        obj,
      })),
      ...list(KASTEN_RESOURCES.exportActions).map(obj => ({
        kind: 'ExportAction',
        obj,
      })),
      ...list(KASTEN_RESOURCES.restoreActions).map(obj => ({
        kind: 'RestoreAction',
        obj,
      })),
    ],
    restorePoints: list(KASTEN_RESOURCES.restorePoints),
    contents: list(KASTEN_RESOURCES.restorePointContents),
  };
}

function profileOf(
  state: ClusterState,
  name: string | undefined,
  namespace: string | undefined,
  out: Collector,
): Profile | undefined {
  if (!name) return undefined;
  const obj =
    state.profiles.find(
      p =>
        p.metadata.name === name &&
        (!namespace || p.metadata.namespace === namespace),
    ) ?? state.profiles.find(p => p.metadata.name === name);
  return obj
    ? readProfile(out.fields('Profile', obj, state.cluster))
    : undefined;
}

/** The location profile of an import policy on a cluster (`importParameters.profile`), validated ones first. */
function importProfileOf(
  state: ClusterState,
  out: Collector,
): Profile | undefined {
  const profiles = state.policies.flatMap(policy => {
    const f = out.fields('Policy', policy, state.cluster);
    return f
      .list('spec.actions')
      .filter(isJson)
      .filter(a => a.action === 'import')
      .map(a => {
        const ref = f.map(
          'importParameters.profile',
          a,
          'spec.actions[import].',
        );
        return profileOf(
          state,
          ref &&
            f.str(
              'name',
              ref,
              'spec.actions[import].importParameters.profile.',
            ),
          ref &&
            f.str(
              'namespace',
              ref,
              'spec.actions[import].importParameters.profile.',
            ),
          out,
        );
      })
      .filter((p): p is Profile => p !== undefined);
  });
  return profiles.find(p => p.validation === 'Success') ?? profiles[0];
}

/** Whether a policy's backup filters leave a PVC out (`excludeResources`, or `includeResources` without PVCs). */
function filtersLeaveOut(
  f: Fields,
  backup: Json | undefined,
  pvc: DrProviderPvc,
): boolean {
  const filters =
    backup &&
    f.map('backupParameters.filters', backup, 'spec.actions[backup].');
  if (!filters) return false;
  const matches = (r: unknown) => {
    if (!isJson(r)) return false;
    const group = typeof r.group === 'string' ? r.group : '';
    const resource = typeof r.resource === 'string' ? r.resource : undefined;
    if (
      group !== '' ||
      (resource !== undefined && resource !== 'persistentvolumeclaims')
    )
      return false;
    if (typeof r.name === 'string' && r.name !== pvc.pvc.metadata.name)
      return false;
    if (
      isJson(r.matchLabels) &&
      !matchesLabelSelector(
        { matchLabels: r.matchLabels as Record<string, string> },
        pvc.pvc.metadata.labels,
      )
    ) {
      return false;
    }
    return (
      resource !== undefined ||
      typeof r.name === 'string' ||
      isJson(r.matchLabels)
    );
  };
  const include = Array.isArray(filters.includeResources)
    ? filters.includeResources
    : undefined;
  const exclude = Array.isArray(filters.excludeResources)
    ? filters.excludeResources
    : [];
  if (exclude.some(matches)) return true;
  return include !== undefined && include.length > 0 && !include.some(matches);
}

function judgePolicy(
  ctx: DrProviderContext,
  state: ClusterState,
  policy: KubeObject,
  namespaces: string[],
  out: Collector,
  exportIntervals: Map<string, number>,
  servicePolicies: Map<string, KubeObject>,
) {
  const { cluster } = state;
  const f = out.fields('Policy', policy, cluster);
  const selector = f.map('spec.selector') as LabelSelector | undefined;
  const apps = namespaces.filter(
    ns =>
      selector !== undefined &&
      matchesLabelSelector(selector, { [APP_NAMESPACE]: ns }),
  );
  if (apps.length === 0) return;
  const actions = f.list('spec.actions').filter(isJson);
  const backup = actions.find(a => a.action === 'backup');
  const exportAction = actions.find(a => a.action === 'export');
  if (!backup && !exportAction) return;
  servicePolicies.set(policy.metadata.name, policy);
  const label = describeObject('Policy', policy, cluster);
  const obj = objectRef('Policy', policy, cluster);
  const paused = f.bool('spec.paused') === true;
  const validation = f.str('status.validation');
  const frequency = f.str('spec.frequency');
  const sub = f.map('spec.subFrequency');
  const exportParams =
    exportAction &&
    f.map('exportParameters', exportAction, 'spec.actions[export].');
  const exportFrequency =
    (exportParams &&
      f.str(
        'frequency',
        exportParams,
        'spec.actions[export].exportParameters.',
      )) ??
    frequency;
  // subFrequency sets the run times of the policy's own frequency; an export with its own
  // exportParameters.frequency runs at that frequency's plain period (the conservative reading:
  // Kasten documents the export frequency only as equal to or less frequent than the policy's).
  const ownExportFrequency =
    exportParams &&
    f.str('frequency', exportParams, 'spec.actions[export].exportParameters.');
  const interval = kastenIntervalSeconds(
    exportFrequency,
    ownExportFrequency === undefined ? sub : undefined,
  );
  const profileRef =
    exportParams &&
    f.map('profile', exportParams, 'spec.actions[export].exportParameters.');
  const profile = profileOf(
    state,
    profileRef &&
      f.str(
        'name',
        profileRef,
        'spec.actions[export].exportParameters.profile.',
      ),
    profileRef &&
      f.str(
        'namespace',
        profileRef,
        'spec.actions[export].exportParameters.profile.',
      ),
    out,
  );
  const exportData =
    exportParams &&
    isJson(exportParams.exportData) &&
    exportParams.exportData.enabled === true;
  const exportSurvives =
    profile !== undefined && profile.validation === 'Success' && !profile.local;
  const failed = validation === 'Failed';
  const onDemand = 'onDemand' in interval;
  if (failed) {
    out.risk(
      'schedule-failed-validation',
      `${label} failed validation (status.validation: Failed): it never runs and covers nothing.`,
      `Read its status (kubectl get policies.config.kio.kasten.io -n ${policy.metadata.namespace} ${policy.metadata.name} -o yaml) and fix its spec.`,
      obj,
    );
  }
  if (paused) {
    out.risk(
      'schedule-paused',
      `${label} is paused: it takes no new backups or exports and covers nothing.`,
      `Unpause it (set spec.paused: false) or protect ${apps.join(
        ', ',
      )} with another policy.`,
      obj,
    );
  }
  if (onDemand) {
    out.risk(
      'schedule-on-demand',
      `${label} runs on demand only (${
        exportFrequency === frequency
          ? 'spec.frequency'
          : 'exportParameters.frequency'
      } @onDemand): nothing runs it on a schedule, it covers nothing.`,
      'Give the policy a frequency (@hourly, @daily, ...) that meets the RPO.',
      obj,
    );
  } else if ('error' in interval) {
    out.risk(
      'schedule-unreadable',
      `${label}: ${interval.error}; its cadence cannot be judged.`,
      'Write spec.frequency as @hourly, @daily, @weekly, @monthly or @yearly, with spec.subFrequency for the run times.',
      { ...obj, field: 'spec.frequency' },
    );
  }
  if (exportAction && profile && profile.validation !== 'Success') {
    out.risk(
      'storage-location-unavailable',
      `${label} exports to Profile ${
        profile.obj.metadata.name
      }, whose validation is ${
        profile.validation ?? 'not reported'
      }: its exports fail.`,
      `Fix the profile's credentials, bucket or network (kubectl get profiles.config.kio.kasten.io -n ${profile.obj.metadata.namespace} ${profile.obj.metadata.name} -o yaml).`,
      objectRef('Profile', profile.obj, cluster),
    );
  }
  if (exportAction && profile?.local) {
    out.risk(
      'storage-location-in-cluster',
      `${label} exports to Profile ${profile.obj.metadata.name}, whose storage dies with ${cluster}: ${profile.local}.`,
      `Export to object storage outside ${cluster}.`,
      objectRef('Profile', profile.obj, cluster),
    );
  }
  if (exportAction && !profile) {
    out.risk(
      'storage-location-missing',
      `${label} exports to a Profile that does not exist on ${cluster}: its exports fail.`,
      'Create the location profile or point exportParameters.profile at an existing one.',
      { ...obj, field: 'spec.actions' },
    );
  }
  if (!exportAction) {
    out.risk(
      'backup-local-only',
      `${label} backs up ${apps.join(
        ', ',
      )} without an export action: its restore points stay on ${cluster}'s storage.`,
      'Add an export action (exportData.enabled: true) to a location profile outside the cluster.',
      obj,
    );
  }
  const movesData = Boolean(exportAction && exportData && exportSurvives);
  const intervalSeconds = 'seconds' in interval ? interval.seconds : undefined;
  out.evidence.schedules.push({
    cluster,
    name: policy.metadata.name,
    schedule: exportFrequency ?? '',
    maxIntervalSeconds: intervalSeconds ?? null,
    paused,
    phase: validation,
    storageLocation: profile?.obj.metadata.name,
    missedRuns: 0,
    movesData,
  });
  if (failed || paused || onDemand) return;
  if (exportAction && exportSurvives && intervalSeconds !== undefined) {
    exportIntervals.set(policy.metadata.name, intervalSeconds);
    if (ctx.pvcs.length === 0)
      out.evidence.manifestCadenceSeconds.push(intervalSeconds);
  }
  for (const pvc of ctx.pvcs) {
    if (
      pvc.cluster !== cluster ||
      !apps.includes(pvc.pvc.metadata.namespace ?? '')
    )
      continue;
    if (filtersLeaveOut(f, backup, pvc)) continue;
    out.evidence.coverage.push({
      pvc,
      by: {
        kind: 'Policy',
        name: policy.metadata.name,
        paused: false,
        offCluster: movesData,
      },
      cadence:
        movesData && intervalSeconds !== undefined
          ? {
              seconds: intervalSeconds,
              by: `Policy ${policy.metadata.name} (export)`,
            }
          : undefined,
    });
  }
}

/** One restore point (RP or RPC) read: the point to show and, when it counts, its PVCs. */
function readPoint(
  ctx: DrProviderContext,
  state: ClusterState,
  kind: string,
  obj: KubeObject,
  servicePolicies: Map<string, KubeObject>,
  out: Collector,
) {
  const { cluster } = state;
  const f = out.fields(kind, obj, cluster);
  const policy = labelOf(obj, POLICY_NAME);
  const ns = labelOf(obj, APP_NAMESPACE) ?? obj.metadata.namespace ?? '';
  const time =
    f.time('status.actionTime') ??
    f.time('status.scheduledTime') ??
    (Date.parse(obj.metadata.creationTimestamp ?? '') || undefined);
  const exported = obj.metadata.labels?.[EXPORT_PROFILE] !== undefined;
  const exportType = labelOf(obj, EXPORT_TYPE);
  // On the cluster that exported it, the label names the Profile; an imported copy on another
  // cluster keeps the source's labels and is read through the import policy's profile there.
  const profile = exported
    ? profileOf(
        state,
        labelOf(obj, EXPORT_PROFILE),
        labelOf(obj, 'k10.kasten.io/policyNamespace'),
        out,
      ) ?? (ctx.isPrimary(cluster) ? undefined : importProfileOf(state, out))
    : undefined;
  const state_ = f.str('status.state');
  const point: DrRecoveryPoint = {
    time: time !== undefined ? isoSeconds(time) : undefined,
    source: 'kasten',
    kind,
    name: obj.metadata.name,
    namespace: obj.metadata.namespace,
    cluster,
    usable: true,
    counted: false,
    phase:
      state_ ??
      (exported ? `exported (${exportType ?? 'type not labelled'})` : 'local'),
    storageLocation: profile?.obj.metadata.name ?? labelOf(obj, EXPORT_PROFILE),
  };
  // The same point on several clusters: same app, policy, action time, and exported or not.
  const key = `${ns}\u0000${policy ?? obj.metadata.name}\u0000${
    time ?? obj.metadata.name
  }\u0000${exported}`;
  const result = {
    key,
    point,
    policy,
    exported,
    profile,
    ms: undefined as number | undefined,
    pvcs: [] as DrProviderPvc[],
  };
  const notCounted = (reason: string) => {
    point.reason = reason;
    return result;
  };
  // The action that made it, when still listed, must be Complete.
  const maker = state.actions.find(
    a =>
      a.kind !== 'RestoreAction' &&
      out.fields(a.kind, a.obj, cluster).str('status.restorePoint.name') ===
        obj.metadata.name,
  );
  const makerState =
    maker && out.fields(maker.kind, maker.obj, cluster).str('status.state');
  if (maker && makerState !== 'Complete') {
    point.usable = false;
    return notCounted(
      `${maker.kind} ${maker.obj.metadata.name} is ${
        makerState ?? 'without a state'
      }: only Complete actions give restore points`,
    );
  }
  if (!exported) {
    return notCounted(
      'a local restore point (no k10.kasten.io/exportProfile label): its data stays in the cluster’s snapshots',
    );
  }
  if (time === undefined)
    return notCounted(
      'status.actionTime is missing: the time of its data is unknown',
    );
  if (!profile) {
    return notCounted(
      `its Profile ${labelOf(
        obj,
        EXPORT_PROFILE,
      )} cannot be found on ${cluster}`,
    );
  }
  if (profile.local)
    return notCounted(
      `Profile ${profile.obj.metadata.name} dies with ${cluster}: ${profile.local}`,
    );
  if (profile.validation !== 'Success') {
    return notCounted(
      `Profile ${profile.obj.metadata.name} is not validated (${
        profile.validation ?? 'no status.validation'
      })`,
    );
  }
  if (time - ctx.nowMs > (ctx.options.clockSkewSeconds ?? 300) * 1000) {
    out.evidence.futurePoints.push({
      cluster,
      what: `${kind} ${obj.metadata.name} at ${isoSeconds(time)}`,
    });
    return notCounted(
      `its actionTime is ahead of now (clock skew on ${cluster})`,
    );
  }
  const ms = Math.min(time, ctx.nowMs);
  if (ctx.pvcs.length > 0) {
    if (exportType !== 'portableAppData') {
      return notCounted(
        `an export of type ${
          exportType ?? '(not labelled)'
        }: it holds no volume data, not a point of the service’s PVCs`,
      );
    }
    const policyObj = policy ? servicePolicies.get(policy) : undefined;
    const pf =
      policyObj && out.fields('Policy', policyObj, ctx.primaries[0] ?? cluster);
    const backup = pf
      ?.list('spec.actions')
      .filter(isJson)
      .find(a => a.action === 'backup');
    result.pvcs = ctx.pvcs.filter(
      p =>
        (p.pvc.metadata.namespace ?? '') === ns &&
        !(pf && filtersLeaveOut(pf, backup, p)),
    );
    if (result.pvcs.length === 0)
      return notCounted('holds none of the service’s PVCs');
    point.pvcs = result.pvcs.map(p => p.key);
  }
  point.counted = true;
  result.ms = ms;
  return result;
}

/** The newest action of each kind made for a policy on the service's apps: not Complete is a risk. */
function judgeActions(
  ctx: DrProviderContext,
  state: ClusterState,
  policy: KubeObject,
  namespaces: string[],
  intervalSeconds: number | undefined,
  out: Collector,
) {
  const { cluster } = state;
  const created = (o: KubeObject) =>
    Date.parse(o.metadata.creationTimestamp ?? '') || 0;
  for (const kind of ['RunAction', 'BackupAction', 'ExportAction']) {
    const mine = state.actions
      .filter(a => a.kind === kind)
      .map(a => a.obj)
      .filter(
        o =>
          labelOf(o, POLICY_NAME) === policy.metadata.name &&
          (kind === 'RunAction' ||
            namespaces.includes(
              labelOf(o, APP_NAMESPACE) ?? o.metadata.namespace ?? '',
            )),
      )
      .sort((a, b) => created(b) - created(a));
    const newest = mine[0];
    if (!newest) continue;
    const f = out.fields(kind, newest, cluster);
    const actionState = f.str('status.state');
    if (actionState === 'Complete') continue;
    const label = describeObject(kind, newest, cluster);
    if (actionState === 'Running' || actionState === 'Pending') {
      const age = ctx.nowMs - created(newest);
      if (intervalSeconds !== undefined && age > 2 * intervalSeconds * 1000) {
        out.risk(
          'backup-stuck',
          `${label} has been ${actionState} since ${newest.metadata.creationTimestamp}, more than twice the policy's interval: it is stuck.`,
          `Check Kasten's executor and the action's progress (kubectl get ${kind.toLowerCase()}s.actions.kio.kasten.io -n ${
            newest.metadata.namespace
          } ${newest.metadata.name} -o yaml).`,
          objectRef(kind, newest, cluster),
        );
      }
      continue;
    }
    const error = f.str('status.error.message');
    out.risk(
      'newest-backup-failed',
      `The newest ${kind} of ${describeObject('Policy', policy, cluster)}, ${
        newest.metadata.name
      }, is ${actionState ?? 'without a state'}${error ? `: ${error}` : ''}.`,
      `Read its error (kubectl get ${kind.toLowerCase()}s.actions.kio.kasten.io -n ${
        newest.metadata.namespace
      } ${newest.metadata.name} -o yaml) and fix its cause.`,
      objectRef(kind, newest, cluster),
    );
  }
}

function judgeRestore(
  state: ClusterState,
  action: KubeObject,
  namespaces: string[],
  out: Collector,
) {
  const { cluster } = state;
  const f = out.fields('RestoreAction', action, cluster);
  if (f.str('status.state') !== 'Complete') return;
  const subject = f.map('spec.subject');
  const subjectKind = subject && f.str('kind', subject, 'spec.subject.');
  const subjectName = subject && f.str('name', subject, 'spec.subject.');
  if (!subjectName) return;
  let contentName: string | undefined;
  if (subjectKind === 'RestorePointContent') contentName = subjectName;
  else {
    const rp = state.restorePoints.find(
      p =>
        p.metadata.name === subjectName &&
        (!subject?.namespace || p.metadata.namespace === subject.namespace),
    );
    contentName =
      rp &&
      out
        .fields('RestorePoint', rp, cluster)
        .str('spec.restorePointContentRef.name');
  }
  const content = state.contents.find(c => c.metadata.name === contentName);
  if (
    !content ||
    !namespaces.includes(labelOf(content, APP_NAMESPACE) ?? '') ||
    labelOf(content, EXPORT_PROFILE) === undefined
  ) {
    return;
  }
  const end = f.time('status.endTime');
  const start =
    f.time('status.startTime') ??
    (Date.parse(action.metadata.creationTimestamp ?? '') || undefined);
  if (end === undefined || start === undefined || end < start) return;
  out.evidence.drills.push({
    kind: 'RestoreAction',
    name: action.metadata.name,
    cluster,
    type: 'restore',
    startedAt: isoSeconds(start),
    completedAt: isoSeconds(end),
    measuredRtoSeconds: Math.round((end - start) / 1000),
  });
}
