import { Entity } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import {
  DrStatusGate,
  DrStatusSummary,
  EvidenceVerdictNote,
  InvalidDeclaration,
  JudgedRecord,
  ReasonList,
  reasonsOf,
} from '../DrStatus';
import { RunsPanel } from '../DrRuns';
import { AchievedRpoChart } from './AchievedRpoChart';
import { CoverageTable } from './CoverageTable';
import { DrillsCard } from './DrillsCard';
import { RecoveryPointsTable } from './RecoveryPointsTable';
import { ReplicationTable } from './ReplicationTable';
import { SchedulesTable } from './SchedulesTable';
import { StorageLocationsTable } from './StorageLocationsTable';

function DrDetails(props: {
  entity: Entity;
  record: JudgedRecord;
  reload: () => void;
}) {
  const { entity, record, reload } = props;
  const { status } = record;
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={5}>
        <InfoCard title="Disaster recovery" variant="gridItem">
          <DrStatusSummary entity={entity} record={record} />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={7}>
        <AchievedRpoChart
          entityRef={record.entityRef}
          rpoSeconds={record.rpoSeconds}
        />
      </Grid>
      <Grid item xs={12}>
        <RunsPanel entity={entity} record={record} onRunEnded={reload} />
      </Grid>
      <Grid item xs={12}>
        <RecoveryPointsTable points={status.recoveryPoints} />
      </Grid>
      <Grid item xs={12}>
        <CoverageTable
          coverage={status.coverage}
          rpoSeconds={record.rpoSeconds}
        />
      </Grid>
      <Grid item xs={12}>
        <SchedulesTable
          schedules={status.schedules}
          storageLocations={status.storageLocations}
          rpoSeconds={record.rpoSeconds}
          hasPvcs={status.coverage.length > 0}
        />
      </Grid>
      <Grid item xs={12} lg={6}>
        <StorageLocationsTable storageLocations={status.storageLocations} />
      </Grid>
      <Grid item xs={12} lg={6}>
        <DrillsCard status={status} rtoSeconds={record.rtoSeconds} />
      </Grid>
      <Grid item xs={12}>
        <ReplicationTable
          replication={status.replication}
          rpoSeconds={record.rpoSeconds}
        />
      </Grid>
    </Grid>
  );
}

/**
 * An invalid declaration whose evidence was judged with the valid parts of the declaration: the
 * problems first, then what the evidence says (its verdict and reasons), the recovery points,
 * the PVCs, the schedules and the replication.
 */
function InvalidWithEvidence(props: { entity: Entity; record: JudgedRecord }) {
  const { entity, record } = props;
  const { status } = record;
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} lg={8}>
        <InfoCard title="Disaster recovery">
          <InvalidDeclaration
            entity={entity}
            problems={record.problems ?? []}
            evidenceVerdict={record.evidenceVerdict ?? status.verdict}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Evidence, read with the valid parts of the declaration">
          <EvidenceVerdictNote
            evidenceVerdict={record.evidenceVerdict ?? status.verdict}
          />
          <ReasonList reasons={reasonsOf(status)} label="Evidence reasons" />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <RecoveryPointsTable points={status.recoveryPoints} />
      </Grid>
      <Grid item xs={12}>
        <CoverageTable
          coverage={status.coverage}
          rpoSeconds={record.rpoSeconds}
        />
      </Grid>
      <Grid item xs={12}>
        <SchedulesTable
          schedules={status.schedules}
          storageLocations={status.storageLocations}
          rpoSeconds={record.rpoSeconds}
          hasPvcs={status.coverage.length > 0}
        />
      </Grid>
      <Grid item xs={12}>
        <ReplicationTable
          replication={status.replication}
          rpoSeconds={record.rpoSeconds}
        />
      </Grid>
    </Grid>
  );
}

/**
 * The "Disaster recovery" tab of an entity: the verdict and summary of the card, the achieved
 * RPO over time against the target, the drills, failovers and failbacks (start one, follow its
 * steps live, the history of runs), every recovery point, each PVC's newest point and achieved
 * RPO (the worst marked) with what covers it, drills, schedules, storage locations and
 * replication. An invalid declaration shows its problems, then the evidence read with its valid
 * parts.
 */
export function EntityDisasterRecoveryContent() {
  const { entity } = useEntity();
  return (
    <DrStatusGate
      entity={entity}
      frame={state => (
        <Grid container spacing={3}>
          <Grid item xs={12} lg={8}>
            <InfoCard title="Disaster recovery">{state}</InfoCard>
          </Grid>
        </Grid>
      )}
      invalidWithEvidence={record => (
        <InvalidWithEvidence entity={entity} record={record} />
      )}
    >
      {(record, reload) => (
        <DrDetails entity={entity} record={record} reload={reload} />
      )}
    </DrStatusGate>
  );
}
