import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { DrClusterOverview } from '@backstage-dr/plugin-disaster-recovery-common';
import { exampleClusters } from '../../__fixtures__/overview';
import { ClustersPanel } from './ClustersPanel';

const FORBIDDEN =
  'prod-eu answered 403 Forbidden: backups.velero.io is forbidden: User "system:serviceaccount:backstage:backstage" cannot list resource "backups"';

/** prod-eu answering 403 on Velero's Backups and Schedules, and 503 on Restores. */
function degraded(withMessages: boolean): DrClusterOverview {
  const [, prodEu] = exampleClusters();
  const message = (text: string) => (withMessages ? { message: text } : {});
  return {
    ...prodEu,
    state: 'degraded',
    failingResources: ['backups', 'schedules', 'restores'],
    providers: [{ id: 'velero', title: 'Velero', state: 'unknown' }],
    errors: [
      // Backups are read last: the panel still names them first.
      {
        resources: ['schedules'],
        kind: 'forbidden',
        ...message('prod-eu answered 403 Forbidden: schedules.velero.io'),
      },
      { resources: ['backups'], kind: 'forbidden', ...message(FORBIDDEN) },
      {
        resources: ['restores'],
        kind: 'server-error',
        ...message('prod-eu answered 503: etcd leader changed'),
      },
    ],
  };
}

const row = (cluster: string) =>
  screen.getByRole('cell', { name: cluster }).closest('tr')!;

describe('ClustersPanel', () => {
  it('shows each cluster’s state and what could not be read, by kind of failure', async () => {
    const [drUs] = exampleClusters();
    await renderInTestApp(<ClustersPanel clusters={[drUs, degraded(true)]} />);
    expect(row('prod-eu')).toHaveTextContent('Degraded');
    expect(row('prod-eu')).toHaveTextContent('Backup, Schedule: 403 Forbidden');
    expect(row('prod-eu')).toHaveTextContent('Restore: server error');
    expect(row('prod-eu')).toHaveTextContent(FORBIDDEN);
    expect(row('prod-eu')).toHaveTextContent('503: etcd leader changed');
    expect(row('dr-us')).toHaveTextContent('Unreachable');
    expect(row('dr-us')).toHaveTextContent('not reachable');
    expect(row('dr-us')).toHaveTextContent(
      'dr-us could not be reached: connect ECONNREFUSED',
    );
  });

  it('shows the failing types without messages when the caller may not see them', async () => {
    await renderInTestApp(<ClustersPanel clusters={[degraded(false)]} />);
    expect(row('prod-eu')).toHaveTextContent('Backup, Schedule: 403 Forbidden');
    expect(row('prod-eu')).not.toHaveTextContent('answered');
  });

  it('names the failing types of other providers by their kind, and a company provider’s by its key', async () => {
    const [, prodEu] = exampleClusters();
    await renderInTestApp(
      <ClustersPanel
        clusters={[
          {
            ...prodEu,
            state: 'degraded',
            failingResources: ['acmeSnapshots', 'kastenRestorePoints'],
            providers: [
              { id: 'kasten', title: 'Kasten K10', state: 'unknown' },
            ],
            errors: [
              {
                resources: ['acmeSnapshots', 'kastenRestorePoints'],
                kind: 'server-error',
              },
            ],
          },
        ]}
      />,
    );
    expect(row('prod-eu')).toHaveTextContent(
      'RestorePoint, acmeSnapshots: server error',
    );
  });

  it('says OK for a cluster where everything was read, whatever providers are missing', async () => {
    const [, prodEu] = exampleClusters();
    await renderInTestApp(<ClustersPanel clusters={[prodEu]} />);
    expect(row('prod-eu')).toHaveTextContent('OK');
    expect(row('prod-eu')).not.toHaveTextContent('Degraded');
    expect(screen.getByLabelText('VolSync: not installed')).toBeInTheDocument();
  });

  it('takes new clusters without material-table warning that its columns are static', async () => {
    // material-table checks its columns only in development.
    const env = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    const warn = jest.spyOn(console, 'warn');
    try {
      const [drUs, prodEu] = exampleClusters();
      const { rerender } = await renderInTestApp(<ClustersPanel loading />);
      rerender(<ClustersPanel clusters={[drUs]} />);
      rerender(<ClustersPanel clusters={[drUs]} loading />);
      rerender(<ClustersPanel clusters={[drUs, degraded(true)]} />);
      rerender(<ClustersPanel clusters={[prodEu]} />);
      expect(row('prod-eu')).toHaveTextContent('OK');
      expect(
        screen.queryByRole('cell', { name: 'dr-us' }),
      ).not.toBeInTheDocument();
      expect(warn.mock.calls.filter(([m]) => /static/.test(String(m)))).toEqual(
        [],
      );
    } finally {
      process.env.NODE_ENV = env;
      warn.mockRestore();
    }
  });
});
