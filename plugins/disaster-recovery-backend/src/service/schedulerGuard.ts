import {
  AuthService,
  HttpAuthService,
  PermissionsService,
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { drStatusRefreshPermission } from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import Router from 'express-promise-router';

/**
 * A router that refuses users the scheduler's task routes of this plugin unless they may
 * refresh the DR status.
 *
 * Backstage's scheduler serves `POST /.backstage/scheduler/v1/tasks/:id/trigger` and
 * `.../cancel` under every plugin that schedules tasks, and checks no permission there
 * (backstage/backstage#30049): any signed-in user could start or cancel the DR refresh. Users
 * (principal type `user`) need `disaster-recovery.status.refresh` there; 403 otherwise. Services
 * (other backends, static tokens) pass as before. Listing the tasks is left alone.
 */
export function createSchedulerRouteGuard(options: {
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}): express.Router {
  const { auth, httpAuth, permissions } = options;
  const router = Router();
  router.post(
    /^\/\.backstage\/scheduler\/v1\/tasks\/[^/]+\/(trigger|cancel)\/?$/,
    async (req, _res, next) => {
      const credentials = await httpAuth.credentials(req);
      if (auth.isPrincipal(credentials, 'user')) {
        const [decision] = await permissions.authorize(
          [{ permission: drStatusRefreshPermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            'You may not trigger or cancel the DR refresh task: it needs the disaster-recovery.status.refresh permission',
          );
        }
      }
      next();
    },
  );
  return router;
}

/**
 * Guards the scheduler's task routes of the `disaster-recovery` plugin (see
 * `createSchedulerRouteGuard`). Part of the package's default export, so that
 * `backend.add(import('@backstage-dr/plugin-disaster-recovery-backend'))` installs it: a module
 * initialises before its plugin, so its router is mounted before the one the scheduler adds when
 * the plugin asks for it.
 *
 * @public
 */
export const disasterRecoveryModuleSchedulerGuard = createBackendModule({
  pluginId: 'disaster-recovery',
  moduleId: 'scheduler-guard',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
      },
      async init({ auth, httpAuth, httpRouter, permissions }) {
        httpRouter.use(
          createSchedulerRouteGuard({ auth, httpAuth, permissions }),
        );
      },
    });
  },
});
