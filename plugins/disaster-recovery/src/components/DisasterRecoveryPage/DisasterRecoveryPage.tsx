import {
  Content,
  Header,
  HeaderLabel,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  alertApiRef,
  identityApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import { DrVerdict } from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { disasterRecoveryApiRef } from '../../api';
import { formatRelativeTime } from '../format';
import { ClustersPanel } from './ClustersPanel';
import {
  ComplianceByOwnerChart,
  ComplianceByTierChart,
  ComplianceTrendChart,
} from './ComplianceCharts';
import { downloadText } from './download';
import { FilterBar } from './FilterBar';
import {
  DEFAULT_FILTERS,
  filtersToQuery,
  filtersToSearch,
  hasFilters,
} from './filters';
import { ServicesTable } from './ServicesTable';
import { SummaryTiles } from './SummaryTiles';
import { useLatest } from './useLatest';
import { useOverviewFilters } from './useOverviewFilters';

const TREND_DAYS = 30;

/**
 * The platform overview of disaster recovery: for every service the signed-in user may read, how
 * it stands against its tier's RPO and RTO. Summary tiles, compliance by tier and by owner, the
 * 30-day trend, the services table (filtered, sorted and paged by the backend, filters in the
 * URL, CSV export of every matching service) and the clusters' health.
 */
export function DisasterRecoveryPage() {
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
  const overview = useLatest(
    async () =>
      waitingForIdentity
        ? undefined
        : api.getOverview({
            ...query,
            offset: filters.page * filters.pageSize,
            limit: filters.pageSize,
          }),
    [api, queryKey, filters.page, filters.pageSize, waitingForIdentity],
  );
  const clusters = useLatest(() => api.getClusters(), [api]);
  const trend = useLatest(
    () => api.getOverviewHistory({ days: TREND_DAYS }),
    [api],
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

  const onVerdict = useCallback(
    (verdict: DrVerdict) =>
      update({
        verdict:
          filters.verdict.length === 1 && filters.verdict[0] === verdict
            ? []
            : [verdict],
      }),
    [filters.verdict, update],
  );

  const data = overview.value;
  const error = overview.error ?? ownership.error;
  const breachedHref = `?${filtersToSearch({
    ...DEFAULT_FILTERS,
    verdict: ['breached'],
  })}`;

  return (
    <Page themeId="tool">
      <Header
        title="Disaster recovery"
        subtitle="Which services would lose data if a cluster failed today, and whose they are"
      >
        {data?.updatedAt && (
          <HeaderLabel
            label="Last refresh"
            value={formatRelativeTime(data.updatedAt)}
          />
        )}
      </Header>
      <Content>
        {error && !data && <ResponseErrorPanel error={error} />}
        {!data && !error && <Progress />}
        {data && (
          <Grid container spacing={3}>
            <Grid item xs={12}>
              {hasFilters(filters) && (
                <Typography variant="body2" color="textSecondary" gutterBottom>
                  Tiles and charts count the {data.totalCount} services that
                  match the filters; the trend counts every service.
                </Typography>
              )}
              <SummaryTiles
                overview={data}
                clusters={clusters.value?.items}
                selectedVerdicts={filters.verdict}
                onVerdict={onVerdict}
                breachedHref={breachedHref}
              />
            </Grid>
            <Grid item xs={12} md={6} lg={4}>
              <ComplianceByTierChart overview={data} />
            </Grid>
            <Grid item xs={12} md={6} lg={4}>
              <ComplianceByOwnerChart overview={data} />
            </Grid>
            <Grid item xs={12} lg={4}>
              <ComplianceTrendChart
                days={trend.value?.days}
                error={trend.error}
              />
            </Grid>
            <Grid item xs={12}>
              <FilterBar
                filters={filters}
                facets={data.facets}
                onChange={update}
                actions={
                  <Button
                    variant="outlined"
                    color="primary"
                    startIcon={<GetAppIcon />}
                    disabled={exporting || data.totalCount === 0}
                    onClick={exportCsv}
                  >
                    {exporting
                      ? 'Exporting…'
                      : `Export CSV (${data.totalCount})`}
                  </Button>
                }
              />
              {error && <ResponseErrorPanel error={error} />}
              <Box height={4}>{overview.loading && <LinearProgress />}</Box>
              <ServicesTable
                title={`Services (${data.totalCount})`}
                items={data.items}
                totalCount={data.totalCount}
                filters={filters}
                onChange={update}
                emptyContent={
                  <Box p={2}>
                    <Typography color="textSecondary">
                      {hasFilters(filters)
                        ? 'No service matches the filters.'
                        : 'No service judged yet: the first refresh has not run.'}
                    </Typography>
                  </Box>
                }
              />
            </Grid>
            <Grid item xs={12}>
              <ClustersPanel
                clusters={clusters.value?.items}
                loading={clusters.loading}
                error={clusters.error}
              />
            </Grid>
          </Grid>
        )}
      </Content>
    </Page>
  );
}
