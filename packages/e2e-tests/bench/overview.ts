// `yarn bench:overview [--services 10000] [--clusters 4] [--backups 2] [--runs 5] [--dev]
//   [--skip-build] [--dir <folder>]` (`--skip-build`: reuse packages/app/dist from an earlier
//   build; `--dir`: keep the catalog and the DR results in this folder and reuse them in the next
//   run of the same size, which then skips the catalog's ingestion of several minutes)
//
// The DR overview page at scale, in a real browser: generates N services (catalog entities and
// the simulator's Kubernetes objects, from the status benchmark's generator), starts the
// simulator and the app with the example config plus a generated one (catalog of the N
// services, the simulated clusters, its own ports and SQLite folder), waits until the DR
// backend's /overview holds every service judged by a refresh of this run and the backend is
// settled (the catalog's processing of new entities done), then measures in Debian's chromium. The app is a
// production build (`yarn workspace app build`) served by the backend, as deployed; `--dev`
// measures the development server (`yarn start`) instead:
//
// - time to the first rendered rows: from navigation to /disaster-recovery to the first frame
//   showing a row of the services table (checked in the page at every frame), median of `runs`
//   loads, and when the scripts and the page's /overview request were done;
// - time to apply a filter: from choosing a tier in the Tier filter to the table showing that
//   tier's first service, median of `runs` changes, and where it goes (from the resource timing
//   of the page's /overview requests): until the first request, the requests, after the answers;
// - the sizes: services, one /overview page in bytes, the CSV export of every service.
//
// `BENCH_PROFILE=<file>` writes a JavaScript CPU profile of the filter changes, `BENCH_TRACE=<file>`
// a Chromium performance trace of the loads and the filter changes (style, layout and paint too).
//
// Prints the figures; asserts nothing.
import { ChildProcess, fork, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { parseArgs } from 'util';
import { stringify } from 'yaml';
import { launchBrowser } from '../src/app';
// The status benchmark's generator (not part of the backend package's exports): the same services
// as `yarn bench:status`, from source.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import {
  BenchSize,
  entities,
  kubernetesConfig,
} from '../../../plugins/disaster-recovery-backend/bench/generate';

const repoRoot = path.resolve(__dirname, '../../..');
const FRONTEND_PORT = 3107;
const BACKEND_PORT = 7107;
const backendUrl = `http://localhost:${BACKEND_PORT}`;
// The development server has its own port; a production build is served by the backend.
const dev = process.argv.includes('--dev');
const frontendUrl = dev ? `http://localhost:${FRONTEND_PORT}` : backendUrl;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? s[(s.length - 1) / 2]
    : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => `${Math.round(x)} ms`;
const sleep = (t: number) => new Promise(r => setTimeout(r, t));

async function isUp(url: string) {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function guestToken(): Promise<string> {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  return (await res.json()).backstageIdentity.token;
}

async function api(
  pathname: string,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${backendUrl}/api/disaster-recovery${pathname}`, {
    ...init,
    headers: { authorization: `Bearer ${await guestToken()}` },
  });
}

function startSimulator(size: BenchSize, now: Date) {
  const child = fork(
    path.join(
      repoRoot,
      'plugins/disaster-recovery-backend/bench/simulatorProcess.ts',
    ),
    [JSON.stringify(size), now.toISOString()],
    {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        '--max-old-space-size=8000',
      ],
    },
  );
  const clusters = new Promise<Array<{ name: string; url: string }>>(
    (resolve, reject) => {
      child.on('message', (m: any) => m?.clusters && resolve(m.clusters));
      child.once('exit', code =>
        reject(new Error(`simulator exited with ${code}`)),
      );
    },
  );
  return { child, clusters };
}

function writeConfig(
  dir: string,
  size: BenchSize,
  clusters: Array<{ name: string; url: string }>,
) {
  const catalogFile = path.join(dir, 'services.yaml');
  fs.writeFileSync(
    catalogFile,
    entities(size)
      .map(e => stringify(e))
      .join('---\n'),
  );
  const configFile = path.join(dir, 'app-config.bench.yaml');
  fs.writeFileSync(
    configFile,
    stringify({
      app: { baseUrl: frontendUrl },
      backend: {
        baseUrl: backendUrl,
        listen: { port: BACKEND_PORT },
        cors: { origin: frontendUrl },
        database: {
          client: 'better-sqlite3',
          connection: { directory: path.join(dir, 'sqlite') },
        },
      },
      catalog: {
        rules: [{ allow: ['Component', 'System', 'Location', 'Group'] }],
        locations: [{ type: 'file', target: catalogFile }],
      },
      kubernetes: kubernetesConfig(clusters),
      disasterRecovery: {
        refresh: {
          schedule: {
            frequency: { hours: 6 },
            timeout: { minutes: 10 },
            initialDelay: { seconds: 30 },
          },
        },
      },
    }),
  );
  return configFile;
}

// The backend runs from its sources without a file watcher (`yarn start` would restart it on
// every source change, losing the refresh); the frontend is the app's dev server.
function startApp(dir: string, configFile: string): ChildProcess[] {
  const log = fs.openSync(path.join(dir, 'app.log'), 'w');
  const configArgs = [
    '--config',
    path.join(repoRoot, 'app-config.yaml'),
    '--config',
    configFile,
  ];
  const options = {
    detached: true,
    stdio: ['ignore', log, log] as const,
    env: { ...process.env, BROWSER: 'none', NODE_ENV: 'development' },
  };
  const backend = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      ...configArgs,
    ],
    { ...options, cwd: path.join(repoRoot, 'packages/backend') },
  );
  if (!dev) return [backend];
  return [
    backend,
    spawn('yarn', ['start', ...configArgs], {
      ...options,
      cwd: path.join(repoRoot, 'packages/app'),
    }),
  ];
}

/** CPU seconds a process has used (Linux `/proc/<pid>/stat`: utime + stime). */
function cpuSeconds(pid: number): number {
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Waits until a process uses less than `share` of a core over 5 s; false after `timeoutMs`. */
async function waitForIdleProcess(
  pid: number,
  share: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = cpuSeconds(pid);
    await sleep(5000);
    if ((cpuSeconds(pid) - before) / 5 < share) return true;
  }
  return false;
}

async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  app?: ChildProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (app && app.exitCode !== null)
      throw new Error(`the app exited with ${app.exitCode} (${what})`);
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(10_000);
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '10000' },
      clusters: { type: 'string', default: '4' },
      backups: { type: 'string', default: '2' },
      runs: { type: 'string', default: '5' },
      dev: { type: 'boolean', default: false },
      'skip-build': { type: 'boolean', default: false },
      dir: { type: 'string' },
    },
  });
  if (!dev && !values['skip-build']) {
    // The production build the backend serves (app-backend), with the bench's config injected.
    console.log('building the app (yarn workspace app build)');
    const build = spawn('yarn', ['workspace', 'app', 'build'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    const code = await new Promise(resolve => build.once('exit', resolve));
    if (code !== 0) throw new Error(`the app build exited with ${code}`);
  }
  const size: BenchSize = {
    services: Number(values.services),
    clusters: Number(values.clusters),
    backups: Number(values.backups),
  };
  const runs = Number(values.runs);
  const keep = values.dir !== undefined;
  const dir = keep
    ? path.resolve(values.dir!)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'dr-bench-overview-'));
  fs.mkdirSync(dir, { recursive: true });
  console.log(
    `bench:overview ${size.services} services × ${size.clusters} clusters × ${size.backups} backups, in ${dir}`,
  );

  const simulator = startSimulator(size, new Date());
  let processes: ChildProcess[] = [];
  const browser = await launchBrowser();
  try {
    const clusters = await simulator.clusters;
    const configFile = writeConfig(dir, size, clusters);
    const started = Date.now();
    processes = startApp(dir, configFile);
    const [app] = processes;
    await waitUntil(
      'backend ready',
      300_000,
      async () =>
        (await isUp(`${backendUrl}/.backstage/health/v1/readiness`)) ||
        undefined,
      app,
    );
    await waitUntil(
      'frontend ready',
      300_000,
      async () => (await isUp(frontendUrl)) || undefined,
      app,
    );
    console.log(
      `app up in ${((Date.now() - started) / 1000).toFixed(
        0,
      )} s; waiting for the catalog and a DR refresh of every service`,
    );
    // The catalog ingests the services; a refresh then judges them. Ask for a refresh until the
    // overview holds every service, judged by a refresh of this run (with `--dir`, the results
    // of the last run are there at once, and the first refresh would run during the measures).
    let lastRefresh = 0;
    const total = await waitUntil(
      'every service in /overview',
      30 * 60_000,
      async () => {
        const body = await (await api('/overview?limit=1')).json();
        if (
          body.totalCount >= size.services &&
          Date.parse(body.updatedAt) >= started
        ) {
          return body.totalCount as number;
        }
        if (Date.now() - lastRefresh > 60_000) {
          lastRefresh = Date.now();
          await api('/refresh', { method: 'POST' });
        }
        console.log(`  /overview: ${body.totalCount} services`);
        return undefined;
      },
      app,
    );
    console.log(
      `/overview holds ${total} services after ${(
        (Date.now() - started) /
        1000
      ).toFixed(0)} s`,
    );

    // The catalog goes on processing (stitching) the new entities for a while, on the backend's
    // event loop: measure once the backend is settled (below a quarter of a core for 5 s), as a
    // running portal is, at most 5 minutes more.
    const settleStart = Date.now();
    const settled = await waitForIdleProcess(app.pid!, 0.25, 5 * 60_000);
    console.log(
      `backend ${settled ? 'settled' : 'still busy'} after ${(
        (Date.now() - settleStart) /
        1000
      ).toFixed(0)} s more`,
    );

    const pageBytes = (await (await api('/overview?limit=25')).text()).length;
    // The backend's share: /overview with a tier filter, as the page asks for it.
    const token = await guestToken();
    const serverTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await (
        await fetch(
          `${backendUrl}/api/disaster-recovery/overview?tier=tier-${
            (i % 3) + 1
          }&sort=tier:asc&offset=0&limit=25`,
          { headers: { authorization: `Bearer ${token}` } },
        )
      ).text();
      serverTimes.push(performance.now() - t0);
    }
    const csvStart = Date.now();
    const csv = await (await api('/overview?format=csv')).text();
    const csvMs = Date.now() - csvStart;
    const tierFirst: Record<string, string> = {};
    for (const tier of ['tier-1', 'tier-2', 'tier-3']) {
      tierFirst[tier] = (
        await (await api(`/overview?tier=${tier}&limit=1`)).json()
      ).items[0].name;
    }
    const firstOverall = (await (await api('/overview?limit=1')).json())
      .items[0].name;

    const page = await browser.newPage({
      viewport: { width: 1600, height: 1000 },
    });
    // The first frame that shows a row of the services table, from navigation start, measured in
    // the page (as a filter change is below): Playwright's own wait adds its polling and waits
    // for the page's next free moment.
    await page.addInitScript(() => {
      (window as any).drFirstRow = new Promise<number>(resolve => {
        const check = () => {
          if (document.querySelector('table a[href$="/disaster-recovery"]')) {
            resolve(performance.now());
          } else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      });
    });
    // Sign in once (the guest provider), and let the dev server compile; not measured.
    await page.goto(`${frontendUrl}/disaster-recovery`);
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 120_000 });
    const firstRow = page
      .locator('table a[href$="/disaster-recovery"]')
      .first();
    await firstRow.waitFor({ timeout: 120_000 });

    // BENCH_TRACE=<file>: a Chromium performance trace of the loads and the filter changes
    // (JSON, for DevTools' Performance panel): style, layout and paint next to the scripts.
    if (process.env.BENCH_TRACE) {
      await browser.startTracing(page, {
        path: process.env.BENCH_TRACE,
        categories: ['devtools.timeline', 'blink.user_timing'],
      });
    }

    // Time to the first rendered rows, from navigation start.
    const loads: number[] = [];
    // Where a load's time goes: the last script loaded, the page's /overview request.
    const loadPhases: Array<{ scripts: number; start: number; end: number }> =
      [];
    for (let i = 0; i < runs; i++) {
      await page.goto(`${frontendUrl}/disaster-recovery`);
      const enter = page.getByRole('button', { name: /enter/i });
      await Promise.race([
        firstRow.waitFor({ timeout: 60_000 }),
        enter.click({ timeout: 60_000 }).catch(() => undefined),
      ]);
      await firstRow.waitFor({ timeout: 60_000 });
      const load = await page.evaluate(async () => {
        const firstRowAt: number = await (window as any).drFirstRow;
        const resources = performance.getEntriesByType(
          'resource',
        ) as PerformanceResourceTiming[];
        const overview = resources.find(e =>
          e.name.includes('/api/disaster-recovery/overview?'),
        );
        const scripts = resources.filter(e => e.initiatorType === 'script');
        return {
          total: firstRowAt,
          scripts: Math.max(0, ...scripts.map(e => e.responseEnd)),
          start: overview?.startTime ?? NaN,
          end: overview?.responseEnd ?? NaN,
        };
      });
      loads.push(load.total);
      loadPhases.push(load);
    }

    // Time to apply a filter: choose a tier option, until the table's first row is that tier's.
    const filters = page.getByRole('search', { name: 'Filter services' });
    const steps: Array<[string, string]> = [];
    for (let i = 0; i < runs; i++) {
      const tier = ['tier-2', 'tier-3'][i % 2];
      steps.push([tier, tierFirst[tier]], [tier, firstOverall]); // select, then deselect
    }
    const applies: number[] = [];
    // Where the time of a filter change goes (resource timing of the page's /overview requests):
    // from the click to the first request (the render the URL change causes), the requests, and
    // from the last answer to the rows (the render of the answers).
    const phases: Array<{ before: number; requests: number; after: number }> =
      [];
    // BENCH_PROFILE=<file>: a JavaScript CPU profile of the filter changes (.cpuprofile, for
    // DevTools' Performance panel or any cpuprofile reader).
    const profiler = process.env.BENCH_PROFILE
      ? await page.context().newCDPSession(page)
      : undefined;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
    }

    for (const [tier, expected] of steps) {
      await filters.getByRole('button', { name: /^Tier / }).click();
      await page.getByRole('option', { name: tier }).waitFor();
      const result = await page.evaluate(
        ([option, first]) =>
          new Promise<{ total: number; start: number; end: number }>(
            resolve => {
              const item = [
                ...document.querySelectorAll('[role="option"]'),
              ].find(o => o.textContent === option) as HTMLElement;
              performance.clearResourceTimings();
              const t0 = performance.now();
              item.click();
              const check = () => {
                const row = document.querySelector(
                  'table a[href$="/disaster-recovery"]',
                );
                if (row?.textContent === first) {
                  const elapsed = performance.now() - t0;
                  const requests = performance
                    .getEntriesByType('resource')
                    .filter(e =>
                      e.name.includes('/api/disaster-recovery/overview'),
                    ) as PerformanceResourceTiming[];
                  resolve({
                    total: elapsed,
                    start: Math.min(...requests.map(e => e.startTime)) - t0,
                    end: Math.max(...requests.map(e => e.responseEnd)) - t0,
                  });
                } else requestAnimationFrame(check);
              };
              requestAnimationFrame(check);
            },
          ),
        [tier, expected] as const,
      );
      applies.push(result.total);
      phases.push({
        before: result.start,
        requests: result.end - result.start,
        after: result.total - result.end,
      });
      await page.keyboard.press('Escape');
      await page.getByRole('listbox').waitFor({ state: 'hidden' });
    }

    if (process.env.BENCH_TRACE) await browser.stopTracing();
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      fs.writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify(profile));
    }
    console.log('');
    console.log(`services: ${total}, clusters: ${size.clusters}`);
    console.log(
      `/overview page of 25 rows: ${(pageBytes / 1024).toFixed(
        1,
      )} kB; CSV of every service: ${(csv.length / 1024 / 1024).toFixed(
        1,
      )} MB in ${csvMs} ms`,
    );
    console.log(
      `/overview with a filter (backend, 25 rows of ${total}): median ${ms(
        median(serverTimes),
      )}, max ${ms(Math.max(...serverTimes))}`,
    );
    console.log(
      `time to first rendered rows: median ${ms(
        median(loads),
      )} (target 1500 ms); runs: ${loads.map(ms).join(', ')}`,
    );
    console.log(
      `  of which: scripts loaded by ${ms(
        median(loadPhases.map(p => p.scripts)),
      )}, the /overview request from ${ms(
        median(loadPhases.map(p => p.start)),
      )} to ${ms(median(loadPhases.map(p => p.end)))} (medians)`,
    );
    console.log(
      `time to apply a filter: median ${ms(
        median(applies),
      )} (target 300 ms); runs: ${applies.map(ms).join(', ')}`,
    );
    console.log(
      `  of which: click to the first /overview request ${ms(
        median(phases.map(p => p.before)),
      )}, the requests ${ms(
        median(phases.map(p => p.requests)),
      )}, last answer to the rows ${ms(
        median(phases.map(p => p.after)),
      )} (medians)`,
    );
  } finally {
    await browser.close();
    for (const child of processes) {
      if (child.pid && child.exitCode === null) {
        process.kill(-child.pid, 'SIGTERM');
        await Promise.race([
          new Promise(r => child.once('exit', r)),
          sleep(10_000),
        ]);
        if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }
    }
    simulator.child.send('stop');
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
