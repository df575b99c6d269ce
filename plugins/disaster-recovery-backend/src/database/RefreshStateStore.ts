import { Knex } from 'knex';
import { readTime } from './time';

const ROW_ID = 'refresh';

/**
 * The state of the DR refresh as every backend instance sees it (table `dr_refresh_state`).
 * Times are RFC 3339 (UTC).
 */
export interface DrRefreshState {
  /** Whether a refresh runs now: started and not ended since. */
  running: boolean;
  /** When the running refresh (or the last one) started. */
  startedAt?: string;
  /** When the last refresh ended. */
  endedAt?: string;
  /** The newest request for a refresh. */
  requestedAt?: string;
  /** How many services the last refresh that ended judged. */
  services?: number;
}

/** Reads and writes the one row of `dr_refresh_state` (created by the plugin's migrations). */
export class RefreshStateStore {
  constructor(private readonly knex: Knex) {}

  /** The current state; nothing set before the first refresh. */
  async get(): Promise<DrRefreshState> {
    const row = await this.knex('dr_refresh_state')
      .where({ id: ROW_ID })
      .first();
    const startedAt = readTime(row?.started_at);
    const endedAt = readTime(row?.ended_at);
    return {
      running: startedAt !== undefined && (!endedAt || endedAt < startedAt),
      startedAt,
      endedAt,
      requestedAt: readTime(row?.requested_at),
      services:
        row?.services === null || row?.services === undefined
          ? undefined
          : Number(row.services),
    };
  }

  /** Records that a refresh starts at `time`. */
  markStarted(time: Date): Promise<void> {
    return this.upsert({ started_at: time });
  }

  /** Records that the refresh ended at `time`, having judged `services` (undefined: it failed). */
  markEnded(time: Date, services: number | undefined): Promise<void> {
    return this.upsert({
      ended_at: time,
      ...(services === undefined ? {} : { services }),
    });
  }

  /** Records a request for a refresh at `time`. */
  markRequested(time: Date): Promise<void> {
    return this.upsert({ requested_at: time });
  }

  private async upsert(values: Record<string, unknown>): Promise<void> {
    await this.knex('dr_refresh_state')
      .insert({ id: ROW_ID, ...values })
      .onConflict('id')
      .merge(Object.keys(values));
  }
}
