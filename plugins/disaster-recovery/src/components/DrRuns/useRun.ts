import { useApi } from '@backstage/core-plugin-api';
import {
  DrRun,
  isActiveRunState,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { useCallback, useEffect, useState } from 'react';
import { disasterRecoveryApiRef } from '../../api';

/** How often an active run is read again. */
export const RUN_POLL_INTERVAL_MS = 2000;

/**
 * A run, kept up to date: loaded with `GET /runs/:id` unless `initial` is given, then read again
 * every `intervalMs` while it is active (pending, running, waiting, cancelling). A failed read
 * is shown and retried at the next interval. `update` takes a newer run (e.g. the answer of a
 * confirm or cancel).
 */
export function useRun(
  runId: string,
  initial?: DrRun,
  intervalMs: number = RUN_POLL_INTERVAL_MS,
) {
  const api = useApi(disasterRecoveryApiRef);
  const [run, setRun] = useState<DrRun | undefined>(
    initial?.id === runId ? initial : undefined,
  );
  const [error, setError] = useState<Error>();
  // Counts the reads, so that a failed read schedules the next one too.
  const [reads, setReads] = useState(0);

  // Another run: start again from what is known of it.
  useEffect(() => {
    setRun(current => {
      if (current?.id === runId) {
        return current;
      }
      return initial?.id === runId ? initial : undefined;
    });
    setError(undefined);
    // `initial` is only a starting point: a newer copy of the same run must not reset the poll.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId]);

  const known = run?.id === runId ? run : undefined;
  const active = !known || isActiveRunState(known.state);

  useEffect(() => {
    if (!active) {
      return undefined;
    }
    let cancelled = false;
    const read = async () => {
      try {
        const next = await api.getRun(runId);
        if (!cancelled) {
          setRun(next);
          setError(undefined);
        }
      } catch (e) {
        if (!cancelled) {
          setError(e as Error);
        }
      } finally {
        if (!cancelled) {
          setReads(n => n + 1);
        }
      }
    };
    // Unknown yet: read it now; known and active: read it again after the interval.
    const timer = setTimeout(read, known ? intervalMs : 0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // `known` changes with every read; `reads` and `known?.state` are what schedules the next.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, runId, active, intervalMs, reads, !!known]);

  const update = useCallback((next: DrRun) => {
    setRun(next);
  }, []);

  return { run: known, error, update };
}
