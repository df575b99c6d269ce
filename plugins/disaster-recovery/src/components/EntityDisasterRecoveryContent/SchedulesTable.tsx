import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  DrStatus,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { TimeCell } from './cells';

type Schedule = DrStatus['schedules'][number];
type Row = Schedule & { id: string };

/**
 * The Velero Schedules that take in the service, with their cadence, state, storage location
 * and last backup.
 */
export function SchedulesTable(props: {
  schedules: DrStatus['schedules'];
  storageLocations: DrStatus['storageLocations'];
  rpoSeconds?: number;
}) {
  const { schedules, storageLocations, rpoSeconds } = props;
  const locationPhase = (row: Schedule) =>
    storageLocations.find(
      l =>
        l.cluster === row.cluster &&
        l.name === (row.storageLocation ?? 'default'),
    )?.phase;
  const columns: TableColumn<Row>[] = [
    { title: 'Cluster', field: 'cluster' },
    { title: 'Name', field: 'name' },
    {
      title: 'Cron',
      field: 'schedule',
      render: s => <code>{s.schedule}</code>,
    },
    {
      title: 'Longest gap',
      render: s => {
        if (s.maxIntervalSeconds === null) {
          return 'cannot read the expression';
        }
        const gap = formatDuration(s.maxIntervalSeconds);
        return rpoSeconds !== undefined && s.maxIntervalSeconds > rpoSeconds
          ? `${gap} (longer than the ${formatDuration(rpoSeconds)} RPO target)`
          : gap;
      },
    },
    {
      title: 'Health',
      cellStyle: { whiteSpace: 'nowrap' },
      render: s => {
        const phase = locationPhase(s);
        if (phase !== undefined && phase !== 'Available') {
          return (
            <StatusError>
              location {s.storageLocation ?? 'default'} {phase}
            </StatusError>
          );
        }
        return s.paused ? (
          <StatusWarning>Paused</StatusWarning>
        ) : (
          <StatusOK>Enabled</StatusOK>
        );
      },
    },
    {
      title: 'Storage location',
      field: 'storageLocation',
      render: s => s.storageLocation ?? 'default',
    },
    {
      title: 'Last backup',
      field: 'lastBackup',
      render: s => <TimeCell time={s.lastBackup} relative />,
    },
  ];
  return (
    <Table<Row>
      title="Backup schedules"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={schedules.map(s => ({ ...s, id: `${s.cluster}/${s.name}` }))}
      emptyContent={
        <div style={{ padding: 16 }}>
          No Velero Schedule takes in this service.
        </div>
      }
    />
  );
}
