/* eslint-disable jest/no-standalone-expect -- the matrix's checks run inside its it.each */
import os from 'os';
import path from 'path';
import { Browser, Locator, Page } from 'playwright-core';
import {
  TestApp,
  exampleServiceNames,
  launchBrowser,
  openSignedIn,
  screenshotDir,
} from './app';

// The fault matrix on the running app: each fault the Kubernetes API simulator can inject into a
// cluster (packages/kube-simulator, its admin endpoint), a refresh, the verdicts of the services
// it affects and the clusters panel of the DR page; then the fault cleared, a refresh, and every
// verdict back to what it was.

jest.setTimeout(600_000);

type Cluster = 'prod-eu' | 'dr-us';
const SIMULATOR: Record<Cluster, string> = {
  'prod-eu': 'http://127.0.0.1:6443',
  'dr-us': 'http://127.0.0.1:6444',
};
const VELERO_CRDS = [
  'backups',
  'schedules',
  'restores',
  'backupstoragelocations',
].map(plural => `${plural}.velero.io`);

type Verdicts = Record<string, string>;

let app: TestApp;
let browser: Browser;
let page: Page;
/** The verdicts of the declared example services with both clusters healthy. */
let baseline: Verdicts;

/**
 * Calls `fn` again while the backend does not answer: the app's backend restarts when its
 * sources change (`backstage-cli repo start` watches them), for up to 5 minutes.
 */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      const refused =
        /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|backend not ready/.test(
          `${error} ${(error as { cause?: unknown }).cause}`,
        );
      if (!refused || Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 2000));
    }
  }
}

/** A guest user's token; the backend may answer an error while it starts. */
async function guestToken(): Promise<string> {
  const res = await fetch(`${app.backendUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  });
  if (!res.ok) {
    throw new Error(`backend not ready: ${res.status} ${await res.text()}`);
  }
  return (await res.json()).backstageIdentity.token;
}

/** GET a backend path as the guest user, waiting out a backend restart. */
function getJson(apiPath: string): Promise<any> {
  return retrying(async () => {
    const res = await fetch(`${app.backendUrl}${apiPath}`, {
      headers: { authorization: `Bearer ${await guestToken()}` },
    });
    if (res.status >= 500) {
      throw new Error(`backend not ready: ${res.status} ${await res.text()}`);
    }
    if (!res.ok) {
      throw new Error(`GET ${apiPath}: ${res.status} ${await res.text()}`);
    }
    return res.json();
  });
}

async function admin(cluster: Cluster, method: string, body?: unknown) {
  const res = await fetch(`${SIMULATOR[cluster]}/__simulator/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    throw new Error(`${method} faults on ${cluster}: ${await res.text()}`);
  }
}

async function stats(cluster: Cluster): Promise<{ expiredContinues: number }> {
  return (await fetch(`${SIMULATOR[cluster]}/__simulator/stats`)).json();
}

async function askForRefresh(): Promise<void> {
  await fetch(`${app.backendUrl}/api/disaster-recovery/refresh`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await guestToken()}` },
  });
}

/**
 * Asks for a refresh and waits until one that started after `since` (ms) has judged the
 * services; asks again while none has (a refresh already running may have been asked first).
 */
async function refreshAfter(since: number): Promise<any> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    await retrying(askForRefresh);
    const askedAgain = Date.now() + 20_000;
    while (Date.now() < askedAgain) {
      const overview = await getJson(
        '/api/disaster-recovery/overview?limit=500',
      );
      if (overview.updatedAt && Date.parse(overview.updatedAt) >= since) {
        return overview;
      }
      await new Promise(r => setTimeout(r, 500));
    }
    if (Date.now() > deadline) {
      throw new Error('no refresh judged the services within 3 minutes');
    }
  }
}

/** The verdicts of the declared example services in an overview. */
function verdictsOf(overview: any, names: Iterable<string>): Verdicts {
  const wanted = new Set(names);
  return Object.fromEntries(
    overview.items
      .filter((i: any) => wanted.has(i.name))
      .map((i: any) => [i.name, i.verdict]),
  );
}

/** The row of a cluster in the DR page's clusters panel (the table with provider chips). */
async function clusterRow(cluster: Cluster): Promise<Locator> {
  // A new page, signed in again (the guest session does not outlive a page load), that reads
  // the clusters anew.
  await page.close();
  page = await openSignedInSlowly();
  const row = page
    .locator('tr', { has: page.locator('[aria-label^="Velero: "]') })
    .filter({ has: page.getByRole('cell', { name: cluster, exact: true }) });
  try {
    await row.waitFor({ timeout: 90_000 });
  } catch (error) {
    await page.screenshot({
      path: path.join(os.tmpdir(), `faults-e2e-${cluster}.png`),
      fullPage: true,
    });
    throw error;
  }
  return row;
}

/**
 * The services whose evidence the faulty cluster holds (`affected`) and that were compliant or
 * at risk are unknown (breached ones may stay breached: what was read may prove the breach);
 * the others keep their verdicts, or pass `otherwise`.
 */
function expectUnknownWhereRead(
  verdicts: Verdicts,
  affected: string[],
  otherwise?: (name: string) => boolean,
) {
  for (const [name, before] of Object.entries(baseline)) {
    const now = verdicts[name];
    if (!affected.includes(name) && otherwise) {
      expect([name, now, otherwise(name)]).toEqual([name, now, true]);
    } else if (!affected.includes(name)) {
      expect([name, now]).toEqual([name, before]);
    } else if (before === 'breached') {
      expect([name, ['breached', 'unknown'].includes(now)]).toEqual([
        name,
        true,
      ]);
    } else {
      expect([name, now]).toEqual([name, 'unknown']);
    }
  }
}

async function statusOf(name: string): Promise<any> {
  return getJson(
    `/api/disaster-recovery/entities/component/default/${name}/status`,
  );
}

/** `openSignedIn`, with the long first load a loaded machine's dev server may need. */
async function openSignedInSlowly(): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openSignedIn(
        browser,
        `${app.frontendUrl}/disaster-recovery`,
      );
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }
}

beforeAll(async () => {
  app = await TestApp.start();
  await Promise.all([admin('prod-eu', 'DELETE'), admin('dr-us', 'DELETE')]);
  const overview = await refreshAfter(Date.now());
  const examples = exampleServiceNames();
  baseline = verdictsOf(
    overview,
    overview.items
      .filter(
        (i: any) => i.tier && i.verdict !== 'invalid' && examples.has(i.name),
      )
      .map((i: any) => i.name),
  );
  if (Object.keys(baseline).length !== 17) {
    throw new Error(
      `expected the 17 declared example services, got ${JSON.stringify(
        baseline,
      )}`,
    );
  }
  browser = await launchBrowser();
  // The dev server may still be building the frontend for its first load: wait for it.
  await retrying(async () => {
    const warmup = await fetch(app.frontendUrl);
    await warmup.text();
  });
  page = await openSignedInSlowly();
});

afterAll(async () => {
  // Never leave a fault behind for the other tests.
  await Promise.all([
    admin('prod-eu', 'DELETE').catch(() => undefined),
    admin('dr-us', 'DELETE').catch(() => undefined),
  ]);
  await browser?.close();
  await app?.stop();
});

/** One fault of the matrix: where, what, and what the app must show while it holds. */
interface FaultCase {
  name: string;
  cluster: Cluster;
  faults: object;
  /** The State cell and a text of the "Could not be read" cell of the cluster's row. */
  panel: { state: 'OK' | 'Degraded' | 'Unreachable'; text?: string };
  check: (
    verdicts: Verdicts,
    before: { expiredContinues: number },
  ) => Promise<void>;
}

const declared = () => Object.keys(baseline);
const onDrUs = () => declared().filter(name => name !== 'reporting-db');

const MATRIX: FaultCase[] = [
  {
    name: 'unreachable (connections closed)',
    cluster: 'prod-eu',
    faults: { closeConnections: true },
    panel: { state: 'Unreachable', text: 'not reachable' },
    check: async verdicts => {
      expectUnknownWhereRead(verdicts, declared());
      const reasons = (await statusOf('orders-db')).status.reasons.filter(
        (r: any) => r.code === 'cluster-unreadable',
      );
      expect(reasons.map((r: any) => r.message)).toEqual([
        'Cluster prod-eu could not be read: not reachable',
      ]);
    },
  },
  {
    name: '401 Unauthorized',
    cluster: 'prod-eu',
    faults: { status: 401 },
    panel: { state: 'Degraded', text: '401 Unauthorized' },
    check: async verdicts => expectUnknownWhereRead(verdicts, declared()),
  },
  {
    name: '403 Forbidden on Velero (RBAC without velero.io)',
    cluster: 'prod-eu',
    faults: { status: 403, statusResources: VELERO_CRDS },
    panel: {
      state: 'Degraded',
      text: 'Backup, Schedule, Restore, BackupStorageLocation: 403 Forbidden',
    },
    check: async verdicts => {
      expectUnknownWhereRead(verdicts, declared());
      // One reason for the cluster, listing the types.
      const reasons = (await statusOf('orders-db')).status.reasons.filter(
        (r: any) => r.code === 'cluster-unreadable',
      );
      expect(reasons.map((r: any) => r.message)).toEqual([
        'Cluster prod-eu could not be read: backups, schedules, restores, backupStorageLocations: 403 Forbidden',
      ]);
    },
  },
  {
    name: '500 on Backups',
    cluster: 'prod-eu',
    faults: { status: 500, statusResources: ['backups.velero.io'] },
    panel: { state: 'Degraded', text: 'Backup: server error' },
    check: async verdicts => expectUnknownWhereRead(verdicts, declared()),
  },
  {
    name: 'timeout (no answer within the 30 s request timeout)',
    cluster: 'dr-us',
    faults: { latencyMs: 31_000 },
    panel: { state: 'Unreachable', text: 'no answer in time' },
    // reporting-db has no recovery cluster: dr-us holds none of its recovery points (a drill
    // there may still be unread: at most at risk), so it is judged, not unknown.
    check: async verdicts => {
      expectUnknownWhereRead(
        verdicts,
        onDrUs(),
        name => name === 'reporting-db' && verdicts[name] !== 'unknown',
      );
    },
  },
  {
    name: '410 Expired continue tokens while paging',
    cluster: 'prod-eu',
    faults: { expireContinue: true, maxPageSize: 1 },
    panel: { state: 'OK' },
    check: async (verdicts, before) => {
      // The backend relists, then reads whole: nothing is lost, no verdict moves.
      expect(verdicts).toEqual(baseline);
      expect((await stats('prod-eu')).expiredContinues).toBeGreaterThan(
        before.expiredContinues,
      );
    },
  },
  {
    name: 'malformed Backups (fields of the wrong type)',
    cluster: 'prod-eu',
    faults: { malformedItems: ['backups.velero.io'] },
    panel: { state: 'OK' },
    check: async verdicts => {
      // Services judged on backups alone are no longer compliant, and say which field is wrong.
      for (const name of ['notifications-service', 'reporting-db']) {
        expect([name, baseline[name]]).toEqual([name, 'compliant']);
        expect([name, verdicts[name] === 'compliant']).toEqual([name, false]);
        const malformed = (await statusOf(name)).status.reasons.filter(
          (r: any) => r.code === 'malformed-object',
        );
        expect(malformed.length).toBeGreaterThan(0);
        expect(malformed[0]).toMatchObject({
          object: { cluster: 'prod-eu', kind: 'Backup' },
        });
      }
    },
  },
  {
    name: 'Backup CRD missing',
    cluster: 'prod-eu',
    faults: { missingCrds: ['backups.velero.io'] },
    panel: { state: 'OK' },
    check: async verdicts => {
      // No Backup can exist without its CRD: reporting-db (on prod-eu only) has no recovery point.
      expect(verdicts['reporting-db']).toBe('breached');
      const row = await clusterRow('prod-eu');
      await row.locator('[aria-label="Velero: not installed"]').waitFor();
    },
  },
];

describe('faults injected into the simulated clusters', () => {
  it.each(MATRIX.map(c => [c.name, c] as const))(
    '%s: verdicts and clusters panel while it holds, and back after',
    async (_name, fault) => {
      const before = await stats(fault.cluster);
      const injectedAt = Date.now();
      await admin(fault.cluster, 'PUT', fault.faults);
      try {
        const overview = await refreshAfter(injectedAt);
        await fault.check(verdictsOf(overview, declared()), before);
        const row = await clusterRow(fault.cluster);
        await row
          .getByRole('cell', { name: fault.panel.state, exact: true })
          .or(row.getByText(fault.panel.state, { exact: true }))
          .first()
          .waitFor({ timeout: 30_000 });
        if (fault.panel.text) {
          await row.getByText(fault.panel.text).first().waitFor();
        }
        if (fault.name.startsWith('403')) {
          await page.screenshot({
            path: path.join(screenshotDir, 'clusters-degraded.png'),
          });
        }
      } finally {
        await admin(fault.cluster, 'DELETE');
      }
      const clearedAt = Date.now();
      const after = await refreshAfter(clearedAt);
      expect(verdictsOf(after, declared())).toEqual(baseline);
      const { items } = await getJson('/api/disaster-recovery/clusters');
      expect(
        items.map((c: any) => [c.cluster, c.state, c.failingResources]),
      ).toEqual([
        ['dr-us', 'ok', []],
        ['prod-eu', 'ok', []],
      ]);
    },
  );
});
