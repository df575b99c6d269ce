export interface Config {
  disasterRecovery?: {
    /** How the catalog module reports bad DR declarations. */
    catalog?: {
      /**
       * `status` (default): each problem is a processing error on the entity's status, shown on
       * its page, and the entity stays in the catalog unchanged. `fail`: each problem is emitted
       * as a processing error, which fails the entity's processing: the catalog keeps its last
       * good version (a new entity does not appear) and lists it as failed in the
       * unprocessed-entities view.
       */
      problemReporting?: 'status' | 'fail';
    };
  };
}
