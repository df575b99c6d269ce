import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DrServiceRecord } from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import { useNavigate } from 'react-router-dom';
import { ActiveRunNote, RunActions, useDrTabLink } from '../DrRuns';
import { DrStatusGate, DrStatusSummary } from '../DrStatus';

/** The reasons the card shows, with their next steps; the tab shows them all. */
const CARD_REASONS = 2;

/** The buttons that start a run; a started run is followed on the DR tab. */
function CardRunActions(props: { entity: Entity; record: DrServiceRecord }) {
  const { entity, record } = props;
  const entityRef = stringifyEntityRef(entity);
  const navigate = useNavigate();
  const tabLink = useDrTabLink();
  return (
    <RunActions
      size="small"
      entityRef={entityRef}
      entityName={entity.metadata.name}
      record={record}
      activeRun={record.activeRun}
      onStarted={run => {
        const to = tabLink(entityRef, run.id);
        if (to) {
          navigate(to);
        }
      }}
    />
  );
}

/**
 * The DR card of an entity's overview: whether the service meets its tier, the first two reasons
 * why with what to do about them, its active run and where it runs after a failover, its targets
 * beside the achieved RPO and measured RTO, its newest recovery point, clusters and runbook, and
 * the buttons that start a drill, failover or failback (a started run is followed on the DR
 * tab). Entities without a DR declaration get a snippet to declare one.
 */
export function EntityDisasterRecoveryCard() {
  const { entity } = useEntity();
  return (
    <InfoCard title="Disaster recovery" variant="gridItem">
      <DrStatusGate entity={entity}>
        {record => (
          <>
            <ActiveRunNote record={record} />
            <DrStatusSummary
              entity={entity}
              record={record}
              reasonLimit={CARD_REASONS}
            />
            <Box mt={2}>
              <CardRunActions entity={entity} record={record} />
            </Box>
          </>
        )}
      </DrStatusGate>
    </InfoCard>
  );
}
