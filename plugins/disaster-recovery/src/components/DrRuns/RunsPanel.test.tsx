import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  DrRun,
  DrServiceRecord,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import {
  FreshPermissions,
  mockPermissions,
} from '../../__testUtils__/permissions';
import {
  compliantStatus,
  declaredEntity,
  recordOf,
} from '../../__fixtures__/records';
import {
  completedDrill,
  drillPlan,
  failoverAtTrafficGate,
} from '../../__fixtures__/runs';
import { DisasterRecoveryApi, disasterRecoveryApiRef } from '../../api';
import { RunsPanel } from './RunsPanel';

configure({ asyncUtilTimeout: 4000 });
jest.setTimeout(20_000);

function mockApi(runs: DrRun[]) {
  return {
    listRuns: jest.fn(async () => ({ items: runs })),
    getRun: jest.fn(
      async (id: string) => runs.find(r => r.id === id) ?? runs[0],
    ),
    planRun: jest.fn(async () => drillPlan()),
    createRun: jest.fn(),
    confirmRun: jest.fn(),
    cancelRun: jest.fn(),
  } satisfies Partial<DisasterRecoveryApi>;
}

async function renderPanel(
  api: ReturnType<typeof mockApi>,
  record: DrServiceRecord,
  path = '/',
) {
  const onRunEnded = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [disasterRecoveryApiRef, api],
        [permissionApiRef, mockPermissions().api],
      ]}
    >
      <FreshPermissions>
        <RunsPanel
          entity={declaredEntity}
          record={record}
          onRunEnded={onRunEnded}
        />
      </FreshPermissions>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return { onRunEnded };
}

describe('RunsPanel', () => {
  it('follows the active run, blocks new ones, and shows a past run from the history', async () => {
    const active = failoverAtTrafficGate();
    const api = mockApi([active, completedDrill()]);
    await renderPanel(
      api,
      recordOf(compliantStatus(), {
        activeRun: { id: 'run-42', type: 'failover', state: 'waiting' },
      }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Failover run run-42' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start drill' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Fail over' })).toBeDisabled();
    expect(api.listRuns).toHaveBeenCalledWith('component:default/payments-api');

    await userEvent.click(
      await screen.findByRole('link', { name: 'Show the steps of run run-7' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'Drill run run-7' }),
    ).toBeInTheDocument();
    // Still active: the buttons stay disabled.
    expect(screen.getByRole('button', { name: 'Start drill' })).toBeDisabled();
  });

  it('opens the run named in the address', async () => {
    const api = mockApi([completedDrill()]);
    await renderPanel(api, recordOf(compliantStatus()), '/?run=run-7');
    expect(
      await screen.findByRole('heading', { name: 'Drill run run-7' }),
    ).toBeInTheDocument();
  });

  it('shows a started drill at once, and reads the history and status again when it ends', async () => {
    const started: DrRun = {
      ...completedDrill(),
      id: 'run-8',
      state: 'pending',
      endedAt: undefined,
      measuredRtoSeconds: undefined,
      steps: completedDrill().steps.map(s => ({
        ...s,
        state: 'pending' as const,
        startedAt: undefined,
        endedAt: undefined,
      })),
    };
    const api = mockApi([completedDrill()]);
    api.createRun.mockResolvedValue(started);
    api.getRun.mockResolvedValue({ ...completedDrill(), id: 'run-8' });
    const { onRunEnded } = await renderPanel(api, recordOf(compliantStatus()));
    expect(await screen.findByText(/No run is active/)).toBeInTheDocument();

    const startDrill = screen.getByRole('button', { name: 'Start drill' });
    await waitFor(() => expect(startDrill).toBeEnabled());
    await userEvent.click(startDrill);
    const dialog = within(await screen.findByRole('dialog'));
    await dialog.findByRole('list', { name: 'Plan' });
    await userEvent.click(dialog.getByRole('button', { name: 'Start drill' }));

    expect(
      await screen.findByRole('heading', { name: 'Drill run run-8' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Start drill' })).toBeDisabled();
    // The stepper reads it again (2 s later) and finds it completed.
    await waitFor(() => expect(onRunEnded).toHaveBeenCalledTimes(1), {
      timeout: 6000,
    });
    expect(api.listRuns.mock.calls.length).toBeGreaterThanOrEqual(3);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Start drill' })).toBeEnabled(),
    );
  });

  it('reads the status again after a run ends until a refresh has judged the run', async () => {
    const running: DrRun = {
      ...completedDrill(),
      id: 'run-9',
      state: 'running',
      endedAt: undefined,
      measuredRtoSeconds: undefined,
    };
    const api = mockApi([running]);
    api.getRun.mockResolvedValue({
      ...completedDrill(),
      id: 'run-9',
      endedAt: new Date().toISOString(),
    });
    const onRunEnded = jest.fn();
    // The status as the tab holds it: judged 3 minutes ago until the third read finds the
    // refresh that took the run in.
    function Tab() {
      const [record, setRecord] = useState(recordOf(compliantStatus()));
      return (
        <RunsPanel
          entity={declaredEntity}
          record={record}
          judgedPollIntervalMs={100}
          onRunEnded={() => {
            onRunEnded();
            if (onRunEnded.mock.calls.length === 3) {
              setRecord(r => ({
                ...r,
                updatedAt: new Date(Date.now() + 1000).toISOString(),
              }));
            }
          }}
        />
      );
    }
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [disasterRecoveryApiRef, api],
          [permissionApiRef, mockPermissions().api],
        ]}
      >
        <FreshPermissions>
          <Tab />
        </FreshPermissions>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByRole('heading', { name: 'Drill run run-9' }),
    ).toBeInTheDocument();
    // The stepper reads the run again (2 s later) and finds it ended: the status is read at
    // once, then every 100 ms until it was judged after the run ended.
    await waitFor(() => expect(onRunEnded).toHaveBeenCalledTimes(3), {
      timeout: 6000,
    });
    await new Promise(r => setTimeout(r, 500));
    expect(onRunEnded).toHaveBeenCalledTimes(3);
  });
});
