import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Toolbar from '@material-ui/core/Toolbar';
import Typography from '@material-ui/core/Typography';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode, memo, useCallback, useId, useMemo, useRef } from 'react';
import { useDrTabLink } from '../DrRuns/links';
import { TimeCell } from '../EntityDisasterRecoveryContent/cells';
import { formatSeconds } from '../format';
import { ownerLabel } from './FilterBar';
import { OverviewFilters, PAGE_SIZES, SortField } from './filters';
import { VerdictStatus } from './verdicts';

const useStyles = makeStyles(theme => ({
  toolbar: { paddingLeft: theme.spacing(2), paddingRight: theme.spacing(2) },
  scroll: { overflowX: 'auto' },
  // Ten columns fit a laptop screen with narrower cell padding. Words break only between them
  // (Backstage's theme breaks table cells anywhere, splitting names and headers mid-word).
  cell: {
    paddingLeft: theme.spacing(1),
    paddingRight: theme.spacing(1),
    verticalAlign: 'top',
    wordBreak: 'normal',
  },
  head: { fontWeight: 600 },
  sortLabel: {
    borderRadius: theme.shape.borderRadius,
    '&:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
  nowrap: { whiteSpace: 'nowrap' },
  // Reasons name objects (`data/data-orders-db-0,`): those may break anywhere.
  reason: {
    display: 'block',
    minWidth: 160,
    maxWidth: 240,
    marginTop: theme.spacing(0.5),
    color: theme.palette.text.secondary,
    overflowWrap: 'anywhere',
  },
  // The dark red: the main one is below 4.5:1 on white.
  over: { color: theme.palette.error.dark, fontWeight: 600 },
}));

type Classes = ReturnType<typeof useStyles>;

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
  classes: Classes;
}) {
  const { value, target, none, label, classes } = props;
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

/** What a column shows of a record. */
interface RenderContext {
  classes: Classes;
  /** The service's DR tab, when the catalog's entity page is mounted. */
  drTab: (entityRef: string) => string | undefined;
}

interface Column {
  id: string;
  title: string;
  /** The backend's sort field; none: not sortable. */
  sortField?: SortField;
  /** Kept on one line (short values). */
  nowrap?: boolean;
  /**
   * Shown only on wide screens (`wide`: 1600 px and more) or from medium ones (`medium`: more
   * than 1440 px): low-value columns give way first. Always shown without.
   */
  screen?: 'wide' | 'medium';
  render: (r: DrServiceRecord, context: RenderContext) => ReactNode;
}

/**
 * A column of an achieved value against its target (seconds), e.g. the achieved RPO: `—` for a
 * service without a valid declaration (it has no targets).
 */
function targetColumn(options: {
  id: string;
  title: string;
  sortField: SortField;
  value: (r: DrServiceRecord) => number | undefined;
  target: (r: DrServiceRecord) => number | undefined;
  /** Shown when there is no achieved value, e.g. `not measured`. */
  none: string;
  /** The value's name in the over-target hint, e.g. `Achieved RPO`. */
  label: string;
}): Column {
  const { id, title, sortField, value, target, none, label } = options;
  return {
    id,
    title,
    sortField,
    render: (r, { classes }) =>
      r.verdict === 'undeclared' || r.verdict === 'invalid' ? (
        '—'
      ) : (
        <TargetCell
          value={value(r)}
          target={target(r)}
          none={none}
          label={label}
          classes={classes}
        />
      ),
  };
}

/**
 * The columns, in order. System shows from 1600 px, Strategy and Clusters (both filters of the
 * bar) from 1441 px, so that no column is cut at 1280 or 1440 px.
 */
const COLUMNS: Column[] = [
  {
    id: 'name',
    title: 'Service',
    sortField: 'name',
    nowrap: true,
    render: (r, { classes, drTab }) => {
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
    id: 'owner',
    title: 'Owner',
    sortField: 'owner',
    nowrap: true,
    render: r => (r.owner ? ownerLabel(r.owner) : '—'),
  },
  {
    id: 'system',
    title: 'System',
    sortField: 'system',
    nowrap: true,
    screen: 'wide',
    render: r => (r.system ? systemLabel(r.system) : '—'),
  },
  {
    id: 'tier',
    title: 'Tier',
    sortField: 'tier',
    nowrap: true,
    render: r => r.tier ?? '—',
  },
  {
    id: 'strategy',
    title: 'Strategy',
    sortField: 'strategy',
    nowrap: true,
    screen: 'medium',
    render: r => r.strategy ?? '—',
  },
  targetColumn({
    id: 'rpo',
    title: 'RPO achieved / target',
    sortField: 'achievedRpo',
    value: r => r.achievedRpoSeconds,
    target: r => r.rpoSeconds,
    none: 'none',
    label: 'Achieved RPO',
  }),
  targetColumn({
    id: 'rto',
    title: 'RTO measured / target',
    sortField: 'measuredRto',
    value: r => r.measuredRtoSeconds,
    target: r => r.rtoSeconds,
    none: 'not measured',
    label: 'Measured RTO',
  }),
  {
    id: 'lastDrill',
    title: 'Last drill',
    sortField: 'lastDrill',
    render: r =>
      r.lastDrillAt ? <TimeCell time={r.lastDrillAt} relative /> : 'never',
  },
  {
    id: 'verdict',
    title: 'Verdict',
    sortField: 'verdict',
    render: (r, { classes }) => (
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
    id: 'clusters',
    title: 'Clusters',
    nowrap: true,
    screen: 'medium',
    render: r =>
      r.clusters.length ? r.clusters.map(c => <div key={c}>{c}</div>) : '—',
  },
];

/** One service's row; renders again only when its record or the columns change. */
const ServiceRow = memo(function ServiceRowComponent(props: {
  record: DrServiceRecord;
  columns: Column[];
  context: RenderContext;
}) {
  const { record, columns, context } = props;
  const { classes } = context;
  return (
    <TableRow>
      {columns.map(c => (
        <TableCell
          key={c.id}
          className={
            c.nowrap ? `${classes.cell} ${classes.nowrap}` : classes.cell
          }
        >
          {c.render(record, context)}
        </TableCell>
      ))}
    </TableRow>
  );
});

/**
 * One page of the services of the overview, paged and sorted by the backend: the page, sort and
 * page size come from `filters` and changes go to `onChange` (a header click sorts by its column,
 * ascending, or turns the direction of the current one; a new sort or page size goes back to the
 * first page). Each name links to the service's "Disaster recovery" tab.
 *
 * A plain Material UI table: new rows render once, reusing the rows' elements, where a
 * material-table would process its columns and rows again (or be built anew) on every answer.
 */
function ServicesTableComponent(props: {
  items: DrServiceRecord[];
  totalCount: number;
  filters: OverviewFilters;
  /** A newer page is loading (the rows shown are the previous answer's). */
  loading?: boolean;
  onChange: (change: Partial<OverviewFilters>) => void;
  /** The table's heading, e.g. `Services (120)`; also its accessible name. */
  title?: string;
  /** Shown instead of the rows when there is none. */
  emptyContent?: ReactNode;
}) {
  const { items, totalCount, filters, title, loading } = props;
  const classes = useStyles();
  const titleId = useId();
  // The latest onChange, so that the handlers below need not change with it.
  const onChangeRef = useRef(props.onChange);
  onChangeRef.current = props.onChange;
  // The latest link builder: the route resolver changes with every URL (every filter change),
  // the links it gives do not, so the rows need not render again for it.
  const drTab = useDrTabLink();
  const drTabRef = useRef(drTab);
  drTabRef.current = drTab;
  const context = useMemo<RenderContext>(
    () => ({ classes, drTab: (ref: string) => drTabRef.current(ref) }),
    [classes],
  );

  // Where the media cannot be queried (tests), every column shows.
  const wide = useMediaQuery('(min-width: 1600px)', {
    noSsr: true,
    defaultMatches: true,
  });
  const medium = useMediaQuery('(min-width: 1441px)', {
    noSsr: true,
    defaultMatches: true,
  });
  const columns = useMemo(() => {
    const shown = { wide, medium };
    return COLUMNS.filter(c => c.screen === undefined || shown[c.screen]);
  }, [wide, medium]);

  const { field: sortField, direction: sortDirection } = filters.sort;
  const onSort = useCallback(
    (field: SortField) =>
      onChangeRef.current({
        sort: {
          field,
          direction:
            field === sortField && sortDirection === 'asc' ? 'desc' : 'asc',
        },
        page: 0,
      }),
    [sortField, sortDirection],
  );
  const onPageChange = useCallback(
    (_event: unknown, page: number) => onChangeRef.current({ page }),
    [],
  );
  const onRowsPerPageChange = useCallback(
    (event: { target: { value: string } }) =>
      onChangeRef.current({ pageSize: Number(event.target.value), page: 0 }),
    [],
  );

  return (
    <Paper>
      {title && (
        <Toolbar className={classes.toolbar}>
          <Typography variant="h5" component="h2" id={titleId}>
            {title}
          </Typography>
        </Toolbar>
      )}
      <div className={classes.scroll}>
        <Table
          size="small"
          aria-labelledby={title ? titleId : undefined}
          aria-busy={loading || undefined}
        >
          <TableHead>
            <TableRow>
              {columns.map(c => {
                const active =
                  c.sortField !== undefined && c.sortField === sortField;
                return (
                  <TableCell
                    key={c.id}
                    className={`${classes.cell} ${classes.head}`}
                    sortDirection={active ? sortDirection : false}
                  >
                    {c.sortField ? (
                      <TableSortLabel
                        className={classes.sortLabel}
                        active={active}
                        direction={active ? sortDirection : 'asc'}
                        onClick={() => onSort(c.sortField!)}
                      >
                        {c.title}
                      </TableSortLabel>
                    ) : (
                      c.title
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          </TableHead>
          <TableBody>
            {items.length === 0 ? (
              <TableRow>
                <TableCell colSpan={columns.length}>
                  {props.emptyContent ?? 'No services.'}
                </TableCell>
              </TableRow>
            ) : (
              items.map(r => (
                <ServiceRow
                  key={r.entityRef}
                  record={r}
                  columns={columns}
                  context={context}
                />
              ))
            )}
          </TableBody>
        </Table>
      </div>
      <TablePagination
        component="div"
        count={totalCount}
        page={filters.page}
        rowsPerPage={filters.pageSize}
        rowsPerPageOptions={[...PAGE_SIZES]}
        onPageChange={onPageChange}
        onRowsPerPageChange={onRowsPerPageChange}
      />
    </Paper>
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
