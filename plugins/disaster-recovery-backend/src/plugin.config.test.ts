import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import plugin from '.';

describe('disasterRecoveryPlugin configuration', () => {
  it.each([0, 2.5, -1])(
    'refuses disasterRecovery.refresh.backupsKeptPerService: %p at start-up, naming the key',
    async value => {
      await expect(
        startTestBackend({
          features: [
            plugin,
            catalogServiceMock.factory({ entities: [] }),
            mockServices.rootConfig.factory({
              data: {
                disasterRecovery: { refresh: { backupsKeptPerService: value } },
              },
            }),
          ],
        }),
      ).rejects.toThrow(
        `disasterRecovery.refresh.backupsKeptPerService: ${value} is not a whole number of at least 1`,
      );
    },
  );
});
