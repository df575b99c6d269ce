import { Link } from '@backstage/core-components';
import {
  DrClusterOverview,
  DrOverviewResponse,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { ReactNode, memo } from 'react';
import { formatRelativeTime, formatSeconds } from '../format';
import { OverviewFilters } from './filters';
import { OVERVIEW_VERDICTS, VerdictStatus } from './verdicts';

const useStyles = makeStyles<Theme>(theme => {
  const focus = {
    outline: `2px solid ${theme.palette.primary.main}`,
    outlineOffset: 2,
  };
  return {
    tile: { height: '100%', display: 'flex', flexDirection: 'column' },
    link: {
      flexGrow: 1,
      display: 'flex',
      flexDirection: 'column',
      padding: theme.spacing(2),
      color: 'inherit',
      textDecoration: 'none',
      borderRadius: theme.shape.borderRadius,
      '&:hover': {
        backgroundColor: theme.palette.action.hover,
        textDecoration: 'none',
      },
      '&:focus-visible': focus,
    },
    body: { padding: theme.spacing(2) },
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
      color: 'inherit',
      borderRadius: theme.shape.borderRadius,
      '&:hover': {
        backgroundColor: theme.palette.action.hover,
        textDecoration: 'none',
      },
      '&:focus-visible': focus,
    },
    selected: { backgroundColor: theme.palette.action.selected },
    count: { fontVariantNumeric: 'tabular-nums', fontWeight: 600 },
    alertText: { color: theme.palette.error.dark },
  };
});

/** The services table's anchor, so that a tile's link shows the table it filters. */
export const SERVICES_ANCHOR = 'dr-services';

/** The clusters panel's anchor. */
export const CLUSTERS_ANCHOR = 'dr-clusters';

/**
 * One summary tile: a title, a big value, and lines below; all of it one link to the services
 * table filtered to what the tile counts (`href`), or, without `href`, no link (its own links
 * inside).
 */
function Tile(props: {
  title: string;
  value?: ReactNode;
  tone: 'alert' | 'ok' | 'neutral';
  href?: string;
  children?: ReactNode;
}) {
  const classes = useStyles();
  const content = (
    <>
      <Typography variant="overline" color="textSecondary" component="span">
        {props.title}
      </Typography>
      {props.value !== undefined && (
        <span className={classes.value}>{props.value}</span>
      )}
      {props.children}
    </>
  );
  return (
    <Paper
      className={`${classes.tile} ${classes[props.tone]}`}
      role="group"
      aria-label={props.title}
    >
      {props.href ? (
        <Link to={props.href} className={classes.link} underline="none">
          {content}
        </Link>
      ) : (
        <div className={classes.body}>{content}</div>
      )}
    </Paper>
  );
}

/** A line of a tile: a label and a count. */
function CountLine(props: { label: ReactNode; count: number }) {
  const classes = useStyles();
  return (
    <Box display="flex" justifyContent="space-between" component="span">
      <Typography variant="body2" component="span">
        {props.label}
      </Typography>
      <span className={classes.count}>{props.count}</span>
    </Box>
  );
}

/**
 * The overview's summary tiles, over the services that match the filters: how many per tier and
 * per verdict (the verdict counts add up to the total), how many are breached now, the oldest
 * recovery point among the tier-0 and tier-1 services, and the clusters that are not `ok` and
 * the BackupStorageLocations that are unavailable. Every tile (and every verdict line) links to
 * the services table filtered to what it counts, through `linkTo`.
 */
function SummaryTilesComponent(props: {
  overview: DrOverviewResponse;
  clusters?: DrClusterOverview[];
  /** The verdicts filtered on, highlighted. */
  selectedVerdicts: DrVerdict[];
  /** The URL of the services table with the current filters changed by `change`. */
  linkTo: (change: Partial<OverviewFilters>) => string;
  /** Whether filters narrow the services (an empty count then says so). */
  filtered?: boolean;
  now?: number;
}) {
  const { overview, clusters, selectedVerdicts, linkTo, filtered, now } = props;
  const classes = useStyles();
  const { counts, totalCount, criticalRecoveryPoints: critical } = overview;
  const breached = counts.verdict.breached ?? 0;
  // Services whose evidence could not be read are not safe because none is breached.
  const unknown = counts.verdict.unknown ?? 0;
  const order = overview.facets?.tier ?? [];
  const rank = (tier: string) =>
    order.includes(tier) ? order.indexOf(tier) : order.length;
  const tiers = Object.entries(counts.tier).sort(
    ([a], [b]) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const untiered = totalCount - tiers.reduce((sum, [, n]) => sum + n, 0);

  const notOk = clusters?.filter(c => c.state !== 'ok') ?? [];
  const locations = clusters?.flatMap(c => c.storageLocations ?? []) ?? [];
  const unavailable = locations.filter(l => l.phase !== 'Available');
  let clustersTone: 'alert' | 'ok' | 'neutral' = 'neutral';
  if (clusters) {
    clustersTone = notOk.length + unavailable.length > 0 ? 'alert' : 'ok';
  }
  const troubled = [
    ...new Set([
      ...notOk.map(c => c.cluster),
      ...unavailable.map(l => l.cluster),
    ]),
  ];

  let breachedText: string;
  if (totalCount === 0) {
    breachedText = filtered
      ? 'No service matches the filters.'
      : 'No service judged yet.';
  } else if (breached === 0 && unknown > 0) {
    breachedText = `None breached among the services judged, but ${unknown} ${
      unknown === 1 ? 'service' : 'services'
    } could not be judged: their evidence could not be read.`;
  } else if (breached === 0) {
    breachedText = filtered
      ? `None of the ${totalCount} services that match the filters is breached.`
      : 'Every judged service meets its RPO and RTO targets.';
  } else {
    breachedText = `${
      breached === 1 ? 'service' : 'services'
    } would lose more data than their RPO allows, or recover slower than their RTO, if the primary cluster failed now.`;
  }

  // The tiers the oldest-recovery-point tile counts: the two most critical ones.
  const criticalTiers = order.slice(0, 2);

  return (
    <Grid container spacing={2} alignItems="stretch">
      <Grid item xs={12} sm={6} lg={2}>
        <Tile
          title="Services"
          value={totalCount}
          tone="neutral"
          href={linkTo({})}
        >
          {tiers.map(([tier, n]) => (
            <CountLine key={tier} label={tier} count={n} />
          ))}
          {untiered > 0 && <CountLine label="no tier" count={untiered} />}
        </Tile>
      </Grid>
      <Grid item xs={12} sm={6} lg={3}>
        <Tile title="By verdict" tone="neutral">
          {OVERVIEW_VERDICTS.map(verdict => {
            const selected =
              selectedVerdicts.length === 1 && selectedVerdicts[0] === verdict;
            return (
              <Link
                key={verdict}
                to={linkTo({ verdict: selected ? [] : [verdict] })}
                underline="none"
                className={`${classes.verdictRow} ${
                  selectedVerdicts.includes(verdict) ? classes.selected : ''
                }`}
                aria-current={selected ? 'page' : undefined}
                data-verdict={verdict}
              >
                <VerdictStatus verdict={verdict} />
                <span className={classes.count}>
                  {counts.verdict[verdict] ?? 0}
                </span>
              </Link>
            );
          })}
        </Tile>
      </Grid>
      <Grid item xs={12} sm={6} lg={2}>
        <Tile
          title="Breached now"
          value={breached}
          tone={breached > 0 ? 'alert' : 'ok'}
          href={linkTo({ verdict: ['breached'] })}
        >
          <Typography variant="body2" color="textSecondary" component="span">
            {breachedText}
          </Typography>
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
          href={linkTo({
            tier: criticalTiers,
            sort: { field: 'achievedRpo', direction: 'desc' },
          })}
        >
          {!critical && (
            <Typography variant="body2" color="textSecondary" component="span">
              No tier-0 or tier-1 service matches.
            </Typography>
          )}
          {critical?.oldest && (
            <Typography variant="body2" component="span">
              {critical.oldest.name} ({critical.oldest.tier}): achieved RPO{' '}
              {formatSeconds(critical.oldest.achievedRpoSeconds, 'unknown')} of{' '}
              {formatSeconds(critical.oldest.rpoSeconds, 'no target')}
            </Typography>
          )}
          {critical && critical.withoutRecoveryPoint > 0 && (
            <Typography
              variant="body2"
              component="span"
              className={classes.alertText}
            >
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
          value={clusters ? `${notOk.length + unavailable.length}` : '—'}
          href={
            troubled.length > 0
              ? linkTo({ cluster: troubled, clusterRole: undefined })
              : `#${CLUSTERS_ANCHOR}`
          }
        >
          {clusters ? (
            <>
              <Typography variant="body2" component="span">
                {notOk.length} of {clusters.length} clusters degraded or
                unreachable
              </Typography>
              <Typography variant="body2" component="span">
                {unavailable.length} of {locations.length} storage locations
                unavailable
              </Typography>
            </>
          ) : (
            <Typography variant="body2" color="textSecondary" component="span">
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
