import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import {
  TierPolicies,
  hasDrAnnotations,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { disasterRecoveryApiRef } from '../../api';

/**
 * The entity's DR status from the backend. Entities without DR annotations are not asked for:
 * they are undeclared.
 */
export function useDrStatus(entity: Entity) {
  const api = useApi(disasterRecoveryApiRef);
  const declared = hasDrAnnotations(entity);
  const entityRef = stringifyEntityRef(entity);
  const state = useAsyncRetry(
    async () => (declared ? api.getStatus(entityRef) : undefined),
    [api, entityRef, declared],
  );
  return { declared, entityRef, ...state };
}

/** The tier policies of `disasterRecovery.tiers`, or the defaults when the config is missing or bad. */
export function useTierPolicies(): TierPolicies {
  const configApi = useApi(configApiRef);
  return useMemo(() => {
    try {
      return TierPolicies.fromConfig(configApi);
    } catch {
      return TierPolicies.default();
    }
  }, [configApi]);
}
