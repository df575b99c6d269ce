import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { exampleOverview } from '../../__fixtures__/overview';
import { DEFAULT_FILTERS } from './filters';
import { ServicesTable } from './ServicesTable';

// The table renders many cells: give it time on a busy machine.
jest.setTimeout(30_000);

async function renderTable(
  onChange = jest.fn(),
  filters = DEFAULT_FILTERS,
  totalCount = 20,
) {
  const overview = exampleOverview();
  await renderInTestApp(
    <ServicesTable
      title="Services (20)"
      items={overview.items}
      totalCount={totalCount}
      filters={filters}
      onChange={onChange}
    />,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return onChange;
}

const cellsOf = (name: string) =>
  within(screen.getByRole('link', { name }).closest('tr')!)
    .getAllByRole('cell')
    .map(c => c.textContent);

describe('ServicesTable', () => {
  it('shows each service with its targets against what was achieved, the first reason and a link to its DR tab', async () => {
    await renderTable();
    expect(cellsOf('orders-db')).toEqual([
      'orders-db',
      'commerce-team',
      'payments',
      'tier-1',
      'warm-standby',
      '3h / 1h',
      '30m / 4h',
      '3 days ago',
      'BreachedAchieved RPO 3h is above the RPO target 1h.',
      'prod-eudr-us',
    ]);
    expect(screen.getByRole('link', { name: 'orders-db' })).toHaveAttribute(
      'href',
      '/catalog/default/component/orders-db/disaster-recovery',
    );
    expect(screen.getByText('3h')).toHaveAttribute(
      'class',
      expect.stringContaining('over'),
    );
    expect(cellsOf('search-index').slice(5, 9)).toEqual([
      '10m / 1h',
      'not measured / 4h',
      'never',
      'At riskNever drilled.',
    ]);
    expect(cellsOf('feature-flags').slice(3, 10)).toEqual([
      '—',
      '—',
      '—',
      '—',
      'never',
      'Not declared',
      '—',
    ]);
  });

  it('asks for another sort and page instead of sorting or paging itself', async () => {
    const onChange = await renderTable(
      jest.fn(),
      { ...DEFAULT_FILTERS, pageSize: 25 },
      60,
    );
    // The backend's order is kept.
    const names = screen.getAllByRole('link').map(link => link.textContent);
    expect(names).toEqual([
      'orders-db',
      'payments-api',
      'search-index',
      'feature-flags',
    ]);
    await userEvent.click(
      screen.getByRole('button', { name: 'RPO achieved / target' }),
    );
    expect(onChange).toHaveBeenLastCalledWith({
      sort: { field: 'achievedRpo', direction: 'asc' },
      page: 0,
    });
    // The current sort's header says so, and a click turns its direction.
    expect(screen.getByRole('columnheader', { name: /^Tier/ })).toHaveAttribute(
      'aria-sort',
      'ascending',
    );
    await userEvent.click(screen.getByRole('button', { name: /^Tier/ }));
    expect(onChange).toHaveBeenLastCalledWith({
      sort: { field: 'tier', direction: 'desc' },
      page: 0,
    });
    // The clusters are not a sort field of the backend.
    expect(
      within(
        screen.getByRole('columnheader', { name: 'Clusters' }),
      ).queryByRole('button'),
    ).toBeNull();
    expect(screen.getByText('1-25 of 60')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(onChange).toHaveBeenLastCalledWith({ page: 1 });
  });

  it('sorts from the keyboard', async () => {
    const onChange = await renderTable();
    const header = screen.getByRole('button', { name: 'Last drill' });
    header.focus();
    await userEvent.keyboard('{Enter}');
    expect(onChange).toHaveBeenLastCalledWith({
      sort: { field: 'lastDrill', direction: 'asc' },
      page: 0,
    });
  });

  it('asks for another page size and goes back to the first page', async () => {
    const onChange = await renderTable(
      jest.fn(),
      { ...DEFAULT_FILTERS, page: 2 },
      200,
    );
    await userEvent.click(
      screen.getByRole('button', { name: /Rows per page/ }),
    );
    await userEvent.click(screen.getByRole('option', { name: '50' }));
    expect(onChange).toHaveBeenLastCalledWith({ pageSize: 50, page: 0 });
  });

  it('is named by its title', async () => {
    await renderTable();
    expect(
      screen.getByRole('table', { name: 'Services (20)' }),
    ).toBeInTheDocument();
  });

  it('takes new rows, and says when there is none', async () => {
    const overview = exampleOverview();
    const table = (items: typeof overview.items) => (
      <ServicesTable
        title={`Services (${items.length})`}
        items={items}
        totalCount={items.length}
        filters={DEFAULT_FILTERS}
        onChange={jest.fn()}
        emptyContent={<div>No service matches the filters.</div>}
      />
    );
    const { rerender } = await renderInTestApp(table(overview.items), {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    rerender(table(overview.items.slice(1)));
    expect(screen.getAllByRole('link').map(link => link.textContent)).toEqual(
      overview.items.slice(1).map(i => i.name),
    );
    rerender(table([]));
    expect(
      await screen.findByText('No service matches the filters.'),
    ).toBeInTheDocument();
    expect(screen.queryAllByRole('link')).toEqual([]);
  });
});
