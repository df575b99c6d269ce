import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { DrCheckUsageError, USAGE, parseDrCheckArgs } from './args';
import { checkServices, gateFailures, gateUnknown } from './check';
import { DrCheckInputError } from './files';
import { CatalogEntry, loadCatalog } from './loadCatalog';
import { loadTierPolicies } from './loadConfig';
import { loadClusterDumps } from './loadDumps';
import { countDeclared, formatTable, toJsonReport } from './report';

/** Where `dr-check` writes: each call gets a piece of text, newlines included. */
export interface DrCheckIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The exit codes of `dr-check`. */
export const EXIT_CODES = {
  /** The gate passed (or no `--fail-on` was given). */
  passed: 0,
  /** A service of the `--fail-on` tier or a more critical one is breached or invalid. */
  failed: 1,
  /** Bad usage, or an input that cannot be read (missing path, catalog or config not valid YAML). */
  usage: 2,
  /** A bug in dr-check. */
  internal: 3,
} as const;

/**
 * The `dr-check` command: judges the DR declarations of catalog entities offline, from catalog
 * YAML and `kubectl get -o yaml` dumps of the clusters, with `evaluateDrStatus`; prints a table
 * (or JSON with `--json`) to stdout and warnings, errors and the gate's result to stderr.
 * See `USAGE` and README.md beside this file.
 *
 * @param argv - the arguments after the script, e.g. `['--catalog', 'catalog-info.yaml', ...]`
 * @param io - where to write; by default the process's stdout and stderr, and then the exit code
 *   is also set as `process.exitCode` (the bin does not read the return value)
 * @returns the exit code: 0 passed, 1 the gate failed, 2 bad usage or unreadable input,
 *   3 internal error. Never throws.
 */
export function main(argv: string[], io?: DrCheckIo): number {
  const out = io ?? {
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
  };
  const code = run(argv, out);
  if (!io) {
    process.exitCode = code;
  }
  return code;
}

function run(argv: string[], io: DrCheckIo): number {
  try {
    const options = parseDrCheckArgs(argv);
    if (options.help) {
      io.stdout(USAGE);
      return EXIT_CODES.passed;
    }
    const policies = loadTierPolicies(options.config);
    if (options.failOn !== undefined && !policies.get(options.failOn)) {
      throw new DrCheckUsageError(
        `--fail-on "${options.failOn}" is not a tier; use one of ${policies
          .names()
          .join(', ')}`,
      );
    }
    const now = options.now ?? new Date();

    const catalog = loadCatalog(options.catalog);
    for (const warning of catalog.warnings) {
      io.stderr(`dr-check: warning: ${warning}\n`);
    }
    const entries = selectEntities(catalog.entries, options.entities);
    const dumps = loadClusterDumps(options.clusters);
    for (const { cluster, reason } of dumps.errors) {
      io.stderr(
        `dr-check: error: cluster ${cluster}: ${reason}; services with evidence on ${cluster} are judged unknown unless a breach is proven\n`,
      );
    }

    const checks = checkServices({
      entries,
      clusters: dumps.clusters,
      policies,
      now,
    });
    for (const check of checks) {
      if (check.verdict !== 'undeclared' && check.evaluationError) {
        io.stderr(
          `dr-check: error: ${check.entityRef}: evaluation failed, judged unknown; the other services were judged. Please report it with the dumps:\n${check.evaluationError}\n`,
        );
      }
    }
    const declared = countDeclared(checks);
    if (declared === 0) {
      const what = `${entries.length} entit${
        entries.length === 1 ? 'y' : 'ies'
      } of --catalog ${options.catalog.join(' ')}${
        options.entities.length > 0 ? ' (--entity)' : ''
      }`;
      if (options.failOn !== undefined) {
        // A gate that judged nothing must not pass.
        throw new DrCheckInputError(
          `--fail-on ${options.failOn}: none of the ${what} declares disaster recovery (disaster-recovery/* annotations), so there is nothing to gate`,
        );
      }
      io.stderr(
        `dr-check: warning: none of the ${what} declares disaster recovery (disaster-recovery/* annotations); no service was judged\n`,
      );
    }
    const gate =
      options.failOn === undefined
        ? undefined
        : {
            failOn: options.failOn,
            failures: gateFailures(checks, policies, options.failOn),
          };

    io.stdout(
      options.json
        ? `${JSON.stringify(toJsonReport(now, checks, gate), null, 2)}\n`
        : formatTable(now, checks),
    );

    if (!gate) {
      return EXIT_CODES.passed;
    }
    const scope = `${gate.failOn} or a more critical tier`;
    const unknown = gateUnknown(checks, policies, gate.failOn);
    if (unknown.length > 0) {
      io.stderr(
        `dr-check: note: ${unknown.length} service${
          unknown.length === 1 ? '' : 's'
        } of ${scope} could not be judged (unknown) and do not fail the gate: ${unknown.join(
          ', ',
        )}\n`,
      );
    }
    if (gate.failures.length === 0) {
      io.stderr(
        `dr-check: gate passed: no service of ${scope} is breached or has an invalid declaration\n`,
      );
      return EXIT_CODES.passed;
    }
    io.stderr(
      `dr-check: gate failed: ${gate.failures.length} service${
        gate.failures.length === 1 ? '' : 's'
      } of ${scope} breached or with an invalid declaration:\n`,
    );
    for (const failure of gate.failures) {
      io.stderr(`  ${failure.entityRef}: ${failure.reason}\n`);
    }
    return EXIT_CODES.failed;
  } catch (error) {
    if (error instanceof DrCheckUsageError) {
      io.stderr(`dr-check: ${error.message}\n\n${USAGE}`);
      return EXIT_CODES.usage;
    }
    if (error instanceof DrCheckInputError) {
      io.stderr(`dr-check: ${error.message}\n`);
      return EXIT_CODES.usage;
    }
    io.stderr(
      `dr-check: internal error: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    return EXIT_CODES.internal;
  }
}

/**
 * The entries named by `--entity` (all of them when none is named), in catalog order. A
 * reference may leave out the kind (`component`) and namespace (`default`).
 *
 * @throws DrCheckUsageError for a malformed reference or one that is not in the catalog files
 */
function selectEntities(
  entries: CatalogEntry[],
  refs: readonly string[],
): CatalogEntry[] {
  if (refs.length === 0) {
    return entries;
  }
  const wanted = new Set<string>();
  for (const ref of refs) {
    let normalized: string;
    try {
      normalized = stringifyEntityRef(
        parseEntityRef(ref, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        }),
      );
    } catch (error) {
      throw new DrCheckUsageError(
        `--entity "${ref}": ${
          (error as Error).message
        }; use [kind:][namespace/]name, e.g. --entity component:default/orders-db`,
      );
    }
    if (!entries.some(e => e.entityRef === normalized)) {
      throw new DrCheckUsageError(
        `--entity "${ref}": ${normalized} is not in the --catalog files`,
      );
    }
    wanted.add(normalized);
  }
  return entries.filter(e => wanted.has(e.entityRef));
}
