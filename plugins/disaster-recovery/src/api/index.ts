export { disasterRecoveryApiRef } from './DisasterRecoveryApi';
export type {
  DisasterRecoveryApi,
  DisasterRecoveryEntityRef,
  DisasterRecoveryOverviewQuery,
  DisasterRecoveryRunRequest,
} from './DisasterRecoveryApi';
export { DisasterRecoveryClient } from './DisasterRecoveryClient';
