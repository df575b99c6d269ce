import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import {
  completedDrill,
  failedFailover,
  failoverAtTrafficGate,
} from '../../__fixtures__/runs';
import { formatDateTime, formatRelativeTime } from '../format';
import { RunHistoryTable } from './RunHistoryTable';

const cellsOf = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map(c => c.textContent);

describe('RunHistoryTable', () => {
  it('shows each run: type, who, when, result, measured RTO, data lost and a link to its steps', async () => {
    const now = Date.now();
    const drill = completedDrill(now);
    const failed = failedFailover(now);
    const active = failoverAtTrafficGate(now);
    await renderInTestApp(
      <RunHistoryTable runs={[active, drill, failed]} selectedRunId="run-42" />,
    );
    const table = within(screen.getByRole('table'));
    expect(table.getAllByRole('columnheader').map(h => h.textContent)).toEqual([
      'Type',
      'Started by',
      'Started',
      'Result',
      'Measured RTO',
      'Data lost',
      'Steps',
    ]);
    const rows = table.getAllByRole('row').slice(1);
    expect(rows.map(cellsOf)).toEqual([
      [
        'Failover',
        'jane',
        `${formatDateTime(active.createdAt)}${formatRelativeTime(
          active.createdAt,
        )}`,
        'Waiting for a person',
        '20m',
        'up to 12m',
        'shown above',
      ],
      [
        'Drill',
        'sam',
        `${formatDateTime(drill.createdAt)}${formatRelativeTime(
          drill.createdAt,
        )}`,
        'Completed',
        '38m',
        'none (drill)',
        'Show steps',
      ],
      [
        'Failover',
        'jane',
        `${formatDateTime(failed.createdAt)}${formatRelativeTime(
          failed.createdAt,
        )}`,
        'Failed',
        '—',
        'up to 2h (accepted)',
        'Show steps',
      ],
    ]);
    expect(
      within(rows[1]).getByRole('link', {
        name: 'Show the steps of run run-7',
      }),
    ).toHaveAttribute('href', '/?run=run-7');
    expect(within(rows[1]).getByTestId('status-ok')).toBeInTheDocument();
    expect(within(rows[2]).getByTestId('status-error')).toBeInTheDocument();
  });

  it('says when nothing has been run', async () => {
    await renderInTestApp(<RunHistoryTable runs={[]} />);
    expect(
      screen.getByText(
        'No drill, failover or failback has been run from Backstage yet.',
      ),
    ).toBeInTheDocument();
  });
});
