import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { DrStatus } from '@backstage-dr/plugin-disaster-recovery-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  compliantStatus,
  declaredEntity,
  invalidRecordWithEvidence,
  minutesAgo,
  perPvcStatus,
  recordOf,
  rpoProblems,
  undeclaredEntity,
} from '../../__fixtures__/records';
import { DisasterRecoveryApi, disasterRecoveryApiRef } from '../../api';
import { formatDateTime } from '../format';
import { EntityDisasterRecoveryCard } from './EntityDisasterRecoveryCard';

configure({ asyncUtilTimeout: 4000 });

function mockApi(
  getStatus: DisasterRecoveryApi['getStatus'],
): jest.Mocked<Pick<DisasterRecoveryApi, 'getStatus'>> {
  return { getStatus: jest.fn(getStatus) };
}

async function renderCard(
  api: Partial<DisasterRecoveryApi>,
  entity: Entity = declaredEntity,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [disasterRecoveryApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityDisasterRecoveryCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const definition = (term: string) =>
  screen.getByText(term, { selector: 'dt' }).nextElementSibling!;

describe('EntityDisasterRecoveryCard', () => {
  it('shows a compliant service at a glance with its targets and achieved values', async () => {
    const api = mockApi(async () => recordOf(compliantStatus()));
    await renderCard(api);

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: Compliant',
    });
    expect(within(banner).getByTestId('status-ok')).toBeInTheDocument();
    expect(banner).toHaveTextContent('Meets tier-1: every check holds.');
    expect(api.getStatus).toHaveBeenCalledWith(
      'component:default/payments-api',
    );

    expect(definition('Tier')).toHaveTextContent('tier-1');
    expect(definition('Strategy')).toHaveTextContent('warm-standby');
    expect(definition('RPO')).toHaveTextContent('12m achieved / 1h target');
    expect(definition('RTO')).toHaveTextContent('38m measured / 4h target');
    // The newest *counted* point, not the newer local snapshot.
    expect(definition('Newest recovery point')).toHaveTextContent(
      'Velero backup nightly-20261123 on prod-eu, 12 minutes ago',
    );
    expect(definition('Primary cluster')).toHaveTextContent('prod-eu');
    expect(definition('Recovery cluster')).toHaveTextContent('dr-us');
    expect(
      within(definition('Runbook') as HTMLElement).getByRole('link'),
    ).toHaveAttribute('href', 'https://wiki.example.com/runbooks/payments-api');
    expect(screen.getByText('Judged 3 minutes ago')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Reasons' })).toBeNull();
  });

  it('shows an at-risk service with its reasons', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      verdict: 'at-risk',
      achievedRpoSeconds: 52 * 60,
      reasons: [
        {
          severity: 'risk',
          code: 'rpo-near-target',
          message: 'Achieved RPO 52m is above 80% of the 1h target.',
        },
        {
          severity: 'risk',
          code: 'schedule-paused',
          message: 'Schedule nightly on prod-eu is paused.',
        },
      ],
    };
    await renderCard(mockApi(async () => recordOf(status)));

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: At risk',
    });
    expect(within(banner).getByTestId('status-warning')).toBeInTheDocument();
    expect(banner).toHaveTextContent('Meets tier-1 now, but');
    const reasons = within(screen.getByRole('list', { name: 'Reasons' }));
    expect(reasons.getAllByRole('listitem')).toHaveLength(2);
    expect(
      reasons.getByText('Achieved RPO 52m is above 80% of the 1h target.'),
    ).toBeInTheDocument();
    expect(
      reasons.getByText('Schedule nightly on prod-eu is paused.'),
    ).toBeInTheDocument();
    expect(definition('RPO')).toHaveTextContent('52m achieved / 1h target');
  });

  it('shows a breached service, breach reasons first, and says when nothing counts', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      verdict: 'breached',
      achievedRpoSeconds: null,
      measuredRtoSeconds: null,
      lastDrill: null,
      recoveryPoints: [compliantStatus().recoveryPoints[0]],
      reasons: [
        {
          severity: 'breach',
          code: 'no-recovery-point',
          message:
            'No recovery point survives the loss of prod-eu: no usable backup or replication.',
        },
        {
          severity: 'risk',
          code: 'never-drilled',
          message:
            'Never drilled: no completed drill, failover or restore in the recovery cluster.',
        },
      ],
    };
    await renderCard(mockApi(async () => recordOf(status)));

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: Breached',
    });
    expect(within(banner).getByTestId('status-error')).toBeInTheDocument();
    expect(banner).toHaveTextContent('Does not meet tier-1.');
    const items = within(
      screen.getByRole('list', { name: 'Reasons' }),
    ).getAllByRole('listitem');
    expect(items.map(i => i.getAttribute('data-severity'))).toEqual([
      'breach',
      'risk',
    ]);
    expect(items[0]).toHaveTextContent('No recovery point survives');
    expect(definition('RPO')).toHaveTextContent(
      'no counted recovery point / 1h target',
    );
    expect(definition('RTO')).toHaveTextContent('not measured / 4h target');
    expect(definition('Newest recovery point')).toHaveTextContent(
      'CSI VolumeSnapshot data-payments-api-0-snap on prod-eu, 5 minutes ago (local only',
    );
  });

  it('shows the first two reasons with their next steps, and how many more the tab has', async () => {
    const status = perPvcStatus();
    await renderCard(mockApi(async () => recordOf(status)));

    const list = await screen.findByRole('list', { name: 'Reasons' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    status.reasons.slice(0, 2).forEach((reason, index) => {
      const item = within(items[index]);
      expect(item.getByText(reason.message)).toBeInTheDocument();
      expect(item.getByText(reason.nextStep!)).toHaveClass(
        'MuiTypography-colorTextSecondary',
      );
    });
    expect(screen.queryByText(status.reasons[2].message)).toBeNull();
    expect(screen.queryByText(status.reasons[2].nextStep!)).toBeNull();
    expect(
      screen.getByText('1 more reason on the Disaster recovery tab.'),
    ).toBeInTheDocument();
  });

  it('puts an unreadable cluster that no reason names among the first reasons, before risks', async () => {
    const status: DrStatus = {
      ...perPvcStatus(),
      verdict: 'unknown',
      reasons: perPvcStatus().reasons.filter(r => r.severity === 'risk'),
      unreadable: [{ cluster: 'dr-us', reason: 'HTTP 403 Forbidden' }],
    };
    await renderCard(mockApi(async () => recordOf(status)));
    const items = within(
      await screen.findByRole('list', { name: 'Reasons' }),
    ).getAllByRole('listitem');
    expect(items.map(i => i.getAttribute('data-severity'))).toEqual([
      'unknown',
      'risk',
    ]);
    expect(items[0]).toHaveTextContent(
      /^Cluster dr-us could not be read\.detailsHTTP 403 Forbidden/,
    );
    expect(
      screen.getByText('1 more reason on the Disaster recovery tab.'),
    ).toBeInTheDocument();
  });

  it('names the primary cluster the evaluation found when none is declared', async () => {
    const entity: Entity = {
      ...declaredEntity,
      metadata: {
        ...declaredEntity.metadata,
        annotations: Object.fromEntries(
          Object.entries(declaredEntity.metadata.annotations!).filter(
            ([key]) => key !== 'disaster-recovery/primary-cluster',
          ),
        ),
      },
    };
    const status: DrStatus = {
      ...compliantStatus(),
      primaryClusters: ['prod-eu'],
      primarySource: 'serving-workloads',
    };
    await renderCard(
      mockApi(async () => recordOf(status)),
      entity,
    );
    await screen.findByRole('status', { name: 'Disaster recovery: Compliant' });
    expect(definition('Primary cluster')).toHaveTextContent(
      'prod-eu (not declared: where its workloads serve)',
    );
  });

  it('shows an unknown verdict naming the cluster that could not be read and why', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      verdict: 'unknown',
      unreadable: [
        { cluster: 'dr-us', reason: 'connect ECONNREFUSED 127.0.0.1:6444' },
      ],
      reasons: [
        {
          severity: 'unknown',
          code: 'cluster-unreadable',
          message:
            'Cluster dr-us could not be read: connect ECONNREFUSED 127.0.0.1:6444',
        },
      ],
    };
    await renderCard(mockApi(async () => recordOf(status)));

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: Unknown',
    });
    expect(within(banner).getByTestId('status-aborted')).toBeInTheDocument();
    expect(banner).toHaveTextContent(
      'Cannot tell whether it meets tier-1: dr-us could not be read.',
    );
    const items = within(
      screen.getByRole('list', { name: 'Reasons' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent(/^Cluster dr-us could not be read\./);
    // The raw error (host, port) is behind "details".
    const details = within(items[0]).getByText('details').closest('details')!;
    expect(details).not.toHaveAttribute('open');
    expect(details).toHaveTextContent('connect ECONNREFUSED 127.0.0.1:6444');
    await userEvent.click(within(details).getByText('details'));
    expect(details).toHaveAttribute('open');
  });

  it('adds a reason for an unreadable cluster that no reason names', async () => {
    const status: DrStatus = {
      ...compliantStatus(),
      verdict: 'unknown',
      unreadable: [{ cluster: 'prod-eu', reason: 'HTTP 403 Forbidden' }],
      reasons: [],
    };
    await renderCard(mockApi(async () => recordOf(status)));
    expect(
      await screen.findByText('Cluster prod-eu could not be read.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('HTTP 403 Forbidden').closest('details'),
    ).not.toBeNull();
  });

  it('explains the annotations of an undeclared entity with a snippet and the template, without asking the API', async () => {
    const api = mockApi(async () => undefined);
    await renderCard(api, undeclaredEntity);

    expect(
      await screen.findByText('No disaster recovery declared'),
    ).toBeInTheDocument();
    expect(api.getStatus).not.toHaveBeenCalled();

    const snippet = document.querySelector('code.language-yaml')!;
    expect(snippet).toBeTruthy();
    const text = snippet.textContent ?? '';
    expect(text).toContain('kind: Component');
    expect(text).toContain('name: ledger-db');
    expect(text).toContain('namespace: finance');
    expect(text).toContain('disaster-recovery/tier: tier-3');
    expect(text).toContain('disaster-recovery/strategy: backup-restore');
    expect(text).toContain('disaster-recovery/rpo: 7d');
    expect(text).toContain('disaster-recovery/rto: 3d');
    expect(screen.getByRole('button', { name: /copy/i })).toBeInTheDocument();

    const link = screen.getByRole('button', { name: 'Declare a DR tier' });
    const href = link.getAttribute('href')!;
    expect(
      href.startsWith('/create/templates/default/declare-dr-tier?formData='),
    ).toBe(true);
    expect(
      JSON.parse(new URL(href, 'http://x').searchParams.get('formData')!),
    ).toEqual({ entityRef: 'component:finance/ledger-db' });
  });

  it('pre-fills the snippet from the configured tiers', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [disasterRecoveryApiRef, mockApi(async () => undefined)],
          [
            configApiRef,
            mockApis.config({
              data: {
                disasterRecovery: {
                  tiers: [
                    { name: 'tier-0' },
                    {
                      name: 'bronze',
                      maxRpo: '12h',
                      maxRto: '2d',
                      strategies: ['backup-restore'],
                      maxDrillAge: '365d',
                    },
                  ],
                },
              },
            }),
          ],
        ]}
      >
        <EntityProvider entity={undeclaredEntity}>
          <EntityDisasterRecoveryCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    await screen.findByText('No disaster recovery declared');
    const text = document.querySelector('code.language-yaml')!.textContent;
    expect(text).toContain('disaster-recovery/tier: bronze');
    expect(text).toContain('disaster-recovery/rpo: 12h');
    expect(text).toContain('disaster-recovery/rto: 2d');
  });

  it('shows the undeclared state when the API says undeclared', async () => {
    await renderCard(
      mockApi(async () => ({
        ...recordOf(compliantStatus()),
        verdict: 'undeclared',
        status: undefined,
      })),
    );
    expect(
      await screen.findByText('No disaster recovery declared'),
    ).toBeInTheDocument();
  });

  it('lists the problems of an invalid declaration', async () => {
    const problems = [
      {
        annotation: 'disaster-recovery/rpo',
        value: '15 minutes',
        message:
          'disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
      },
      {
        annotation: 'disaster-recovery/strategy',
        value: 'active-active',
        message:
          'disaster-recovery/strategy: "active-active" is not allowed for tier-1; use one of warm-standby, pilot-light',
      },
    ];
    await renderCard(
      mockApi(async () => ({
        ...recordOf(compliantStatus()),
        verdict: 'invalid',
        status: undefined,
        problems,
      })),
    );

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: Invalid declaration',
    });
    expect(within(banner).getByTestId('status-error')).toBeInTheDocument();
    expect(banner).toHaveTextContent('have 2 problems');
    const items = within(
      screen.getByRole('list', { name: 'Declaration problems' }),
    ).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual(problems.map(p => p.message));
    expect(banner).toHaveTextContent('the service is not judged until');
    expect(screen.queryByTestId('evidence-verdict')).toBeNull();
  });

  it('gives the verdict of the evidence of an invalid declaration judged with its valid parts', async () => {
    await renderCard(mockApi(async () => invalidRecordWithEvidence()));

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: Invalid declaration',
    });
    expect(banner).toHaveTextContent('have a problem');
    expect(banner).toHaveTextContent(
      'judged with the valid parts of the declaration only',
    );
    const items = within(
      screen.getByRole('list', { name: 'Declaration problems' }),
    ).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual(
      rpoProblems.map(p => p.message),
    );
    expect(screen.getByTestId('evidence-verdict')).toHaveTextContent(
      'the verdict of the evidence is Breached.',
    );
    // The evidence's first two reasons, with their next steps; the rest is on the tab.
    const evidence = within(
      screen.getByRole('list', { name: 'Evidence reasons' }),
    ).getAllByRole('listitem');
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.length).toBeLessThanOrEqual(2);
    // The card stays short: the tables are on the tab.
    expect(screen.queryByRole('table')).toBeNull();
    // The template opens with the valid values, the RPO to fill in anew.
    const fix = screen.getByText('Fix with the template').closest('a')!;
    const formData = JSON.parse(
      new URL(fix.getAttribute('href')!, 'http://localhost').searchParams.get(
        'formData',
      )!,
    );
    expect(formData).toMatchObject({
      entityRef: 'component:default/payments-api',
      tier: 'tier-1',
    });
    expect(formData.rpo).toBeUndefined();
    expect(screen.getByTestId('template-bad-fields')).toHaveTextContent(
      'The template opens with the valid values filled in; RPO needs a new value.',
    );
  });

  it('says once, prominently, that a tier-0 service was never drilled', async () => {
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
            "Never drilled: no completed drill, failover or restore of the service's backups in dr-us.",
          nextStep: 'Run a DR drill and record its RTO.',
        },
        {
          severity: 'risk',
          code: 'schedule-paused',
          message: 'Schedule velero/payments-hourly on prod-eu is paused.',
          nextStep: 'Unpause it.',
        },
      ],
    };
    await renderCard(
      mockApi(async () =>
        recordOf(status, {
          tier: 'tier-0',
          tierRank: 0,
          measuredRtoSeconds: undefined,
        }),
      ),
    );
    const note = await screen.findByTestId('never-drilled');
    expect(note).toHaveTextContent('Never drilled, and tier-0.');
    expect(screen.queryByText(/^Never drilled: no completed/)).toBeNull();
    const items = within(
      screen.getByRole('list', { name: 'Reasons' }),
    ).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent('Unpause it.');
    expect(definition('Last drill')).toHaveTextContent('never');
  });

  it('says where the measured RTO and the last drill come from, and when', async () => {
    const status = compliantStatus();
    await renderCard(mockApi(async () => recordOf(status)));
    const drill = status.lastDrill!;
    await screen.findByText('RTO', { selector: 'dt' });
    expect(definition('RTO')).toHaveTextContent(
      `from Velero Restore ${drill.name} on ${drill.cluster}`,
    );
    expect(definition('Last drill')).toHaveTextContent(
      formatDateTime(drill.completedAt),
    );
    expect(definition('Last drill')).toHaveTextContent(
      `Velero Restore ${drill.name} on ${drill.cluster} (${drill.type})`,
    );
  });

  it('says the first refresh has not judged a declared entity yet (404), and checks again', async () => {
    const api = mockApi(async () => undefined);
    await renderCard(api);

    const banner = await screen.findByRole('status', {
      name: 'Disaster recovery: Not judged yet',
    });
    expect(banner).toHaveTextContent(
      'Declared as tier-1, warm-standby, but the first refresh has not judged this service yet.',
    );
    api.getStatus.mockResolvedValueOnce(recordOf(compliantStatus()));
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(
      await screen.findByRole('status', {
        name: 'Disaster recovery: Compliant',
      }),
    ).toBeInTheDocument();
    expect(api.getStatus).toHaveBeenCalledTimes(2);
  });

  it('shows progress while loading', async () => {
    await renderCard(mockApi(() => new Promise(() => {})));
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows an error with a retry that calls the API again', async () => {
    const api = mockApi(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name: 'Error', message: 'database is locked' },
            response: { statusCode: 500 },
          }),
          {
            status: 500,
            statusText: 'Internal Server Error',
            headers: { 'Content-Type': 'application/json' },
          },
        ),
      );
    });
    await renderCard(api);

    expect(
      await screen.findByText(/Could not load the disaster recovery status/),
    ).toBeInTheDocument();
    expect(screen.getByText('database is locked')).toBeInTheDocument();
    expect(api.getStatus).toHaveBeenCalledTimes(1);

    api.getStatus.mockResolvedValueOnce(recordOf(compliantStatus()));
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(
      await screen.findByRole('status', {
        name: 'Disaster recovery: Compliant',
      }),
    ).toBeInTheDocument();
    expect(api.getStatus).toHaveBeenCalledTimes(2);
  });

  it('shows the active run with a link to its steps on the tab', async () => {
    await renderCard(
      mockApi(async () =>
        recordOf(compliantStatus(), {
          activeRun: { id: 'run-42', type: 'failover', state: 'waiting' },
        }),
      ),
    );
    const note = await screen.findByTestId('active-run');
    expect(note).toHaveTextContent(
      'Failover in progress: waiting for a person.',
    );
    expect(
      within(note).getByRole('link', {
        name: 'Follow run run-42 on the Disaster recovery tab',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/disaster-recovery?run=run-42',
    );
    // No other run while it is active.
    expect(screen.getByRole('button', { name: 'Start drill' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Fail over' })).toBeDisabled();
    expect(screen.queryByTestId('active-cluster')).toBeNull();
  });

  it('says where the service runs after a failover, and offers to fail it back', async () => {
    const since = '2026-11-23T10:00:00.000Z';
    await renderCard(
      mockApi(async () =>
        recordOf(compliantStatus(), {
          activeCluster: 'dr-us',
          activeSince: since,
          activeRunId: 'run-42',
        }),
      ),
    );
    const note = await screen.findByTestId('active-cluster');
    expect(note).toHaveTextContent(
      `Running on dr-us since ${formatDateTime(
        since,
      )} (failover run run-42). It is judged there, as its primary, until a failback completes.`,
    );
    expect(
      within(note).getByRole('link', { name: 'failover run run-42' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/disaster-recovery?run=run-42',
    );
    expect(screen.queryByTestId('active-run')).toBeNull();
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Fail back' })).toBeEnabled(),
    );
    expect(screen.queryByRole('button', { name: 'Fail over' })).toBeNull();
  });

  it('offers a drill and a failover on a service that runs on its primary', async () => {
    await renderCard(mockApi(async () => recordOf(compliantStatus())));
    await screen.findByRole('status', { name: 'Disaster recovery: Compliant' });
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Start drill' })).toBeEnabled(),
    );
    expect(screen.getByRole('button', { name: 'Fail over' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Fail back' })).toBeNull();
    expect(screen.queryByTestId('active-run')).toBeNull();
    expect(screen.queryByTestId('active-cluster')).toBeNull();
  });

  it('uses the times it is given', async () => {
    const now = Date.now();
    const status = compliantStatus(now);
    status.recoveryPoints[1].time = minutesAgo(3 * 60, now);
    await renderCard(mockApi(async () => recordOf(status, {}, now)));
    expect(
      await screen.findByText(
        'Velero backup nightly-20261123 on prod-eu, 3 hours ago',
      ),
    ).toBeInTheDocument();
  });
});
