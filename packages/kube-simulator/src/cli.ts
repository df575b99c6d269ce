import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { parseControllerOptions } from './controllers';
import { isJsonObject } from './json';
import { SimulatorOptions, startSimulator } from './index';
import { DEFAULT_CONFIG } from './paths';

const USAGE = `Usage: kube-simulator [--config <file>] [--crd-dir <dir>] [--host <address>] [--now <RFC 3339 time>]

Serves simulated Kubernetes clusters for local development and tests (never production).
  --config   YAML file listing the clusters (default: ${path.relative(
    process.cwd(),
    DEFAULT_CONFIG,
  )})
  --crd-dir  folder of CustomResourceDefinition YAML files (default: the config's crdDir, else ../shared/crds from the repository root)
  --host     interface to listen on (default: the config's host, else 127.0.0.1)
  --now      the time fixture {{now}} tokens are relative to (default: now)`;

/**
 * Reads a simulator config file:
 * `{ host?, crdDir?, servedResources?, controllers?, clusters: [{ name, port, token?, fixtures?, controllers? }] }`.
 * Relative `fixtures`, `crdDir` and `servedResources` paths are resolved from the config file's folder.
 */
export function readConfig(file: string): SimulatorOptions {
  const base = path.dirname(path.resolve(file));
  const config: unknown = parse(fs.readFileSync(file, 'utf8'));
  const fail = (message: string): never => {
    throw new Error(`${file}: ${message}`);
  };
  if (!isJsonObject(config) || !Array.isArray(config.clusters)) {
    return fail('expected an object with a clusters list');
  }
  const controllerOptions = (value: unknown, where: string) => {
    try {
      return parseControllerOptions(value, where);
    } catch (error) {
      return fail((error as Error).message);
    }
  };
  const clusters = config.clusters.map((cluster, index) => {
    if (
      !isJsonObject(cluster) ||
      typeof cluster.name !== 'string' ||
      typeof cluster.port !== 'number'
    ) {
      return fail(
        `clusters[${index}] needs a name (string) and a port (number)`,
      );
    }
    if (cluster.token !== undefined && typeof cluster.token !== 'string') {
      return fail(`clusters[${index}].token must be a string`);
    }
    if (
      cluster.fixtures !== undefined &&
      typeof cluster.fixtures !== 'string'
    ) {
      return fail(`clusters[${index}].fixtures must be a folder path`);
    }
    const controllers =
      cluster.controllers === undefined
        ? undefined
        : controllerOptions(
            cluster.controllers,
            `clusters[${index}].controllers`,
          );
    return {
      name: cluster.name,
      port: cluster.port,
      token: cluster.token,
      fixturesDir:
        cluster.fixtures === undefined
          ? undefined
          : path.resolve(base, cluster.fixtures),
      ...(controllers && { controllers }),
    };
  });
  return {
    clusters,
    ...(typeof config.crdDir === 'string' && {
      crdDir: path.resolve(base, config.crdDir),
    }),
    ...(config.servedResources !== undefined && {
      servedResources:
        typeof config.servedResources === 'string'
          ? path.resolve(base, config.servedResources)
          : fail('servedResources must be a file path'),
    }),
    ...(typeof config.host === 'string' && { host: config.host }),
    ...(config.controllers !== undefined && {
      controllers: controllerOptions(config.controllers, 'controllers'),
    }),
  };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      'crd-dir': { type: 'string' },
      host: { type: 'string' },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options = readConfig(values.config ?? DEFAULT_CONFIG);
  if (values['crd-dir']) {
    options.crdDir = path.resolve(values['crd-dir']);
  }
  if (values.host) {
    options.host = values.host;
  }
  if (values.now) {
    options.now = new Date(values.now);
    if (Number.isNaN(options.now.getTime())) {
      throw new Error(`--now ${values.now} is not a time`);
    }
  }
  const simulator = await startSimulator(options);
  for (const cluster of simulator.clusters) {
    process.stdout.write(
      `kube-simulator: cluster ${cluster.name} listening on ${cluster.url}\n`,
    );
  }
  const shutdown = (signal: string) => {
    process.stdout.write(`kube-simulator: ${signal}, stopping\n`);
    simulator.stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`kube-simulator: ${error}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(error => {
    process.stderr.write(
      `kube-simulator: ${error instanceof Error ? error.message : error}\n`,
    );
    process.exit(1);
  });
}
