import fs from 'node:fs';
import { parse } from 'yaml';
import { isJsonObject, JsonValue } from './json';
import { ResourceType } from './resources';

/**
 * A resource type the simulator serves without a CustomResourceDefinition: a kind a real cluster
 * serves through an aggregated API server (an `APIService`, e.g. Kasten K10's
 * `apps.kio.kasten.io` RestorePoints), or a CRD whose file is not kept in the CRD directory.
 * Its objects are stored as given: no schema checks them.
 */
export interface ServedResourceDeclaration {
  /** API group, e.g. `apps.kio.kasten.io` (never the core group). */
  group: string;
  /** e.g. `v1alpha1`. */
  version: string;
  /** e.g. `RestorePoint`. */
  kind: string;
  /** The plural in REST paths, e.g. `restorepoints`. */
  plural: string;
  /** Whether objects live in a namespace (`RestorePointContent` is cluster-scoped). */
  namespaced: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks declarations of served resource types (see {@link ServedResourceDeclaration}) and
 * returns them as resource types; throws an Error naming `source`, the item and the field.
 */
export function servedResourceTypes(
  declarations: JsonValue | undefined,
  source: string,
): ResourceType[] {
  if (!Array.isArray(declarations)) {
    throw new Error(
      `${source}: expected a list of { group, version, kind, plural, namespaced }`,
    );
  }
  return declarations.map((item, index) => {
    const at = `${source}: [${index}]`;
    if (!isJsonObject(item)) {
      throw new Error(`${at} is not an object`);
    }
    const { group, version, kind, plural, namespaced } = item;
    if (typeof group !== 'string' || !group.includes('.')) {
      throw new Error(
        `${at}.group must be an API group with a dot, e.g. apps.kio.kasten.io`,
      );
    }
    if (typeof version !== 'string' || !DNS_LABEL.test(version)) {
      throw new Error(`${at}.version must be a version, e.g. v1alpha1`);
    }
    if (typeof kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      throw new Error(`${at}.kind must be a kind, e.g. RestorePoint`);
    }
    if (typeof plural !== 'string' || !DNS_LABEL.test(plural)) {
      throw new Error(
        `${at}.plural must be a lowercase plural, e.g. restorepoints`,
      );
    }
    if (typeof namespaced !== 'boolean') {
      throw new Error(`${at}.namespaced must be true or false`);
    }
    return {
      group,
      version,
      kind,
      listKind: `${kind}List`,
      plural,
      singular: kind.toLowerCase(),
      namespaced,
      shortNames: [],
      categories: [],
      statusSubresource: false,
      // Served like custom resources (merge patches, resourceVersion on update), and hidden
      // with them by the `missingCrds` fault (`<plural>.<group>`), as a down aggregated API is.
      custom: true,
    };
  });
}

/** Reads a YAML file whose top level is a list of {@link ServedResourceDeclaration}s. */
export function loadServedResourcesFile(file: string): ResourceType[] {
  if (!fs.existsSync(file)) {
    throw new Error(`served resources file ${file} does not exist`);
  }
  return servedResourceTypes(
    parse(fs.readFileSync(file, 'utf8')) as JsonValue,
    file,
  );
}
