import {
  Progress,
  ResponseErrorPanel,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  DrRun,
  DrRunPlan,
  DrRunType,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import LinearProgress from '@material-ui/core/LinearProgress';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { disasterRecoveryApiRef } from '../../api';
import {
  RUN_ACTION_LABELS,
  RUN_TYPE_LABELS,
  STEP_LABELS,
  errorMessage,
  stepDescription,
} from './labels';
import { ObjectChanges } from './ObjectChanges';
import { StatusText } from '../StatusText';

const useStyles = makeStyles(theme => ({
  section: { marginBottom: theme.spacing(2) },
  steps: {
    margin: 0,
    paddingLeft: theme.spacing(3),
    '& > li': { marginBottom: theme.spacing(2) },
  },
  warnings: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  dataLoss: {
    padding: theme.spacing(1, 2),
    borderLeft: `4px solid ${theme.palette.warning?.main}`,
    background: theme.palette.background.default,
  },
  over: { borderLeftColor: theme.palette.error.main },
}));

function dialogTitle(type: DrRunType, name: string, plan?: DrRunPlan) {
  switch (type) {
    case 'drill':
      return `Start a drill of ${name}`;
    case 'failover':
      return plan
        ? `Fail ${name} over from ${plan.fromCluster} to ${plan.toCluster}`
        : `Fail ${name} over`;
    default:
      return plan
        ? `Fail ${name} back from ${plan.fromCluster} to ${plan.toCluster}`
        : `Fail ${name} back`;
  }
}

/** The data-loss window of a plan in a sentence. */
function DataLoss(props: { plan: DrRunPlan }) {
  const { plan } = props;
  const classes = useStyles();
  const window =
    plan.dataLossWindowSeconds === null
      ? undefined
      : formatDuration(plan.dataLossWindowSeconds);
  let text: string;
  if (plan.type === 'drill') {
    text = window
      ? `The drill restores the newest counted recovery point, ${window} old, and loses no data: ${plan.fromCluster} is not touched.`
      : `There is no counted recovery point to restore: the drill would have nothing to restore.`;
  } else {
    text = window
      ? `You would lose up to ${window} of data: the newest counted recovery point is ${window} old.`
      : 'There is no counted recovery point: how much data would be lost is unknown.';
  }
  return (
    <div
      className={`${classes.section} ${classes.dataLoss} ${
        plan.needsAcceptDataLoss ? classes.over : ''
      }`}
      data-testid="data-loss"
    >
      <Typography variant="body1">{text}</Typography>
      {plan.needsAcceptDataLoss && (
        <Typography variant="body2" color="error">
          {window
            ? 'That is more than the RPO target allows: accept the data loss to start.'
            : 'The RPO target cannot be shown to hold: accept the data loss to start.'}
        </Typography>
      )}
    </div>
  );
}

/** The plan of a run: what each step would do and which objects it would create or patch. */
function PlanDetails(props: { plan: DrRunPlan }) {
  const { plan } = props;
  const classes = useStyles();
  return (
    <>
      <Typography variant="body2" className={classes.section}>
        {RUN_TYPE_LABELS[plan.type]} by the {plan.strategy} strategy, from{' '}
        <strong>{plan.fromCluster}</strong> to <strong>{plan.toCluster}</strong>
        . Nothing has been changed yet: this is what the run would do.
      </Typography>
      <DataLoss plan={plan} />
      {plan.warnings.length > 0 && (
        <div className={classes.section}>
          <Typography variant="subtitle2">Warnings</Typography>
          <ul className={classes.warnings} aria-label="Warnings">
            {plan.warnings.map((warning, index) => (
              <li key={index}>
                <StatusText status={StatusWarning}>{warning}</StatusText>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Typography variant="subtitle2">Steps</Typography>
      <ol className={classes.steps} aria-label="Plan">
        {plan.steps.map(step => (
          <li key={step.name} data-testid={`plan-step-${step.name}`}>
            <Typography variant="body1">
              <strong>{STEP_LABELS[step.name]}</strong>
            </Typography>
            <Typography variant="body2" color="textSecondary" paragraph>
              {stepDescription(
                step.name,
                plan.type,
                plan.fromCluster,
                plan.toCluster,
              )}
            </Typography>
            <ObjectChanges
              objects={step.objects}
              label={`${STEP_LABELS[step.name]} objects`}
            />
          </li>
        ))}
      </ol>
    </>
  );
}

/**
 * The dialog that starts a drill, failover or failback: it asks the backend for the plan (a dry
 * run, touching nothing) and shows every step with the objects it would create or patch, the
 * data-loss window and the warnings. It asks to accept the data loss when the plan needs it,
 * whether the side being left is unreachable (failover, failback) or the drill namespace is to be
 * kept (drill); a failover or failback starts only once the entity's name is typed.
 */
export function StartRunDialog(props: {
  open: boolean;
  type: DrRunType;
  entityRef: string;
  /** The entity's name, to be typed to confirm a failover or failback. */
  entityName: string;
  onClose: () => void;
  onStarted: (run: DrRun) => void;
}) {
  const { open, type, entityRef, entityName, onClose, onStarted } = props;
  const api = useApi(disasterRecoveryApiRef);
  const [acceptDataLoss, setAcceptDataLoss] = useState(false);
  const [primaryUnreachable, setPrimaryUnreachable] = useState(false);
  const [keepNamespace, setKeepNamespace] = useState(false);
  const [typedName, setTypedName] = useState('');
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<Error>();
  const disruptive = type !== 'drill';

  // The plan depends on the options that change what the run touches.
  const plan = useAsync(async () => {
    if (!open) {
      return undefined;
    }
    return api.planRun({
      type,
      entityRef,
      ...(disruptive ? { primaryUnreachable } : { keepNamespace }),
    });
  }, [
    api,
    open,
    type,
    entityRef,
    disruptive,
    primaryUnreachable,
    keepNamespace,
  ]);

  const canStart =
    !!plan.value &&
    !plan.loading &&
    !plan.error &&
    !starting &&
    (!plan.value.needsAcceptDataLoss || acceptDataLoss) &&
    (!disruptive || typedName.trim() === entityName);

  const start = async () => {
    setStarting(true);
    setStartError(undefined);
    try {
      const run = await api.createRun({
        type,
        entityRef,
        ...(plan.value?.needsAcceptDataLoss && acceptDataLoss
          ? { acceptDataLoss: true }
          : {}),
        ...(disruptive && primaryUnreachable
          ? { primaryUnreachable: true }
          : {}),
        ...(!disruptive && keepNamespace ? { keepNamespace: true } : {}),
      });
      onStarted(run);
    } catch (e) {
      setStartError(e as Error);
    } finally {
      setStarting(false);
    }
  };

  const fromCluster = plan.value?.fromCluster;
  const windowText =
    plan.value?.dataLossWindowSeconds === null ||
    plan.value?.dataLossWindowSeconds === undefined
      ? 'an unknown amount'
      : formatDuration(plan.value.dataLossWindowSeconds);

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby="dr-start-run-title"
    >
      <DialogTitle id="dr-start-run-title">
        {dialogTitle(type, entityName, plan.value)}
      </DialogTitle>
      <DialogContent dividers>
        {plan.loading && plan.value && <LinearProgress />}
        {plan.loading && !plan.value && <Progress />}
        {plan.error && (
          <ResponseErrorPanel
            error={plan.error}
            title={`Could not plan the ${type}`}
          />
        )}
        {plan.value && !plan.error && (
          <>
            <PlanDetails plan={plan.value} />
            <Box mt={2}>
              {plan.value.needsAcceptDataLoss && (
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={acceptDataLoss}
                      onChange={e => setAcceptDataLoss(e.target.checked)}
                    />
                  }
                  label={`Accept the data loss: up to ${windowText} of data`}
                />
              )}
              {disruptive && (
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={primaryUnreachable}
                      onChange={e => setPrimaryUnreachable(e.target.checked)}
                    />
                  }
                  label={`The primary ${
                    fromCluster ?? ''
                  } is unreachable: go on without fencing it`}
                />
              )}
              {!disruptive && (
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={keepNamespace}
                      onChange={e => setKeepNamespace(e.target.checked)}
                    />
                  }
                  label="Keep the drill namespace after verifying"
                />
              )}
            </Box>
            {disruptive && (
              <Box mt={2}>
                <TextField
                  id="dr-start-run-confirm-name"
                  fullWidth
                  variant="outlined"
                  size="small"
                  label={`Type ${entityName} to confirm`}
                  value={typedName}
                  onChange={e => setTypedName(e.target.value)}
                  helperText={`The ${type} stops writes on ${
                    fromCluster ?? 'the side being left'
                  }.`}
                  inputProps={{ autoComplete: 'off', spellCheck: false }}
                />
              </Box>
            )}
          </>
        )}
        {startError && (
          <Box mt={2} role="alert">
            <Typography color="error">
              Could not start the {type}: {errorMessage(startError)}
            </Typography>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
        <Button
          variant="contained"
          color={disruptive ? 'secondary' : 'primary'}
          disabled={!canStart}
          onClick={start}
        >
          {RUN_ACTION_LABELS[type]}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
