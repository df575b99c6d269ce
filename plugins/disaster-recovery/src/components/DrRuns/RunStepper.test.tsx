import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { DrRun } from '@backstage-dr/plugin-disaster-recovery-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FreshPermissions,
  mockPermissions,
} from '../../__testUtils__/permissions';
import {
  backendError,
  completedDrill,
  failedFailover,
  failoverAtTrafficGate,
  failoverInPreflight,
} from '../../__fixtures__/runs';
import { DisasterRecoveryApi, disasterRecoveryApiRef } from '../../api';
import { formatClockTime } from '../format';
import { RunStepper } from './RunStepper';

configure({ asyncUtilTimeout: 4000 });
jest.setTimeout(20_000);

const ENTITY_REF = 'component:default/payments-api';

type RunApi = jest.Mocked<
  Pick<DisasterRecoveryApi, 'getRun' | 'confirmRun' | 'cancelRun'>
>;

function mockApi(run: DrRun, overrides: Partial<RunApi> = {}): RunApi {
  return {
    getRun: jest.fn(async (_id: string) => run),
    confirmRun: jest.fn(async (_id: string) => ({
      ...run,
      state: 'completed' as const,
      trafficConfirmedBy: 'user:default/jane',
      trafficConfirmedAt: new Date().toISOString(),
      steps: run.steps.map(s =>
        s.name === 'traffic-gate' ? { ...s, state: 'completed' as const } : s,
      ),
    })),
    cancelRun: jest.fn(async (_id: string) => ({
      ...run,
      state: 'cancelling' as const,
    })),
    ...overrides,
  };
}

async function renderStepper(
  run: DrRun,
  options: {
    api?: RunApi;
    denied?: string[];
    initial?: DrRun | null;
    pollIntervalMs?: number;
  } = {},
) {
  const api = options.api ?? mockApi(run);
  const onChange = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [disasterRecoveryApiRef, api],
        [permissionApiRef, mockPermissions(options.denied).api],
      ]}
    >
      <FreshPermissions>
        <RunStepper
          runId={run.id}
          entityRef={ENTITY_REF}
          initial={
            options.initial === null ? undefined : options.initial ?? run
          }
          onChange={onChange}
          pollIntervalMs={options.pollIntervalMs ?? 60_000}
        />
      </FreshPermissions>
    </TestApiProvider>,
  );
  return { api, onChange };
}

const step = (name: string) => screen.getByTestId(`step-${name}`);

describe('RunStepper', () => {
  it('shows every step of a run with its state and times', async () => {
    const run = failoverAtTrafficGate();
    await renderStepper(run);
    expect(
      screen.getByRole('heading', { name: 'Failover run run-42' }),
    ).toBeInTheDocument();
    const states = screen
      .getAllByTestId(/^step-/)
      .map(s => [s.dataset.testid, s.dataset.state]);
    expect(states).toEqual([
      ['step-preflight', 'completed'],
      ['step-fence', 'completed'],
      ['step-promote', 'completed'],
      ['step-scale-up-and-verify', 'completed'],
      ['step-traffic-gate', 'waiting'],
    ]);
    const preflight = run.steps[0];
    expect(step('preflight')).toHaveTextContent(
      `Completed · started ${formatClockTime(
        preflight.startedAt!,
      )} · ended ${formatClockTime(preflight.endedAt!)} · 2m`,
    );
    expect(step('traffic-gate')).toHaveTextContent('Waiting for confirmation');
    expect(screen.getByText('Waiting for a person')).toBeInTheDocument();
    expect(screen.getByText('from prod-eu to dr-us')).toBeInTheDocument();
    expect(screen.getByText('20m')).toBeInTheDocument(); // measured RTO
  });

  it('shows log lines and objects when opened', async () => {
    await renderStepper(failoverAtTrafficGate());
    const preflight = within(step('preflight'));
    expect(preflight.queryByRole('list', { name: 'Log' })).toBeNull();
    await userEvent.click(
      preflight.getByRole('button', { name: 'Show log (2 lines)' }),
    );
    const log = await preflight.findByRole('list', { name: 'Log' });
    expect(log).toHaveTextContent('dr-us is reachable');
    expect(log).toHaveTextContent('WARN Replication lag is 42s');

    const fence = within(step('fence'));
    await userEvent.click(
      fence.getByRole('button', { name: 'Show objects (1)' }),
    );
    expect(
      await fence.findByRole('list', { name: 'Fence objects' }),
    ).toHaveTextContent('patch Deployment payments/payments-api on prod-eu');
  });

  it('confirms the traffic gate', async () => {
    const run = failoverAtTrafficGate();
    const { api, onChange } = await renderStepper(run);
    const gate = within(step('traffic-gate'));
    const confirm = await gate.findByRole('button', {
      name: 'Traffic now goes to dr-us: confirm',
    });
    await waitFor(() => expect(confirm).toBeEnabled());
    // Past promote: it cannot be cancelled.
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    await userEvent.click(confirm);
    expect(api.confirmRun).toHaveBeenCalledWith('run-42');
    expect(await screen.findByText('Completed')).toBeInTheDocument();
    expect(step('traffic-gate')).toHaveTextContent(
      'jane confirmed that traffic goes to dr-us',
    );
    expect(
      screen.queryByRole('button', { name: /Traffic now goes to/ }),
    ).toBeNull();
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ id: 'run-42', state: 'completed' }),
    );
  });

  it('disables the confirmation for a user who may not update runs', async () => {
    await renderStepper(failoverAtTrafficGate(), {
      denied: ['disaster-recovery.run.update'],
    });
    const confirm = within(step('traffic-gate')).getByRole('button', {
      name: 'Traffic now goes to dr-us: confirm',
    });
    await waitFor(() =>
      expect(
        confirm.closest('[data-testid="disabled-reason"]'),
      ).toHaveAttribute(
        'title',
        'You are not allowed to confirm the runs of this service.',
      ),
    );
    expect(confirm).toBeDisabled();
  });

  it('cancels a run before promote', async () => {
    const run = failoverInPreflight();
    const { api } = await renderStepper(run);
    const cancel = screen.getByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(cancel).toBeEnabled());
    await userEvent.click(cancel);
    expect(api.cancelRun).toHaveBeenCalledWith('run-42');
    expect(await screen.findByText('Cancelling')).toBeInTheDocument();
  });

  it("shows the backend's 409 when the run promoted meanwhile", async () => {
    const run = failoverInPreflight();
    const api = mockApi(run, {
      cancelRun: jest.fn(async (_id: string): Promise<DrRun> => {
        throw await backendError(
          409,
          'ConflictError',
          'run-42 has promoted: it can no longer be cancelled',
        );
      }),
    });
    await renderStepper(run, { api });
    const cancel = screen.getByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(cancel).toBeEnabled());
    await userEvent.click(cancel);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not cancel: run-42 has promoted: it can no longer be cancelled',
    );
  });

  it('reads an active run again until it ends', async () => {
    const first = failoverInPreflight();
    const second = failoverAtTrafficGate();
    const done: DrRun = {
      ...second,
      state: 'completed',
      steps: second.steps.map(s => ({ ...s, state: 'completed' as const })),
    };
    const api = mockApi(first);
    api.getRun
      .mockResolvedValueOnce(second)
      .mockResolvedValueOnce(done)
      .mockResolvedValue(done);
    await renderStepper(first, { api, pollIntervalMs: 400 });
    expect(step('preflight')).toHaveAttribute('data-state', 'running');
    await waitFor(() =>
      expect(step('traffic-gate')).toHaveAttribute('data-state', 'completed'),
    );
    const reads = api.getRun.mock.calls.length;
    expect(reads).toBe(2);
    await new Promise(resolve => setTimeout(resolve, 1000));
    expect(api.getRun).toHaveBeenCalledTimes(reads);
    expect(api.getRun).toHaveBeenCalledWith('run-42');
  });

  it('loads a run it is not given, and does not poll a finished one', async () => {
    const run = completedDrill();
    const { api } = await renderStepper(run, {
      initial: null,
      pollIntervalMs: 20,
    });
    expect(
      await screen.findByRole('heading', { name: 'Drill run run-7' }),
    ).toBeInTheDocument();
    expect(screen.getByText('38m')).toBeInTheDocument();
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(api.getRun).toHaveBeenCalledTimes(1);
  });

  it('shows why a run failed, its failed step opened', async () => {
    await renderStepper(failedFailover());
    expect(step('promote')).toHaveAttribute('data-state', 'failed');
    expect(
      within(step('promote')).getByText(
        'the replica did not become primary within 10m',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'promote: the replica did not become primary within 10m',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('up to 2h (accepted)')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
  });
});
