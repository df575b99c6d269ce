// @ts-check

/**
 * The DR backend's tables: the last good status of every service, its compliance history, and
 * the health of every cluster.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dr_service_status', table => {
    table.comment(
      'The last good DR status of every service, one row a catalog entity',
    );
    table
      .string('entity_ref')
      .primary()
      .comment('kind:namespace/name, lower case');
    table.string('kind').notNullable();
    table.string('namespace').notNullable();
    table.string('name').notNullable();
    table.string('title').nullable();
    table.string('owner').nullable().comment('entity ref of the owner');
    table.string('system').nullable();
    table.string('tier').nullable();
    table.integer('tier_rank').nullable().comment('0 = most critical');
    table.string('strategy').nullable();
    table.string('verdict').notNullable();
    table.text('first_reason').nullable();
    table.bigInteger('rpo_seconds').nullable();
    table.bigInteger('achieved_rpo_seconds').nullable();
    table.bigInteger('rto_seconds').nullable();
    table.bigInteger('measured_rto_seconds').nullable();
    table.string('last_drill_at').nullable().comment('RFC 3339');
    table
      .string('oldest_point_at')
      .nullable()
      .comment('RFC 3339, newest counted recovery point');
    table
      .string('clusters')
      .nullable()
      .comment('comma-separated cluster names');
    table
      .text('status')
      .notNullable()
      .comment('JSON: DrStatus, or the declaration problems');
    table.string('updated_at').notNullable().comment('RFC 3339');
    table.index(['verdict'], 'dr_service_status_verdict_idx');
    table.index(['tier_rank'], 'dr_service_status_tier_idx');
    table.index(['owner'], 'dr_service_status_owner_idx');
  });
  await knex.schema.createTable('dr_status_history', table => {
    table.comment(
      'Compliance of every service at every refresh, compacted to hourly after a day and daily after a week',
    );
    table.bigIncrements('id').primary();
    table.string('entity_ref').notNullable();
    table.string('recorded_at').notNullable().comment('RFC 3339');
    table.string('resolution').notNullable().comment('refresh | hour | day');
    table.string('verdict').notNullable();
    table.bigInteger('achieved_rpo_seconds').nullable();
    table.index(['entity_ref', 'recorded_at'], 'dr_status_history_entity_idx');
    table.index(['recorded_at'], 'dr_status_history_time_idx');
  });
  await knex.schema.createTable('dr_cluster_health', table => {
    table.comment('The health of every cluster as the last refresh saw it');
    table.string('cluster').primary();
    table.text('health').notNullable().comment('JSON: DrClusterHealth');
    table.string('updated_at').notNullable().comment('RFC 3339');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dr_cluster_health');
  await knex.schema.dropTable('dr_status_history');
  await knex.schema.dropTable('dr_service_status');
};
