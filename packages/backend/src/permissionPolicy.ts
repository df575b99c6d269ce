import {
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

/**
 * `disaster-recovery.clusters.details` (declared in `@backstage-dr/plugin-disaster-recovery-common`
 * as `drClustersDetailsPermission`): why clusters could not be read, in the API server's words.
 */
const CLUSTERS_DETAILS = 'disaster-recovery.clusters.details';

/** The groups that run the clusters (examples/org.yaml); the local guest user is in it. */
const PLATFORM_GROUPS = ['group:default/platform-team'];

/**
 * The local app's permission policy. Everything is allowed, as on a laptop nothing is worth
 * protecting, except what shows how the DR suite's permissions are meant to be held:
 * `disaster-recovery.clusters.details` only for members of a platform group (the people who run
 * the clusters and can act on an RBAC or API server error), and for backend services calling on
 * their own behalf. Replace this policy with your own before exposing the portal.
 */
export class LocalPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly platformGroups: readonly string[] = PLATFORM_GROUPS,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (request.permission.name !== CLUSTERS_DETAILS || !user) {
      return { result: AuthorizeResult.ALLOW };
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    return {
      result: ownershipEntityRefs.some(ref => this.platformGroups.includes(ref))
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    };
  }
}

/** Installs {@link LocalPermissionPolicy} as the permission backend's policy. */
export const permissionModuleLocalPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'local-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, userInfo }) {
        policy.setPolicy(new LocalPermissionPolicy(userInfo));
      },
    });
  },
});
