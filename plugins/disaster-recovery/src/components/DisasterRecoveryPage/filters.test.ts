import {
  applyChange,
  DEFAULT_FILTERS,
  filtersToQuery,
  filtersToSearch,
  hasFilters,
  parseFilters,
} from './filters';

describe('overview filters in the URL', () => {
  it('reads repeated filters, the search, My services, sort and a 1-based page', () => {
    const filters = parseFilters(
      new URLSearchParams(
        'verdict=breached&verdict=at-risk&tier=tier-1&owner=group:default/a&cluster=dr-us&clusterRole=recovery&strategy=pilot-light&q=orders&mine=1&sort=achievedRpo:desc&page=3&pageSize=50',
      ),
    );
    expect(filters).toEqual({
      verdict: ['breached', 'at-risk'],
      tier: ['tier-1'],
      owner: ['group:default/a'],
      cluster: ['dr-us'],
      clusterRole: 'recovery',
      strategy: ['pilot-light'],
      q: 'orders',
      mine: true,
      sort: { field: 'achievedRpo', direction: 'desc' },
      page: 2,
      pageSize: 50,
    });
  });

  it('ignores what a stale or hand-edited link gets wrong', () => {
    expect(
      parseFilters(
        new URLSearchParams(
          'verdict=green&clusterRole=standby&strategy=hot-standby&sort=colour:up&page=-1&pageSize=7&tier=&tier=tier-0&tier=tier-0',
        ),
      ),
    ).toEqual({ ...DEFAULT_FILTERS, tier: ['tier-0'] });
  });

  it('writes only what differs from the defaults, and reads it back the same', () => {
    expect(filtersToSearch(DEFAULT_FILTERS).toString()).toBe('');
    const filters = {
      ...DEFAULT_FILTERS,
      verdict: ['breached' as const],
      owner: ['group:default/a', 'user:default/b'],
      q: 'db',
      sort: { field: 'name' as const, direction: 'asc' as const },
      page: 1,
    };
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe(
      'owner=group%3Adefault%2Fa&owner=user%3Adefault%2Fb&verdict=breached&q=db&sort=name%3Aasc&page=2',
    );
    expect(parseFilters(search)).toEqual(filters);
  });

  it('asks for a cluster role only with a cluster, and keeps it in the URL', () => {
    const filters = {
      ...DEFAULT_FILTERS,
      cluster: ['prod-eu'],
      clusterRole: 'primary' as const,
    };
    expect(filtersToQuery(filters).clusterRole).toBe('primary');
    expect(filtersToQuery({ ...filters, cluster: [] }).clusterRole).toBe(
      undefined,
    );
    expect(filtersToSearch(filters).toString()).toBe(
      'cluster=prod-eu&clusterRole=primary',
    );
  });

  it('says whether anything narrows the services', () => {
    expect(hasFilters(DEFAULT_FILTERS)).toBe(false);
    expect(hasFilters({ ...DEFAULT_FILTERS, page: 4 })).toBe(false);
    expect(hasFilters({ ...DEFAULT_FILTERS, q: '  ' })).toBe(false);
    expect(hasFilters({ ...DEFAULT_FILTERS, mine: true })).toBe(true);
  });

  it('asks the backend for the owner filter, or the user’s ownership refs for My services', () => {
    const filters = {
      ...DEFAULT_FILTERS,
      owner: ['group:default/a'],
      q: ' db ',
    };
    expect(filtersToQuery(filters)).toEqual({
      tier: [],
      owner: ['group:default/a'],
      verdict: [],
      cluster: [],
      strategy: [],
      q: 'db',
      sort: 'tier:asc',
    });
    expect(
      filtersToQuery({ ...filters, mine: true }, [
        'user:default/guest',
        'group:default/platform-team',
      ]).owner,
    ).toEqual(['user:default/guest', 'group:default/platform-team']);
  });

  it('goes back to the first page on a filter change, not on a page, size or sort change', () => {
    const onPage3 = { ...DEFAULT_FILTERS, page: 3, tier: ['tier-1'] };
    expect(applyChange(onPage3, { verdict: ['breached'] })).toEqual({
      ...onPage3,
      verdict: ['breached'],
      page: 0,
    });
    expect(applyChange(onPage3, { page: 4 })).toEqual({ ...onPage3, page: 4 });
    expect(
      applyChange(onPage3, { sort: { field: 'name', direction: 'desc' } }),
    ).toEqual({ ...onPage3, sort: { field: 'name', direction: 'desc' } });
    expect(applyChange(onPage3, { pageSize: 50, page: 0 })).toEqual({
      ...onPage3,
      pageSize: 50,
      page: 0,
    });
  });
});
