import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { disasterRecoveryPlugin as plugin } from '.';

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

  it.each([
    ['verifyTimeoutSeconds', 0, 'is not a whole number of at least 1'],
    ['restoreTimeoutSeconds', 1.5, 'is not a whole number of at least 1'],
    ['pollIntervalMs', 5, 'is not a whole number of at least 10'],
    ['leaseSeconds', -30, 'is not a whole number of at least 1'],
    ['leaseSeconds', 'long', 'is not a number'],
  ])(
    'refuses disasterRecovery.runs.%s: %p at start-up, naming the key',
    async (key, value, why) => {
      await expect(
        startTestBackend({
          features: [
            plugin,
            catalogServiceMock.factory({ entities: [] }),
            mockServices.rootConfig.factory({
              data: { disasterRecovery: { runs: { [key]: value } } },
            }),
          ],
        }),
      ).rejects.toThrow(
        `disasterRecovery.runs.${key}: ${JSON.stringify(value)} ${why}`,
      );
    },
  );
});
