import { Entity } from '@backstage/catalog-model';
import leven from 'leven';
import {
  DR_ANNOTATIONS,
  DR_ANNOTATION_PREFIX,
  DR_DRILL_CADENCE_ANNOTATION,
  DR_PRIMARY_CLUSTER_ANNOTATION,
  DR_RECOVERY_CLUSTER_ANNOTATION,
  DR_RPO_ANNOTATION,
  DR_RTO_ANNOTATION,
  DR_RUNBOOK_ANNOTATION,
  DR_STRATEGY_ANNOTATION,
  DR_TIER_ANNOTATION,
} from './annotations';
import {
  DURATION_FORMS,
  describeDurationProblem,
  formatDuration,
  parseDuration,
} from './duration';
import { DR_STRATEGIES, DrStrategy, isDrStrategy } from './strategies';
import { TierPolicies, TierPolicy } from './tiers';

/**
 * A service's DR declaration, read from its `disaster-recovery/*` annotations and checked
 * against its tier's policy. Durations are whole seconds.
 *
 * @public
 */
export interface DrDeclaration {
  /** The tier's name (`disaster-recovery/tier`). */
  tier: string;
  /** The tier's policy. */
  policy: TierPolicy;
  /** The strategy (`disaster-recovery/strategy`). */
  strategy: DrStrategy;
  /** The RPO target in seconds (`disaster-recovery/rpo`, else the tier's max RPO). */
  rpoSeconds: number;
  /** The RTO target in seconds (`disaster-recovery/rto`, else the tier's max RTO). */
  rtoSeconds: number;
  /** How often the service must be drilled, in seconds (`disaster-recovery/drill-cadence`, else the tier's max drill age). */
  drillCadenceSeconds: number;
  /** The cluster the service runs on (`disaster-recovery/primary-cluster`); undefined when not named. */
  primaryCluster?: string;
  /** The cluster it fails over to (`disaster-recovery/recovery-cluster`); undefined when not named. */
  recoveryCluster?: string;
  /** The runbook URL (`disaster-recovery/runbook`). */
  runbookUrl?: string;
}

/**
 * One problem with a DR declaration: the annotation, the value seen, and a message that names
 * the accepted form, e.g.
 * `disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m`.
 *
 * @public
 */
export interface DrDeclarationProblem {
  /** The annotation key the problem is about. */
  annotation: string;
  /**
   * The value seen, cut to {@link DR_ECHOED_VALUE_LENGTH} characters and an ellipsis when
   * longer; a value that is not text (a YAML number or boolean) as JSON, e.g. `15` or `true`;
   * undefined when the annotation is missing.
   */
  value?: string;
  /**
   * The whole message, starting with the annotation key. It repeats at most
   * {@link DR_ECHOED_VALUE_LENGTH} characters of the value, then an ellipsis and the value's
   * length, e.g. `"aaaa…" (200000 characters)`.
   */
  message: string;
}

/**
 * How many characters of an annotation value a {@link DrDeclarationProblem} repeats.
 *
 * @public
 */
export const DR_ECHOED_VALUE_LENGTH = 100;

/**
 * The largest edit distance (Levenshtein) between an annotation key's prefix and
 * `disaster-recovery` at which the key is reported as a misspelt DR annotation (see
 * {@link findMisspeltDrAnnotations}), e.g. `disaster-recovry/tier` (1) or
 * `Disaster_Recovery/tier` (1, the case aside).
 *
 * @public
 */
export const DR_MISSPELLING_DISTANCE = 2;

/**
 * The result of {@link parseDrDeclaration}.
 *
 * - `declared`: the declaration is valid;
 * - `invalid`: the entity has DR annotations with at least one problem;
 * - `undeclared`: the entity has no `disaster-recovery/*` annotation.
 *
 * @public
 */
export type DrDeclarationResult = (
  | { status: 'declared'; declaration: DrDeclaration }
  | {
      status: 'invalid';
      problems: DrDeclarationProblem[];
      /**
       * The valid parts, when the tier is valid: the evidence is still read and judged with
       * them (DOMAIN.md: "An invalid declaration still shows its evidence").
       */
      partial?: DrPartialDeclaration;
    }
  | { status: 'undeclared' }
) & {
  /**
   * Annotation keys that look like misspelt DR annotations (see
   * {@link findMisspeltDrAnnotations}); they are ignored, so an entity with only such keys is
   * `undeclared`. Absent when there is none.
   */
  warnings?: DrDeclarationProblem[];
};

/**
 * The valid parts of an invalid declaration: a valid tier and its policy; each target that
 * parses (as declared, even when looser than the tier allows), else the tier's; the strategy
 * only when it is one of the four; the clusters only when known and distinct.
 *
 * @public
 */
export type DrPartialDeclaration = Omit<DrDeclaration, 'strategy'> & {
  strategy?: DrStrategy;
};

/**
 * Options of {@link parseDrDeclaration}.
 *
 * @public
 */
export interface ParseDrDeclarationOptions {
  /**
   * The cluster names the Kubernetes plugin knows. When given, a primary or recovery cluster
   * that is not among them is a problem; when undefined, cluster names are not checked.
   */
  knownClusters?: readonly string[];
}

/**
 * Whether an entity carries any `disaster-recovery/*` annotation.
 *
 * @public
 */
export function hasDrAnnotations(entity: Entity): boolean {
  return Object.keys(entity.metadata.annotations ?? {}).some(key =>
    key.startsWith(DR_ANNOTATION_PREFIX),
  );
}

/** A value as a message repeats it: quoted, cut to DR_ECHOED_VALUE_LENGTH with its length. */
function echo(value: string): string {
  return value.length > DR_ECHOED_VALUE_LENGTH
    ? `"${value.slice(0, DR_ECHOED_VALUE_LENGTH)}…" (${
        value.length
      } characters)`
    : `"${value}"`;
}

/** The value a problem records: cut to DR_ECHOED_VALUE_LENGTH with an ellipsis. */
function recorded(value: string | undefined): string | undefined {
  return value !== undefined && value.length > DR_ECHOED_VALUE_LENGTH
    ? `${value.slice(0, DR_ECHOED_VALUE_LENGTH)}…`
    : value;
}

/**
 * The DR annotation a key not starting with `disaster-recovery/` was probably meant to be, or
 * undefined: a key whose part before its first `/` is within {@link DR_MISSPELLING_DISTANCE}
 * edits of `disaster-recovery` (case aside), or a key without `/` that ends with a DR
 * annotation's name after something within that distance of `disaster-recovery/`
 * (`disaster-recovery-tier`). `meant` is undefined when the rest is not a DR annotation's name.
 */
function misspeltDrKey(key: string): { meant?: string } | undefined {
  const lower = key.toLocaleLowerCase('en-US');
  const prefix = DR_ANNOTATION_PREFIX;
  const known = (name: string) =>
    (DR_ANNOTATIONS as readonly string[]).includes(`${prefix}${name}`)
      ? `${prefix}${name}`
      : undefined;
  const slash = lower.indexOf('/');
  if (slash >= 0) {
    return leven(lower.slice(0, slash), prefix.slice(0, -1)) <=
      DR_MISSPELLING_DISTANCE
      ? { meant: known(lower.slice(slash + 1)) }
      : undefined;
  }
  const meant = DR_ANNOTATIONS.find(
    annotation =>
      lower.endsWith(annotation.slice(prefix.length)) &&
      leven(
        lower.slice(0, lower.length - (annotation.length - prefix.length)),
        prefix,
      ) <= DR_MISSPELLING_DISTANCE,
  );
  return meant ? { meant } : undefined;
}

/**
 * Annotation keys that look like misspelt DR annotations: not starting with
 * `disaster-recovery/`, but with a part before the first `/` within
 * {@link DR_MISSPELLING_DISTANCE} edits (Levenshtein) of `disaster-recovery`, case aside
 * (`disaster-recovry/tier`, `disaster_recovery/rpo`, `Disaster-Recovery/tier`), or without `/`
 * but a DR annotation's name after something that close to `disaster-recovery/`
 * (`disaster-recovery-tier`). Such keys are ignored by {@link parseDrDeclaration}, so the
 * declaration silently misses them. One problem a key, naming the key meant when its rest is a
 * DR annotation's name, e.g.
 * `disaster-recovry/tier: looks like a misspelling of disaster-recovery/tier; DR annotation keys start with disaster-recovery/ (…), other keys are ignored`.
 *
 * @public
 */
export function findMisspeltDrAnnotations(
  entity: Entity,
): DrDeclarationProblem[] {
  const problems: DrDeclarationProblem[] = [];
  for (const [key, value] of Object.entries(
    entity.metadata.annotations ?? {},
  )) {
    const misspelt = key.startsWith(DR_ANNOTATION_PREFIX)
      ? undefined
      : misspeltDrKey(key);
    if (misspelt) {
      problems.push({
        annotation: key,
        value: typeof value === 'string' ? recorded(value) : undefined,
        message: `${key}: looks like a misspelling of ${
          misspelt.meant ?? `a ${DR_ANNOTATION_PREFIX}* key`
        }; DR annotation keys start with ${DR_ANNOTATION_PREFIX} (${DR_ANNOTATIONS.join(
          ', ',
        )}), other keys are ignored`,
      });
    }
  }
  return problems;
}

/** The accepted form of each DR annotation, for a value that is not text. */
function acceptedForm(annotation: string, policies: TierPolicies): string {
  switch (annotation) {
    case DR_TIER_ANNOTATION:
      return `"${policies.names()[0]}" (one of ${policies.names().join(', ')})`;
    case DR_STRATEGY_ANNOTATION:
      return `"${DR_STRATEGIES[0]}" (one of ${DR_STRATEGIES.join(', ')})`;
    case DR_RPO_ANNOTATION:
    case DR_RTO_ANNOTATION:
    case DR_DRILL_CADENCE_ANNOTATION:
      return `"1h" (${DURATION_FORMS})`;
    case DR_PRIMARY_CLUSTER_ANNOTATION:
    case DR_RECOVERY_CLUSTER_ANNOTATION:
      return `"prod-eu" (a cluster name from the Kubernetes plugin config)`;
    case DR_RUNBOOK_ANNOTATION:
      return `"https://wiki.example.com/runbooks/my-service"`;
    default:
      return `"..."`;
  }
}

/** What a value that is not text is, e.g. `the number 15`. */
function describeNonText(value: unknown): string {
  if (value === null) return 'null (no value)';
  if (Array.isArray(value)) return 'a list';
  const json = JSON.stringify(value) ?? String(value);
  const shown =
    json.length > DR_ECHOED_VALUE_LENGTH
      ? `${json.slice(0, DR_ECHOED_VALUE_LENGTH)}…`
      : json;
  return typeof value === 'object'
    ? 'an object'
    : `the ${typeof value} ${shown}`;
}

/**
 * Reads and checks an entity's DR declaration from its `disaster-recovery/*` annotations.
 *
 * Every problem is reported, not only the first: a missing or unknown tier, a missing or
 * unknown strategy, a strategy the tier does not allow, a malformed, empty or negative duration,
 * an RPO, RTO or drill cadence looser than the tier allows, a primary or recovery cluster that
 * is not known (when `options.knownClusters` is given) or the same cluster for both, a runbook
 * that is not an http(s) URL, an unknown `disaster-recovery/*` key (usually a typo), and a value
 * that is not text (a number, boolean or null that YAML read from an unquoted value). Keys that
 * look like misspelt DR annotations come back as `warnings` (see
 * {@link findMisspeltDrAnnotations}). Messages repeat at most {@link DR_ECHOED_VALUE_LENGTH}
 * characters of a value.
 *
 * Never throws for bad annotations, whatever their type: problems are returned.
 *
 * @param entity - the catalog entity
 * @param policies - the tier policies in effect ({@link TierPolicies.fromConfig})
 * @public
 */
export function parseDrDeclaration(
  entity: Entity,
  policies: TierPolicies,
  options: ParseDrDeclarationOptions = {},
): DrDeclarationResult {
  const misspelt = findMisspeltDrAnnotations(entity);
  const warnings = misspelt.length > 0 ? { warnings: misspelt } : {};
  if (!hasDrAnnotations(entity)) {
    return { status: 'undeclared', ...warnings };
  }
  const problems: DrDeclarationProblem[] = [];
  const problem = (
    annotation: string,
    value: string | undefined,
    text: string,
  ) =>
    problems.push({
      annotation,
      value: recorded(value),
      message: `${annotation}: ${text}`,
    });

  // The catalog keeps annotation values as strings, but the entity may come from elsewhere (the
  // parser is public): a value that is not text is a problem, and then treated as absent.
  const annotations: Record<string, string> = {};
  const notText = new Set<string>();
  for (const [key, value] of Object.entries(
    (entity.metadata.annotations ?? {}) as Record<string, unknown>,
  )) {
    if (!key.startsWith(DR_ANNOTATION_PREFIX)) continue;
    if (typeof value === 'string') {
      annotations[key] = value;
      continue;
    }
    notText.add(key);
    problems.push({
      annotation: key,
      value: value === undefined ? undefined : describeNonText(value),
      message: `${key}: ${describeNonText(
        value,
      )} is not text; quote the value in YAML, e.g. ${key}: ${acceptedForm(
        key,
        policies,
      )}`,
    });
  }

  for (const key of Object.keys(annotations)) {
    if (!(DR_ANNOTATIONS as readonly string[]).includes(key)) {
      problem(
        key,
        annotations[key],
        `is not a DR annotation; use one of ${DR_ANNOTATIONS.join(', ')}`,
      );
    }
  }

  // Tier
  const tierValue = annotations[DR_TIER_ANNOTATION];
  const tierNames = policies.names().join(', ');
  let policy: TierPolicy | undefined;
  if (tierValue === undefined) {
    if (!notText.has(DR_TIER_ANNOTATION)) {
      problem(
        DR_TIER_ANNOTATION,
        undefined,
        `is missing; a DR declaration needs a tier, one of ${tierNames}`,
      );
    }
  } else {
    policy = policies.get(tierValue.trim());
    if (!policy) {
      problem(
        DR_TIER_ANNOTATION,
        tierValue,
        `${echo(tierValue)} is not a tier; use one of ${tierNames}`,
      );
    }
  }

  // Strategy
  const strategyValue = annotations[DR_STRATEGY_ANNOTATION];
  let strategy: DrStrategy | undefined;
  if (strategyValue === undefined) {
    if (!notText.has(DR_STRATEGY_ANNOTATION)) {
      problem(
        DR_STRATEGY_ANNOTATION,
        undefined,
        `is missing; use one of ${
          policy ? policy.strategies.join(', ') : DR_STRATEGIES.join(', ')
        }`,
      );
    }
  } else if (!isDrStrategy(strategyValue.trim())) {
    problem(
      DR_STRATEGY_ANNOTATION,
      strategyValue,
      `${echo(
        strategyValue,
      )} is not a strategy; use one of ${DR_STRATEGIES.join(', ')}`,
    );
  } else {
    strategy = strategyValue.trim() as DrStrategy;
    if (policy && !policy.strategies.includes(strategy)) {
      problem(
        DR_STRATEGY_ANNOTATION,
        strategyValue,
        `"${strategy}" is not allowed for ${
          policy.name
        }; use one of ${policy.strategies.join(', ')}`,
      );
    }
  }

  // Durations
  const duration = (
    annotation: string,
    limit: number | undefined,
  ): number | undefined => {
    const value = annotations[annotation];
    if (value === undefined) {
      return notText.has(annotation) ? undefined : limit;
    }
    const parsed = parseDuration(value);
    if (!parsed.ok) {
      problem(
        annotation,
        value,
        // The message quotes the value first: repeat at most DR_ECHOED_VALUE_LENGTH of it.
        describeDurationProblem(value, parsed.reason).replace(
          `"${value}"`,
          () => echo(value),
        ),
      );
      return undefined;
    }
    if (policy && limit !== undefined && parsed.seconds > limit) {
      problem(
        annotation,
        value,
        `${echo(value)} is looser than ${
          policy.name
        } allows; use ${formatDuration(limit)} or less (${DURATION_FORMS})`,
      );
    }
    return parsed.seconds;
  };
  const rpoSeconds = duration(DR_RPO_ANNOTATION, policy?.maxRpoSeconds);
  const rtoSeconds = duration(DR_RTO_ANNOTATION, policy?.maxRtoSeconds);
  const drillCadenceSeconds = duration(
    DR_DRILL_CADENCE_ANNOTATION,
    policy?.maxDrillAgeSeconds,
  );

  // Clusters
  const unknownClusters = new Set<string>();
  const cluster = (annotation: string): string | undefined => {
    const value = annotations[annotation];
    if (value === undefined) {
      return undefined;
    }
    const name = value.trim();
    if (name === '') {
      problem(
        annotation,
        value,
        'is empty; use a cluster name from the Kubernetes plugin config',
      );
      return undefined;
    }
    if (options.knownClusters && !options.knownClusters.includes(name)) {
      unknownClusters.add(name);
      problem(
        annotation,
        value,
        `${echo(name)} is not a known cluster; use one of ${
          options.knownClusters.join(', ') || '(no cluster is configured)'
        }`,
      );
    }
    return name;
  };
  const primaryCluster = cluster(DR_PRIMARY_CLUSTER_ANNOTATION);
  const recoveryCluster = cluster(DR_RECOVERY_CLUSTER_ANNOTATION);
  if (primaryCluster && recoveryCluster && primaryCluster === recoveryCluster) {
    problem(
      DR_RECOVERY_CLUSTER_ANNOTATION,
      annotations[DR_RECOVERY_CLUSTER_ANNOTATION],
      `${echo(
        recoveryCluster,
      )} is also the primary cluster; the recovery cluster must be another cluster`,
    );
  }

  // Runbook
  const runbookValue = annotations[DR_RUNBOOK_ANNOTATION];
  let runbookUrl: string | undefined;
  if (runbookValue !== undefined) {
    if (isHttpUrl(runbookValue.trim())) {
      runbookUrl = runbookValue.trim();
    } else {
      problem(
        DR_RUNBOOK_ANNOTATION,
        runbookValue,
        `${echo(
          runbookValue,
        )} is not an http(s) URL; use a link such as https://wiki.example.com/runbooks/my-service`,
      );
    }
  }

  if (
    problems.length > 0 ||
    !policy ||
    !strategy ||
    rpoSeconds === undefined ||
    rtoSeconds === undefined ||
    drillCadenceSeconds === undefined
  ) {
    const known = (name: string | undefined) =>
      name && !unknownClusters.has(name) ? name : undefined;
    return {
      status: 'invalid',
      problems,
      ...warnings,
      partial: policy && {
        tier: policy.name,
        policy,
        strategy,
        rpoSeconds: rpoSeconds ?? policy.maxRpoSeconds,
        rtoSeconds: rtoSeconds ?? policy.maxRtoSeconds,
        drillCadenceSeconds: drillCadenceSeconds ?? policy.maxDrillAgeSeconds,
        primaryCluster: known(primaryCluster),
        recoveryCluster:
          primaryCluster === recoveryCluster
            ? undefined
            : known(recoveryCluster),
        runbookUrl,
      },
    };
  }
  return {
    status: 'declared',
    ...warnings,
    declaration: {
      tier: policy.name,
      policy,
      strategy,
      rpoSeconds,
      rtoSeconds,
      drillCadenceSeconds,
      primaryCluster,
      recoveryCluster,
      runbookUrl,
    },
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== ''
    );
  } catch {
    return false;
  }
}
