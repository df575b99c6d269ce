/**
 * The Backstage DR frontend plugin: the disaster recovery card and tab of a service's entity
 * page, and the client of the DR status backend.
 *
 * For the new frontend system, install the default export of
 * `@backstage-dr/plugin-disaster-recovery/alpha`.
 *
 * @packageDocumentation
 */

export {
  disasterRecoveryPlugin,
  EntityDisasterRecoveryCard,
  EntityDisasterRecoveryContent,
} from './plugin';
export { isDisasterRecoveryAvailable } from './conditions';
export { DisasterRecoveryClient, disasterRecoveryApiRef } from './api';
export type {
  DisasterRecoveryApi,
  DisasterRecoveryEntityRef,
  DisasterRecoveryOverviewQuery,
} from './api';
