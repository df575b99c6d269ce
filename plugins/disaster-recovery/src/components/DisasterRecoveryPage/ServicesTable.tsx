import { parseEntityRef } from '@backstage/catalog-model';
import { Link, Table, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { TimeCell } from '../EntityDisasterRecoveryContent/cells';
import { formatSeconds } from '../format';
import { ownerLabel } from './FilterBar';
import { OverviewFilters, PAGE_SIZES, SortField } from './filters';
import { VerdictStatus } from './verdicts';

type Row = DrServiceRecord & { id: string };

// Ten columns fit a laptop screen with narrower cell padding.
const CELL = { paddingLeft: 8, paddingRight: 8 } as const;
const NOWRAP = { ...CELL, whiteSpace: 'nowrap' } as const;

const useStyles = makeStyles(theme => ({
  reason: {
    display: 'block',
    minWidth: 160,
    maxWidth: 240,
    marginTop: theme.spacing(0.5),
    color: theme.palette.text.secondary,
  },
  over: { color: theme.palette.error.main, fontWeight: 600 },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** The service's DR tab: `/catalog/<namespace>/<kind>/<name>/disaster-recovery`. */
function useDrTabLink(): (entityRef: string) => string | undefined {
  const entityRoute = useRouteRef(entityRouteRef);
  return entityRef => {
    try {
      return `${entityRoute(entityRouteParams(entityRef))}/disaster-recovery`;
    } catch {
      return undefined;
    }
  };
}

function systemLabel(ref: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(ref), { defaultKind: 'system' });
  } catch {
    return ref;
  }
}

/** `achieved / target`, the achieved value in red when it is above the target. */
function TargetCell(props: {
  value?: number;
  target?: number;
  none: string;
  label: string;
}) {
  const classes = useStyles();
  const { value, target, none, label } = props;
  const over = value !== undefined && target !== undefined && value > target;
  return (
    <span
      className={classes.nowrap}
      title={over ? `${label} above its target` : undefined}
    >
      <span className={over ? classes.over : undefined}>
        {formatSeconds(value, none)}
      </span>
      {' / '}
      {formatSeconds(target, '—')}
    </span>
  );
}

/**
 * One page of the services of the overview, paged and sorted by the backend: the page, sort and
 * page size come from `filters` and changes go to `onChange`. Each name links to the service's
 * "Disaster recovery" tab.
 */
export function ServicesTable(props: {
  items: DrServiceRecord[];
  totalCount: number;
  filters: OverviewFilters;
  loading?: boolean;
  onChange: (change: Partial<OverviewFilters>) => void;
  /** Shown in the table's toolbar. */
  title?: string;
  emptyContent?: ReactNode;
}) {
  const { items, totalCount, filters, onChange } = props;
  const classes = useStyles();
  const drTab = useDrTabLink();

  const sortable = (
    field: SortField,
  ): Partial<TableColumn<Row>> & { sortField: SortField } => ({
    sortField: field,
    // The rows come sorted from the backend; the table keeps their order.
    customSort: () => 0,
    defaultSort:
      filters.sort.field === field ? filters.sort.direction : undefined,
  });

  const columns: Array<TableColumn<Row> & { sortField?: SortField }> = [
    {
      title: 'Service',
      cellStyle: NOWRAP,
      field: 'name',
      ...sortable('name'),
      render: r => {
        const href = drTab(r.entityRef);
        return (
          <>
            {href ? <Link to={href}>{r.name}</Link> : r.name}
            {r.title && r.title !== r.name && (
              <Typography variant="caption" className={classes.reason}>
                {r.title}
              </Typography>
            )}
          </>
        );
      },
    },
    {
      title: 'Owner',
      field: 'owner',
      ...sortable('owner'),
      render: r => (r.owner ? ownerLabel(r.owner) : '—'),
    },
    {
      title: 'System',
      field: 'system',
      ...sortable('system'),
      render: r => (r.system ? systemLabel(r.system) : '—'),
    },
    {
      title: 'Tier',
      cellStyle: NOWRAP,
      field: 'tier',
      ...sortable('tier'),
      render: r => r.tier ?? '—',
    },
    {
      title: 'Strategy',
      field: 'strategy',
      ...sortable('strategy'),
      render: r => r.strategy ?? '—',
    },
    {
      title: 'RPO achieved / target',
      field: 'achievedRpoSeconds',
      ...sortable('achievedRpo'),
      render: r =>
        r.verdict === 'undeclared' || r.verdict === 'invalid' ? (
          '—'
        ) : (
          <TargetCell
            value={r.achievedRpoSeconds}
            target={r.rpoSeconds}
            none="none"
            label="Achieved RPO"
          />
        ),
    },
    {
      title: 'RTO measured / target',
      field: 'measuredRtoSeconds',
      ...sortable('measuredRto'),
      render: r =>
        r.verdict === 'undeclared' || r.verdict === 'invalid' ? (
          '—'
        ) : (
          <TargetCell
            value={r.measuredRtoSeconds}
            target={r.rtoSeconds}
            none="not measured"
            label="Measured RTO"
          />
        ),
    },
    {
      title: 'Last drill',
      field: 'lastDrillAt',
      ...sortable('lastDrill'),
      render: r =>
        r.lastDrillAt ? <TimeCell time={r.lastDrillAt} relative /> : 'never',
    },
    {
      title: 'Verdict',
      field: 'verdict',
      ...sortable('verdict'),
      render: r => (
        <>
          <span className={classes.nowrap}>
            <VerdictStatus verdict={r.verdict} />
          </span>
          {r.firstReason && (
            <Typography variant="caption" className={classes.reason}>
              {r.firstReason}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Clusters',
      field: 'clusters',
      sorting: false,
      cellStyle: NOWRAP,
      render: r =>
        r.clusters.length ? r.clusters.map(c => <div key={c}>{c}</div>) : '—',
    },
  ];

  return (
    <Table<Row>
      // The table reads its page size once: a new one (from the URL) needs a new table.
      key={filters.pageSize}
      title={props.title}
      isLoading={props.loading}
      columns={columns.map(c => ({
        cellStyle: CELL,
        headerStyle: CELL,
        ...c,
      }))}
      data={items.map(r => ({ ...r, id: r.entityRef }))}
      page={filters.page}
      totalCount={totalCount}
      onPageChange={page => onChange({ page })}
      onRowsPerPageChange={pageSize => onChange({ pageSize, page: 0 })}
      onOrderChange={(index, direction) => {
        const field = columns[index]?.sortField;
        onChange({
          sort:
            field && direction
              ? { field, direction }
              : { field: 'tier', direction: 'asc' },
          page: 0,
        });
      }}
      options={{
        search: false,
        paging: true,
        pageSize: filters.pageSize,
        pageSizeOptions: [...PAGE_SIZES],
        emptyRowsWhenPaging: false,
        padding: 'dense',
        draggable: false,
        thirdSortClick: false,
      }}
      emptyContent={props.emptyContent}
    />
  );
}
