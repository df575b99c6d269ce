import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { notificationService } from '@backstage/plugin-notifications-node';
import {
  DR_CATALOG_CHANGES_TOPIC,
  TierPolicies,
} from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DrStatusProvider,
  drStatusProvidersExtensionPoint,
} from '@backstage-dr/plugin-disaster-recovery-node';
import { DrRunStore } from './database/DrRunStore';
import { DrStatusStore } from './database/DrStatusStore';
import { RefreshStateStore } from './database/RefreshStateStore';
import { KubernetesProxyClient } from './kubernetes/KubernetesProxyClient';
import { RunExecutor } from './runs/RunExecutor';
import { RunService, readRunInputs } from './runs/RunService';
import { readRunsConfig } from './runs/config';
import { drRunStepsServiceRef } from './runs/runStepsServiceRef';
import { DrStatusService } from './service/DrStatusService';
import { RefreshCoordinator } from './service/RefreshCoordinator';
import { REFRESH_TASK_ID, createRouter } from './service/router';
import { DrMetrics } from './metrics/DrMetrics';
import { readMetricsConfig } from './metrics/config';
import { DrVerdictNotifier } from './notifications/DrVerdictNotifier';
import { NotificationStateStore } from './notifications/NotificationStateStore';
import { readNotificationsConfig } from './notifications/config';

/** `disasterRecovery.refresh.backupsKeptPerService`: a whole number, at least 1 (default 10). */
function readBackupsKept(config: Config | undefined): number {
  const value = config?.getOptionalNumber('backupsKeptPerService') ?? 10;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `disasterRecovery.refresh.backupsKeptPerService: ${value} is not a whole number of at least 1`,
    );
  }
  return value;
}

/**
 * The DR backend plugin (`disaster-recovery`): refreshes the DR status of every service from the
 * clusters of the Kubernetes plugin on a schedule (`disasterRecovery.refresh.schedule`, default
 * every 5 minutes), keeps it in its database, and serves it over HTTP (see `createRouter`).
 * Status providers come from modules on `drStatusProvidersExtensionPoint`. Drills, failovers and
 * failbacks are runs in its database, executed by a loop in every backend instance (each run by
 * the instance holding its lease).
 *
 * @public
 */
export const disasterRecoveryPlugin = createBackendPlugin({
  pluginId: 'disaster-recovery',
  register(env) {
    const providers: DrStatusProvider[] = [];
    env.registerExtensionPoint(drStatusProvidersExtensionPoint, {
      addStatusProvider(...added) {
        for (const p of added) {
          if (providers.some(existing => existing.id === p.id)) {
            throw new Error(`DR status provider '${p.id}' is added twice`);
          }
          providers.push(p);
        }
      },
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        runSteps: drRunStepsServiceRef,
        events: eventsServiceRef,
        metrics: metricsServiceRef,
        notifications: notificationService,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        discovery,
        auth,
        httpAuth,
        httpRouter,
        permissions,
        auditor,
        lifecycle,
        catalog,
        runSteps,
        events,
        metrics,
        notifications,
      }) {
        const refreshConfig = config.getOptionalConfig(
          'disasterRecovery.refresh',
        );
        const runsConfig = readRunsConfig(config);
        const store = await DrStatusStore.create(database);
        const runStore = await DrRunStore.create(database);
        const policies = TierPolicies.fromConfig(config);
        const client = new KubernetesProxyClient({
          discovery,
          auth,
          requestTimeoutMs:
            (refreshConfig?.getOptionalNumber('requestTimeoutSeconds') ?? 30) *
            1000,
          pageSize: refreshConfig?.getOptionalNumber('pageSize') ?? 500,
        });
        const service = new DrStatusService({
          catalog,
          auth,
          client,
          store,
          providers,
          policies,
          logger,
          clusterConcurrency:
            refreshConfig?.getOptionalNumber('clusterConcurrency') ?? 4,
          backupsKeptPerService: readBackupsKept(refreshConfig),
          postgresMetricsPort: config.getOptionalNumber(
            'disasterRecovery.cloudNativePg.metricsPort',
          ),
          evaluation: {
            atRiskRatio: config.getOptionalNumber(
              'disasterRecovery.atRiskRatio',
            ),
            countPartiallyFailedBackups: config.getOptionalBoolean(
              'disasterRecovery.countPartiallyFailedBackups',
            ),
            localSnapshotsSurviveClusterLoss: config.getOptionalBoolean(
              'disasterRecovery.localSnapshotsSurviveClusterLoss',
            ),
          },
          runs: runStore,
        });
        const schedule = refreshConfig?.has('schedule')
          ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
              refreshConfig.getConfig('schedule'),
            )
          : {
              frequency: { minutes: 5 },
              timeout: { minutes: 4 },
              initialDelay: { seconds: 5 },
            };
        // Metrics (disasterRecovery.metrics) and verdict change notifications
        // (disasterRecovery.notifications), after every refresh.
        const metricsConfig = readMetricsConfig(config);
        const drMetrics = metricsConfig.enabled
          ? new DrMetrics({ metrics, source: store, config: metricsConfig })
          : undefined;
        const notificationsConfig = readNotificationsConfig(config);
        const notifier = notificationsConfig.enabled
          ? new DrVerdictNotifier({
              statuses: store,
              state: new NotificationStateStore(await database.getClient()),
              notifications,
              logger: logger.child({ task: 'disaster-recovery-notifications' }),
              unknownDelaySeconds: notificationsConfig.unknownDelaySeconds,
              alsoNotify: notificationsConfig.alsoNotify,
            })
          : undefined;
        if (notifier && notificationsConfig.digest.enabled) {
          await scheduler.scheduleTask({
            id: 'disaster-recovery-notifications-digest',
            ...notificationsConfig.digest.schedule,
            fn: async () => {
              await notifier.sendDigest();
            },
          });
        }
        const refresher = new RefreshCoordinator({
          state: new RefreshStateStore(await database.getClient()),
          scheduler,
          taskId: REFRESH_TASK_ID,
          refresh: async () => {
            const started = Date.now();
            let summary;
            try {
              summary = await service.refresh();
            } catch (error) {
              drMetrics?.recordRefreshFailure(Date.now() - started);
              throw error;
            }
            // Metrics and notifications never fail the refresh: their errors are logged.
            await drMetrics?.recordRefresh(summary).catch(error => {
              logger.warn(`DR refresh metrics not recorded: ${error}`);
            });
            await notifier?.afterRefresh();
            return summary;
          },
          logger,
        });
        lifecycle.addShutdownHook(() => refresher.stop());
        // A new or changed DR entity (announced by the DR catalog module): judge it soon.
        await events.subscribe({
          id: 'disaster-recovery-catalog-changes',
          topics: [DR_CATALOG_CHANGES_TOPIC],
          onEvent: async () => refresher.requestSoon(),
        });
        await scheduler.scheduleTask({
          id: REFRESH_TASK_ID,
          ...schedule,
          fn: () => refresher.run(),
        });

        const { leaseSeconds, ...limits } = runsConfig;
        const executor = new RunExecutor({
          store: runStore,
          steps: runSteps.steps,
          kube: runSteps.kube,
          inputs: run =>
            readRunInputs(
              { catalog, auth, policies, statusStore: store },
              run.entityRef,
            ),
          limits,
          leaseMs: leaseSeconds * 1000,
          pollIntervalMs: limits.pollIntervalMs,
          logger: logger.child({ task: 'disaster-recovery-runs' }),
          auditor,
          // A completed run is drill evidence and may move the active cluster: judge again.
          onRunEnded: () => {
            refresher.request().catch(error => {
              logger.warn(`DR refresh after a run not asked for: ${error}`);
            });
          },
        });
        const runs = new RunService({
          runs: runStore,
          statusStore: store,
          catalog,
          auth,
          policies,
          steps: runSteps.steps,
          kube: runSteps.kube,
          limits,
          onChange: id => executor.wake(id),
        });
        lifecycle.addStartupHook(() => executor.start());
        lifecycle.addShutdownHook(() => executor.stop());

        httpRouter.use(
          await createRouter({
            store,
            httpAuth,
            permissions,
            catalog,
            policies,
            refresh: () => refresher.request(),
            runs: { service: runs, store: runStore, auditor },
          }),
        );
      },
    });
  },
});
