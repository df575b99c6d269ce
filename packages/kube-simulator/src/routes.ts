import { pathNotFound } from './errors';
import { ResourceRegistry, ResourceType } from './resources';

/** A request path of the Kubernetes API, resolved. */
export type Route =
  | { kind: 'version' }
  | { kind: 'health' }
  | { kind: 'apiVersions' }
  | { kind: 'groupList' }
  | { kind: 'group'; group: string }
  | { kind: 'resourceList'; group: string; version: string }
  | {
      kind: 'resource';
      type: ResourceType;
      /** Set for namespaced requests; undefined for cluster-scoped ones and all-namespace lists. */
      namespace?: string;
      /** Undefined for collection requests. */
      name?: string;
      subresource?: 'status' | 'scale' | 'proxy';
      /** For the pods `proxy` subresource: the path after `proxy/` (no leading slash). */
      proxyPath?: string;
    };

const FIXED: Record<string, Route> = {
  '/version': { kind: 'version' },
  '/healthz': { kind: 'health' },
  '/livez': { kind: 'health' },
  '/readyz': { kind: 'health' },
  '/api': { kind: 'apiVersions' },
  '/apis': { kind: 'groupList' },
};

/**
 * Resolves a path such as `/apis/velero.io/v1/namespaces/velero/backups/daily-1/status`, or a
 * pod proxy path (`/api/v1/namespaces/payments/pods/db-1:9187/proxy/metrics`).
 * Paths of unknown or hidden (`isServed` false) resources, and shapes the real API does not
 * serve (a namespace on a cluster-scoped resource, a name without a namespace on a namespaced
 * one, an unknown subresource), are a 404 NotFound ApiError.
 */
export function resolveRoute(
  pathname: string,
  registry: ResourceRegistry,
  isServed: (type: ResourceType) => boolean,
): Route {
  const trimmed = pathname.replace(/\/+$/, '') || '/';
  const fixed = FIXED[trimmed];
  if (fixed) {
    return fixed;
  }
  let segments: string[];
  try {
    segments = trimmed.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw pathNotFound();
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    [group, version, rest] = ['', segments[1], segments.slice(2)];
  } else if (segments[0] === 'apis' && segments.length === 2) {
    return { kind: 'group', group: segments[1] };
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  } else {
    throw pathNotFound();
  }
  if (rest.length === 0) {
    return { kind: 'resourceList', group, version };
  }

  let namespace: string | undefined;
  const namespaceStatus =
    group === '' &&
    rest[0] === 'namespaces' &&
    rest.length === 3 &&
    rest[2] === 'status';
  if (rest[0] === 'namespaces' && rest.length >= 3 && !namespaceStatus) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const type = registry.byResource(group, version, plural);
  // The pod proxy (`pods/<name>[:<port>]/proxy/<path>`) takes any path after `proxy`.
  if (
    type &&
    isServed(type) &&
    group === '' &&
    plural === 'pods' &&
    subresource === 'proxy' &&
    namespace !== undefined &&
    name !== undefined
  ) {
    return {
      kind: 'resource',
      type,
      namespace,
      name,
      subresource: 'proxy',
      proxyPath: extra.join('/'),
    };
  }
  if (
    !type ||
    !isServed(type) ||
    extra.length > 0 ||
    (namespace !== undefined && !type.namespaced) ||
    (namespace === undefined && type.namespaced && name !== undefined) ||
    (subresource !== undefined &&
      !(subresource === 'status' && type.statusSubresource) &&
      !(subresource === 'scale' && type.scale))
  ) {
    throw pathNotFound();
  }
  return {
    kind: 'resource',
    type,
    namespace,
    name,
    subresource: subresource as 'status' | 'scale' | undefined,
  };
}
