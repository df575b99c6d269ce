/**
 * Scaffolder actions of the DR suite: generate the DR configuration of a stateful service
 * (Velero, VolSync, CloudNativePG, annotations, runbook), declare an entity's DR tier in its
 * catalog file, publish and register locally, and start drills, failovers and failbacks.
 *
 * @packageDocumentation
 */

export { scaffolderModuleDisasterRecovery as default } from './module';
export { createGenerateDrConfigAction } from './actions/generateConfig';
export { createAnnotateCatalogAction } from './actions/annotateCatalog';
export { createFetchCatalogSourceAction } from './actions/fetchCatalogSource';
export { createPublishLocalAction } from './actions/publishLocal';
export { createRegisterLocalAction } from './actions/registerLocal';
export { createStartRunAction, drRunUrl } from './actions/startRun';
export {
  readDrScaffolderSettings,
  DEFAULT_PUBLISH_DIRECTORY,
  type DrScaffolderSettings,
} from './config';
export {
  planDrConfig,
  type DrConfigRequest,
  type DrConfigPlan,
  type DrMechanism,
} from './generate/plan';
export { generateDrFiles, type GeneratedFile } from './generate/generate';
export {
  annotateCatalogYaml,
  type AnnotateResult,
  type EntitySelector,
} from './catalog/annotate';
