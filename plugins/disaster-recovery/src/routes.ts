import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * The route of the DR overview page ({@link DisasterRecoveryPage}) in the legacy frontend
 * system.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'disaster-recovery' });
