import { ApiBlueprint, ApiRef } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import {
  DisasterRecoveryApi,
  disasterRecoveryApiRef,
} from '@backstage-dr/plugin-disaster-recovery';
import disasterRecoveryPlugin from '@backstage-dr/plugin-disaster-recovery/alpha';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

// The plugins' own API refs, taken from their API extensions (no dependency on their -react
// packages).
const scaffolderApiRef = createExtensionTester(
  scaffolderPlugin.getExtension('api:scaffolder'),
).get(ApiBlueprint.dataRefs.factory).api as ApiRef<unknown>;
const catalogApiRef = createExtensionTester(
  catalogPlugin.getExtension('api:catalog'),
).get(ApiBlueprint.dataRefs.factory).api as ApiRef<unknown>;

jest.setTimeout(30_000);

describe('the scaffolder in the app', () => {
  it('offers the known clusters in a template field with ui:field DrClusterPicker', async () => {
    const scaffolderApi = {
      getTemplateParameterSchema: jest.fn(async () => ({
        title: 'Declare DR tier for an existing service',
        steps: [
          {
            title: 'Its DR declaration',
            schema: {
              required: ['primaryCluster'],
              properties: {
                primaryCluster: {
                  title: 'Primary cluster',
                  type: 'string',
                  'ui:field': 'DrClusterPicker',
                },
              },
            },
          },
        ],
      })),
      listActions: jest.fn(async () => []),
    };
    const drApi: Partial<DisasterRecoveryApi> = {
      getClusters: jest.fn(async () => ({
        items: [
          {
            cluster: 'prod-eu',
            reachable: true,
            state: 'ok' as const,
            providers: [],
            failingResources: [],
            errors: [],
            storageLocations: [],
            checkedAt: new Date().toISOString(),
          },
          {
            cluster: 'dr-us',
            reachable: false,
            state: 'unreachable' as const,
            providers: [],
            failingResources: [],
            errors: [{ resources: [], kind: 'unreachable' }],
            storageLocations: [],
            checkedAt: new Date().toISOString(),
          },
        ],
      })),
    };
    // As "Fix with the template" links to it; the scaffolder reads formData from the window's
    // location.
    const url = `/create/templates/default/declare-dr-tier?formData=${encodeURIComponent(
      JSON.stringify({ primaryCluster: 'prod-eu' }),
    )}`;
    window.history.replaceState(null, '', url);
    renderTestApp({
      features: [catalogPlugin, scaffolderPlugin, disasterRecoveryPlugin],
      initialRouteEntries: [url],
      apis: [
        [scaffolderApiRef, scaffolderApi],
        [disasterRecoveryApiRef, drApi],
        [catalogApiRef, { getEntities: jest.fn(async () => ({ items: [] })) }],
      ],
    });
    const field = await screen.findByRole(
      'textbox',
      { name: /Primary cluster/ },
      { timeout: 15_000 },
    );
    // "Fix with the template" fills the field from the URL.
    expect(field).toHaveValue('prod-eu');
    await userEvent.clear(field);
    await userEvent.type(field, '{ArrowDown}');
    const options = within(await screen.findByRole('listbox')).getAllByRole(
      'option',
    );
    expect(options.map(o => o.textContent)).toEqual([
      'dr-usunreachable',
      'prod-euOK',
    ]);
    expect(drApi.getClusters).toHaveBeenCalled();
  });
});
