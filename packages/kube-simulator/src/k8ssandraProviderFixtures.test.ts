import fs from 'node:fs';
import path from 'node:path';
import { loadCrdDirectory } from './crds';
import { JsonObject } from './json';
import { DEFAULT_CRD_DIR } from './paths';

/*
 * The objects the K8ssandra status provider's unit tests start from
 * (plugins/disaster-recovery-common/src/providers/k8ssandra/fixtures.json) are valid against the
 * real CRDs (k8ssandra-operator v1.32.5, cass-operator v1.32.0) in ../shared/crds.
 */
const FIXTURES = path.resolve(
  __dirname,
  '../../../plugins/disaster-recovery-common/src/providers/k8ssandra/fixtures.json',
);

describe('the K8ssandra provider test fixtures', () => {
  const types = loadCrdDirectory(DEFAULT_CRD_DIR);
  const fixtures = JSON.parse(fs.readFileSync(FIXTURES, 'utf8')) as Record<
    string,
    JsonObject[] | string
  >;
  const objects = Object.entries(fixtures)
    .filter(([key]) => !key.startsWith('_'))
    .flatMap(([cluster, list]) =>
      (list as JsonObject[]).map(o => ({ cluster, o })),
    )
    .filter(({ o }) => String(o.apiVersion).includes('.'));

  it('hold every custom resource kind the provider reads', () => {
    expect([...new Set(objects.map(({ o }) => o.kind))].sort()).toEqual([
      'CassandraDatacenter',
      'CassandraTask',
      'K8ssandraCluster',
      'MedusaBackup',
      'MedusaBackupJob',
      'MedusaBackupSchedule',
      'MedusaRestoreJob',
    ]);
  });

  it.each(objects.map(({ cluster, o }) => [cluster, o.kind, o]))(
    'are valid on %s: %s',
    (_cluster, _kind, o) => {
      const obj = o as JsonObject;
      const [group, version] = String(obj.apiVersion).split('/');
      const type = types.find(
        t => t.group === group && t.version === version && t.kind === obj.kind,
      );
      expect(type?.schema).toBeDefined();
      const check = type!.schema!.check(obj);
      expect({ causes: check.causes, pruned: check.pruned }).toEqual({
        causes: [],
        pruned: [],
      });
    },
  );
});
