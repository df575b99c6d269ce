import { DependencyList, useEffect, useRef, useState } from 'react';

/**
 * Runs `load` whenever `deps` change and keeps showing the last value while the next loads, so a
 * filter change does not blank the page. Answers that arrive after a newer request started are
 * dropped.
 */
export function useLatest<T>(
  load: () => Promise<T>,
  deps: DependencyList,
): { value?: T; error?: Error; loading: boolean; retry: () => void } {
  const [state, setState] = useState<{
    value?: T;
    error?: Error;
    loading: boolean;
  }>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const id = ++latest.current;
    setState(s => ({ ...s, loading: true }));
    load().then(
      value => {
        if (id === latest.current) setState({ value, loading: false });
      },
      error => {
        if (id === latest.current)
          setState(s => ({ value: s.value, error, loading: false }));
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, attempt]);
  return { ...state, retry: () => setAttempt(a => a + 1) };
}
