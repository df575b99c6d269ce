export { EntityDisasterRecoveryContent } from './EntityDisasterRecoveryContent';
