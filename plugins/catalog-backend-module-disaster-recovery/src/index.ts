/**
 * A catalog module that validates the `disaster-recovery/*` annotations of every entity,
 * reports each problem as a catalog processing error, and announces DR-relevant changes on the
 * events topic `DR_CATALOG_CHANGES_TOPIC`.
 *
 * @packageDocumentation
 */

export { catalogModuleDisasterRecovery as default } from './module';
export {
  DisasterRecoveryAnnotationsProcessor,
  type DisasterRecoveryAnnotationsProcessorOptions,
  type DrProblemReporting,
} from './processor/DisasterRecoveryAnnotationsProcessor';
export { DisasterRecoveryChangesProcessor } from './processor/DisasterRecoveryChangesProcessor';
