// @ts-check

/**
 * The verdict change notifications: per service, the verdict its owner was last told about and
 * the verdict the last refresh saw (with since when), so that every change is notified once,
 * across restarts and whichever backend instance runs the refresh (a compare-and-set on
 * `notified_verdict` decides which instance sends).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('dr_notification_state', table => {
    table.comment(
      'Per service: the verdict last notified to its owner and the verdict last seen',
    );
    table
      .string('entity_ref')
      .primary()
      .comment('the service, as in dr_service_status.entity_ref');
    table
      .string('notified_verdict')
      .nullable()
      .comment(
        'the verdict last notified (or taken as the baseline); null: none yet',
      );
    table.string('notified_at').nullable().comment('RFC 3339');
    table
      .string('observed_verdict')
      .notNullable()
      .comment('the verdict of the last refresh');
    table
      .string('observed_since')
      .notNullable()
      .comment('RFC 3339: the first refresh that saw observed_verdict');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dr_notification_state');
};
