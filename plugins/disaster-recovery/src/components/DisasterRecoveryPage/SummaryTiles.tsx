import { Link } from '@backstage/core-components';
import {
  DrClusterOverview,
  DrOverviewResponse,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import ButtonBase from '@material-ui/core/ButtonBase';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { ReactNode, memo } from 'react';
import { formatRelativeTime, formatSeconds, VERDICT_LABELS } from '../format';
import { OVERVIEW_VERDICTS, VerdictStatus } from './verdicts';

const useStyles = makeStyles<Theme>(theme => ({
  tile: {
    height: '100%',
    padding: theme.spacing(2),
    display: 'flex',
    flexDirection: 'column',
  },
  alert: { borderTop: `4px solid ${theme.palette.error.main}` },
  ok: { borderTop: `4px solid ${theme.palette.success.main}` },
  neutral: { borderTop: `4px solid ${theme.palette.grey[400]}` },
  value: {
    fontSize: theme.typography.h3.fontSize,
    fontWeight: theme.typography.fontWeightBold as number,
    lineHeight: 1.1,
    margin: theme.spacing(0.5, 0),
  },
  verdictRow: {
    display: 'flex',
    justifyContent: 'space-between',
    width: '100%',
    padding: theme.spacing(0.25, 0.5),
    borderRadius: theme.shape.borderRadius,
    '&:hover': { backgroundColor: theme.palette.action.hover },
  },
  selected: { backgroundColor: theme.palette.action.selected },
  count: { fontVariantNumeric: 'tabular-nums', fontWeight: 600 },
}));

/** One summary tile: a title, a big value, and lines below. */
function Tile(props: {
  title: string;
  value?: ReactNode;
  tone: 'alert' | 'ok' | 'neutral';
  children?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <Paper
      className={`${classes.tile} ${classes[props.tone]}`}
      role="group"
      aria-label={props.title}
    >
      <Typography variant="overline" color="textSecondary">
        {props.title}
      </Typography>
      {props.value !== undefined && (
        <div className={classes.value}>{props.value}</div>
      )}
      {props.children}
    </Paper>
  );
}

/**
 * The overview's summary tiles, over the services that match the filters: how many per tier and
 * per verdict (the verdict counts add up to the total), how many are breached now, the oldest
 * recovery point among the tier-0 and tier-1 services, and the clusters and
 * BackupStorageLocations that are unavailable.
 */
function SummaryTilesComponent(props: {
  overview: DrOverviewResponse;
  clusters?: DrClusterOverview[];
  /** The verdicts filtered on, highlighted. */
  selectedVerdicts: DrVerdict[];
  /** A click on a verdict: show only the services of that verdict. */
  onVerdict: (verdict: DrVerdict) => void;
  /** Links to the table of the breached services. */
  breachedHref?: string;
  now?: number;
}) {
  const { overview, clusters, selectedVerdicts, onVerdict, now } = props;
  const classes = useStyles();
  const { counts, totalCount, criticalRecoveryPoints: critical } = overview;
  const breached = counts.verdict.breached ?? 0;
  const order = overview.facets?.tier ?? [];
  const rank = (tier: string) =>
    order.includes(tier) ? order.indexOf(tier) : order.length;
  const tiers = Object.entries(counts.tier).sort(
    ([a], [b]) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const untiered = totalCount - tiers.reduce((sum, [, n]) => sum + n, 0);

  const unreachable = clusters?.filter(c => !c.reachable) ?? [];
  const locations = clusters?.flatMap(c => c.storageLocations ?? []) ?? [];
  const unavailable = locations.filter(l => l.phase !== 'Available');
  let clustersTone: 'alert' | 'ok' | 'neutral' = 'neutral';
  if (clusters) {
    clustersTone = unreachable.length + unavailable.length > 0 ? 'alert' : 'ok';
  }

  return (
    <Grid container spacing={2} alignItems="stretch">
      <Grid item xs={12} sm={6} lg={2}>
        <Tile title="Services" value={totalCount} tone="neutral">
          {tiers.map(([tier, n]) => (
            <Box key={tier} display="flex" justifyContent="space-between">
              <Typography variant="body2">{tier}</Typography>
              <span className={classes.count}>{n}</span>
            </Box>
          ))}
          {untiered > 0 && (
            <Box display="flex" justifyContent="space-between">
              <Typography variant="body2" color="textSecondary">
                no tier
              </Typography>
              <span className={classes.count}>{untiered}</span>
            </Box>
          )}
        </Tile>
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <Tile title="By verdict" tone="neutral">
          {OVERVIEW_VERDICTS.map(verdict => (
            <ButtonBase
              key={verdict}
              className={`${classes.verdictRow} ${
                selectedVerdicts.includes(verdict) ? classes.selected : ''
              }`}
              onClick={() => onVerdict(verdict)}
              aria-label={`${VERDICT_LABELS[verdict]}: ${
                counts.verdict[verdict] ?? 0
              }`}
              aria-pressed={selectedVerdicts.includes(verdict)}
            >
              <VerdictStatus verdict={verdict} />
              <span className={classes.count}>
                {counts.verdict[verdict] ?? 0}
              </span>
            </ButtonBase>
          ))}
        </Tile>
      </Grid>
      <Grid item xs={12} sm={6} lg={2}>
        <Tile
          title="Breached now"
          value={breached}
          tone={breached > 0 ? 'alert' : 'ok'}
        >
          <Typography variant="body2" color="textSecondary">
            {breached === 0
              ? 'Every judged service meets its RPO and RTO targets.'
              : `${
                  breached === 1 ? 'service' : 'services'
                } would lose more data than their RPO allows, or recover slower than their RTO, if the primary cluster failed now.`}
          </Typography>
          {breached > 0 && props.breachedHref && (
            <Box mt={1}>
              <Link to={props.breachedHref}>Show the breached services</Link>
            </Box>
          )}
        </Tile>
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <Tile
          title="Oldest recovery point, tier-0 and tier-1"
          tone={
            critical?.withoutRecoveryPoint ||
            (critical?.oldest?.rpoSeconds !== undefined &&
              (critical.oldest.achievedRpoSeconds ?? 0) >
                critical.oldest.rpoSeconds)
              ? 'alert'
              : 'neutral'
          }
          value={
            critical?.oldest
              ? formatRelativeTime(critical.oldest.time, now)
              : '—'
          }
        >
          {!critical && (
            <Typography variant="body2" color="textSecondary">
              No tier-0 or tier-1 service matches.
            </Typography>
          )}
          {critical?.oldest && (
            <Typography variant="body2">
              {critical.oldest.name} ({critical.oldest.tier}): achieved RPO{' '}
              {formatSeconds(critical.oldest.achievedRpoSeconds, 'unknown')} of{' '}
              {formatSeconds(critical.oldest.rpoSeconds, 'no target')}
            </Typography>
          )}
          {critical && critical.withoutRecoveryPoint > 0 && (
            <Typography variant="body2" color="error">
              {critical.withoutRecoveryPoint} of {critical.services} without any
              recovery point that survives the loss of the primary cluster
            </Typography>
          )}
        </Tile>
      </Grid>
      <Grid item xs={12} sm={6} lg={2}>
        <Tile
          title="Clusters and storage"
          tone={clustersTone}
          value={clusters ? `${unreachable.length + unavailable.length}` : '—'}
        >
          {clusters ? (
            <>
              <Typography variant="body2">
                {unreachable.length} of {clusters.length} clusters unreachable
              </Typography>
              <Typography variant="body2">
                {unavailable.length} of {locations.length} storage locations
                unavailable
              </Typography>
            </>
          ) : (
            <Typography variant="body2" color="textSecondary">
              Cluster health not loaded.
            </Typography>
          )}
        </Tile>
      </Grid>
    </Grid>
  );
}

/** Memoised: renders again only when its props change. */
export const SummaryTiles = memo(SummaryTilesComponent);
