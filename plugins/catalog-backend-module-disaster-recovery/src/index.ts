/**
 * A catalog module that validates the `disaster-recovery/*` annotations of every entity and
 * reports each problem as a catalog processing error.
 *
 * @packageDocumentation
 */

export { catalogModuleDisasterRecovery as default } from './module';
export {
  DisasterRecoveryAnnotationsProcessor,
  type DisasterRecoveryAnnotationsProcessorOptions,
  type DrProblemReporting,
} from './processor/DisasterRecoveryAnnotationsProcessor';
