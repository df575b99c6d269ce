import { ConfigReader } from '@backstage/config';
import { readConfiguredClusters } from './clusters';

describe('readConfiguredClusters', () => {
  it('lists the config-located clusters with their regions', () => {
    const result = readConfiguredClusters(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod-eu',
                  url: 'http://localhost:1',
                  authProvider: 'serviceAccount',
                },
                {
                  name: 'dr-us',
                  url: 'http://localhost:2',
                  authProvider: 'serviceAccount',
                },
              ],
            },
          ],
        },
        disasterRecovery: {
          clusters: [{ name: 'prod-eu', region: 'eu-west-1' }],
        },
      }),
    );
    expect(result).toEqual({
      clusters: [
        { name: 'prod-eu', region: 'eu-west-1' },
        { name: 'dr-us', region: undefined },
      ],
      complete: true,
    });
  });

  it('is incomplete when clusters are also found at run time', () => {
    const result = readConfiguredClusters(
      new ConfigReader({
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog' },
            { type: 'config', clusters: [{ name: 'a', url: 'http://a' }] },
          ],
        },
      }),
    );
    expect(result.complete).toBe(false);
    expect(result.clusters.map(c => c.name)).toEqual(['a']);
  });

  it('knows no cluster when kubernetes is not configured', () => {
    expect(readConfiguredClusters(new ConfigReader({}))).toEqual({
      clusters: [],
      complete: true,
    });
  });
});
