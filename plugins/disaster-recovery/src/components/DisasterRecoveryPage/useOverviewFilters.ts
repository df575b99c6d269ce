import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  OverviewFilters,
  applyChange,
  filtersToSearch,
  parseFilters,
} from './filters';

/**
 * The overview's filters, read from and written to the URL's query string, so that a filtered
 * view can be bookmarked and shared. A change of a filter goes back to the first page.
 */
export function useOverviewFilters(): {
  filters: OverviewFilters;
  /**
   * Applies a change (see `applyChange`). Filter changes add a browser history entry; `replace`
   * (used while typing a search) replaces the current one.
   */
  update: (
    change: Partial<OverviewFilters>,
    options?: { replace?: boolean },
  ) => void;
} {
  const [search, setSearch] = useSearchParams();
  const key = search.toString();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const filters = useMemo(() => parseFilters(search), [key]);
  const update = useCallback(
    (change: Partial<OverviewFilters>, options?: { replace?: boolean }) => {
      const next = applyChange(filters, change);
      setSearch(filtersToSearch(next), { replace: options?.replace });
    },
    [filters, setSearch],
  );
  return { filters, update };
}
