import { Entity } from '@backstage/catalog-model';
import {
  DrDeclarationProblem,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { VERDICT_LABELS, templateFormData } from '../format';
import { reasonsOf } from './DrStatusSummary';
import { ReasonList } from './ReasonList';
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

/** How many of the evidence's reasons the invalid declaration shows (the tab shows them all). */
const EVIDENCE_REASONS = 2;

/**
 * For an entity whose DR annotations have problems: each problem, naming the annotation and
 * the accepted form; when the evidence could be judged with the valid parts of the declaration,
 * its verdict and (given `status`) its first reasons with their next steps; and the template,
 * opened with the valid values filled in and the fields with problems left to fill in anew.
 */
export function InvalidDeclaration(props: {
  entity: Entity;
  problems: DrDeclarationProblem[];
  evidenceVerdict?: DrStatus['verdict'];
  /** The evidence read with the valid parts: its first reasons are shown. */
  status?: DrStatus;
}) {
  const { entity, problems, evidenceVerdict, status } = props;
  const them = problems.length === 1 ? 'it is' : 'they are';
  const { badFields } = templateFormData(entity, problems);
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
      {status && (
        <ReasonList
          reasons={reasonsOf(status)}
          label="Evidence reasons"
          limit={EVIDENCE_REASONS}
        />
      )}
      <Box mt={2}>
        <DeclareTierButton
          entity={entity}
          label="Fix with the template"
          problems={problems}
        />
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="template-bad-fields"
        >
          The template opens with the valid values filled in
          {badFields.length > 0
            ? `; ${badFields.join(', ')} ${
                badFields.length === 1 ? 'needs' : 'need'
              } a new value.`
            : '.'}
        </Typography>
      </Box>
    </>
  );
}
