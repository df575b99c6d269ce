import { Entity } from '@backstage/catalog-model';
import { DrDeclarationProblem } from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { DeclareTierButton } from './UndeclaredState';
import { VerdictBanner } from './VerdictBanner';

/**
 * For an entity whose DR annotations have problems: each problem, naming the annotation and
 * the accepted form.
 */
export function InvalidDeclaration(props: {
  entity: Entity;
  problems: DrDeclarationProblem[];
}) {
  const { entity, problems } = props;
  return (
    <>
      <VerdictBanner state="invalid">
        The <code>disaster-recovery/*</code> annotations have{' '}
        {problems.length === 1 ? 'a problem' : `${problems.length} problems`};
        the service is not judged until{' '}
        {problems.length === 1 ? 'it is' : 'they are'} fixed in its{' '}
        <code>catalog-info.yaml</code>.
      </VerdictBanner>
      <ul aria-label="Declaration problems">
        {problems.map((problem, index) => (
          <li key={`${problem.annotation}-${index}`}>
            <Typography variant="body2">{problem.message}</Typography>
          </li>
        ))}
      </ul>
      <Box mt={2}>
        <DeclareTierButton entity={entity} label="Fix with the template" />
      </Box>
    </>
  );
}
