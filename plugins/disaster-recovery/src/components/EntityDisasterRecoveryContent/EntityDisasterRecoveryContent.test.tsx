import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  DrHistoryPoint,
  DrRun,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  compliantStatus,
  declaredEntity,
  invalidRecordWithEvidence,
  minutesAgo,
  perPvcStatus,
  pvcCoverage,
  recordOf,
  undeclaredEntity,
} from '../../__fixtures__/records';
import { completedDrill } from '../../__fixtures__/runs';
import { formatClockTime } from '../format';
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
    listRuns: jest.fn(async () => ({ items: [] as DrRun[] })),
  } satisfies Partial<DisasterRecoveryApi>;
}

async function renderContent(
  api: Partial<DisasterRecoveryApi>,
  entity = declaredEntity,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [disasterRecoveryApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityDisasterRecoveryContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
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

  it("shows each PVC's newest counted point and achieved RPO, and marks the worst", async () => {
    await renderContent(mockApi(perPvcStatus()));

    const coverage = await table('Coverage of PVCs');
    expect(
      screen.getByText(
        'all 3 covered; achieved RPO set by payments/wal-payments-api-0',
      ),
    ).toBeInTheDocument();

    // The worst PVC sets the service's achieved RPO of 3h.
    const wal = rowOf(coverage, 'payments/wal-payments-api-0');
    const worst = within(wal);
    expect(
      worst.getByText('ReplicationSource payments/wal-rs on dr-us'),
    ).toBeInTheDocument();
    expect(wal).toHaveTextContent('(3 hours ago)');
    expect(worst.getByText('3h / 1h target')).toHaveAttribute(
      'data-tone',
      'error',
    );
    expect(
      worst.getByText("Worst PVC: sets the service's achieved RPO"),
    ).toBeInTheDocument();
    expect(worst.getByText('ReplicationSource wal-rs')).toBeInTheDocument();
    expect(worst.getByText('every 15m')).toBeInTheDocument();
    expect(wal.style.backgroundColor).not.toBe('');

    const data = rowOf(coverage, 'payments/data-payments-api-0');
    const fresh = within(data);
    expect(
      fresh.getByText('Backup velero/nightly-20261123 on prod-eu'),
    ).toBeInTheDocument();
    expect(data).toHaveTextContent('(12 minutes ago)');
    expect(
      within(fresh.getByText('12m / 1h target')).getByTestId('status-ok'),
    ).toBeInTheDocument();
    expect(fresh.getByText('Schedule nightly')).toBeInTheDocument();
    expect(fresh.getByText('every 1h')).toBeInTheDocument();
    expect(fresh.queryByText(/Worst PVC/)).toBeNull();
    expect(data.style.backgroundColor).toBe('');

    // Local-only and paused coverage is marked.
    const cache = within(rowOf(coverage, 'payments/cache-payments-api-0'));
    expect(
      within(
        cache.getByText('Schedule nightly-snapshots (local only)'),
      ).getByTestId('status-warning'),
    ).toBeInTheDocument();
    expect(
      within(
        cache.getByText('ReplicationSource cache-rs (paused)'),
      ).getByTestId('status-warning'),
    ).toBeInTheDocument();
    expect(cache.getByText('40m / 1h target')).toBeInTheDocument();
    expect(cache.getByText('no readable interval')).toBeInTheDocument();
    expect(cache.queryByText(/Worst PVC/)).toBeNull();
  });

  it('says "none" in error colour for a PVC without a counted point, and highlights uncovered PVCs', async () => {
    const base = perPvcStatus();
    const status: DrStatus = {
      ...base,
      achievedRpoSeconds: null,
      coverage: [
        base.coverage[0],
        base.coverage[1],
        { ...base.coverage[2], newestPoint: null, achievedRpoSeconds: null },
        pvcCoverage('tmp-payments-api-0', {
          coveredBy: [],
          newestPoint: null,
          achievedRpoSeconds: null,
          cadenceSeconds: null,
        }),
      ],
    };
    await renderContent(mockApi(status));

    const coverage = await table('Coverage of PVCs');
    expect(
      screen.getByText(
        '1 of 4 not covered; 2 without a counted recovery point, so the service has none',
      ),
    ).toBeInTheDocument();

    const cacheRow = rowOf(coverage, 'payments/cache-payments-api-0');
    const cache = within(cacheRow);
    const none = cache.getByText('none');
    expect(none).toHaveAttribute('data-tone', 'error');
    expect(
      within(none.parentElement as HTMLElement).getByTestId('status-error'),
    ).toBeInTheDocument();
    expect(cache.getByText('none / 1h target')).toHaveAttribute(
      'data-tone',
      'error',
    );
    // Without a counted point it is the worst: the service has no achieved RPO.
    expect(
      cache.getByText("Worst PVC: sets the service's achieved RPO"),
    ).toBeInTheDocument();
    expect(cacheRow.style.backgroundColor).not.toBe('');

    const uncoveredRow = rowOf(coverage, 'payments/tmp-payments-api-0');
    const uncovered = within(uncoveredRow);
    expect(
      uncovered.getByText(
        'Not covered: no Schedule, ReplicationSource or replica backs it up',
      ),
    ).toHaveAttribute('data-tone', 'error');
    expect(uncovered.getByText('none')).toBeInTheDocument();
    expect(uncovered.getByText(/Worst PVC/)).toBeInTheDocument();
    expect(uncovered.getByText('—')).toBeInTheDocument();
    expect(uncoveredRow.style.backgroundColor).not.toBe('');

    // The PVC with the oldest point is no longer the worst.
    const wal = within(rowOf(coverage, 'payments/wal-payments-api-0'));
    expect(wal.getByText('3h / 1h target')).toBeInTheDocument();
    expect(wal.queryByText(/Worst PVC/)).toBeNull();
  });

  it('shows the next step of every reason under its message', async () => {
    const status = perPvcStatus();
    await renderContent(mockApi(status));

    const reasons = within(
      await screen.findByRole('list', { name: 'Reasons' }),
    );
    const items = reasons.getAllByRole('listitem');
    expect(items).toHaveLength(3);
    status.reasons.forEach((reason, index) => {
      const item = within(items[index]);
      expect(item.getByText(reason.message)).toBeInTheDocument();
      const nextStep = item.getByText(reason.nextStep!);
      expect(nextStep).toHaveClass('MuiTypography-colorTextSecondary');
      // Under the message, not before it.
      expect(
        item.getByText(reason.message).compareDocumentPosition(nextStep) &
          Node.DOCUMENT_POSITION_FOLLOWING,
      ).toBeTruthy();
    });
    expect(screen.queryByText(/more reasons? on the/)).toBeNull();
  });

  it('shows the problems of an invalid declaration, then its evidence read with the valid parts', async () => {
    const api = {
      getStatus: jest.fn(async () => invalidRecordWithEvidence()),
      getHistory: jest.fn(async () => ({ items: history() })),
    };
    await renderContent(api);

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: Invalid declaration',
    });
    expect(banner).toHaveTextContent(
      'judged with the valid parts of the declaration only',
    );
    const problems = screen.getByRole('list', { name: 'Declaration problems' });
    expect(
      within(problems).getByText(
        'disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
      ),
    ).toBeInTheDocument();

    const notes = screen.getAllByTestId('evidence-verdict');
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) {
      expect(note).toHaveTextContent(
        'the verdict of the evidence is Breached.',
      );
    }
    const evidence = screen.getByRole('list', { name: 'Evidence reasons' });
    expect(
      within(evidence).getByText('Resume it: set spec.paused to false.'),
    ).toBeInTheDocument();

    // Problems first, then the evidence.
    const follows = (a: Element, b: Element) =>
      Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    const points = await screen.findByRole('heading', {
      name: 'Recovery points',
    });
    expect(follows(problems, evidence)).toBe(true);
    expect(follows(evidence, points)).toBe(true);

    const coverage = await table('Coverage of PVCs');
    expect(
      within(rowOf(coverage, 'payments/wal-payments-api-0')).getByText(
        "Worst PVC: sets the service's achieved RPO",
      ),
    ).toBeInTheDocument();
    expect(
      (await table('Recovery points')).getByText('payments/wal-rs'),
    ).toBeInTheDocument();
    expect(
      (await table('Backup schedules')).getByText('nightly'),
    ).toBeInTheDocument();
    expect(
      (await table('Replication')).getByText('payments/payments-db-replica'),
    ).toBeInTheDocument();
    // Not the judged view: no verdict of its own, no history.
    expect(
      screen.queryByRole('status', { name: 'Disaster recovery: Breached' }),
    ).toBeNull();
    expect(api.getHistory).not.toHaveBeenCalled();
  });
  it('shows schedules, storage locations and replication with their health', async () => {
    const now = Date.now();
    const missedSince = minutesAgo(5 * 60, now);
    const status: DrStatus = {
      ...compliantStatus(now),
      schedules: [
        ...compliantStatus().schedules,
        {
          cluster: 'prod-eu',
          name: 'weekly',
          schedule: '0 3 * * 0',
          maxIntervalSeconds: 7 * 86400,
          paused: true,
          storageLocation: 'archive',
          missedRuns: 0,
          movesData: true,
        },
        {
          cluster: 'prod-eu',
          name: 'hourly',
          schedule: '0 * * * *',
          maxIntervalSeconds: 3600,
          paused: false,
          phase: 'Enabled',
          storageLocation: 'default',
          lastBackup: minutesAgo(30, now),
          lastSuccessfulBackup: minutesAgo(5 * 60 + 10, now),
          missedRuns: 5,
          missedSince: missedSince,
          movesData: true,
        },
        {
          cluster: 'prod-eu',
          name: 'broken',
          schedule: 'every hour',
          maxIntervalSeconds: null,
          paused: false,
          phase: 'FailedValidation',
          missedRuns: 0,
          movesData: true,
        },
        {
          cluster: 'prod-eu',
          name: 'manifests',
          schedule: '0 2 * * *',
          maxIntervalSeconds: 86400,
          paused: false,
          phase: 'Enabled',
          storageLocation: 'default',
          lastBackup: minutesAgo(60, now),
          missedRuns: 0,
          movesData: false,
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
    // An unavailable location comes first, then the pause.
    expect(
      weekly.getByText('location archive Unavailable'),
    ).toBeInTheDocument();
    expect(weekly.getByText('Paused')).toBeInTheDocument();
    expect(nightly.getByText('PVC data, off the cluster')).toBeInTheDocument();

    // Missed runs: a warning instead of a green "Enabled".
    const hourly = within(rowOf(schedules, 'hourly'));
    expect(
      within(
        hourly.getByText(
          `missed 5 runs since ${formatClockTime(missedSince, now)}`,
        ),
      ).getByTestId('status-warning'),
    ).toBeInTheDocument();
    expect(hourly.queryByText('Enabled')).toBeNull();
    expect(hourly.queryByTestId('status-ok')).toBeNull();
    expect(hourly.getByText('30 minutes ago')).toBeInTheDocument();
    expect(hourly.getByText('5 hours ago')).toBeInTheDocument();
    expect(nightly.queryByText(/last successful/)).toBeNull();

    const broken = within(rowOf(schedules, 'broken'));
    expect(broken.getByText('FailedValidation')).toHaveAttribute(
      'data-tone',
      'error',
    );
    expect(broken.getByText('cannot read the expression')).toBeInTheDocument();
    expect(broken.queryByText('Enabled')).toBeNull();

    const manifests = within(rowOf(schedules, 'manifests'));
    expect(
      within(manifests.getByText('manifests/local snapshots only')).getByTestId(
        'status-warning',
      ),
    ).toBeInTheDocument();
    expect(manifests.getByText('Enabled')).toBeInTheDocument();

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

  it('has the run buttons and the run history of the service', async () => {
    const api = mockApi(compliantStatus());
    api.listRuns.mockResolvedValue({ items: [completedDrill()] });
    await renderContent(api);
    const runs = await table('Run history');
    const row = within(rowOf(runs, 'sam'));
    expect(row.getByText('Drill')).toBeInTheDocument();
    expect(row.getByText('Completed')).toBeInTheDocument();
    expect(row.getByText('none (drill)')).toBeInTheDocument();
    expect(api.listRuns).toHaveBeenCalledWith('component:default/payments-api');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Start drill' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Fail over' })).toBeEnabled();
    expect(screen.getByText(/No run is active/)).toBeInTheDocument();
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
