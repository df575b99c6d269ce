import { DrPartialDeclaration } from '../../declaration';
import { KubeObject } from '../../evaluation/kubernetes';
import { locateService } from '../../evaluation/locate';
import { DrProviderContext, DrProviderPvc } from '../../evaluation/provider';
import { ClusterEvidence, DrServiceTarget } from '../../evaluation/types';

/** A provider test fixture: `{ now, <cluster>: [Kubernetes objects] }` (see `__fixtures__`). */
export type ClusterFixture = { now: string } & Record<string, unknown>;

/** Resource keys by `apiVersion` group and kind, as `ClusterObjects` holds them. */
const KEYS: Record<string, string> = {
  'apps/StatefulSet': 'statefulSets',
  'apps/Deployment': 'deployments',
  '/PersistentVolumeClaim': 'persistentVolumeClaims',
};

/**
 * The clusters' evidence of a fixture: each object under its resource key (`resources` maps
 * `group/Kind` of the provider's own types to their keys).
 */
export function clustersOf(
  fixture: Record<string, unknown>,
  resources: Record<string, string>,
): ClusterEvidence[] {
  return Object.keys(fixture)
    .filter(k => k !== 'now')
    .map(cluster => {
      const objects: Record<string, KubeObject[]> = {};
      for (const o of fixture[cluster] as Array<
        KubeObject & { apiVersion: string; kind: string }
      >) {
        const group = o.apiVersion.includes('/')
          ? o.apiVersion.split('/')[0]
          : '';
        const key =
          KEYS[`${group}/${o.kind}`] ??
          resources[`${o.apiVersion}/${o.kind}`] ??
          resources[`${group}/${o.kind}`];
        if (!key)
          throw new Error(`no resource key for ${o.apiVersion} ${o.kind}`);
        (objects[key] ??= []).push(o);
      }
      return { cluster, objects };
    });
}

/**
 * A provider context built as `evaluateDrStatus` builds it (the service located with
 * `locateService`, its PVCs on the primaries), for testing a provider's `evaluate` directly.
 * `objectsOf` reads the provider's own resources from the evidence as given.
 */
export function providerContext(opts: {
  clusters: ClusterEvidence[];
  now: Date;
  target: DrServiceTarget;
  declaration?: Partial<DrPartialDeclaration>;
}): DrProviderContext {
  const declaration = {
    primaryCluster: 'prod-eu',
    recoveryCluster: 'dr-us',
    ...opts.declaration,
  } as DrPartialDeclaration;
  const location = locateService(declaration, opts.target, opts.clusters);
  const { primaries } = location;
  const pvcs: DrProviderPvc[] = primaries.flatMap(cluster =>
    (location.pvcsByCluster.get(cluster) ?? []).map(pvc => {
      const key = `${pvc.metadata.namespace ?? ''}/${pvc.metadata.name}`;
      return {
        cluster,
        pvc,
        key,
        mounts: location.mounts.get(`${cluster}/${key}`) ?? [],
      };
    }),
  );
  const raw = new Map(opts.clusters.map(c => [c.cluster, c]));
  return {
    declaration,
    target: opts.target,
    now: opts.now,
    nowMs: opts.now.getTime(),
    options: {},
    location,
    pvcs,
    primaries,
    primaryName: primaries.join(', '),
    recoveryClusters: declaration.recoveryCluster
      ? [declaration.recoveryCluster]
      : [],
    isPrimary: c => primaries.includes(c),
    evidenceOf: c => location.scope.find(s => s.cluster === c),
    drillClusters: opts.clusters,
    objectsOf: <T extends KubeObject>(
      evidence: { cluster: string },
      resource: string,
    ) => (raw.get(evidence.cluster)?.objects[resource] ?? []) as T[],
  };
}
