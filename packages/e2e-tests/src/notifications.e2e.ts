import path from 'path';
import { Browser } from 'playwright-core';
import { TestApp, launchBrowser, openSignedIn, screenshotDir } from './app';

// Breaches reach people without anyone opening the DR pages: after a refresh, a breached example
// service has raised a notification for the guest user (a member of the platform team, which
// app-config.yaml's disasterRecovery.notifications.alsoNotify tells of every change), shown on
// the notifications page with its title, reason and DR tab link; and the backend's Prometheus
// exporter (:9464) exposes the service's verdict.

jest.setTimeout(300_000);

const EXPORTER = process.env.E2E_METRICS_URL ?? 'http://localhost:9464/metrics';

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

/** The guest's DR notifications once one names `title`; waits up to 2 minutes. */
async function notificationTitled(title: string): Promise<any> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { notifications } = await app.getJson(
      '/api/notifications/notifications?topic=disaster-recovery&limit=100',
    );
    const found = notifications.find((n: any) => n.payload.title === title);
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `no notification "${title}" within 2 minutes: ${JSON.stringify(
          notifications.map((n: any) => n.payload.title),
        )}`,
      );
    }
    await new Promise(r => setTimeout(r, 2000));
  }
}

it('shows a notification for a breached example service, linking to its DR tab', async () => {
  const overview = await app.judgedOverview('&verdict=breached');
  const breached = overview.items.find(
    (i: any) => i.verdict === 'breached' && i.owner,
  );
  expect(breached).toBeDefined();
  const name = breached.title ?? breached.name;
  const notification = await notificationTitled(`${name} is breached`);
  expect(notification.payload).toMatchObject({
    link: `/catalog/${breached.namespace}/${breached.kind.toLowerCase()}/${
      breached.name
    }/disaster-recovery`,
    topic: 'disaster-recovery',
    severity: ['critical', 'high', 'normal', 'low'][
      Math.min(breached.tierRank ?? 2, 3)
    ],
  });
  expect(notification.payload.description).toContain(
    breached.firstReason.slice(0, 40),
  );

  // The page lists unread notifications, 5 a page, newest first: other browser tests' verdict
  // changes can push this one past the first page, so the guest reads the others first.
  const { notifications: all } = await app.getJson(
    '/api/notifications/notifications?topic=disaster-recovery&limit=1000',
  );
  const others = all
    .map((n: any) => n.id)
    .filter((id: string) => id !== notification.id);
  if (others.length > 0) {
    await app.postJson('/api/notifications/notifications/update', {
      ids: others,
      read: true,
    });
  }
  await app.postJson('/api/notifications/notifications/update', {
    ids: [notification.id],
    read: false,
  });
  const page = await openSignedIn(browser, `${app.frontendUrl}/notifications`);
  try {
    const row = page.getByText(`${name} is breached`, { exact: true }).first();
    // On a busy machine the first load of the page can miss the list (the development server
    // compiles it then): look again after a reload before failing.
    await row.waitFor({ timeout: 45_000 }).catch(async () => {
      await page.reload();
      await row.waitFor({ timeout: 60_000 });
    });
    // The sidebar counts it among the unread ones.
    await page
      .getByRole('link', { name: /notifications/i })
      .first()
      .waitFor({ timeout: 10_000 });
    await page.screenshot({
      path: path.join(screenshotDir, 'notifications.png'),
    });
    await row.click();
    await page.waitForURL(/\/disaster-recovery$/, { timeout: 60_000 });
    expect(new URL(page.url()).pathname).toBe(notification.payload.link);
  } finally {
    await page.close();
  }
});

it('exposes the DR metrics on the Prometheus exporter', async () => {
  const overview = await app.judgedOverview('&verdict=breached');
  const breached = overview.items.find((i: any) => i.verdict === 'breached');
  const text = await (await fetch(EXPORTER)).text();
  const line = text
    .split('\n')
    .find(
      l =>
        l.startsWith('dr_service_verdict{') &&
        l.includes(`entity_ref="${breached.entityRef}"`) &&
        l.includes('verdict="breached"'),
    );
  expect(line).toMatch(/ 1$/);
  expect(text).toMatch(/^dr_cluster_reachable\{.*cluster="prod-eu".*\} 1$/m);
  expect(text).toMatch(/^dr_schedule_seconds_since_last_successful_backup\{/m);
});
