import {
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { memo } from 'react';
import { DrClusterOverview } from '@backstage-dr/plugin-disaster-recovery-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CheckIcon from '@material-ui/icons/Check';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import { TimeCell } from '../EntityDisasterRecoveryContent/cells';

type Row = DrClusterOverview & { id: string };

const PROVIDER_ICONS = {
  installed: <CheckIcon />,
  'not-installed': undefined,
  unknown: <HelpOutlineIcon />,
};

const useStyles = makeStyles(theme => ({
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  line: { whiteSpace: 'nowrap' },
}));

const PROVIDER_STATES = {
  installed: 'installed',
  'not-installed': 'not installed',
  unknown: 'unknown: could not be read',
} as const;

/**
 * The clusters panel of the overview: per cluster whether the last refresh reached it, which
 * status providers are installed on it (every CRD present), the BackupStorageLocations that
 * services use on it with their phase, and what could not be read.
 */
function ClustersPanelComponent(props: {
  clusters?: DrClusterOverview[];
  loading?: boolean;
  error?: Error;
}) {
  const classes = useStyles();
  if (props.error) {
    return <ResponseErrorPanel error={props.error} title="Clusters" />;
  }
  const columns: TableColumn<Row>[] = [
    { title: 'Cluster', field: 'cluster' },
    {
      title: 'Reachable',
      field: 'reachable',
      render: c =>
        c.reachable ? (
          <StatusOK>Reachable</StatusOK>
        ) : (
          <StatusError>Unreachable</StatusError>
        ),
    },
    {
      title: 'Providers',
      sorting: false,
      cellStyle: { minWidth: 320 },
      render: c => (
        <div className={classes.chips}>
          {c.providers.map(p => (
            <Chip
              key={p.id}
              size="small"
              label={p.title}
              title={`${p.title}: ${PROVIDER_STATES[p.state]}`}
              aria-label={`${p.title}: ${PROVIDER_STATES[p.state]}`}
              variant={p.state === 'installed' ? 'default' : 'outlined'}
              icon={PROVIDER_ICONS[p.state]}
              style={p.state === 'not-installed' ? { opacity: 0.6 } : undefined}
            />
          ))}
        </div>
      ),
    },
    {
      title: 'Backup storage locations',
      sorting: false,
      render: c =>
        (c.storageLocations ?? []).length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            none used
          </Typography>
        ) : (
          c.storageLocations.map(l => (
            <div key={l.name} className={classes.line} title={l.message}>
              {l.phase === 'Available' ? (
                <StatusOK>
                  {l.name}: Available ({l.services}{' '}
                  {l.services === 1 ? 'service' : 'services'})
                </StatusOK>
              ) : (
                <StatusError>
                  {l.name}: {l.phase} ({l.services}{' '}
                  {l.services === 1 ? 'service' : 'services'})
                </StatusError>
              )}
            </div>
          ))
        ),
    },
    {
      title: 'Problems',
      sorting: false,
      render: c =>
        c.errors.length === 0 ? (
          '—'
        ) : (
          <StatusWarning>
            {c.errors[0].message}
            {c.errors.length > 1 ? ` (+${c.errors.length - 1} more)` : ''}
          </StatusWarning>
        ),
    },
    {
      title: 'Checked',
      field: 'checkedAt',
      render: c => <TimeCell time={c.checkedAt} relative />,
    },
  ];
  return (
    <Table<Row>
      title="Clusters"
      isLoading={props.loading}
      columns={columns}
      data={(props.clusters ?? []).map(c => ({ ...c, id: c.cluster }))}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        draggable: false,
      }}
      emptyContent={
        <Typography style={{ padding: 16 }} color="textSecondary">
          No cluster read yet: the first refresh has not run.
        </Typography>
      }
    />
  );
}

/** Memoised: renders again only when its props change. */
export const ClustersPanel = memo(ClustersPanelComponent);
