import { SchedulerService } from '@backstage/backend-plugin-api';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { DrStatusStore } from '../database/DrStatusStore';
import { RefreshStateStore } from '../database/RefreshStateStore';
import { deferred, eventually } from '../runs/__testUtils__/runTestKit';
import { RefreshCoordinator } from './RefreshCoordinator';

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

// Backstage's scheduler as the coordinator sees it: a trigger starts the task in the background,
// and is refused with ConflictError while the task runs.
class FakeScheduler {
  fn?: () => Promise<void>;
  running?: Promise<void>;
  triggers = 0;
  asScheduler(): SchedulerService {
    return {
      triggerTask: async () => {
        this.triggers += 1;
        if (this.running) {
          throw new ConflictError(
            'Task disaster-recovery-refresh is currently running',
          );
        }
        this.running = this.fn!().finally(() => {
          this.running = undefined;
        });
      },
    } as unknown as SchedulerService;
  }
}

describe.each(['SQLITE_3', 'POSTGRES_15'] as const)(
  'RefreshCoordinator on %s',
  id => {
    const maybe = databases.supports(id) ? describe : describe.skip;

    async function setup(
      refresh: () => Promise<{ services: number }>,
      options: {
        emptyCatalogRetryMs?: number;
        emptyCatalogRetries?: number;
      } = {},
    ) {
      const knex = await databases.init(id);
      // The plugin's migrations, as the plugin runs them.
      await DrStatusStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      });
      const state = new RefreshStateStore(knex);
      const scheduler = new FakeScheduler();
      const coordinator = new RefreshCoordinator({
        state,
        scheduler: scheduler.asScheduler(),
        taskId: 'disaster-recovery-refresh',
        refresh,
        logger: mockServices.logger.mock(),
        retryMs: 20,
        changeDebounceMs: 20,
        ...options,
      });
      scheduler.fn = () => coordinator.run();
      return { state, scheduler, coordinator };
    }

    maybe('requests and refreshes', () => {
      it('answers a request made while a refresh runs with its start, and refreshes once more after it', async () => {
        const gates = [deferred(), deferred(), deferred()];
        let refreshes = 0;
        const { state, scheduler, coordinator } = await setup(async () => {
          await gates[refreshes++].promise;
          return { services: 3 };
        });
        try {
          expect(await coordinator.request()).toEqual({ state: 'started' });
          const running = await coordinator.request();
          expect(running.state).toBe('running');
          const current = await state.get();
          expect(current.running).toBe(true);
          expect(running.startedAt).toBe(current.startedAt);
          // Two more requests while it runs: one more refresh, not two.
          await coordinator.request();
          gates[0].resolve();
          await eventually(async () => (refreshes === 2 ? true : undefined));
          gates[1].resolve();
          await eventually(async () =>
            (await state.get()).running ? undefined : true,
          );
          await new Promise(r => setTimeout(r, 100));
          expect(refreshes).toBe(2);
          expect(await state.get()).toMatchObject({
            running: false,
            services: 3,
          });
          expect(scheduler.triggers).toBeGreaterThanOrEqual(3);
        } finally {
          coordinator.stop();
        }
      });

      it('refreshes again soon while the catalog has no declared service yet, and stops once it has', async () => {
        const found = [0, 0, 4, 4];
        let refreshes = 0;
        const { coordinator } = await setup(
          async () => ({ services: found[refreshes++] ?? 4 }),
          { emptyCatalogRetryMs: 20 },
        );
        try {
          await coordinator.request();
          await eventually(async () => (refreshes >= 3 ? true : undefined));
          await new Promise(r => setTimeout(r, 200));
          expect(refreshes).toBe(3);
        } finally {
          coordinator.stop();
        }
      });

      it('gives up the early retries after emptyCatalogRetries', async () => {
        let refreshes = 0;
        const { coordinator } = await setup(
          async () => {
            refreshes += 1;
            return { services: 0 };
          },
          { emptyCatalogRetryMs: 10, emptyCatalogRetries: 2 },
        );
        try {
          await coordinator.request();
          await eventually(async () => (refreshes >= 3 ? true : undefined));
          await new Promise(r => setTimeout(r, 200));
          expect(refreshes).toBe(3);
        } finally {
          coordinator.stop();
        }
      });

      it('asks once for a burst of catalog changes', async () => {
        let refreshes = 0;
        const { coordinator } = await setup(async () => {
          refreshes += 1;
          return { services: 1 };
        });
        try {
          for (let i = 0; i < 10; i++) coordinator.requestSoon();
          await eventually(async () => (refreshes >= 1 ? true : undefined));
          await new Promise(r => setTimeout(r, 200));
          expect(refreshes).toBe(1);
        } finally {
          coordinator.stop();
        }
      });

      it('records a failed refresh as ended, keeping the last count', async () => {
        let fail = false;
        const { state, coordinator, scheduler } = await setup(async () => {
          if (fail) throw new Error('catalog down');
          return { services: 2 };
        });
        try {
          await coordinator.request();
          await eventually(async () =>
            (await state.get()).services === 2 ? true : undefined,
          );
          await eventually(async () => (scheduler.running ? undefined : true));
          fail = true;
          await coordinator.request();
          await scheduler.running?.catch(() => undefined);
          await eventually(async () =>
            (await state.get()).running ? undefined : true,
          );
          expect(await state.get()).toMatchObject({
            running: false,
            services: 2,
          });
        } finally {
          coordinator.stop();
        }
      });
    });
  },
);
