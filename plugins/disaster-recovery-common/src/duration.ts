import { Duration } from 'luxon';

/**
 * The accepted forms of a duration, as shown in error messages.
 *
 * @public
 */
export const DURATION_FORMS = 'ISO 8601 (PT15M) or 15m';

const SHORT_UNITS = {
  s: 'seconds',
  m: 'minutes',
  h: 'hours',
  d: 'days',
  w: 'weeks',
} as const;

// The short form: a whole number and one unit letter, e.g. `30s`, `15m`, `4h`, `7d`, `2w`.
const SHORT_FORM = /^(\d+)([smhdw])$/;

/**
 * The result of {@link parseDuration}: the duration in whole seconds, or why the text is not one.
 *
 * @public
 */
export type DurationParseResult =
  | { ok: true; seconds: number }
  | { ok: false; reason: 'empty' | 'malformed' | 'negative' };

/**
 * Parses a duration written in ISO 8601 (`PT15M`, `P1DT12H`, `P7D`) or in the short form
 * (`30s`, `15m`, `4h`, `7d`, `2w`) into whole seconds. Months and years in ISO 8601 use
 * luxon's casual conversion (a month is 30 days, a year 365 days).
 *
 * Never throws: malformed, empty and negative input is reported in the result.
 *
 * @public
 */
export function parseDuration(text: string): DurationParseResult {
  const value = text.trim();
  if (value === '') {
    return { ok: false, reason: 'empty' };
  }
  let duration: Duration;
  const short = SHORT_FORM.exec(value);
  if (short) {
    const unit = SHORT_UNITS[short[2] as keyof typeof SHORT_UNITS];
    duration = Duration.fromObject({ [unit]: Number(short[1]) });
  } else {
    duration = Duration.fromISO(value);
    // luxon reads a bare `P` or `PT` as zero; ISO 8601 needs at least one number and unit.
    if (!duration.isValid || !/\d/.test(value)) {
      const unsigned = value.replace(/^-/, '');
      if (unsigned !== value && parseDuration(unsigned).ok) {
        return { ok: false, reason: 'negative' };
      }
      return { ok: false, reason: 'malformed' };
    }
  }
  const seconds = duration.as('seconds');
  if (seconds < 0 || Object.is(seconds, -0)) {
    return { ok: false, reason: 'negative' };
  }
  return { ok: true, seconds: Math.round(seconds) };
}

/**
 * Describes why {@link parseDuration} refused a text, in words that name the accepted form,
 * e.g. `"15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m`.
 *
 * @public
 */
export function describeDurationProblem(
  text: string,
  reason: 'empty' | 'malformed' | 'negative',
): string {
  switch (reason) {
    case 'empty':
      return `is empty; use ${DURATION_FORMS}`;
    case 'negative':
      return `"${text}" is negative; a duration is zero or more, in ${DURATION_FORMS}`;
    default:
      return `"${text}" is not a duration; use ${DURATION_FORMS}`;
  }
}

/**
 * Parses a duration like {@link parseDuration} and throws when it is not one.
 *
 * @param text - the duration text, ISO 8601 or short form
 * @param what - what the text is, named first in the error, e.g. `disaster-recovery/rpo`
 * @returns the duration in whole seconds
 * @throws TypeError naming `what`, the value and the accepted form
 * @public
 */
export function parseDurationOrThrow(text: string, what: string): number {
  const result = parseDuration(text);
  if (!result.ok) {
    throw new TypeError(
      `${what}: ${describeDurationProblem(text, result.reason)}`,
    );
  }
  return result.seconds;
}

/**
 * Formats whole seconds in the short form with up to two units, largest first:
 * `0s`, `45s`, `15m`, `1h 30m`, `7d`, `2d 4h`.
 *
 * @public
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) {
    return String(seconds);
  }
  const sign = seconds < 0 ? '-' : '';
  const parts = Duration.fromObject({ seconds: Math.round(Math.abs(seconds)) })
    .shiftTo('days', 'hours', 'minutes', 'seconds')
    .toObject();
  const units: Array<[number | undefined, string]> = [
    [parts.days, 'd'],
    [parts.hours, 'h'],
    [parts.minutes, 'm'],
    [parts.seconds, 's'],
  ];
  const shown = units.filter(([n]) => n).slice(0, 2);
  if (shown.length === 0) {
    return '0s';
  }
  return sign + shown.map(([n, unit]) => `${n}${unit}`).join(' ');
}

/**
 * Writes whole seconds in the short form the DR annotations take, as the largest unit that
 * divides them: `90s`, `15m`, `4h`, `7d`. {@link parseDuration} reads the result back.
 *
 * @public
 */
export function formatShortDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds > 0 && seconds % size === 0) {
      return `${seconds / size}${unit}`;
    }
  }
  return `${seconds}s`;
}
