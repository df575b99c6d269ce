import { Entity } from '@backstage/catalog-model';
import { parseLabelSelector } from './selectors';
import { DrServiceTarget } from './types';

/**
 * How to find an entity's Kubernetes objects, from the Kubernetes plugin's annotations:
 * `backstage.io/kubernetes-label-selector` (a selector string), else `backstage.io/kubernetes-id`,
 * optionally narrowed by `backstage.io/kubernetes-namespace`. Undefined when the entity has neither
 * a label selector nor an id.
 *
 * @throws TypeError when the label selector annotation is malformed
 * @public
 */
export function serviceTargetFromEntity(
  entity: Entity,
): DrServiceTarget | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const selector = annotations['backstage.io/kubernetes-label-selector'];
  const id = annotations['backstage.io/kubernetes-id'];
  const namespace = annotations['backstage.io/kubernetes-namespace'];
  if (!selector && !id) {
    return undefined;
  }
  return {
    id,
    labelSelector: selector ? parseLabelSelector(selector) : undefined,
    namespace,
  };
}
