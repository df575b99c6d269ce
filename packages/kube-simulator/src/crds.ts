import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isJsonObject, JsonObject, JsonValue } from './json';
import { ResourceType, ScaleSubresource } from './resources';
import { SchemaValidator } from './schemas';

function jsonPath(value: JsonValue | undefined): string[] | undefined {
  return typeof value === 'string'
    ? value.replace(/^\./, '').split('.')
    : undefined;
}

function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

/** The served versions of one CustomResourceDefinition document as resource types. */
function resourceTypesOfCrd(crd: JsonObject, source: string): ResourceType[] {
  const spec = crd.spec;
  const names = isJsonObject(spec) ? spec.names : undefined;
  if (
    !isJsonObject(spec) ||
    !isJsonObject(names) ||
    typeof spec.group !== 'string' ||
    typeof names.kind !== 'string' ||
    typeof names.plural !== 'string' ||
    !Array.isArray(spec.versions)
  ) {
    throw new Error(
      `${source}: not a CustomResourceDefinition with spec.group, spec.names and spec.versions`,
    );
  }
  const { group } = spec;
  const { kind, plural } = names;
  return spec.versions.filter(isJsonObject).flatMap(version => {
    if (version.served !== true || typeof version.name !== 'string') {
      return [];
    }
    const schema = isJsonObject(version.schema)
      ? version.schema.openAPIV3Schema
      : undefined;
    if (!isJsonObject(schema)) {
      throw new Error(
        `${source}: version ${version.name} of ${plural}.${group} has no schema.openAPIV3Schema`,
      );
    }
    const subresources = isJsonObject(version.subresources)
      ? version.subresources
      : {};
    const scale = isJsonObject(subresources.scale)
      ? subresources.scale
      : undefined;
    const specReplicasPath = jsonPath(scale?.specReplicasPath);
    const statusReplicasPath = jsonPath(scale?.statusReplicasPath);
    const scaleSubresource: ScaleSubresource | undefined =
      specReplicasPath && statusReplicasPath
        ? {
            specReplicasPath,
            statusReplicasPath,
            labelSelectorPath: jsonPath(scale?.labelSelectorPath),
            defaultReplicas: 0,
          }
        : undefined;
    return [
      {
        group,
        version: version.name,
        kind,
        listKind:
          typeof names.listKind === 'string' ? names.listKind : `${kind}List`,
        plural,
        singular:
          typeof names.singular === 'string'
            ? names.singular
            : kind.toLowerCase(),
        namespaced: spec.scope !== 'Cluster',
        shortNames: strings(names.shortNames),
        categories: strings(names.categories),
        statusSubresource: isJsonObject(subresources.status),
        scale: scaleSubresource,
        custom: true,
        schema: new SchemaValidator(schema),
      },
    ];
  });
}

const loaded = new Map<string, ResourceType[]>();

/**
 * Reads every CustomResourceDefinition in `*.yaml` files of a directory (one or more documents
 * per file) and returns one resource type per served version. The result is cached per
 * directory, so schemas are parsed and compiled once per process.
 */
export function loadCrdDirectory(directory: string): ResourceType[] {
  const absolute = path.resolve(directory);
  const cached = loaded.get(absolute);
  if (cached) {
    return cached;
  }
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory()) {
    throw new Error(`CRD directory ${absolute} does not exist`);
  }
  const types = fs
    .readdirSync(absolute)
    .filter(file => file.endsWith('.yaml') || file.endsWith('.yml'))
    .sort()
    .flatMap(file => {
      const source = path.join(absolute, file);
      return parseAllDocuments(fs.readFileSync(source, 'utf8')).flatMap(
        document => {
          if (document.errors.length > 0) {
            throw new Error(`${source}: ${document.errors[0].message}`);
          }
          const crd = document.toJS() as JsonValue;
          return isJsonObject(crd) && crd.kind === 'CustomResourceDefinition'
            ? resourceTypesOfCrd(crd, source)
            : [];
        },
      );
    });
  loaded.set(absolute, types);
  return types;
}

const string = { type: 'string' };
const dateTime = { type: 'string', format: 'date-time' };
const volSyncTrigger = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: { schedule: string, manual: string },
};
const volSyncStatus = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
  properties: {
    lastSyncTime: dateTime,
    lastSyncStartTime: dateTime,
    lastSyncDuration: string,
    nextSyncTime: dateTime,
    lastManualSync: string,
    conditions: {
      type: 'array',
      items: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        required: ['type', 'status'],
        properties: {
          type: string,
          status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
          reason: string,
          message: string,
          lastTransitionTime: dateTime,
        },
      },
    },
  },
};

function volSyncCrd(kind: string, specFields: JsonObject): JsonObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.volsync.backube` },
    spec: {
      group: 'volsync.backube',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: string,
                kind: string,
                metadata: { type: 'object' },
                spec: {
                  type: 'object',
                  'x-kubernetes-preserve-unknown-fields': true,
                  properties: {
                    trigger: volSyncTrigger,
                    paused: { type: 'boolean' },
                    ...specFields,
                  },
                },
                status: volSyncStatus,
              },
            },
          },
        },
      ],
    },
  };
}

/**
 * VolSync's `ReplicationSource` and `ReplicationDestination` (`volsync.backube/v1alpha1`).
 * VolSync's CRDs cannot be kept with the others (AGPL), so these minimal definitions check only
 * the fields disaster recovery reads (see DOMAIN.md) and keep every other field as it is.
 */
export const VOLSYNC_RESOURCES: ResourceType[] = [
  ...resourceTypesOfCrd(
    volSyncCrd('ReplicationSource', { sourcePVC: string }),
    'VolSync ReplicationSource',
  ),
  ...resourceTypesOfCrd(
    volSyncCrd('ReplicationDestination', {}),
    'VolSync ReplicationDestination',
  ),
];
