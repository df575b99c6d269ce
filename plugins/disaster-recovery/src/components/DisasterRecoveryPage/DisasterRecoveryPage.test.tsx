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
import { exampleClusters, exampleOverview } from '../../__fixtures__/overview';
import { DisasterRecoveryApi, disasterRecoveryApiRef } from '../../api';
import { DisasterRecoveryPage } from './DisasterRecoveryPage';
import { giveElementsASize } from '../../__fixtures__/chartLayout';

configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30_000);

giveElementsASize(600, 260);

function LocationSpy() {
  const location = useLocation();
  return <output aria-label="location">{location.search}</output>;
}

const CSV =
  'entity_ref,name,verdict\r\ncomponent:default/orders-db,orders-db,breached\r\n';

function mockApi() {
  return {
    getOverview: jest.fn(async () => exampleOverview()),
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

async function renderPage(search = '') {
  const api = mockApi();
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
  await screen.findByRole('link', { name: 'orders-db' });
  return api;
}

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
        'Tiles and charts count the 20 services that match the filters; the trend counts every service.',
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

  it('puts a chosen filter and the search in the URL, back on the first page', async () => {
    const api = await renderPage('?page=3');
    await choose('Verdict', 'At risk');
    await waitFor(() =>
      expect(location().getAll('verdict')).toEqual(['at-risk']),
    );
    expect(location().has('page')).toBe(false);
    expect(api.getOverview).toHaveBeenLastCalledWith(
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
    expect(api.getOverview).toHaveBeenLastCalledWith(
      expect.objectContaining({
        verdict: ['at-risk'],
        owner: ['group:default/commerce-team'],
        q: 'orders',
      }),
    );

    // A verdict tile narrows to that verdict alone.
    await userEvent.click(screen.getByRole('button', { name: 'Breached: 4' }));
    await waitFor(() =>
      expect(location().getAll('verdict')).toEqual(['breached']),
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
      expect(api.getOverview).toHaveBeenLastCalledWith(
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
});
