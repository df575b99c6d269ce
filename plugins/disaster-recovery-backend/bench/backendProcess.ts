// The benchmark's backend (Kubernetes backend + DR backend, catalog served from memory), in its
// own process so that its memory is measured alone. Started with
// `{ size, clusters, port, token, empty? }` as JSON in argv; sends `{ ready: memory }` once started,
// answers `memory` (after a full collection) and `raw` (the raw reading of the refresh's lists,
// `{ raw: { result, memory } }`), and exits on `stop`. The refresh runs only when triggered
// (`POST /api/disaster-recovery/.backstage/scheduler/v1/tasks/disaster-recovery-refresh/trigger`),
// so that the raw reading can run before it.
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import disasterRecoveryPlugin, {
  drModuleCloudNativePgProvider,
  drModuleCsiSnapshotsProvider,
  drModuleStrimziProvider,
  drModuleVeleroProvider,
  drModuleVolSyncProvider,
  drModuleWorkloadsProvider,
} from '../src';
import { BenchSize, entities, kubernetesConfig } from './generate';
import { rawRead } from './rawRead';

/** The refresh's paging and concurrency, set explicitly so that the raw reading uses the same. */
const BENCH_REFRESH = {
  pageSize: 500,
  clusterConcurrency: 4,
  requestTimeoutSeconds: 120,
};

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 };
}

async function main() {
  const { size, clusters, port, token, empty } = JSON.parse(
    process.argv[2],
  ) as {
    size: BenchSize;
    clusters: Array<{ name: string; url: string }>;
    port: number;
    token: string;
    /** Start backend-defaults without any plugin: the framework's own memory, for comparison. */
    empty?: boolean;
  };
  // The figures, not the backend's request log.
  process.env.LOG_LEVEL ??= 'warn';
  const config = {
    backend: {
      baseUrl: `http://localhost:${port}`,
      listen: { port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      auth: {
        externalAccess: [
          { type: 'static', options: { token, subject: 'bench' } },
        ],
      },
    },
    permission: { enabled: false },
    kubernetes: kubernetesConfig(clusters),
    disasterRecovery: {
      refresh: {
        // Runs when the bench triggers it (a local task starts at once when triggered).
        schedule: {
          frequency: { hours: 24 },
          timeout: { minutes: 30 },
          initialDelay: { hours: 24 },
          scope: 'local',
        },
        ...BENCH_REFRESH,
      },
    },
  };
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(config),
    }),
  );
  if (!empty) {
    backend.add(catalogServiceMock.factory({ entities: entities(size) }));
    backend.add(import('@backstage/plugin-kubernetes-backend'));
    backend.add(disasterRecoveryPlugin);
    backend.add(drModuleWorkloadsProvider);
    backend.add(drModuleVeleroProvider);
    backend.add(drModuleCsiSnapshotsProvider);
    backend.add(drModuleVolSyncProvider);
    backend.add(drModuleCloudNativePgProvider);
    backend.add(drModuleStrimziProvider);
  }
  await backend.start();
  if (process.env.BENCH_MEMORY_TRACE) {
    // Heap and RSS every half second on stderr, to see where the peak is.
    const t0 = Date.now();
    setInterval(() => {
      const m = process.memoryUsage();
      process.stderr.write(
        `${((Date.now() - t0) / 1000).toFixed(1)}s rss ${Math.round(
          m.rss / 1e6,
        )} heap ${Math.round(m.heapUsed / 1e6)}/${Math.round(
          m.heapTotal / 1e6,
        )} MB\n`,
      );
    }, 500).unref();
  }
  // The benchmark exited or died: do not outlive it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (message: string) => {
    if (message === 'memory') process.send!({ memory: memory() });
    if (message === 'raw') {
      // In this process, as the refresh: the same event loop serves the proxy and parses.
      try {
        const result = await rawRead({
          kubernetesBaseUrl: `http://localhost:${port}/api/kubernetes`,
          token,
          clusters: clusters.map(c => c.name),
          concurrency: BENCH_REFRESH.clusterConcurrency,
          pageSize: BENCH_REFRESH.pageSize,
          requestTimeoutMs: BENCH_REFRESH.requestTimeoutSeconds * 1000,
        });
        const { rss, heapUsed } = process.memoryUsage();
        const maxRss = process.resourceUsage().maxRSS * 1024;
        process.send!({ raw: { result, memory: { rss, heapUsed, maxRss } } });
      } catch (error) {
        process.stderr.write(`raw reading failed: ${(error as Error).stack}\n`);
        process.exit(1);
      }
    }
    if (message === 'stop') {
      await backend.stop();
      process.exit(0);
    }
  });
  process.send!({ ready: memory() });
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
