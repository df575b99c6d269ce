import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import { DrVerdict } from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { alpha, makeStyles, Theme } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { VERDICT_LABELS } from '../format';
import { StatusText } from '../StatusText';

/** The look of a banner: a verdict, or `pending` for a service not judged yet. */
export type BannerState = DrVerdict | 'pending';

const STATUS_COMPONENTS: Record<
  BannerState,
  (props: { children?: ReactNode }) => JSX.Element
> = {
  compliant: StatusOK,
  'at-risk': StatusWarning,
  breached: StatusError,
  invalid: StatusError,
  unknown: StatusAborted,
  undeclared: StatusAborted,
  pending: StatusPending,
};

function colorOf(theme: Theme, state: BannerState): string {
  switch (state) {
    case 'compliant':
      return theme.palette.success.main;
    case 'at-risk':
      return theme.palette.warning.main;
    case 'breached':
    case 'invalid':
      return theme.palette.error.main;
    default:
      return theme.palette.grey[500];
  }
}

const useStyles = makeStyles<Theme, { state: BannerState }>(theme => ({
  banner: ({ state }) => ({
    borderLeft: `6px solid ${colorOf(theme, state)}`,
    backgroundColor: alpha(colorOf(theme, state), 0.08),
    padding: theme.spacing(1.5, 2),
    marginBottom: theme.spacing(2),
    borderRadius: theme.shape.borderRadius,
  }),
  verdict: {
    '& > span': {
      fontSize: theme.typography.h5.fontSize,
      fontWeight: theme.typography.fontWeightBold as number,
      lineHeight: 1.3,
    },
  },
}));

/**
 * The verdict, big enough to be read at a glance, with one line saying what it means.
 */
export function VerdictBanner(props: {
  state: BannerState;
  label?: string;
  children?: ReactNode;
}) {
  const { state, label, children } = props;
  const classes = useStyles({ state });
  const Status = STATUS_COMPONENTS[state];
  const text =
    label ?? (state === 'pending' ? 'Pending' : VERDICT_LABELS[state]);
  return (
    <Box
      className={classes.banner}
      role="status"
      aria-label={`Disaster recovery: ${text}`}
      data-verdict={state}
    >
      <div className={classes.verdict}>
        <StatusText status={Status}>{text}</StatusText>
      </div>
      {/* The primary text colour: the secondary one is below 4.5:1 on the tinted background. */}
      {children && (
        <Typography variant="body2" color="textPrimary">
          {children}
        </Typography>
      )}
    </Box>
  );
}
