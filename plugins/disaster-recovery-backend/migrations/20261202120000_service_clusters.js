// @ts-check

/**
 * The primary and recovery clusters of each service, so that the overview can filter by role
 * and `GET /overview/cluster-loss` can find the services of a cluster without reading every
 * status. Rows stored before this migration have them null until the next refresh.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dr_service_status', table => {
    table
      .text('primary_clusters')
      .nullable()
      .comment(
        'comma-separated: the declared primary cluster, else where the workloads serve',
      );
    table
      .string('recovery_cluster')
      .nullable()
      .comment('the declared recovery cluster');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dr_service_status', table => {
    table.dropColumn('primary_clusters');
    table.dropColumn('recovery_cluster');
  });
};
