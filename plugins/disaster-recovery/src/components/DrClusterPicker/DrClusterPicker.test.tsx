import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { exampleClusters } from '../../__fixtures__/overview';
import { DisasterRecoveryApi, disasterRecoveryApiRef } from '../../api';
import { DrClusterPicker } from './DrClusterPicker';

/**
 * The picker as the scaffolder's form holds it: the form keeps the value and hands it back as
 * `formData`; `onValue` sees every change.
 */
function FormHarness(props: {
  initial?: string;
  onValue: (value: string | undefined) => void;
  rawErrors?: string[];
}) {
  const [value, setValue] = useState(props.initial);
  // Only what the field reads; the rest of rjsf's field props (registry, ...) is not used.
  const fieldProps = {
    name: 'primaryCluster',
    schema: { type: 'string', title: 'Primary cluster' },
    uiSchema: { 'ui:field': 'DrClusterPicker' },
    idSchema: { $id: 'root_primaryCluster' },
    required: true,
    rawErrors: props.rawErrors,
    formData: value,
    onChange: (next: string | undefined) => {
      setValue(next);
      props.onValue(next);
    },
  } as unknown as FieldExtensionComponentProps<string>;
  return <DrClusterPicker {...fieldProps} />;
}

async function renderPicker(
  api: Pick<DisasterRecoveryApi, 'getClusters'>,
  initial?: string,
  rawErrors?: string[],
) {
  const onValue = jest.fn();
  await renderInTestApp(
    <TestApiProvider apis={[[disasterRecoveryApiRef, api]]}>
      <FormHarness initial={initial} onValue={onValue} rawErrors={rawErrors} />
    </TestApiProvider>,
  );
  return onValue;
}

const input = () => screen.getByRole('textbox', { name: /Primary cluster/ });

describe('DrClusterPicker', () => {
  it('offers the clusters the DR backend knows, in name order, each with its state', async () => {
    const api = {
      getClusters: jest.fn(async () => ({ items: exampleClusters() })),
    };
    const onValue = await renderPicker(api);
    await waitFor(() => expect(api.getClusters).toHaveBeenCalledTimes(1));
    await userEvent.click(input());
    const options = within(await screen.findByRole('listbox')).getAllByRole(
      'option',
    );
    expect(options.map(o => o.textContent)).toEqual([
      'dr-usunreachable',
      'prod-euOK',
    ]);
    await userEvent.click(options[1]);
    expect(input()).toHaveValue('prod-eu');
    expect(onValue).toHaveBeenLastCalledWith('prod-eu');
  });

  it('keeps a value the form opens with (a default or "Fix with the template"), and says when that cluster was not OK', async () => {
    const api = {
      getClusters: jest.fn(async () => ({ items: exampleClusters() })),
    };
    const onValue = await renderPicker(api, 'dr-us');
    expect(input()).toHaveValue('dr-us');
    expect(
      await screen.findByText('dr-us was unreachable at the last refresh.'),
    ).toBeInTheDocument();
    expect(onValue).not.toHaveBeenCalled();
  });

  it('takes a name it does not offer, and says that the backend does not know it', async () => {
    const api = {
      getClusters: jest.fn(async () => ({ items: exampleClusters() })),
    };
    const onValue = await renderPicker(api);
    await waitFor(() => expect(api.getClusters).toHaveBeenCalled());
    await userEvent.type(input(), 'prod-ap');
    expect(onValue).toHaveBeenLastCalledWith('prod-ap');
    await userEvent.keyboard('{Escape}');
    expect(input()).toHaveValue('prod-ap');
    expect(
      await screen.findByText(
        '"prod-ap" is not among the clusters the DR backend knows (dr-us, prod-eu).',
      ),
    ).toBeInTheDocument();
    // Clearing the field clears the value (a required field is then reported by the form).
    await userEvent.clear(input());
    expect(onValue).toHaveBeenLastCalledWith(undefined);
  });

  it('stays a free text field when the clusters cannot be read', async () => {
    const api = {
      getClusters: jest.fn(async () => {
        throw new Error('403 Forbidden');
      }),
    };
    const onValue = await renderPicker(api);
    expect(
      await screen.findByText(
        "Could not read the known clusters (403 Forbidden); type the cluster's name.",
      ),
    ).toBeInTheDocument();
    await userEvent.type(input(), 'prod-eu');
    expect(onValue).toHaveBeenLastCalledWith('prod-eu');
  });

  it('marks the field invalid when the form reports an error for it', async () => {
    const api = { getClusters: jest.fn(async () => ({ items: [] })) };
    await renderPicker(api, undefined, [
      "must have required property 'primaryCluster'",
    ]);
    await waitFor(() => expect(api.getClusters).toHaveBeenCalled());
    expect(input()).toHaveAttribute('aria-invalid', 'true');
  });
});
