import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  EntityProvider,
  EntityProviderConnection,
  catalogProcessingExtensionPoint,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  DR_CATALOG_CHANGES_TOPIC,
  DrCatalogChangeEventPayload,
} from '@backstage-dr/plugin-disaster-recovery-common';
import request from 'supertest';
import catalogModuleDisasterRecovery from '.';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'backstage.io/managed-by-location':
          'url:https://example.com/catalog-info.yaml',
        'backstage.io/managed-by-origin-location':
          'url:https://example.com/catalog-info.yaml',
        ...annotations,
      },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const entities = [
  component('good', {
    'disaster-recovery/tier': 'tier-1',
    'disaster-recovery/strategy': 'pilot-light',
    'disaster-recovery/rpo': '30m',
    'disaster-recovery/primary-cluster': 'prod-eu',
    'disaster-recovery/recovery-cluster': 'dr-us',
  }),
  component('bad', {
    'backstage.io/kubernetes-id': 'bad',
    'disaster-recovery/tier': 'tier-1',
    'disaster-recovery/strategy': 'backup-restore',
    'disaster-recovery/rpo': '15 minutes',
  }),
  component('undeclared', { 'backstage.io/kubernetes-id': 'undeclared' }),
  component('misspelt', {
    'disaster-recovry/tier': 'tier-1',
    'disaster-recovery-strategy': 'pilot-light',
  }),
];

class StaticProvider implements EntityProvider {
  getProviderName() {
    return 'test-static';
  }
  async connect(connection: EntityProviderConnection) {
    await connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: 'test-static',
      })),
    });
  }
}

const staticEntities = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-static-entities',
  register(reg) {
    reg.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addEntityProvider(new StaticProvider());
      },
    });
  },
});

// What the module announced on the DR changes topic, by entity ref.
const announced: string[] = [];
const collectAnnouncements = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-dr-announcements',
  register(reg) {
    reg.registerInit({
      deps: { events: eventsServiceRef },
      async init({ events }) {
        await events.subscribe({
          id: 'test-dr-announcements',
          topics: [DR_CATALOG_CHANGES_TOPIC],
          async onEvent(event) {
            announced.push(
              (event.eventPayload as DrCatalogChangeEventPayload).entityRef,
            );
          },
        });
      },
    });
  },
});

async function waitForEntity(server: any, name: string): Promise<AlphaEntity> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request(server).get(
      `/api/catalog/entities/by-name/component/default/${name}`,
    );
    if (res.status === 200) {
      return res.body;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `entity ${name} never appeared: ${res.status} ${JSON.stringify(
          res.body,
        )}`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('catalogModuleDisasterRecovery', () => {
  jest.setTimeout(60_000);

  it('reports bad declarations as processing errors on the entity, keeping every entity', async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDisasterRecovery,
        staticEntities,
        collectAnnouncements,
        mockServices.rootConfig.factory({
          data: {
            catalog: { processingInterval: { seconds: 1 } },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'prod-eu',
                      url: 'http://127.0.0.1:1',
                      authProvider: 'serviceAccount',
                    },
                    {
                      name: 'dr-us',
                      url: 'http://127.0.0.1:2',
                      authProvider: 'serviceAccount',
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
    const { server } = backend;
    try {
      const good = await waitForEntity(server, 'good');
      const bad = await waitForEntity(server, 'bad');
      const undeclared = await waitForEntity(server, 'undeclared');

      expect(good.status?.items ?? []).toEqual([]);
      expect(undeclared.status?.items ?? []).toEqual([]);

      expect(bad.metadata.annotations).toMatchObject({
        'backstage.io/kubernetes-id': 'bad',
        'disaster-recovery/rpo': '15 minutes',
      });
      expect(bad.spec).toEqual({
        type: 'service',
        owner: 'team-a',
        lifecycle: 'production',
      });
      expect(
        bad.status?.items?.map(i => [i.type, i.level, i.error?.message]),
      ).toEqual([
        [
          'backstage.io/catalog-processing',
          'error',
          'disaster-recovery/strategy: "backup-restore" is not allowed for tier-1; use one of warm-standby, pilot-light',
        ],
        [
          'backstage.io/catalog-processing',
          'error',
          'disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
        ],
      ]);

      // A misspelt prefix leaves the service undeclared: the catalog shows a warning.
      const misspelt = await waitForEntity(server, 'misspelt');
      expect(
        misspelt.status?.items?.map(i => [i.type, i.level, i.error?.message]),
      ).toEqual([
        [
          'backstage.io/catalog-processing',
          'warning',
          expect.stringMatching(
            /^disaster-recovry\/tier: looks like a misspelling of disaster-recovery\/tier; DR annotation keys start with disaster-recovery\//,
          ),
        ],
        [
          'backstage.io/catalog-processing',
          'warning',
          expect.stringMatching(
            /^disaster-recovery-strategy: looks like a misspelling of disaster-recovery\/strategy;/,
          ),
        ],
      ]);

      // Entities with DR annotations are announced once when they enter the catalog, and not
      // again while they stay unchanged (processed every second here).
      await new Promise(r => setTimeout(r, 3000));
      expect([...announced].sort()).toEqual([
        'component:default/bad',
        'component:default/good',
      ]);
    } finally {
      await backend.stop();
    }
  });
});
