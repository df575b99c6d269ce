import {
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import { LocalPermissionPolicy } from './permissionPolicy';

const membership: Record<string, string[]> = {
  'user:default/guest': ['user:default/guest', 'group:default/platform-team'],
  'user:default/amara.okafor': [
    'user:default/amara.okafor',
    'group:default/payments-team',
  ],
};

const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const { userEntityRef } = (
      credentials as BackstageCredentials<BackstageUserPrincipal>
    ).principal;
    return { userEntityRef, ownershipEntityRefs: membership[userEntityRef] };
  },
};

function user(userEntityRef: string) {
  const credentials: BackstageCredentials<BackstageUserPrincipal> = {
    $$type: '@backstage/BackstageCredentials',
    principal: { type: 'user', userEntityRef },
  };
  return {
    credentials,
    info: { userEntityRef, ownershipEntityRefs: membership[userEntityRef] },
  };
}

const details = createPermission({
  name: 'disaster-recovery.clusters.details',
  attributes: { action: 'read' },
});
const refresh = createPermission({
  name: 'disaster-recovery.status.refresh',
  attributes: { action: 'update' },
});

describe('LocalPermissionPolicy', () => {
  const policy = new LocalPermissionPolicy(userInfo);

  it('lets only platform engineers see why clusters could not be read', async () => {
    expect(
      await policy.handle({ permission: details }, user('user:default/guest')),
    ).toEqual({ result: AuthorizeResult.ALLOW });
    expect(
      await policy.handle(
        { permission: details },
        user('user:default/amara.okafor'),
      ),
    ).toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows backend services and every other permission, as a local app does', async () => {
    expect(await policy.handle({ permission: details })).toEqual({
      result: AuthorizeResult.ALLOW,
    });
    expect(
      await policy.handle(
        { permission: refresh },
        user('user:default/amara.okafor'),
      ),
    ).toEqual({ result: AuthorizeResult.ALLOW });
  });
});
