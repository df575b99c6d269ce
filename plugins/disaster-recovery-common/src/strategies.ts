/**
 * The DR strategies, from the least to the most replicated:
 *
 * - `backup-restore`: periodic backups, restored into a new or standby cluster;
 * - `pilot-light`: minimal replica roles in the recovery region, data replicated asynchronously;
 * - `warm-standby`: a scaled-down but complete copy, replicated continuously;
 * - `active-active`: both regions serve; replication is the application's own.
 *
 * @public
 */
export const DR_STRATEGIES = [
  'backup-restore',
  'pilot-light',
  'warm-standby',
  'active-active',
] as const;

/**
 * One of {@link DR_STRATEGIES}.
 *
 * @public
 */
export type DrStrategy = (typeof DR_STRATEGIES)[number];

/**
 * Whether a string is one of {@link DR_STRATEGIES}.
 *
 * @public
 */
export function isDrStrategy(value: unknown): value is DrStrategy {
  return (
    typeof value === 'string' &&
    (DR_STRATEGIES as readonly string[]).includes(value)
  );
}
