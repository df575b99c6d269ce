import { Entity } from '@backstage/catalog-model';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { screen } from '@testing-library/react';
import plugin, {
  disasterRecoveryApi,
  entityDisasterRecoveryCard,
  entityDisasterRecoveryContent,
} from './alpha';
import {
  compliantStatus,
  declaredEntity,
  recordOf,
} from './__fixtures__/records';
import { disasterRecoveryApiRef } from './api';

const website: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'docs-site' },
  spec: { type: 'website' },
};

describe('disaster-recovery (new frontend system)', () => {
  it('is the disaster-recovery plugin with the API, the card and the tab', () => {
    expect(plugin.pluginId).toBe('disaster-recovery');
    // The ids the app config uses to configure or disable them.
    expect(
      plugin.getExtension('entity-card:disaster-recovery/status'),
    ).toBeDefined();
    expect(
      plugin.getExtension('entity-content:disaster-recovery'),
    ).toBeDefined();
    expect(plugin.getExtension('api:disaster-recovery')).toBeDefined();
    const api = createExtensionTester(disasterRecoveryApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(api.api).toBe(disasterRecoveryApiRef);
  });

  it('provides the tab at /disaster-recovery, titled, for DR-relevant entities only', () => {
    const tester = createExtensionTester(entityDisasterRecoveryContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('/disaster-recovery');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Disaster recovery',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(declaredEntity)).toBe(true);
    expect(filter(website)).toBe(false);
  });

  it('renders the card for an entity, with the same component as the legacy plugin', async () => {
    const tester = createExtensionTester(entityDisasterRecoveryCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(declaredEntity)).toBe(true);
    expect(filter(website)).toBe(false);

    const getStatus = jest.fn(async () => recordOf(compliantStatus()));
    renderInTestApp(
      <EntityProvider entity={declaredEntity}>
        {tester.get(coreExtensionData.reactElement)}
      </EntityProvider>,
      { apis: [[disasterRecoveryApiRef, { getStatus }]] },
    );
    expect(
      await screen.findByRole('status', {
        name: 'Disaster recovery: Compliant',
      }),
    ).toBeInTheDocument();
    expect(getStatus).toHaveBeenCalledWith('component:default/payments-api');
  });
});
