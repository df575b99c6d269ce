import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from './cli';
import { DEFAULT_CONFIG } from './paths';

describe('readConfig', () => {
  it('reads the shipped config: prod-eu on 6443 and dr-us on 6444 with the local token', () => {
    const options = readConfig(DEFAULT_CONFIG);
    const fixtures = path.resolve(__dirname, '../fixtures');
    expect(options).toEqual({
      host: '127.0.0.1',
      clusters: [
        {
          name: 'prod-eu',
          port: 6443,
          token: 'local-dev-token',
          fixturesDir: path.join(fixtures, 'prod-eu'),
        },
        {
          name: 'dr-us',
          port: 6444,
          token: 'local-dev-token',
          fixturesDir: path.join(fixtures, 'dr-us'),
        },
      ],
    });
  });

  it('resolves paths from the config file and refuses malformed clusters', () => {
    const directory = fs.mkdtempSync(
      path.join(os.tmpdir(), 'kube-simulator-config-'),
    );
    try {
      const file = path.join(directory, 'config.yaml');
      fs.writeFileSync(
        file,
        'crdDir: crds\nclusters:\n  - {name: a, port: 0, fixtures: f}\n',
      );
      expect(readConfig(file)).toEqual({
        crdDir: path.join(directory, 'crds'),
        clusters: [
          {
            name: 'a',
            port: 0,
            token: undefined,
            fixturesDir: path.join(directory, 'f'),
          },
        ],
      });
      fs.writeFileSync(
        file,
        [
          'controllers: {restoreSeconds: 5, cnpgSeconds: 1}',
          'clusters:',
          '  - {name: a, port: 0, controllers: {enabled: false}}',
          '  - {name: b, port: 0, controllers: {workloadSeconds: 0.5}}',
        ].join('\n'),
      );
      expect(readConfig(file)).toEqual({
        controllers: { restoreSeconds: 5, cnpgSeconds: 1 },
        clusters: [
          { name: 'a', port: 0, controllers: { enabled: false } },
          { name: 'b', port: 0, controllers: { workloadSeconds: 0.5 } },
        ],
      });
      fs.writeFileSync(
        file,
        'clusters:\n  - {name: a, port: 0, controllers: {restoreSeconds: soon}}\n',
      );
      expect(() => readConfig(file)).toThrow(
        `${file}: clusters[0].controllers.restoreSeconds must be a number of seconds, 0 or more`,
      );
      fs.writeFileSync(file, 'clusters:\n  - {name: a, port: "6443"}\n');
      expect(() => readConfig(file)).toThrow(
        `${file}: clusters[0] needs a name (string) and a port (number)`,
      );
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
