import { Link, StatusRunning } from '@backstage/core-components';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { formatDateTime } from '../format';
import { RUN_STATE_LABELS, RUN_TYPE_LABELS } from './labels';
import { useDrTabLink } from './links';

const useStyles = makeStyles(theme => ({
  note: {
    margin: theme.spacing(0, 0, 2, 0),
    padding: theme.spacing(1, 2),
    borderLeft: `4px solid ${
      theme.palette.info?.main ?? theme.palette.primary.main
    }`,
    background: theme.palette.background.default,
  },
}));

/** A run's id as a link to its steps on the DR tab, or as text when there is no route. */
function RunLink(props: { entityRef: string; runId: string; label: string }) {
  const { entityRef, runId, label } = props;
  const tabLink = useDrTabLink();
  const to = tabLink(entityRef, runId);
  return to ? <Link to={to}>{label}</Link> : <>{label}</>;
}

/**
 * Where the service runs after a completed failover, until a failback completes: "Running on
 * dr-us since ... (failover run ...)". Nothing while it runs on its declared primary.
 */
export function ActiveClusterNote(props: {
  record: Pick<
    DrServiceRecord,
    'entityRef' | 'activeCluster' | 'activeSince' | 'activeRunId'
  >;
}) {
  const { record } = props;
  const classes = useStyles();
  if (!record.activeCluster) {
    return null;
  }
  return (
    <Typography
      variant="body2"
      className={classes.note}
      data-testid="active-cluster"
    >
      Running on <strong>{record.activeCluster}</strong>
      {record.activeSince && (
        <>
          {' since '}
          <time dateTime={record.activeSince} title={record.activeSince}>
            {formatDateTime(record.activeSince)}
          </time>
        </>
      )}
      {record.activeRunId && (
        <>
          {' ('}
          <RunLink
            entityRef={record.entityRef}
            runId={record.activeRunId}
            label={`failover run ${record.activeRunId}`}
          />
          )
        </>
      )}
      . It is judged there, as its primary, until a failback completes.
    </Typography>
  );
}

/**
 * The entity's active drill, failover or failback: its type and state, with a link to its steps
 * on the DR tab. Nothing when no run is active.
 */
export function ActiveRunNote(props: {
  record: Pick<DrServiceRecord, 'entityRef' | 'activeRun'>;
}) {
  const { record } = props;
  const classes = useStyles();
  const run = record.activeRun;
  if (!run) {
    return null;
  }
  return (
    <div className={classes.note} data-testid="active-run">
      <Typography variant="body2" component="span">
        <StatusRunning />
        {RUN_TYPE_LABELS[run.type]} in progress:{' '}
        {RUN_STATE_LABELS[run.state].toLowerCase()}.{' '}
        <RunLink
          entityRef={record.entityRef}
          runId={run.id}
          label={`Follow run ${run.id} on the Disaster recovery tab`}
        />
      </Typography>
    </div>
  );
}
