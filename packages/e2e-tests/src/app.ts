import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import path from 'path';
import { Browser, Page, chromium } from 'playwright-core';
import { parseAllDocuments } from 'yaml';

/** The repository root. */
// This package only ever runs from source, in this repository.
// eslint-disable-next-line no-restricted-syntax
export const repoRoot = path.resolve(__dirname, '../../..');

/** Where the browser tests save their screenshots. */
export const screenshotDir = path.join(repoRoot, 'docs/screenshots');

/** How the frontend names each verdict (its labels on the card, tiles and table). */
export const VERDICT_LABELS: Record<string, string> = {
  breached: 'Breached',
  'at-risk': 'At risk',
  compliant: 'Compliant',
  unknown: 'Unknown',
  invalid: 'Invalid declaration',
  undeclared: 'Not declared',
};

/**
 * The names of the example services (the Components of examples/services.yaml). Other tests
 * (the scaffolder's) add services to the running app's catalog; checks of the examples' verdicts
 * look at these only.
 */
export function exampleServiceNames(): Set<string> {
  const text = fs.readFileSync(
    path.join(repoRoot, 'examples/services.yaml'),
    'utf8',
  );
  return new Set(
    parseAllDocuments(text)
      .map(d => d.toJS())
      .filter(e => e?.kind === 'Component')
      .map(e => e.metadata.name as string),
  );
}

const defaultFrontendUrl =
  process.env.E2E_FRONTEND_URL ?? 'http://localhost:3000';
const defaultBackendUrl =
  process.env.E2E_BACKEND_URL ?? 'http://localhost:7007';

async function isUp(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    return res.ok;
  } catch {
    return false;
  }
}

async function waitFor(url: string, timeoutMs: number, app?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (!(await isUp(url))) {
    if (app && app.exitCode !== null) {
      throw new Error(
        `the app exited with ${app.exitCode} before ${url} answered`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * The app under test: the one already running at E2E_FRONTEND_URL/E2E_BACKEND_URL (default
 * :3000 and :7007), or else one started here with the README's first command
 * (`scripts/start.sh`: the app and the Kubernetes API simulator) on the example data and a fresh
 * SQLite folder, stopped by `stop()`.
 */
export class TestApp {
  private constructor(
    readonly frontendUrl: string,
    readonly backendUrl: string,
    private readonly child?: ChildProcess,
    private readonly dataDir?: string,
  ) {}

  static async start(): Promise<TestApp> {
    const readiness = `${defaultBackendUrl}/.backstage/health/v1/readiness`;
    if ((await isUp(readiness)) && (await isUp(defaultFrontendUrl))) {
      return new TestApp(defaultFrontendUrl, defaultBackendUrl);
    }
    fs.mkdirSync(path.join(repoRoot, '.data'), { recursive: true });
    const dataDir = fs.mkdtempSync(path.join(repoRoot, '.data/e2e-'));
    const log = fs.openSync(path.join(dataDir, 'app.log'), 'w');
    const child = spawn('./scripts/start.sh', [], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        // jest sets NODE_ENV=test, which the app's browserslist has no entry for.
        NODE_ENV: 'development',
        BROWSER: 'none',
        APP_CONFIG_backend_database_connection_directory: dataDir,
      },
    });
    const app = new TestApp(
      defaultFrontendUrl,
      defaultBackendUrl,
      child,
      dataDir,
    );
    try {
      await waitFor(readiness, 180_000, child);
      await waitFor(defaultFrontendUrl, 180_000, child);
    } catch (error) {
      const tail = fs
        .readFileSync(path.join(dataDir, 'app.log'), 'utf8')
        .slice(-4000);
      await app.stop();
      throw new Error(`${error}\n--- app log ---\n${tail}`);
    }
    return app;
  }

  async stop() {
    if (this.child?.pid && this.child.exitCode === null) {
      const exited = new Promise(r => this.child!.once('exit', r));
      process.kill(-this.child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
      if (this.child.exitCode === null) {
        process.kill(-this.child.pid, 'SIGKILL');
      }
    }
    if (this.dataDir) {
      fs.rmSync(this.dataDir, { recursive: true, force: true });
    }
  }

  /** A backend token for user:default/guest, from the guest provider. */
  async guestToken(): Promise<string> {
    const res = await fetch(`${this.backendUrl}/api/auth/guest/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    const body = await res.json();
    return body.backstageIdentity.token;
  }

  /**
   * The DR backend's `/overview` (up to 500 services; `query` adds parameters, e.g.
   * `&verdict=breached`) once a refresh has judged the declared services; waits up to 2 minutes.
   */
  async judgedOverview(query = ''): Promise<any> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const overview = await this.getJson(
        `/api/disaster-recovery/overview?limit=500${query}`,
      );
      if (overview.updatedAt && overview.items.some((i: any) => i.tier)) {
        return overview;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the DR backend judged nothing within 2 minutes: ${JSON.stringify(
            overview,
          )}`,
        );
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  }

  /** POST JSON to a backend path as the guest user. */
  async postJson(apiPath: string, body: unknown): Promise<void> {
    const res = await fetch(`${this.backendUrl}${apiPath}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.guestToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) {
      throw new Error(`POST ${apiPath}: ${res.status} ${await res.text()}`);
    }
  }

  /** GET a backend path as the guest user and return the parsed JSON. */
  async getJson(apiPath: string): Promise<any> {
    const res = await fetch(`${this.backendUrl}${apiPath}`, {
      headers: { authorization: `Bearer ${await this.guestToken()}` },
    });
    if (!res.ok) {
      throw new Error(`GET ${apiPath}: ${res.status} ${await res.text()}`);
    }
    return res.json();
  }
}

/** Debian's chromium, headless, with the flags this machine's closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens a page of the app, signing in as guest on the way. */
export async function openSignedIn(
  browser: Browser,
  url: string,
): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1600, height: 1000 },
  });
  await page.goto(url);
  await page.getByRole('button', { name: /enter/i }).click({ timeout: 60_000 });
  return page;
}

/**
 * axe-core's violations on the page, one line each; empty when there is none. The app's sidebar
 * and plugin header and the catalog's processing-errors panel (not the DR plugin's) are left out,
 * and so is whatever `exclude` names (CSS selectors).
 */
export async function axeViolations(
  page: Page,
  exclude: string[] = [],
  /** axe-core rules to leave out (ids, e.g. `region`), where the page around ours breaks them. */
  disabledRules: string[] = [],
): Promise<string[]> {
  if (!(await page.evaluate(() => Boolean((window as any).axe)))) {
    await page.addScriptTag({
      content: fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'),
    });
  }
  return page.evaluate(
    async ([excluded, disabled]) => {
      const result = await (window as any).axe.run(
        {
          exclude: [
            ['nav[aria-label="sidebar nav"]'],
            ['.bui-PluginHeaderToolbarName'],
            // The catalog's panel of the entity's processing errors (an invalid declaration).
            ['[class*="BackstageWarningPanel"]'],
            ...excluded.map(selector => [selector]),
          ],
        },
        {
          resultTypes: ['violations'],
          rules: Object.fromEntries(
            disabled.map(id => [id, { enabled: false }]),
          ),
        },
      );
      return result.violations.map(
        (v: any) =>
          `${v.id}: ${v.help} (${v.nodes
            .slice(0, 3)
            .map((n: any) => `${n.target.join(' ')} ${n.html.slice(0, 120)}`)
            .join('; ')})`,
      );
    },
    [exclude, disabledRules] as const,
  );
}
