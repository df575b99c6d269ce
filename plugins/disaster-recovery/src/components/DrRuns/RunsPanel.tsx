import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  DrRun,
  DrServiceRecord,
  isActiveRunState,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { disasterRecoveryApiRef } from '../../api';
import { RUN_QUERY_PARAM } from './links';
import { RunActions } from './RunActions';
import { RunHistoryTable } from './RunHistoryTable';
import { RunStepper } from './RunStepper';

/**
 * After a run ends, the backend judges the entity again (a refresh that takes the run as drill
 * evidence): the status is read again every `JUDGED_POLL_INTERVAL_MS` until it was judged after
 * the run ended, at most `JUDGED_POLL_ATTEMPTS` times.
 */
export const JUDGED_POLL_INTERVAL_MS = 2000;
export const JUDGED_POLL_ATTEMPTS = 30;

/**
 * The runs of an entity on its DR tab: the buttons that start a drill, failover or failback, the
 * live stepper of the active run (or of the run named by `?run=<id>`), and the run history. When
 * a run ends, the history and the entity's status (its active cluster) are read again, and the
 * status again until the refresh the run started has judged it (its measured RTO, last drill).
 */
export function RunsPanel(props: {
  entity: Entity;
  record: DrServiceRecord;
  /** Reads the entity's DR status again, e.g. for its active cluster after a failover. */
  onRunEnded?: () => void;
  /** How often the status is read again after a run ends, until it is judged after it. */
  judgedPollIntervalMs?: number;
}) {
  const {
    entity,
    record,
    onRunEnded,
    judgedPollIntervalMs = JUDGED_POLL_INTERVAL_MS,
  } = props;
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(disasterRecoveryApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const history = useAsyncRetry(
    async () => api.listRuns(entityRef),
    [api, entityRef],
  );
  // The run started here, and the newest copy of each run the stepper has read.
  const [started, setStarted] = useState<DrRun>();
  const [live, setLive] = useState<Record<string, DrRun>>({});

  const runs = (history.value?.items ?? []).map(run => live[run.id] ?? run);
  if (started && !runs.some(run => run.id === started.id)) {
    runs.unshift(live[started.id] ?? started);
  }
  const stateOf = (run: { id: string; state: DrRun['state'] }) =>
    live[run.id]?.state ?? run.state;

  // The active run: the one started here, the record's, or an active one in the history.
  const activeRun = [
    ...(started ? [started] : []),
    ...(record.activeRun ? [record.activeRun] : []),
    ...runs,
  ].find(run => isActiveRunState(stateOf(run)));

  const selectedId =
    searchParams.get(RUN_QUERY_PARAM) ?? activeRun?.id ?? undefined;
  const selected = selectedId
    ? runs.find(run => run.id === selectedId) ??
      (started?.id === selectedId ? started : undefined)
    : undefined;

  // When a run this page watched ends, read the history and the status again.
  const watched = useRef(new Set<string>());
  const onRunEndedRef = useRef(onRunEnded);
  onRunEndedRef.current = onRunEnded;
  const retryHistory = history.retry;
  // The end of the last run watched here, until a status judged after it is read.
  const [awaiting, setAwaiting] = useState<{
    endedAt: string;
    attempts: number;
  }>();
  const onChange = useCallback(
    (run: DrRun) => {
      setLive(current =>
        current[run.id] === run ? current : { ...current, [run.id]: run },
      );
      if (isActiveRunState(run.state)) {
        watched.current.add(run.id);
      } else if (watched.current.delete(run.id)) {
        retryHistory();
        onRunEndedRef.current?.();
        if (run.endedAt) {
          setAwaiting({ endedAt: run.endedAt, attempts: 0 });
        }
      }
    },
    [retryHistory],
  );

  // The status read right after the run ended may come before the refresh that judges the run.
  const judgedAt = Date.parse(record.updatedAt);
  useEffect(() => {
    if (!awaiting) {
      return undefined;
    }
    if (
      judgedAt >= Date.parse(awaiting.endedAt) ||
      awaiting.attempts >= JUDGED_POLL_ATTEMPTS ||
      !onRunEndedRef.current
    ) {
      setAwaiting(undefined);
      return undefined;
    }
    const timer = setTimeout(() => {
      onRunEndedRef.current?.();
      setAwaiting(
        current => current && { ...current, attempts: current.attempts + 1 },
      );
    }, judgedPollIntervalMs);
    return () => clearTimeout(timer);
  }, [awaiting, judgedAt, judgedPollIntervalMs]);

  const onStarted = (run: DrRun) => {
    setStarted(run);
    watched.current.add(run.id);
    setSearchParams(
      params => {
        const next = new URLSearchParams(params);
        next.set(RUN_QUERY_PARAM, run.id);
        return next;
      },
      { replace: true },
    );
    retryHistory();
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Drills, failovers and failbacks: runs"
          subheader="A drill restores into an isolated namespace of the recovery cluster and never touches the primary; a failover or failback fences the side being left first."
        >
          <Box mb={2}>
            <RunActions
              entityRef={entityRef}
              entityName={entity.metadata.name}
              record={record}
              activeRun={
                activeRun
                  ? { id: activeRun.id, type: activeRun.type }
                  : undefined
              }
              onStarted={onStarted}
            />
          </Box>
          {selectedId ? (
            <RunStepper
              key={selectedId}
              runId={selectedId}
              entityRef={entityRef}
              initial={selected}
              onChange={onChange}
            />
          ) : (
            <Typography variant="body2" color="textSecondary">
              No run is active. A drill measures the RTO without touching the
              primary.
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {history.error ? (
          <ResponseErrorPanel
            error={history.error}
            title="Could not load the run history"
          />
        ) : (
          <RunHistoryTable runs={runs} selectedRunId={selectedId} />
        )}
      </Grid>
    </Grid>
  );
}
