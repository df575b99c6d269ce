import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  DrStatus,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { formatClockTime } from '../format';
import { ErrorText, TimeCell } from './cells';
import { StatusText } from '../StatusText';

type Schedule = DrStatus['schedules'][number];
type Row = Schedule & { id: string };

/**
 * What is wrong with a schedule, most serious first: its storage location, a failed validation,
 * a pause, missed runs; else its phase (`Enabled` when not reported).
 */
function HealthCell(props: {
  schedule: Schedule;
  locationPhase?: string;
  now: number;
}) {
  const { schedule: s, locationPhase, now } = props;
  const problems: ReactNode[] = [];
  if (locationPhase !== undefined && locationPhase !== 'Available') {
    problems.push(
      <StatusText status={StatusError} key="location">
        location {s.storageLocation ?? 'default'} {locationPhase}
      </StatusText>,
    );
  }
  if (s.phase === 'FailedValidation') {
    problems.push(<ErrorText key="phase">FailedValidation</ErrorText>);
  }
  if (s.paused) {
    problems.push(
      <StatusText status={StatusWarning} key="paused">
        Paused
      </StatusText>,
    );
  }
  if (s.missedRuns > 0) {
    problems.push(
      <StatusText status={StatusWarning} key="missed">
        {`missed ${s.missedRuns} run${s.missedRuns === 1 ? '' : 's'}${
          s.missedSince ? ` since ${formatClockTime(s.missedSince, now)}` : ''
        }`}
      </StatusText>,
    );
  }
  if (problems.length > 0) {
    return <>{problems}</>;
  }
  if (s.phase === 'New') {
    return (
      <StatusText status={StatusPending}>New: not validated yet</StatusText>
    );
  }
  return <StatusText status={StatusOK}>{s.phase || 'Enabled'}</StatusText>;
}

/**
 * The Velero Schedules that take in the service, with their cadence, state (phase, pause, missed
 * runs), whether they move PVC data off the cluster, storage location and last backups.
 */
export function SchedulesTable(props: {
  schedules: DrStatus['schedules'];
  storageLocations: DrStatus['storageLocations'];
  rpoSeconds?: number;
  /** Whether the service has PVCs: then a schedule that moves no data is a warning. */
  hasPvcs?: boolean;
  now?: number;
}) {
  const {
    schedules,
    storageLocations,
    rpoSeconds,
    hasPvcs = false,
    now = Date.now(),
  } = props;
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
      cellStyle: { minWidth: 160 },
      render: s => (
        <HealthCell schedule={s} locationPhase={locationPhase(s)} now={now} />
      ),
    },
    {
      title: 'Backs up',
      field: 'movesData',
      render: s => {
        if (s.movesData) {
          return 'PVC data, off the cluster';
        }
        const text = 'manifests/local snapshots only';
        return hasPvcs ? (
          <StatusText status={StatusWarning}>{text}</StatusText>
        ) : (
          text
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
      render: s => (
        <>
          <TimeCell time={s.lastBackup} relative />
          {s.lastSuccessfulBackup &&
            s.lastSuccessfulBackup !== s.lastBackup && (
              <Typography variant="caption" color="textSecondary" component="p">
                last successful:{' '}
                <TimeCell time={s.lastSuccessfulBackup} relative />
              </Typography>
            )}
        </>
      ),
    },
  ];
  return (
    <Table<Row>
      title="Backup schedules"
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        // Headers are not drag handles (no interactive control inside another).
        draggable: false,
      }}
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
