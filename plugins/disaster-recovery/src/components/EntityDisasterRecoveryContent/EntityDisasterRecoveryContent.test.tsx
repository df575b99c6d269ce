import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  DrHistoryPoint,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  compliantStatus,
  declaredEntity,
  minutesAgo,
  recordOf,
  undeclaredEntity,
} from '../../__fixtures__/records';
import { DisasterRecoveryApi, disasterRecoveryApiRef } from '../../api';
import { EntityDisasterRecoveryContent } from './EntityDisasterRecoveryContent';
import { giveElementsASize } from '../../__fixtures__/chartLayout';

// The tab renders many tables: give slow CI machines time.
configure({ asyncUtilTimeout: 4000 });
jest.setTimeout(20_000);

giveElementsASize(800, 260);

function history(now = Date.now()): DrHistoryPoint[] {
  return [
    { minutes: 3 * 1440, rpo: 20 * 60, verdict: 'compliant' as const },
    { minutes: 2 * 1440, rpo: 70 * 60, verdict: 'breached' as const },
    { minutes: 1440, rpo: null, verdict: 'breached' as const },
    { minutes: 10, rpo: 12 * 60, verdict: 'compliant' as const },
  ].map(p => ({
    time: minutesAgo(p.minutes, now),
    resolution: 'refresh',
    verdict: p.verdict,
    achievedRpoSeconds: p.rpo,
  }));
}

function mockApi(status: DrStatus, items = history()) {
  return {
    getStatus: jest.fn(async () => recordOf(status)),
    getHistory: jest.fn(async () => ({ items })),
  } satisfies Partial<DisasterRecoveryApi>;
}

async function renderContent(
  api: Partial<DisasterRecoveryApi>,
  entity = declaredEntity,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[disasterRecoveryApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityDisasterRecoveryContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

/** The table whose title is `title`, as a `within` query. */
async function table(title: string) {
  const heading = await screen.findByRole('heading', { name: title });
  const container = heading.closest('.MuiPaper-root') as HTMLElement;
  return within(within(container).getByRole('table'));
}

function rowOf(t: ReturnType<typeof within>, text: string) {
  return t.getByText(text).closest('tr') as HTMLElement;
}

async function drillsCard() {
  const title = await screen.findByText('Drills, failovers and failbacks');
  return within(title.closest('.MuiCard-root') as HTMLElement);
}

describe('EntityDisasterRecoveryContent', () => {
  it('shows the summary and every recovery point with age, expiry and why it counts or not', async () => {
    await renderContent(mockApi(compliantStatus()));

    expect(
      await screen.findByRole('status', {
        name: 'Disaster recovery: Compliant',
      }),
    ).toBeInTheDocument();

    const points = await table('Recovery points');
    expect(
      screen.getByText('1 of 3 count for the achieved RPO'),
    ).toBeInTheDocument();

    const counted = within(rowOf(points, 'velero/nightly-20261123'));
    expect(counted.getByText('Velero backup')).toBeInTheDocument();
    expect(counted.getByText('prod-eu')).toBeInTheDocument();
    expect(counted.getByText('12m')).toBeInTheDocument();
    expect(counted.getByText('Completed')).toBeInTheDocument();
    expect(counted.getByText('0 / 2')).toBeInTheDocument();
    expect(counted.getByText('in 29 days')).toBeInTheDocument();
    expect(counted.getByText('Counted')).toBeInTheDocument();
    expect(
      counted.getByText('survives the loss of the primary cluster'),
    ).toBeInTheDocument();

    const local = within(rowOf(points, 'payments/data-payments-api-0-snap'));
    expect(local.getByText('CSI VolumeSnapshot')).toBeInTheDocument();
    expect(local.getByText('Usable, not counted')).toBeInTheDocument();
    expect(
      local.getByText(
        'local to prod-eu: good against corruption, lost with the cluster',
      ),
    ).toBeInTheDocument();

    const failed = within(rowOf(points, 'velero/nightly-20261122'));
    expect(failed.getByText('PartiallyFailed')).toBeInTheDocument();
    expect(failed.getByText('3 / 0')).toBeInTheDocument();
    expect(failed.getByText('Not usable')).toBeInTheDocument();
    expect(failed.getByText('1d 12m')).toBeInTheDocument();
  });

  it('highlights uncovered PVCs and names what covers the others', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      verdict: 'breached',
      reasons: [
        {
          severity: 'breach',
          code: 'pvc-uncovered',
          message:
            'PVC payments/wal-payments-api-0 on prod-eu is not covered by any Schedule or ReplicationSource.',
        },
      ],
      coverage: [
        ...compliantStatus().coverage,
        {
          cluster: 'prod-eu',
          namespace: 'payments',
          pvc: 'wal-payments-api-0',
          coveredBy: [],
        },
        {
          cluster: 'prod-eu',
          namespace: 'payments',
          pvc: 'cache-payments-api-0',
          coveredBy: [
            { kind: 'ReplicationSource', name: 'cache-rs', paused: true },
          ],
        },
      ],
    };
    await renderContent(mockApi(status));

    const coverage = await table('Coverage of PVCs');
    expect(screen.getByText('1 of 3 not covered')).toBeInTheDocument();

    const uncovered = rowOf(coverage, 'wal-payments-api-0');
    expect(
      within(uncovered).getByText(
        'Not covered: no Schedule or ReplicationSource backs it up',
      ),
    ).toBeInTheDocument();
    expect(within(uncovered).getByTestId('status-error')).toBeInTheDocument();
    expect(uncovered.style.backgroundColor).not.toBe('');

    const covered = rowOf(coverage, 'data-payments-api-0');
    expect(within(covered).getByText('Schedule nightly')).toBeInTheDocument();
    expect(covered.style.backgroundColor).toBe('');

    const paused = rowOf(coverage, 'cache-payments-api-0');
    expect(
      within(paused).getByText('ReplicationSource cache-rs (paused)'),
    ).toBeInTheDocument();
    expect(within(paused).getByTestId('status-warning')).toBeInTheDocument();
    expect(paused.style.backgroundColor).toBe('');
  });

  it('shows schedules, storage locations and replication with their health', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      schedules: [
        ...compliantStatus().schedules,
        {
          cluster: 'prod-eu',
          name: 'weekly',
          schedule: '0 3 * * 0',
          maxIntervalSeconds: 7 * 86400,
          paused: true,
          storageLocation: 'archive',
        },
      ],
      storageLocations: [
        ...compliantStatus().storageLocations,
        {
          cluster: 'prod-eu',
          name: 'archive',
          phase: 'Unavailable',
          message:
            'BackupStorageLocation "archive" is unavailable: NoSuchBucket',
        },
      ],
      replication: [
        ...compliantStatus().replication,
        {
          kind: 'ReplicationSource',
          name: 'data-rs',
          namespace: 'payments',
          cluster: 'prod-eu',
          healthy: false,
          lagSeconds: 2 * 3600,
          message: 'last sync failed',
        },
        {
          kind: 'KafkaMirrorMaker2',
          name: 'mm2',
          cluster: 'dr-us',
          healthy: true,
          lagSeconds: null,
          message: 'connectors running',
        },
      ],
    };
    await renderContent(mockApi(status));

    const schedules = await table('Backup schedules');
    const nightly = within(rowOf(schedules, 'nightly'));
    expect(nightly.getByText('0 * * * *')).toBeInTheDocument();
    expect(nightly.getByText('1h')).toBeInTheDocument();
    expect(nightly.getByText('Enabled')).toBeInTheDocument();
    expect(nightly.getByText('12 minutes ago')).toBeInTheDocument();
    const weekly = within(rowOf(schedules, 'weekly'));
    expect(
      weekly.getByText('7d (longer than the 1h RPO target)'),
    ).toBeInTheDocument();
    // An unavailable location outweighs the pause.
    expect(
      weekly.getByText('location archive Unavailable'),
    ).toBeInTheDocument();

    const locations = await table('Backup storage locations');
    expect(
      within(rowOf(locations, 'default')).getByTestId('status-ok'),
    ).toBeInTheDocument();
    const archive = within(rowOf(locations, 'archive'));
    expect(archive.getByText('Unavailable')).toBeInTheDocument();
    expect(archive.getByTestId('status-error')).toBeInTheDocument();
    expect(
      archive.getByText(
        'BackupStorageLocation "archive" is unavailable: NoSuchBucket',
      ),
    ).toBeInTheDocument();

    const replication = await table('Replication');
    const replica = within(rowOf(replication, 'payments/payments-db-replica'));
    expect(replica.getByText('Healthy')).toBeInTheDocument();
    expect(replica.getByText('42s')).toBeInTheDocument();
    const rs = within(rowOf(replication, 'payments/data-rs'));
    expect(rs.getByText('Unhealthy')).toBeInTheDocument();
    expect(rs.getByText('2h (above the 1h RPO target)')).toBeInTheDocument();
    expect(
      within(rowOf(replication, 'mm2')).getByText('not measured'),
    ).toBeInTheDocument();
  });

  it('draws the achieved RPO over time with the target as a reference line', async () => {
    const api = mockApi(compliantStatus());
    await renderContent(api);

    expect(
      await screen.findByText('Achieved RPO over the last 30 days'),
    ).toBeInTheDocument();
    expect(await screen.findByText('RPO target 1h')).toBeInTheDocument();
    expect(
      document.querySelector('.recharts-reference-line'),
    ).toBeInTheDocument();
    expect(
      document.querySelector('.recharts-line path.recharts-curve'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Highest achieved RPO: 1h 10m (target 1h; above it in 1 of 3 refreshes). Gaps: 1 refresh without a counted recovery point.',
      ),
    ).toBeInTheDocument();

    expect(api.getHistory).toHaveBeenCalledTimes(1);
    const [entityRef, options] = api.getHistory.mock.calls[0] as any[];
    expect(entityRef).toBe('component:default/payments-api');
    const days = (Date.now() - options.from.getTime()) / 86400_000;
    expect(Math.round(days)).toBe(30);
  });

  it('says when there is no history yet', async () => {
    await renderContent(mockApi(compliantStatus(), []));
    expect(
      await screen.findByText('No history yet: a point is kept every refresh.'),
    ).toBeInTheDocument();
  });

  it('shows a history error with a retry', async () => {
    const api = mockApi(compliantStatus());
    api.getHistory.mockRejectedValueOnce(new Error('history unavailable'));
    await renderContent(api);
    expect(
      await screen.findByText(/Could not load the history/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('RPO target 1h')).toBeInTheDocument();
    expect(api.getHistory).toHaveBeenCalledTimes(2);
  });

  it('shows the last drill with its measured RTO against the target', async () => {
    await renderContent(mockApi(compliantStatus()));
    const card = await drillsCard();
    expect(
      within(
        card.getByText(
          'Last restore: Velero Restore drill-payments-api-20261101 in dr-us',
        ),
      ).getByTestId('status-ok'),
    ).toBeInTheDocument();
    expect(card.getByText('38m measured / 4h target')).toBeInTheDocument();
    expect(card.getByText('22 days ago')).toBeInTheDocument();
  });

  it('flags a drill slower than the RTO target', async () => {
    const status = compliantStatus();
    status.lastDrill = { ...status.lastDrill!, measuredRtoSeconds: 5 * 3600 };
    status.verdict = 'breached';
    status.reasons = [
      {
        severity: 'breach',
        code: 'rto-exceeded',
        message: 'Measured RTO 5h is above the 4h target.',
      },
    ];
    await renderContent(mockApi(status));
    const card = await drillsCard();
    const title = card.getByText(
      'Last restore: Velero Restore drill-payments-api-20261101 in dr-us',
    );
    expect(within(title).getByTestId('status-error')).toBeInTheDocument();
    expect(card.getByText('5h measured / 4h target')).toBeInTheDocument();
    expect(
      within(card.getByRole('list', { name: 'Drill findings' })).getByText(
        'Measured RTO 5h is above the 4h target.',
      ),
    ).toBeInTheDocument();
  });

  it('says when the service was never drilled', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      verdict: 'at-risk',
      lastDrill: null,
      measuredRtoSeconds: null,
      reasons: [
        {
          severity: 'risk',
          code: 'never-drilled',
          message:
            'Never drilled: no completed drill, failover or restore in the recovery cluster.',
        },
      ],
    };
    await renderContent(mockApi(status));
    const card = await drillsCard();
    expect(card.getByText('Never drilled')).toBeInTheDocument();
    expect(
      card.getByText(/so the RTO has never been measured/),
    ).toBeInTheDocument();
  });

  it('says so when tables have nothing to show', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      recoveryPoints: [],
      coverage: [],
      schedules: [],
      storageLocations: [],
      replication: [],
    };
    await renderContent(mockApi(status, []));
    expect(
      await screen.findByText(
        'No recovery point: no backup, snapshot or replication of this service was found.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No Velero Schedule takes in this service.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No replication: recovery relies on backups.'),
    ).toBeInTheDocument();
  });

  it('shows the same undeclared state as the card, without loading details', async () => {
    const api = mockApi(compliantStatus());
    await renderContent(api, undeclaredEntity);
    expect(
      await screen.findByText('No disaster recovery declared'),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.getStatus).not.toHaveBeenCalled());
    expect(api.getHistory).not.toHaveBeenCalled();
    expect(
      screen.queryByRole('heading', { name: 'Recovery points' }),
    ).toBeNull();
  });
});
