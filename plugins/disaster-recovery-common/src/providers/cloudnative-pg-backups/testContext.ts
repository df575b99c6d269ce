import { DrPartialDeclaration } from '../../declaration';
import { KubeObject } from '../../evaluation/kubernetes';
import { locateService } from '../../evaluation/locate';
import { DrProviderContext, DrProviderPvc } from '../../evaluation/provider';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import {
  ClusterEvidence,
  DrEvaluationOptions,
  DrServiceTarget,
} from '../../evaluation/types';

/**
 * A provider context built the way `evaluateDrStatus` builds it (the service located with
 * `locateService`, its PVCs on the primaries), for testing a provider's `evaluate` on its own.
 */
export function providerContext(opts: {
  clusters: ClusterEvidence[];
  now: Date;
  target: DrServiceTarget;
  declaration?: Partial<DrPartialDeclaration>;
  options?: DrEvaluationOptions;
}): DrProviderContext {
  const declaration = {
    primaryCluster: 'prod-eu',
    recoveryCluster: 'dr-us',
    ...opts.declaration,
  } as DrPartialDeclaration;
  const location = locateService(declaration, opts.target, opts.clusters);
  const primaries = location.primaries;
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
  const recoveryClusters = declaration.recoveryCluster
    ? [declaration.recoveryCluster]
    : location.scope.map(s => s.cluster).filter(c => !primaries.includes(c));
  return {
    declaration,
    target: opts.target,
    now: opts.now,
    nowMs: opts.now.getTime(),
    options: opts.options ?? {},
    location,
    pvcs,
    primaries,
    primaryName: primaries.join(', ') || 'the primary cluster',
    recoveryClusters,
    isPrimary: c => primaries.includes(c),
    evidenceOf: c => location.scope.find(s => s.cluster === c),
    drillClusters: location.scope,
    objectsOf: <T extends KubeObject>(
      evidence: SanitizedEvidence,
      resource: string,
    ) =>
      (Array.isArray(evidence.objects[resource])
        ? evidence.objects[resource]
        : []) as T[],
  };
}
