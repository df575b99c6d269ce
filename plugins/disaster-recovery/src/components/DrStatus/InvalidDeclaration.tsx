import { Entity } from '@backstage/catalog-model';
import {
  DrDeclarationProblem,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { VERDICT_LABELS } from '../format';
import { DeclareTierButton } from './UndeclaredState';
import { VerdictBanner } from './VerdictBanner';

/**
 * What the evidence of an invalid declaration says when it is judged with the valid parts of the
 * declaration (the tier's defaults for the rest).
 */
export function EvidenceVerdictNote(props: {
  evidenceVerdict: DrStatus['verdict'];
}) {
  return (
    <Typography variant="body2" paragraph data-testid="evidence-verdict">
      Read with the valid parts of the declaration (the tier's defaults for the
      rest), the verdict of the evidence is{' '}
      <strong>{VERDICT_LABELS[props.evidenceVerdict]}</strong>.
    </Typography>
  );
}

/**
 * For an entity whose DR annotations have problems: each problem, naming the annotation and
 * the accepted form, and, when the evidence could be judged with the valid parts of the
 * declaration, its verdict.
 */
export function InvalidDeclaration(props: {
  entity: Entity;
  problems: DrDeclarationProblem[];
  evidenceVerdict?: DrStatus['verdict'];
}) {
  const { entity, problems, evidenceVerdict } = props;
  const them = problems.length === 1 ? 'it is' : 'they are';
  return (
    <>
      <VerdictBanner state="invalid">
        The <code>disaster-recovery/*</code> annotations have{' '}
        {problems.length === 1 ? 'a problem' : `${problems.length} problems`};
        {evidenceVerdict ? (
          <>
            {' '}
            until {them} fixed in its <code>catalog-info.yaml</code>, the
            service is judged with the valid parts of the declaration only.
          </>
        ) : (
          <>
            {' '}
            the service is not judged until {them} fixed in its{' '}
            <code>catalog-info.yaml</code>.
          </>
        )}
      </VerdictBanner>
      <ul aria-label="Declaration problems">
        {problems.map((problem, index) => (
          <li key={`${problem.annotation}-${index}`}>
            <Typography variant="body2">{problem.message}</Typography>
          </li>
        ))}
      </ul>
      {evidenceVerdict && (
        <EvidenceVerdictNote evidenceVerdict={evidenceVerdict} />
      )}
      <Box mt={2}>
        <DeclareTierButton entity={entity} label="Fix with the template" />
      </Box>
    </>
  );
}
