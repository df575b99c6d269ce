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
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode, memo, useCallback, useMemo, useRef } from 'react';
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
  // The dark red: the main one is below 4.5:1 on white.
  over: { color: theme.palette.error.dark, fontWeight: 600 },
  nowrap: { whiteSpace: 'nowrap' },
}));

/** The service's DR tab: `/catalog/<namespace>/<kind>/<name>/disaster-recovery`. */
function useDrTabLink(): (entityRef: string) => string | undefined {
  const entityRoute = useRouteRef(entityRouteRef);
  return useCallback(
    (entityRef: string) => {
      try {
        return `${entityRoute(entityRouteParams(entityRef))}/disaster-recovery`;
      } catch {
        return undefined;
      }
    },
    [entityRoute],
  );
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
function ServicesTableComponent(props: {
  items: DrServiceRecord[];
  totalCount: number;
  filters: OverviewFilters;
  loading?: boolean;
  onChange: (change: Partial<OverviewFilters>) => void;
  /** Shown in the table's toolbar. */
  title?: string;
  emptyContent?: ReactNode;
}) {
  const { items, totalCount, filters } = props;
  const classes = useStyles();
  // The latest link builder and onChange, so that the columns and handlers below need not change
  // with them (the route resolver changes with every URL, i.e. with every filter).
  const drTab = useDrTabLink();
  const drTabRef = useRef(drTab);
  drTabRef.current = drTab;
  const onChangeRef = useRef(props.onChange);
  onChangeRef.current = props.onChange;
  const sortField = filters.sort.field;
  const sortDirection = filters.sort.direction;

  // Columns, rows and options keep their identity between renders unless what they show
  // changes: the table re-processes all of them whenever a new array or object comes in.
  // Low-value columns give way on narrower screens rather than cutting the table: System below
  // 1600 px, Strategy and Clusters (both filters of the bar) up to 1440 px. Where the media
  // cannot be queried (tests), every column shows.
  const wide = useMediaQuery('(min-width: 1600px)', {
    noSsr: true,
    defaultMatches: true,
  });
  const medium = useMediaQuery('(min-width: 1441px)', {
    noSsr: true,
    defaultMatches: true,
  });
  // A new table for new rows: material-table compares its columns on every data change and warns
  // (development) that columns with render functions are "static"; a fresh one just renders.
  const version = useRef({ items, n: 0 });
  if (version.current.items !== items) {
    version.current = { items, n: version.current.n + 1 };
  }

  const columns = useMemo(() => {
    const sortable = (
      field: SortField,
    ): Partial<TableColumn<Row>> & { sortField: SortField } => ({
      sortField: field,
      // The rows come sorted from the backend; the table keeps their order.
      customSort: () => 0,
      defaultSort: sortField === field ? sortDirection : undefined,
    });

    const list: Array<TableColumn<Row> & { sortField?: SortField }> = [
      {
        title: 'Service',
        cellStyle: NOWRAP,
        field: 'name',
        ...sortable('name'),
        render: r => {
          const href = drTabRef.current(r.entityRef);
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
        cellStyle: NOWRAP,
        field: 'owner',
        ...sortable('owner'),
        render: r => (r.owner ? ownerLabel(r.owner) : '—'),
      },
      {
        title: 'System',
        cellStyle: NOWRAP,
        hidden: !wide,
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
        cellStyle: NOWRAP,
        hidden: !medium,
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
        hidden: !medium,
        cellStyle: NOWRAP,
        render: r =>
          r.clusters.length ? r.clusters.map(c => <div key={c}>{c}</div>) : '—',
      },
    ];
    return list.map(c => ({ cellStyle: CELL, headerStyle: CELL, ...c }));
  }, [classes, sortField, sortDirection, wide, medium]);
  const data = useMemo(
    () => items.map(r => ({ ...r, id: r.entityRef })),
    [items],
  );
  const options = useMemo(
    () => ({
      search: false,
      paging: true,
      pageSize: filters.pageSize,
      pageSizeOptions: [...PAGE_SIZES],
      emptyRowsWhenPaging: false,
      padding: 'dense' as const,
      draggable: false,
      thirdSortClick: false,
    }),
    [filters.pageSize],
  );
  const onPageChange = useCallback(
    (page: number) => onChangeRef.current({ page }),
    [],
  );
  const onRowsPerPageChange = useCallback(
    (pageSize: number) => onChangeRef.current({ pageSize, page: 0 }),
    [],
  );
  const onOrderChange = useCallback(
    (index: number, direction: 'asc' | 'desc') => {
      const field = columns[index]?.sortField;
      onChangeRef.current({
        sort:
          field && direction
            ? { field, direction }
            : { field: 'tier', direction: 'asc' },
        page: 0,
      });
    },
    [columns],
  );

  return (
    <Table<Row>
      // The table reads its page size once: a new one (from the URL) needs a new table; and
      // new rows get a new table (see `version`).
      key={`${filters.pageSize}/${version.current.n}`}
      title={props.title}
      isLoading={props.loading}
      columns={columns}
      data={data}
      page={filters.page}
      totalCount={totalCount}
      onPageChange={onPageChange}
      onRowsPerPageChange={onRowsPerPageChange}
      onOrderChange={onOrderChange}
      options={options}
      emptyContent={props.emptyContent}
    />
  );
}

type ServicesTableProps = Parameters<typeof ServicesTableComponent>[0];

/** Whether two sets of props show the same table (`onChange` may differ: the latest is used). */
function sameTable(a: ServicesTableProps, b: ServicesTableProps): boolean {
  return (
    a.items === b.items &&
    a.totalCount === b.totalCount &&
    a.title === b.title &&
    a.loading === b.loading &&
    a.filters.page === b.filters.page &&
    a.filters.pageSize === b.filters.pageSize &&
    a.filters.sort.field === b.filters.sort.field &&
    a.filters.sort.direction === b.filters.sort.direction &&
    (a.items.length > 0 || a.emptyContent === b.emptyContent)
  );
}

/**
 * The services table: one page of services as the backend sorted and paged them. Renders again
 * only when the rows, the count, the page or the sort change, not on every filter keystroke.
 */
export const ServicesTable = memo(ServicesTableComponent, sameTable);
