import fs from 'fs';
import path from 'path';
import { Browser } from 'playwright-core';
import { parseAllDocuments } from 'yaml';
import {
  TestApp,
  launchBrowser,
  openSignedIn,
  repoRoot,
  screenshotDir,
} from './app';

// The README's first command brings the app up on the example data: the catalog lists the
// example services and the bad declarations show their problems on the services' pages.

jest.setTimeout(300_000);

const exampleServices: Array<{ name: string; comment: string }> =
  parseAllDocuments(
    fs.readFileSync(path.join(repoRoot, 'examples/services.yaml'), 'utf8'),
  )
    .filter(doc => doc.contents)
    .map(doc => ({
      name: (doc.toJS() as { metadata: { name: string } }).metadata.name,
      comment: (
        (doc.contents as { commentBefore?: string }).commentBefore ?? ''
      ).trim(),
    }));

let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await TestApp.start();
  browser = await launchBrowser();
  fs.mkdirSync(screenshotDir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function waitForCatalog(names: string[]) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { items } = await app.getJson(
      '/api/catalog/entities/by-query?filter=kind=component&limit=500&fields=metadata.name,status',
    );
    const found = new Map<string, any>(
      items.map((e: any) => [e.metadata.name, e]),
    );
    if (names.every(n => found.has(n))) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `missing from the catalog: ${names
          .filter(n => !found.has(n))
          .join(', ')}`,
      );
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

describe('the app on the example data', () => {
  it('lists every example service in the catalog', async () => {
    const names = exampleServices.map(s => s.name);
    const components = await waitForCatalog(names);
    expect(components.size).toBeGreaterThanOrEqual(names.length);

    const page = await openSignedIn(
      browser,
      `${app.frontendUrl}/?filters[kind]=component&filters[user]=all`,
    );
    const search = page.getByPlaceholder('Search').first();
    for (const name of [
      'payments-api',
      'orders-db',
      'billing-worker',
      'feature-flags',
    ]) {
      await search.fill(name);
      await page
        .getByRole('link', { name, exact: true })
        .first()
        .waitFor({ timeout: 30_000 });
    }
    await search.fill('');
    // The whole list again: its first page (20 rows, by name) starts with accounts-db.
    await page
      .getByRole('link', { name: 'accounts-db', exact: true })
      .first()
      .waitFor();
    await page.getByText(`All Components (${components.size})`).waitFor();
    await page.screenshot({ path: path.join(screenshotDir, 'catalog.png') });
  });

  it('shows the problems of a bad declaration on the service page', async () => {
    const invalid = exampleServices.filter(s =>
      s.comment.startsWith('Invalid'),
    );
    expect(invalid.length).toBeGreaterThanOrEqual(3);
    const entities = await waitForCatalog(invalid.map(s => s.name));

    for (const { name } of invalid) {
      const problems: string[] = (entities.get(name).status?.items ?? [])
        .filter((i: any) => i.type === 'backstage.io/catalog-processing')
        .map((i: any) => i.error.message);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every(p => p.startsWith('disaster-recovery/'))).toBe(
        true,
      );

      const page = await openSignedIn(
        browser,
        `${app.frontendUrl}/catalog/default/component/${name}`,
      );
      for (const problem of problems) {
        await page
          .getByText(problem, { exact: false })
          .first()
          .waitFor({ timeout: 30_000 });
      }
      if (name === 'billing-worker') {
        await page.screenshot({
          path: path.join(screenshotDir, 'invalid-declaration.png'),
        });
      }
      await page.close();
    }
  });

  it('shows no processing error on a valid or undeclared service', async () => {
    const names = exampleServices
      .filter(s => !s.comment.startsWith('Invalid'))
      .map(s => s.name);
    const entities = await waitForCatalog(names);
    for (const name of names) {
      expect([name, entities.get(name).status?.items ?? []]).toEqual([
        name,
        [],
      ]);
    }
    const page = await openSignedIn(
      browser,
      `${app.frontendUrl}/catalog/default/component/payments-db`,
    );
    await page
      .getByText('PostgreSQL (CloudNativePG)')
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.getByText('disaster-recovery/').count()).toBe(0);
    await page.close();
  });
});
