import { Link } from '@backstage/core-components';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { memo } from 'react';
import { useDrTabLink } from '../DrRuns/links';
import { formatSeconds } from '../format';
import { VerdictStatus } from './verdicts';

const useStyles = makeStyles(theme => ({
  paper: { padding: theme.spacing(2) },
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'baseline',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
  },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'grid',
    gridTemplateColumns: 'minmax(200px, 260px) minmax(0, 1fr)',
    gap: theme.spacing(0.5, 2),
    padding: theme.spacing(1, 0),
    borderTop: `1px solid ${theme.palette.divider}`,
    [theme.breakpoints.down('xs')]: { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  name: { fontWeight: 600, wordBreak: 'normal', overflowWrap: 'normal' },
  facts: { color: theme.palette.text.secondary },
  over: { color: theme.palette.error.dark, fontWeight: 600 },
  reason: { overflowWrap: 'anywhere' },
  nextStep: { overflowWrap: 'anywhere', marginTop: theme.spacing(0.25) },
}));

/** The first reason without its next step (the record keeps both in `firstReason`). */
export function reasonWithoutNextStep(record: DrServiceRecord): string {
  const reason = record.firstReason ?? '';
  const step = record.firstNextStep;
  return step && reason.endsWith(` ${step}`)
    ? reason.slice(0, -step.length - 1)
    : reason;
}

/**
 * The services that need attention first: breached, then at risk, the most critical tier first,
 * the worst exposure first (the backend's `attention` order), each with its verdict, tier, RPO
 * achieved against the target, its first reason and the next step. Says so when no service
 * needs attention, or none matches the filters.
 */
function AttentionListComponent(props: {
  /** The first services in the attention order. */
  items: DrServiceRecord[];
  /** How many services need attention in all. */
  totalCount: number;
  /** How many services match the filters (attention or not). */
  matchingCount: number;
  /**
   * How many of the matching services could not be judged (`unknown`: their evidence could not
   * be read). None breached or at risk is no all-clear while some are.
   */
  unknownCount?: number;
  /** Whether filters narrow the services. */
  filtered: boolean;
  /** The services table filtered to every service that needs attention. */
  allHref: string;
  /** The services table filtered to the services that could not be judged. */
  unknownHref?: string;
}) {
  const { items, totalCount, matchingCount, filtered, allHref, unknownHref } =
    props;
  const unknownCount = props.unknownCount ?? 0;
  const classes = useStyles();
  const drTab = useDrTabLink();

  let empty: string | undefined;
  if (matchingCount === 0) {
    empty = filtered
      ? 'No service matches the filters.'
      : 'No service judged yet: the first refresh has not run.';
  } else if (totalCount === 0 && unknownCount > 0) {
    const services = unknownCount === 1 ? 'service' : 'services';
    empty = `None breached or at risk among the services judged, but ${unknownCount} ${services} could not be judged: their evidence could not be read.`;
  } else if (totalCount === 0) {
    empty = filtered
      ? `None of the ${matchingCount} services that match the filters is breached or at risk.`
      : 'No service is breached or at risk.';
  }

  return (
    <Paper
      className={classes.paper}
      component="section"
      aria-labelledby="dr-attention-title"
    >
      <Box className={classes.header}>
        <Typography variant="h6" component="h2" id="dr-attention-title">
          {totalCount > 0
            ? `Needs attention (${totalCount})`
            : 'Needs attention'}
        </Typography>
        {totalCount > items.length && (
          <Link to={allHref}>
            Show all {totalCount} breached and at-risk services
          </Link>
        )}
      </Box>
      {empty ? (
        <Typography color="textSecondary" data-testid="attention-empty">
          {empty}
          {totalCount === 0 && unknownCount > 0 && unknownHref && (
            <>
              {' '}
              <Link to={unknownHref}>
                Show the {unknownCount === 1 ? 'service' : 'services'} not
                judged
              </Link>
            </>
          )}
        </Typography>
      ) : (
        <ol className={classes.list} aria-label="Services that need attention">
          {items.map(r => {
            const href = drTab(r.entityRef);
            const over =
              r.achievedRpoSeconds !== undefined &&
              r.rpoSeconds !== undefined &&
              r.achievedRpoSeconds > r.rpoSeconds;
            return (
              <li key={r.entityRef} className={classes.item}>
                <div>
                  <Typography variant="body1" className={classes.name}>
                    {href ? <Link to={href}>{r.name}</Link> : r.name}
                  </Typography>
                  <VerdictStatus verdict={r.verdict} />
                  <Typography variant="body2" className={classes.facts}>
                    {r.tier ?? 'no tier'} · RPO{' '}
                    <span className={over ? classes.over : undefined}>
                      {formatSeconds(r.achievedRpoSeconds, 'none')}
                    </span>{' '}
                    of {formatSeconds(r.rpoSeconds, 'no target')}
                  </Typography>
                </div>
                <div>
                  <Typography variant="body2" className={classes.reason}>
                    {reasonWithoutNextStep(r)}
                  </Typography>
                  {r.firstNextStep && (
                    <Typography
                      variant="body2"
                      className={classes.nextStep}
                      data-testid="attention-next-step"
                    >
                      <strong>Next step:</strong> {r.firstNextStep}
                    </Typography>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </Paper>
  );
}

/** Memoised: renders again only when its props change. */
export const AttentionList = memo(AttentionListComponent);
