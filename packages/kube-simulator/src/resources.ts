import { SchemaValidator } from './schemas';

/** How a resource's `scale` subresource maps onto the object (paths as dotted JSON paths). */
export interface ScaleSubresource {
  /** Where the desired replicas live, e.g. `spec.replicas` (CNPG: `spec.instances`). */
  specReplicasPath: string[];
  /** Where the observed replicas live, e.g. `status.replicas`. */
  statusReplicasPath: string[];
  /**
   * Where the pod selector lives: a string (custom resources' `labelSelectorPath`) or a
   * `LabelSelector` object (built-in workloads' `spec.selector`).
   */
  labelSelectorPath?: string[];
  /** The replicas reported when the object does not set them (the API's own default). */
  defaultReplicas: number;
}

/** One served resource: a group, a version and a plural, with its kind and behaviour. */
export interface ResourceType {
  /** API group; `''` for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Whether the `status` subresource exists (main-resource writes then keep the status). */
  statusSubresource: boolean;
  scale?: ScaleSubresource;
  /** True for kinds defined by a CustomResourceDefinition (their API rules differ a little). */
  custom: boolean;
  /** Schema of a custom resource's version; built-in kinds are not schema-checked. */
  schema?: SchemaValidator;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(type: { group: string; version: string }): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** The name a CRD has (`backups.velero.io`); faults use it to hide resources. */
export function crdNameOf(type: { group: string; plural: string }): string {
  return `${type.plural}.${type.group}`;
}

const workloadScale: ScaleSubresource = {
  specReplicasPath: ['spec', 'replicas'],
  statusReplicasPath: ['status', 'replicas'],
  labelSelectorPath: ['spec', 'selector'],
  defaultReplicas: 1,
};

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  options: {
    namespaced?: boolean;
    shortNames?: string[];
    categories?: string[];
    status?: boolean;
    scale?: ScaleSubresource;
  } = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced: options.namespaced ?? true,
    shortNames: options.shortNames ?? [],
    categories: options.categories ?? [],
    statusSubresource: options.status ?? false,
    scale: options.scale,
    custom: false,
  };
}

const all = ['all'];

/**
 * The built-in kinds the simulator serves: the ones Backstage's Kubernetes plugin lists, plus
 * the workload kinds disaster recovery reads. They have no schema check.
 */
export const BUILTIN_RESOURCES: ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', {
    namespaced: false,
    shortNames: ['ns'],
    status: true,
  }),
  builtin('', 'v1', 'Pod', 'pods', {
    shortNames: ['po'],
    categories: all,
    status: true,
  }),
  builtin('', 'v1', 'Service', 'services', {
    shortNames: ['svc'],
    categories: all,
    status: true,
  }),
  builtin('', 'v1', 'ConfigMap', 'configmaps', { shortNames: ['cm'] }),
  builtin('', 'v1', 'Secret', 'secrets'),
  builtin('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', {
    shortNames: ['pvc'],
    status: true,
  }),
  builtin('', 'v1', 'PersistentVolume', 'persistentvolumes', {
    namespaced: false,
    shortNames: ['pv'],
    status: true,
  }),
  builtin('', 'v1', 'Event', 'events', { shortNames: ['ev'] }),
  builtin('', 'v1', 'LimitRange', 'limitranges', { shortNames: ['limits'] }),
  builtin('', 'v1', 'ResourceQuota', 'resourcequotas', {
    shortNames: ['quota'],
    status: true,
  }),
  builtin('apps', 'v1', 'Deployment', 'deployments', {
    shortNames: ['deploy'],
    categories: all,
    status: true,
    scale: workloadScale,
  }),
  builtin('apps', 'v1', 'StatefulSet', 'statefulsets', {
    shortNames: ['sts'],
    categories: all,
    status: true,
    scale: workloadScale,
  }),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', {
    shortNames: ['rs'],
    categories: all,
    status: true,
    scale: workloadScale,
  }),
  builtin('apps', 'v1', 'DaemonSet', 'daemonsets', {
    shortNames: ['ds'],
    categories: all,
    status: true,
  }),
  builtin('batch', 'v1', 'Job', 'jobs', { categories: all, status: true }),
  builtin('batch', 'v1', 'CronJob', 'cronjobs', {
    shortNames: ['cj'],
    categories: all,
    status: true,
  }),
  builtin('networking.k8s.io', 'v1', 'Ingress', 'ingresses', {
    shortNames: ['ing'],
    status: true,
  }),
  builtin(
    'autoscaling',
    'v2',
    'HorizontalPodAutoscaler',
    'horizontalpodautoscalers',
    {
      shortNames: ['hpa'],
      categories: all,
      status: true,
    },
  ),
];

/**
 * Orders versions as Kubernetes does: GA before beta before alpha, higher numbers first
 * (`v2`, `v1`, `v1beta2`, `v1beta1`, `v1alpha1`); anything else last, alphabetically.
 */
export function compareVersionPriority(a: string, b: string): number {
  const rank = (version: string): [number, number, number] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(version);
    if (!match) {
      return [3, 0, 0];
    }
    const stability = { alpha: 2, beta: 1 }[match[2] as 'alpha' | 'beta'] ?? 0;
    return [stability, -Number(match[1]), -Number(match[3] ?? 0)];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) {
    if (x[i] !== y[i]) {
      return x[i] - y[i];
    }
  }
  return a.localeCompare(b);
}

/** A served API group with its versions, highest priority first. */
export interface ApiGroup {
  name: string;
  versions: string[];
}

/** Lookup of the served resource types by path (`group/version/plural`) and by `apiVersion` + `kind`. */
export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  constructor(readonly types: ResourceType[]) {
    for (const type of types) {
      const pathKey = `${type.group}/${type.version}/${type.plural}`;
      if (this.byPath.has(pathKey)) {
        throw new Error(
          `Resource ${type.plural} is defined twice in ${apiVersionOf(type)}`,
        );
      }
      this.byPath.set(pathKey, type);
      this.byKind.set(`${apiVersionOf(type)}/${type.kind}`, type);
    }
  }

  /** The type served at `/apis/<group>/<version>/<plural>` (core group: `''`). */
  byResource(
    group: string,
    version: string,
    plural: string,
  ): ResourceType | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** The type of an object with this `apiVersion` and `kind`. */
  byApiVersionKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** The named groups (not the core group), sorted by name, with their versions by priority. */
  groups(include: (type: ResourceType) => boolean): ApiGroup[] {
    const versions = new Map<string, Set<string>>();
    for (const type of this.types) {
      if (type.group && include(type)) {
        const set = versions.get(type.group) ?? new Set<string>();
        set.add(type.version);
        versions.set(type.group, set);
      }
    }
    return [...versions.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, set]) => ({
        name,
        versions: [...set].sort(compareVersionPriority),
      }));
  }

  /** The names (`<plural>.<group>`) of the CRDs behind the custom resource types, sorted. */
  crdNames(): string[] {
    return [
      ...new Set(this.types.filter(type => type.custom).map(crdNameOf)),
    ].sort();
  }

  /** The types served in one group version. */
  typesIn(group: string, version: string): ResourceType[] {
    return this.types.filter(
      type => type.group === group && type.version === version,
    );
  }
}
