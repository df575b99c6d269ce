import {
  Content,
  Header,
  HeaderLabel,
  HeaderTabs,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  alertApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import {
  DrOverviewResponse,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { disasterRecoveryApiRef } from '../../api';
import { formatRelativeTime } from '../format';
import { AttentionList } from './AttentionList';
import { ClusterLossView } from './ClusterLossView';
import { ClustersPanel } from './ClustersPanel';
import {
  ComplianceByOwnerChart,
  ComplianceByTierChart,
  ComplianceTrendChart,
} from './ComplianceCharts';
import { downloadText } from './download';
import { FilterBar } from './FilterBar';
import {
  OverviewFilters,
  applyChange,
  filtersToQuery,
  filtersToSearch,
  hasFilters,
} from './filters';
import { ServicesTable } from './ServicesTable';
import { CLUSTERS_ANCHOR, SERVICES_ANCHOR, SummaryTiles } from './SummaryTiles';
import { useLatest } from './useLatest';
import { useOverviewFilters } from './useOverviewFilters';

const TREND_DAYS = 30;

/** How many of the services that need attention the first screen lists. */
const ATTENTION_SHOWN = 5;

/** The verdicts that need attention, worst first. */
const ATTENTION_VERDICTS: DrVerdict[] = ['breached', 'at-risk'];

/** The URL query parameters of the "If this cluster failed now" view. */
export const VIEW_PARAM = 'view';
/** The value of {@link VIEW_PARAM} for the cluster-loss view. */
export const CLUSTER_LOSS_VIEW = 'cluster-loss';
/** The cluster that fails in the cluster-loss view. */
export const LOST_CLUSTER_PARAM = 'lost';

const TABS = [
  { id: 'services', label: 'Services' },
  { id: CLUSTER_LOSS_VIEW, label: 'If a cluster failed now' },
];

/** Scrolls to the element named by the URL's hash after a link to it (e.g. a tile's). */
function useScrollToHash(ready: boolean) {
  const location = useLocation();
  useEffect(() => {
    if (!ready || !location.hash) return;
    document
      .getElementById(decodeURIComponent(location.hash.slice(1)))
      ?.scrollIntoView({ block: 'start' });
  }, [ready, location.key, location.hash]);
}

/** The services view: what needs attention first, then the tiles, charts, table and clusters. */
function ServicesView(props: {
  /** Told the newest refresh's time once the overview is read. */
  onUpdatedAt: (updatedAt: string | undefined) => void;
}) {
  const { onUpdatedAt } = props;
  const api = useApi(disasterRecoveryApiRef);
  const identityApi = useApi(identityApiRef);
  const alertApi = useApi(alertApiRef);
  const { filters, update } = useOverviewFilters();

  // The signed-in user's ownership refs (the user and their groups), for "My services".
  const ownership = useAsync(async () => {
    if (!filters.mine) return undefined;
    return (await identityApi.getBackstageIdentity()).ownershipEntityRefs;
  }, [filters.mine, identityApi]);

  const query = filtersToQuery(filters, ownership.value);
  const queryKey = JSON.stringify(query);
  const waitingForIdentity = filters.mine && !ownership.value;
  // One request for the page of services and the ones that need attention: a filter change
  // waits for one answer, and the backend filters the services once.
  const pageQuery = (f: OverviewFilters, ownershipRefs?: string[]) => ({
    ...filtersToQuery(f, ownershipRefs),
    offset: f.page * f.pageSize,
    limit: f.pageSize,
    attention: ATTENTION_SHOWN,
  });
  // A change asks for its page at once, and the URL follows in the next task: the request goes
  // out before the page renders the new URL (a render of the whole app), not after it. The load
  // below takes that request instead of starting another.
  const started = useRef<{
    key: string;
    answer: Promise<DrOverviewResponse>;
  }>();
  const ownershipRef = useRef(ownership.value);
  ownershipRef.current = ownership.value;
  const onChange = useCallback(
    (change: Partial<OverviewFilters>, options?: { replace?: boolean }) => {
      const next = applyChange(filters, change);
      const nextQuery = pageQuery(next, ownershipRef.current);
      const key = JSON.stringify(nextQuery);
      // Only a change of the page's query loads (and takes the request).
      if (
        !(next.mine && !ownershipRef.current) &&
        key !== JSON.stringify(pageQuery(filters, ownershipRef.current))
      ) {
        const answer = api.getOverview(nextQuery);
        answer.catch(() => undefined); // reported by the load that takes it
        started.current = { key, answer };
        setTimeout(() => update(change, options));
      } else {
        update(change, options);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, update, filters],
  );
  const overview = useLatest(async () => {
    if (waitingForIdentity) return undefined;
    const current = pageQuery(filters, ownership.value);
    const key = JSON.stringify(current);
    const early = started.current;
    started.current = undefined;
    return early?.key === key ? early.answer : api.getOverview(current);
  }, [api, queryKey, filters.page, filters.pageSize, waitingForIdentity]);
  // The breached and at-risk services among the matching ones (the verdict filter applies).
  const attentionVerdicts = filters.verdict.length
    ? ATTENTION_VERDICTS.filter(v => filters.verdict.includes(v))
    : ATTENTION_VERDICTS;
  // The clusters and the trend (the trend reads the history table) are asked for once the
  // overview has answered, so that the backend's work for them does not delay the services.
  const overviewAnswered = Boolean(overview.value || overview.error);
  const clusters = useLatest(
    async () => (overviewAnswered ? api.getClusters() : undefined),
    [api, overviewAnswered],
  );
  const trend = useLatest(
    async () =>
      overviewAnswered
        ? api.getOverviewHistory({ days: TREND_DAYS })
        : undefined,
    [api, overviewAnswered],
  );

  const [exporting, setExporting] = useState(false);
  const exportCsv = useCallback(async () => {
    setExporting(true);
    try {
      const csv = await api.exportOverviewCsv(query);
      const date = new Date().toISOString().slice(0, 10);
      downloadText(csv, `disaster-recovery-services-${date}.csv`, 'text/csv');
    } catch (error) {
      alertApi.post({
        message: `Could not export the services: ${error}`,
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, alertApi, queryKey]);

  // Links to the services table with the filters changed; stable while the filters are.
  const filtersKey = filtersToSearch(filters).toString();
  const linkTo = useCallback(
    (change: Partial<OverviewFilters>) =>
      `?${filtersToSearch({
        ...filters,
        page: 0,
        ...change,
      })}#${SERVICES_ANCHOR}`,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [filtersKey],
  );

  const data = overview.value;
  // The facets (every tier, owner, cluster and strategy) rarely change between answers: the same
  // object while they are the same, so that the filter bar's selects do not render again.
  const facetsKey = JSON.stringify(data?.facets ?? null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const facets = useMemo(() => data?.facets, [facetsKey]);
  const totalCount = data?.totalCount ?? 0;
  const exportButton = useMemo(
    () => (
      <Button
        variant="outlined"
        color="primary"
        startIcon={<GetAppIcon />}
        disabled={exporting || totalCount === 0}
        onClick={exportCsv}
      >
        {exporting ? 'Exporting…' : `Export CSV (${totalCount})`}
      </Button>
    ),
    [exporting, totalCount, exportCsv],
  );
  const error = overview.error ?? ownership.error;
  const filtered = hasFilters(filters);
  useScrollToHash(Boolean(data));
  useEffect(() => onUpdatedAt(data?.updatedAt), [data?.updatedAt, onUpdatedAt]);

  if (error && !data) return <ResponseErrorPanel error={error} />;
  if (!data) return <Progress />;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <FilterBar
          filters={filters}
          facets={facets}
          onChange={onChange}
          actions={exportButton}
        />
        {error && <ResponseErrorPanel error={error} />}
        <Box height={4}>{overview.loading && <LinearProgress />}</Box>
        {filtered && (
          <Typography variant="body2" color="textSecondary" gutterBottom>
            {data.totalCount === 0
              ? 'No service matches the filters.'
              : `Everything below counts the ${data.totalCount} services that match the filters; the trend counts every service.`}
          </Typography>
        )}
        {data.attention && (
          <AttentionList
            items={data.attention.items}
            totalCount={data.attention.totalCount}
            matchingCount={data.totalCount}
            unknownCount={data.counts.verdict.unknown ?? 0}
            filtered={filtered}
            allHref={linkTo({ verdict: attentionVerdicts })}
            unknownHref={linkTo({ verdict: ['unknown'] })}
          />
        )}
      </Grid>
      <Grid item xs={12}>
        <SummaryTiles
          overview={data}
          clusters={clusters.value?.items}
          selectedVerdicts={filters.verdict}
          linkTo={linkTo}
          filtered={filtered}
        />
      </Grid>
      <Grid item xs={12} md={6} lg={4}>
        <ComplianceByTierChart overview={data} />
      </Grid>
      <Grid item xs={12} md={6} lg={4}>
        <ComplianceByOwnerChart overview={data} />
      </Grid>
      <Grid item xs={12} lg={4}>
        <ComplianceTrendChart days={trend.value?.days} error={trend.error} />
      </Grid>
      <Grid item xs={12} id={SERVICES_ANCHOR}>
        <ServicesTable
          title={`Services (${data.totalCount})`}
          items={data.items}
          totalCount={data.totalCount}
          filters={filters}
          onChange={onChange}
          emptyContent={
            <Box p={2}>
              <Typography color="textSecondary">
                {filtered
                  ? 'No service matches the filters.'
                  : 'No service judged yet: the first refresh has not run.'}
              </Typography>
            </Box>
          }
        />
      </Grid>
      <Grid item xs={12} id={CLUSTERS_ANCHOR}>
        <ClustersPanel
          clusters={clusters.value?.items}
          loading={clusters.loading}
          error={clusters.error}
        />
      </Grid>
    </Grid>
  );
}

/** The cluster-loss view with the clusters to choose from. */
function ClusterLossTab(props: {
  cluster?: string;
  onCluster: (cluster: string) => void;
}) {
  const api = useApi(disasterRecoveryApiRef);
  const clusters = useLatest(() => api.getClusters(), [api]);
  const names = useMemo(
    () => (clusters.value?.items ?? []).map(c => c.cluster).sort(),
    [clusters.value],
  );
  return (
    <ClusterLossView
      clusters={names}
      cluster={props.cluster}
      onCluster={props.onCluster}
    />
  );
}

/**
 * The platform overview of disaster recovery, in two views with their own URLs:
 *
 * - Services (`/disaster-recovery?<filters>`): for every service the signed-in user may read,
 *   the ones that need attention first (breached, then at risk, the most critical tier and the
 *   worst exposure first, with the first reason and next step), then the summary tiles (each a
 *   link to the table filtered to what it counts), compliance by tier and by owner, the 30-day
 *   trend, the services table (filtered, sorted and paged by the backend, filters in the URL,
 *   CSV export of every matching service) and the clusters' health.
 * - If a cluster failed now (`/disaster-recovery?view=cluster-loss&lost=<cluster>`): the
 *   services that run on the chosen cluster, what they would lose and whether they can come
 *   back, with its own CSV export.
 */
export function DisasterRecoveryPage() {
  // The page renders once: Backstage's Page gives its children a new theme object on every
  // render (its ThemeProvider takes a function), which would restyle and render everything below
  // it again. What follows the URL (every filter change) is inside.
  return (
    <Page themeId="tool">
      <DisasterRecoveryPageContent />
    </Page>
  );
}

/** The header, tabs and the chosen view, following the URL. */
function DisasterRecoveryPageContent() {
  const api = useApi(disasterRecoveryApiRef);
  const [search, setSearch] = useSearchParams();
  const view =
    search.get(VIEW_PARAM) === CLUSTER_LOSS_VIEW
      ? CLUSTER_LOSS_VIEW
      : 'services';
  const lost = search.get(LOST_CLUSTER_PARAM) ?? undefined;
  // The newest refresh: from the services view's overview, or read once for the other view.
  const [updatedAt, setUpdatedAt] = useState<string>();
  const needsUpdatedAt = view === CLUSTER_LOSS_VIEW && !updatedAt;
  useEffect(() => {
    if (!needsUpdatedAt) return;
    api.getOverview({ limit: 1 }).then(
      o => setUpdatedAt(o.updatedAt),
      () => undefined,
    );
  }, [api, needsUpdatedAt]);

  const onTab = useCallback(
    (index: number) => {
      if (TABS[index].id === CLUSTER_LOSS_VIEW) {
        const next = new URLSearchParams({ [VIEW_PARAM]: CLUSTER_LOSS_VIEW });
        if (lost) next.set(LOST_CLUSTER_PARAM, lost);
        setSearch(next);
      } else {
        setSearch(new URLSearchParams());
      }
    },
    [lost, setSearch],
  );
  const onCluster = useCallback(
    (cluster: string) =>
      setSearch(
        new URLSearchParams({
          [VIEW_PARAM]: CLUSTER_LOSS_VIEW,
          [LOST_CLUSTER_PARAM]: cluster,
        }),
      ),
    [setSearch],
  );

  // The tabs render again only when the view changes: they measure themselves (a layout of the
  // whole page) on every render, and every filter change is a new URL.
  const onTabRef = useRef(onTab);
  onTabRef.current = onTab;
  const tabs = useMemo(
    () => (
      <HeaderTabs
        tabs={TABS}
        selectedIndex={TABS.findIndex(t => t.id === view)}
        onChange={index => onTabRef.current(index)}
      />
    ),
    [view],
  );

  return (
    <>
      <Header
        title="Disaster recovery"
        subtitle="Which services would lose data if a cluster failed today, and whose they are"
      >
        {updatedAt && (
          <HeaderLabel
            label="Last refresh"
            value={formatRelativeTime(updatedAt)}
          />
        )}
      </Header>
      {tabs}
      <Content>
        {view === CLUSTER_LOSS_VIEW ? (
          <ClusterLossTab cluster={lost} onCluster={onCluster} />
        ) : (
          <ServicesView onUpdatedAt={setUpdatedAt} />
        )}
      </Content>
    </>
  );
}
