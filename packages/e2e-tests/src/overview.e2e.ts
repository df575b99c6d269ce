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
// every matching service. At 1440 × 900 the first screen leads with the services that need
// attention, every tile links to the table filtered to what it counts, a search that matches
// nothing says so, the "If a cluster failed now" view answers for prod-eu on the example data,
// no table overflows at 1280 or 1440 px, and axe-core finds no violation.

jest.setTimeout(300_000);

/** The totals of "if prod-eu failed now" on the example data (examples/services.yaml). */
const EXPECTED_PROD_EU_TOTALS = {
  services: 21,
  mostCriticalTier: 3,
  mostCriticalTierName: 'tier-0',
  overRpo: 9,
  neverRestored: 6,
  cannotComeBack: 6,
};
// The five services on the other systems (all on prod-eu) add 5 services, none over its RPO,
// and one never restored (documents-store).
const EXPECTED_PROD_EU_SUMMARY =
  '21 services, 3 tier-0: 9 would lose more than their RPO, 6 have never been restored, 6 cannot come back.';

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
    let all = await app.judgedOverview();
    const page = await openSignedIn(
      browser,
      `${app.frontendUrl}/disaster-recovery`,
    );
    // material-table warns (in development, as the test app runs) when its columns are rebuilt
    // on every render; the tables must never cause it, on load or on a filter change.
    const warnings: string[] = [];
    page.on('console', message => {
      if (/columns provided to material table/.test(message.text())) {
        warnings.push(message.text());
      }
    });
    await page.setViewportSize({ width: 1600, height: 1900 });
    const tiles = page.getByRole('group', { name: 'By verdict' });
    // The first visit may wait for the development server to compile the page.
    await tiles.waitFor({ timeout: 150_000 });

    // The tiles: every verdict's count, adding up to the services. The example data ages while
    // the app runs, so a refresh between the backend's answer and the page's may judge a service
    // again: then the page is read once more against a new answer.
    const tilesShow = async (overview: any) => {
      for (const [verdict, label] of Object.entries(VERDICT_LABELS)) {
        const n = overview.counts.verdict[verdict] ?? 0;
        const tile = tiles.getByRole('link', {
          name: new RegExp(`^${label}\\s*${n}$`),
        });
        if (
          !(await tile.waitFor({ timeout: 10_000 }).then(
            () => true,
            () => false,
          ))
        ) {
          return false;
        }
      }
      return true;
    };
    for (let attempt = 1; !(await tilesShow(all)); attempt++) {
      expect(attempt).toBeLessThan(3);
      all = await app.judgedOverview();
      await page.reload();
      await tiles.waitFor({ timeout: 60_000 });
    }
    // Every verdict has its tile: the tiles' counts add up to the services.
    const sum = Object.keys(VERDICT_LABELS).reduce(
      (total, verdict) => total + (all.counts.verdict[verdict] ?? 0),
      0,
    );
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
    expect(warnings).toEqual([]);

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
    // The achieved RPO and the first reason (which names it) as the backend answered them
    // before or after the export: a refresh may fall in between and judge every service again,
    // a few seconds later.
    const after = await app.judgedOverview('&verdict=breached');
    const achieved = (o: any) =>
      o.items.map((i: any) =>
        i.achievedRpoSeconds === undefined ? '' : String(i.achievedRpoSeconds),
      );
    const reasons = (o: any) => o.items.map((i: any) => i.firstReason ?? '');
    expect([achieved(breached), achieved(after)]).toContainEqual(
      column('achieved_rpo_seconds'),
    );
    expect([reasons(breached), reasons(after)]).toContainEqual(
      column('first_reason'),
    );
    await page.close();
  });

  it('leads with what needs attention at 1440 × 900, every tile a link to what it counts', async () => {
    const attention = await app.judgedOverview(
      '&verdict=breached&verdict=at-risk&sort=attention',
    );
    const page = await openSignedIn(
      browser,
      `${app.frontendUrl}/disaster-recovery`,
    );
    await page.setViewportSize({ width: 1440, height: 900 });
    const list = page.getByRole('region', { name: /^Needs attention/ });
    await list.waitFor({ timeout: 150_000 });
    // Breached first, then at risk; most critical tier, worst exposure first: as the backend says.
    const names = await list
      .getByRole('listitem')
      .evaluateAll(items =>
        items.map(i => i.querySelector('a')?.textContent ?? ''),
      );
    expect(names).toEqual(attention.items.slice(0, 5).map((i: any) => i.name));
    expect(attention.items[0].verdict).toBe('breached');
    await list
      .getByRole('heading', {
        name: `Needs attention (${attention.totalCount})`,
      })
      .waitFor();
    // The first service's first reason and its next step, on the first screen.
    if (attention.items[0].firstNextStep) {
      await list
        .getByText(`Next step: ${attention.items[0].firstNextStep}`)
        .first()
        .waitFor();
    }
    const box = await list.boundingBox();
    expect(box!.y).toBeLessThan(900);
    await page.locator('.recharts-bar-rectangle path').first().waitFor();
    await page.screenshot({
      path: path.join(screenshotDir, 'overview-first-screen.png'),
    });

    // Every tile links to the table filtered to what it counts.
    await page
      .getByRole('group', { name: 'Breached now' })
      .getByRole('link')
      .click();
    await page.waitForURL(/\?verdict=breached#dr-services$/);
    const breached = await app.judgedOverview('&verdict=breached');
    await page
      .getByText(`Services (${breached.totalCount})`)
      .waitFor({ timeout: 30_000 });
    await page
      .getByRole('group', { name: 'Oldest recovery point, tier-0 and tier-1' })
      .getByRole('link')
      .click();
    await page.waitForURL(/tier=tier-0&tier=tier-1.*sort=achievedRpo%3Adesc/);
    await page
      .getByRole('group', { name: 'Clusters and storage' })
      .getByRole('link')
      .click();
    await page.waitForURL(/(cluster=|#dr-clusters)/);

    // A search that matches nothing says so.
    await page.goto(
      `${app.frontendUrl}/disaster-recovery?q=no-such-service-xyz`,
    );
    await page
      .getByRole('region', { name: 'Needs attention' })
      .getByText('No service matches the filters.')
      .waitFor({ timeout: 60_000 });
    expect(await page.getByText(/Every judged service meets/).count()).toBe(0);
    await page.close();
  });

  it('answers "if prod-eu failed now" on the example data, in its own URL, with its CSV', async () => {
    const page = await openSignedIn(
      browser,
      `${app.frontendUrl}/disaster-recovery?view=cluster-loss&lost=prod-eu`,
    );
    await page.setViewportSize({ width: 1440, height: 900 });
    const summary = page.getByTestId('cluster-loss-summary');
    await summary.waitFor({ timeout: 150_000 });
    const api = await app.getJson(
      '/api/disaster-recovery/overview/cluster-loss?cluster=prod-eu',
    );
    // The example data: the declared services on prod-eu (examples/services.yaml).
    const never = api.groups
      .flatMap((g: any) => g.services)
      .filter((x: any) => !x.lastRestore)
      .map((x: any) => x.name);
    expect({ ...api.totals, never }).toEqual({
      ...EXPECTED_PROD_EU_TOTALS,
      never,
    });
    expect(await summary.textContent()).toBe(api.summary);
    expect(api.summary).toBe(EXPECTED_PROD_EU_SUMMARY);
    // Grouped by owner; worst exposure first within each group.
    const table = page.getByRole('table', {
      name: 'Services on prod-eu, by owner, worst exposure first',
    });
    const rows = table.getByTestId('cluster-loss-row');
    expect(await rows.count()).toBe(api.totals.services);
    const shown = await rows.evaluateAll(rs =>
      rs.map(r => r.getAttribute('data-service')),
    );
    expect(shown).toEqual(
      api.groups.flatMap((g: any) => g.services.map((s: any) => s.name)),
    );
    await page.screenshot({
      path: path.join(screenshotDir, 'overview-cluster-loss.png'),
      fullPage: true,
    });

    // The CSV export follows the view.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', { name: `Export CSV (${api.totals.services})` })
        .click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      /^disaster-recovery-cluster-loss-prod-eu-\d{4}-\d\d-\d\d\.csv$/,
    );
    const lines = fs
      .readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csvFields(lines[0]).slice(0, 3)).toEqual([
      'owner',
      'entity_ref',
      'name',
    ]);
    expect(lines.slice(1).map(l => csvFields(l)[2])).toEqual(shown);
    await page.close();
  });

  it('cuts no table at 1280 or 1440 px and has no axe-core violation', async () => {
    const axe = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    for (const url of [
      `${app.frontendUrl}/disaster-recovery`,
      `${app.frontendUrl}/disaster-recovery?view=cluster-loss&lost=prod-eu`,
    ]) {
      const page = await openSignedIn(browser, url);
      for (const width of [1280, 1440]) {
        await page.setViewportSize({ width, height: 900 });
        await page
          .getByRole('region', { name: /^Needs attention/ })
          .or(page.getByTestId('cluster-loss-summary'))
          .first()
          .waitFor({ timeout: 150_000 });
        await page.locator('table').first().waitFor({ timeout: 60_000 });
        if (!url.includes('cluster-loss')) {
          // The clusters panel is checked too, once it shows its clusters.
          await page
            .locator('#dr-clusters tbody tr td')
            .first()
            .waitFor({ timeout: 60_000 });
        }
        const overflow = await page.evaluate(() => {
          const cut: string[] = [];
          if (document.documentElement.scrollWidth > window.innerWidth) {
            cut.push(`page: ${document.documentElement.scrollWidth}px`);
          }
          const tables = Array.from(document.querySelectorAll('table'));
          // Names never break: a service link or a cluster's name is one line.
          const names = [
            ...document.querySelectorAll('table a[href$="/disaster-recovery"]'),
            ...document.querySelectorAll(
              '#dr-clusters tbody tr td:first-child',
            ),
          ];
          for (const name of names) {
            const range = document.createRange();
            range.selectNodeContents(name);
            const lines = new Set(
              Array.from(range.getClientRects())
                .filter(r => r.width > 0)
                .map(r => Math.round(r.top)),
            );
            if (lines.size > 1) {
              cut.push(`${name.textContent}: broken over ${lines.size} lines`);
            }
          }
          // Column headers wrap between words, never inside one: no more lines than words.
          for (const th of document.querySelectorAll('table thead th')) {
            const words = (th.textContent ?? '').split(/\s+/).filter(Boolean);
            // The lines of its text (not of the sort arrow): tops more than 4 px apart.
            const tops: number[] = [];
            const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const range = document.createRange();
              range.selectNodeContents(n);
              for (const r of Array.from(range.getClientRects())) {
                if (r.width > 0) tops.push(r.top);
              }
            }
            tops.sort((a, b) => a - b);
            const lines = tops.filter((t, i) => i === 0 || t - tops[i - 1] > 4);
            if (lines.length > words.length) {
              cut.push(
                `header ${th.textContent}: ${lines.length} lines for ${words.length} words`,
              );
            }
          }
          for (const table of tables) {
            let el: HTMLElement | null = table.parentElement;
            while (el && el !== document.body) {
              if (el.scrollWidth > el.clientWidth + 1) {
                const style = getComputedStyle(el);
                if (style.overflowX !== 'visible') {
                  const headers = Array.from(table.querySelectorAll('th'))
                    .slice(0, 3)
                    .map(th => th.textContent)
                    .join('|');
                  cut.push(
                    `${headers}: ${el.scrollWidth}px in ${el.clientWidth}px`,
                  );
                  break;
                }
              }
              el = el.parentElement;
            }
          }
          return cut;
        });
        expect({ url, width, overflow }).toEqual({ url, width, overflow: [] });
      }
      await page.addScriptTag({ content: axe });
      const violations = await page.evaluate(async () => {
        const result = await (window as any).axe.run(
          // The app's sidebar (its items are the app's, not these pages') is left out.
          { exclude: [['nav[aria-label="sidebar nav"]']] },
          {
            resultTypes: ['violations'],
          },
        );
        return result.violations.map(
          (v: any) =>
            `${v.id}: ${v.help} (${v.nodes
              .slice(0, 3)
              .map((n: any) => n.target.join(' '))
              .join('; ')})`,
        );
      });
      expect({ url, violations }).toEqual({ url, violations: [] });
      await page.close();
    }
  });
});
