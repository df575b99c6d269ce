import fs from 'node:fs';
import path from 'node:path';
import { startSimulator } from './index';

/*
 * The unit tests of the DR status providers judge real-shaped objects kept as JSON beside them
 * (`plugins/disaster-recovery-common/src/providers/<id>/__fixtures__/*.json`: `{ now, <cluster>:
 * [objects] }`). Here each cluster's objects are loaded into a simulated cluster, which checks
 * custom resources against their CRD's schema (../shared/crds) with unknown fields as errors.
 */
const PROVIDERS = path.resolve(
  __dirname,
  '../../../plugins/disaster-recovery-common/src/providers',
);

function fixtureFiles(): string[] {
  if (!fs.existsSync(PROVIDERS)) return [];
  return fs
    .readdirSync(PROVIDERS)
    .map(id => path.join(PROVIDERS, id, '__fixtures__'))
    .filter(dir => fs.existsSync(dir))
    .flatMap(dir =>
      fs
        .readdirSync(dir)
        .filter(file => file.endsWith('.json'))
        .map(file => path.join(dir, file)),
    );
}

describe('the status providers’ test fixtures', () => {
  const files = fixtureFiles();

  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map(file => [path.relative(PROVIDERS, file), file]))(
    '%s is valid against the CRDs',
    async (_name, file) => {
      const fixture = JSON.parse(fs.readFileSync(file, 'utf8'));
      const clusters = Object.keys(fixture).filter(key => key !== 'now');
      const simulator = await startSimulator({
        clusters: clusters.map(name => ({ name, port: 0 })),
      });
      try {
        for (const name of clusters) {
          expect(() =>
            simulator.cluster(name).load(fixture[name]),
          ).not.toThrow();
        }
      } finally {
        await simulator.stop();
      }
    },
  );
});
