import { formatDuration } from '@backstage-dr/plugin-disaster-recovery-common';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import {
  TestApp,
  VERDICT_LABELS,
  exampleServiceNames,
  launchBrowser,
  openSignedIn,
  screenshotDir,
} from './app';

// The DR card and tab on service pages show what the backend answers, on a compliant, a breached
// and an undeclared example service.

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
    await page.getByText(record.status.reasons[0].message).first().waitFor();
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
});
