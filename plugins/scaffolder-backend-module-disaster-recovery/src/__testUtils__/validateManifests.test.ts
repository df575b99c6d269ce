import { ManifestValidator } from './validateManifests';

let validator: ManifestValidator;
beforeAll(async () => {
  validator = await ManifestValidator.start();
});
afterAll(async () => {
  await validator.stop();
});

const schedule = {
  apiVersion: 'velero.io/v1',
  kind: 'Schedule',
  metadata: { name: 'x', namespace: 'velero' },
  spec: { schedule: '0 * * * *', template: { includedNamespaces: ['a'] } },
};
const source = {
  apiVersion: 'volsync.backube/v1alpha1',
  kind: 'ReplicationSource',
  metadata: { name: 'data-x-0', namespace: 'a' },
  spec: {
    sourcePVC: 'data-x-0',
    trigger: { schedule: '*/5 * * * *' },
    rsyncTLS: { keySecret: 'k', address: 'a.b', copyMethod: 'Snapshot' },
  },
};

describe('ManifestValidator', () => {
  it('accepts valid objects', () => {
    expect(() => validator.validate([schedule, source])).not.toThrow();
  });

  it('refuses an unknown field of a CRD-backed object', () => {
    expect(() =>
      validator.validate([
        {
          ...schedule,
          spec: { ...schedule.spec, template: { snapshotVolume: true } },
        },
      ]),
    ).toThrow(/snapshotVolume/);
  });

  it('refuses a VolSync field VolSync does not document, and a cron it does not accept', () => {
    expect(() =>
      validator.validate([
        { ...source, spec: { ...source.spec, rsyncTls: {} } },
      ]),
    ).toThrow(/rsyncTls/);
    expect(() =>
      validator.validate([
        {
          ...source,
          spec: { ...source.spec, trigger: { schedule: '0,30 * * * *' } },
        },
      ]),
    ).toThrow(/trigger\/schedule|pattern/);
  });
});
