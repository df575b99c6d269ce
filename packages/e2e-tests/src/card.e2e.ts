import { formatDuration } from '@backstage-dr/plugin-disaster-recovery-common';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import {
  TestApp,
  VERDICT_LABELS,
  axeViolations,
  exampleServiceNames,
  launchBrowser,
  openSignedIn,
  screenshotDir,
} from './app';

// The DR card and tab on service pages show what the backend answers, on a compliant, a breached
// and an undeclared example service; each reason carries its next step (the card the first two),
// a never-drilled tier-0 service says so once, an invalid declaration shows its problems with
// the evidence and opens the template with its valid values; axe-core finds no violation on the
// card and the tab.

jest.setTimeout(300_000);

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

/** Opens the service page and returns it with the backend's status of the same refresh. */
async function openService(name: string): Promise<{ page: Page; record: any }> {
  for (let attempt = 0; ; attempt++) {
    const record = await app.getJson(
      `/api/disaster-recovery/entities/component/default/${name}/status`,
    );
    const page = await openSignedIn(
      browser,
      `${app.frontendUrl}/catalog/default/component/${name}`,
    );
    await page
      .getByLabel(/^Disaster recovery: /)
      .or(page.getByText('Declare a DR tier'))
      .first()
      .waitFor({ timeout: 60_000 });
    const after = await app.getJson(
      `/api/disaster-recovery/entities/component/default/${name}/status`,
    );
    if (after.updatedAt === record.updatedAt || attempt > 2)
      return { page, record };
    await page.close(); // a refresh landed in between: look again
  }
}

async function expectCardMatches(page: Page, record: any) {
  await page
    .getByLabel(`Disaster recovery: ${VERDICT_LABELS[record.verdict]}`)
    .waitFor({ timeout: 30_000 });
  const card = page.locator('dl', { hasText: 'Newest recovery point' }).first();
  const rpo =
    record.achievedRpoSeconds === undefined ||
    record.achievedRpoSeconds === null
      ? 'none'
      : `${formatDuration(record.achievedRpoSeconds)} achieved`;
  await card
    .getByText(`${rpo} / ${formatDuration(record.rpoSeconds)} target`)
    .waitFor({ timeout: 30_000 });
  await card.getByText(record.tier, { exact: true }).waitFor();
  await card.getByText(record.strategy, { exact: true }).waitFor();
  if (record.status.reasons[0]) {
    // A raw tool error the reason quotes is behind "details": its first words are shown.
    const [lead] = record.status.reasons[0].message.split(': ');
    await page.getByText(lead, { exact: false }).first().waitFor();
  }
}

describe('the DR card and tab in the running app', () => {
  it('shows a breached service as the backend judges it', async () => {
    const { items } = await app.judgedOverview('&sort=name');
    const examples = exampleServiceNames();
    const breached = items.find(
      (i: any) => i.verdict === 'breached' && examples.has(i.name),
    );
    expect(breached).toBeDefined();
    const { page, record } = await openService(breached.name);
    expect(record.verdict).toBe('breached');
    await expectCardMatches(page, record);
    await page.screenshot({
      path: path.join(screenshotDir, 'dr-card-breached.png'),
    });

    // The "Disaster recovery" tab of the entity page (the sidebar's "Disaster recovery" is the
    // overview page).
    await page
      .locator(
        `a[href$="/catalog/default/component/${breached.name}/disaster-recovery"]`,
      )
      .first()
      .click();
    expect(page.url()).toMatch(
      new RegExp(
        `/catalog/default/component/${breached.name}/disaster-recovery$`,
      ),
    );
    await page
      .getByText('Recovery points')
      .first()
      .waitFor({ timeout: 30_000 });
    await page.getByText('Coverage of PVCs').first().waitFor();
    await page.screenshot({
      path: path.join(screenshotDir, 'dr-tab.png'),
      fullPage: true,
    });
    await page.close();
  });

  it('shows a compliant service as the backend judges it', async () => {
    const { items } = await app.judgedOverview('&sort=name');
    const compliant = items.find((i: any) => i.verdict === 'compliant');
    expect(compliant).toBeDefined();
    const { page, record } = await openService(compliant.name);
    await expectCardMatches(page, record);
    expect(await page.getByText('Does not meet').count()).toBe(0);
    await page.screenshot({
      path: path.join(screenshotDir, 'dr-card-compliant.png'),
    });
    await page.close();
  });

  it('explains the annotations on an undeclared service', async () => {
    const { page, record } = await openService('feature-flags');
    expect(record.verdict).toBe('undeclared');
    await page
      .getByText('disaster-recovery/tier:')
      .first()
      .waitFor({ timeout: 30_000 });
    const declare = page.locator('a', { hasText: 'Declare a DR tier' }).first();
    expect(await declare.getAttribute('href')).toContain('declare-dr-tier');
    await page.screenshot({
      path: path.join(screenshotDir, 'dr-card-undeclared.png'),
    });
    await page.close();
  });

  it('gives every reason its next step, the card the first two, and says never drilled once', async () => {
    const { items } = await app.judgedOverview('&sort=attention');
    const examples = exampleServiceNames();
    // A tier-0 example that was never drilled and has reasons with next steps.
    const service = items.find(
      (i: any) => examples.has(i.name) && i.tierRank === 0 && !i.lastDrillAt,
    );
    expect(service).toBeDefined();
    const { page, record } = await openService(service.name);
    await page.setViewportSize({ width: 1440, height: 900 });
    const steps = record.status.reasons.filter(
      (r: any) => r.nextStep && r.code !== 'never-drilled',
    );
    const cardSteps = page.getByTestId('next-step');
    await cardSteps.first().waitFor({ timeout: 30_000 });
    expect(await cardSteps.count()).toBe(Math.min(2, steps.length));
    expect(await cardSteps.first().textContent()).toBe(steps[0].nextStep);
    // Never drilled and tier-0: said once, prominently, not again among the reasons.
    expect(await page.getByTestId('never-drilled').count()).toBe(1);
    expect(await page.getByText(/^Never drilled: no completed/).count()).toBe(
      0,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({
      path: path.join(screenshotDir, 'dr-card-next-steps.png'),
    });

    // The tab: every reason with its next step.
    await page
      .locator(
        `a[href$="/catalog/default/component/${service.name}/disaster-recovery"]`,
      )
      .first()
      .click();
    await page
      .getByText('Recovery points')
      .first()
      .waitFor({ timeout: 30_000 });
    const tabSteps = page.getByTestId('next-step');
    await tabSteps.first().waitFor();
    // The summary lists them all (the drills card repeats the drill findings).
    expect(await tabSteps.count()).toBeGreaterThanOrEqual(steps.length);
    expect(await page.getByTestId('never-drilled').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({
      path: path.join(screenshotDir, 'dr-tab-next-steps.png'),
    });
    await page.close();
  });

  it('shows an invalid declaration with its evidence and opens the template with its valid values', async () => {
    const { items } = await app.judgedOverview('&verdict=invalid&sort=name');
    const examples = exampleServiceNames();
    const invalid =
      items.find(
        (i: any) => examples.has(i.name) && i.evidenceVerdict !== undefined,
      ) ?? items.find((i: any) => examples.has(i.name) && i.tier);
    expect(invalid).toBeDefined();
    const { page, record } = await openService(invalid.name);
    await page
      .getByRole('list', { name: 'Declaration problems' })
      .waitFor({ timeout: 30_000 });
    for (const problem of record.problems) {
      await page.getByText(problem.message).first().waitFor();
    }
    if (record.status) {
      await page.getByTestId('evidence-verdict').first().waitFor();
      await page
        .getByRole('list', { name: 'Evidence reasons' })
        .first()
        .waitFor();
    }
    const fix = page.locator('a', { hasText: 'Fix with the template' }).first();
    const href = (await fix.getAttribute('href'))!;
    const formData = JSON.parse(
      new URL(href, app.frontendUrl).searchParams.get('formData')!,
    );
    expect(formData.entityRef).toBe(`component:default/${invalid.name}`);
    const bad = new Set(record.problems.map((p: any) => p.annotation));
    const annotations = (
      await app.getJson(
        `/api/catalog/entities/by-name/component/default/${invalid.name}`,
      )
    ).metadata.annotations;
    // The valid values are filled in; the ones with problems are not.
    for (const [key, param] of [
      ['disaster-recovery/tier', 'tier'],
      ['disaster-recovery/strategy', 'strategy'],
      ['disaster-recovery/primary-cluster', 'primaryCluster'],
      ['disaster-recovery/recovery-cluster', 'recoveryCluster'],
    ]) {
      expect(formData[param]).toBe(
        bad.has(key) ? undefined : annotations[key] ?? undefined,
      );
    }
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({
      path: path.join(screenshotDir, 'dr-card-invalid.png'),
    });
    await fix.click();
    await page.waitForURL(/declare-dr-tier/);
    await page
      .getByText('Declare DR tier')
      .first()
      .waitFor({ timeout: 60_000 });
    // The template page itself is the scaffolder's (its tabs and landmarks are Backstage's): not
    // checked with axe here.
    await page.close();
  });
});
