import { loadCrdDirectory } from './crds';
import { DEFAULT_CRD_DIR } from './index';
import { JsonObject } from './json';
import { SchemaValidator } from './schemas';

const schema: JsonObject = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { 'x-kubernetes-int-or-string': true },
        mode: { type: 'string', enum: ['Fast', 'Safe'], default: 'Safe' },
        replicas: { type: 'integer', minimum: 0, format: 'int32' },
        at: { type: 'string', format: 'date-time', nullable: true },
        note: { type: 'string' },
        options: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
        },
        tags: { type: 'object', additionalProperties: { type: 'string' } },
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { name: { type: 'string', pattern: '^[a-z]+$' } },
          },
        },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: {
            spec: { type: 'object', properties: { x: { type: 'string' } } },
          },
        },
      },
    },
  },
};

const base = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', labels: { a: 'b' } },
};

describe('SchemaValidator', () => {
  const validator = new SchemaValidator(schema);

  it('prunes unknown fields except where the schema keeps them, and reports their paths', () => {
    const { object, pruned, causes } = validator.check({
      ...base,
      extra: 1,
      spec: {
        size: '10Gi',
        typo: true,
        options: { anything: { goes: 1 } },
        tags: { team: 'x' },
        items: [{ name: 'a', bogus: 1 }],
        template: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p' },
          spec: { x: 'y', z: 1 },
        },
      },
    });
    expect(causes).toEqual([]);
    expect(pruned).toEqual([
      'extra',
      'spec.typo',
      'spec.items[0].bogus',
      'spec.template.spec.z',
    ]);
    expect(object).toEqual({
      ...base,
      spec: {
        size: '10Gi',
        mode: 'Safe',
        options: { anything: { goes: 1 } },
        tags: { team: 'x' },
        items: [{ name: 'a' }],
        template: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p' },
          spec: { x: 'y' },
        },
      },
    });
  });

  it('applies defaults, drops null where not nullable, keeps it where nullable', () => {
    const { object, causes } = validator.check({
      ...base,
      spec: { size: 3, note: null, at: null },
    });
    expect(causes).toEqual([]);
    expect(object.spec).toEqual({ size: 3, at: null, mode: 'Safe' });
  });

  it('accepts int-or-string and refuses anything else there', () => {
    expect(validator.check({ ...base, spec: { size: 5 } }).causes).toEqual([]);
    expect(validator.check({ ...base, spec: { size: true } }).causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.size',
        message:
          'Invalid value: "boolean": spec.size in body must be of type integer or string: "boolean"',
      },
    ]);
  });

  it('words each kind of failure like the API server, with field paths', () => {
    const { causes } = validator.check({
      ...base,
      spec: {
        mode: 'Reckless',
        replicas: -1,
        at: 'yesterday',
        note: 5,
        items: [{ name: 'UPPER' }],
      },
    });
    expect(causes).toEqual(
      expect.arrayContaining([
        {
          reason: 'FieldValueRequired',
          field: 'spec.size',
          message: 'Required value',
        },
        {
          reason: 'FieldValueNotSupported',
          field: 'spec.mode',
          message:
            'Unsupported value: "Reckless": supported values: "Fast", "Safe"',
        },
        {
          reason: 'FieldValueInvalid',
          field: 'spec.replicas',
          message:
            'Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
        },
        {
          reason: 'FieldValueInvalid',
          field: 'spec.at',
          message:
            'Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"',
        },
        {
          reason: 'FieldValueInvalid',
          field: 'spec.note',
          message:
            'Invalid value: "integer": spec.note in body must be of type string: "integer"',
        },
        {
          reason: 'FieldValueInvalid',
          field: 'spec.items[0].name',
          message:
            'Invalid value: "UPPER": spec.items[0].name in body should match \'^[a-z]+$\'',
        },
      ]),
    );
    expect(causes).toHaveLength(6);
  });

  it('does not change its argument', () => {
    const input = { ...base, spec: { size: 1, typo: 1 } };
    validator.check(input);
    expect(input.spec).toEqual({ size: 1, typo: 1 });
  });
});

describe('the real CRDs', () => {
  it('load with their served versions and compile', () => {
    const types = loadCrdDirectory(DEFAULT_CRD_DIR);
    const names = types.map(
      type => `${type.plural}.${type.group}/${type.version}`,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        'backups.velero.io/v1',
        'schedules.velero.io/v1',
        'restores.velero.io/v1',
        'backupstoragelocations.velero.io/v1',
        'clusters.postgresql.cnpg.io/v1',
        'kafkamirrormaker2s.kafka.strimzi.io/v1',
        'volumesnapshots.snapshot.storage.k8s.io/v1',
      ]),
    );
    expect(names).not.toContain(
      'volumesnapshots.snapshot.storage.k8s.io/v1beta1',
    );
    const cluster = types.find(type => type.kind === 'Cluster')!;
    expect(cluster.scale).toEqual({
      specReplicasPath: ['spec', 'instances'],
      statusReplicasPath: ['status', 'instances'],
      labelSelectorPath: ['status', 'selector'],
      defaultReplicas: 0,
    });
    for (const type of types) {
      // an empty object is checked against the whole (compiled) schema
      expect(
        Array.isArray(type.schema!.check({ metadata: { name: 'x' } }).causes),
      ).toBe(true);
    }
    // the same directory is parsed once
    expect(loadCrdDirectory(DEFAULT_CRD_DIR)).toBe(types);
  });
});
