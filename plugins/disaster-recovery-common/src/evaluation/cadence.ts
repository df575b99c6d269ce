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

/**
 * A Velero `Schedule.spec.schedule` as Velero reads it: robfig/cron v3's `ParseStandard`
 * (Velero's schedule controller, `parseCronSchedule`): five fields (minute, hour, day of month,
 * month, day of week; names like `MON` and `JAN`, `?` for "any" in the day fields), the
 * descriptors `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`,
 * `@every <Go duration>`, and a leading `CRON_TZ=<zone>` or `TZ=<zone>` (default: UTC, the
 * time zone of Velero's container).
 *
 * @public
 */
export type VeleroCron =
  | { kind: 'every'; seconds: number; timeZone: string }
  | { kind: 'cron'; fields: string; timeZone: string };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

// Per field: numbers, names, `*`, `?` (day fields), ranges, lists and steps, as robfig/cron has them.
// Values are numbers or three-letter names (robfig/cron has no L, W, # or H).
const FIELD =
  /^(\*|\?|(\d+|[A-Za-z]{3})(-(\d+|[A-Za-z]{3}))?)(\/\d+)?(,(\*|(\d+|[A-Za-z]{3})(-(\d+|[A-Za-z]{3}))?)(\/\d+)?)*$/;

function isTimeZone(zone: string): boolean {
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const parsedCrons = new Map<string, VeleroCron | { error: string }>();

/**
 * Reads a schedule expression the way Velero does ({@link VeleroCron}).
 *
 * @returns the parsed expression, or `{ error }` saying why Velero would not accept it
 * @public
 */
export function parseVeleroCron(text: unknown): VeleroCron | { error: string } {
  if (typeof text !== 'string') return readVeleroCron(text);
  // A refresh reads the same few expressions for many schedules: each is parsed once.
  const cached = parsedCrons.get(text);
  if (cached) return cached;
  const parsed = readVeleroCron(text);
  if (parsedCrons.size >= 4096) parsedCrons.clear();
  parsedCrons.set(text, parsed);
  return parsed;
}

function readVeleroCron(text: unknown): VeleroCron | { error: string } {
  if (typeof text !== 'string') {
    return {
      error: `is a ${
        text === null ? 'null' : typeof text
      }, not a cron expression`,
    };
  }
  let expression = text.trim();
  if (expression === '') return { error: 'is empty' };
  let timeZone = 'UTC';
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expression);
  if (tz) {
    if (!isTimeZone(tz[1])) {
      return { error: `names an unknown time zone ${tz[1]}` };
    }
    timeZone = tz[1];
    expression = tz[2].trim();
  }
  const every = /^@every\s+(\S+)$/.exec(expression);
  if (every) {
    const seconds = parseGoDuration(every[1]);
    // robfig/cron's Every() drops fractions of a second and runs at least every second
    // (so Velero takes `@every 0s` as every second).
    return seconds !== undefined
      ? { kind: 'every', seconds: Math.max(1, Math.floor(seconds)), timeZone }
      : { error: `@every needs a Go duration (30m, 1h), got ${every[1]}` };
  }
  if (expression.startsWith('@')) {
    const fields = DESCRIPTORS[expression];
    return fields
      ? { kind: 'cron', fields, timeZone }
      : { error: `${expression} is not a descriptor Velero knows` };
  }
  const fields = expression.split(/\s+/);
  if (fields.length !== 5) {
    return {
      error: `has ${fields.length} fields; Velero takes 5 (minute hour day-of-month month day-of-week)`,
    };
  }
  if (!fields.every(f => FIELD.test(f))) {
    return { error: `is not a cron expression Velero reads` };
  }
  try {
    CronExpressionParser.parse(
      fields.map(f => (f === '?' ? '*' : f)).join(' '),
      {
        tz: timeZone,
      },
    );
  } catch (e) {
    return {
      error: `is not a cron expression Velero reads (${(e as Error).message})`,
    };
  }
  return {
    kind: 'cron',
    fields: fields.map(f => (f === '?' ? '*' : f)).join(' '),
    timeZone,
  };
}

/**
 * The run times of a schedule after `from` (exclusive) up to `to` (inclusive), in epoch
 * milliseconds, at most `max` of them. An `@every` schedule runs at its interval from `from`
 * (Velero counts it from the last backup).
 *
 * @public
 */
export function scheduleRunTimes(
  schedule: VeleroCron,
  from: Date,
  to: Date,
  max: number,
): number[] {
  const times: number[] = [];
  if (schedule.kind === 'every') {
    for (
      let t = from.getTime() + schedule.seconds * 1000;
      t <= to.getTime() && times.length < max;
      t += schedule.seconds * 1000
    ) {
      times.push(t);
    }
    return times;
  }
  const cron = CronExpressionParser.parse(schedule.fields, {
    currentDate: from,
    endDate: to,
    tz: schedule.timeZone,
  });
  while (times.length < max && cron.hasNext()) {
    times.push(cron.next().getTime());
  }
  return times;
}

const INTERVAL_CACHE_SIZE = 4096;
const intervalCache = new Map<string, number | undefined>();

/**
 * The longest gap, in seconds, between two consecutive runs of a schedule, over the week after
 * `from`: the worst-case age of its newest backup just before the next one starts. Reads the
 * schedule as Velero does ({@link parseVeleroCron}: five fields, descriptors, `@every`,
 * `CRON_TZ=`/`TZ=`).
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
  const parsed = parseVeleroCron(schedule);
  const seconds =
    'error' in parsed ? undefined : cronMaxIntervalSeconds(parsed, from);
  if (intervalCache.size >= INTERVAL_CACHE_SIZE) intervalCache.clear();
  intervalCache.set(key, seconds);
  return seconds;
}

/**
 * The longest gap, in seconds, between two consecutive runs of a parsed schedule over the eight
 * days after `from` (at most 5,000 runs): the worst-case age of the newest copy it makes just
 * before the next one. Shared by the providers whose tools read cron their own way (CloudNativePG's
 * seconds-first cron) once they have parsed it into this form.
 *
 * @returns undefined when the schedule never runs twice
 * @public
 */
export function cronMaxIntervalSeconds(
  schedule: VeleroCron,
  from: Date,
): number | undefined {
  if (schedule.kind === 'every') return schedule.seconds;
  try {
    const cron = CronExpressionParser.parse(schedule.fields, {
      currentDate: from,
      tz: schedule.timeZone,
    });
    const horizon = from.getTime() + 8 * 86400_000;
    let previous = cron.next().getTime();
    let longest = 0;
    for (let i = 0; i < 5000; i++) {
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
