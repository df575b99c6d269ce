import { ApiBlueprint, ApiRef } from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import {
  DisasterRecoveryApi,
  disasterRecoveryApiRef,
} from '@backstage-dr/plugin-disaster-recovery';
import disasterRecoveryPlugin from '@backstage-dr/plugin-disaster-recovery/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import { screen, within } from '@testing-library/react';
import { navModule } from './modules/nav';

// The catalog plugin's own API ref, taken from its API extension, so that the catalog is faked
// without a dependency on @backstage/plugin-catalog-react.
const catalogApiRef = createExtensionTester(
  catalogPlugin.getExtension('api:catalog'),
).get(ApiBlueprint.dataRefs.factory).api as ApiRef<unknown>;

function component(
  name: string,
  type: string,
  annotations: Record<string, string> = {},
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type,
      owner: 'group:default/payments-team',
      lifecycle: 'production',
    },
    relations: [],
  };
}

const now = Date.now();
const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();

const declared = component('payments-api', 'service', {
  'disaster-recovery/tier': 'tier-1',
  'disaster-recovery/strategy': 'warm-standby',
  'disaster-recovery/primary-cluster': 'prod-eu',
  'disaster-recovery/recovery-cluster': 'dr-us',
});

const record = {
  entityRef: 'component:default/payments-api',
  kind: 'component',
  namespace: 'default',
  name: 'payments-api',
  tier: 'tier-1',
  strategy: 'warm-standby',
  verdict: 'compliant' as const,
  rpoSeconds: 3600,
  achievedRpoSeconds: 720,
  rtoSeconds: 14400,
  clusters: ['prod-eu', 'dr-us'],
  updatedAt: ago(3),
  status: {
    verdict: 'compliant' as const,
    reasons: [],
    evaluatedAt: ago(3),
    achievedRpoSeconds: 720,
    recoveryPoints: [
      {
        time: ago(12),
        source: 'velero-backup' as const,
        kind: 'Backup',
        name: 'nightly-20261123',
        namespace: 'velero',
        cluster: 'prod-eu',
        usable: true,
        counted: true,
        phase: 'Completed',
      },
    ],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: [],
    lastDrill: null,
    measuredRtoSeconds: null,
    unreadable: [],
    primaryClusters: ['prod-eu'],
    primarySource: 'annotation' as const,
  },
};

function renderEntityPage(entity: ReturnType<typeof component>, path = '') {
  const catalogApi = {
    getEntityByRef: jest.fn(async () => entity),
    getEntitiesByRefs: jest.fn(async () => ({ items: [] })),
    queryEntities: jest.fn(async () => ({
      items: [],
      totalItems: 0,
      pageInfo: {},
    })),
    getEntityFacets: jest.fn(async () => ({ facets: {} })),
    getEntityAncestors: jest.fn(async () => ({
      rootEntityRef: `component:default/${entity.metadata.name}`,
      items: [{ entity, parentEntityRefs: [] }],
    })),
  };
  const drApi: Partial<DisasterRecoveryApi> = {
    getStatus: jest.fn(async () => (entity === declared ? record : undefined)),
    getHistory: jest.fn(async () => ({ items: [] })),
  };
  renderTestApp({
    features: [catalogPlugin, disasterRecoveryPlugin],
    initialRouteEntries: [
      `/catalog/default/component/${entity.metadata.name}${path}`,
    ],
    apis: [
      [catalogApiRef, catalogApi],
      [disasterRecoveryApiRef, drApi],
    ],
  });
  return { drApi };
}

// The entity page loads its parts lazily.
const WAIT = { timeout: 10_000 };

jest.setTimeout(30_000);

describe('disaster recovery in the app', () => {
  it('shows the DR card and tab on a service', async () => {
    renderEntityPage(declared);
    expect(
      await screen.findByRole(
        'status',
        { name: 'Disaster recovery: Compliant' },
        WAIT,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Velero backup nightly-20261123 on prod-eu, 12 minutes ago',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('main')).getByRole('link', {
        name: 'Disaster recovery',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/disaster-recovery',
    );
  });

  it('shows the details on the Disaster recovery tab', async () => {
    const { drApi } = renderEntityPage(declared, '/disaster-recovery');
    const heading = await screen.findByText('Recovery points', {}, WAIT);
    const table = within(heading.closest('.MuiPaper-root') as HTMLElement);
    expect(table.getByText('velero/nightly-20261123')).toBeInTheDocument();
    expect(
      screen.getByText('Drills, failovers and failbacks'),
    ).toBeInTheDocument();
    expect(drApi.getHistory).toHaveBeenCalled();
  });

  it('offers to declare DR on an undeclared database', async () => {
    const { drApi } = renderEntityPage(component('ledger-db', 'database'));
    expect(
      await screen.findByText('No disaster recovery declared', {}, WAIT),
    ).toBeInTheDocument();
    expect(drApi.getStatus).not.toHaveBeenCalled();
  });

  it('shows neither card nor tab on a website', async () => {
    renderEntityPage(component('docs-site', 'website'));
    expect(
      await screen.findByRole('link', { name: 'Overview' }, WAIT),
    ).toBeInTheDocument();
    expect(await screen.findByText('About', {}, WAIT)).toBeInTheDocument();
    // Only the sidebar's link to the overview page.
    const main = within(screen.getByRole('main'));
    expect(main.queryByRole('link', { name: 'Disaster recovery' })).toBeNull();
    expect(main.queryByText('Disaster recovery')).toBeNull();
  });

  it('has the overview page in the sidebar as "Disaster recovery"', async () => {
    const overview = {
      items: [],
      totalCount: 0,
      counts: { verdict: {}, tier: {} },
      facets: { tier: [], owner: [], cluster: [], strategy: [] },
      attention: { items: [], totalCount: 0 },
    };
    const drApi: Partial<DisasterRecoveryApi> = {
      getOverview: jest.fn(async () => overview),
      getClusters: jest.fn(async () => ({ items: [] })),
      getOverviewHistory: jest.fn(async () => ({ days: [] })),
    };
    renderTestApp({
      // The sidebar's notifications item needs the notifications plugin's API.
      features: [
        catalogPlugin,
        disasterRecoveryPlugin,
        notificationsPlugin,
        navModule,
      ],
      initialRouteEntries: ['/disaster-recovery?verdict=breached'],
      apis: [[disasterRecoveryApiRef, drApi]],
    });
    expect(
      await screen.findByRole(
        'heading',
        { name: 'Disaster recovery', level: 1 },
        WAIT,
      ),
    ).toBeInTheDocument();
    // The attention list says so first (the table and the charts say it too).
    expect(
      await screen.findByTestId('attention-empty', {}, WAIT),
    ).toHaveTextContent('No service matches the filters.');
    expect(drApi.getOverview).toHaveBeenCalledWith(
      expect.objectContaining({ verdict: ['breached'] }),
    );
    const nav = screen.getByRole('navigation');
    expect(
      within(nav).getByRole('link', { name: /Disaster recovery/ }),
    ).toHaveAttribute('href', '/disaster-recovery');
  });
});
