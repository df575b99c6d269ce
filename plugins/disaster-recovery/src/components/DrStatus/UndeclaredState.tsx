import { Entity } from '@backstage/catalog-model';
import {
  CodeSnippet,
  EmptyState,
  LinkButton,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { declarationSnippet, declareTierTemplateUrl } from '../format';
import { useTierPolicies } from './useDrStatus';

/** The button to the scaffolder template that declares an entity's DR tier. */
export function DeclareTierButton(props: {
  entity: Entity;
  label?: string;
  /** The declaration's problems: the template opens without the values they are about. */
  problems?: Array<{ annotation: string }>;
}) {
  return (
    <LinkButton
      variant="contained"
      color="primary"
      to={declareTierTemplateUrl(props.entity, props.problems)}
    >
      {props.label ?? 'Declare a DR tier'}
    </LinkButton>
  );
}

/**
 * For an entity without DR annotations: what to add to its `catalog-info.yaml`, as a snippet to
 * copy, and the template that does it.
 */
export function UndeclaredState(props: { entity: Entity }) {
  const { entity } = props;
  const policies = useTierPolicies();
  return (
    <>
      <EmptyState
        missing="field"
        title="No disaster recovery declared"
        description={
          <Typography variant="body1" component="span">
            {entity.metadata.name} has no <code>disaster-recovery/*</code>{' '}
            annotations, so nobody knows how much data it may lose or how long
            it may be down. Declare its tier, strategy and RPO and RTO targets
            in its <code>catalog-info.yaml</code> as below, or let the template
            open a pull request for you. Once declared, every refresh checks its
            backups, replication and drills against the tier.
          </Typography>
        }
        action={<DeclareTierButton entity={entity} />}
      />
      <Box mt={2}>
        <CodeSnippet
          language="yaml"
          text={declarationSnippet(entity, policies)}
          showCopyCodeButton
        />
      </Box>
    </>
  );
}
