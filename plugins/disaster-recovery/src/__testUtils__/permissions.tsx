import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockApis } from '@backstage/test-utils';
import { ReactNode } from 'react';
import { SWRConfig } from 'swr';

/**
 * A permission API that allows every permission but those named in `denied`, and the jest mock
 * that records what was asked (`permission.name`, `resourceRef`).
 */
export function mockPermissions(denied: string[] = []) {
  const authorize = jest.fn(
    (request: { permission: { name: string }; resourceRef?: string }) =>
      denied.includes(request.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  );
  return { api: mockApis.permission({ authorize }), authorize };
}

/**
 * `usePermission` caches its answers in SWR's global cache: give each rendering its own, so that
 * a test's permissions are not those of the test before.
 */
export function FreshPermissions(props: { children: ReactNode }) {
  return (
    <SWRConfig value={{ provider: () => new Map() }}>
      {props.children}
    </SWRConfig>
  );
}
