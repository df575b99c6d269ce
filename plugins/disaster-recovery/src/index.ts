/**
 * The Backstage DR frontend plugin: the disaster recovery card and tab of a service's entity
 * page, the platform overview page, and the client of the DR status backend.
 *
 * For the new frontend system, install the default export of
 * `@backstage-dr/plugin-disaster-recovery/alpha`.
 *
 * @packageDocumentation
 */

export {
  disasterRecoveryPlugin,
  DisasterRecoveryPage,
  DrClusterPickerFieldExtension,
  EntityDisasterRecoveryCard,
  EntityDisasterRecoveryContent,
} from './plugin';
export { isDisasterRecoveryAvailable } from './conditions';
export { rootRouteRef } from './routes';
export { DisasterRecoveryClient, disasterRecoveryApiRef } from './api';
export type {
  DisasterRecoveryApi,
  DisasterRecoveryEntityRef,
  DisasterRecoveryOverviewQuery,
  DisasterRecoveryRunRequest,
} from './api';
