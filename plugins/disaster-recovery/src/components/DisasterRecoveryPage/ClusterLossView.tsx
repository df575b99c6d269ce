import {
  Link,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import {
  DrClusterLossResponse,
  DrClusterLossService,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useCallback, useState } from 'react';
import { disasterRecoveryApiRef } from '../../api';
import { useDrTabLink } from '../DrRuns/links';
import { formatDateTime, formatRelativeTime, formatSeconds } from '../format';
import { downloadText } from './download';
import { ownerLabel } from './FilterBar';
import { useLatest } from './useLatest';
import { VerdictStatus } from './verdicts';
import { StatusText } from '../StatusText';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  select: { minWidth: 200 },
  label: { color: theme.palette.text.primary },
  summary: { fontWeight: 600 },
  table: {
    '& th, & td': {
      padding: theme.spacing(1),
      verticalAlign: 'top',
      overflowWrap: 'normal',
      wordBreak: 'normal',
    },
  },
  group: {
    backgroundColor: theme.palette.background.default,
    fontWeight: 600,
  },
  name: { whiteSpace: 'nowrap', fontWeight: 600 },
  secondary: { color: theme.palette.text.secondary, display: 'block' },
  over: { color: theme.palette.error.dark, fontWeight: 600 },
  gaps: { margin: theme.spacing(0.5, 0, 0, 0), paddingLeft: theme.spacing(2) },
}));

const RECOVERABLE = {
  yes: { Status: StatusOK, label: 'Yes' },
  doubtful: { Status: StatusWarning, label: 'Doubtful' },
  no: { Status: StatusError, label: 'No' },
} as const;

const STATE_LABELS = {
  ok: 'reachable',
  degraded: 'degraded',
  unreachable: 'unreachable',
  unknown: 'not read yet',
} as const;

function ServiceRow(props: { service: DrClusterLossService; now: number }) {
  const { service: s, now } = props;
  const classes = useStyles();
  const drTab = useDrTabLink();
  const href = drTab(s.entityRef);
  const { Status, label } = RECOVERABLE[s.recoverable];
  return (
    <TableRow data-testid="cluster-loss-row" data-service={s.name}>
      <TableCell component="th" scope="row">
        <span className={classes.name}>
          {href ? <Link to={href}>{s.name}</Link> : s.name}
        </span>
        <span className={classes.secondary}>
          {s.tier ?? 'no tier'}
          {s.role === 'active' ? ' · runs here after a failover' : ''}
        </span>
        <VerdictStatus verdict={s.verdict} />
      </TableCell>
      <TableCell>
        <span className={s.overRpo ? classes.over : undefined}>
          {s.exposureSeconds === null
            ? 'everything'
            : formatSeconds(s.exposureSeconds, '—')}
        </span>
        <span className={classes.secondary}>
          RPO {formatSeconds(s.rpoSeconds, 'no target')}
          {s.worstPvc ? ` · worst PVC ${s.worstPvc}` : ''}
        </span>
      </TableCell>
      <TableCell>
        {s.recoveryCluster ?? 'none'}
        {s.recoveryClusterState && (
          <span className={classes.secondary}>
            {STATE_LABELS[s.recoveryClusterState]}
          </span>
        )}
      </TableCell>
      <TableCell>
        {s.recoveryPoint ? (
          <>
            {formatRelativeTime(s.recoveryPoint.time, now)}
            <span className={classes.secondary}>
              {s.recoveryPoint.kind} {s.recoveryPoint.name}
              {s.recoveryPoint.onRecoveryCluster
                ? `, seen on ${s.recoveryCluster}`
                : ''}
            </span>
          </>
        ) : (
          <span className={classes.over}>none survives</span>
        )}
      </TableCell>
      <TableCell>
        {s.lastRestore ? (
          <>
            <span title={formatDateTime(s.lastRestore.completedAt)}>
              {formatRelativeTime(s.lastRestore.completedAt, now)}
            </span>
            <span className={classes.secondary}>
              {s.lastRestore.kind === 'run' ? 'Run' : 'Restore'}{' '}
              {s.lastRestore.name}
            </span>
          </>
        ) : (
          'never'
        )}
      </TableCell>
      <TableCell>
        <span className={s.overRto ? classes.over : undefined}>
          {formatSeconds(s.measuredRtoSeconds, 'not measured')}
        </span>
        <span className={classes.secondary}>
          of {formatSeconds(s.rtoSeconds, 'no target')}
        </span>
      </TableCell>
      <TableCell>
        <StatusText status={Status}>{label}</StatusText>
        {s.gaps.length > 0 && (
          <ul className={classes.gaps}>
            {s.gaps.map(g => (
              <li key={g}>
                <Typography variant="caption">{g}</Typography>
              </li>
            ))}
          </ul>
        )}
      </TableCell>
    </TableRow>
  );
}

function ClusterLossTable(props: { loss: DrClusterLossResponse }) {
  const { loss } = props;
  const classes = useStyles();
  const now = Date.parse(loss.evaluatedAt);
  return (
    <Table
      size="small"
      className={classes.table}
      aria-label={`Services on ${loss.cluster}, by owner, worst exposure first`}
    >
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          <TableCell>Would lose</TableCell>
          <TableCell>Comes back on</TableCell>
          <TableCell>Recovery point</TableCell>
          <TableCell>Restore tested</TableCell>
          <TableCell>RTO measured</TableCell>
          <TableCell>Can come back</TableCell>
        </TableRow>
      </TableHead>
      {loss.groups.map(group => (
        <TableBody key={group.owner ?? ''}>
          <TableRow>
            <TableCell
              colSpan={7}
              component="th"
              scope="colgroup"
              className={classes.group}
            >
              {group.owner ? ownerLabel(group.owner) : 'No owner'} (
              {group.services.length})
            </TableCell>
          </TableRow>
          {group.services.map(s => (
            <ServiceRow key={s.entityRef} service={s} now={now} />
          ))}
        </TableBody>
      ))}
    </Table>
  );
}

/**
 * "If this cluster failed now": choose a cluster, and see every service whose primary (or, after
 * a failover, active) cluster it is, grouped by owner and worst exposure first: the data it would
 * lose, where it would come back, the recovery point there, when a restore was last tested, its
 * measured RTO against the target, and whether it can come back. The backend computes it
 * (`GET /overview/cluster-loss`); the CSV export is of the same view.
 */
export function ClusterLossView(props: {
  /** The clusters to choose from. */
  clusters: string[];
  /** The chosen cluster, from the URL. */
  cluster?: string;
  onCluster: (cluster: string) => void;
}) {
  const { clusters, cluster, onCluster } = props;
  const classes = useStyles();
  const api = useApi(disasterRecoveryApiRef);
  const alertApi = useApi(alertApiRef);
  const loss = useLatest(
    async () => (cluster ? api.getClusterLoss(cluster) : undefined),
    [api, cluster],
  );
  const [exporting, setExporting] = useState(false);
  const exportCsv = useCallback(async () => {
    if (!cluster) return;
    setExporting(true);
    try {
      const csv = await api.exportClusterLossCsv(cluster);
      const date = new Date().toISOString().slice(0, 10);
      downloadText(
        csv,
        `disaster-recovery-cluster-loss-${cluster}-${date}.csv`,
        'text/csv',
      );
    } catch (error) {
      alertApi.post({
        message: `Could not export the services of ${cluster}: ${error}`,
        severity: 'error',
      });
    } finally {
      setExporting(false);
    }
  }, [api, alertApi, cluster]);

  const data = loss.value;
  const options =
    cluster && !clusters.includes(cluster) ? [...clusters, cluster] : clusters;
  return (
    <Paper component="section" aria-labelledby="dr-cluster-loss-title">
      <Box p={2}>
        <Typography variant="h6" component="h2" id="dr-cluster-loss-title">
          If this cluster failed now
        </Typography>
        <Typography variant="body2" color="textSecondary" paragraph>
          Every service that runs on the cluster (its primary, or where it runs
          after a failover): the data it would lose, and whether it can come
          back.
        </Typography>
        <Box className={classes.bar}>
          <TextField
            select
            id="dr-cluster-loss-cluster"
            label="Cluster"
            variant="outlined"
            size="small"
            className={classes.select}
            value={cluster ?? ''}
            onChange={e => onCluster(e.target.value)}
            SelectProps={{
              displayEmpty: true,
              renderValue: v => (v ? String(v) : 'Choose a cluster'),
            }}
            InputLabelProps={{ shrink: true, className: classes.label }}
          >
            {options.map(c => (
              <MenuItem key={c} value={c} dense>
                {c}
              </MenuItem>
            ))}
          </TextField>
          <Box flexGrow={1} />
          <Button
            variant="outlined"
            color="primary"
            startIcon={<GetAppIcon />}
            disabled={!data || exporting || data.totals.services === 0}
            onClick={exportCsv}
          >
            {exporting
              ? 'Exporting…'
              : `Export CSV (${data?.totals.services ?? 0})`}
          </Button>
        </Box>
        {!cluster && (
          <Typography color="textSecondary">
            Choose a cluster to see what its loss would cost.
          </Typography>
        )}
        {cluster && loss.error && <ResponseErrorPanel error={loss.error} />}
        {cluster && !data && !loss.error && <Progress />}
        {data && (
          <>
            <Typography
              className={classes.summary}
              role="status"
              data-testid="cluster-loss-summary"
              paragraph
            >
              {data.summary}
            </Typography>
            {data.clusterState !== 'ok' && (
              <Typography variant="body2" color="textSecondary" paragraph>
                {data.cluster} itself is {STATE_LABELS[data.clusterState]} at
                the last refresh.
              </Typography>
            )}
            {data.groups.length > 0 && <ClusterLossTable loss={data} />}
          </>
        )}
      </Box>
    </Paper>
  );
}
