import {
  StatusError,
  StatusOK,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  DrStatus,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { StatusText } from '../StatusText';

type Row = DrStatus['replication'][number] & { id: string };

/**
 * Replication to the recovery side (VolSync, CloudNativePG replica clusters, MirrorMaker 2):
 * health and the lag now.
 */
export function ReplicationTable(props: {
  replication: DrStatus['replication'];
  rpoSeconds?: number;
}) {
  const { replication, rpoSeconds } = props;
  const columns: TableColumn<Row>[] = [
    { title: 'Kind', field: 'kind' },
    {
      title: 'Name',
      field: 'name',
      render: r => (r.namespace ? `${r.namespace}/${r.name}` : r.name),
    },
    { title: 'Cluster', field: 'cluster' },
    {
      title: 'Health',
      cellStyle: { whiteSpace: 'nowrap' },
      field: 'healthy',
      render: r =>
        r.healthy ? (
          <StatusText status={StatusOK}>Healthy</StatusText>
        ) : (
          <StatusText status={StatusError}>Unhealthy</StatusText>
        ),
    },
    {
      title: 'Lag now',
      field: 'lagSeconds',
      render: r => {
        if (r.lagSeconds === null) {
          return 'not measured';
        }
        const lag = formatDuration(r.lagSeconds);
        return rpoSeconds !== undefined && r.lagSeconds > rpoSeconds ? (
          <StatusText status={StatusError}>
            {lag} (above the {formatDuration(rpoSeconds)} RPO target)
          </StatusText>
        ) : (
          lag
        );
      },
    },
    { title: 'Message', field: 'message' },
  ];
  return (
    <Table<Row>
      title="Replication"
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        // Headers are not drag handles (no interactive control inside another).
        draggable: false,
      }}
      columns={columns}
      data={replication.map(r => ({
        ...r,
        id: `${r.cluster}/${r.kind}/${r.namespace}/${r.name}`,
      }))}
      emptyContent={
        <div style={{ padding: 16 }}>
          No replication: recovery relies on backups.
        </div>
      }
    />
  );
}
