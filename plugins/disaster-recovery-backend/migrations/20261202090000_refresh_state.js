// @ts-check

/**
 * The state of the DR refresh, shared by every backend instance: when the refresh that runs (or
 * ran last) started and ended, and when a refresh was last asked for (`POST /refresh`, a run
 * that ended, a catalog change). A refresh that ends finds a request newer than its own start
 * and runs again, whichever instance asked.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dr_refresh_state', table => {
    table.comment('One row: the state of the scheduled DR refresh');
    table.string('id').primary().comment('always "refresh"');
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table
      .timestamp('requested_at', { useTz: true })
      .nullable()
      .comment('the newest request for a refresh');
    table
      .integer('services')
      .nullable()
      .comment('services judged by the last refresh that ended');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dr_refresh_state');
};
