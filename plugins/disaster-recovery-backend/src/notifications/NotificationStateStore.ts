import { Knex } from 'knex';

/**
 * One row of `dr_notification_state`: what a service's owner was last told, and what the last
 * refresh saw. Times are RFC 3339.
 */
export interface DrNotificationState {
  entityRef: string;
  /** The verdict last notified (or taken as the baseline); undefined: none yet. */
  notifiedVerdict?: string;
  notifiedAt?: string;
  /** The verdict of the last refresh, and the first refresh that saw it. */
  observedVerdict: string;
  observedSince: string;
}

type Row = {
  entity_ref: string;
  notified_verdict: string | null;
  notified_at: string | null;
  observed_verdict: string;
  observed_since: string;
};

const CHUNK = 500;

/**
 * Reads and writes `dr_notification_state` (created by the plugin's migrations). Every write that
 * decides whether a notification is sent is a compare-and-set, so that two backend instances
 * judging the same refresh never both send.
 */
export class NotificationStateStore {
  constructor(private readonly knex: Knex) {}

  /** Every row, by entity ref. */
  async all(): Promise<Map<string, DrNotificationState>> {
    const rows: Row[] = await this.knex('dr_notification_state').select();
    return new Map(
      rows.map(r => [
        r.entity_ref,
        {
          entityRef: r.entity_ref,
          notifiedVerdict: r.notified_verdict ?? undefined,
          notifiedAt: r.notified_at ?? undefined,
          observedVerdict: r.observed_verdict,
          observedSince: r.observed_since,
        },
      ]),
    );
  }

  /** Adds rows for services seen for the first time; rows that exist are left as they are. */
  async addNew(
    states: Array<{ entityRef: string; verdict: string; since: string }>,
  ): Promise<void> {
    for (let i = 0; i < states.length; i += CHUNK) {
      await this.knex('dr_notification_state')
        .insert(
          states.slice(i, i + CHUNK).map(s => ({
            entity_ref: s.entityRef,
            notified_verdict: null,
            notified_at: null,
            observed_verdict: s.verdict,
            observed_since: s.since,
          })),
        )
        .onConflict('entity_ref')
        .ignore();
    }
  }

  /** Records a newly observed verdict, unless another instance recorded a change first. */
  async observe(
    entityRef: string,
    previous: string,
    verdict: string,
    since: string,
  ): Promise<void> {
    await this.knex('dr_notification_state')
      .where({ entity_ref: entityRef, observed_verdict: previous })
      .update({ observed_verdict: verdict, observed_since: since });
  }

  /**
   * Compare-and-set of the notified verdict: sets it to `next` only when it is still `expected`
   * (undefined: none yet).
   *
   * @returns whether this call made the change (and so owns the notification)
   */
  async claim(
    entityRef: string,
    expected: string | undefined,
    next: string | undefined,
    at: string | undefined,
  ): Promise<boolean> {
    const query = this.knex('dr_notification_state').where({
      entity_ref: entityRef,
    });
    if (expected === undefined) {
      query.whereNull('notified_verdict');
    } else {
      query.where({ notified_verdict: expected });
    }
    const changed = await query.update({
      notified_verdict: next ?? null,
      notified_at: at ?? null,
    });
    return Number(changed) === 1;
  }

  /** Removes the rows of services no longer stored. */
  async removeExcept(entityRefs: ReadonlySet<string>): Promise<number> {
    const existing: Array<{ entity_ref: string }> = await this.knex(
      'dr_notification_state',
    ).select('entity_ref');
    const gone = existing
      .map(r => r.entity_ref)
      .filter(ref => !entityRefs.has(ref));
    for (let i = 0; i < gone.length; i += CHUNK) {
      await this.knex('dr_notification_state')
        .whereIn('entity_ref', gone.slice(i, i + CHUNK))
        .delete();
    }
    return gone.length;
  }
}
