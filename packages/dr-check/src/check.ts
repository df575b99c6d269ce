import {
  ClusterEvidence,
  DR_STRATEGY_ANNOTATION,
  DR_TIER_ANNOTATION,
  DrDeclaration,
  DR_VERDICTS,
  DrDeclarationProblem,
  DrPartialDeclaration,
  DrServiceTarget,
  DrStatus,
  TierPolicies,
  DR_PROVIDERS,
  evaluateDrStatus,
  hasDrAnnotations,
  parseDrDeclaration,
  serviceTargetFromEntity,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { isRecord } from './files';
import { CatalogEntry } from './loadCatalog';

/** Where an entity was read from. */
interface Source {
  entityRef: string;
  file: string;
  line: number;
}

/**
 * The result of checking one catalog entity:
 *
 * - `undeclared`: a Component or Resource without `disaster-recovery/*` annotations;
 * - `invalid`: its declaration has problems (from `parseDrDeclaration`, or the entity fails the
 *   catalog schema, or it names no workloads to look for); `tier` and `strategy` are the
 *   annotation values as written, when present. Its evidence is still judged with the valid
 *   parts of the declaration (`parseDrDeclaration`'s `partial`, as the backend does): `status`
 *   and `evidenceVerdict`, when there is a valid tier and the workloads can be found;
 * - otherwise the verdict of `evaluateDrStatus`, with the declaration and the whole status.
 *
 * When the evaluation throws for an entity (a bug, or an object it did not expect), that entity
 * is `unknown` with the reason `evaluation failed: <message>`, and `evaluationError` holds the
 * error's stack; the other entities are judged as usual.
 */
export type ServiceCheck =
  | (Source & { verdict: 'undeclared' })
  | (Source & {
      verdict: 'invalid';
      tier?: string;
      strategy?: string;
      problems: DrDeclarationProblem[];
      /** The declaration the evidence was judged with: the valid parts, the tier's defaults for the rest. */
      declaration?: DrPartialDeclaration;
      /** The evidence judged with `declaration`. */
      status?: DrStatus;
      /** `status.verdict`: what the evidence says, whatever the declaration's problems. */
      evidenceVerdict?: DrStatus['verdict'];
      evaluationError?: string;
    })
  | (Source & {
      verdict: DrStatus['verdict'];
      tier: string;
      strategy: string;
      declaration: DrDeclaration;
      status: DrStatus;
      evaluationError?: string;
    });

/** Every verdict `dr-check` reports, in the order of its summary. */
export const CHECK_VERDICTS = DR_VERDICTS;

/** The input of {@link checkServices}. */
export interface CheckServicesInput {
  /** The entities to check, in the order to report them. */
  entries: readonly CatalogEntry[];
  /** The evidence of every cluster; their names are the known clusters. */
  clusters: ClusterEvidence[];
  policies: TierPolicies;
  now: Date;
}

// Kinds listed as `undeclared` when they carry no DR annotations; other kinds (Group, System,
// Location, ...) are not services and are left out.
const SERVICE_KINDS = ['component', 'resource'];

/**
 * Checks catalog entities: parses each DR declaration with `parseDrDeclaration` (the clusters'
 * names are the known clusters), and judges each valid one with `evaluateDrStatus` against the
 * clusters' evidence at `now`. The workloads are found with `serviceTargetFromEntity`; a
 * declared entity with neither `backstage.io/kubernetes-id` nor
 * `backstage.io/kubernetes-label-selector`, or a malformed selector, is `invalid`, since its
 * evidence cannot be found. Entities of other kinds than Component and Resource without DR
 * annotations are left out. Pure: no I/O, no clock.
 */
export function checkServices(input: CheckServicesInput): ServiceCheck[] {
  const knownClusters = input.clusters.map(c => c.cluster);
  const checks: ServiceCheck[] = [];
  for (const { entity, entityRef, file, line, schemaError } of input.entries) {
    const source = { entityRef, file, line };
    const annotations = entity.metadata.annotations ?? {};
    const written = {
      tier: stringOrUndefined(annotations[DR_TIER_ANNOTATION]),
      strategy: stringOrUndefined(annotations[DR_STRATEGY_ANNOTATION]),
    };
    const isService = SERVICE_KINDS.includes(entity.kind.toLocaleLowerCase());
    const declared = isRecord(annotations) && hasDrAnnotations(entity);
    if (!declared) {
      if (isService) {
        checks.push({ ...source, verdict: 'undeclared' });
      }
      continue;
    }
    if (schemaError) {
      checks.push({
        ...source,
        ...written,
        verdict: 'invalid',
        problems: [
          {
            annotation: 'metadata',
            message: `the entity does not pass the catalog's schema: ${schemaError}`,
          },
        ],
      });
      continue;
    }
    const parsed = parseDrDeclaration(entity, input.policies, {
      knownClusters,
    });
    if (parsed.status === 'undeclared') {
      continue; // not reached: hasDrAnnotations held
    }
    const target = findTarget(entity);
    if (parsed.status === 'invalid') {
      const problems =
        'problem' in target
          ? [...parsed.problems, target.problem]
          : parsed.problems;
      const declaration = parsed.partial;
      if (!declaration || 'problem' in target) {
        checks.push({ ...source, ...written, verdict: 'invalid', problems });
        continue;
      }
      const { status, error } = judge(declaration, target.target, input);
      checks.push({
        ...source,
        ...written,
        verdict: 'invalid',
        problems,
        declaration,
        status,
        evidenceVerdict: status.verdict,
        ...(error ? { evaluationError: error } : {}),
      });
      continue;
    }
    if ('problem' in target) {
      checks.push({
        ...source,
        ...written,
        verdict: 'invalid',
        problems: [target.problem],
      });
      continue;
    }
    const { declaration } = parsed;
    const { status, error } = judge(declaration, target.target, input);
    checks.push({
      ...source,
      verdict: status.verdict,
      tier: declaration.tier,
      strategy: declaration.strategy,
      declaration,
      status,
      ...(error ? { evaluationError: error } : {}),
    });
  }
  return checks;
}

/**
 * Runs `evaluateDrStatus` for one service. An exception it throws does not stop the check of
 * the other services: the service is `unknown`, with the reason `evaluation failed: <message>`
 * (code `evaluation-failed`), and `error` is the exception's stack.
 */
function judge(
  declaration: DrPartialDeclaration,
  target: DrServiceTarget,
  input: CheckServicesInput,
): { status: DrStatus; error?: string } {
  try {
    return {
      status: evaluateDrStatus({
        declaration,
        target,
        clusters: input.clusters,
        now: input.now,
        providers: DR_PROVIDERS,
      }),
    };
  } catch (error) {
    const message =
      error instanceof Error ? error.message : String(error ?? 'unknown error');
    return {
      status: failedStatus(declaration, input.now, message),
      error:
        error instanceof Error ? error.stack ?? String(error) : String(error),
    };
  }
}

/** The status of a service whose evaluation threw: `unknown`, with nothing judged. */
function failedStatus(
  declaration: DrPartialDeclaration,
  now: Date,
  message: string,
): DrStatus {
  return {
    verdict: 'unknown',
    reasons: [
      {
        severity: 'unknown',
        code: 'evaluation-failed',
        message: `evaluation failed: ${message}`,
        nextStep:
          'Report it with the dumps of the service; the other services were judged.',
      },
    ],
    evaluatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    achievedRpoSeconds: null,
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: [],
    lastDrill: null,
    measuredRtoSeconds: null,
    unreadable: [],
    primaryClusters: declaration.primaryCluster
      ? [declaration.primaryCluster]
      : [],
    primarySource: declaration.primaryCluster ? 'annotation' : 'none',
  };
}

/** A service that fails the gate, and why in one line. */
export interface GateFailure {
  entityRef: string;
  /** e.g. `breached (tier-1): Achieved RPO 3h 20m is above the 1h target.` */
  reason: string;
}

/**
 * The services that fail a `--fail-on <tier>` gate: those of `failOn` or a more critical tier
 * (a lower `TierPolicies.rank`) that are `breached` or have an invalid declaration. An invalid
 * declaration whose tier is missing or unknown fails every gate: its tier cannot be trusted.
 * `unknown`, `at-risk` and `undeclared` services do not fail the gate.
 *
 * @throws TypeError when `failOn` is not a tier of `policies` (checked by the caller first)
 */
export function gateFailures(
  checks: readonly ServiceCheck[],
  policies: TierPolicies,
  failOn: string,
): GateFailure[] {
  const gated = gatedTiers(policies, failOn);
  const failures: GateFailure[] = [];
  for (const check of checks) {
    if (check.verdict === 'breached' && gated(check.tier)) {
      failures.push({
        entityRef: check.entityRef,
        reason: `breached (${check.tier}): ${
          check.status.reasons[0]?.message ?? ''
        }`,
      });
    } else if (check.verdict === 'invalid' && gated(check.tier)) {
      failures.push({
        entityRef: check.entityRef,
        reason: `invalid declaration (${
          check.tier ?? 'no tier'
        }): ${check.problems.map(p => p.message).join('; ')}`,
      });
    }
  }
  return failures;
}

/**
 * The `unknown` services of a gate's tiers (`failOn` or a more critical one): they do not fail
 * the gate, but their evidence could not be read.
 *
 * @throws TypeError when `failOn` is not a tier of `policies`
 */
export function gateUnknown(
  checks: readonly ServiceCheck[],
  policies: TierPolicies,
  failOn: string,
): string[] {
  const gated = gatedTiers(policies, failOn);
  return checks
    .filter(c => c.verdict === 'unknown' && gated(c.tier))
    .map(c => c.entityRef);
}

/** Whether a tier is gated by `--fail-on <failOn>`; a missing or unknown tier always is. */
function gatedTiers(
  policies: TierPolicies,
  failOn: string,
): (tier: string | undefined) => boolean {
  const limit = policies.rank(failOn);
  if (limit === undefined) {
    throw new TypeError(`${failOn} is not a tier`);
  }
  return tier => {
    const rank = tier === undefined ? undefined : policies.rank(tier.trim());
    return rank === undefined || rank <= limit;
  };
}

function findTarget(
  entity: CatalogEntry['entity'],
): { target: DrServiceTarget } | { problem: DrDeclarationProblem } {
  let target: DrServiceTarget | undefined;
  try {
    target = serviceTargetFromEntity(entity);
  } catch (error) {
    const annotation = 'backstage.io/kubernetes-label-selector';
    return {
      problem: {
        annotation,
        value: entity.metadata.annotations?.[annotation],
        message: `${annotation}: ${(error as Error).message}`,
      },
    };
  }
  if (!target) {
    return {
      problem: {
        annotation: 'backstage.io/kubernetes-id',
        message:
          "backstage.io/kubernetes-id: is missing; the service's workloads are found by it (label backstage.io/kubernetes-id=<id>) or by backstage.io/kubernetes-label-selector",
      },
    };
  }
  return { target };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
