import { Link, Table, TableColumn } from '@backstage/core-components';
import {
  DrRun,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { TimeCell } from '../EntityDisasterRecoveryContent/cells';
import { RUN_TYPE_LABELS, dataLostText, personLabel } from './labels';
import { RunStateLabel } from './RunStepper';

type Row = DrRun;

/**
 * The runs of an entity, newest first: type, who started it, when, the result, the measured RTO
 * and the data lost, each with a link that shows its steps (`?run=<id>`).
 */
export function RunHistoryTable(props: {
  runs: DrRun[];
  /** The run whose steps are shown, marked in the table. */
  selectedRunId?: string;
  /** The link to a run's steps; `?run=<id>` on the current page by default. */
  runLink?: (run: DrRun) => string;
}) {
  const {
    runs,
    selectedRunId,
    runLink = run => `?run=${encodeURIComponent(run.id)}`,
  } = props;
  const columns: TableColumn<Row>[] = [
    {
      title: 'Type',
      field: 'type',
      render: run => RUN_TYPE_LABELS[run.type],
    },
    {
      title: 'Started by',
      field: 'createdBy',
      render: run => (
        <span title={run.createdBy}>{personLabel(run.createdBy)}</span>
      ),
    },
    {
      title: 'Started',
      field: 'createdAt',
      render: run => (
        <>
          <TimeCell time={run.createdAt} />
          <br />
          <TimeCell time={run.createdAt} relative />
        </>
      ),
    },
    {
      title: 'Result',
      field: 'state',
      cellStyle: { whiteSpace: 'nowrap' },
      render: run => (
        <span title={run.error}>
          <RunStateLabel state={run.state} />
        </span>
      ),
    },
    {
      title: 'Measured RTO',
      field: 'measuredRtoSeconds',
      render: run =>
        run.measuredRtoSeconds === undefined
          ? '—'
          : formatDuration(run.measuredRtoSeconds),
    },
    {
      title: 'Data lost',
      render: run => dataLostText(run),
    },
    {
      title: 'Steps',
      render: run =>
        run.id === selectedRunId ? (
          <strong>shown above</strong>
        ) : (
          <Link
            to={runLink(run)}
            aria-label={`Show the steps of run ${run.id}`}
          >
            Show steps
          </Link>
        ),
    },
  ];
  return (
    <Table<Row>
      title="Run history"
      options={{
        paging: runs.length > 20,
        pageSize: 20,
        search: false,
        draggable: false,
        padding: 'dense',
      }}
      columns={columns}
      // The table marks its rows: give it copies.
      data={runs.map(run => ({ ...run }))}
      emptyContent={
        <div style={{ padding: 16 }}>
          No drill, failover or failback has been run from Backstage yet.
        </div>
      }
    />
  );
}
