import { JsonObject } from './json';
import { apiVersionOf, ResourceRegistry, ResourceType } from './resources';

/** The verbs the simulator serves on every resource (no watch, no deletecollection). */
const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update'];
const SUBRESOURCE_VERBS = ['get', 'patch', 'update'];

/** The version the simulator reports at `/version`. */
export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
  gitTreeState: 'clean',
  buildDate: '2024-12-11T17:57:37Z',
  goVersion: 'go1.23.3',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** `GET /api`: the core group's versions. */
export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersions(group: {
  name: string;
  versions: string[];
}): JsonObject {
  const versions = group.versions.map(version => ({
    groupVersion: `${group.name}/${version}`,
    version,
  }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

/** `GET /apis`: every named group with a served resource. */
export function apiGroupList(
  registry: ResourceRegistry,
  isServed: (type: ResourceType) => boolean,
): JsonObject {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups(isServed).map(groupVersions),
  };
}

/** `GET /apis/<group>`, or undefined when nothing in the group is served. */
export function apiGroup(
  registry: ResourceRegistry,
  isServed: (type: ResourceType) => boolean,
  name: string,
): JsonObject | undefined {
  const group = registry
    .groups(isServed)
    .find(candidate => candidate.name === name);
  return (
    group && { kind: 'APIGroup', apiVersion: 'v1', ...groupVersions(group) }
  );
}

function resourceEntries(type: ResourceType): JsonObject[] {
  const entries: JsonObject[] = [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: VERBS,
      ...(type.shortNames.length > 0 && { shortNames: type.shortNames }),
      ...(type.categories.length > 0 && { categories: type.categories }),
    },
  ];
  if (type.statusSubresource) {
    entries.push({
      name: `${type.plural}/status`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: SUBRESOURCE_VERBS,
    });
  }
  if (type.scale) {
    entries.push({
      name: `${type.plural}/scale`,
      singularName: '',
      namespaced: type.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: SUBRESOURCE_VERBS,
    });
  }
  return entries;
}

/**
 * `GET /api/v1` or `GET /apis/<group>/<version>`: the served resources of a group version with
 * their subresources, or undefined when none is served.
 */
export function apiResourceList(
  registry: ResourceRegistry,
  isServed: (type: ResourceType) => boolean,
  group: string,
  version: string,
): JsonObject | undefined {
  const types = registry.typesIn(group, version).filter(isServed);
  if (types.length === 0) {
    return undefined;
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: types.flatMap(resourceEntries),
  };
}
