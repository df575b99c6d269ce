import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  DrHistoryPoint,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { disasterRecoveryApiRef } from '../../api';
import { formatDateTime } from '../format';

const DAYS = 30;

const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
});
const hourFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
});

function Chart(props: { items: DrHistoryPoint[]; rpoSeconds?: number }) {
  const { items, rpoSeconds } = props;
  const theme = useTheme();
  const data = items.map(p => ({
    t: Date.parse(p.time),
    rpo: p.achievedRpoSeconds,
    verdict: p.verdict,
  }));
  const measured = items
    .map(p => p.achievedRpoSeconds)
    .filter((v): v is number => v !== null);
  const worst = measured.length > 0 ? Math.max(...measured) : undefined;
  const gaps = items.filter(p => p.achievedRpoSeconds === null).length;
  // Ticks in hours when the history spans less than two days (a new service), else in days.
  const span = data.length > 1 ? data[data.length - 1].t - data[0].t : 0;
  const tickFormat = span < 2 * 86400_000 ? hourFormat : dayFormat;
  const above =
    rpoSeconds === undefined ? 0 : measured.filter(v => v > rpoSeconds).length;

  return (
    <>
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={data} margin={{ top: 16, right: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={t => tickFormat.format(new Date(t))}
          />
          <YAxis
            width={64}
            tickFormatter={v => formatDuration(Number(v))}
            domain={[0, 'auto']}
          />
          <Tooltip
            labelFormatter={t => formatDateTime(new Date(t).toISOString())}
            formatter={(v: number) => [formatDuration(v), 'Achieved RPO']}
          />
          {rpoSeconds !== undefined && (
            <ReferenceLine
              y={rpoSeconds}
              ifOverflow="extendDomain"
              stroke={theme.palette.error.main}
              strokeDasharray="6 3"
              label={{
                value: `RPO target ${formatDuration(rpoSeconds)}`,
                position: 'insideTopRight',
                fill: theme.palette.error.main,
              }}
            />
          )}
          <Line
            type="stepAfter"
            dataKey="rpo"
            name="Achieved RPO"
            stroke={theme.palette.primary.main}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
      <Typography variant="body2" color="textSecondary">
        {worst === undefined
          ? 'No counted recovery point in the period.'
          : `Highest achieved RPO: ${formatDuration(worst)}${
              rpoSeconds === undefined
                ? ''
                : ` (target ${formatDuration(
                    rpoSeconds,
                  )}; above it in ${above} of ${measured.length} refreshes)`
            }.`}
        {gaps > 0 &&
          ` Gaps: ${gaps} refresh${
            gaps > 1 ? 'es' : ''
          } without a counted recovery point.`}
      </Typography>
    </>
  );
}

/**
 * The achieved RPO over the last 30 days from the history endpoint, with the RPO target as a
 * reference line.
 */
export function AchievedRpoChart(props: {
  entityRef: string;
  rpoSeconds?: number;
}) {
  const { entityRef, rpoSeconds } = props;
  const api = useApi(disasterRecoveryApiRef);
  const { loading, error, value, retry } = useAsyncRetry(
    () =>
      api.getHistory(entityRef, {
        from: new Date(Date.now() - DAYS * 86400_000),
      }),
    [api, entityRef],
  );

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <>
        <ResponseErrorPanel error={error} title="Could not load the history" />
        <Box mt={2}>
          <Button variant="outlined" color="primary" onClick={retry}>
            Retry
          </Button>
        </Box>
      </>
    );
  } else if (!value || value.items.length === 0) {
    body = (
      <Typography variant="body2">
        No history yet: a point is kept every refresh.
      </Typography>
    );
  } else {
    body = <Chart items={value.items} rpoSeconds={rpoSeconds} />;
  }
  return (
    <InfoCard title={`Achieved RPO over the last ${DAYS} days`}>
      {body}
    </InfoCard>
  );
}
