import { ConfigReader } from '@backstage/config';
import { DEFAULT_TIER_POLICIES, TierPolicies, readTierPolicies } from './tiers';

describe('readTierPolicies', () => {
  it('returns the documented defaults when disasterRecovery.tiers is not set', () => {
    const tiers = readTierPolicies(new ConfigReader({}));
    expect(
      tiers.map(t => [
        t.name,
        t.maxRpoSeconds,
        t.maxRtoSeconds,
        t.strategies,
        t.maxDrillAgeSeconds,
      ]),
    ).toEqual([
      ['tier-0', 300, 900, ['active-active', 'warm-standby'], 30 * 86400],
      ['tier-1', 3600, 14400, ['warm-standby', 'pilot-light'], 90 * 86400],
      ['tier-2', 86400, 86400, ['pilot-light', 'backup-restore'], 180 * 86400],
      ['tier-3', 604800, 259200, ['backup-restore'], 365 * 86400],
    ]);
  });

  it('does not hand out the frozen defaults for mutation', () => {
    const tiers = readTierPolicies(new ConfigReader({}));
    tiers[0].strategies.push('backup-restore');
    expect(DEFAULT_TIER_POLICIES[0].strategies).toEqual([
      'active-active',
      'warm-standby',
    ]);
  });

  it('reads configured tiers in order, with both duration forms', () => {
    const tiers = readTierPolicies(
      new ConfigReader({
        disasterRecovery: {
          tiers: [
            {
              name: 'gold',
              maxRpo: 'PT1M',
              maxRto: '10m',
              strategies: ['active-active'],
              maxDrillAge: 'P14D',
            },
            {
              name: 'bronze',
              maxRpo: '2d',
              maxRto: '3d',
              strategies: ['backup-restore'],
              maxDrillAge: '1w',
            },
          ],
        },
      }),
    );
    expect(tiers).toEqual([
      {
        name: 'gold',
        description: undefined,
        maxRpoSeconds: 60,
        maxRtoSeconds: 600,
        strategies: ['active-active'],
        maxDrillAgeSeconds: 1209600,
      },
      {
        name: 'bronze',
        description: undefined,
        maxRpoSeconds: 172800,
        maxRtoSeconds: 259200,
        strategies: ['backup-restore'],
        maxDrillAgeSeconds: 604800,
      },
    ]);
  });

  it('lets a default tier name keep the fields it leaves out', () => {
    const [tier] = readTierPolicies(
      new ConfigReader({
        disasterRecovery: { tiers: [{ name: 'tier-1', maxRpo: '30m' }] },
      }),
    );
    expect(tier).toMatchObject({
      name: 'tier-1',
      maxRpoSeconds: 1800,
      maxRtoSeconds: 14400,
      strategies: ['warm-standby', 'pilot-light'],
      maxDrillAgeSeconds: 90 * 86400,
    });
  });

  it('refuses a malformed duration, naming the key and the accepted form', () => {
    expect(() =>
      readTierPolicies(
        new ConfigReader({
          disasterRecovery: { tiers: [{ name: 'tier-1', maxRto: '4 hours' }] },
        }),
      ),
    ).toThrow(
      'disasterRecovery.tiers[0].maxRto: "4 hours" is not a duration; use ISO 8601 (PT15M) or 15m',
    );
  });

  it('refuses a negative duration', () => {
    expect(() =>
      readTierPolicies(
        new ConfigReader({
          disasterRecovery: { tiers: [{ name: 'tier-1', maxRpo: '-1h' }] },
        }),
      ),
    ).toThrow('disasterRecovery.tiers[0].maxRpo: "-1h" is negative');
  });

  it('refuses an unknown strategy', () => {
    expect(() =>
      readTierPolicies(
        new ConfigReader({
          disasterRecovery: {
            tiers: [{ name: 'tier-1', strategies: ['hot-spare'] }],
          },
        }),
      ),
    ).toThrow(
      'disasterRecovery.tiers[0].strategies: "hot-spare" is not a strategy; use one of backup-restore, pilot-light, warm-standby, active-active',
    );
  });

  it('refuses a new tier with missing fields', () => {
    expect(() =>
      readTierPolicies(
        new ConfigReader({
          disasterRecovery: {
            tiers: [
              { name: 'gold', strategies: ['active-active'], maxRpo: '1m' },
            ],
          },
        }),
      ),
    ).toThrow('disasterRecovery.tiers[0].maxRto: missing');
    expect(() =>
      readTierPolicies(
        new ConfigReader({ disasterRecovery: { tiers: [{ name: 'gold' }] } }),
      ),
    ).toThrow('disasterRecovery.tiers[0].strategies: missing');
  });
});

describe('TierPolicies', () => {
  it('looks tiers up by name and ranks them by criticality', () => {
    const policies = TierPolicies.default();
    expect(policies.names()).toEqual(['tier-0', 'tier-1', 'tier-2', 'tier-3']);
    expect(policies.get('tier-2')?.maxRpoSeconds).toBe(86400);
    expect(policies.get('tier-9')).toBeUndefined();
    expect(policies.rank('tier-0')).toBe(0);
    expect(policies.rank('tier-3')).toBe(3);
    expect(policies.rank('gold')).toBeUndefined();
  });

  it('refuses duplicate and empty tier lists', () => {
    const tier = DEFAULT_TIER_POLICIES[0];
    expect(() => new TierPolicies([tier, tier])).toThrow(
      'tier "tier-0" is listed twice',
    );
    expect(() => new TierPolicies([])).toThrow('at least one tier is needed');
  });

  it('reads from config', () => {
    const policies = TierPolicies.fromConfig(
      new ConfigReader({ disasterRecovery: { tiers: [{ name: 'tier-3' }] } }),
    );
    expect(policies.names()).toEqual(['tier-3']);
  });
});
