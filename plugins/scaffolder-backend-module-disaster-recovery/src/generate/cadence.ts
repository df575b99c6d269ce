import { scheduleMaxIntervalSeconds } from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * A cron schedule chosen for a backup or a replication: the five-field expression (UTC) and the
 * longest gap between two runs, in seconds.
 *
 * @public
 */
export interface Cadence {
  /** Five-field cron expression, e.g. `*\/10 * * * *`, `17 *\/6 * * *`, `17 3 * * *`. */
  cron: string;
  /** The longest gap between two runs, in seconds, as `scheduleMaxIntervalSeconds` measures it. */
  intervalSeconds: number;
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/**
 * The schedules the generator can write, longest first. Every one has even gaps (the step divides
 * the field's range), and matches VolSync's `trigger.schedule` pattern
 * (`^(\d+|\*)(/\d+)?(\s+(\d+|\*)(/\d+)?){4}$`): no lists, no ranges. `seed` staggers the minute
 * (and hour, weekday) so that services do not all start at :00.
 */
const CANDIDATES: Array<{
  seconds: number;
  cron: (seed: number) => string;
}> = [
  { seconds: 7 * DAY, cron: s => `${s % 60} ${s % 24} * * ${s % 7}` },
  { seconds: DAY, cron: s => `${s % 60} ${s % 24} * * *` },
  ...[12, 8, 6, 4, 3, 2].map(n => ({
    seconds: n * HOUR,
    cron: (s: number) => `${s % 60} ${s % n}/${n} * * *`,
  })),
  { seconds: HOUR, cron: s => `${s % 60} * * * *` },
  ...[30, 20, 15, 12, 10, 6, 5, 4, 3, 2].map(n => ({
    seconds: n * MINUTE,
    cron: (s: number) => `${s % n}/${n} * * * *`,
  })),
  { seconds: MINUTE, cron: () => `* * * * *` },
];

/** A small stable number from a text (e.g. the service name), to stagger schedules. */
export function scheduleSeed(text: string): number {
  let hash = 0;
  for (const char of text) {
    hash = (hash * 31 + char.charCodeAt(0)) % 1_000_003;
  }
  return hash;
}

/**
 * The least frequent schedule whose runs are at most `maxSeconds` apart and at least
 * `minSeconds` apart, or undefined when no schedule fits (`maxSeconds < minSeconds`, or below a
 * minute). The result is checked with the DR evaluation's own `scheduleMaxIntervalSeconds`.
 *
 * @param maxSeconds - the longest gap allowed between two runs, in seconds
 * @param minSeconds - the shortest gap allowed, in seconds (at least 60: cron's finest step)
 * @param seed - staggers the minute, hour and weekday; use {@link scheduleSeed}
 * @param now - the time the gap is measured from (any time works: the schedules are regular)
 */
export function cadenceAtMost(
  maxSeconds: number,
  minSeconds: number,
  seed: number,
  now: Date = new Date(),
): Cadence | undefined {
  const candidate = CANDIDATES.find(
    c => c.seconds <= maxSeconds && c.seconds >= Math.max(minSeconds, MINUTE),
  );
  if (!candidate) {
    return undefined;
  }
  const cron = candidate.cron(seed);
  const measured = scheduleMaxIntervalSeconds(cron, now);
  if (measured === undefined || measured > maxSeconds) {
    throw new Error(
      `Internal error: schedule "${cron}" has gaps of ${measured}s, more than the ${maxSeconds}s wanted`,
    );
  }
  return { cron, intervalSeconds: measured };
}

/**
 * A five-field cron expression written the way CloudNativePG reads `ScheduledBackup.spec.schedule`:
 * robfig/cron v1 with a leading seconds field, so `17 3 * * *` (daily at 03:17) becomes
 * `0 17 3 * * *`. Written as five fields, CloudNativePG would read `17` as the seconds and run
 * every hour (cloudnative-pg#883, #2593).
 *
 * @public
 */
export function cnpgSchedule(fiveFieldCron: string): string {
  const fields = fiveFieldCron.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(
      `Internal error: "${fiveFieldCron}" is not a five-field cron expression`,
    );
  }
  return ['0', ...fields].join(' ');
}
