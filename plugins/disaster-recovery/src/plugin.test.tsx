import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  compliantStatus,
  declaredEntity,
  recordOf,
} from './__fixtures__/records';
import { disasterRecoveryApiRef } from './api';
import {
  disasterRecoveryPlugin,
  EntityDisasterRecoveryCard,
  EntityDisasterRecoveryContent,
} from './plugin';

describe('disasterRecoveryPlugin (legacy frontend system)', () => {
  it('is the disaster-recovery plugin and provides the DR client', () => {
    expect(disasterRecoveryPlugin.getId()).toBe('disaster-recovery');
    const [factory] = [...disasterRecoveryPlugin.getApis()];
    expect(factory.api).toBe(disasterRecoveryApiRef);
    expect(Object.keys(factory.deps).sort()).toEqual([
      'discoveryApi',
      'fetchApi',
    ]);
  });

  it('lazily renders the card and the tab on an entity page', async () => {
    const api = {
      getStatus: jest.fn(async () => recordOf(compliantStatus())),
      getHistory: jest.fn(async () => ({ items: [] })),
      listRuns: jest.fn(async () => ({ items: [] })),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [disasterRecoveryApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={declaredEntity}>
          <EntityDisasterRecoveryCard />
          <EntityDisasterRecoveryContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    // The card's banner, and the tab's own copy of the summary.
    expect(
      await screen.findAllByRole('status', {
        name: 'Disaster recovery: Compliant',
      }),
    ).toHaveLength(2);
    expect(await screen.findByText('Recovery points')).toBeInTheDocument();
    expect(await screen.findByText('Run history')).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenCalledWith('component:default/payments-api');
  });
});
