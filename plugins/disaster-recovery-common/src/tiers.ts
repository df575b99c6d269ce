import { Config } from '@backstage/config';
import {
  DURATION_FORMS,
  describeDurationProblem,
  parseDuration,
} from './duration';
import { DR_STRATEGIES, DrStrategy, isDrStrategy } from './strategies';

/**
 * The policy of one tier: the loosest targets a service of the tier may declare, the strategies
 * it may use, and how old its last drill may be. Durations are whole seconds.
 *
 * @public
 */
export interface TierPolicy {
  /** The tier's name, the value of the `disaster-recovery/tier` annotation, e.g. `tier-1`. */
  name: string;
  /** What the tier is for, shown to people. */
  description?: string;
  /** The largest RPO target a service of the tier may declare, in seconds. */
  maxRpoSeconds: number;
  /** The largest RTO target a service of the tier may declare, in seconds. */
  maxRtoSeconds: number;
  /** The strategies a service of the tier may use. */
  strategies: DrStrategy[];
  /** How old the last drill may be before the service is at risk, in seconds. */
  maxDrillAgeSeconds: number;
}

const DAY = 86400;

/**
 * The default tier policies, most critical first, used when `disasterRecovery.tiers` is not set:
 *
 * | tier | max RPO | max RTO | strategies | max drill age |
 * | --- | --- | --- | --- | --- |
 * | tier-0 | 5m | 15m | active-active, warm-standby | 30d |
 * | tier-1 | 1h | 4h | warm-standby, pilot-light | 90d |
 * | tier-2 | 24h | 24h | pilot-light, backup-restore | 180d |
 * | tier-3 | 7d | 72h | backup-restore | 365d |
 *
 * @public
 */
export const DEFAULT_TIER_POLICIES: readonly TierPolicy[] = Object.freeze([
  {
    name: 'tier-0',
    description: 'Mission critical: minutes of data loss and downtime at most',
    maxRpoSeconds: 5 * 60,
    maxRtoSeconds: 15 * 60,
    strategies: ['active-active', 'warm-standby'],
    maxDrillAgeSeconds: 30 * DAY,
  },
  {
    name: 'tier-1',
    description:
      'Business critical: an hour of data loss, four hours of downtime',
    maxRpoSeconds: 3600,
    maxRtoSeconds: 4 * 3600,
    strategies: ['warm-standby', 'pilot-light'],
    maxDrillAgeSeconds: 90 * DAY,
  },
  {
    name: 'tier-2',
    description: 'Business operational: a day of data loss and downtime',
    maxRpoSeconds: DAY,
    maxRtoSeconds: DAY,
    strategies: ['pilot-light', 'backup-restore'],
    maxDrillAgeSeconds: 180 * DAY,
  },
  {
    name: 'tier-3',
    description: 'Administrative: a week of data loss, three days of downtime',
    maxRpoSeconds: 7 * DAY,
    maxRtoSeconds: 72 * 3600,
    strategies: ['backup-restore'],
    maxDrillAgeSeconds: 365 * DAY,
  },
]);

/**
 * The tier policies in effect, most critical first.
 *
 * @public
 */
export class TierPolicies {
  private readonly byName: Map<string, TierPolicy>;

  /** The tiers as listed, most critical first. */
  readonly tiers: readonly TierPolicy[];

  constructor(tiers: readonly TierPolicy[]) {
    if (tiers.length === 0) {
      throw new TypeError(
        'disasterRecovery.tiers: at least one tier is needed',
      );
    }
    this.tiers = tiers;
    this.byName = new Map();
    for (const tier of tiers) {
      if (this.byName.has(tier.name)) {
        throw new TypeError(
          `disasterRecovery.tiers: tier "${tier.name}" is listed twice; tier names are unique`,
        );
      }
      this.byName.set(tier.name, tier);
    }
  }

  /** The default policies of {@link DEFAULT_TIER_POLICIES}. */
  static default(): TierPolicies {
    return new TierPolicies(DEFAULT_TIER_POLICIES);
  }

  /**
   * Reads the policies from `disasterRecovery.tiers`, or the defaults when it is not set.
   * See {@link readTierPolicies}.
   */
  static fromConfig(config: Config): TierPolicies {
    return new TierPolicies(readTierPolicies(config));
  }

  /** The policy of a tier, or undefined for a tier name that is not configured. */
  get(name: string): TierPolicy | undefined {
    return this.byName.get(name);
  }

  /** The configured tier names, most critical first. */
  names(): string[] {
    return this.tiers.map(t => t.name);
  }

  /**
   * The criticality rank of a tier: 0 for the most critical, growing for less critical tiers;
   * undefined for an unknown tier.
   */
  rank(name: string): number | undefined {
    const index = this.tiers.findIndex(t => t.name === name);
    return index < 0 ? undefined : index;
  }
}

function readDurationKey(
  tierConfig: Config,
  key: string,
  path: string,
  fallback: number | undefined,
): number {
  const text = tierConfig.getOptionalString(key);
  if (text === undefined) {
    if (fallback === undefined) {
      throw new TypeError(
        `${path}.${key}: missing; a new tier needs every field, e.g. ${key}: 1h (${DURATION_FORMS})`,
      );
    }
    return fallback;
  }
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    throw new TypeError(
      `${path}.${key}: ${describeDurationProblem(text, parsed.reason)}`,
    );
  }
  return parsed.seconds;
}

/**
 * Reads the tier policies from `disasterRecovery.tiers` in app-config: a list, most critical
 * first, of `{ name, description?, maxRpo, maxRto, strategies, maxDrillAge }` with durations in
 * ISO 8601 or the short form. The list replaces the defaults; a tier that keeps a default
 * tier's name may leave out fields, which then keep the default's values.
 * Returns {@link DEFAULT_TIER_POLICIES} when the key is not set.
 *
 * @throws TypeError naming the config key, the value and the accepted form, for a malformed
 *   duration, an unknown strategy, a missing field of a new tier or a duplicate tier name.
 * @public
 */
export function readTierPolicies(config: Config): TierPolicy[] {
  const list = config.getOptionalConfigArray('disasterRecovery.tiers');
  if (!list) {
    return DEFAULT_TIER_POLICIES.map(t => ({
      ...t,
      strategies: [...t.strategies],
    }));
  }
  return list.map((tierConfig, index) => {
    const path = `disasterRecovery.tiers[${index}]`;
    const name = tierConfig.getString('name');
    const base = DEFAULT_TIER_POLICIES.find(t => t.name === name);
    const strategies = tierConfig.getOptionalStringArray('strategies');
    if (strategies === undefined && !base) {
      throw new TypeError(
        `${path}.strategies: missing; a new tier needs its allowed strategies, some of ${DR_STRATEGIES.join(
          ', ',
        )}`,
      );
    }
    for (const strategy of strategies ?? []) {
      if (!isDrStrategy(strategy)) {
        throw new TypeError(
          `${path}.strategies: "${strategy}" is not a strategy; use one of ${DR_STRATEGIES.join(
            ', ',
          )}`,
        );
      }
    }
    return {
      name,
      description:
        tierConfig.getOptionalString('description') ?? base?.description,
      maxRpoSeconds: readDurationKey(
        tierConfig,
        'maxRpo',
        path,
        base?.maxRpoSeconds,
      ),
      maxRtoSeconds: readDurationKey(
        tierConfig,
        'maxRto',
        path,
        base?.maxRtoSeconds,
      ),
      strategies: (strategies as DrStrategy[] | undefined) ?? [
        ...base!.strategies,
      ],
      maxDrillAgeSeconds: readDurationKey(
        tierConfig,
        'maxDrillAge',
        path,
        base?.maxDrillAgeSeconds,
      ),
    };
  });
}
