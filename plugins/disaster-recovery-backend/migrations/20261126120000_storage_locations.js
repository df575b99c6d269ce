// @ts-check

/**
 * The BackupStorageLocations the services back up to, as the last refresh saw them, for the
 * overview's clusters panel.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dr_storage_location', table => {
    table.comment(
      'Velero BackupStorageLocations used by at least one service at the last refresh',
    );
    table.string('cluster').notNullable();
    table.string('name').notNullable();
    table
      .string('phase')
      .notNullable()
      .comment('Available | Unavailable | Unknown');
    table.text('message').nullable();
    table
      .string('last_validation_time')
      .nullable()
      .comment('RFC 3339, status.lastValidationTime');
    table
      .integer('services')
      .notNullable()
      .comment('services whose recovery points use it');
    table.primary(['cluster', 'name']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dr_storage_location');
};
