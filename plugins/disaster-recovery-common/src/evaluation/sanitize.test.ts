import { VeleroBackup, VeleroSchedule, Workload } from './kubernetes';
import {
  carryProblems,
  objectProblems,
  sanitizeEvidence,
  sanitizeObject,
} from './sanitize';
import { ClusterEvidence, ClusterObjects } from './types';

// Objects shaped as the API server sends them (velero.io_schedules.yaml, velero.io_backups.yaml,
// apps/v1 StatefulSet), with one field of the wrong type each.

const schedule = (): VeleroSchedule => ({
  apiVersion: 'velero.io/v1',
  kind: 'Schedule',
  metadata: {
    name: 'orders-hourly',
    namespace: 'velero',
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: {
    schedule: '0 * * * *',
    paused: false,
    template: {
      includedNamespaces: ['commerce'],
      labelSelector: { matchLabels: { app: 'orders' } },
      snapshotMoveData: true,
      storageLocation: 'default',
      ttl: '720h0m0s',
    },
  },
  status: { phase: 'Enabled', lastBackup: '2026-11-25T11:00:00Z' },
});

const backup = (): VeleroBackup => ({
  apiVersion: 'velero.io/v1',
  kind: 'Backup',
  metadata: {
    name: 'orders-hourly-20261125110000',
    namespace: 'velero',
    labels: { 'velero.io/schedule-name': 'orders-hourly' },
  },
  spec: {
    includedNamespaces: ['commerce'],
    snapshotMoveData: true,
    storageLocation: 'default',
    ttl: '720h0m0s',
  },
  status: {
    phase: 'Completed',
    startTimestamp: '2026-11-25T11:00:00Z',
    completionTimestamp: '2026-11-25T11:02:00Z',
    expiration: '2026-12-25T11:00:00Z',
  },
});

const statefulSet = (): Workload => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name: 'orders-db',
    namespace: 'commerce',
    labels: { 'backstage.io/kubernetes-id': 'orders-db' },
  },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'orders' } },
    template: {
      metadata: { labels: { app: 'orders' } },
      spec: {
        volumes: [
          {
            name: 'shared',
            persistentVolumeClaim: { claimName: 'orders-shared' },
          },
        ],
      },
    },
    volumeClaimTemplates: [{ metadata: { name: 'data' } }],
  },
  status: { readyReplicas: 2, replicas: 2 },
});

/** Puts a value of the wrong type at a path of a copy. */
function broken<T>(obj: T, path: string[], value: unknown): T {
  const copy = JSON.parse(JSON.stringify(obj));
  let cursor = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key];
  cursor[path[path.length - 1]] = value;
  return copy;
}

const evidence = (objects: Record<string, unknown>): ClusterEvidence => ({
  cluster: 'prod-eu',
  objects: objects as ClusterObjects,
});

describe('sanitizeEvidence: fields of the wrong type', () => {
  it('removes a Schedule’s spec.schedule that is a number, and names the field', () => {
    const raw = broken(schedule(), ['spec', 'schedule'], 3600);
    const { objects, malformed } = sanitizeEvidence(
      evidence({ schedules: [raw] }),
    );
    const [s] = objects.schedules!;
    expect(malformed).toEqual([]);
    expect(s.metadata.name).toBe('orders-hourly');
    expect(s.spec).not.toHaveProperty('schedule');
    // The rest of the object is kept.
    expect(s.spec!.template).toEqual(schedule().spec!.template);
    expect(s.status).toEqual(schedule().status);
    expect(objectProblems(s)).toEqual([
      { field: 'spec.schedule', problem: 'expected string, got number' },
    ]);
    // The object read from the cluster is not changed.
    expect((raw.spec as any).schedule).toBe(3600);
  });

  it('removes a StatefulSet’s volumeClaimTemplates that is a string', () => {
    const raw = broken(statefulSet(), ['spec', 'volumeClaimTemplates'], 'oops');
    const [sts] = sanitizeEvidence(evidence({ statefulSets: [raw] })).objects
      .statefulSets!;
    expect(sts.spec).not.toHaveProperty('volumeClaimTemplates');
    expect(sts.spec!.replicas).toBe(2);
    expect(objectProblems(sts)).toEqual([
      {
        field: 'spec.volumeClaimTemplates',
        problem: 'expected list, got string',
      },
    ]);
  });

  it('removes a Backup’s status that is a string', () => {
    const raw = broken(backup(), ['status'], 'Completed');
    const [b] = sanitizeEvidence(evidence({ backups: [raw] })).objects.backups!;
    expect(b).not.toHaveProperty('status');
    expect(b.spec).toEqual(backup().spec);
    expect(objectProblems(b)).toEqual([
      { field: 'status', problem: 'expected map, got string' },
    ]);
  });

  it('removes includedNamespaces that is a string', () => {
    const raw = broken(backup(), ['spec', 'includedNamespaces'], 'commerce');
    const [b] = sanitizeEvidence(evidence({ backups: [raw] })).objects.backups!;
    expect(b.spec).not.toHaveProperty('includedNamespaces');
    expect(b.spec!.storageLocation).toBe('default');
    expect(objectProblems(b)).toEqual([
      {
        field: 'spec.includedNamespaces',
        problem: 'expected list, got string',
      },
    ]);
  });

  it('removes a Schedule template’s includedNamespaces that is a string, with its full path', () => {
    const raw = broken(
      schedule(),
      ['spec', 'template', 'includedNamespaces'],
      'commerce',
    );
    const [s] = sanitizeEvidence(evidence({ schedules: [raw] })).objects
      .schedules!;
    expect(s.spec!.template).not.toHaveProperty('includedNamespaces');
    expect(s.spec!.schedule).toBe('0 * * * *');
    expect(objectProblems(s)).toEqual([
      {
        field: 'spec.template.includedNamespaces',
        problem: 'expected list, got string',
      },
    ]);
  });

  it('removes labels that are a list', () => {
    const raw = broken(
      statefulSet(),
      ['metadata', 'labels'],
      ['backstage.io/kubernetes-id=orders-db'],
    );
    const [sts] = sanitizeEvidence(evidence({ statefulSets: [raw] })).objects
      .statefulSets!;
    expect(sts.metadata).toEqual({ name: 'orders-db', namespace: 'commerce' });
    expect(objectProblems(sts)).toEqual([
      { field: 'metadata.labels', problem: 'expected map, got list' },
    ]);
  });

  it('removes a label value that is not a string, naming the label', () => {
    const raw = broken(statefulSet(), ['metadata', 'labels', 'replicas'], 3);
    const [sts] = sanitizeEvidence(evidence({ statefulSets: [raw] })).objects
      .statefulSets!;
    expect(objectProblems(sts)).toEqual([
      {
        field: 'metadata.labels.replicas',
        problem: 'expected string, got number',
      },
    ]);
  });

  it('names a field inside a list by its index', () => {
    const raw = broken(
      schedule(),
      ['spec', 'template', 'orLabelSelectors'],
      [{ matchLabels: { app: 'billing' } }, { matchLabels: 'app=orders' }],
    );
    delete (raw.spec!.template as any).labelSelector;
    const [s] = sanitizeEvidence(evidence({ schedules: [raw] })).objects
      .schedules!;
    expect(objectProblems(s)).toEqual([
      {
        field: 'spec.template.orLabelSelectors[1].matchLabels',
        problem: 'expected map, got string',
      },
    ]);
    expect(s.spec!.template!.orLabelSelectors![0]).toEqual({
      matchLabels: { app: 'billing' },
    });
  });

  it('records every wrong field of one object', () => {
    let raw = broken(statefulSet(), ['spec', 'replicas'], '2');
    raw = broken(raw, ['spec', 'volumeClaimTemplates'], 'oops');
    raw = broken(raw, ['metadata', 'labels'], ['a']);
    const [sts] = sanitizeEvidence(evidence({ statefulSets: [raw] })).objects
      .statefulSets!;
    expect(
      objectProblems(sts)
        .map(p => p.field)
        .sort(),
    ).toEqual([
      'metadata.labels',
      'spec.replicas',
      'spec.volumeClaimTemplates',
    ]);
    expect(sts.spec).toEqual({
      selector: { matchLabels: { app: 'orders' } },
      template: statefulSet().spec!.template,
    });
  });

  it('accepts null for optional fields (the API server’s nullable fields)', () => {
    const raw = broken(backup(), ['spec', 'labelSelector'], null);
    const list = [raw];
    const { objects } = sanitizeEvidence(evidence({ backups: list }));
    expect(objects.backups).toBe(list);
    expect(objectProblems(raw)).toEqual([]);
  });

  it('keeps fields the evaluation does not read', () => {
    const raw = { ...backup(), extra: { anything: [1, 2] } } as VeleroBackup;
    raw.spec = { ...raw.spec, hooks: { resources: [] } } as any;
    const [b] = sanitizeEvidence(
      evidence({ backups: [broken(raw, ['status', 'errors'], 'none')] }),
    ).objects.backups!;
    expect(b).toHaveProperty('extra', { anything: [1, 2] });
    expect(b.spec).toHaveProperty('hooks');
    expect(b.status).not.toHaveProperty('errors');
  });
});

describe('sanitizeEvidence: items that cannot be read at all', () => {
  it('leaves out an item without metadata.name and lists it in malformed', () => {
    const good = statefulSet();
    const nameless = { ...statefulSet(), metadata: { namespace: 'commerce' } };
    const { objects, malformed } = sanitizeEvidence(
      evidence({ statefulSets: [nameless, good] }),
    );
    expect(objects.statefulSets).toEqual([good]);
    expect(objects.statefulSets![0]).toBe(good);
    expect(malformed).toEqual([
      {
        resource: 'statefulSets',
        namespace: 'commerce',
        message: 'an item of statefulSets metadata.name: is missing',
      },
    ]);
  });

  it('leaves out an item whose metadata.name is not a string, or that is not an object', () => {
    const { objects, malformed } = sanitizeEvidence(
      evidence({
        persistentVolumeClaims: [
          { metadata: { name: 42, namespace: 'commerce' } },
          null,
          'data-orders-db-0',
          { metadata: 'data-orders-db-0' },
        ],
      }),
    );
    expect(objects.persistentVolumeClaims).toEqual([]);
    expect(malformed).toEqual([
      {
        resource: 'persistentVolumeClaims',
        namespace: 'commerce',
        message:
          'an item of persistentVolumeClaims metadata.name: expected string, got number',
      },
      {
        resource: 'persistentVolumeClaims',
        message: 'an item of persistentVolumeClaims is a null, not an object',
      },
      {
        resource: 'persistentVolumeClaims',
        message: 'an item of persistentVolumeClaims is a string, not an object',
      },
      {
        resource: 'persistentVolumeClaims',
        message:
          'an item of persistentVolumeClaims metadata: expected map, got string',
      },
    ]);
  });

  it('lists a resource whose list is not a list', () => {
    const { objects, malformed } = sanitizeEvidence(
      evidence({ restores: { items: [] } }),
    );
    expect(objects).not.toHaveProperty('restores');
    expect(malformed).toEqual([
      {
        resource: 'restores',
        message: 'the restores list is a map, not a list',
      },
    ]);
  });

  it('drops a lag map or a failure list that is not one', () => {
    const result = sanitizeEvidence({
      cluster: 'dr-us',
      objects: {},
      failures: 'timeout' as any,
      postgresReplicationLagSeconds: 12 as any,
    });
    expect(result.failures).toBeUndefined();
    expect(result.postgresReplicationLagSeconds).toBeUndefined();
    expect(result.cluster).toBe('dr-us');
  });
});

describe('sanitizeEvidence: clean lists', () => {
  it('returns a clean list as it is (same identity) and records no problem', () => {
    const backups = [backup()];
    const schedules = [schedule()];
    const statefulSets = [statefulSet()];
    const { objects, malformed } = sanitizeEvidence(
      evidence({ backups, schedules, statefulSets }),
    );
    expect(objects.backups).toBe(backups);
    expect(objects.schedules).toBe(schedules);
    expect(objects.statefulSets).toBe(statefulSets);
    expect(malformed).toEqual([]);
    expect(objectProblems(backups[0])).toEqual([]);
  });

  it('gives a new list when one item is malformed, keeping the clean items themselves', () => {
    const clean = backup();
    const list = [clean, broken(backup(), ['status'], 'oops')];
    const { objects } = sanitizeEvidence(evidence({ backups: list }));
    expect(objects.backups).not.toBe(list);
    expect(objects.backups![0]).toBe(clean);
  });

  it('checks a list once, however many times it is read', () => {
    const list = [broken(backup(), ['status'], 'oops')];
    const first = sanitizeEvidence(evidence({ backups: list }));
    const second = sanitizeEvidence(evidence({ backups: list }));
    expect(second.objects.backups).toBe(first.objects.backups);
  });

  it('leaves out the resources that were not read', () => {
    expect(sanitizeEvidence(evidence({})).objects).toEqual({});
  });
});

describe('sanitizeObject and carryProblems', () => {
  it('checks one object as sanitizeEvidence does', () => {
    const clean = schedule();
    expect(sanitizeObject('schedules', clean)).toBe(clean);
    const s = sanitizeObject(
      'schedules',
      broken(schedule(), ['spec', 'paused'], 'yes'),
    )!;
    expect(s.metadata.name).toBe('orders-hourly');
    expect(objectProblems(s)).toEqual([
      { field: 'spec.paused', problem: 'expected boolean, got string' },
    ]);
    expect(sanitizeObject('schedules', { spec: {} })).toBeUndefined();
  });

  it('carries the problems of an object to a reduced copy of it', () => {
    const s = sanitizeObject(
      'schedules',
      broken(schedule(), ['spec', 'schedule'], 5),
    )!;
    const reduced = { metadata: s.metadata };
    carryProblems(s, reduced);
    expect(objectProblems(reduced)).toEqual(objectProblems(s));
    expect(objectProblems({})).toEqual([]);
  });
});

describe('sanitizeEvidence: a malformed entry of a list', () => {
  it('removes the entry, names its field, and keeps the object', () => {
    const source = {
      apiVersion: 'volsync.backube/v1alpha1',
      kind: 'ReplicationSource',
      metadata: { name: 'data-orders-db-0', namespace: 'commerce' },
      spec: {
        sourcePVC: 'data-orders-db-0',
        trigger: { schedule: '*/5 * * * *' },
      },
      status: {
        lastSyncTime: '2026-11-25T11:55:00Z',
        conditions: [
          {
            type: 'Synchronizing',
            status: false,
            reason: 'WaitingForSchedule',
          },
          { type: 'Ready', reason: 'no status at all' },
        ],
      },
    };
    const listed: ClusterEvidence = {
      cluster: 'prod-eu',
      objects: { replicationSources: [source as any] },
    };
    const { objects, malformed } = sanitizeEvidence(listed);
    expect(malformed).toEqual([]);
    const read = objects.replicationSources![0];
    expect(read.spec?.sourcePVC).toBe('data-orders-db-0');
    expect(read.status?.lastSyncTime).toBe('2026-11-25T11:55:00Z');
    expect(read.status?.conditions).toEqual([]);
    expect(objectProblems(read).map(p => p.field)).toEqual([
      'status.conditions[0].status',
      'status.conditions[0].status',
    ]);
  });

  it('says an empty name is empty', () => {
    const { malformed } = sanitizeEvidence({
      cluster: 'prod-eu',
      objects: { schedules: [{ metadata: { name: '', namespace: 'velero' } }] },
    });
    expect(malformed[0].message).toContain('metadata.name: is empty');
  });
});
