import {
  StatusAborted,
  StatusError,
  StatusWarning,
} from '@backstage/core-components';
import { DrReason } from '@backstage-dr/plugin-disaster-recovery-common';
import { makeStyles } from '@material-ui/core/styles';

const SEVERITY_STATUS = {
  breach: StatusError,
  risk: StatusWarning,
  unknown: StatusAborted,
};

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: theme.spacing(0, 0, 2, 0),
    padding: 0,
    '& > li': { marginBottom: theme.spacing(0.5), overflowWrap: 'anywhere' },
  },
}));

/** The reasons of a verdict, most severe first, each with its severity's status icon. */
export function ReasonList(props: { reasons: DrReason[]; label?: string }) {
  const { reasons, label = 'Reasons' } = props;
  const classes = useStyles();
  if (reasons.length === 0) {
    return null;
  }
  return (
    <ul className={classes.list} aria-label={label}>
      {reasons.map((reason, index) => {
        const Status = SEVERITY_STATUS[reason.severity];
        return (
          <li key={`${reason.code}-${index}`} data-severity={reason.severity}>
            <Status>{reason.message}</Status>
          </li>
        );
      })}
    </ul>
  );
}
