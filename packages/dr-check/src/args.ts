import { parseArgs } from 'util';

/**
 * The command line was not understood: an unknown option, a missing or malformed value, a
 * missing required option. `dr-check` prints the message and the usage and exits with code 2.
 */
export class DrCheckUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrCheckUsageError';
  }
}

/** The options of `dr-check`, as given on the command line. */
export interface DrCheckOptions {
  /** Catalog YAML files or folders (`--catalog`, at least one). */
  catalog: string[];
  /** The folder of cluster dumps (`--clusters`). */
  clusters: string;
  /** The time to evaluate at (`--now`); undefined for the current time. */
  now?: Date;
  /** app-config files, lowest priority first (`--config`). */
  config: string[];
  /** The tier named by `--fail-on`; checked against the tier policies later. */
  failOn?: string;
  /** Print JSON instead of a table (`--json`). */
  json: boolean;
  /** Only these entities (`--entity`), as written. */
  entities: string[];
  /** `-h`/`--help`: print the usage and exit 0. */
  help: boolean;
}

/** The usage text, printed by `--help` and after a usage error. */
export const USAGE = `Usage: dr-check --catalog <file-or-dir>... --clusters <dir> [options]

Judges the disaster-recovery declarations of catalog entities offline, from catalog YAML
files and kubectl dumps of the clusters.

Options:
  --catalog <file-or-dir>     catalog YAML file, or a folder searched for *.yaml and *.yml
                              (repeatable)
  --clusters <dir>            a folder with one sub-folder per cluster, named as the cluster,
                              holding \`kubectl get ... -o yaml\` output
  --now <RFC 3339>            evaluate at this time, e.g. 2026-11-25T12:00:00Z (default: now)
  --config <app-config.yaml>  app-config with disasterRecovery.tiers (repeatable; later files
                              override earlier ones; default: the built-in tiers)
  --fail-on <tier>            exit 1 when a service of this tier or a more critical one is
                              breached or has an invalid declaration
  --entity <ref>              only this entity, e.g. component:default/orders-db or orders-db
                              (repeatable)
  --json                      print JSON instead of a table
  -h, --help                  print this help

Exit codes: 0 the gate passed, 1 the gate failed (--fail-on), 2 bad usage or unreadable
input, 3 internal error.
`;

// RFC 3339 date-time: full date, 'T', time with seconds, optional fraction, and an offset.
const RFC_3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses `dr-check`'s arguments (without the node and script paths) with Node's
 * `util.parseArgs`.
 *
 * @throws DrCheckUsageError naming the option and its accepted form, for an unknown option, a
 *   positional argument, a missing value, `--catalog` or `--clusters` missing, `--clusters` given
 *   twice, or a `--now` that is not an RFC 3339 time
 */
export function parseDrCheckArgs(argv: readonly string[]): DrCheckOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        catalog: { type: 'string', multiple: true },
        clusters: { type: 'string', multiple: true },
        now: { type: 'string' },
        config: { type: 'string', multiple: true },
        'fail-on': { type: 'string' },
        json: { type: 'boolean' },
        entity: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new DrCheckUsageError(describeParseArgsError(error as Error));
  }
  const help = values.help === true;
  const catalog = values.catalog ?? [];
  const clusters = values.clusters ?? [];
  if (!help) {
    if (catalog.length === 0) {
      throw new DrCheckUsageError(
        '--catalog is missing; give catalog YAML files or folders, e.g. --catalog catalog-info.yaml',
      );
    }
    if (clusters.length === 0) {
      throw new DrCheckUsageError(
        '--clusters is missing; give the folder of cluster dumps, e.g. --clusters dumps (with dumps/prod-eu/*.yaml, dumps/dr-us/*.yaml)',
      );
    }
    if (clusters.length > 1) {
      throw new DrCheckUsageError(
        `--clusters is given ${clusters.length} times; give one folder holding a sub-folder per cluster`,
      );
    }
  }
  let now: Date | undefined;
  if (values.now !== undefined) {
    now = new Date(values.now);
    if (!RFC_3339.test(values.now) || Number.isNaN(now.getTime())) {
      throw new DrCheckUsageError(
        `--now "${values.now}" is not an RFC 3339 time; use e.g. --now 2026-11-25T12:00:00Z`,
      );
    }
  }
  return {
    catalog,
    clusters: clusters[0] ?? '',
    now,
    config: values.config ?? [],
    failOn: values['fail-on'],
    json: values.json === true,
    entities: values.entity ?? [],
    help,
  };
}

function describeParseArgsError(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? error.message}; see the options below`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `${
        /^Unexpected argument '[^']*'/.exec(error.message)?.[0] ?? error.message
      }; every input is given with an option, e.g. --catalog <file-or-dir>`;
    default:
      // Missing or ambiguous value, or a value given to --json or --help.
      return error.message;
  }
}
