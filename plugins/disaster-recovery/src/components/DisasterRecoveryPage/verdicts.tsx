import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { DrVerdict } from '@backstage-dr/plugin-disaster-recovery-common';
import { Theme } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { VERDICT_LABELS } from '../format';

/** The verdicts in the order the overview shows them: the worst first, then the undecided. */
export const OVERVIEW_VERDICTS: DrVerdict[] = [
  'breached',
  'at-risk',
  'compliant',
  'unknown',
  'invalid',
  'undeclared',
];

const STATUS: Record<
  DrVerdict,
  (props: { children?: ReactNode }) => JSX.Element
> = {
  compliant: StatusOK,
  'at-risk': StatusWarning,
  breached: StatusError,
  invalid: StatusError,
  unknown: StatusAborted,
  undeclared: StatusAborted,
};

/**
 * A verdict's status icon and its label, e.g. a red icon and "Breached". The label stays outside
 * the status component, which hides its content from assistive technology (`aria-hidden`), so
 * that the label is part of the accessible name of what contains it.
 */
export function VerdictStatus(props: { verdict: DrVerdict }) {
  const Status = STATUS[props.verdict];
  return (
    <span
      style={{
        whiteSpace: 'nowrap',
        display: 'inline-flex',
        alignItems: 'center',
      }}
    >
      <Status />
      {VERDICT_LABELS[props.verdict]}
    </span>
  );
}

/** The colour of each verdict in the overview's charts. */
export function verdictColors(theme: Theme): Record<DrVerdict, string> {
  return {
    compliant: theme.palette.success.main,
    'at-risk': theme.palette.warning.main,
    breached: theme.palette.error.main,
    unknown: theme.palette.grey[500],
    invalid: theme.palette.error.dark,
    undeclared: theme.palette.grey[300],
  };
}
