// @ts-check

/**
 * Drill, failover and failback runs: one row a run with its steps, and one lock row per entity
 * with an active run, so that the database itself refuses a second active run of an entity (the
 * lock's primary key), whichever backend instance asks. A run is executed by the instance that
 * holds its lease (`lease_owner` until `lease_expires_at`).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dr_run', table => {
    table.comment('Drill, failover and failback runs of catalog entities');
    table.string('id').primary();
    table.string('type').notNullable().comment('drill | failover | failback');
    table.string('entity_ref').notNullable();
    table
      .string('state')
      .notNullable()
      .comment(
        'pending | running | waiting | cancelling | completed | failed | cancelled',
      );
    table.string('strategy').notNullable();
    table.string('from_cluster').notNullable();
    table.string('to_cluster').notNullable();
    table.text('options').notNullable().comment('JSON: DrRunOptions');
    table
      .bigInteger('data_loss_window_seconds')
      .nullable()
      .comment('now − newest counted recovery point when the run was created');
    table.string('created_by').notNullable().comment('entity ref of the user');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('ended_at', { useTz: true }).nullable();
    table
      .timestamp('verified_at', { useTz: true })
      .nullable()
      .comment('end of scale-up-and-verify');
    table.bigInteger('measured_rto_seconds').nullable();
    table.string('traffic_confirmed_by').nullable();
    table.timestamp('traffic_confirmed_at', { useTz: true }).nullable();
    table.string('drill_namespace').nullable();
    table.text('error').nullable();
    table.text('steps').notNullable().comment('JSON: DrRunStep[]');
    table
      .timestamp('promote_started_at', { useTz: true })
      .nullable()
      .comment('when the first step after the fence started: no cancel after');
    table.string('cancel_requested_by').nullable();
    table
      .string('lease_owner')
      .nullable()
      .comment('the backend instance executing the run');
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['entity_ref', 'created_at'], 'dr_run_entity_idx');
    table.index(['state', 'lease_expires_at'], 'dr_run_state_idx');
  });
  await knex.schema.createTable('dr_run_lock', table => {
    table.comment(
      'One row per entity with an active run: the primary key allows one active run an entity',
    );
    table.string('entity_ref').primary();
    table
      .string('run_id')
      .notNullable()
      .references('id')
      .inTable('dr_run')
      .onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dr_run_lock');
  await knex.schema.dropTable('dr_run');
};
