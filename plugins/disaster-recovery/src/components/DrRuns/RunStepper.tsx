import {
  Progress,
  ResponseErrorPanel,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  DrRun,
  DrRunLogLine,
  DrRunState,
  DrRunStep,
  formatDuration,
  isActiveRunState,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Step from '@material-ui/core/Step';
import StepContent from '@material-ui/core/StepContent';
import StepLabel from '@material-ui/core/StepLabel';
import Stepper from '@material-ui/core/Stepper';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useEffect, useRef, useState } from 'react';
import { disasterRecoveryApiRef } from '../../api';
import { TimeCell } from '../EntityDisasterRecoveryContent/cells';
import { formatClockTime } from '../format';
import {
  RUN_STATE_LABELS,
  RUN_TYPE_LABELS,
  STEP_LABELS,
  STEP_STATE_LABELS,
  dataLostText,
  errorMessage,
  isCancellable,
  personLabel,
} from './labels';
import { Collapsible, ObjectChanges } from './ObjectChanges';
import { ReasonedButton } from './ReasonedButton';
import { useRunUpdatePermission } from './useRunPermissions';
import { RUN_POLL_INTERVAL_MS, useRun } from './useRun';
import { StatusText } from '../StatusText';

const useStyles = makeStyles(theme => ({
  stepper: { padding: theme.spacing(1, 0), background: 'transparent' },
  log: {
    listStyle: 'none',
    margin: 0,
    padding: theme.spacing(1),
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    background: theme.palette.background.default,
    '& > li': { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
  },
  warn: { color: theme.palette.warning?.main },
  error: { color: theme.palette.error.main },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: theme.spacing(0, 0, 2, 0),
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0 },
  },
}));

/** The state of a run with its status icon. */
export function RunStateLabel(props: { state: DrRunState }) {
  const label = RUN_STATE_LABELS[props.state];
  switch (props.state) {
    case 'completed':
      return <StatusText status={StatusOK}>{label}</StatusText>;
    case 'failed':
      return <StatusText status={StatusError}>{label}</StatusText>;
    case 'cancelled':
      return <StatusText status={StatusAborted}>{label}</StatusText>;
    case 'waiting':
      return <StatusText status={StatusWarning}>{label}</StatusText>;
    case 'pending':
      return <StatusText status={StatusPending}>{label}</StatusText>;
    default:
      return <StatusText status={StatusRunning}>{label}</StatusText>;
  }
}

function LogLines(props: { lines: DrRunLogLine[] }) {
  const classes = useStyles();
  return (
    <ul className={classes.log} aria-label="Log">
      {props.lines.map((line, index) => (
        <li
          key={index}
          className={line.level === 'info' ? undefined : classes[line.level]}
        >
          <time dateTime={line.time} title={line.time}>
            {formatClockTime(line.time)}
          </time>{' '}
          {line.level !== 'info' && `${line.level.toUpperCase()} `}
          {line.message}
        </li>
      ))}
    </ul>
  );
}

function stepTimes(step: DrRunStep): string {
  const parts = [STEP_STATE_LABELS[step.state]];
  if (step.startedAt) {
    parts.push(`started ${formatClockTime(step.startedAt)}`);
  }
  if (step.endedAt) {
    parts.push(`ended ${formatClockTime(step.endedAt)}`);
  }
  if (step.startedAt && step.endedAt) {
    const seconds = Math.round(
      (Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000,
    );
    if (Number.isFinite(seconds) && seconds >= 0) {
      parts.push(formatDuration(seconds));
    }
  }
  return parts.join(' · ');
}

/**
 * The button that confirms, at the traffic gate, that traffic goes to the new side. Needs
 * `disaster-recovery.run.update` on the entity.
 */
function TrafficGate(props: {
  run: DrRun;
  allowed: boolean;
  loading: boolean;
  onConfirmed: (run: DrRun) => void;
}) {
  const { run, allowed, loading, onConfirmed } = props;
  const api = useApi(disasterRecoveryApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onConfirmed(await api.confirmRun(run.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  let reason: string | undefined;
  if (loading) {
    reason = 'Checking your permissions…';
  } else if (!allowed) {
    reason = 'You are not allowed to confirm the runs of this service.';
  }
  return (
    <Box my={1}>
      <Typography variant="body2" paragraph>
        Point DNS and the load balancers at {run.toCluster}, check that requests
        arrive there, then confirm.
      </Typography>
      <ReasonedButton reason={reason}>
        <Button
          variant="contained"
          color="primary"
          disabled={!!reason || busy}
          onClick={confirm}
        >
          Traffic now goes to {run.toCluster}: confirm
        </Button>
      </ReasonedButton>
      {!!error && (
        <Typography color="error" role="alert">
          Could not confirm: {errorMessage(error)}
        </Typography>
      )}
    </Box>
  );
}

function StepDetails(props: {
  run: DrRun;
  step: DrRunStep;
  update: { allowed: boolean; loading: boolean };
  onRun: (run: DrRun) => void;
}) {
  const { run, step, update, onRun } = props;
  return (
    <>
      {step.error && (
        <Typography color="error" variant="body2" paragraph>
          {step.error}
        </Typography>
      )}
      {step.name === 'traffic-gate' && step.state === 'waiting' && (
        <TrafficGate
          run={run}
          allowed={update.allowed}
          loading={update.loading}
          onConfirmed={onRun}
        />
      )}
      {step.name === 'traffic-gate' && run.trafficConfirmedBy && (
        <Typography variant="body2">
          {personLabel(run.trafficConfirmedBy)} confirmed that traffic goes to{' '}
          {run.toCluster}
          {run.trafficConfirmedAt
            ? ` at ${formatClockTime(run.trafficConfirmedAt)}`
            : ''}
          .
        </Typography>
      )}
      {step.log.length > 0 && (
        <Collapsible
          label={`log (${step.log.length} ${
            step.log.length === 1 ? 'line' : 'lines'
          })`}
          defaultOpen={step.state === 'failed'}
        >
          <LogLines lines={step.log} />
        </Collapsible>
      )}
      {step.objects.length > 0 && (
        <Collapsible
          label={`objects (${step.objects.length})`}
          defaultOpen={false}
        >
          <ObjectChanges
            objects={step.objects}
            label={`${STEP_LABELS[step.name]} objects`}
          />
        </Collapsible>
      )}
    </>
  );
}

/** Cancels a run before its promote step; shows the backend's answer (409 after promote). */
function CancelButton(props: {
  run: DrRun;
  allowed: boolean;
  loading: boolean;
  onCancelled: (run: DrRun) => void;
}) {
  const { run, allowed, loading, onCancelled } = props;
  const api = useApi(disasterRecoveryApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const cancellable = isCancellable(run);
  if (!cancellable && !error) {
    return null;
  }
  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onCancelled(await api.cancelRun(run.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  let reason: string | undefined;
  if (loading) {
    reason = 'Checking your permissions…';
  } else if (!allowed) {
    reason = 'You are not allowed to cancel the runs of this service.';
  }
  return (
    <Box mb={2}>
      {cancellable && (
        <ReasonedButton reason={reason}>
          <Button
            variant="outlined"
            disabled={!!reason || busy}
            onClick={cancel}
          >
            Cancel run
          </Button>
        </ReasonedButton>
      )}
      {!!error && (
        <Typography color="error" role="alert">
          Could not cancel: {errorMessage(error)}
        </Typography>
      )}
    </Box>
  );
}

/** The facts of a run: who started it, when, where from and to, RTO, data loss, error. */
function RunFacts(props: { run: DrRun }) {
  const { run } = props;
  const classes = useStyles();
  return (
    <Typography variant="body2" component="dl" className={classes.facts}>
      <dt>State</dt>
      <dd>
        <RunStateLabel state={run.state} />
      </dd>
      <dt>Started by</dt>
      <dd>
        {personLabel(run.createdBy)}, <TimeCell time={run.createdAt} /> (
        <TimeCell time={run.createdAt} relative />)
      </dd>
      <dt>Clusters</dt>
      <dd>
        {run.type === 'drill'
          ? `restores into ${run.drillNamespace ?? 'a drill namespace'} on ${
              run.toCluster
            }; ${run.fromCluster} is not touched`
          : `from ${run.fromCluster} to ${run.toCluster}`}
      </dd>
      <dt>Measured RTO</dt>
      <dd>
        {run.measuredRtoSeconds === undefined
          ? 'not verified yet'
          : formatDuration(run.measuredRtoSeconds)}
      </dd>
      <dt>Data lost</dt>
      <dd>{dataLostText(run)}</dd>
      {run.options.primaryUnreachable && (
        <>
          <dt>Fence</dt>
          <dd>{run.fromCluster} was declared unreachable: not fenced</dd>
        </>
      )}
      {run.endedAt && (
        <>
          <dt>Ended</dt>
          <dd>
            <TimeCell time={run.endedAt} />
          </dd>
        </>
      )}
      {run.error && (
        <>
          <dt>Error</dt>
          <dd>
            <Typography variant="inherit" color="error">
              {run.error}
            </Typography>
          </dd>
        </>
      )}
    </Typography>
  );
}

/**
 * A run as a live stepper: every step with its state, start and end time, error, log lines and
 * objects (collapsible), read again every 2 seconds while the run is active. At the traffic gate,
 * the button that confirms traffic goes to the new side; before promote, a Cancel button.
 */
export function RunStepper(props: {
  runId: string;
  entityRef: string;
  /** The run as already known (e.g. from the history or `POST /runs`), to show without a read. */
  initial?: DrRun;
  /** Called with every newer copy of the run (a poll, a confirm, a cancel). */
  onChange?: (run: DrRun) => void;
  pollIntervalMs?: number;
}) {
  const {
    runId,
    entityRef,
    initial,
    onChange,
    pollIntervalMs = RUN_POLL_INTERVAL_MS,
  } = props;
  const classes = useStyles();
  const { run, error, update } = useRun(runId, initial, pollIntervalMs);
  const permission = useRunUpdatePermission(entityRef);

  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    if (run) {
      onChangeRef.current?.(run);
    }
  }, [run]);

  if (!run) {
    return error ? (
      <ResponseErrorPanel error={error} title={`Could not load run ${runId}`} />
    ) : (
      <Progress />
    );
  }

  const activeStep = run.steps.findIndex(
    s => s.state !== 'completed' && s.state !== 'skipped',
  );
  return (
    <div data-testid="run-stepper" aria-label={`Run ${run.id}`}>
      <Typography variant="h6" component="h3">
        {RUN_TYPE_LABELS[run.type]} run {run.id}
      </Typography>
      <RunFacts run={run} />
      {error && (
        <Typography color="error" variant="body2" role="alert">
          Could not read the run again: {errorMessage(error)}. Retrying.
        </Typography>
      )}
      {isActiveRunState(run.state) && (
        <CancelButton
          run={run}
          allowed={permission.allowed}
          loading={permission.loading}
          onCancelled={update}
        />
      )}
      <Stepper
        orientation="vertical"
        activeStep={activeStep === -1 ? run.steps.length : activeStep}
        className={classes.stepper}
      >
        {run.steps.map(step => (
          <Step
            key={step.name}
            completed={step.state === 'completed'}
            active={step.state === 'running' || step.state === 'waiting'}
            disabled={step.state === 'skipped'}
            expanded
            data-testid={`step-${step.name}`}
            data-state={step.state}
          >
            <StepLabel
              error={step.state === 'failed'}
              optional={
                <Typography variant="caption" color="textSecondary">
                  {stepTimes(step)}
                </Typography>
              }
            >
              {STEP_LABELS[step.name]}
            </StepLabel>
            <StepContent>
              <StepDetails
                run={run}
                step={step}
                update={permission}
                onRun={update}
              />
            </StepContent>
          </Step>
        ))}
      </Stepper>
    </div>
  );
}
