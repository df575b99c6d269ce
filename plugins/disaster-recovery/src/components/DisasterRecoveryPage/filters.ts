import {
  DR_STRATEGIES,
  DR_VERDICTS,
  DrStrategy,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DisasterRecoveryOverviewQuery } from '../../api';

/** The overview's fields the services table can sort by, as the backend names them. */
export const SORT_FIELDS = [
  'name',
  'owner',
  'system',
  'tier',
  'strategy',
  'verdict',
  'achievedRpo',
  'measuredRto',
  'lastDrill',
] as const;

/** One of {@link SORT_FIELDS}. */
export type SortField = (typeof SORT_FIELDS)[number];

/** The roles a cluster can have for a service (see {@link OverviewFilters.clusterRole}). */
export const CLUSTER_ROLES = ['primary', 'recovery'] as const;

/** One of {@link CLUSTER_ROLES}. */
export type ClusterRole = (typeof CLUSTER_ROLES)[number];

/** Rows a page of the services table can show. */
export const PAGE_SIZES = [25, 50, 100] as const;

/**
 * What the overview page shows: its filters, sort and page. Kept in the URL's query string
 * (see {@link parseFilters} and {@link filtersToSearch}) so that a filtered view can be shared.
 */
export interface OverviewFilters {
  tier: string[];
  /** Owner entity refs, e.g. `group:default/payments-team`. */
  owner: string[];
  verdict: DrVerdict[];
  cluster: string[];
  /**
   * The role the `cluster` filter matches: `primary` (where services run now) or `recovery`
   * (where they would go); undefined for any role.
   */
  clusterRole?: ClusterRole;
  strategy: DrStrategy[];
  /** Text searched in the services' names and titles. */
  q: string;
  /** Only services owned by the signed-in user or one of their groups (replaces `owner`). */
  mine: boolean;
  sort: { field: SortField; direction: 'asc' | 'desc' };
  /** 0-based page of the services table. */
  page: number;
  pageSize: number;
}

/** Everything shown, most critical tier first, 25 rows a page. */
export const DEFAULT_FILTERS: OverviewFilters = {
  tier: [],
  owner: [],
  verdict: [],
  cluster: [],
  strategy: [],
  q: '',
  mine: false,
  sort: { field: 'tier', direction: 'asc' },
  page: 0,
  pageSize: PAGE_SIZES[0],
};

const isVerdict = (v: string): v is DrVerdict =>
  (DR_VERDICTS as readonly string[]).includes(v);
const isStrategy = (v: string): v is DrStrategy =>
  (DR_STRATEGIES as readonly string[]).includes(v);
const isSortField = (v: string): v is SortField =>
  (SORT_FIELDS as readonly string[]).includes(v);
const isClusterRole = (v: string | null): v is ClusterRole =>
  (CLUSTER_ROLES as readonly (string | null)[]).includes(v);

function unique(values: string[]): string[] {
  return [...new Set(values.filter(v => v !== ''))];
}

/**
 * The filters in a URL query string such as
 * `?verdict=breached&verdict=at-risk&tier=tier-1&q=orders&mine=1&sort=achievedRpo:desc&page=2&pageSize=50`.
 * `page` is 1-based in the URL. Unknown verdicts, strategies, sort fields and page sizes are
 * ignored (a stale or hand-edited link still opens).
 */
export function parseFilters(search: URLSearchParams): OverviewFilters {
  const [field, direction] = (search.get('sort') ?? '').split(':');
  const page = Number(search.get('page'));
  const pageSize = Number(search.get('pageSize'));
  return {
    tier: unique(search.getAll('tier')),
    owner: unique(search.getAll('owner')),
    verdict: unique(search.getAll('verdict')).filter(isVerdict),
    cluster: unique(search.getAll('cluster')),
    clusterRole: isClusterRole(search.get('clusterRole'))
      ? (search.get('clusterRole') as ClusterRole)
      : undefined,
    strategy: unique(search.getAll('strategy')).filter(isStrategy),
    q: search.get('q') ?? '',
    mine: search.get('mine') === '1' || search.get('mine') === 'true',
    sort: isSortField(field)
      ? { field, direction: direction === 'desc' ? 'desc' : 'asc' }
      : DEFAULT_FILTERS.sort,
    page: Number.isInteger(page) && page >= 1 ? page - 1 : 0,
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize)
      ? pageSize
      : DEFAULT_FILTERS.pageSize,
  };
}

/** The URL query string of the filters; values equal to the defaults are left out. */
export function filtersToSearch(filters: OverviewFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const key of [
    'tier',
    'owner',
    'verdict',
    'cluster',
    'strategy',
  ] as const) {
    for (const value of filters[key]) {
      search.append(key, value);
    }
  }
  if (filters.clusterRole) search.set('clusterRole', filters.clusterRole);
  if (filters.q.trim()) search.set('q', filters.q);
  if (filters.mine) search.set('mine', '1');
  const { field, direction } = filters.sort;
  if (
    field !== DEFAULT_FILTERS.sort.field ||
    direction !== DEFAULT_FILTERS.sort.direction
  ) {
    search.set('sort', `${field}:${direction}`);
  }
  if (filters.page > 0) search.set('page', String(filters.page + 1));
  if (filters.pageSize !== DEFAULT_FILTERS.pageSize) {
    search.set('pageSize', String(filters.pageSize));
  }
  return search;
}

/**
 * The filters after a change: a change of a filter (anything but the page, page size or sort)
 * goes back to the first page.
 */
export function applyChange(
  filters: OverviewFilters,
  change: Partial<OverviewFilters>,
): OverviewFilters {
  const pagingOnly = Object.keys(change).every(
    k => k === 'page' || k === 'pageSize' || k === 'sort',
  );
  return { ...filters, ...(pagingOnly ? {} : { page: 0 }), ...change };
}

/** Whether any filter narrows the services (sort and page aside). */
export function hasFilters(filters: OverviewFilters): boolean {
  return (
    filters.tier.length > 0 ||
    filters.owner.length > 0 ||
    filters.verdict.length > 0 ||
    filters.cluster.length > 0 ||
    filters.strategy.length > 0 ||
    filters.q.trim() !== '' ||
    filters.mine
  );
}

/**
 * The backend query of the filters, without paging.
 *
 * @param ownershipRefs - the signed-in user's ownership entity refs (the user and their groups),
 *   used as the owner filter when `mine` is on
 */
export function filtersToQuery(
  filters: OverviewFilters,
  ownershipRefs: string[] = [],
): DisasterRecoveryOverviewQuery {
  return {
    tier: filters.tier,
    owner: filters.mine ? ownershipRefs : filters.owner,
    verdict: filters.verdict,
    cluster: filters.cluster,
    clusterRole: filters.cluster.length > 0 ? filters.clusterRole : undefined,
    strategy: filters.strategy,
    q: filters.q.trim() || undefined,
    sort: `${filters.sort.field}:${filters.sort.direction}`,
  };
}
