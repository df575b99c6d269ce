/**
 * The longest gap, in seconds, between two runs of a Kasten K10 policy frequency
 * (`Policy.spec.frequency`, or an export action's `exportParameters.frequency`) with its
 * `spec.subFrequency` (`minutes`, `hours`, `weekdays`, `days`, `months`: lists of the run times
 * within each period), as PROVIDERS.md section 3 "Cadence" reads it: `@hourly` with minutes
 * `[0,15,30,45]` → 15 min, `@daily` with hours `[2,14]` → 12 h; plain `@hourly` 1 h, `@daily`
 * 24 h, `@weekly` 7 d, `@monthly` 31 d (the longest month), `@yearly` 366 d.
 *
 * @returns `{ seconds }`, `{ onDemand: true }` for `@onDemand` (no schedule), or `{ error }`
 */
export function kastenIntervalSeconds(
  frequency: string | undefined,
  sub: Record<string, unknown> | undefined,
): { seconds: number } | { onDemand: true } | { error: string } {
  if (frequency === '@onDemand') return { onDemand: true };
  const list = (key: string, max: number): number[] | undefined => {
    const value = sub?.[key];
    if (!Array.isArray(value) || value.length === 0) return undefined;
    const numbers = value.filter(
      (v): v is number => Number.isInteger(v) && v >= 0 && v <= max,
    );
    return numbers.length
      ? [...new Set(numbers)].sort((a, b) => a - b)
      : undefined;
  };
  /** The longest gap between sorted distinct points on a cycle of `period`. */
  const cyclicGap = (points: number[], period: number) => {
    let gap = points[0] + period - points[points.length - 1];
    for (let i = 1; i < points.length; i++) {
      gap = Math.max(gap, points[i] - points[i - 1]);
    }
    return gap;
  };
  const minutes = list('minutes', 59);
  const hours = list('hours', 23);
  const dayMinutes = () => {
    const hs = hours ?? [0];
    const ms = minutes ?? [0];
    return hs.flatMap(h => ms.map(m => h * 60 + m)).sort((a, b) => a - b);
  };
  switch (frequency) {
    case '@hourly':
      return { seconds: cyclicGap(minutes ?? [0], 60) * 60 };
    case '@daily':
      return { seconds: cyclicGap(dayMinutes(), 1440) * 60 };
    case '@weekly': {
      const days = list('weekdays', 6) ?? [0];
      const points = days
        .flatMap(d => dayMinutes().map(m => d * 1440 + m))
        .sort((a, b) => a - b);
      return { seconds: cyclicGap(points, 7 * 1440) * 60 };
    }
    case '@monthly': {
      // Days of the month on the longest month (31 days): the worst case.
      const listed = list('days', 31)?.filter(d => d >= 1);
      const days = listed?.length ? listed : [1];
      const points = days
        .flatMap(d => dayMinutes().map(m => (d - 1) * 1440 + m))
        .sort((a, b) => a - b);
      return { seconds: cyclicGap(points, 31 * 1440) * 60 };
    }
    case '@yearly': {
      const months = (list('months', 12) ?? []).filter(m => m >= 1);
      if (months.length <= 1) return { seconds: 366 * 86400 };
      // Months apart, each counted at 31 days (the worst case).
      return { seconds: cyclicGap(months, 12) * 31 * 86400 };
    }
    default:
      return {
        error: `${JSON.stringify(
          frequency ?? null,
        )} is not a Kasten frequency (@hourly, @daily, @weekly, @monthly, @yearly or @onDemand)`,
      };
  }
}
