/**
 * A time read back from a timestamp column: PostgreSQL answers a `Date`, SQLite the epoch
 * milliseconds the better-sqlite3 driver stored for a `Date`; as RFC 3339 (UTC), undefined for
 * null or an unreadable value.
 */
export function readTime(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const date =
    value instanceof Date
      ? value
      : new Date(typeof value === 'string' ? value : Number(value));
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
