import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { DrStatus } from '@backstage-dr/plugin-disaster-recovery-common';
import { alpha, useTheme } from '@material-ui/core/styles';

type Coverage = DrStatus['coverage'][number];
type Row = Coverage & { id: string };

function CoveredByCell(props: { row: Coverage }) {
  const { coveredBy } = props.row;
  if (coveredBy.length === 0) {
    return (
      <StatusError>
        Not covered: no Schedule or ReplicationSource backs it up
      </StatusError>
    );
  }
  return (
    <>
      {coveredBy.map(c =>
        c.paused ? (
          <StatusWarning key={`${c.kind}/${c.name}`}>
            {c.kind} {c.name} (paused)
          </StatusWarning>
        ) : (
          <StatusOK key={`${c.kind}/${c.name}`}>
            {c.kind} {c.name}
          </StatusOK>
        ),
      )}
    </>
  );
}

function coverageSummary(total: number, uncovered: number) {
  if (uncovered > 0) {
    return `${uncovered} of ${total} not covered`;
  }
  return total > 0 ? `all ${total} covered` : undefined;
}

/**
 * Every PVC of the service and what backs it up: a Velero Schedule or a VolSync
 * ReplicationSource. Uncovered PVCs are highlighted: they are a breach.
 */
export function CoverageTable(props: { coverage: DrStatus['coverage'] }) {
  const { coverage } = props;
  const theme = useTheme();
  const uncovered = coverage.filter(c => c.coveredBy.length === 0).length;
  const columns: TableColumn<Row>[] = [
    { title: 'Cluster', field: 'cluster' },
    { title: 'Namespace', field: 'namespace' },
    { title: 'PVC', field: 'pvc' },
    {
      title: 'Covered by',
      cellStyle: { minWidth: 240 },
      render: row => <CoveredByCell row={row} />,
    },
  ];
  return (
    <Table<Row>
      title="Coverage of PVCs"
      subtitle={coverageSummary(coverage.length, uncovered)}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        rowStyle: (row: Row) =>
          row.coveredBy.length === 0
            ? { backgroundColor: alpha(theme.palette.error.main, 0.12) }
            : {},
      }}
      columns={columns}
      data={coverage.map(c => ({
        ...c,
        id: `${c.cluster}/${c.namespace}/${c.pvc}`,
      }))}
      emptyContent={
        <div style={{ padding: 16 }}>
          No PersistentVolumeClaim found: the service keeps no volumes to cover.
        </div>
      }
    />
  );
}
