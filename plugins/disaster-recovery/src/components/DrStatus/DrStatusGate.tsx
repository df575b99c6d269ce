import { Entity } from '@backstage/catalog-model';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { ReactNode } from 'react';
import { InvalidDeclaration } from './InvalidDeclaration';
import { JudgedRecord } from './DrStatusSummary';
import { NotJudgedState } from './NotJudgedState';
import { UndeclaredState } from './UndeclaredState';
import { useDrStatus } from './useDrStatus';

/**
 * Loads the entity's DR status and renders every state but the judged one itself: undeclared,
 * loading, error (with a retry), not judged yet, and an invalid declaration. A judged record
 * goes to `children`; an invalid declaration whose evidence was judged with its valid parts goes
 * to `invalidWithEvidence` when given. `children` get `reload`, which reads the status again while
 * the current one stays on screen.
 */
export function DrStatusGate(props: {
  entity: Entity;
  children: (record: JudgedRecord, reload: () => void) => ReactNode;
  /** Renders an invalid declaration that has a status: its problems, then its evidence. */
  invalidWithEvidence?: (record: JudgedRecord) => ReactNode;
  /** Wraps the non-judged states, e.g. in a card. */
  frame?: (state: ReactNode) => ReactNode;
}) {
  const {
    entity,
    children,
    invalidWithEvidence,
    frame = state => state,
  } = props;
  const { declared, entityRef, loading, error, value, retry } =
    useDrStatus(entity);

  if (!declared) {
    return <>{frame(<UndeclaredState entity={entity} />)}</>;
  }
  // Reading the same entity's status again keeps the current one on screen.
  const reloading =
    value?.entityRef.toLocaleLowerCase('en-US') ===
    entityRef.toLocaleLowerCase('en-US');
  if (loading && !reloading) {
    return <>{frame(<Progress />)}</>;
  }
  if (error) {
    return (
      <>
        {frame(
          <>
            <ResponseErrorPanel
              error={error}
              title="Could not load the disaster recovery status"
            />
            <Box mt={2}>
              <Button variant="outlined" color="primary" onClick={retry}>
                Retry
              </Button>
            </Box>
          </>,
        )}
      </>
    );
  }
  if (value?.verdict === 'undeclared') {
    return <>{frame(<UndeclaredState entity={entity} />)}</>;
  }
  if (value?.verdict === 'invalid') {
    if (value.status && invalidWithEvidence) {
      return <>{invalidWithEvidence(value as JudgedRecord)}</>;
    }
    return (
      <>
        {frame(
          <InvalidDeclaration
            entity={entity}
            problems={value.problems ?? []}
            evidenceVerdict={
              value.status
                ? value.evidenceVerdict ?? value.status.verdict
                : undefined
            }
            status={value.status}
          />,
        )}
      </>
    );
  }
  if (!value?.status) {
    return <>{frame(<NotJudgedState entity={entity} onRetry={retry} />)}</>;
  }
  return <>{children(value as JudgedRecord, retry)}</>;
}
