import { permissionApiRef } from '@backstage/plugin-permission-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { DrRun } from '@backstage-dr/plugin-disaster-recovery-common';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  backendError,
  drillPlan,
  failoverAtTrafficGate,
  failoverPlan,
} from '../../__fixtures__/runs';
import {
  FreshPermissions,
  mockPermissions,
} from '../../__testUtils__/permissions';
import { DisasterRecoveryApi, disasterRecoveryApiRef } from '../../api';
import { RunActions } from './RunActions';

configure({ asyncUtilTimeout: 4000 });
jest.setTimeout(20_000);

const ENTITY_REF = 'component:default/payments-api';

function mockApi(overrides: Partial<DisasterRecoveryApi> = {}) {
  return {
    planRun: jest.fn(async (request: { type: string }) =>
      request.type === 'drill' ? drillPlan() : failoverPlan(),
    ),
    createRun: jest.fn(async () => failoverAtTrafficGate()),
    ...overrides,
  } as jest.Mocked<Pick<DisasterRecoveryApi, 'planRun' | 'createRun'>>;
}

async function renderActions(
  options: {
    api?: ReturnType<typeof mockApi>;
    denied?: string[];
    activeCluster?: string;
    activeRun?: { id: string; type: DrRun['type'] };
  } = {},
) {
  const api = options.api ?? mockApi();
  const perms = mockPermissions(options.denied);
  const onStarted = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [disasterRecoveryApiRef, api],
        [permissionApiRef, perms.api],
      ]}
    >
      <FreshPermissions>
        <RunActions
          entityRef={ENTITY_REF}
          entityName="payments-api"
          record={{ activeCluster: options.activeCluster }}
          activeRun={options.activeRun}
          onStarted={onStarted}
        />
      </FreshPermissions>
    </TestApiProvider>,
  );
  return { api, onStarted, authorize: perms.authorize };
}

const button = (name: string) => screen.getByRole('button', { name });

/** The tooltip of a disabled button, shown on hover of its wrapper. */
async function reasonOf(name: string) {
  const wrapper = button(name).closest(
    '[data-testid="disabled-reason"]',
  ) as HTMLElement;
  expect(wrapper).not.toBeNull();
  await userEvent.hover(wrapper);
  return (await screen.findByRole('tooltip')).textContent;
}

describe('RunActions', () => {
  it('offers a drill and a failover to a permitted user, asking for the entity', async () => {
    const { authorize } = await renderActions();
    await waitFor(() => expect(button('Start drill')).toBeEnabled());
    expect(button('Fail over')).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Fail back' })).toBeNull();
    const asked = authorize.mock.calls.map(([r]) => [
      r.permission.name,
      r.resourceRef,
    ]);
    expect(asked).toEqual(
      expect.arrayContaining([
        ['disaster-recovery.drill.create', ENTITY_REF],
        ['disaster-recovery.failover.create', ENTITY_REF],
        ['disaster-recovery.failback.create', ENTITY_REF],
      ]),
    );
  });

  it('offers a failback, not a failover, once the service runs on its recovery cluster', async () => {
    await renderActions({ activeCluster: 'dr-us' });
    await waitFor(() => expect(button('Fail back')).toBeEnabled());
    expect(screen.queryByRole('button', { name: 'Fail over' })).toBeNull();
    expect(button('Start drill')).toBeEnabled();
  });

  it('disables what the user may not do, saying why', async () => {
    await renderActions({ denied: ['disaster-recovery.failover.create'] });
    await waitFor(() => expect(button('Start drill')).toBeEnabled());
    expect(button('Fail over')).toBeDisabled();
    expect(await reasonOf('Fail over')).toBe(
      'You are not allowed to fail over payments-api.',
    );
  });

  it('disables every button while a run is active, naming it', async () => {
    await renderActions({ activeRun: { id: 'run-42', type: 'failover' } });
    expect(button('Start drill')).toBeDisabled();
    expect(button('Fail over')).toBeDisabled();
    expect(await reasonOf('Start drill')).toBe(
      'A failover of payments-api (run run-42) is in progress: one run at a time.',
    );
  });

  it('disables a failback the user may not start', async () => {
    await renderActions({
      activeCluster: 'dr-us',
      denied: ['disaster-recovery.failback.create'],
    });
    await waitFor(() => expect(button('Start drill')).toBeEnabled());
    expect(button('Fail back')).toBeDisabled();
    expect(await reasonOf('Fail back')).toBe(
      'You are not allowed to fail back payments-api.',
    );
  });
});

describe('StartRunDialog', () => {
  async function openDialog(
    action: string,
    options: Parameters<typeof renderActions>[0] = {},
  ) {
    const rendered = await renderActions(options);
    await waitFor(() => expect(button(action)).toBeEnabled());
    await userEvent.click(button(action));
    const dialog = within(await screen.findByRole('dialog'));
    await dialog.findByRole('list', { name: 'Plan' });
    return { ...rendered, dialog };
  }

  it('shows the plan of a failover: every step, its objects and their bodies, and the data-loss window', async () => {
    const { api, dialog } = await openDialog('Fail over');
    expect(api.planRun).toHaveBeenCalledWith({
      type: 'failover',
      entityRef: ENTITY_REF,
      primaryUnreachable: false,
    });
    expect(
      dialog.getByRole('heading', {
        name: 'Fail payments-api over from prod-eu to dr-us',
      }),
    ).toBeInTheDocument();
    expect(dialog.getByTestId('data-loss')).toHaveTextContent(
      'You would lose up to 12m of data',
    );

    const steps = dialog
      .getAllByRole('listitem')
      .filter(li => li.dataset.testid?.startsWith('plan-step-'));
    expect(steps.map(s => s.dataset.testid)).toEqual([
      'plan-step-preflight',
      'plan-step-fence',
      'plan-step-promote',
      'plan-step-scale-up-and-verify',
      'plan-step-traffic-gate',
    ]);
    const fence = within(dialog.getByTestId('plan-step-fence'));
    const object = fence.getByTestId('object-change');
    expect(object).toHaveTextContent(
      'patch Deployment payments/payments-api on prod-eu (apps/v1)',
    );
    expect(object.querySelector('code.language-json')).toBeNull();
    await userEvent.click(
      within(object).getByRole('button', { name: 'Show the patch' }),
    );
    await waitFor(() =>
      expect(object.querySelector('code.language-json')?.textContent).toContain(
        '"replicas": 0',
      ),
    );
    expect(
      within(dialog.getByTestId('plan-step-promote')).getByTestId(
        'object-change',
      ),
    ).toHaveTextContent('patch Cluster payments/payments-db-replica on dr-us');
    expect(
      within(dialog.getByTestId('plan-step-preflight')).getByText(
        'Creates or changes no object.',
      ),
    ).toBeInTheDocument();
  });

  it('starts a failover only once the entity name is typed', async () => {
    const { api, dialog, onStarted } = await openDialog('Fail over');
    const start = dialog.getByRole('button', { name: 'Fail over' });
    expect(start).toBeDisabled();
    const input = dialog.getByLabelText('Type payments-api to confirm');
    await userEvent.type(input, 'payments');
    expect(start).toBeDisabled();
    await userEvent.type(input, '-api');
    expect(start).toBeEnabled();
    await userEvent.click(start);
    await waitFor(() => expect(onStarted).toHaveBeenCalled());
    expect(api.createRun).toHaveBeenCalledWith({
      type: 'failover',
      entityRef: ENTITY_REF,
    });
    expect(onStarted.mock.calls[0][0].id).toBe('run-42');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('asks to accept the data loss above the RPO and passes the options', async () => {
    const api = mockApi({
      planRun: jest.fn(async () =>
        failoverPlan({
          dataLossWindowSeconds: 2 * 3600,
          needsAcceptDataLoss: true,
          warnings: ['Replication of payments-db-replica is 2h behind'],
        }),
      ),
    });
    const { dialog } = await openDialog('Fail over', { api });
    expect(dialog.getByTestId('data-loss')).toHaveTextContent(
      'You would lose up to 2h of data',
    );
    expect(
      within(dialog.getByRole('list', { name: 'Warnings' })).getByText(
        'Replication of payments-db-replica is 2h behind',
      ),
    ).toBeInTheDocument();
    await userEvent.type(
      dialog.getByLabelText('Type payments-api to confirm'),
      'payments-api',
    );
    const start = dialog.getByRole('button', { name: 'Fail over' });
    expect(start).toBeDisabled();
    await userEvent.click(
      dialog.getByLabelText('Accept the data loss: up to 2h of data'),
    );
    await userEvent.click(
      dialog.getByLabelText(
        'The primary prod-eu is unreachable: go on without fencing it',
      ),
    );
    // Unreachable changes what the fence touches: the plan is asked again.
    await waitFor(() =>
      expect(api.planRun).toHaveBeenLastCalledWith({
        type: 'failover',
        entityRef: ENTITY_REF,
        primaryUnreachable: true,
      }),
    );
    await waitFor(() => expect(start).toBeEnabled());
    await userEvent.click(start);
    await waitFor(() =>
      expect(api.createRun).toHaveBeenCalledWith({
        type: 'failover',
        entityRef: ENTITY_REF,
        acceptDataLoss: true,
        primaryUnreachable: true,
      }),
    );
  });

  it('starts a drill without typing, keeping its namespace when asked', async () => {
    const { api, dialog } = await openDialog('Start drill');
    expect(dialog.queryByLabelText(/Type payments-api/)).toBeNull();
    expect(dialog.getByTestId('data-loss')).toHaveTextContent(
      'restores the newest counted recovery point, 12m old, and loses no data',
    );
    await userEvent.click(
      dialog.getByLabelText('Keep the drill namespace after verifying'),
    );
    const start = dialog.getByRole('button', { name: 'Start drill' });
    await waitFor(() => expect(start).toBeEnabled());
    await userEvent.click(start);
    await waitFor(() =>
      expect(api.createRun).toHaveBeenCalledWith({
        type: 'drill',
        entityRef: ENTITY_REF,
        keepNamespace: true,
      }),
    );
  });

  it("shows the backend's refusal to start (409: a run is active)", async () => {
    const api = mockApi({
      createRun: jest.fn(async () => {
        throw await backendError(
          409,
          'ConflictError',
          'component:default/payments-api has an active run run-41',
        );
      }),
    });
    const { dialog, onStarted } = await openDialog('Start drill', { api });
    await userEvent.click(dialog.getByRole('button', { name: 'Start drill' }));
    expect(await dialog.findByRole('alert')).toHaveTextContent(
      'Could not start the drill: component:default/payments-api has an active run run-41',
    );
    expect(onStarted).not.toHaveBeenCalled();
  });

  it('shows why the plan could not be made (403) and starts nothing', async () => {
    const api = mockApi({
      planRun: jest.fn(async () => {
        throw await backendError(403, 'NotAllowedError', 'Not allowed');
      }),
    });
    await renderActions({ api });
    await waitFor(() => expect(button('Fail over')).toBeEnabled());
    await userEvent.click(button('Fail over'));
    const dialog = within(await screen.findByRole('dialog'));
    expect(
      await dialog.findByText(/Could not plan the failover/),
    ).toBeInTheDocument();
    expect(dialog.getByRole('button', { name: 'Fail over' })).toBeDisabled();
  });
});
