import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { OverviewFilters, filtersToSearch, parseFilters } from './filters';

/**
 * The overview's filters, read from and written to the URL's query string, so that a filtered
 * view can be bookmarked and shared. A change of a filter goes back to the first page.
 */
export function useOverviewFilters(): {
  filters: OverviewFilters;
  /**
   * Applies a change and returns the filters it leads to. Filter changes add a browser history
   * entry; `replace` (used while typing a search) replaces the current one.
   */
  update: (
    change: Partial<OverviewFilters>,
    options?: { replace?: boolean },
  ) => OverviewFilters;
} {
  const [search, setSearch] = useSearchParams();
  const key = search.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const filters = useMemo(() => parseFilters(search), [key]);
  const update = useCallback(
    (change: Partial<OverviewFilters>, options?: { replace?: boolean }) => {
      const pagingOnly = Object.keys(change).every(
        k => k === 'page' || k === 'pageSize' || k === 'sort',
      );
      const next = {
        ...filters,
        ...(pagingOnly ? {} : { page: 0 }),
        ...change,
      };
      setSearch(filtersToSearch(next), { replace: options?.replace });
      return next;
    },
    [filters, setSearch],
  );
  return { filters, update };
}
