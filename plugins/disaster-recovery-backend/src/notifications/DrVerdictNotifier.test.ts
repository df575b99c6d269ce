import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  DrServiceRecord,
  DrVerdict,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrStatusStore } from '../database/DrStatusStore';
import { DrVerdictNotifier } from './DrVerdictNotifier';
import { NotificationStateStore } from './NotificationStateStore';

// PostgreSQL when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a server
// (scripts/test.sh starts one); never through Docker. Without it the PostgreSQL tests are skipped.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15'],
  disableDocker: true,
});

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function record(
  name: string,
  verdict: DrVerdict,
  extra: Partial<DrServiceRecord> = {},
): DrServiceRecord {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    owner: 'group:default/payments-team',
    tier: 'tier-1',
    tierRank: 1,
    verdict,
    firstReason:
      verdict === 'compliant' ? undefined : `${name} has a ${verdict} reason.`,
    rpoSeconds: 3600,
    achievedRpoSeconds: 7200,
    clusters: ['prod-eu'],
    updatedAt: '',
    ...extra,
  };
}

/** Records what would reach the notifications backend; can be told to fail. */
class RecordingNotifications implements NotificationService {
  sent: NotificationSendOptions[] = [];
  failing = false;
  async send(options: NotificationSendOptions) {
    if (this.failing) throw new Error('notifications backend unavailable');
    this.sent.push(options);
  }
}

describe.each(['SQLITE_3', 'POSTGRES_15'] as const)(
  'DrVerdictNotifier on %s',
  id => {
    const maybe = databases.supports(id) ? describe : describe.skip;

    async function setup() {
      const knex = await databases.init(id);
      const statuses = await DrStatusStore.create({
        getClient: async () => knex,
        migrations: { skip: false },
      });
      const notifications = new RecordingNotifications();
      const logger = mockServices.logger.mock();
      const newNotifier = () =>
        new DrVerdictNotifier({
          statuses,
          state: new NotificationStateStore(knex),
          notifications,
          logger,
          unknownDelaySeconds: 1800,
        });
      // One refresh: the records stored as DrStatusService stores them, then the notifier.
      const refresh = async (
        minutes: number,
        records: DrServiceRecord[],
        notifier = newNotifier(),
      ) => {
        const time = at(minutes).toISOString();
        await statuses.replaceAll(
          records.map(r => ({ ...r, updatedAt: time })),
          time,
        );
        return notifier.afterRefresh(at(minutes));
      };
      return { knex, statuses, notifications, logger, newNotifier, refresh };
    }

    maybe('verdict changes', () => {
      it('tells the owning group once when a service is breached, with tier severity, the first reason and the DR tab', async () => {
        const { notifications, refresh } = await setup();
        await refresh(0, [
          record('orders-api', 'breached', { tierRank: 0, tier: 'tier-0' }),
          record('billing', 'compliant'),
        ]);
        expect(notifications.sent).toEqual([
          {
            recipients: {
              type: 'entity',
              entityRef: 'group:default/payments-team',
            },
            payload: {
              title: 'orders-api is breached',
              description:
                'orders-api has a breached reason. Tier tier-0; RPO target 1h, achieved 2h',
              link: '/catalog/default/component/orders-api/disaster-recovery',
              severity: 'critical',
              topic: 'disaster-recovery',
              scope: 'disaster-recovery:verdict:component:default/orders-api',
              metadata: {
                entityRef: 'component:default/orders-api',
                verdict: 'breached',
                previousVerdict: null,
              },
            },
          },
        ]);
      });

      it('sends one notification per change over repeated refreshes, none while unchanged', async () => {
        const { notifications, refresh } = await setup();
        const steps: Array<[number, DrVerdict]> = [
          [0, 'compliant'],
          [5, 'compliant'],
          [10, 'at-risk'],
          [15, 'at-risk'],
          [20, 'breached'],
          [25, 'breached'],
          [30, 'breached'],
          [35, 'compliant'],
          [40, 'compliant'],
        ];
        for (const [minutes, verdict] of steps) {
          await refresh(minutes, [
            record('orders-db', verdict, {
              owner: 'group:default/data-team',
              tierRank: 3,
              tier: 'tier-3',
            }),
          ]);
        }
        expect(
          notifications.sent.map(n => [
            n.recipients,
            n.payload.title,
            n.payload.severity,
          ]),
        ).toEqual([
          [
            { type: 'entity', entityRef: 'group:default/data-team' },
            'orders-db is at risk (was compliant)',
            'low',
          ],
          [
            { type: 'entity', entityRef: 'group:default/data-team' },
            'orders-db is breached (was at risk)',
            'low',
          ],
          [
            { type: 'entity', entityRef: 'group:default/data-team' },
            'orders-db is compliant again (was breached)',
            'low',
          ],
        ]);
      });

      it('does not repeat a notification after a restart (a new notifier on the same database)', async () => {
        const { notifications, refresh } = await setup();
        await refresh(0, [record('orders-api', 'breached')]);
        expect(notifications.sent).toHaveLength(1);
        // Restarted backend: new instances of everything but the database.
        await refresh(5, [record('orders-api', 'breached')]);
        await refresh(10, [record('orders-api', 'breached')]);
        expect(notifications.sent).toHaveLength(1);
        await refresh(15, [record('orders-api', 'at-risk')]);
        expect(notifications.sent.map(n => n.payload.title)).toEqual([
          'orders-api is breached',
          'orders-api is at risk now (was breached)',
        ]);
      });

      it('sends once when two backend instances judge the same refresh at the same time', async () => {
        const { notifications, statuses, newNotifier } = await setup();
        for (const [minutes, verdict] of [
          [0, 'compliant'],
          [5, 'breached'],
          [10, 'compliant'],
        ] as const) {
          const time = at(minutes).toISOString();
          await statuses.replaceAll(
            [
              { ...record('orders-api', verdict), updatedAt: time },
              { ...record('payments', verdict), updatedAt: time },
            ],
            time,
          );
          await Promise.all([
            newNotifier().afterRefresh(at(minutes)),
            newNotifier().afterRefresh(at(minutes)),
          ]);
        }
        expect(notifications.sent.map(n => n.payload.title).sort()).toEqual([
          'orders-api is breached (was compliant)',
          'orders-api is compliant again (was breached)',
          'payments is breached (was compliant)',
          'payments is compliant again (was breached)',
        ]);
      });

      it('tells about unknown only after unknownDelaySeconds, and nothing when the verdict comes back first', async () => {
        const { notifications, refresh } = await setup();
        await refresh(0, [record('orders-api', 'compliant')]);
        await refresh(5, [record('orders-api', 'unknown')]);
        await refresh(20, [record('orders-api', 'unknown')]);
        await refresh(25, [record('orders-api', 'compliant')]);
        expect(notifications.sent).toEqual([]);
        await refresh(30, [record('orders-api', 'unknown')]);
        await refresh(55, [record('orders-api', 'unknown')]);
        expect(notifications.sent).toEqual([]);
        await refresh(60, [record('orders-api', 'unknown')]);
        await refresh(65, [record('orders-api', 'unknown')]);
        expect(notifications.sent.map(n => n.payload.title)).toEqual([
          'orders-api: DR status unknown for 30m (was compliant)',
        ]);
        await refresh(70, [record('orders-api', 'compliant')]);
        expect(notifications.sent.map(n => n.payload.title)).toEqual([
          'orders-api: DR status unknown for 30m (was compliant)',
          'orders-api is compliant again (was unknown)',
        ]);
      });

      it('tells alsoNotify besides the owner', async () => {
        const { notifications, statuses, knex, logger } = await setup();
        const time = at(0).toISOString();
        await statuses.replaceAll(
          [{ ...record('orders-api', 'at-risk'), updatedAt: time }],
          time,
        );
        await new DrVerdictNotifier({
          statuses,
          state: new NotificationStateStore(knex),
          notifications,
          logger,
          unknownDelaySeconds: 1800,
          alsoNotify: ['group:default/platform-team'],
        }).afterRefresh(at(0));
        expect(notifications.sent.map(n => n.recipients)).toEqual([
          {
            type: 'entity',
            entityRef: [
              'group:default/payments-team',
              'group:default/platform-team',
            ],
          },
        ]);
      });

      it('leaves out services without an owner and invalid or undeclared ones', async () => {
        const { notifications, refresh } = await setup();
        await refresh(0, [
          record('lonely', 'breached', { owner: undefined }),
          record('bad', 'invalid'),
          record('plain', 'undeclared'),
        ]);
        expect(notifications.sent).toEqual([]);
      });

      it('logs a failed notification without throwing, and sends it after the next refresh', async () => {
        const { notifications, refresh, logger } = await setup();
        await refresh(0, [record('orders-api', 'compliant')]);
        notifications.failing = true;
        await expect(
          refresh(5, [record('orders-api', 'breached')]),
        ).resolves.toBe(0);
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringContaining(
            'DR verdict notification for component:default/orders-api (compliant → breached) not sent: notifications backend unavailable',
          ),
        );
        notifications.failing = false;
        await refresh(10, [record('orders-api', 'breached')]);
        await refresh(15, [record('orders-api', 'breached')]);
        expect(notifications.sent.map(n => n.payload.title)).toEqual([
          'orders-api is breached (was compliant)',
        ]);
      });

      it('sends a digest per owner of the services still breached, most critical tier first', async () => {
        const { notifications, refresh, newNotifier } = await setup();
        await refresh(0, [
          record('orders-api', 'breached', { tierRank: 2, tier: 'tier-2' }),
          record('payments', 'breached', { tierRank: 0, tier: 'tier-0' }),
          record('billing', 'compliant'),
          record('search', 'breached', { owner: 'group:default/web-team' }),
        ]);
        notifications.sent = [];
        expect(await newNotifier().sendDigest()).toBe(2);
        expect(
          notifications.sent.map(n => ({
            to: n.recipients,
            title: n.payload.title,
            description: n.payload.description,
            severity: n.payload.severity,
          })),
        ).toEqual([
          {
            to: { type: 'entity', entityRef: 'group:default/payments-team' },
            title: '2 services are still breached',
            description:
              'payments (tier-0): payments has a breached reason.\norders-api (tier-2): orders-api has a breached reason.',
            severity: 'critical',
          },
          {
            to: { type: 'entity', entityRef: 'group:default/web-team' },
            title: '1 service is still breached',
            description: 'search (tier-1): search has a breached reason.',
            severity: 'high',
          },
        ]);
      });
    });
  },
);
