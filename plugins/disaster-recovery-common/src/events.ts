/**
 * The events topic on which the DR catalog module announces that an entity's DR-relevant parts
 * changed (its `disaster-recovery/*` and Kubernetes annotations, owner, type or title, or the
 * entity is new to the catalog). The DR backend subscribes to it and asks for a refresh, so a new
 * or changed service is judged within a minute instead of at the next scheduled refresh.
 * Published through Backstage's events service (`@backstage/plugin-events-node`); across backend
 * instances when the app runs the events backend with a shared bus.
 *
 * @public
 */
export const DR_CATALOG_CHANGES_TOPIC = 'disaster-recovery.catalog-changes';

/**
 * The payload of an event on {@link DR_CATALOG_CHANGES_TOPIC}.
 *
 * @public
 */
export interface DrCatalogChangeEventPayload {
  /** The entity that changed, e.g. `component:default/orders-db`. */
  entityRef: string;
}
