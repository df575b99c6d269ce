import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  DrOverviewHistoryDay,
  DrOverviewResponse,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { memo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { VERDICT_LABELS } from '../format';
import { ownerLabel } from './FilterBar';
import { OVERVIEW_VERDICTS, verdictColors } from './verdicts';

/** Owners shown in the by-owner chart: the ones with the most breached and at-risk services. */
const MAX_OWNERS = 12;

/** The verdicts a tier can have (an undeclared service has no tier). */
const TIER_VERDICTS = OVERVIEW_VERDICTS.filter(v => v !== 'undeclared');

/** The verdicts of the trend. */
const TREND_VERDICTS: DrVerdict[] = [
  'compliant',
  'at-risk',
  'breached',
  'unknown',
];

type CountRow = { name: string } & Partial<Record<DrVerdict, number>>;

function rowsOf(
  counts: Record<string, Record<string, number>> | undefined,
  order: string[],
): CountRow[] {
  return order
    .filter(name => counts?.[name])
    .map(name => ({ name, ...counts![name] }));
}

/**
 * The verdicts' colours under a chart. Plain HTML rather than recharts' Legend, which measures
 * itself in the DOM on every render (a forced layout of the whole page per chart and filter
 * change).
 */
function VerdictLegend(props: { verdicts: DrVerdict[] }) {
  const theme = useTheme();
  const colors = verdictColors(theme);
  return (
    <Box
      component="ul"
      display="flex"
      flexWrap="wrap"
      justifyContent="center"
      m={0}
      p={0}
      style={{ listStyle: 'none', gap: theme.spacing(1.5) }}
    >
      {props.verdicts.map(v => (
        <Box component="li" key={v} display="flex" alignItems="center">
          <Box
            component="span"
            width={10}
            height={10}
            mr={0.5}
            style={{ background: colors[v] }}
          />
          <Typography variant="caption" color="textSecondary">
            {VERDICT_LABELS[v]}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}

/**
 * One bar series a verdict, stacked, in the verdict's colour (direct children of a recharts
 * chart, as recharts requires).
 */
function verdictBars(
  verdicts: DrVerdict[],
  colors: ReturnType<typeof verdictColors>,
) {
  return verdicts.map(v => (
    <Bar
      key={v}
      dataKey={v}
      name={VERDICT_LABELS[v]}
      stackId="verdict"
      fill={colors[v]}
      isAnimationActive={false}
    />
  ));
}

function StackedBars(props: {
  rows: CountRow[];
  verdicts: DrVerdict[];
  layout: 'horizontal' | 'vertical';
  label: (name: string) => string;
}) {
  const theme = useTheme();
  const colors = verdictColors(theme);
  const { rows, verdicts, layout, label } = props;
  const vertical = layout === 'vertical';
  const height = vertical ? Math.max(160, 28 * rows.length + 60) : 260;
  return (
    <ResponsiveContainer width="100%" height={height}>
      <BarChart
        data={rows}
        layout={layout}
        margin={{ top: 8, right: 16, left: 8, bottom: 0 }}
      >
        <CartesianGrid strokeDasharray="3 3" />
        {vertical ? (
          <>
            <XAxis type="number" allowDecimals={false} />
            <YAxis
              type="category"
              dataKey="name"
              width={150}
              tickFormatter={label}
              interval={0}
            />
          </>
        ) : (
          <>
            <XAxis dataKey="name" tickFormatter={label} />
            <YAxis allowDecimals={false} width={40} />
          </>
        )}
        <Tooltip labelFormatter={v => label(String(v))} />
        {verdictBars(verdicts, colors)}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Compliance by tier: one stacked bar a tier, split by verdict, over the matching services. */
function ComplianceByTierChartComponent(props: {
  overview: DrOverviewResponse;
}) {
  const { overview } = props;
  const rows = rowsOf(
    overview.counts.tierVerdict,
    overview.facets?.tier ?? Object.keys(overview.counts.tierVerdict ?? {}),
  );
  return (
    <InfoCard title="Compliance by tier" variant="gridItem">
      {rows.length === 0 ? (
        <Typography color="textSecondary">No service with a tier.</Typography>
      ) : (
        <>
          <StackedBars
            rows={rows}
            verdicts={TIER_VERDICTS}
            layout="horizontal"
            label={n => n}
          />
          <VerdictLegend verdicts={TIER_VERDICTS} />
        </>
      )}
    </InfoCard>
  );
}

/**
 * Compliance by owner: one stacked bar an owner, split by verdict; the owners with the most
 * breached, then at-risk, services first, at most {@link MAX_OWNERS}.
 */
function ComplianceByOwnerChartComponent(props: {
  overview: DrOverviewResponse;
}) {
  const byOwner = props.overview.counts.ownerVerdict ?? {};
  const owners = Object.keys(byOwner).sort((a, b) => {
    const x = byOwner[a];
    const y = byOwner[b];
    return (
      (y.breached ?? 0) - (x.breached ?? 0) ||
      (y['at-risk'] ?? 0) - (x['at-risk'] ?? 0) ||
      a.localeCompare(b)
    );
  });
  const rows = rowsOf(byOwner, owners.slice(0, MAX_OWNERS));
  return (
    <InfoCard
      title="Compliance by owner"
      subheader={
        owners.length > MAX_OWNERS
          ? `The ${MAX_OWNERS} of ${owners.length} owners with the most breached and at-risk services`
          : undefined
      }
      variant="gridItem"
    >
      {rows.length === 0 ? (
        <Typography color="textSecondary">No service with an owner.</Typography>
      ) : (
        <>
          <StackedBars
            rows={rows}
            verdicts={OVERVIEW_VERDICTS}
            layout="vertical"
            label={ownerLabel}
          />
          <VerdictLegend verdicts={OVERVIEW_VERDICTS} />
        </>
      )}
    </InfoCard>
  );
}

const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/**
 * The trend of compliant, at-risk, breached and unknown services over the last days, one stacked
 * bar a day, from
 * the backend's history (each service's last verdict of each UTC day), over every service.
 */
function ComplianceTrendChartComponent(props: {
  days?: DrOverviewHistoryDay[];
  error?: Error;
}) {
  const theme = useTheme();
  const colors = verdictColors(theme);
  const { days, error } = props;
  const data = days?.map(d => ({
    date: d.date,
    ...Object.fromEntries(TREND_VERDICTS.map(v => [v, d.counts[v] ?? 0])),
  }));
  let content;
  if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (!data) {
    content = <Progress />;
  } else if (!days!.some(d => d.total > 0)) {
    content = (
      <Typography color="textSecondary">
        No history yet: the trend starts with the first refresh.
      </Typography>
    );
  } else {
    content = (
      <ResponsiveContainer width="100%" height={260}>
        <BarChart
          data={data}
          margin={{ top: 8, right: 16, left: 8 }}
          barCategoryGap={1}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="date"
            tickFormatter={d => dayFormat.format(new Date(`${d}T00:00:00Z`))}
            minTickGap={16}
          />
          <YAxis allowDecimals={false} width={40} />
          <Tooltip
            labelFormatter={d =>
              dayFormat.format(new Date(`${String(d)}T00:00:00Z`))
            }
          />
          {verdictBars(TREND_VERDICTS, colors)}
        </BarChart>
      </ResponsiveContainer>
    );
  }
  return (
    <InfoCard
      title="Compliance over the last 30 days"
      subheader="Every service, by its last verdict of each day (UTC)"
      variant="gridItem"
    >
      {content}
      {data && days!.some(d => d.total > 0) && (
        <VerdictLegend verdicts={TREND_VERDICTS} />
      )}
    </InfoCard>
  );
}

/**
 * Compliance by tier: one stacked bar a tier, split by verdict, over the matching services.
 * Memoised: it renders again only when the overview it shows changes.
 */
export const ComplianceByTierChart = memo(ComplianceByTierChartComponent);

/**
 * Compliance by owner, the owners with the most breached, then at-risk, services first.
 * Memoised: it renders again only when the overview it shows changes.
 */
export const ComplianceByOwnerChart = memo(ComplianceByOwnerChartComponent);

/** The trend of verdicts over the last days. Memoised on its days and error. */
export const ComplianceTrendChart = memo(ComplianceTrendChartComponent);
