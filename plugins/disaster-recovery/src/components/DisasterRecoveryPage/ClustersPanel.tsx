import {
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { memo, useMemo, useRef } from 'react';
import {
  ClusterResource,
  DR_PROVIDERS,
  DrClusterOverview,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { makeStyles } from '@material-ui/core/styles';
import CheckIcon from '@material-ui/icons/Check';
import HelpOutlineIcon from '@material-ui/icons/HelpOutline';
import { TimeCell } from '../EntityDisasterRecoveryContent/cells';

type Row = DrClusterOverview & { id: string };

// The resource types of every provider of the suite, in their order; a company's own provider's
// types are shown by their resource key.
const RESOURCE_TYPES = DR_PROVIDERS.flatMap(p => p.resourceTypes);
const kindsOf = (resources: ClusterResource[]): string[] => [
  ...RESOURCE_TYPES.filter(t => resources.includes(t.resource)).map(
    t => t.kind,
  ),
  ...resources.filter(r => !RESOURCE_TYPES.some(t => t.resource === r)),
];
const PROVIDER_ICONS = {
  installed: <CheckIcon />,
  'not-installed': undefined,
  unknown: <HelpOutlineIcon />,
};

// Narrow cells: the panel fits a 1280 px screen with the sidebar open. Names never break
// (nowrap); chips, states and messages wrap between words.
const CELL = { paddingLeft: 8, paddingRight: 8 } as const;
const NAME_CELL = { ...CELL, whiteSpace: 'nowrap' } as const;

const useStyles = makeStyles(theme => ({
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  location: { minWidth: 160 },
  name: { whiteSpace: 'nowrap' },
  message: { maxWidth: 360, overflowWrap: 'anywhere' },
}));

const PROVIDER_STATES = {
  installed: 'installed',
  'not-installed': 'not installed',
  unknown: 'unknown: could not be read',
} as const;

/** How each kind of read failure is named in the panel. */
const FAILURE_KINDS: Record<string, string> = {
  unauthorized: '401 Unauthorized',
  forbidden: '403 Forbidden',
  'server-error': 'server error',
  timeout: 'no answer in time',
  unreachable: 'not reachable',
  'unknown-cluster': 'not configured in the Kubernetes plugin',
  malformed: 'not a Kubernetes list',
};

/**
 * What could not be read on a cluster: for a degraded cluster, the failing resource types (by
 * their Kubernetes kinds, in a fixed order) by kind of failure; for an unreachable one, why. The API server's own messages only when the
 * caller may see them (`disaster-recovery.clusters.details`).
 */
function ReadFailures(props: { cluster: DrClusterOverview }) {
  const classes = useStyles();
  const { cluster } = props;
  if (cluster.state === 'ok') {
    return <>—</>;
  }
  const byKind = new Map<string, ClusterResource[]>();
  for (const e of cluster.errors) {
    const resources = byKind.get(e.kind) ?? [];
    resources.push(
      ...e.resources.filter(r => cluster.failingResources.includes(r)),
    );
    byKind.set(e.kind, resources);
  }
  const messages = [
    ...new Set(cluster.errors.flatMap(e => (e.message ? [e.message] : []))),
  ];
  return (
    <div>
      {[...byKind.entries()].map(([kind, resources]) => (
        <Typography key={kind} variant="body2">
          {cluster.state === 'degraded' && resources.length > 0
            ? `${kindsOf(resources).join(', ')}: `
            : ''}
          {FAILURE_KINDS[kind] ?? kind}
        </Typography>
      ))}
      {messages.map(m => (
        <Typography
          key={m}
          variant="caption"
          color="textSecondary"
          component="div"
          className={classes.message}
        >
          {m}
        </Typography>
      ))}
    </div>
  );
}

/**
 * The clusters panel of the overview: per cluster its state (ok, degraded, unreachable), which
 * status providers are installed on it (every CRD present), the BackupStorageLocations that
 * the caller's services use on it with their phase, and what could not be read (with the API
 * server's messages when the caller may see them).
 */
function ClustersPanelComponent(props: {
  clusters?: DrClusterOverview[];
  loading?: boolean;
  error?: Error;
}) {
  const classes = useStyles();
  // "Checked" (the same refresh for every cluster) gives way up to 1440 px rather than cutting
  // the table; where the media cannot be queried (tests), it shows.
  const wide = useMediaQuery('(min-width: 1441px)', {
    noSsr: true,
    defaultMatches: true,
  });
  // Columns and rows keep their identity while the clusters do: material-table re-processes
  // (and warns about) columns with render functions that change on every render.
  const columns = useMemo((): TableColumn<Row>[] => {
    const list: TableColumn<Row>[] = [
      { title: 'Cluster', field: 'cluster', cellStyle: NAME_CELL },
      {
        title: 'State',
        field: 'state',
        cellStyle: NAME_CELL,
        render: c => {
          if (c.state === 'unreachable') {
            return <StatusError>Unreachable</StatusError>;
          }
          if (c.state === 'degraded') {
            return <StatusWarning>Degraded</StatusWarning>;
          }
          return <StatusOK>OK</StatusOK>;
        },
      },
      {
        title: 'Providers',
        sorting: false,
        cellStyle: { ...CELL, minWidth: 180 },
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
                style={
                  p.state === 'not-installed' ? { opacity: 0.6 } : undefined
                }
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
              <div key={l.name} className={classes.location} title={l.message}>
                {l.phase === 'Available' ? (
                  <StatusOK>
                    <span className={classes.name}>{l.name}:</span> Available (
                    {l.services} {l.services === 1 ? 'service' : 'services'})
                  </StatusOK>
                ) : (
                  <StatusError>
                    <span className={classes.name}>{l.name}:</span> {l.phase} (
                    {l.services} {l.services === 1 ? 'service' : 'services'})
                  </StatusError>
                )}
              </div>
            ))
          ),
      },
      {
        title: 'Could not be read',
        sorting: false,
        cellStyle: { ...CELL, minWidth: 180 },
        render: c => <ReadFailures cluster={c} />,
      },
      {
        title: 'Checked',
        field: 'checkedAt',
        hidden: !wide,
        cellStyle: NAME_CELL,
        render: c => <TimeCell time={c.checkedAt} relative />,
      },
    ];
    return list.map(c => ({ cellStyle: CELL, headerStyle: CELL, ...c }));
  }, [classes, wide]);
  const data = useMemo(
    () => (props.clusters ?? []).map(c => ({ ...c, id: c.cluster })),
    [props.clusters],
  );
  // New clusters get a new table: material-table compares its columns on every data change and
  // warns (development) that columns with render functions are "static"; a fresh table just
  // renders. The clusters change once a refresh, so this costs nothing worth measuring.
  const version = useRef({ data, n: 0 });
  if (version.current.data !== data) {
    version.current = { data, n: version.current.n + 1 };
  }
  const options = useMemo(
    () => ({
      paging: false,
      search: false,
      padding: 'dense' as const,
      draggable: false,
    }),
    [],
  );

  if (props.error) {
    return <ResponseErrorPanel error={props.error} title="Clusters" />;
  }
  return (
    <Table<Row>
      key={version.current.n}
      title="Clusters"
      isLoading={props.loading}
      columns={columns}
      data={data}
      options={options}
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
