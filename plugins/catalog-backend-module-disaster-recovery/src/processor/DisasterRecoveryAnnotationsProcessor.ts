import { ENTITY_STATUS_CATALOG_PROCESSING_TYPE } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity, EntityStatusItem } from '@backstage/catalog-model/alpha';
import { Config } from '@backstage/config';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  DrDeclarationProblem,
  TierPolicies,
  parseDrDeclaration,
  readConfiguredClusters,
} from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * How the processor reports the problems of a DR declaration:
 *
 * - `status` (default): as catalog processing errors in the entity's `status.items`
 *   (type `backstage.io/catalog-processing`, level `error`). The entity keeps flowing into the
 *   catalog unchanged, and its page shows the problems in the processing errors panel.
 * - `fail`: as processing errors emitted with `processingResult.inputError`. The catalog then
 *   treats the entity's processing as failed: it keeps the last good version of the entity (a new
 *   entity does not appear at all) and lists it among the failed entities of the
 *   unprocessed-entities view. For organisations that want a bad declaration to block.
 *
 * In both modes, an annotation key that looks like a misspelt DR annotation
 * (`disaster-recovry/tier`, see `findMisspeltDrAnnotations`) is a warning in `status.items`
 * (level `warning`), never a failure.
 *
 * @public
 */
export type DrProblemReporting = 'status' | 'fail';

/**
 * Options of {@link DisasterRecoveryAnnotationsProcessor}.
 *
 * @public
 */
export interface DisasterRecoveryAnnotationsProcessorOptions {
  /** The tier policies in effect. */
  policies: TierPolicies;
  /** Cluster names to accept; undefined to accept any name. */
  knownClusters?: readonly string[];
  /** How problems are reported; `status` when undefined. */
  reporting?: DrProblemReporting;
}

/**
 * A catalog processor that validates the `disaster-recovery/*` annotations of every entity that
 * has any, with `parseDrDeclaration` from `@backstage-dr/plugin-disaster-recovery-common`, and
 * reports each problem as a catalog processing error naming the annotation, the value and the
 * accepted form. Annotation keys that look like misspelt DR annotations (checked on every
 * entity, with DR annotations or not) are warnings in the entity's `status.items`. It never
 * changes the entity's spec, metadata or relations.
 *
 * @public
 */
export class DisasterRecoveryAnnotationsProcessor implements CatalogProcessor {
  private readonly options: DisasterRecoveryAnnotationsProcessorOptions;

  /**
   * Builds the processor from app-config: tier policies from `disasterRecovery.tiers`, known
   * clusters from the `type: config` entries of `kubernetes.clusterLocatorMethods` (cluster names
   * are not checked when another locator type is configured), reporting from
   * `disasterRecovery.catalog.problemReporting`.
   *
   * @throws TypeError naming the config key when the tier policies are malformed
   */
  static fromConfig(config: Config): DisasterRecoveryAnnotationsProcessor {
    const { clusters, complete } = readConfiguredClusters(config);
    const reporting = config.getOptionalString(
      'disasterRecovery.catalog.problemReporting',
    );
    if (
      reporting !== undefined &&
      reporting !== 'status' &&
      reporting !== 'fail'
    ) {
      throw new TypeError(
        `disasterRecovery.catalog.problemReporting: "${reporting}" is not accepted; use status or fail`,
      );
    }
    return new DisasterRecoveryAnnotationsProcessor({
      policies: TierPolicies.fromConfig(config),
      knownClusters:
        complete && clusters.length > 0 ? clusters.map(c => c.name) : undefined,
      reporting,
    });
  }

  constructor(options: DisasterRecoveryAnnotationsProcessorOptions) {
    this.options = options;
  }

  getProcessorName(): string {
    return 'DisasterRecoveryAnnotationsProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const result = parseDrDeclaration(entity, this.options.policies, {
      knownClusters: this.options.knownClusters,
    });
    // Misspelt DR keys never block the entity: always warnings in its status.
    const items: EntityStatusItem[] = (result.warnings ?? []).map(w =>
      toStatusItem(w, 'warning'),
    );
    if (result.status === 'invalid') {
      if (this.options.reporting === 'fail') {
        for (const problem of result.problems) {
          emit(processingResult.inputError(location, problem.message));
        }
      } else {
        items.push(...result.problems.map(p => toStatusItem(p, 'error')));
      }
    }
    if (items.length === 0) {
      return entity;
    }
    const { status } = entity as AlphaEntity;
    const withStatus: AlphaEntity = {
      ...entity,
      status: { ...status, items: [...(status?.items ?? []), ...items] },
    };
    return withStatus;
  }
}

function toStatusItem(
  problem: DrDeclarationProblem,
  level: 'error' | 'warning',
): EntityStatusItem {
  return {
    type: ENTITY_STATUS_CATALOG_PROCESSING_TYPE,
    level,
    message: `InputError: ${problem.message}`,
    error: { name: 'InputError', message: problem.message },
  };
}
