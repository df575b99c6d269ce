import { usePermission } from '@backstage/plugin-permission-react';
import {
  DrRunType,
  drDrillCreatePermission,
  drFailbackCreatePermission,
  drFailoverCreatePermission,
  drRunUpdatePermission,
} from '@backstage-dr/plugin-disaster-recovery-common';

/** Whether the user may do something, and whether that is still being asked. */
export interface PermissionState {
  loading: boolean;
  allowed: boolean;
}

/**
 * Whether the signed-in user may start each kind of run of an entity and update (confirm,
 * cancel) its runs: the DR resource permissions, asked for the entity, so that a policy can
 * allow its owners only.
 */
export function useRunPermissions(entityRef: string): {
  create: Record<DrRunType, PermissionState>;
  update: PermissionState;
} {
  const drill = usePermission({
    permission: drDrillCreatePermission,
    resourceRef: entityRef,
  });
  const failover = usePermission({
    permission: drFailoverCreatePermission,
    resourceRef: entityRef,
  });
  const failback = usePermission({
    permission: drFailbackCreatePermission,
    resourceRef: entityRef,
  });
  const update = useRunUpdatePermission(entityRef);
  return {
    create: {
      drill: { loading: drill.loading, allowed: drill.allowed },
      failover: { loading: failover.loading, allowed: failover.allowed },
      failback: { loading: failback.loading, allowed: failback.allowed },
    },
    update,
  };
}

/** Whether the signed-in user may confirm or cancel the runs of an entity. */
export function useRunUpdatePermission(entityRef: string): PermissionState {
  const { loading, allowed } = usePermission({
    permission: drRunUpdatePermission,
    resourceRef: entityRef,
  });
  return { loading, allowed };
}
