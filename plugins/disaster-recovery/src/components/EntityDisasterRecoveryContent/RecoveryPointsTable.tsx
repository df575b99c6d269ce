import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { DrRecoveryPoint } from '@backstage-dr/plugin-disaster-recovery-common';
import {
  SOURCE_LABELS,
  formatAge,
  formatRelativeTime,
  secondsSince,
} from '../format';
import { TimeCell } from './cells';
import { StatusText } from '../StatusText';

type Row = DrRecoveryPoint & { id: string };

function CountsCell(props: { point: DrRecoveryPoint }) {
  const { point } = props;
  if (point.counted) {
    return <StatusText status={StatusOK}>Counted</StatusText>;
  }
  if (point.usable) {
    return <StatusText status={StatusWarning}>Usable, not counted</StatusText>;
  }
  return <StatusText status={StatusError}>Not usable</StatusText>;
}

function ExpiryCell(props: { expiresAt?: string; now: number }) {
  const { expiresAt, now } = props;
  if (!expiresAt) {
    return <>—</>;
  }
  const expired = Date.parse(expiresAt) <= now;
  return (
    <time dateTime={expiresAt} title={expiresAt}>
      {expired ? 'expired ' : ''}
      {formatRelativeTime(expiresAt, now)}
    </time>
  );
}

/**
 * Every recovery point of the service, newest first: where it comes from, how old it is,
 * whether it can be restored from and whether it counts for the achieved RPO, and why not.
 */
export function RecoveryPointsTable(props: {
  points: DrRecoveryPoint[];
  now?: number;
}) {
  const { points, now = Date.now() } = props;
  const columns: TableColumn<Row>[] = [
    {
      title: 'Source',
      cellStyle: { whiteSpace: 'nowrap' },
      field: 'source',
      render: p => SOURCE_LABELS[p.source] ?? p.source,
    },
    {
      title: 'Name',
      field: 'name',
      cellStyle: { minWidth: 160, overflowWrap: 'anywhere' },
      render: p => (p.namespace ? `${p.namespace}/${p.name}` : p.name),
    },
    { title: 'Cluster', field: 'cluster' },
    { title: 'Time', field: 'time', render: p => <TimeCell time={p.time} /> },
    {
      title: 'Age',
      cellStyle: { whiteSpace: 'nowrap' },
      render: p => (p.time ? formatAge(secondsSince(p.time, now)) : '—'),
    },
    {
      title: 'Phase',
      field: 'phase',
      cellStyle: { whiteSpace: 'nowrap' },
      render: p => p.phase ?? '—',
    },
    {
      title: 'Errors / warnings',
      render: p =>
        p.errors === undefined && p.warnings === undefined
          ? '—'
          : `${p.errors ?? 0} / ${p.warnings ?? 0}`,
    },
    {
      title: 'Expires',
      field: 'expiresAt',
      render: p => <ExpiryCell expiresAt={p.expiresAt} now={now} />,
    },
    {
      title: 'Counts for RPO',
      cellStyle: { whiteSpace: 'nowrap' },
      render: p => <CountsCell point={p} />,
    },
    {
      title: 'Why',
      field: 'reason',
      cellStyle: { minWidth: 180 },
      render: p =>
        p.reason ??
        (p.counted ? 'survives the loss of the primary cluster' : '—'),
    },
  ];
  return (
    <Table<Row>
      title="Recovery points"
      subtitle={`${points.filter(p => p.counted).length} of ${
        points.length
      } count for the achieved RPO`}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        // Headers are not drag handles (no interactive control inside another).
        draggable: false,
      }}
      columns={columns}
      data={points.map((p, i) => ({ ...p, id: `${p.cluster}/${p.name}/${i}` }))}
      emptyContent={
        <div style={{ padding: 16 }}>
          No recovery point: no backup, snapshot or replication of this service
          was found.
        </div>
      }
    />
  );
}
