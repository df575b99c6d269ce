/**
 * A local Kubernetes API simulator for the demo and end-to-end tests (dev and test only).
 *
 * @packageDocumentation
 */

import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Cluster } from './cluster';
import {
  ClusterControllers,
  ControllerOptions,
  resolveControllerOptions,
} from './controllers';
import { loadCrdDirectory, VOLSYNC_RESOURCES } from './crds';
import { Faults } from './faults';
import { readFixtureDirectory } from './fixtures';
import { DEFAULT_CRD_DIR, DEFAULT_SERVED_RESOURCES } from './paths';
import { BUILTIN_RESOURCES, ResourceRegistry } from './resources';
import { createClusterApp } from './server';
import { loadServedResourcesFile } from './servedResources';

export type { Faults } from './faults';
export { FAULT_STATUSES, RESTORE_FAILURES } from './faults';
export type { ControllerOptions } from './controllers';
export { DEFAULT_CONTROLLER_OPTIONS } from './controllers';
export { formatTimestamp, resolveTimeTokens } from './timestamps';
export { DEFAULT_CRD_DIR, DEFAULT_SERVED_RESOURCES } from './paths';
export type { ServedResourceDeclaration } from './servedResources';

/** One simulated cluster to start. */
export interface ClusterOptions {
  /** The cluster's name (as in the Kubernetes plugin's config, e.g. `prod-eu`). */
  name: string;
  /** TCP port to listen on; 0 picks a free one (see `Simulator.clusters[].url`). */
  port: number;
  /** A folder whose `*.yaml` files (multi-document) hold the cluster's initial objects. */
  fixturesDir?: string;
  /** The bearer token API requests must carry; without it, requests need no token. */
  token?: string;
  /** Objects to load after the fixtures (same rules as `SimulatedCluster.load`). */
  objects?: object[];
  /** This cluster's controller options, field by field over `SimulatorOptions.controllers`. */
  controllers?: ControllerOptions;
}

/** Options of `startSimulator`. */
export interface SimulatorOptions {
  clusters: ClusterOptions[];
  /** Folder of CustomResourceDefinition YAML files to serve; default `DEFAULT_CRD_DIR`. */
  crdDir?: string;
  /**
   * A YAML file listing resource types to serve without a CRD (kinds of aggregated API servers,
   * e.g. Kasten K10's): items `{ group, version, kind, plural, namespaced }`, stored without a
   * schema; default `DEFAULT_SERVED_RESOURCES` (`served-resources.yaml` of this package).
   */
  servedResources?: string;
  /**
   * The start of the simulator's clock (creation timestamps), which then runs with real time;
   * default: the real time at start. Fixture times written as tokens (`{{now-15m}}`) are relative
   * to the clock whenever an object is served, until the object is changed through the API.
   */
  now?: Date;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /**
   * The simulated controllers of every cluster (Velero restores, Deployment and StatefulSet
   * status, CloudNativePG demotion and promotion): on by default with delays of a few seconds;
   * see `ControllerOptions` and `DEFAULT_CONTROLLER_OPTIONS`.
   */
  controllers?: ControllerOptions;
}

/** A running simulated cluster. */
export interface SimulatedCluster {
  readonly name: string;
  /** Base URL of its API, e.g. `http://127.0.0.1:6443`. */
  readonly url: string;
  /**
   * Adds or replaces objects (full Kubernetes objects with `apiVersion`, `kind`, `metadata`).
   * Time tokens are resolved; custom resources are checked against their CRD schema, where
   * unknown fields are errors. Atomic: throws an Error naming the object and field, and stores
   * nothing, when one is invalid. Status is kept as given.
   */
  load(objects: object[]): void;
  /** Replaces the cluster's faults (see `Faults`); throws on an invalid faults object. */
  setFaults(faults: Faults): void;
  /** Removes every fault. */
  clearFaults(): void;
  /** API requests received so far, whatever their outcome (admin endpoints excluded). */
  readonly requestCount: number;
  /** Bytes of API response bodies sent so far (admin endpoints excluded). */
  readonly bytesSent: number;
  /** List requests answered `410 Gone` (`Expired`) by the `expireContinue` fault. */
  readonly expiredContinues: number;
  /** Controller actions waiting on a timer (0 once the simulator has stopped). */
  readonly pendingControllerActions: number;
  /** Writes the cluster's controllers have made so far. */
  readonly controllerWrites: number;
}

/** The running simulator returned by `startSimulator`. */
export interface Simulator {
  /** Each cluster's name and base URL, in the order of the options. */
  clusters: Array<{ name: string; url: string }>;
  /** The named cluster's handle; throws for an unknown name. */
  cluster(name: string): SimulatedCluster;
  /** Stops every controller (clearing its timers) and closes every server and its connections. */
  stop(): Promise<void>;
}

function listen(
  server: http.Server,
  port: number,
  host: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function handleOf(
  cluster: Cluster,
  controllers: ClusterControllers,
  url: string,
): SimulatedCluster {
  return {
    name: cluster.name,
    url,
    load: objects =>
      cluster.load(
        objects.map((object, index) => ({
          source: `objects[${index}]`,
          object,
        })),
      ),
    setFaults: faults => {
      cluster.setFaults(faults);
    },
    clearFaults: () => {
      cluster.clearFaults();
    },
    get requestCount() {
      return cluster.requestCount;
    },
    get expiredContinues() {
      return cluster.expiredContinues;
    },
    get bytesSent() {
      return cluster.bytesSent;
    },
    get pendingControllerActions() {
      return controllers.timers.size;
    },
    get controllerWrites() {
      return controllers.writes;
    },
  };
}

/**
 * Starts one HTTP server per cluster, each serving the Kubernetes REST API (discovery, the
 * built-in kinds Backstage reads, every served CRD version in `crdDir`, VolSync, and the types
 * of `servedResources`) from its
 * own objects. Fixture and `objects` errors reject the promise, naming the file, the object
 * and the field; nothing is left listening then. Each cluster's controllers act on the changes
 * made through its API (see `SimulatorOptions.controllers`).
 */
export async function startSimulator(
  options: SimulatorOptions,
): Promise<Simulator> {
  const names = options.clusters.map(cluster => cluster.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate) {
    throw new Error(`Cluster ${duplicate} is defined twice`);
  }
  const registry = new ResourceRegistry([
    ...BUILTIN_RESOURCES,
    ...loadCrdDirectory(options.crdDir ?? DEFAULT_CRD_DIR),
    ...VOLSYNC_RESOURCES,
    ...loadServedResourcesFile(
      options.servedResources ?? DEFAULT_SERVED_RESOURCES,
    ),
  ]);
  const now = options.now ?? new Date();
  const startedAt = Date.now();
  const clock = () => new Date(now.getTime() + (Date.now() - startedAt));
  const host = options.host ?? '127.0.0.1';
  const controllerOptions = options.clusters.map(clusterOptions => {
    try {
      return resolveControllerOptions(
        options.controllers,
        clusterOptions.controllers,
      );
    } catch (error) {
      throw new Error(
        `Cluster ${clusterOptions.name}: ${(error as Error).message}`,
      );
    }
  });

  const clusters = options.clusters.map(clusterOptions => {
    const cluster = new Cluster(clusterOptions.name, registry, clock, now);
    if (clusterOptions.fixturesDir) {
      cluster.load(readFixtureDirectory(clusterOptions.fixturesDir));
    }
    if (clusterOptions.objects) {
      cluster.load(
        clusterOptions.objects.map((object, index) => ({
          source: `${clusterOptions.name}: objects[${index}]`,
          object,
        })),
      );
    }
    return { cluster, options: clusterOptions };
  });
  const allClusters = clusters.map(({ cluster }) => cluster);
  if (controllerOptions.some(resolved => resolved.enabled)) {
    // any cluster may have made a backup another one restores, as it was then
    allClusters.forEach(cluster => cluster.keepHistory());
  }
  const controllers = clusters.map(
    ({ cluster }, index) =>
      new ClusterControllers(
        cluster,
        controllerOptions[index],
        () => allClusters,
      ),
  );
  const stopControllers = () => controllers.forEach(each => each.stop());

  const servers: http.Server[] = [];
  const handles = new Map<string, SimulatedCluster>();
  try {
    for (const { cluster, options: clusterOptions } of clusters) {
      const server = http.createServer(
        createClusterApp(cluster, clusterOptions.token),
      );
      servers.push(server);
      const port = await listen(server, clusterOptions.port, host).catch(
        error => {
          throw new Error(
            `Cluster ${cluster.name} cannot listen on ${host}:${clusterOptions.port}: ${error.message}`,
          );
        },
      );
      const urlHost = host.includes(':') ? `[${host}]` : host;
      handles.set(
        cluster.name,
        handleOf(
          cluster,
          controllers[allClusters.indexOf(cluster)],
          `http://${urlHost}:${port}`,
        ),
      );
    }
  } catch (error) {
    stopControllers();
    await Promise.all(servers.filter(server => server.listening).map(close));
    throw error;
  }

  return {
    clusters: [...handles.values()].map(({ name, url }) => ({ name, url })),
    cluster(name) {
      const handle = handles.get(name);
      if (!handle) {
        throw new Error(
          `No simulated cluster named ${name}; clusters: ${names.join(', ')}`,
        );
      }
      return handle;
    },
    stop: async () => {
      stopControllers();
      await Promise.all(servers.map(close));
    },
  };
}
