import { Entity } from '@backstage/catalog-model';
import { hasDrAnnotations } from '@backstage-dr/plugin-disaster-recovery-common';

const COMPONENT_TYPES = ['service', 'database'];

/**
 * Whether the DR card and tab apply to an entity: it carries `disaster-recovery/*` annotations,
 * or it is a Component of type `service` or `database` (which should declare DR, and is shown
 * how).
 *
 * @public
 */
export function isDisasterRecoveryAvailable(entity: Entity): boolean {
  if (hasDrAnnotations(entity)) {
    return true;
  }
  const type = entity.spec?.type;
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'component' &&
    typeof type === 'string' &&
    COMPONENT_TYPES.includes(type.toLocaleLowerCase('en-US'))
  );
}
