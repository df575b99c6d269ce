/**
 * Reading RFC 3339 timestamps fast, with the result of `Date.parse`. Internal to the package.
 */

const digit = (text: string, at: number) => {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};

const daysIn = (year: number, month: number) => {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
};

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar, as `Date.UTC` counts
 * them, in integer arithmetic (H. Hinnant's `days_from_civil`).
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear =
    Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 +
    Math.floor(yearOfEra / 4) -
    Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/**
 * `Date.parse(text)`, read directly for the form the API server writes
 * (`2026-11-25T12:00:00Z`: UTC, whole seconds, a date that exists, from 1970): a million
 * backups' times are read per refresh. Any other form (fractions, offsets, `2026-02-30`, which
 * `Date.parse` rolls over) goes to `Date.parse`.
 *
 * @returns epoch milliseconds, NaN for what `Date.parse` cannot read
 */
export function parseTimestamp(text: string): number {
  if (
    text.length === 20 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(19) === 90 // Z
  ) {
    const year =
      digit(text, 0) * 1000 +
      digit(text, 1) * 100 +
      digit(text, 2) * 10 +
      digit(text, 3);
    const month = digit(text, 5) * 10 + digit(text, 6);
    const day = digit(text, 8) * 10 + digit(text, 9);
    const hour = digit(text, 11) * 10 + digit(text, 12);
    const minute = digit(text, 14) * 10 + digit(text, 15);
    const second = digit(text, 17) * 10 + digit(text, 18);
    if (
      year >= 1970 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysIn(year, month) &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59
    ) {
      return (
        ((daysSinceEpoch(year, month, day) * 24 + hour) * 60 + minute) *
          60_000 +
        second * 1000
      );
    }
  }
  return Date.parse(text);
}
