import { Entity } from '@backstage/catalog-model';
import { CatalogProcessorCache } from '@backstage/plugin-catalog-node';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import { JsonValue } from '@backstage/types';
import { DR_CATALOG_CHANGES_TOPIC } from '@backstage-dr/plugin-disaster-recovery-common';
import { DisasterRecoveryChangesProcessor } from './DisasterRecoveryChangesProcessor';

// The catalog's processor cache: a pass reads what the previous pass set, and keeps only what
// it sets itself.
class PassCache {
  private before: Record<string, JsonValue> = {};
  private now: Record<string, JsonValue> = {};
  cache(): CatalogProcessorCache {
    return {
      get: async <T extends JsonValue>(key: string) =>
        this.before[key] as T | undefined,
      set: async (key, value) => {
        this.now[key] = value;
      },
    };
  }
  endPass() {
    this.before = this.now;
    this.now = {};
  }
}

function entity(
  annotations: Record<string, string>,
  spec: Record<string, string> = { type: 'service', owner: 'team-a' },
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders-db', namespace: 'default', annotations },
    spec,
  };
}

describe('DisasterRecoveryChangesProcessor', () => {
  const published: EventParams[] = [];
  const events = {
    publish: async (params: EventParams) => {
      published.push(params);
    },
  } as EventsService;
  const processor = new DisasterRecoveryChangesProcessor({ events });
  const location = {
    type: 'url',
    target: 'https://example.com/catalog-info.yaml',
  };

  async function pass(cache: PassCache, e: Entity) {
    const before = published.length;
    const out = await processor.postProcessEntity(
      e,
      location,
      jest.fn(),
      cache.cache(),
    );
    cache.endPass();
    expect(out).toBe(e);
    return published.slice(before);
  }

  beforeEach(() => {
    published.length = 0;
  });

  it('announces a DR entity when it is new, when what the evaluation reads changes, and when it stops being one', async () => {
    const cache = new PassCache();
    const declared = entity({
      'disaster-recovery/tier': 'tier-1',
      'backstage.io/kubernetes-id': 'orders-db',
    });
    expect(await pass(cache, declared)).toEqual([
      {
        topic: DR_CATALOG_CHANGES_TOPIC,
        eventPayload: { entityRef: 'component:default/orders-db' },
      },
    ]);
    // Unchanged, or changed only where the evaluation does not look: nothing.
    expect(await pass(cache, declared)).toEqual([]);
    expect(
      await pass(
        cache,
        entity({
          'disaster-recovery/tier': 'tier-1',
          'backstage.io/kubernetes-id': 'orders-db',
          'backstage.io/techdocs-ref': 'dir:.',
        }),
      ),
    ).toEqual([]);
    // A DR annotation, a Kubernetes annotation, the owner: announced.
    expect(
      await pass(
        cache,
        entity({
          'disaster-recovery/tier': 'tier-0',
          'backstage.io/kubernetes-id': 'orders-db',
        }),
      ),
    ).toHaveLength(1);
    expect(
      await pass(
        cache,
        entity({
          'disaster-recovery/tier': 'tier-0',
          'backstage.io/kubernetes-id': 'orders',
        }),
      ),
    ).toHaveLength(1);
    expect(
      await pass(
        cache,
        entity(
          {
            'disaster-recovery/tier': 'tier-0',
            'backstage.io/kubernetes-id': 'orders',
          },
          { type: 'service', owner: 'team-b' },
        ),
      ),
    ).toHaveLength(1);
    // The DR annotations removed: announced once, then nothing.
    const removed = entity({ 'backstage.io/kubernetes-id': 'orders' });
    expect(await pass(cache, removed)).toHaveLength(1);
    expect(await pass(cache, removed)).toEqual([]);
  });

  it('never announces an entity without DR annotations', async () => {
    const cache = new PassCache();
    const plain = entity({ 'backstage.io/kubernetes-id': 'orders-db' });
    expect(await pass(cache, plain)).toEqual([]);
    expect(await pass(cache, plain)).toEqual([]);
  });
});
