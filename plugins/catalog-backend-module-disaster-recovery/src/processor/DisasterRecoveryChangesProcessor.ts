import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  LocationSpec,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  DR_CATALOG_CHANGES_TOPIC,
  DrCatalogChangeEventPayload,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { createHash } from 'node:crypto';

const CACHE_KEY = 'disaster-recovery-fingerprint';

// The annotations the DR evaluation reads: the declaration and where the service runs.
const RELEVANT_ANNOTATION = /^(disaster-recovery\/|backstage\.io\/kubernetes-)/;

/** What of an entity the DR status depends on, as a stable hash; undefined without DR annotations. */
function fingerprint(entity: Entity): string | undefined {
  const annotations = Object.entries(entity.metadata.annotations ?? {})
    .filter(([key]) => RELEVANT_ANNOTATION.test(key))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (!annotations.some(([key]) => key.startsWith('disaster-recovery/'))) {
    return undefined;
  }
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  return createHash('sha256')
    .update(
      JSON.stringify([
        annotations,
        entity.metadata.title ?? null,
        spec.owner ?? null,
        spec.type ?? null,
        spec.system ?? null,
      ]),
    )
    .digest('hex');
}

/**
 * A catalog processor that announces DR-relevant changes: when an entity with `disaster-recovery/*`
 * annotations is new to the catalog, or its DR or Kubernetes annotations, title, owner, type or
 * system changed, or it lost its DR annotations, it publishes `{ entityRef }` on
 * `DR_CATALOG_CHANGES_TOPIC` through the events service. What was last seen is kept in the
 * processor cache of each entity (stored by the catalog with the entity's refresh state), so an
 * unchanged entity publishes nothing however often it is processed, across restarts. It never
 * changes the entity.
 *
 * @public
 */
export class DisasterRecoveryChangesProcessor implements CatalogProcessor {
  constructor(private readonly options: { events: EventsService }) {}

  getProcessorName(): string {
    return 'DisasterRecoveryChangesProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    _emit: CatalogProcessorEmit,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    const now = fingerprint(entity);
    const before = await cache.get<string>(CACHE_KEY);
    if (now !== undefined) {
      // The cache keeps only what is set in each pass: set it again even when unchanged.
      await cache.set(CACHE_KEY, now);
    }
    if (now !== before) {
      const eventPayload: DrCatalogChangeEventPayload = {
        entityRef: stringifyEntityRef(entity),
      };
      await this.options.events.publish({
        topic: DR_CATALOG_CHANGES_TOPIC,
        eventPayload,
      });
    }
    return entity;
  }
}
