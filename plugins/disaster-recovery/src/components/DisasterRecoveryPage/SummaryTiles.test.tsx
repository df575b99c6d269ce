import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { exampleClusters, exampleOverview } from '../../__fixtures__/overview';
import { SummaryTiles } from './SummaryTiles';

const tile = (name: string) => screen.getByRole('group', { name });

describe('SummaryTiles', () => {
  it('counts the services per tier and per verdict, the verdicts adding up to the total', async () => {
    const onVerdict = jest.fn();
    await renderInTestApp(
      <SummaryTiles
        overview={exampleOverview()}
        clusters={exampleClusters()}
        selectedVerdicts={['breached']}
        onVerdict={onVerdict}
      />,
    );
    const services = tile('Services');
    expect(services).toHaveTextContent(/^Services20/);
    // tier-0: 3, tier-1: 6, tier-2: 5, tier-3: 3, and 3 services without a tier
    expect(services).toHaveTextContent('tier-03tier-16tier-25tier-33no tier3');

    const verdicts = within(tile('By verdict')).getAllByRole('button');
    expect(verdicts.map(b => b.getAttribute('aria-label'))).toEqual([
      'Breached: 4',
      'At risk: 3',
      'Compliant: 5',
      'Unknown: 0',
      'Invalid declaration: 5',
      'Not declared: 3',
    ]);
    const sum = verdicts.reduce(
      (n, b) => n + Number(b.getAttribute('aria-label')!.split(': ')[1]),
      0,
    );
    expect(sum).toBe(20);
    expect(verdicts[0]).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(
      within(tile('By verdict')).getByRole('button', { name: 'At risk: 3' }),
    );
    expect(onVerdict).toHaveBeenCalledWith('at-risk');
  });

  it('shows the breached services now, the oldest tier-0/1 recovery point and the unavailable clusters and storage', async () => {
    await renderInTestApp(
      <SummaryTiles
        overview={exampleOverview()}
        clusters={exampleClusters()}
        selectedVerdicts={[]}
        onVerdict={jest.fn()}
        breachedHref="?verdict=breached"
      />,
    );
    const breached = tile('Breached now');
    expect(breached).toHaveTextContent(/^Breached now4services would lose/);
    expect(
      within(breached).getByRole('link', {
        name: 'Show the breached services',
      }),
    ).toHaveAttribute('href', '/?verdict=breached');

    const oldest = tile('Oldest recovery point, tier-0 and tier-1');
    expect(oldest).toHaveTextContent('3 hours ago');
    expect(oldest).toHaveTextContent(
      'orders-db (tier-1): achieved RPO 3h of 1h',
    );
    expect(oldest).toHaveTextContent(
      '2 of 9 without any recovery point that survives the loss of the primary cluster',
    );

    const clusters = tile('Clusters and storage');
    expect(clusters).toHaveTextContent('1 of 2 clusters unreachable');
    expect(clusters).toHaveTextContent('1 of 2 storage locations unavailable');
  });

  it('says when no breach, no critical service and no cluster health', async () => {
    const overview = exampleOverview();
    overview.counts.verdict = { compliant: 2 };
    overview.counts.tier = { 'tier-2': 2 };
    overview.totalCount = 2;
    overview.criticalRecoveryPoints = undefined;
    await renderInTestApp(
      <SummaryTiles
        overview={overview}
        selectedVerdicts={[]}
        onVerdict={jest.fn()}
      />,
    );
    expect(tile('Breached now')).toHaveTextContent(
      'Every judged service meets its RPO and RTO targets.',
    );
    expect(tile('Oldest recovery point, tier-0 and tier-1')).toHaveTextContent(
      'No tier-0 or tier-1 service matches.',
    );
    expect(tile('Clusters and storage')).toHaveTextContent(
      'Cluster health not loaded.',
    );
  });
});
