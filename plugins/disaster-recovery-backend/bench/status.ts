/**
 * `yarn bench:status`: the DR refresh at scale. Generates N services × C clusters × B backups per
 * service in the Kubernetes API simulator (its own process), runs a real backend (Kubernetes
 * backend + DR backend, in this process) against it, and prints: refresh wall time, Kubernetes
 * requests made, bytes received, `/overview` p50 and p95, backend RSS, and the same refresh done
 * the naive way (one set of lists per service), measured on a sample and extrapolated.
 *
 * Next to the refresh, the raw reading of the same lists (rawRead.ts): the same requests and pages,
 * through the Kubernetes backend's proxy, in the backend's process, each page's JSON parsed and
 * dropped. It runs once before the refresh and once after it, so that neither it nor the refresh
 * alone reads with warm caches; both are printed, with `refresh ÷ raw`.
 *
 *   yarn bench:status [--services 10000] [--clusters 50] [--backups 100] [--naive-sample 50]
 *
 * Prints figures only; it asserts nothing.
 */
import {
  DR_RESOURCE_TYPES,
  listPath,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { fork } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchSize, namespaceOf, serviceName } from './generate';
import type { RawReadResult } from './rawRead';

const TOKEN = 'bench-static-token-0123456789';

/** A TCP port free right now, for the backend to listen on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number) {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

/** What the backend process reports of its memory, in bytes. */
interface Memory {
  rss: number;
  heapUsed: number;
  maxRss: number;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  // The figures, not the backend's request log.
  process.env.LOG_LEVEL ??= 'warn';
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '1000' },
      clusters: { type: 'string', default: '10' },
      backups: { type: 'string', default: '20' },
      'naive-sample': { type: 'string', default: '50' },
    },
  });
  const size: BenchSize = {
    services: Number(values.services),
    clusters: Number(values.clusters),
    backups: Number(values.backups),
  };
  const now = new Date();
  console.log(
    `bench:status ${size.services} services × ${size.clusters} clusters × ${
      size.backups
    } backups per service (${size.services * size.backups} backups)`,
  );

  // The simulated clusters, in a child process.
  const child = fork(
    path.join(__dirname, 'simulatorProcess.ts'),
    [JSON.stringify(size), now.toISOString()],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        '--max-old-space-size=16000',
      ],
    },
  );
  const ask = <T>(message: string, key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: any) => {
        if (m && key in m) {
          child.off('message', onMessage);
          resolve(m[key]);
        }
      };
      child.on('message', onMessage);
      child.once('exit', code =>
        reject(new Error(`simulator exited with ${code}`)),
      );
      if (message) child.send(message);
    });
  const loadStarted = Date.now();
  const clusters = await ask<Array<{ name: string; url: string }>>(
    '',
    'clusters',
  );
  console.log(
    `simulator ready in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`,
  );

  // A real backend (Kubernetes backend + DR backend, catalog served from memory) in its own
  // process, so that its memory is measured alone.
  const PORT = await freePort();
  const startBackend = (empty: boolean) =>
    fork(
      path.join(__dirname, 'backendProcess.ts'),
      [JSON.stringify({ size, clusters, port: PORT, token: TOKEN, empty })],
      {
        execArgv: [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          '--expose-gc',
          // BENCH_MAX_OLD_SPACE=<MB>: the heap limit an operator would set (NODE_OPTIONS).
          ...(process.env.BENCH_MAX_OLD_SPACE
            ? [`--max-old-space-size=${process.env.BENCH_MAX_OLD_SPACE}`]
            : []),
          // BENCH_CPU_PROF=<dir>: a CPU profile of the backend, for `--cpu-prof` readers.
          ...(process.env.BENCH_CPU_PROF && !empty
            ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
            : []),
        ],
      },
    );
  // For comparison: the memory of backend-defaults alone, without any plugin.
  const emptyBackend = startBackend(true);
  // (Backstage's own IPC may send other messages first: wait for ours.)
  const emptyMemory = await new Promise<Memory>((resolve, reject) => {
    emptyBackend.on('message', (m: any) => {
      if (m && 'ready' in m) resolve(m.ready);
    });
    emptyBackend.once('exit', code =>
      reject(new Error(`backend exited with ${code}`)),
    );
  });
  emptyBackend.removeAllListeners('exit');
  emptyBackend.send('stop');
  await new Promise(resolve => emptyBackend.once('exit', resolve));
  const backend = startBackend(false);
  const askBackend = <T>(message: string, key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: any) => {
        if (m && key in m) {
          backend.off('message', onMessage);
          resolve(m[key]);
        }
      };
      backend.on('message', onMessage);
      backend.once('exit', code =>
        reject(new Error(`backend exited with ${code}`)),
      );
      if (message) backend.send(message);
    });
  const memoryAtStart = await askBackend<Memory>('', 'ready');

  const api = (p: string, init?: RequestInit) =>
    fetch(`http://localhost:${PORT}/api${p}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, ...init?.headers },
    });

  // The raw reading of the same lists, in the backend's process, with the simulator's counts.
  const raw = async () => {
    const simBefore = await ask<{ requests: number; bytes: number }>(
      'stats',
      'stats',
    );
    const { result, memory: rawMemory } = await askBackend<{
      result: RawReadResult;
      memory: Memory;
    }>('raw', 'raw');
    const simAfter = await ask<{ requests: number; bytes: number }>(
      'stats',
      'stats',
    );
    return {
      ...result,
      simulatorRequests: simAfter.requests - simBefore.requests,
      simulatorBytes: simAfter.bytes - simBefore.bytes,
      memory: rawMemory,
    };
  };
  const rawBefore = await raw();

  // The refresh, triggered now (its schedule never runs it by itself): one list per (cluster,
  // resource type) plus continuation pages. The wall time runs from the trigger to the first
  // stored result.
  const refreshBefore = await ask<{ requests: number; bytes: number }>(
    'stats',
    'stats',
  );
  const started = Date.now();
  const trigger = await api(
    '/disaster-recovery/.backstage/scheduler/v1/tasks/disaster-recovery-refresh/trigger',
    { method: 'POST' },
  );
  if (!trigger.ok) {
    throw new Error(
      `triggering the refresh answered ${
        trigger.status
      }: ${await trigger.text()}`,
    );
  }
  let overview: any;
  for (;;) {
    // The backend is busy evaluating: a kept-alive connection it closed meanwhile is retried.
    overview = await api('/disaster-recovery/overview?limit=1')
      .then(r => r.json())
      .catch(() => ({}));
    if (overview.updatedAt) break;
    await new Promise(r => setTimeout(r, 50));
  }
  const refreshMs = Date.now() - started;
  const after = await ask<{ requests: number; bytes: number }>(
    'stats',
    'stats',
  );
  const requests = after.requests - refreshBefore.requests;
  const bytes = after.bytes - refreshBefore.bytes;
  const types = DR_RESOURCE_TYPES.length;

  // /overview latency, with the kinds of queries the overview page makes.
  const queries = [
    'limit=50',
    'limit=50&sort=achievedRpo:desc',
    'verdict=breached&limit=50',
    'tier=tier-1&verdict=at-risk&limit=50',
    'owner=group:default/team-3&limit=50',
    'q=svc-01&limit=50',
    `cluster=${clusters[0].name}&sort=name&offset=100&limit=50`,
  ];
  const times: number[] = [];
  for (let i = 0; i < 210; i++) {
    const t = process.hrtime.bigint();
    const res = await api(
      `/disaster-recovery/overview?${queries[i % queries.length]}`,
    );
    await res.arrayBuffer();
    if (i >= 10) times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  // What the backend keeps once the refresh is done, after a full collection, and its peak.
  const memory = await askBackend<Memory>('memory', 'memory');
  const rawAfter = await raw();

  // The naive way: every service lists every resource type on each of its clusters itself.
  const sample = Math.min(Number(values['naive-sample']), size.services);
  const naiveBefore = await ask<{ requests: number; bytes: number }>(
    'stats',
    'stats',
  );
  const naiveStarted = Date.now();
  for (let i = 0; i < sample; i++) {
    const own = [i % size.clusters, (i + 1) % size.clusters].filter(
      (c, k, a) => a.indexOf(c) === k,
    );
    for (const c of own) {
      for (const type of DR_RESOURCE_TYPES) {
        const namespaced = type.provider === 'workloads';
        const base = namespaced
          ? listPath(type).replace(
              `/${type.plural}`,
              `/namespaces/${namespaceOf(i)}/${type.plural}`,
            )
          : listPath(type);
        let next: string | undefined = '';
        do {
          const query = new URLSearchParams({ limit: '500' });
          if (namespaced)
            query.set(
              'labelSelector',
              `backstage.io/kubernetes-id=${serviceName(i)}`,
            );
          if (next) query.set('continue', next);
          const res = await api(`/kubernetes/proxy${base}?${query}`, {
            headers: { 'Backstage-Kubernetes-Cluster': clusters[c].name },
          });
          const body: any = res.ok ? await res.json() : undefined;
          next = body?.metadata?.continue || undefined;
        } while (next);
      }
    }
  }
  const naiveMs = Date.now() - naiveStarted;
  const naiveAfter = await ask<{ requests: number; bytes: number }>(
    'stats',
    'stats',
  );
  const scale = size.services / sample;
  const naiveRequests = (naiveAfter.requests - naiveBefore.requests) * scale;
  const naiveBytes = (naiveAfter.bytes - naiveBefore.bytes) * scale;

  console.log('');
  console.log(
    `refresh wall time            ${(refreshMs / 1000).toFixed(2)} s`,
  );
  console.log(
    `Kubernetes requests          ${requests} (${
      size.clusters
    } clusters × ${types} resource types = ${
      size.clusters * types
    } lists, plus continuation pages)`,
  );
  console.log(`bytes received               ${mb(bytes)}`);
  const rawLine = (label: string, r: typeof rawBefore) =>
    console.log(
      `  ${label}${(r.ms / 1000).toFixed(2)} s, ${
        r.simulatorRequests
      } requests (${r.requests} made: ${r.lists} lists + ${
        r.requests - r.lists
      } continuation pages), ${mb(r.simulatorBytes)} received (${mb(
        r.bytes,
      )} parsed), ${r.objects} objects; refresh ÷ raw ${(
        refreshMs / r.ms
      ).toFixed(2)}×${
        Object.keys(r.statuses).length
          ? `; lists not 200: ${JSON.stringify(r.statuses)}`
          : ''
      }`,
    );
  console.log(
    `raw reading of the same lists (same requests and pages through the Kubernetes backend's proxy, in the backend's process; JSON parsed, nothing kept)`,
  );
  rawLine('before the refresh         ', rawBefore);
  rawLine('after the refresh          ', rawAfter);
  console.log(
    `  requests match             ${
      rawBefore.simulatorRequests === requests &&
      rawAfter.simulatorRequests === requests
        ? 'yes'
        : 'NO'
    } (refresh ${requests}, raw ${rawBefore.simulatorRequests} / ${
      rawAfter.simulatorRequests
    }, as counted by the simulator)`,
  );
  console.log(
    `/overview p50                ${percentile(times, 50).toFixed(1)} ms`,
  );
  console.log(
    `/overview p95                ${percentile(times, 95).toFixed(1)} ms`,
  );
  console.log(
    `backend RSS                  ${mb(memory.maxRss)} peak, ${mb(
      memory.rss,
    )} after the refresh and a full GC (heap ${mb(memory.heapUsed)}), ${mb(
      memoryAtStart.rss,
    )} at start`,
  );
  console.log(
    `  refresh growth             ${mb(
      memory.maxRss - memoryAtStart.rss,
    )} (peak − at start); backend-defaults alone, no plugin: ${mb(
      emptyMemory.rss,
    )}`,
  );
  console.log(
    `  peak before the refresh    ${mb(
      rawBefore.memory.maxRss,
    )} (after the first raw reading, which keeps nothing)`,
  );
  console.log(`naive refresh (extrapolated from ${sample} services)`);
  console.log(
    `  Kubernetes requests        ${Math.round(naiveRequests)} (${(
      naiveRequests / Math.max(1, requests)
    ).toFixed(1)}× more)`,
  );
  console.log(`  bytes received             ${mb(naiveBytes)}`);
  console.log(
    `  wall time                  ${((naiveMs * scale) / 1000).toFixed(1)} s`,
  );
  console.log(`services judged              ${overview.totalCount}`);

  child.send('stop');
  backend.send('stop');
  await new Promise(resolve => backend.once('exit', resolve));
  process.exit(0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
