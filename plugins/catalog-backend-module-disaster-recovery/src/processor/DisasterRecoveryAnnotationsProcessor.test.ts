import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import { ConfigReader } from '@backstage/config';
import { TierPolicies } from '@backstage-dr/plugin-disaster-recovery-common';
import { DisasterRecoveryAnnotationsProcessor } from './DisasterRecoveryAnnotationsProcessor';

const location = { type: 'file', target: '/catalog-info.yaml' };

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

describe('DisasterRecoveryAnnotationsProcessor', () => {
  const processor = new DisasterRecoveryAnnotationsProcessor({
    policies: TierPolicies.default(),
    knownClusters: ['prod-eu', 'dr-us'],
  });

  it('leaves entities without DR annotations alone', async () => {
    const entity = component({ 'backstage.io/kubernetes-id': 'orders' });
    const emit = jest.fn();
    await expect(
      processor.postProcessEntity(entity, location, emit),
    ).resolves.toBe(entity);
    expect(emit).not.toHaveBeenCalled();
  });

  it('leaves valid declarations alone', async () => {
    const entity = component({
      'disaster-recovery/tier': 'tier-2',
      'disaster-recovery/strategy': 'backup-restore',
      'disaster-recovery/primary-cluster': 'prod-eu',
    });
    const emit = jest.fn();
    await expect(
      processor.postProcessEntity(entity, location, emit),
    ).resolves.toBe(entity);
    expect(emit).not.toHaveBeenCalled();
  });

  it('adds one processing error to the status per problem and keeps the rest of the entity', async () => {
    const entity = component({
      'disaster-recovery/tier': 'tier-1',
      'disaster-recovery/strategy': 'warm-standby',
      'disaster-recovery/rpo': '15 minutes',
      'disaster-recovery/recovery-cluster': 'dr-asia',
    });
    const existing = {
      type: 'example.com/other',
      level: 'warning' as const,
      message: 'kept',
    };
    const emit = jest.fn();
    const result = (await processor.postProcessEntity(
      { ...entity, status: { items: [existing] } } as AlphaEntity,
      location,
      emit,
    )) as AlphaEntity;

    expect(emit).not.toHaveBeenCalled();
    expect(result.metadata).toEqual(entity.metadata);
    expect(result.spec).toEqual(entity.spec);
    expect(result.status?.items).toEqual([
      existing,
      {
        type: 'backstage.io/catalog-processing',
        level: 'error',
        message:
          'InputError: disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
        error: {
          name: 'InputError',
          message:
            'disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
        },
      },
      {
        type: 'backstage.io/catalog-processing',
        level: 'error',
        message:
          'InputError: disaster-recovery/recovery-cluster: "dr-asia" is not a known cluster; use one of prod-eu, dr-us',
        error: {
          name: 'InputError',
          message:
            'disaster-recovery/recovery-cluster: "dr-asia" is not a known cluster; use one of prod-eu, dr-us',
        },
      },
    ]);
  });

  it('emits processing errors in fail mode', async () => {
    const strict = new DisasterRecoveryAnnotationsProcessor({
      policies: TierPolicies.default(),
      reporting: 'fail',
    });
    const entity = component({
      'disaster-recovery/tier': 'gold',
      'disaster-recovery/strategy': 'warm-standby',
    });
    const emit = jest.fn();
    await expect(
      strict.postProcessEntity(entity, location, emit),
    ).resolves.toBe(entity);
    expect(emit).toHaveBeenCalledTimes(1);
    expect(emit.mock.calls[0][0]).toMatchObject({
      type: 'error',
      location,
      error: {
        name: 'InputError',
        message:
          'disaster-recovery/tier: "gold" is not a tier; use one of tier-0, tier-1, tier-2, tier-3',
      },
    });
  });

  it('adds a warning per misspelt DR key, in both modes, and never fails the entity', async () => {
    const entity = component({
      'disaster-recovry/tier': 'tier-1',
      'backstage.io/kubernetes-id': 'orders',
    });
    for (const reporting of ['status', 'fail'] as const) {
      const p = new DisasterRecoveryAnnotationsProcessor({
        policies: TierPolicies.default(),
        reporting,
      });
      const emit = jest.fn();
      const result = (await p.postProcessEntity(
        entity,
        location,
        emit,
      )) as AlphaEntity;
      expect(emit).not.toHaveBeenCalled();
      expect(result.metadata).toEqual(entity.metadata);
      expect(result.status?.items).toEqual([
        {
          type: 'backstage.io/catalog-processing',
          level: 'warning',
          message: expect.stringMatching(
            /^InputError: disaster-recovry\/tier: looks like a misspelling of disaster-recovery\/tier;/,
          ),
          error: {
            name: 'InputError',
            message: expect.stringMatching(/^disaster-recovry\/tier: /),
          },
        },
      ]);
    }
  });

  it('reports annotation values that are not text instead of throwing', async () => {
    const entity = component({
      'disaster-recovery/tier': 'tier-3',
      'disaster-recovery/strategy': 'backup-restore',
    });
    const raw = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'disaster-recovery/rpo': 15,
        },
      },
    } as unknown as Entity;
    const result = (await processor.postProcessEntity(
      raw,
      location,
      jest.fn(),
    )) as AlphaEntity;
    expect(result.status?.items?.map(i => [i.level, i.error?.message])).toEqual(
      [
        [
          'error',
          'disaster-recovery/rpo: the number 15 is not text; quote the value in YAML, e.g. disaster-recovery/rpo: "1h" (ISO 8601 (PT15M) or 15m)',
        ],
      ],
    );
  });

  describe('fromConfig', () => {
    it('checks cluster names only when every cluster is in config', async () => {
      const entity = component({
        'disaster-recovery/tier': 'tier-3',
        'disaster-recovery/strategy': 'backup-restore',
        'disaster-recovery/primary-cluster': 'elsewhere',
      });
      const configured = DisasterRecoveryAnnotationsProcessor.fromConfig(
        new ConfigReader({
          kubernetes: {
            clusterLocatorMethods: [
              {
                type: 'config',
                clusters: [{ name: 'prod-eu', url: 'http://a' }],
              },
            ],
          },
        }),
      );
      const located = DisasterRecoveryAnnotationsProcessor.fromConfig(
        new ConfigReader({
          kubernetes: {
            clusterLocatorMethods: [
              { type: 'catalog' },
              {
                type: 'config',
                clusters: [{ name: 'prod-eu', url: 'http://a' }],
              },
            ],
          },
        }),
      );
      const statusOf = async (p: DisasterRecoveryAnnotationsProcessor) =>
        (
          (await p.postProcessEntity(
            entity,
            location,
            jest.fn(),
          )) as AlphaEntity
        ).status?.items?.map(i => i.message);
      expect(await statusOf(configured)).toEqual([
        'InputError: disaster-recovery/primary-cluster: "elsewhere" is not a known cluster; use one of prod-eu',
      ]);
      expect(await statusOf(located)).toBeUndefined();
    });

    it('uses the configured tiers', async () => {
      const p = DisasterRecoveryAnnotationsProcessor.fromConfig(
        new ConfigReader({
          disasterRecovery: { tiers: [{ name: 'tier-3', maxRpo: '1d' }] },
        }),
      );
      const entity = component({
        'disaster-recovery/tier': 'tier-3',
        'disaster-recovery/strategy': 'backup-restore',
        'disaster-recovery/rpo': '2d',
      });
      const result = (await p.postProcessEntity(
        entity,
        location,
        jest.fn(),
      )) as AlphaEntity;
      expect(result.status?.items?.[0].message).toBe(
        'InputError: disaster-recovery/rpo: "2d" is looser than tier-3 allows; use 1d or less (ISO 8601 (PT15M) or 15m)',
      );
    });

    it('refuses an unknown reporting mode and malformed tiers', () => {
      expect(() =>
        DisasterRecoveryAnnotationsProcessor.fromConfig(
          new ConfigReader({
            disasterRecovery: { catalog: { problemReporting: 'loud' } },
          }),
        ),
      ).toThrow(
        'disasterRecovery.catalog.problemReporting: "loud" is not accepted; use status or fail',
      );
      expect(() =>
        DisasterRecoveryAnnotationsProcessor.fromConfig(
          new ConfigReader({
            disasterRecovery: {
              tiers: [{ name: 'tier-1', maxRpo: 'an hour' }],
            },
          }),
        ),
      ).toThrow(
        'disasterRecovery.tiers[0].maxRpo: "an hour" is not a duration',
      );
    });
  });
});
