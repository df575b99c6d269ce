import { Entity } from '@backstage/catalog-model';
import {
  DR_STRATEGY_ANNOTATION,
  DR_TIER_ANNOTATION,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Button from '@material-ui/core/Button';
import { VerdictBanner } from './VerdictBanner';

/**
 * For a declared entity that no refresh has judged yet (the status endpoint answers 404).
 */
export function NotJudgedState(props: { entity: Entity; onRetry: () => void }) {
  const annotations = props.entity.metadata.annotations ?? {};
  const tier = annotations[DR_TIER_ANNOTATION];
  const strategy = annotations[DR_STRATEGY_ANNOTATION];
  const declared = [tier, strategy].filter(Boolean).join(', ');
  return (
    <>
      <VerdictBanner state="pending" label="Not judged yet">
        {declared ? `Declared as ${declared}, but the` : 'The'} first refresh
        has not judged this service yet. The DR status is refreshed every few
        minutes.
      </VerdictBanner>
      <Button variant="outlined" color="primary" onClick={props.onRetry}>
        Check again
      </Button>
    </>
  );
}
