import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DR_DRILL_CADENCE_ANNOTATION,
  DR_PRIMARY_CLUSTER_ANNOTATION,
  DR_RECOVERY_CLUSTER_ANNOTATION,
  DR_RPO_ANNOTATION,
  DR_RTO_ANNOTATION,
  DR_RUNBOOK_ANNOTATION,
  DR_STRATEGY_ANNOTATION,
  DR_TIER_ANNOTATION,
  DrPvcCoverage,
  DrRecoveryPoint,
  DrStatus,
  DrVerdict,
  TierPolicies,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';

/** How each verdict is named to people. */
export const VERDICT_LABELS: Record<DrVerdict, string> = {
  compliant: 'Compliant',
  'at-risk': 'At risk',
  breached: 'Breached',
  unknown: 'Unknown',
  invalid: 'Invalid declaration',
  undeclared: 'Not declared',
};

/** How each kind of recovery point is named to people. */
export const SOURCE_LABELS: Record<DrRecoveryPoint['source'], string> = {
  'velero-backup': 'Velero backup',
  'volume-snapshot': 'CSI VolumeSnapshot',
  volsync: 'VolSync replication',
  'cnpg-replica': 'CloudNativePG replica',
  mirrormaker2: 'MirrorMaker 2 replication',
};

const RELATIVE_UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const relativeTimeFormat = new Intl.RelativeTimeFormat('en', {
  numeric: 'always',
});

/**
 * A time relative to now in words: `12 minutes ago`, `in 29 days`.
 *
 * @param time - RFC 3339 or epoch milliseconds
 * @param now - epoch milliseconds
 */
export function formatRelativeTime(
  time: string | number,
  now: number = Date.now(),
): string {
  const seconds =
    ((typeof time === 'number' ? time : Date.parse(time)) - now) / 1000;
  if (!Number.isFinite(seconds)) {
    return String(time);
  }
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relativeTimeFormat.format(Math.round(seconds / size), unit);
    }
  }
  return String(time);
}

/** The seconds from a time to now, at least 0. */
export function secondsSince(time: string, now: number = Date.now()): number {
  return Math.max(0, Math.round((now - Date.parse(time)) / 1000));
}

/** An age in seconds, to the minute once it is a minute or more: `45s`, `12m`, `1d 12m`. */
export function formatAge(seconds: number): string {
  return formatDuration(
    seconds >= 60 ? Math.floor(seconds / 60) * 60 : seconds,
  );
}

/** A time as local date and time, e.g. `Nov 23, 2026, 2:00 AM`. */
export function formatDateTime(time: string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) {
    return time;
  }
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

/**
 * A time of day when it is on the same local day as `now` (`09:00 AM`), else the local date and
 * time (`Nov 22, 2026, 9:00 PM`).
 */
export function formatClockTime(
  time: string,
  now: number = Date.now(),
): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) {
    return time;
  }
  if (date.toDateString() !== new Date(now).toDateString()) {
    return formatDateTime(time);
  }
  return new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** A duration in seconds, or `not measured` for null. */
export function formatSeconds(
  seconds: number | null | undefined,
  none = 'not measured',
): string {
  return seconds === null || seconds === undefined
    ? none
    : formatDuration(seconds);
}

/**
 * A recovery point in words: `Velero backup nightly-20261123 on prod-eu, 12 minutes ago`.
 */
export function describeRecoveryPoint(
  point: DrRecoveryPoint,
  now: number = Date.now(),
): string {
  const what = `${SOURCE_LABELS[point.source]} ${point.name} on ${
    point.cluster
  }`;
  return point.time ? `${what}, ${formatRelativeTime(point.time, now)}` : what;
}

/**
 * The object that holds a PVC's newest counted recovery point:
 * `Backup velero/orders-db-hourly-20261123 on dr-us`.
 */
export function describePvcPoint(
  point: NonNullable<DrPvcCoverage['newestPoint']>,
): string {
  const name = point.namespace
    ? `${point.namespace}/${point.name}`
    : point.name;
  return `${point.kind} ${name} on ${point.cluster}`;
}

/**
 * The PVCs that set the service's achieved RPO, the worst ones: those without a counted
 * recovery point if any (the service then has none), else those whose newest counted point is
 * the oldest. Empty when the service has no PVC.
 */
export function worstPvcs(coverage: DrStatus['coverage']): DrPvcCoverage[] {
  const without = coverage.filter(c => c.achievedRpoSeconds === null);
  if (without.length > 0) {
    return without;
  }
  const worst = Math.max(...coverage.map(c => c.achievedRpoSeconds ?? 0));
  return coverage.filter(c => c.achievedRpoSeconds === worst);
}

/**
 * The newest recovery point that counts for the achieved RPO, else the newest usable one
 * (which then does not survive the loss of the primary cluster). Points come newest first.
 */
export function newestRecoveryPoint(
  points: DrRecoveryPoint[],
): DrRecoveryPoint | undefined {
  return points.find(p => p.counted) ?? points.find(p => p.usable);
}

// A duration in the short annotation form with one unit, the largest that divides it: 90m, 4h, 7d.
function annotationDuration(seconds: number): string {
  const units: Array<[string, number]> = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      return `${seconds / size}${unit}`;
    }
  }
  return `${seconds}s`;
}

/**
 * A `catalog-info.yaml` excerpt that declares DR for an entity, pre-filled with its kind, name
 * and namespace, the least critical tier with its loosest targets, and every tier in a comment.
 */
export function declarationSnippet(
  entity: Entity,
  policies: TierPolicies,
): string {
  const tier = policies.tiers[policies.tiers.length - 1];
  const namespace = entity.metadata.namespace;
  const tierList = policies.tiers
    .map(
      t =>
        `${t.name} ${formatDuration(t.maxRpoSeconds)}/${formatDuration(
          t.maxRtoSeconds,
        )}`,
    )
    .join(', ');
  return [
    `apiVersion: ${entity.apiVersion}`,
    `kind: ${entity.kind}`,
    'metadata:',
    `  name: ${entity.metadata.name}`,
    ...(namespace && namespace !== 'default'
      ? [`  namespace: ${namespace}`]
      : []),
    '  annotations:',
    `    # tier, max RPO/RTO: ${tierList}`,
    `    ${DR_TIER_ANNOTATION}: ${tier.name}`,
    `    # for ${tier.name}: ${tier.strategies.join(', ')}`,
    `    ${DR_STRATEGY_ANNOTATION}: ${tier.strategies[0]}`,
    `    # targets: ISO 8601 (PT15M) or 15m; at most the tier's`,
    `    ${DR_RPO_ANNOTATION}: ${annotationDuration(tier.maxRpoSeconds)}`,
    `    ${DR_RTO_ANNOTATION}: ${annotationDuration(tier.maxRtoSeconds)}`,
    `    # cluster names as in the Kubernetes plugin config`,
    `    ${DR_PRIMARY_CLUSTER_ANNOTATION}: my-primary-cluster`,
    `    ${DR_RECOVERY_CLUSTER_ANNOTATION}: my-recovery-cluster`,
    `    ${DR_RUNBOOK_ANNOTATION}: https://wiki.example.com/runbooks/${entity.metadata.name}`,
  ].join('\n');
}

/**
 * The parameters of the `declare-dr-tier` template, by the annotation each one writes, with how
 * the template names the field.
 */
export const TEMPLATE_FIELDS: Array<{
  annotation: string;
  parameter: string;
  title: string;
}> = [
  { annotation: DR_TIER_ANNOTATION, parameter: 'tier', title: 'Tier' },
  {
    annotation: DR_STRATEGY_ANNOTATION,
    parameter: 'strategy',
    title: 'Strategy',
  },
  { annotation: DR_RPO_ANNOTATION, parameter: 'rpo', title: 'RPO' },
  { annotation: DR_RTO_ANNOTATION, parameter: 'rto', title: 'RTO' },
  {
    annotation: DR_PRIMARY_CLUSTER_ANNOTATION,
    parameter: 'primaryCluster',
    title: 'Primary cluster',
  },
  {
    annotation: DR_RECOVERY_CLUSTER_ANNOTATION,
    parameter: 'recoveryCluster',
    title: 'Recovery cluster',
  },
  {
    annotation: DR_RUNBOOK_ANNOTATION,
    parameter: 'runbookUrl',
    title: 'Runbook URL',
  },
  {
    annotation: DR_DRILL_CADENCE_ANNOTATION,
    parameter: 'drillCadence',
    title: 'Drill cadence',
  },
];

/**
 * What the `declare-dr-tier` template opens with for an entity: its ref and the values of its
 * `disaster-recovery/*` annotations that have no problem (`formData`), and the template's fields
 * whose annotation has a problem (`badFields`, by title), left empty so that they are filled in
 * anew.
 */
export function templateFormData(
  entity: Entity,
  problems: Array<{ annotation: string }> = [],
): { formData: Record<string, string>; badFields: string[] } {
  const annotations = entity.metadata.annotations ?? {};
  const bad = new Set(problems.map(p => p.annotation));
  const formData: Record<string, string> = {
    entityRef: stringifyEntityRef(entity),
  };
  const badFields: string[] = [];
  for (const field of TEMPLATE_FIELDS) {
    if (bad.has(field.annotation)) {
      badFields.push(field.title);
    } else if (annotations[field.annotation]?.trim()) {
      formData[field.parameter] = annotations[field.annotation].trim();
    }
  }
  return { formData, badFields };
}

/**
 * The link to the scaffolder template that declares an entity's DR tier, opened with the
 * entity's current annotation values that have no problem (see {@link templateFormData}).
 */
export function declareTierTemplateUrl(
  entity: Entity,
  problems?: Array<{ annotation: string }>,
): string {
  const { formData } = templateFormData(entity, problems);
  return `/create/templates/default/declare-dr-tier?formData=${encodeURIComponent(
    JSON.stringify(formData),
  )}`;
}
