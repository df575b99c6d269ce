import fs from 'fs';
import path from 'path';
import { Browser, Page } from 'playwright-core';
import {
  TestApp,
  VERDICT_LABELS,
  launchBrowser,
  openSignedIn,
  screenshotDir,
} from './app';

// The DR overview page against the backend's /overview: the tiles count what the backend counts,
// a verdict filter shows the backend's rows for it and lands in the URL, and the CSV export holds
// every matching service.

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

/** The service names in the table, top to bottom. */
async function tableNames(page: Page): Promise<string[]> {
  return page.locator('table a[href$="/disaster-recovery"]').allTextContents();
}

/** A CSV line's fields (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (let m = re.exec(line); m && m.index < line.length; m = re.exec(line)) {
    const raw = m[1];
    fields.push(
      raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw,
    );
    if (m[2] === '') break;
  }
  return fields;
}

describe('the DR overview page in the running app', () => {
  it('counts, filters by verdict and exports what the backend answers', async () => {
    const all = await app.judgedOverview();
    const page = await openSignedIn(
      browser,
      `${app.frontendUrl}/disaster-recovery`,
    );
    await page.setViewportSize({ width: 1600, height: 1900 });
    const tiles = page.getByRole('group', { name: 'By verdict' });
    // The first visit may wait for the development server to compile the page.
    await tiles.waitFor({ timeout: 150_000 });

    // The tiles: every verdict's count, adding up to the services.
    let sum = 0;
    for (const [verdict, label] of Object.entries(VERDICT_LABELS)) {
      const n = all.counts.verdict[verdict] ?? 0;
      sum += n;
      await tiles
        .getByRole('button', { name: `${label}: ${n}` })
        .waitFor({ timeout: 30_000 });
    }
    expect(sum).toBe(all.totalCount);
    await page
      .getByRole('group', { name: 'Services' })
      .getByText(String(all.totalCount), { exact: true })
      .waitFor();
    // The first page of the table: the backend's order (most critical tier first).
    expect(await tableNames(page)).toEqual(
      all.items.slice(0, 25).map((i: any) => i.name),
    );
    // Let the charts draw before the screenshot.
    await page.locator('.recharts-bar-rectangle path').first().waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'overview.png') });

    // Filter by verdict with the Verdict filter.
    const filters = page.getByRole('search', { name: 'Filter services' });
    await filters.getByRole('button', { name: /^Verdict / }).click();
    await page.getByRole('option', { name: 'Breached' }).click();
    await page.keyboard.press('Escape');
    // The menu fades out: wait until it is gone before the screenshot.
    await page.waitForFunction(
      () => !document.querySelector('[role="listbox"]'),
    );
    await page.waitForURL(/[?&]verdict=breached(&|$)/);
    const breached = await app.judgedOverview('&verdict=breached');
    expect(breached.totalCount).toBeGreaterThan(0);
    await page
      .getByText(`Services (${breached.totalCount})`)
      .waitFor({ timeout: 30_000 });
    const expected = breached.items.map((i: any) => i.name);
    const deadline = Date.now() + 30_000;
    while (
      JSON.stringify(await tableNames(page)) !== JSON.stringify(expected) &&
      Date.now() < deadline
    ) {
      await page.waitForTimeout(200);
    }
    expect(await tableNames(page)).toEqual(expected);
    const verdictCells = page.locator('table tbody tr td:nth-child(9)');
    for (const text of await verdictCells.allTextContents()) {
      expect(text.startsWith('Breached')).toBe(true);
    }
    await page.screenshot({
      path: path.join(screenshotDir, 'overview-breached.png'),
    });

    // The filtered view is shareable: the URL opens the same rows.
    const shared = await openSignedIn(browser, page.url());
    await shared
      .getByText(`Services (${breached.totalCount})`)
      .waitFor({ timeout: 60_000 });
    expect(await tableNames(shared)).toEqual(
      breached.items.map((i: any) => i.name),
    );
    await shared.close();

    // The CSV export: every breached service, with the backend's values.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', {
          name: `Export CSV (${breached.totalCount})`,
        })
        .click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^disaster-recovery-services-\d{4}-\d\d-\d\d\.csv$/,
    );
    const file = await download.path();
    const lines = fs.readFileSync(file!, 'utf8').trimEnd().split('\r\n');
    const header = csvFields(lines[0]);
    expect(header.slice(0, 2)).toEqual(['entity_ref', 'name']);
    const rows = lines.slice(1).map(csvFields);
    const column = (name: string) => rows.map(r => r[header.indexOf(name)]);
    expect(rows).toHaveLength(breached.totalCount);
    expect(column('name')).toEqual(breached.items.map((i: any) => i.name));
    expect(new Set(column('verdict'))).toEqual(new Set(['breached']));
    expect(column('achieved_rpo_seconds')).toEqual(
      breached.items.map((i: any) =>
        i.achievedRpoSeconds === undefined ? '' : String(i.achievedRpoSeconds),
      ),
    );
    expect(column('first_reason')).toEqual(
      breached.items.map((i: any) => i.firstReason ?? ''),
    );
    await page.close();
  });
});
