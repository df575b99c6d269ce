import {
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  DrPvcCoverage,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Typography from '@material-ui/core/Typography';
import { alpha, useTheme } from '@material-ui/core/styles';
import { describePvcPoint, formatRelativeTime, worstPvcs } from '../format';
import { ErrorText, TimeCell } from './cells';
import { StatusText } from '../StatusText';

type Row = DrPvcCoverage & { id: string; worst: boolean };

const KIND_LABELS: Record<DrPvcCoverage['coveredBy'][number]['kind'], string> =
  {
    Schedule: 'Schedule',
    ReplicationSource: 'ReplicationSource',
    Cluster: 'CloudNativePG Cluster',
    KafkaMirrorMaker2: 'KafkaMirrorMaker2',
  };

const pvcName = (c: DrPvcCoverage) => `${c.namespace}/${c.pvc}`;

function CoveredByCell(props: { row: DrPvcCoverage }) {
  const { coveredBy } = props.row;
  if (coveredBy.length === 0) {
    return (
      <ErrorText>
        Not covered: no Schedule, ReplicationSource or replica backs it up
      </ErrorText>
    );
  }
  return (
    <>
      {coveredBy.map(c => {
        const flags = [
          ...(c.paused ? ['paused'] : []),
          ...(c.offCluster === false ? ['local only'] : []),
        ];
        const text = `${KIND_LABELS[c.kind] ?? c.kind} ${c.name}${
          flags.length > 0 ? ` (${flags.join(', ')})` : ''
        }`;
        const key = `${c.kind}/${c.name}`;
        if (flags.length === 0) {
          return (
            <StatusText status={StatusOK} key={key}>
              {text}
            </StatusText>
          );
        }
        return (
          <span
            key={key}
            title={
              c.offCluster === false
                ? 'What it makes stays on the primary cluster: it is lost with the cluster.'
                : undefined
            }
          >
            <StatusText status={StatusWarning}>{text}</StatusText>
          </span>
        );
      })}
    </>
  );
}

function NewestPointCell(props: { row: DrPvcCoverage; now: number }) {
  const { row, now } = props;
  const point = row.newestPoint;
  if (!point) {
    return (
      <>
        <ErrorText>none</ErrorText>
        <Typography variant="caption" color="textSecondary" component="p">
          no recovery point of its data survives the loss of the cluster
        </Typography>
      </>
    );
  }
  return (
    <>
      <Typography variant="body2" component="p">
        {describePvcPoint(point)}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        <TimeCell time={point.time} /> ({formatRelativeTime(point.time, now)})
      </Typography>
    </>
  );
}

function AchievedRpoCell(props: { row: Row; rpoSeconds?: number }) {
  const { row, rpoSeconds } = props;
  const target =
    rpoSeconds === undefined ? '' : ` / ${formatDuration(rpoSeconds)} target`;
  let value;
  if (row.achievedRpoSeconds === null) {
    value = <ErrorText>none{target}</ErrorText>;
  } else {
    const text = `${formatDuration(row.achievedRpoSeconds)}${target}`;
    value =
      rpoSeconds !== undefined && row.achievedRpoSeconds > rpoSeconds ? (
        <ErrorText>{text}</ErrorText>
      ) : (
        <StatusText status={StatusOK}>{text}</StatusText>
      );
  }
  return (
    <>
      {value}
      {row.worst && (
        <Typography
          variant="caption"
          component="p"
          style={{ fontWeight: 'bold' }}
        >
          Worst PVC: sets the service's achieved RPO
        </Typography>
      )}
    </>
  );
}

function cadenceText(row: DrPvcCoverage, rpoSeconds?: number) {
  if (row.cadenceSeconds === null) {
    return row.coveredBy.length === 0 ? '—' : 'no readable interval';
  }
  if (row.cadenceSeconds === 0) {
    return 'continuous';
  }
  const cadence = `every ${formatDuration(row.cadenceSeconds)}`;
  return rpoSeconds !== undefined && row.cadenceSeconds > rpoSeconds
    ? `${cadence} (longer than the ${formatDuration(rpoSeconds)} RPO target)`
    : cadence;
}

function coverageSummary(coverage: DrPvcCoverage[], worst: DrPvcCoverage[]) {
  const total = coverage.length;
  if (total === 0) {
    return undefined;
  }
  const uncovered = coverage.filter(c => c.coveredBy.length === 0).length;
  const without = coverage.filter(c => c.newestPoint === null).length;
  const parts = [
    uncovered > 0
      ? `${uncovered} of ${total} not covered`
      : `all ${total} covered`,
  ];
  if (without > 0) {
    parts.push(
      `${without} without a counted recovery point, so the service has none`,
    );
  } else if (total > 1 && worst.length > 0) {
    parts.push(`achieved RPO set by ${worst.map(pvcName).join(', ')}`);
  }
  return parts.join('; ');
}

/**
 * Every PVC of the service on its primary cluster: its newest counted recovery point and what
 * holds it, its achieved RPO against the target, what backs it up or replicates it, and how
 * often. The worst PVC sets the service's achieved RPO and is marked; PVCs that are not covered
 * or have no counted recovery point are highlighted.
 */
export function CoverageTable(props: {
  coverage: DrPvcCoverage[];
  rpoSeconds?: number;
  now?: number;
}) {
  const { coverage, rpoSeconds, now = Date.now() } = props;
  const theme = useTheme();
  const worst = worstPvcs(coverage);
  const columns: TableColumn<Row>[] = [
    { title: 'Cluster', field: 'cluster' },
    {
      title: 'PVC',
      field: 'pvc',
      cellStyle: { minWidth: 160, overflowWrap: 'anywhere' },
      render: row => pvcName(row),
    },
    {
      title: 'Newest counted recovery point',
      cellStyle: { minWidth: 220, overflowWrap: 'anywhere' },
      render: row => <NewestPointCell row={row} now={now} />,
    },
    {
      title: 'Achieved RPO',
      field: 'achievedRpoSeconds',
      cellStyle: { minWidth: 140 },
      render: row => <AchievedRpoCell row={row} rpoSeconds={rpoSeconds} />,
    },
    {
      title: 'Covered by',
      cellStyle: { minWidth: 220 },
      render: row => <CoveredByCell row={row} />,
    },
    {
      title: 'Cadence',
      field: 'cadenceSeconds',
      render: row => cadenceText(row, rpoSeconds),
    },
  ];
  return (
    <Table<Row>
      title="Coverage of PVCs"
      subtitle={coverageSummary(coverage, worst)}
      options={{
        paging: false,
        search: false,
        padding: 'dense',
        draggable: false,
        rowStyle: (row: Row) => {
          if (row.coveredBy.length === 0 || row.newestPoint === null) {
            return { backgroundColor: alpha(theme.palette.error.main, 0.06) };
          }
          return row.worst
            ? { backgroundColor: alpha(theme.palette.warning.main, 0.06) }
            : {};
        },
      }}
      columns={columns}
      data={coverage.map(c => ({
        ...c,
        id: `${c.cluster}/${c.namespace}/${c.pvc}`,
        worst: coverage.length > 1 && worst.includes(c),
      }))}
      emptyContent={
        <div style={{ padding: 16 }}>
          No PersistentVolumeClaim found: the service keeps no volumes to cover.
        </div>
      }
    />
  );
}
