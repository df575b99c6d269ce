import { TestApp, exampleServiceNames } from './app';

// The running app's DR backend answers with the state of the simulated clusters (prod-eu and
// dr-us from packages/kube-simulator), read through the Kubernetes plugin like real clusters.

jest.setTimeout(300_000);

let app: TestApp;

beforeAll(async () => {
  app = await TestApp.start();
});

afterAll(async () => {
  await app?.stop();
});

describe('the DR backend on the simulated clusters', () => {
  it('judges every example service, and the verdict counts add up', async () => {
    const overview = await app.judgedOverview('&sort=name');
    const verdicts: Record<string, string> = Object.fromEntries(
      overview.items.map((i: any) => [i.name, i.verdict]),
    );
    expect(overview.totalCount).toBe(overview.items.length);
    const counted = Object.values(
      overview.counts.verdict as Record<string, number>,
    ).reduce((a, b) => a + b, 0);
    expect(counted).toBe(overview.totalCount);
    // The declarations the catalog flags are invalid here too; undeclared services stay undeclared.
    for (const name of [
      'billing-worker',
      'fraud-scoring',
      'customer-files',
      'email-gateway',
      'sessions-store',
    ]) {
      expect([name, verdicts[name]]).toEqual([name, 'invalid']);
    }
    for (const name of ['feature-flags', 'marketing-cms', 'image-resizer']) {
      expect([name, verdicts[name]]).toEqual([name, 'undeclared']);
    }
    // Every declared example service was judged from evidence: none is unknown while both
    // clusters answer. (The scaffolder's test may have added a service of its own.)
    const examples = exampleServiceNames();
    expect(examples.size).toBe(25);
    // Invalid declarations with a valid tier carry it too (their evidence is judged): leave them out.
    const declared = overview.items.filter(
      (i: any) => i.tier && i.verdict !== 'invalid' && examples.has(i.name),
    );
    expect(declared.length).toBe(17);
    // The scenario table of packages/kube-simulator/fixtures/README.md: 7 compliant, 6 at risk,
    // 4 breached; the last five are judged by the providers of PROVIDERS.md (K8ssandra,
    // KubeStash and Stash, CloudNativePG backups, Kasten K10, VolumeReplication).
    expect(
      Object.fromEntries(declared.map((i: any) => [i.name, i.verdict])),
    ).toEqual({
      'orders-db': 'compliant',
      'identity-api': 'compliant',
      'notifications-service': 'compliant',
      'reporting-db': 'compliant',
      'payments-db': 'at-risk',
      'inventory-service': 'at-risk',
      'search-indexer': 'at-risk',
      'analytics-warehouse': 'at-risk',
      'payments-api': 'breached',
      'ledger-db': 'breached',
      'orders-api': 'breached',
      'event-streams': 'breached',
      'orders-cassandra': 'compliant',
      'media-library': 'compliant',
      'accounts-db': 'compliant',
      'loyalty-points': 'at-risk',
      'documents-store': 'at-risk',
    });
    // ledger-db's WAL volume has no backup at all: the worst PVC gives no achieved RPO.
    expect(
      declared.find((i: any) => i.name === 'ledger-db').achievedRpoSeconds,
    ).toBeUndefined();
    // customer-files is invalid, but its evidence is judged with its valid parts.
    const customerFiles = overview.items.find(
      (i: any) => i.name === 'customer-files',
    );
    expect(customerFiles).toMatchObject({ verdict: 'invalid', tier: 'tier-1' });
  });

  it('serves a service status that matches its overview row and shows the evidence read', async () => {
    const overview = await app.judgedOverview('&sort=name');
    const row = overview.items.find((i: any) => i.name === 'orders-api');
    const status = await app.getJson(
      '/api/disaster-recovery/entities/component/default/orders-api/status',
    );
    expect(status).toMatchObject({
      verdict: row.verdict,
      achievedRpoSeconds: row.achievedRpoSeconds,
      tier: 'tier-1',
      strategy: 'warm-standby',
    });
    expect(
      status.status.recoveryPoints.some(
        (p: any) => p.source === 'velero-backup' && p.cluster === 'prod-eu',
      ),
    ).toBe(true);
    const history = await app.getJson(
      '/api/disaster-recovery/entities/component/default/orders-api/history',
    );
    expect(history.items.length).toBeGreaterThan(0);
    expect(history.items[history.items.length - 1].verdict).toBe(
      status.verdict,
    );
  });

  it('reports both clusters reachable with their providers', async () => {
    await app.judgedOverview('&sort=name');
    const { items } = await app.getJson('/api/disaster-recovery/clusters');
    expect(items.map((c: any) => [c.cluster, c.reachable])).toEqual([
      ['dr-us', true],
      ['prod-eu', true],
    ]);
    for (const cluster of items) {
      expect(cluster.providers.find((p: any) => p.id === 'velero').state).toBe(
        'installed',
      );
    }
  });
});
