export { disasterRecoveryApiRef } from './DisasterRecoveryApi';
export type {
  DisasterRecoveryApi,
  DisasterRecoveryEntityRef,
  DisasterRecoveryOverviewQuery,
} from './DisasterRecoveryApi';
export { DisasterRecoveryClient } from './DisasterRecoveryClient';
