import path from 'path';
import { Browser, Page } from 'playwright-core';
import {
  TestApp,
  axeViolations,
  launchBrowser,
  openSignedIn,
  screenshotDir,
} from './app';

// The DR templates' pages in the scaffolder, as people fill them in: "Declare DR tier" opens with
// an entity's values (as "Fix with the template" links to it), its cluster fields offer the
// clusters the DR backend knows with their state and still take any name; axe-core finds no
// violation on the pages of "Declare DR tier" and "Stateful service with DR".

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

/** How the cluster picker names the states of GET /clusters. */
const STATE_LABELS: Record<string, string> = {
  ok: 'OK',
  degraded: 'degraded',
  unreachable: 'unreachable',
};

/** Opens a template with `formData` filled in, at 1440 × 900. */
async function openTemplate(
  name: string,
  formData: Record<string, unknown>,
): Promise<Page> {
  const page = await openSignedIn(
    browser,
    `${
      app.frontendUrl
    }/create/templates/default/${name}?formData=${encodeURIComponent(
      JSON.stringify(formData),
    )}`,
  );
  await page.setViewportSize({ width: 1440, height: 900 });
  // The first visit may wait for the development server to compile the scaffolder.
  await page
    .getByRole('button', { name: /^Next/ })
    .waitFor({ timeout: 150_000 });
  return page;
}

/**
 * axe-core's violations on a template page, in what the templates and the DR field extension
 * render: the form card. Left out: the scaffolder page's own header tabs (Backstage's UI `Tabs`,
 * whose react-aria ids carry an escaped colon that axe reads as an invalid `aria-controls`) and
 * the page-structure rules `landmark-one-main` and `region`, which Backstage's scaffolder page
 * (no `main` landmark around its content) breaks whatever the template.
 */
function formViolations(page: Page): Promise<string[]> {
  return axeViolations(page, ['.bui-Tabs'], ['landmark-one-main', 'region']);
}

/** Goes to the form's next page and waits until `field` shows. */
async function next(page: Page, field: RegExp) {
  await page.getByRole('button', { name: /^Next/ }).click();
  await page
    .getByRole('textbox', { name: field })
    .first()
    .waitFor({ timeout: 30_000 });
}

describe('the DR templates in the scaffolder', () => {
  it('"Declare DR tier" opens with the entity’s values, offers the known clusters with their state, and has no axe-core violation', async () => {
    const page = await openTemplate('declare-dr-tier', {
      entityRef: 'component:default/orders-db',
      tier: 'tier-1',
      strategy: 'pilot-light',
      primaryCluster: 'prod-eu',
      recoveryCluster: 'dr-us',
    });
    expect(await formViolations(page)).toEqual([]);
    await next(page, /Primary cluster/);

    // The values from the link are kept.
    const primary = page.getByRole('textbox', { name: /Primary cluster/ });
    const recovery = page.getByRole('textbox', { name: /Recovery cluster/ });
    expect(await primary.inputValue()).toBe('prod-eu');
    expect(await recovery.inputValue()).toBe('dr-us');
    expect(await formViolations(page)).toEqual([]);

    // The known clusters, in name order, each with its state at the last refresh.
    const clusters: Array<{ cluster: string; state: string }> = (
      await app.getJson('/api/disaster-recovery/clusters')
    ).items;
    expect(clusters.length).toBeGreaterThan(1);
    const expected = clusters
      .map(c => c.cluster)
      .sort()
      .map(
        name =>
          `${name}${
            STATE_LABELS[clusters.find(c => c.cluster === name)!.state]
          }`,
      );
    await recovery.click();
    await recovery.fill('');
    await recovery.press('ArrowDown');
    const listbox = page.getByRole('listbox');
    await listbox.waitFor();
    expect(await listbox.getByRole('option').allTextContents()).toEqual(
      expected,
    );
    expect(await formViolations(page)).toEqual([]);
    await page.screenshot({
      path: path.join(screenshotDir, 'template-cluster-picker.png'),
    });
    await listbox.getByRole('option', { name: /^dr-us/ }).click();
    expect(await recovery.inputValue()).toBe('dr-us');

    // A name the backend does not know is taken as typed, and said to be unknown.
    await primary.fill('prod-ap');
    await page.keyboard.press('Escape');
    expect(await primary.inputValue()).toBe('prod-ap');
    await page
      .getByText(/"prod-ap" is not among the clusters the DR backend knows/)
      .waitFor();
    await page.close();
  });

  it('"Stateful service with DR" has no axe-core violation on its pages', async () => {
    const page = await openTemplate('stateful-service-with-dr', {
      name: 'axe-check',
      owner: 'group:default/platform-team',
      namespace: 'commerce',
    });
    expect(await formViolations(page)).toEqual([]);
    await next(page, /Primary cluster/);
    expect(
      await page.getByRole('textbox', { name: /Primary cluster/ }).inputValue(),
    ).toBe('prod-eu');
    expect(await formViolations(page)).toEqual([]);
    await page.close();
  });
});
