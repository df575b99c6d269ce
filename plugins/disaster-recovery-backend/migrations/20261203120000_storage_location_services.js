// @ts-check

/**
 * Which services back up to each BackupStorageLocation, as the last refresh saw them, so that
 * `GET /clusters` counts only the services the caller may read. Filled by the next refresh.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dr_storage_location_service', table => {
    table.comment(
      'One row per service and BackupStorageLocation its recovery points use, at the last refresh',
    );
    table.string('cluster').notNullable();
    table.string('name').notNullable().comment('the location’s metadata.name');
    table
      .string('entity_ref')
      .notNullable()
      .comment('the service, as in dr_service_status.entity_ref');
    table.primary(['cluster', 'name', 'entity_ref']);
    table.index(['entity_ref'], 'dr_storage_location_service_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dr_storage_location_service');
};
