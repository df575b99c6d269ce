// @ts-check

/**
 * The next step of each service's first reason on its own, so that the overview can show what
 * to do apart from what is wrong (`first_reason` keeps both, for the CSV export). Null until the
 * next refresh.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dr_service_status', table => {
    table
      .text('first_next_step')
      .nullable()
      .comment('what to do about the first reason of the verdict');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dr_service_status', table => {
    table.dropColumn('first_next_step');
  });
};
