// @ts-check

/**
 * History compaction reads the points not yet compacted: index them by resolution and time.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dr_status_history', table => {
    table.index(
      ['resolution', 'recorded_at'],
      'dr_status_history_resolution_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dr_status_history', table => {
    table.dropIndex(
      ['resolution', 'recorded_at'],
      'dr_status_history_resolution_idx',
    );
  });
};
