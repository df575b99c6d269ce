import {
  StatusError,
  StatusOK,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { DrStatus } from '@backstage-dr/plugin-disaster-recovery-common';
import { TimeCell } from './cells';
import { StatusText } from '../StatusText';

type Row = DrStatus['storageLocations'][number] & { id: string };

/** The Velero BackupStorageLocations the service's backups use, with their health. */
export function StorageLocationsTable(props: {
  storageLocations: DrStatus['storageLocations'];
}) {
  const columns: TableColumn<Row>[] = [
    { title: 'Cluster', field: 'cluster' },
    { title: 'Name', field: 'name' },
    {
      title: 'Phase',
      cellStyle: { whiteSpace: 'nowrap' },
      field: 'phase',
      render: l =>
        l.phase === 'Available' ? (
          <StatusText status={StatusOK}>Available</StatusText>
        ) : (
          <StatusText status={StatusError}>{l.phase || 'Unknown'}</StatusText>
        ),
    },
    {
      title: 'Last validated',
      field: 'lastValidationTime',
      render: l => <TimeCell time={l.lastValidationTime} relative />,
    },
    { title: 'Message', field: 'message', render: l => l.message ?? '—' },
  ];
  return (
    <Table<Row>
      title="Backup storage locations"
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        // Headers are not drag handles (no interactive control inside another).
        draggable: false,
      }}
      columns={columns}
      data={props.storageLocations.map(l => ({
        ...l,
        id: `${l.cluster}/${l.name}`,
      }))}
      emptyContent={
        <div style={{ padding: 16 }}>No BackupStorageLocation is used.</div>
      }
    />
  );
}
