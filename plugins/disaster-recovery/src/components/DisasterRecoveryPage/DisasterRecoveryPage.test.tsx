import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import {
  DrClusterLossResponse,
  DrOverviewResponse,
} from '@backstage-dr/plugin-disaster-recovery-common';
import {
  exampleClusters,
  exampleOverview,
  overviewRecord,
} from '../../__fixtures__/overview';
import {
  DisasterRecoveryApi,
  DisasterRecoveryOverviewQuery,
  disasterRecoveryApiRef,
} from '../../api';
import { DisasterRecoveryPage } from './DisasterRecoveryPage';
import { giveElementsASize } from '../../__fixtures__/chartLayout';

configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(60_000);

giveElementsASize(600, 260);

// jsdom does not scroll; a tile's link scrolls to the table it filters.
const scrollIntoView = jest.fn();
Element.prototype.scrollIntoView = scrollIntoView;

function LocationSpy() {
  const location = useLocation();
  return <output aria-label="location">{location.search}</output>;
}

const CSV =
  'entity_ref,name,verdict\r\ncomponent:default/orders-db,orders-db,breached\r\n';

/** The overview's `attention`: the breached and at-risk services, worst first. */
function attentionAnswer(): NonNullable<DrOverviewResponse['attention']> {
  return {
    items: [
      overviewRecord('ledger-db', {
        verdict: 'breached',
        tier: 'tier-0',
        tierRank: 0,
        rpoSeconds: 300,
        achievedRpoSeconds: 7200,
        firstReason:
          'Schedule velero/ledger-daily backs up PVC data-ledger-db-0 only every 1d. Add the PVC to ledger-hourly.',
        firstNextStep: 'Add the PVC to ledger-hourly.',
      }),
      overviewRecord('search-index', {
        verdict: 'at-risk',
        tier: 'tier-2',
        tierRank: 2,
        firstReason: 'Never drilled.',
      }),
    ],
    totalCount: 7,
  };
}

const clusterLoss: DrClusterLossResponse = {
  cluster: 'prod-eu',
  clusterState: 'ok',
  totals: {
    services: 2,
    mostCriticalTier: 1,
    mostCriticalTierName: 'tier-0',
    overRpo: 1,
    neverRestored: 1,
    cannotComeBack: 0,
  },
  summary:
    '2 services, 1 tier-0: 1 would lose more than their RPO, 1 has never been restored.',
  evaluatedAt: new Date().toISOString(),
  groups: [
    {
      owner: 'group:default/payments-team',
      services: [
        {
          entityRef: 'component:default/ledger-db',
          name: 'ledger-db',
          owner: 'group:default/payments-team',
          tier: 'tier-0',
          tierRank: 0,
          verdict: 'breached',
          role: 'primary',
          rpoSeconds: 300,
          exposureSeconds: 7200,
          worstPvc: 'payments/data-ledger-db-0',
          overRpo: true,
          recoveryCluster: 'dr-us',
          recoveryClusterState: 'ok',
          recoveryPoint: {
            time: new Date(Date.now() - 7200_000).toISOString(),
            kind: 'Backup',
            name: 'ledger-daily-1',
            cluster: 'prod-eu',
            onRecoveryCluster: true,
          },
          lastRestore: null,
          rtoSeconds: 900,
          overRto: false,
          recoverable: 'doubtful',
          gaps: ['Never restored: no drill, failover or Velero Restore.'],
        },
      ],
    },
  ],
};

function mockApi() {
  return {
    getOverview: jest.fn(
      async (
        _query?: DisasterRecoveryOverviewQuery,
      ): Promise<DrOverviewResponse> => ({
        ...exampleOverview(),
        attention: attentionAnswer(),
      }),
    ),
    getClusterLoss: jest.fn(async (cluster: string) => ({
      ...clusterLoss,
      cluster,
    })),
    exportClusterLossCsv: jest.fn(async () => CSV),
    getClusters: jest.fn(async () => ({ items: exampleClusters() })),
    getOverviewHistory: jest.fn(async () => ({
      days: [
        { date: '2026-11-24', counts: { compliant: 6 }, total: 6 },
        { date: '2026-11-25', counts: { compliant: 5, breached: 1 }, total: 6 },
      ],
    })),
    exportOverviewCsv: jest.fn(async () => CSV),
  } satisfies Partial<DisasterRecoveryApi>;
}

/** Renders the page at `/disaster-recovery<search>`, signed in as the guest. */
async function mountPage(
  search = '',
  api: ReturnType<typeof mockApi> = mockApi(),
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [disasterRecoveryApiRef, api],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/guest',
            ownershipEntityRefs: [
              'user:default/guest',
              'group:default/platform-team',
            ],
          }),
        ],
      ]}
    >
      <DisasterRecoveryPage />
      <LocationSpy />
    </TestApiProvider>,
    {
      routeEntries: [`/disaster-recovery${search}`],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

/** Renders the page and, in the services view, waits for the table's rows. */
async function renderPage(
  search = '',
  api: ReturnType<typeof mockApi> = mockApi(),
) {
  await mountPage(search, api);
  if (!search.includes('view=cluster-loss')) {
    await screen.findByRole('link', { name: 'orders-db' });
  }
  return api;
}

/** The last query of the services table. */
const lastPageQuery = (api: ReturnType<typeof mockApi>) =>
  api.getOverview.mock.calls.map(([query]) => query).at(-1);

const location = () =>
  new URLSearchParams(
    screen.getByRole('status', { name: 'location' }).textContent!,
  );

async function choose(label: string, option: string) {
  const filters = screen.getByRole('search', { name: 'Filter services' });
  await userEvent.click(
    within(filters).getByRole('button', { name: new RegExp(`^${label} `) }),
  );
  await userEvent.click(
    within(await screen.findByRole('listbox')).getByRole('option', {
      name: option,
    }),
  );
  await userEvent.keyboard('{Escape}');
}

describe('DisasterRecoveryPage', () => {
  it('asks the backend for the filters, sort and page in the URL, and shows its answer', async () => {
    const api = await renderPage(
      '?verdict=breached&tier=tier-1&tier=tier-0&sort=name:desc&page=2&pageSize=50',
    );
    // The page, and the first services that need attention among the matching ones, in one
    // request.
    expect(api.getOverview).toHaveBeenCalledTimes(1);
    expect(api.getOverview).toHaveBeenCalledWith({
      tier: ['tier-1', 'tier-0'],
      owner: [],
      verdict: ['breached'],
      cluster: [],
      strategy: [],
      q: undefined,
      sort: 'name:desc',
      offset: 50,
      limit: 50,
      attention: 5,
    });
    expect(api.getOverviewHistory).toHaveBeenCalledWith({ days: 30 });
    expect(
      screen.getByRole('heading', { name: 'Disaster recovery' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Services' })).toHaveTextContent(
      /^Services20/,
    );
    expect(screen.getByText('Services (20)')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Everything below counts the 20 services that match the filters; the trend counts every service.',
      ),
    ).toBeInTheDocument();
    // The charts: a bar a tier, a bar an owner, a bar a day.
    const card = (title: string) =>
      screen.getByText(title).closest('[class*="MuiCard-root"]') as HTMLElement;
    const bars = (title: string) =>
      card(title).querySelectorAll('.recharts-bar-rectangle path').length;
    // tier-0: compliant and breached, tier-1: three verdicts, tier-2: three, tier-3: two.
    expect(bars('Compliance by tier')).toBe(10);
    // commerce-team: three verdicts, payments-team: two.
    expect(bars('Compliance by owner')).toBe(5);
    // 2026-11-24: compliant; 2026-11-25: compliant and breached.
    expect(bars('Compliance over the last 30 days')).toBe(3);
    // The clusters panel.
    const drUs = screen.getByRole('cell', { name: 'dr-us' }).closest('tr')!;
    expect(drUs).toHaveTextContent('Unreachable');
    expect(drUs).toHaveTextContent('secondary: Unavailable (2 services)');
    expect(
      within(drUs).getByLabelText('Velero: unknown: could not be read'),
    ).toBeInTheDocument();
  });

  it('asks for the clusters and the trend once the services have come', async () => {
    const api = mockApi();
    let answer: (overview: DrOverviewResponse) => void = () => undefined;
    api.getOverview.mockImplementation(
      () => new Promise<DrOverviewResponse>(resolve => (answer = resolve)),
    );
    await mountPage('', api);
    await waitFor(() => expect(api.getOverview).toHaveBeenCalledTimes(1));
    expect(api.getClusters).not.toHaveBeenCalled();
    expect(api.getOverviewHistory).not.toHaveBeenCalled();
    answer({ ...exampleOverview(), attention: attentionAnswer() });
    await screen.findByRole('link', { name: 'orders-db' });
    await waitFor(() => expect(api.getClusters).toHaveBeenCalledTimes(1));
    expect(api.getOverviewHistory).toHaveBeenCalledWith({ days: 30 });
  });

  it('puts a chosen filter and the search in the URL, back on the first page', async () => {
    const api = await renderPage('?page=3');
    await choose('Verdict', 'At risk');
    await waitFor(() =>
      expect(location().getAll('verdict')).toEqual(['at-risk']),
    );
    expect(location().has('page')).toBe(false);
    expect(lastPageQuery(api)).toEqual(
      expect.objectContaining({ verdict: ['at-risk'], offset: 0 }),
    );

    await choose('Owner', 'commerce-team');
    await waitFor(() =>
      expect(location().getAll('owner')).toEqual([
        'group:default/commerce-team',
      ]),
    );

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search' }),
      'orders',
    );
    await waitFor(() => expect(location().get('q')).toBe('orders'));
    expect(lastPageQuery(api)).toEqual(
      expect.objectContaining({
        verdict: ['at-risk'],
        owner: ['group:default/commerce-team'],
        q: 'orders',
      }),
    );
  });

  it('asks once per filter change, from the change itself, and shows that answer', async () => {
    const api = mockApi();
    await renderPage('', api);
    expect(api.getOverview).toHaveBeenCalledTimes(1);
    const answer = {
      ...exampleOverview(),
      items: exampleOverview().items.slice(0, 1),
      totalCount: 1,
      attention: attentionAnswer(),
    };
    // The URL the page showed when the request went out: the old one, from the change itself.
    const askedAt: string[] = [];
    api.getOverview.mockImplementation(async () => {
      // Read as is: the open menu hides the rest of the page from role queries.
      askedAt.push(
        document.querySelector('output[aria-label="location"]')!.textContent!,
      );
      return answer;
    });
    await choose('Tier', 'tier-1');
    await screen.findByText('Services (1)');
    expect(askedAt).toEqual(['']);
    expect(location().getAll('tier')).toEqual(['tier-1']);
    expect(api.getOverview).toHaveBeenCalledTimes(2);
    expect(api.getOverview).toHaveBeenLastCalledWith(
      expect.objectContaining({ tier: ['tier-1'], offset: 0, attention: 5 }),
    );
    // Choosing what is already chosen asks nothing.
    await userEvent.click(
      within(screen.getByRole('search', { name: 'Filter services' })).getByRole(
        'button',
        { name: /^Tier / },
      ),
    );
    await userEvent.keyboard('{Escape}');
    expect(api.getOverview).toHaveBeenCalledTimes(2);
  });

  it('narrows to a verdict from its tile, scrolling to the table, and clears the filters', async () => {
    await renderPage(
      '?verdict=at-risk&owner=group:default/commerce-team&q=orders',
    );
    // A verdict of the tile narrows to that verdict alone.
    await userEvent.click(
      within(screen.getByRole('group', { name: 'By verdict' })).getByRole(
        'link',
        { name: /^Breached\s?4$/ },
      ),
    );
    await waitFor(() =>
      expect(location().getAll('verdict')).toEqual(['breached']),
    );
    expect(scrollIntoView).toHaveBeenCalled();
    expect(scrollIntoView.mock.contexts.at(-1)).toHaveAttribute(
      'id',
      'dr-services',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(location().toString()).toBe(''));
    expect(screen.getByRole('textbox', { name: 'Search' })).toHaveValue('');
  });

  it('shows My services through the signed-in user’s ownership refs', async () => {
    const api = await renderPage('?owner=group:default/commerce-team');
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'My services' }),
    );
    await waitFor(() => expect(location().get('mine')).toBe('1'));
    await waitFor(() =>
      expect(lastPageQuery(api)).toEqual(
        expect.objectContaining({
          owner: ['user:default/guest', 'group:default/platform-team'],
        }),
      ),
    );
  });

  it('exports every service that matches the filters as CSV', async () => {
    const blobs: Blob[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:dr-export';
    });
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function clickDownload(this: HTMLAnchorElement) {
        expect(this.download).toMatch(
          /^disaster-recovery-services-\d{4}-\d\d-\d\d\.csv$/,
        );
        expect(this.href).toBe('blob:dr-export');
      });
    try {
      const api = await renderPage('?verdict=breached&sort=name&page=2');
      await userEvent.click(
        screen.getByRole('button', { name: 'Export CSV (20)' }),
      );
      await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
      expect(api.exportOverviewCsv).toHaveBeenCalledWith({
        tier: [],
        owner: [],
        verdict: ['breached'],
        cluster: [],
        strategy: [],
        q: undefined,
        sort: 'name:asc',
      });
      expect(blobs[0].type).toBe('text/csv');
      expect(await blobs[0].text()).toBe(CSV);
    } finally {
      click.mockRestore();
    }
  });

  it('leads with the services that need attention, their first reason and next step, before the tiles', async () => {
    await renderPage();
    const attention = screen.getByRole('region', {
      name: 'Needs attention (7)',
    });
    const items = within(attention).getAllByRole('listitem');
    expect(items.map(i => within(i).getByRole('link').textContent)).toEqual([
      'ledger-db',
      'search-index',
    ]);
    expect(items[0]).toHaveTextContent(
      'Schedule velero/ledger-daily backs up PVC data-ledger-db-0 only every 1d.',
    );
    expect(items[0]).toHaveTextContent(
      'Next step: Add the PVC to ledger-hourly.',
    );
    expect(items[0]).toHaveTextContent('tier-0 · RPO 2h of 5m');
    expect(
      within(attention).getByRole('link', {
        name: 'Show all 7 breached and at-risk services',
      }),
    ).toHaveAttribute(
      'href',
      '/disaster-recovery?verdict=breached&verdict=at-risk#dr-services',
    );
    // First on the page: before the tiles.
    const tiles = screen.getByRole('group', { name: 'Services' });
    expect(
      attention.compareDocumentPosition(tiles) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('says when the filters match no service, never that every service meets its targets', async () => {
    const api = mockApi();
    const none = {
      ...exampleOverview(),
      items: [],
      totalCount: 0,
      counts: { verdict: {}, tier: {} },
      criticalRecoveryPoints: undefined,
      attention: { items: [], totalCount: 0 },
    };
    api.getOverview.mockImplementation(async () => none);
    await mountPage('?q=nothing-like-this', api);
    const attention = await screen.findByRole('region', {
      name: 'Needs attention',
    });
    expect(attention).toHaveTextContent('No service matches the filters.');
    expect(
      screen.getByRole('group', { name: 'Breached now' }),
    ).toHaveTextContent('No service matches the filters.');
    expect(
      screen.queryByText(/Every judged service meets/),
    ).not.toBeInTheDocument();
  });

  it('says how many services could not be judged when none is breached or at risk', async () => {
    const api = mockApi();
    api.getOverview.mockImplementation(async () => ({
      ...exampleOverview(),
      counts: {
        ...exampleOverview().counts,
        verdict: { compliant: 16, unknown: 4 },
      },
      attention: { items: [], totalCount: 0 },
    }));
    await renderPage('', api);
    const attention = screen.getByRole('region', { name: 'Needs attention' });
    expect(attention).toHaveTextContent(
      'None breached or at risk among the services judged, but 4 services could not be judged',
    );
    expect(attention).not.toHaveTextContent(
      'No service is breached or at risk',
    );
    await userEvent.click(
      within(attention).getByRole('link', {
        name: 'Show the services not judged',
      }),
    );
    await waitFor(() =>
      expect(location().getAll('verdict')).toEqual(['unknown']),
    );
  });

  it('shows what a cluster’s loss would cost in its own view, with its URL and CSV', async () => {
    const blobs: Blob[] = [];
    Object.assign(URL, {
      createObjectURL: jest.fn((blob: Blob) => {
        blobs.push(blob);
        return 'blob:dr-export';
      }),
      revokeObjectURL: jest.fn(),
    });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => undefined);
    try {
      const api = await renderPage();
      await userEvent.click(
        screen.getByRole('tab', { name: 'If a cluster failed now' }),
      );
      await waitFor(() => expect(location().get('view')).toBe('cluster-loss'));
      expect(
        screen.getByText('Choose a cluster to see what its loss would cost.'),
      ).toBeInTheDocument();

      await userEvent.click(screen.getByRole('button', { name: /^Cluster/ }));
      await userEvent.click(
        within(await screen.findByRole('listbox')).getByRole('option', {
          name: 'prod-eu',
        }),
      );
      await waitFor(() => expect(location().get('lost')).toBe('prod-eu'));
      expect(api.getClusterLoss).toHaveBeenCalledWith('prod-eu');
      expect(
        await screen.findByTestId('cluster-loss-summary'),
      ).toHaveTextContent(
        '2 services, 1 tier-0: 1 would lose more than their RPO, 1 has never been restored.',
      );
      const table = screen.getByRole('table', {
        name: 'Services on prod-eu, by owner, worst exposure first',
      });
      expect(within(table).getByText('payments-team (1)').tagName).toBe('TH');
      const row = within(table).getByRole('row', { name: /ledger-db/ });
      expect(row).toHaveTextContent('2h');
      expect(row).toHaveTextContent('worst PVC payments/data-ledger-db-0');
      expect(row).toHaveTextContent('Backup ledger-daily-1, seen on dr-us');
      expect(row).toHaveTextContent('never');
      expect(row).toHaveTextContent('Doubtful');

      await userEvent.click(
        screen.getByRole('button', { name: 'Export CSV (2)' }),
      );
      await waitFor(() =>
        expect(api.exportClusterLossCsv).toHaveBeenCalledWith('prod-eu'),
      );
      expect(api.exportOverviewCsv).not.toHaveBeenCalled();
      await waitFor(() => expect(click).toHaveBeenCalled());
      expect(await blobs[0].text()).toBe(CSV);
    } finally {
      click.mockRestore();
    }
  });

  it('opens the cluster-loss view of a shared link', async () => {
    const api = await renderPage('?view=cluster-loss&lost=dr-us');
    expect(
      await screen.findByTestId('cluster-loss-summary'),
    ).toBeInTheDocument();
    expect(api.getClusterLoss).toHaveBeenCalledWith('dr-us');
    expect(
      screen.getByRole('tab', { name: 'If a cluster failed now' }),
    ).toHaveAttribute('aria-selected', 'true');
  });
});
