import {
  StatusAborted,
  StatusError,
  StatusWarning,
} from '@backstage/core-components';
import { DrReason } from '@backstage-dr/plugin-disaster-recovery-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { splitRawError } from './rawErrors';

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
    '& > li': {
      display: 'flex',
      alignItems: 'baseline',
      marginBottom: theme.spacing(0.5),
      overflowWrap: 'anywhere',
    },
  },
  details: {
    marginTop: theme.spacing(0.25),
    color: theme.palette.text.secondary,
    fontSize: theme.typography.body2.fontSize,
    '& > summary': { cursor: 'pointer', width: 'fit-content' },
    '& > summary:focus-visible': {
      outline: `2px solid ${theme.palette.primary.main}`,
      outlineOffset: 2,
    },
  },
  raw: {
    display: 'block',
    marginTop: theme.spacing(0.5),
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    color: theme.palette.text.primary,
  },
  nextStep: {
    display: 'block',
    fontWeight: theme.typography.fontWeightRegular as number,
  },
  more: {
    margin: theme.spacing(-1.5, 0, 2, 0),
  },
}));

/**
 * The reasons of a verdict, most severe first, each with its severity's status icon and, below
 * it, what to do about it; a raw tool error the reason quotes (request ids, hosts) goes behind a
 * "details" disclosure. With `limit`, only the first reasons, and how many more there are.
 */
export function ReasonList(props: {
  reasons: DrReason[];
  label?: string;
  limit?: number;
}) {
  const { reasons, label = 'Reasons', limit } = props;
  const classes = useStyles();
  if (reasons.length === 0) {
    return null;
  }
  const shown = limit === undefined ? reasons : reasons.slice(0, limit);
  const more = reasons.length - shown.length;
  return (
    <>
      <ul className={classes.list} aria-label={label}>
        {shown.map((reason, index) => {
          const Status = SEVERITY_STATUS[reason.severity];
          const { summary, raw } = splitRawError(reason.message);
          return (
            <li key={`${reason.code}-${index}`} data-severity={reason.severity}>
              <Status />
              <span>
                <span>{summary}</span>
                {reason.nextStep && (
                  <Typography
                    component="span"
                    variant="body2"
                    color="textSecondary"
                    className={classes.nextStep}
                    data-testid="next-step"
                  >
                    {reason.nextStep}
                  </Typography>
                )}
                {raw && (
                  <details className={classes.details}>
                    <summary>details</summary>
                    <code className={classes.raw}>{raw}</code>
                  </details>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {more > 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          className={classes.more}
        >
          {more === 1 ? '1 more reason' : `${more} more reasons`} on the
          Disaster recovery tab.
        </Typography>
      )}
    </>
  );
}
