import { CronExpressionParser } from 'cron-parser';
import {
  cronMaxIntervalSeconds,
  parseGoDuration,
  scheduleRunTimes,
} from '../../evaluation/cadence';

/**
 * A CloudNativePG `ScheduledBackup.spec.schedule` as CloudNativePG reads it: robfig/cron **v1**
 * `cron.Parse` (`internal/controller/scheduledbackup_controller.go`), whose parser takes
 * `Second | Minute | Hour | Dom | Month | DowOptional | Descriptor`:
 *
 * - six fields, **seconds first** (second, minute, hour, day of month, month, day of week);
 * - the day of week is optional, so a **five-field** expression is read seconds-first too, with
 *   the day of week `*`: `0 3 * * *` is "second 0 of minute 3 of every hour" (hourly at :03:00),
 *   not daily at 03:00 (cloudnative-pg#883, #2593);
 * - the descriptors `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`,
 *   `@hourly` and `@every <Go duration>` (at least one second, fractions dropped);
 * - no `CRON_TZ=`/`TZ=` prefix (robfig/cron v3 added it); times are the operator's local time,
 *   UTC in its container.
 *
 * `fields` is the six-field form (seconds first, `?` read as `*`); `timeZone` is always `UTC`, so
 * the run times and intervals of `evaluation/cadence.ts` apply to it.
 */
export type CnpgCron =
  | { kind: 'every'; seconds: number; timeZone: 'UTC' }
  | { kind: 'cron'; fields: string; fiveFields: boolean; timeZone: 'UTC' };

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

// One field as robfig/cron has them: `*`, `?`, numbers or three-letter names, ranges, steps, lists.
const FIELD =
  /^(\*|\?|(\d+|[A-Za-z]{3})(-(\d+|[A-Za-z]{3}))?)(\/\d+)?(,(\*|\?|(\d+|[A-Za-z]{3})(-(\d+|[A-Za-z]{3}))?)(\/\d+)?)*$/;

/**
 * Reads a schedule the way CloudNativePG does ({@link CnpgCron}).
 *
 * @returns the parsed schedule, or `{ error }` saying why CloudNativePG would reject it
 */
export function parseCnpgCron(text: unknown): CnpgCron | { error: string } {
  if (typeof text !== 'string') {
    return {
      error: `is a ${text === null ? 'null' : typeof text}, not a schedule`,
    };
  }
  const expression = text.trim();
  if (expression === '') return { error: 'is empty' };
  if (/^(CRON_TZ|TZ)=/.test(expression)) {
    return {
      error:
        'starts with a time zone, which robfig/cron v1 (CloudNativePG) does not read',
    };
  }
  const every = /^@every\s+(\S+)$/.exec(expression);
  if (every) {
    const seconds = parseGoDuration(every[1]);
    return seconds !== undefined
      ? {
          kind: 'every',
          seconds: Math.max(1, Math.floor(seconds)),
          timeZone: 'UTC',
        }
      : { error: `@every needs a Go duration (30m, 1h), got ${every[1]}` };
  }
  if (expression.startsWith('@')) {
    const fields = DESCRIPTORS[expression];
    return fields
      ? { kind: 'cron', fields, fiveFields: false, timeZone: 'UTC' }
      : { error: `${expression} is not a descriptor CloudNativePG knows` };
  }
  const fields = expression.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return {
      error: `has ${fields.length} fields; CloudNativePG takes 6 (second minute hour day-of-month month day-of-week)`,
    };
  }
  if (!fields.every(f => FIELD.test(f))) {
    return { error: 'is not a cron expression CloudNativePG reads' };
  }
  const six = [...fields, ...(fields.length === 5 ? ['*'] : [])]
    .map(f => f.replace(/\?/g, '*'))
    .join(' ');
  try {
    CronExpressionParser.parse(six, { tz: 'UTC' });
  } catch (e) {
    return {
      error: `is not a cron expression CloudNativePG reads (${
        (e as Error).message
      })`,
    };
  }
  return {
    kind: 'cron',
    fields: six,
    fiveFields: fields.length === 5,
    timeZone: 'UTC',
  };
}

/**
 * The run times of a schedule after `from` (exclusive) up to `to` (inclusive), in epoch
 * milliseconds, at most `max` of them ({@link scheduleRunTimes}).
 */
export function cnpgRunTimes(
  schedule: CnpgCron,
  from: number,
  to: number,
  max: number,
): number[] {
  return scheduleRunTimes(schedule, new Date(from), new Date(to), max);
}

/**
 * The longest gap, in seconds, between two consecutive runs ({@link cronMaxIntervalSeconds}):
 * the worst-case age of the newest base backup just before the next one.
 */
export function cnpgMaxIntervalSeconds(
  schedule: CnpgCron,
  from: Date,
): number | undefined {
  return cronMaxIntervalSeconds(schedule, from);
}

/**
 * The five-field expression a user most likely meant, written the way CloudNativePG reads it
 * (`0 3 * * *` → `0 0 3 * * *`), for next steps.
 */
export function sixFieldFix(fiveFields: string): string {
  return `0 ${fiveFields.trim().split(/\s+/).join(' ')}`;
}
