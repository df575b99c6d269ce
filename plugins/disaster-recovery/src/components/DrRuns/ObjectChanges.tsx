import { CodeSnippet } from '@backstage/core-components';
import { DrRunObjectChange } from '@backstage-dr/plugin-disaster-recovery-common';
import Button from '@material-ui/core/Button';
import Collapse from '@material-ui/core/Collapse';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { ReactNode, useState } from 'react';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    '& > li': { marginBottom: theme.spacing(1), overflowWrap: 'anywhere' },
  },
  action: {
    display: 'inline-block',
    minWidth: '4.5em',
    fontWeight: theme.typography.fontWeightBold as number,
    textTransform: 'uppercase',
    fontSize: theme.typography.caption.fontSize,
  },
  create: { color: theme.palette.success?.main ?? theme.palette.primary.main },
  patch: { color: theme.palette.warning?.main ?? theme.palette.text.primary },
  delete: { color: theme.palette.error.main },
  toggle: { textTransform: 'none', padding: theme.spacing(0, 0.5) },
}));

/**
 * A section that opens and closes with a button (`Show log (3 lines)`), closed at first; its
 * content is not rendered while closed.
 */
export function Collapsible(props: {
  label: string;
  children: ReactNode;
  defaultOpen?: boolean;
}) {
  const { label, children, defaultOpen = false } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(defaultOpen);
  return (
    <div>
      <Button
        size="small"
        className={classes.toggle}
        onClick={() => setOpen(o => !o)}
        aria-expanded={open}
        endIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
      >
        {open ? `Hide ${label}` : `Show ${label}`}
      </Button>
      <Collapse in={open} unmountOnExit>
        {children}
      </Collapse>
    </div>
  );
}

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function objectName(object: DrRunObjectChange): string {
  return object.namespace ? `${object.namespace}/${object.name}` : object.name;
}

/**
 * The Kubernetes objects a step creates, patches or deletes (or would, in a plan): the action,
 * kind, `namespace/name` and cluster of each, and the body (the object created or the merge
 * patch) in a collapsible code block.
 */
export function ObjectChanges(props: {
  objects: DrRunObjectChange[];
  label?: string;
}) {
  const { objects, label = 'Objects' } = props;
  const classes = useStyles();
  if (objects.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Creates or changes no object.
      </Typography>
    );
  }
  return (
    <ul className={classes.list} aria-label={label}>
      {objects.map((object, index) => (
        <li
          key={`${object.cluster}/${object.kind}/${objectName(
            object,
          )}/${index}`}
          data-testid="object-change"
        >
          <Typography variant="body2" component="div">
            <span className={`${classes.action} ${classes[object.action]}`}>
              {object.action}
            </span>{' '}
            {object.kind} <code>{objectName(object)}</code> on{' '}
            <strong>{object.cluster}</strong>{' '}
            <Typography
              component="span"
              variant="caption"
              color="textSecondary"
            >
              ({object.apiVersion})
            </Typography>
          </Typography>
          {object.body !== undefined && (
            <Collapsible
              label={object.action === 'patch' ? 'the patch' : 'the body'}
            >
              <CodeSnippet
                language="json"
                text={JSON.stringify(object.body, null, 2)}
                showCopyCodeButton
              />
            </Collapsible>
          )}
        </li>
      ))}
    </ul>
  );
}
