import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { DrStatusGate, DrStatusSummary } from '../DrStatus';

/** The reasons the card shows, with their next steps; the tab shows them all. */
const CARD_REASONS = 2;

/**
 * The DR card of an entity's overview: whether the service meets its tier, the first two reasons
 * why with what to do about them, its targets beside the achieved RPO and measured RTO, its
 * newest recovery point, clusters and runbook. Entities without a DR declaration get a snippet
 * to declare one.
 */
export function EntityDisasterRecoveryCard() {
  const { entity } = useEntity();
  return (
    <InfoCard title="Disaster recovery" variant="gridItem">
      <DrStatusGate entity={entity}>
        {record => (
          <DrStatusSummary
            entity={entity}
            record={record}
            reasonLimit={CARD_REASONS}
          />
        )}
      </DrStatusGate>
    </InfoCard>
  );
}
