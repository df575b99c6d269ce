import { formatDuration } from '@backstage-dr/plugin-disaster-recovery-common';
import path from 'path';
import { Browser, Locator, Page } from 'playwright-core';
import { TestApp, launchBrowser, openSignedIn, screenshotDir } from './app';

// Drills, failovers and failbacks from the DR tab of the running app, against the simulated
// clusters (whose controllers play Velero, the workloads and CloudNativePG):
//
// - a drill of notifications-service (backup-restore, a counted backup 5h old against a 24h RPO):
//   the dialog shows the plan, the stepper completes, the tab and the card show the new measured
//   RTO and last drill;
// - a failover of orders-db (pilot-light on VolSync) to dr-us, typing its name, confirmed at the
//   traffic gate: the card says it runs on dr-us; then a failback the same way. The failback
//   accepts a data loss: nothing replicates dr-us back to prod-eu, so what was written on dr-us
//   after the failover is in no recovery point prod-eu can get (the preflight says so, rightly).
//
// Order-independent with the other browser tests: orders-db ends failed back, on prod-eu, as it
// started; a drill changes nothing but the drill evidence.

jest.setTimeout(600_000);

const DRILLED = 'notifications-service';
const FAILED_OVER = 'orders-db';

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await TestApp.start();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const statusPath = (name: string) =>
  `/api/disaster-recovery/entities/component/default/${name}/status`;

/** Calls the runs API as the guest user. */
async function runsApi(
  method: 'GET' | 'POST',
  apiPath: string,
  body?: unknown,
): Promise<any> {
  const res = await fetch(`${app.backendUrl}/api/disaster-recovery${apiPath}`, {
    method,
    headers: {
      authorization: `Bearer ${await app.guestToken()}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) {
    throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
  }
  return res.json();
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs / 1000}s`);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

/**
 * Leaves a service as the tests expect to find it: no active run (one left by an interrupted
 * test is taken to its end, or cancelled while it can be), and running on its primary (a
 * completed failover is failed back through the API).
 */
async function settle(name: string) {
  const entityRef = `component:default/${name}`;
  for (let round = 0; round < 3; round++) {
    const { items } = await runsApi(
      'GET',
      `/runs?entityRef=${encodeURIComponent(entityRef)}&limit=5`,
    );
    const active = items.find((r: any) =>
      ['pending', 'running', 'waiting', 'cancelling'].includes(r.state),
    );
    if (active) {
      if (active.state === 'waiting') {
        await runsApi('POST', `/runs/${active.id}/confirm`);
      }
      await until(`run ${active.id} to end`, async () => {
        const run = await runsApi('GET', `/runs/${active.id}`);
        return ['completed', 'failed', 'cancelled'].includes(run.state)
          ? run
          : undefined;
      });
      continue;
    }
    const record = await app.getJson(statusPath(name));
    if (!record.activeCluster) return;
    const run = await runsApi('POST', '/runs', {
      type: 'failback',
      entityRef,
      acceptDataLoss: true,
    });
    await until(
      `the failback ${run.id} to reach the traffic gate`,
      async () => {
        const now = await runsApi('GET', `/runs/${run.id}`);
        if (now.state === 'failed') throw new Error(now.error);
        return now.state === 'waiting' ? now : undefined;
      },
    );
    await runsApi('POST', `/runs/${run.id}/confirm`);
  }
  throw new Error(`${name} could not be settled`);
}

/** Opens the DR tab of an example service, waiting out the development server's first compile. */
async function openTab(name: string): Promise<Page> {
  const page = await openSignedIn(
    browser,
    `${app.frontendUrl}/catalog/default/component/${name}/disaster-recovery`,
  );
  await page
    .getByText('Drills, failovers and failbacks: runs')
    .waitFor({ timeout: 150_000 });
  return page;
}

/** The run id the tab shows (`?run=<id>`, set when a run is started). */
async function shownRunId(page: Page): Promise<string> {
  await page.waitForURL(/[?&]run=[^&]+/, { timeout: 30_000 });
  return new URL(page.url()).searchParams.get('run')!;
}

/** Waits until a step of the stepper is in `state`. */
async function stepState(stepper: Locator, step: string, state: string) {
  await stepper
    .locator(`[data-testid="step-${step}"][data-state="${state}"]`)
    .waitFor({ timeout: 120_000 });
}

/** The card of the tab that starts runs and shows the stepper. */
function runsCard(page: Page): Locator {
  return page
    .locator('[class*="MuiCard-root"]', {
      has: page.getByText('Drills, failovers and failbacks: runs'),
    })
    .last();
}

/** Opens the start dialog with a run button of the tab and waits for its plan. */
async function openDialog(page: Page, button: string): Promise<Locator> {
  const start = runsCard(page).getByRole('button', {
    name: button,
    exact: true,
  });
  // Enabled once the permissions are checked and no run is active.
  await page.waitForFunction(
    label =>
      [...document.querySelectorAll('button')].some(
        b => b.textContent?.trim() === label && !b.disabled,
      ),
    button,
    { timeout: 60_000 },
  );
  await start.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('list', { name: 'Plan' }).waitFor({ timeout: 60_000 });
  return dialog;
}

describe('drills, failovers and failbacks in the running app', () => {
  it('drills a service from its DR tab and shows the measured RTO', async () => {
    await app.judgedOverview();
    await settle(DRILLED);
    const page = await openTab(DRILLED);

    const dialog = await openDialog(page, 'Start drill');
    await dialog
      .getByText(`Start a drill of ${DRILLED}`)
      .waitFor({ timeout: 30_000 });
    // The plan: a namespace and a Velero Restore on dr-us, the namespace deleted at the end.
    await dialog.getByTestId('plan-step-promote').waitFor();
    const promote = await dialog.getByTestId('plan-step-promote').textContent();
    expect(promote).toContain('Namespace');
    expect(promote).toContain('Restore');
    await dialog.getByTestId('plan-step-cleanup').waitFor();
    expect(await dialog.getByTestId('data-loss').textContent()).toContain(
      'loses no data',
    );
    await dialog
      .getByRole('button', { name: 'Start drill', exact: true })
      .click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });

    const runId = await shownRunId(page);
    const stepper = page.getByTestId('run-stepper');
    await stepper.getByText(`Drill run ${runId}`).waitFor({ timeout: 30_000 });
    for (const step of [
      'preflight',
      'promote',
      'scale-up-and-verify',
      'cleanup',
    ]) {
      await stepState(stepper, step, 'completed');
    }
    const run = await runsApi('GET', `/runs/${runId}`);
    expect(run).toMatchObject({ type: 'drill', state: 'completed' });
    expect(run.measuredRtoSeconds).toBeGreaterThanOrEqual(0);
    const rto = formatDuration(run.measuredRtoSeconds);
    await stepper.getByText(rto, { exact: true }).waitFor();

    // The refresh that follows the run judges the drill: its RTO is the service's measured RTO.
    const record = await until('the drill to be judged', async () => {
      const r = await app.getJson(statusPath(DRILLED));
      return r.status.lastDrill?.name === runId ? r : undefined;
    });
    expect(record.measuredRtoSeconds).toBe(run.measuredRtoSeconds);

    // The tab shows it once the status is read again after the run.
    const drills = page.locator('div', {
      has: page.getByText('Evidence is a completed drill'),
    });
    await drills
      .getByText(`Last drill: run ${runId}`)
      .last()
      .waitFor({ timeout: 60_000 });
    await page
      .getByText(`${rto} measured`)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.close();

    // And the card on the service's page.
    const overview = await openSignedIn(
      browser,
      `${app.frontendUrl}/catalog/default/component/${DRILLED}`,
    );
    const card = overview.locator('dl', { hasText: 'Newest recovery point' });
    await card
      .getByText(`${rto} measured`)
      .first()
      .waitFor({ timeout: 60_000 });
    await overview.close();
  });

  it('fails a service over, confirms the traffic gate, and fails it back', async () => {
    await app.judgedOverview();
    await settle(FAILED_OVER);
    const page = await openTab(FAILED_OVER);

    // The failover dialog: the plan, and the service's name to type.
    let dialog = await openDialog(page, 'Fail over');
    await dialog
      .getByText(`Fail ${FAILED_OVER} over from prod-eu to dr-us`)
      .waitFor({ timeout: 30_000 });
    await dialog.getByTestId('plan-step-fence').waitFor();
    expect(await dialog.getByTestId('plan-step-fence').textContent()).toContain(
      'StatefulSet',
    );
    const start = dialog.getByRole('button', {
      name: 'Fail over',
      exact: true,
    });
    expect(await start.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${FAILED_OVER} to confirm`).fill(FAILED_OVER);
    expect(await start.isDisabled()).toBe(false);
    // The whole dialog, its plan and the typed name, on a page tall enough to hold it.
    await page.setViewportSize({ width: 1400, height: 1500 });
    await page.waitForTimeout(500);
    await dialog.screenshot({
      path: path.join(screenshotDir, 'runs-dialog.png'),
    });
    await start.click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });

    let runId = await shownRunId(page);
    let stepper = page.getByTestId('run-stepper');
    await stepper
      .getByText(`Failover run ${runId}`)
      .waitFor({ timeout: 30_000 });
    for (const step of [
      'preflight',
      'fence',
      'promote',
      'scale-up-and-verify',
    ]) {
      await stepState(stepper, step, 'completed');
    }
    await stepState(stepper, 'traffic-gate', 'waiting');
    const confirm = stepper.getByRole('button', {
      name: 'Traffic now goes to dr-us: confirm',
    });
    await confirm.waitFor();
    await runsCard(page).screenshot({
      path: path.join(screenshotDir, 'runs-stepper.png'),
    });
    await confirm.click();
    await stepState(stepper, 'traffic-gate', 'completed');
    const failover = await until('the failover to complete', async () => {
      const r = await runsApi('GET', `/runs/${runId}`);
      return r.state === 'completed' ? r : undefined;
    });
    expect(failover).toMatchObject({
      type: 'failover',
      state: 'completed',
      fromCluster: 'prod-eu',
      toCluster: 'dr-us',
      trafficConfirmedBy: 'user:default/guest',
    });
    // The tab now offers a failback.
    await page
      .getByRole('button', { name: 'Fail back', exact: true })
      .waitFor({ timeout: 60_000 });
    await page.close();

    // The card: it runs on the recovery cluster.
    const overview = await openSignedIn(
      browser,
      `${app.frontendUrl}/catalog/default/component/${FAILED_OVER}`,
    );
    const note = overview.getByTestId('active-cluster').first();
    await note.waitFor({ timeout: 60_000 });
    const text = await note.textContent();
    expect(text).toMatch(/^Running on dr-us since /);
    expect(text).toContain(`failover run ${runId}`);
    await overview.close();

    // Fail it back the same way, from the tab.
    const back = await openTab(FAILED_OVER);
    dialog = await openDialog(back, 'Fail back');
    await dialog
      .getByText(`Fail ${FAILED_OVER} back from dr-us to prod-eu`)
      .waitFor({ timeout: 30_000 });
    // Nothing replicates dr-us back to prod-eu: the newest recovery point is older than the RPO,
    // and the failback loses what was written on dr-us. Accept it, as an operator would.
    const accept = dialog.getByLabel(/^Accept the data loss/);
    if (await accept.count()) await accept.check();
    await dialog.getByLabel(`Type ${FAILED_OVER} to confirm`).fill(FAILED_OVER);
    await dialog
      .getByRole('button', { name: 'Fail back', exact: true })
      .click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });

    runId = await shownRunId(back);
    stepper = back.getByTestId('run-stepper');
    await stepper
      .getByText(`Failback run ${runId}`)
      .waitFor({ timeout: 30_000 });
    await stepState(stepper, 'traffic-gate', 'waiting');
    await stepper
      .getByRole('button', { name: 'Traffic now goes to prod-eu: confirm' })
      .click();
    await stepState(stepper, 'traffic-gate', 'completed');
    const failback = await until('the failback to complete', async () => {
      const r = await runsApi('GET', `/runs/${runId}`);
      return r.state === 'completed' ? r : undefined;
    });
    expect(failback).toMatchObject({
      fromCluster: 'dr-us',
      toCluster: 'prod-eu',
    });
    await back
      .getByRole('button', { name: 'Fail over', exact: true })
      .waitFor({ timeout: 60_000 });

    // The history: the failback and the failover, newest first.
    const history = back.locator('table', { hasText: 'Measured RTO' });
    await history.getByText('Failback').first().waitFor({ timeout: 30_000 });
    await history.getByText('Failover').first().waitFor();
    // The panel: the completed failback's steps above the history.
    await back.setViewportSize({ width: 1400, height: 1500 });
    await back
      .locator('[class*="MuiGrid-container"]', {
        has: back.getByText('Run history'),
      })
      .last()
      .screenshot({ path: path.join(screenshotDir, 'runs-history.png') });
    await back.close();

    // Back on prod-eu: the card says nothing of another cluster.
    const record = await app.getJson(statusPath(FAILED_OVER));
    expect(record.activeCluster).toBeUndefined();
    const after = await openSignedIn(
      browser,
      `${app.frontendUrl}/catalog/default/component/${FAILED_OVER}`,
    );
    await after
      .getByLabel(/^Disaster recovery: /)
      .first()
      .waitFor({ timeout: 60_000 });
    expect(await after.getByTestId('active-cluster').count()).toBe(0);
    await after.close();
  });
});
