import { CronExpressionParser } from 'cron-parser';

const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * Parses a Go duration as Kubernetes operators write it (`metav1.Duration`: `720h0m0s`,
 * `1m30.5s`, `42.1s`) into seconds. Returns undefined for anything else.
 *
 * @public
 */
export function parseGoDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const value = text.trim();
  if (value === '0') return 0;
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let seconds = 0;
  let matched = 0;
  for (let m = part.exec(value); m; m = part.exec(value)) {
    seconds += Number(m[1]) * GO_DURATION_UNITS[m[2]];
    matched = part.lastIndex;
  }
  return matched === value.length && matched > 0 ? seconds : undefined;
}

/**
 * Writes whole seconds as a Go duration, as Kubernetes operators take it (Velero's `ttl`:
 * `2160h0m0s`). {@link parseGoDuration} reads the result back.
 *
 * @public
 */
export function formatGoDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}h${m}m${s}s`;
}

const INTERVAL_CACHE_SIZE = 4096;
const intervalCache = new Map<string, number | undefined>();

/**
 * The longest gap, in seconds, between two consecutive runs of a schedule, over the week after
 * `from`: the worst-case age of its newest backup just before the next one starts. Reads Velero's
 * schedule forms: a five-field cron expression (UTC), `@every <Go duration>`, and the
 * descriptors `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`.
 *
 * @returns undefined when the expression cannot be read
 * @public
 */
export function scheduleMaxIntervalSeconds(
  schedule: string,
  from: Date,
): number | undefined {
  // Many services share a few cron expressions and one refresh shares one `from`: the walk over
  // eight days of ticks is done once per (expression, instant).
  const key = `${schedule}\u0000${from.getTime()}`;
  if (intervalCache.has(key)) return intervalCache.get(key);
  const seconds = computeMaxIntervalSeconds(schedule, from);
  if (intervalCache.size >= INTERVAL_CACHE_SIZE) intervalCache.clear();
  intervalCache.set(key, seconds);
  return seconds;
}

function computeMaxIntervalSeconds(
  schedule: string,
  from: Date,
): number | undefined {
  const expression = schedule.trim();
  if (expression === '') return undefined;
  const every = /^@every\s+(.+)$/.exec(expression);
  if (every) {
    const seconds = parseGoDuration(every[1]);
    return seconds && seconds > 0 ? seconds : undefined;
  }
  try {
    const cron = CronExpressionParser.parse(expression, {
      currentDate: from,
      tz: 'UTC',
    });
    const horizon = from.getTime() + 8 * 86400_000;
    let previous = cron.next().getTime();
    let longest = 0;
    for (let i = 0; i < 2000; i++) {
      const next = cron.next().getTime();
      longest = Math.max(longest, next - previous);
      previous = next;
      if (next > horizon) break;
    }
    return longest > 0 ? Math.round(longest / 1000) : undefined;
  } catch {
    return undefined;
  }
}
