import { Entity } from '@backstage/catalog-model';
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
  /** The value seen; undefined when the annotation is missing. */
  value?: string;
  /** The whole message, starting with the annotation key. */
  message: string;
}

/**
 * The result of {@link parseDrDeclaration}.
 *
 * - `declared`: the declaration is valid;
 * - `invalid`: the entity has DR annotations with at least one problem;
 * - `undeclared`: the entity has no `disaster-recovery/*` annotation.
 *
 * @public
 */
export type DrDeclarationResult =
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
  | { status: 'undeclared' };

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

/**
 * Reads and checks an entity's DR declaration from its `disaster-recovery/*` annotations.
 *
 * Every problem is reported, not only the first: a missing or unknown tier, a missing or
 * unknown strategy, a strategy the tier does not allow, a malformed, empty or negative duration,
 * an RPO, RTO or drill cadence looser than the tier allows, a primary or recovery cluster that
 * is not known (when `options.knownClusters` is given) or the same cluster for both, a runbook
 * that is not an http(s) URL, and an unknown `disaster-recovery/*` key (usually a typo).
 *
 * Never throws for bad annotations: problems are returned.
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
  const annotations = entity.metadata.annotations ?? {};
  if (!hasDrAnnotations(entity)) {
    return { status: 'undeclared' };
  }
  const problems: DrDeclarationProblem[] = [];
  const problem = (
    annotation: string,
    value: string | undefined,
    text: string,
  ) => problems.push({ annotation, value, message: `${annotation}: ${text}` });

  for (const key of Object.keys(annotations)) {
    if (
      key.startsWith(DR_ANNOTATION_PREFIX) &&
      !(DR_ANNOTATIONS as readonly string[]).includes(key)
    ) {
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
    problem(
      DR_TIER_ANNOTATION,
      undefined,
      `is missing; a DR declaration needs a tier, one of ${tierNames}`,
    );
  } else {
    policy = policies.get(tierValue.trim());
    if (!policy) {
      problem(
        DR_TIER_ANNOTATION,
        tierValue,
        `"${tierValue}" is not a tier; use one of ${tierNames}`,
      );
    }
  }

  // Strategy
  const strategyValue = annotations[DR_STRATEGY_ANNOTATION];
  let strategy: DrStrategy | undefined;
  if (strategyValue === undefined) {
    problem(
      DR_STRATEGY_ANNOTATION,
      undefined,
      `is missing; use one of ${
        policy ? policy.strategies.join(', ') : DR_STRATEGIES.join(', ')
      }`,
    );
  } else if (!isDrStrategy(strategyValue.trim())) {
    problem(
      DR_STRATEGY_ANNOTATION,
      strategyValue,
      `"${strategyValue}" is not a strategy; use one of ${DR_STRATEGIES.join(
        ', ',
      )}`,
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
      return limit;
    }
    const parsed = parseDuration(value);
    if (!parsed.ok) {
      problem(annotation, value, describeDurationProblem(value, parsed.reason));
      return undefined;
    }
    if (policy && limit !== undefined && parsed.seconds > limit) {
      problem(
        annotation,
        value,
        `"${value}" is looser than ${policy.name} allows; use ${formatDuration(
          limit,
        )} or less (${DURATION_FORMS})`,
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
        `"${name}" is not a known cluster; use one of ${
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
      `"${recoveryCluster}" is also the primary cluster; the recovery cluster must be another cluster`,
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
        `"${runbookValue}" is not an http(s) URL; use a link such as https://wiki.example.com/runbooks/my-service`,
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
