import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { RefreshStateStore } from '../database/RefreshStateStore';

/**
 * The answer to a request for a refresh.
 *
 * @public
 */
export interface DrRefreshRequestResult {
  /**
   * `started`: a refresh starts now. `running`: a refresh already runs (since `startedAt`); one
   * more runs right after it, so that what changed before the request is judged.
   */
  state: 'started' | 'running';
  /** RFC 3339: when the running refresh started (`running` only). */
  startedAt?: string;
}

/** How often a refresh that ends finds newer requests and runs again before it hands over. */
const MAX_PASSES = 5;

/**
 * Runs the scheduled refresh task and coalesces requests for a refresh across backend
 * instances (state in `dr_refresh_state`):
 *
 * - A request (`POST /refresh`, a run that ended, a DR-relevant catalog change) is recorded and
 *   triggers the task. While a refresh runs, the scheduler refuses the trigger (409); the refresh
 *   then finds the newer request when it ends and runs once more, whichever instance runs it. A
 *   timer checks again shortly after, for the instant between a refresh's last check and its end.
 * - DR-relevant catalog changes ask for a refresh through `requestSoon`, a few seconds after the
 *   first change of a burst.
 * - The first refresh after start waits for the catalog: while no refresh has found a declared
 *   service yet (the catalog is still loading its locations), a refresh that finds none asks
 *   for another after `emptyCatalogRetryMs`, up to `emptyCatalogRetries` times; the schedule
 *   takes over after that.
 */
export class RefreshCoordinator {
  private retryTimer?: ReturnType<typeof setTimeout>;
  private emptyTimer?: ReturnType<typeof setTimeout>;
  private changeTimer?: ReturnType<typeof setTimeout>;
  private emptyRetriesLeft: number;
  private foundServices = false;
  private stopped = false;

  constructor(
    private readonly options: {
      state: RefreshStateStore;
      scheduler: SchedulerService;
      /** The id the refresh task is scheduled with. */
      taskId: string;
      /** One refresh; resolves with how many services it judged. */
      refresh: () => Promise<{ services: number }>;
      logger: LoggerService;
      /** Milliseconds before a refresh that found no service asks again (default 15 000). */
      emptyCatalogRetryMs?: number;
      /** How many times at most (default 20, 5 minutes with the default wait). */
      emptyCatalogRetries?: number;
      /** Milliseconds before a refused request is checked again (default 5 000). */
      retryMs?: number;
      /**
       * Milliseconds `requestSoon` waits for more changes before it asks (default 5 000): the
       * catalog processes entities in batches, and one refresh judges them all.
       */
      changeDebounceMs?: number;
    },
  ) {
    this.emptyRetriesLeft = options.emptyCatalogRetries ?? 20;
  }

  /** The scheduled task's function: one refresh, and more while newer requests wait. */
  async run(): Promise<void> {
    const { state, refresh, logger } = this.options;
    for (let pass = 1; ; pass++) {
      const startedAt = new Date();
      await state.markStarted(startedAt);
      let services: number | undefined;
      try {
        services = (await refresh()).services;
      } finally {
        await state.markEnded(new Date(), services);
      }
      this.afterRefresh(services);
      const { requestedAt } = await state.get();
      if (!requestedAt || requestedAt <= startedAt.toISOString()) return;
      if (pass >= MAX_PASSES) {
        this.checkSoon();
        return;
      }
      logger.info(
        `DR refresh asked for at ${requestedAt}, while the refresh that started at ${startedAt.toISOString()} ran: refreshing again`,
      );
    }
  }

  /**
   * Asks for a refresh now.
   *
   * @throws Error when the request cannot be recorded (database) or the scheduler fails other
   *   than by refusing a trigger while the task runs.
   */
  async request(): Promise<DrRefreshRequestResult> {
    await this.options.state.markRequested(new Date());
    if (await this.trigger()) {
      return { state: 'started' };
    }
    this.checkSoon();
    const { startedAt } = await this.options.state.get();
    return { state: 'running', startedAt };
  }

  /**
   * Asks for a refresh a little later (`changeDebounceMs`), once for every call made meanwhile:
   * for catalog changes (`DR_CATALOG_CHANGES_TOPIC`), which come in bursts. Errors are logged.
   */
  requestSoon(): void {
    if (this.stopped || this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.request().catch(error =>
        this.options.logger.warn(
          `DR refresh after catalog changes could not be asked for: ${error}`,
        ),
      );
    }, this.options.changeDebounceMs ?? 5000);
    this.changeTimer.unref?.();
  }

  /** Stops the timers (backend shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.emptyTimer);
    clearTimeout(this.changeTimer);
  }

  // True when the task was triggered, false when the scheduler refused because it runs.
  private async trigger(): Promise<boolean> {
    try {
      await this.options.scheduler.triggerTask(this.options.taskId);
      return true;
    } catch (error) {
      // The scheduler answers ConflictError ("Task ... is currently running") while it runs.
      if (isError(error) && error.name === 'ConflictError') return false;
      throw error;
    }
  }

  // Checks after a while that a refresh started after the newest request; triggers one if not.
  private checkSoon(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.checkPending().catch(error =>
        this.options.logger.warn(
          `DR refresh: a pending request could not be checked: ${error}`,
        ),
      );
    }, this.options.retryMs ?? 5000);
    this.retryTimer.unref?.();
  }

  private async checkPending(): Promise<void> {
    if (this.stopped) return;
    const { requestedAt, startedAt } = await this.options.state.get();
    if (!requestedAt || (startedAt && startedAt >= requestedAt)) return;
    if (!(await this.trigger())) this.checkSoon();
  }

  private afterRefresh(services: number | undefined): void {
    if (services === undefined || this.foundServices || this.stopped) return;
    if (services > 0) {
      this.foundServices = true;
      return;
    }
    if (this.emptyRetriesLeft <= 0) return;
    this.emptyRetriesLeft -= 1;
    const waitMs = this.options.emptyCatalogRetryMs ?? 15_000;
    this.options.logger.info(
      `DR refresh found no declared service in the catalog (still loading?): refreshing again in ${
        waitMs / 1000
      } s`,
    );
    clearTimeout(this.emptyTimer);
    this.emptyTimer = setTimeout(() => {
      this.request().catch(error =>
        this.options.logger.warn(`DR refresh could not be asked for: ${error}`),
      );
    }, waitMs);
    this.emptyTimer.unref?.();
  }
}
