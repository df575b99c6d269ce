import {
  DrDeclaration,
  DrDeclarationProblem,
  DrStatus,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { CHECK_VERDICTS, GateFailure, ServiceCheck } from './check';

/** How many services got each verdict. */
export type CheckSummary = Record<(typeof CHECK_VERDICTS)[number], number>;

/**
 * The `--json` report: the evaluation time (RFC 3339), one entry per service in catalog order,
 * how many declared services were judged, the count of each verdict, and, with `--fail-on`,
 * the gate's result.
 */
export interface JsonReport {
  now: string;
  /**
   * How many of the services carry `disaster-recovery/*` annotations and were judged (every
   * verdict but `undeclared`; an `invalid` declaration's evidence is judged too).
   */
  declaredServices: number;
  services: Array<{
    entityRef: string;
    /** The tier; for an invalid declaration, the annotation as written, if any. */
    tier?: string;
    strategy?: string;
    verdict: ServiceCheck['verdict'];
    /** The problems of an invalid declaration. */
    problems?: DrDeclarationProblem[];
    /**
     * For an invalid declaration: the verdict of its evidence, judged with the valid parts of
     * the declaration (absent when there is no valid tier or no way to find the workloads).
     */
    evidenceVerdict?: DrStatus['verdict'];
    /**
     * The whole evaluation of a declared service (durations in whole seconds); for an invalid
     * declaration, of its evidence.
     */
    status?: DrStatus;
  }>;
  summary: CheckSummary;
  gate?: { failOn: string; passed: boolean; failures: GateFailure[] };
}

/** Counts the verdicts, every verdict present with 0 when none has it. */
export function summarize(checks: readonly ServiceCheck[]): CheckSummary {
  const summary = Object.fromEntries(
    CHECK_VERDICTS.map(v => [v, 0]),
  ) as CheckSummary;
  for (const check of checks) {
    summary[check.verdict] += 1;
  }
  return summary;
}

/** How many services were declared (every verdict but `undeclared`). */
export function countDeclared(checks: readonly ServiceCheck[]): number {
  return checks.filter(c => c.verdict !== 'undeclared').length;
}

/** Builds the `--json` report. `gate` is given when `--fail-on` was. */
export function toJsonReport(
  now: Date,
  checks: readonly ServiceCheck[],
  gate?: { failOn: string; failures: GateFailure[] },
): JsonReport {
  return {
    now: now.toISOString().replace(/\.000Z$/, 'Z'),
    declaredServices: countDeclared(checks),
    services: checks.map(check => {
      if (check.verdict === 'undeclared') {
        return { entityRef: check.entityRef, verdict: check.verdict };
      }
      if (check.verdict === 'invalid') {
        return {
          entityRef: check.entityRef,
          tier: check.tier,
          strategy: check.strategy,
          verdict: check.verdict,
          problems: check.problems,
          ...(check.status
            ? { evidenceVerdict: check.evidenceVerdict, status: check.status }
            : {}),
        };
      }
      return {
        entityRef: check.entityRef,
        tier: check.tier,
        strategy: check.strategy,
        verdict: check.verdict,
        status: check.status,
      };
    }),
    summary: summarize(checks),
    ...(gate
      ? {
          gate: {
            failOn: gate.failOn,
            passed: gate.failures.length === 0,
            failures: gate.failures,
          },
        }
      : {}),
  };
}

/** The table's column headings. */
export const TABLE_COLUMNS = [
  'ENTITY',
  'TIER',
  'STRATEGY',
  'VERDICT',
  'RPO ACHIEVED/TARGET',
  'RTO MEASURED/TARGET',
  'REASON',
] as const;

/**
 * One table row of a service: entity ref, tier, strategy, verdict, the achieved RPO and the RPO
 * target, the measured RTO (last drill) and the RTO target, and the first reason (or problem),
 * with `(+N more)` when there are more. `-` stands for a value that does not apply or is not
 * known (`none` for an achieved RPO without any counted recovery point).
 */
export function tableRow(check: ServiceCheck): string[] {
  if (check.verdict === 'undeclared') {
    return [
      check.entityRef,
      '-',
      '-',
      check.verdict,
      '-',
      '-',
      'no disaster-recovery/* annotations',
    ];
  }
  if (check.verdict === 'invalid') {
    const figures =
      check.status && check.declaration
        ? targets(check.status, check.declaration)
        : ['-', '-'];
    return [
      check.entityRef,
      check.tier ?? '-',
      check.strategy ?? '-',
      check.verdict,
      ...figures,
      firstWithCount(check.problems.map(p => p.message)),
    ];
  }
  const { status, declaration } = check;
  return [
    check.entityRef,
    check.tier,
    check.strategy,
    check.verdict,
    ...targets(status, declaration),
    firstWithCount(status.reasons.map(r => r.message)),
  ];
}

/** The RPO and RTO cells: achieved against target, measured against target. */
function targets(
  status: DrStatus,
  declaration: Pick<DrDeclaration, 'rpoSeconds' | 'rtoSeconds'>,
): [string, string] {
  const achieved =
    status.achievedRpoSeconds === null
      ? 'none'
      : formatDuration(status.achievedRpoSeconds);
  const measured =
    status.measuredRtoSeconds === null
      ? '-'
      : formatDuration(status.measuredRtoSeconds);
  return [
    `${achieved} / ${formatDuration(declaration.rpoSeconds)}`,
    `${measured} / ${formatDuration(declaration.rtoSeconds)}`,
  ];
}

/**
 * Formats the checks as a table with aligned columns (see {@link tableRow}), followed by a blank
 * line and a summary line that says how many declared services were judged, such as
 * `5 services at 2026-11-25T12:20:00Z, 4 declared and judged: 1 compliant, 1 at-risk, 1 breached, 0 unknown, 1 invalid, 1 undeclared`.
 * Ends with a newline.
 */
export function formatTable(
  now: Date,
  checks: readonly ServiceCheck[],
): string {
  const rows = [[...TABLE_COLUMNS], ...checks.map(tableRow)];
  const widths = TABLE_COLUMNS.map((_, i) =>
    Math.max(...rows.map(row => row[i].length)),
  );
  const lines = rows.map(row =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
  const summary = summarize(checks);
  const counts = CHECK_VERDICTS.map(v => `${summary[v]} ${v}`).join(', ');
  const when = now.toISOString().replace(/\.000Z$/, 'Z');
  const noun = checks.length === 1 ? 'service' : 'services';
  return `${lines.join('\n')}\n\n${
    checks.length
  } ${noun} at ${when}, ${countDeclared(
    checks,
  )} declared and judged: ${counts}\n`;
}

function firstWithCount(messages: string[]): string {
  if (messages.length === 0) return '';
  return messages.length === 1
    ? messages[0]
    : `${messages[0]} (+${messages.length - 1} more)`;
}
