import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { TierPolicies } from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DrStatusProvider,
  drStatusProvidersExtensionPoint,
} from '@backstage-dr/plugin-disaster-recovery-node';
import { DrStatusStore } from './database/DrStatusStore';
import { KubernetesProxyClient } from './kubernetes/KubernetesProxyClient';
import { DrStatusService } from './service/DrStatusService';
import { REFRESH_TASK_ID, createRouter } from './service/router';

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
 * Status providers come from modules on `drStatusProvidersExtensionPoint`.
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
        catalog: catalogServiceRef,
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
        catalog,
      }) {
        const refreshConfig = config.getOptionalConfig(
          'disasterRecovery.refresh',
        );
        const store = await DrStatusStore.create(database);
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
          policies: TierPolicies.fromConfig(config),
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
        await scheduler.scheduleTask({
          id: REFRESH_TASK_ID,
          ...schedule,
          fn: async () => {
            await service.refresh();
          },
        });
        httpRouter.use(
          await createRouter({
            store,
            httpAuth,
            permissions,
            catalog,
            scheduler,
          }),
        );
      },
    });
  },
});
