import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { exampleClusters, exampleOverview } from '../../__fixtures__/overview';
import { DEFAULT_FILTERS, OverviewFilters, filtersToSearch } from './filters';
import { SummaryTiles } from './SummaryTiles';

const tile = (name: string) => screen.getByRole('group', { name });

// The links the page builds: the services table with the filters changed.
const linkTo = (change: Partial<OverviewFilters>) =>
  `?${filtersToSearch({ ...DEFAULT_FILTERS, ...change })}#dr-services`;

describe('SummaryTiles', () => {
  it('counts the services per tier and per verdict, the verdicts adding up to the total, each verdict a link to its services', async () => {
    await renderInTestApp(
      <SummaryTiles
        overview={exampleOverview()}
        clusters={exampleClusters()}
        selectedVerdicts={['breached']}
        linkTo={linkTo}
      />,
    );
    const services = tile('Services');
    expect(services).toHaveTextContent(/^Services20/);
    // tier-0: 3, tier-1: 6, tier-2: 5, tier-3: 3, and 3 services without a tier
    expect(services).toHaveTextContent('tier-03tier-16tier-25tier-33no tier3');
    expect(within(services).getByRole('link')).toHaveAttribute(
      'href',
      '/#dr-services',
    );

    const verdicts = within(tile('By verdict')).getAllByRole('link');
    expect(verdicts.map(b => b.textContent)).toEqual([
      'Breached4',
      'At risk3',
      'Compliant5',
      'Unknown0',
      'Invalid declaration5',
      'Not declared3',
    ]);
    const sum = verdicts.reduce(
      (n, b) => n + Number(b.textContent!.match(/\d+$/)![0]),
      0,
    );
    expect(sum).toBe(20);
    // The selected verdict links back to every verdict; the others to theirs.
    expect(verdicts[0]).toHaveAttribute('aria-current', 'page');
    expect(verdicts[0]).toHaveAttribute('href', '/#dr-services');
    expect(verdicts[1]).toHaveAttribute(
      'href',
      '/?verdict=at-risk#dr-services',
    );
  });

  it('links every tile to the table filtered to what it counts', async () => {
    const overview = exampleOverview();
    await renderInTestApp(
      <SummaryTiles
        overview={overview}
        clusters={exampleClusters()}
        selectedVerdicts={[]}
        linkTo={linkTo}
      />,
    );
    const breached = tile('Breached now');
    expect(breached).toHaveTextContent(/^Breached now4services would lose/);
    expect(within(breached).getByRole('link')).toHaveAttribute(
      'href',
      '/?verdict=breached#dr-services',
    );

    const oldest = tile('Oldest recovery point, tier-0 and tier-1');
    expect(oldest).toHaveTextContent('3 hours ago');
    expect(oldest).toHaveTextContent(
      'orders-db (tier-1): achieved RPO 3h of 1h',
    );
    expect(oldest).toHaveTextContent(
      '2 of 9 without any recovery point that survives the loss of the primary cluster',
    );
    const [first, second] = overview.facets!.tier;
    expect(within(oldest).getByRole('link')).toHaveAttribute(
      'href',
      `/?tier=${first}&tier=${second}&sort=achievedRpo%3Adesc#dr-services`,
    );

    const clusters = tile('Clusters and storage');
    expect(clusters).toHaveTextContent(
      '1 of 2 clusters degraded or unreachable',
    );
    expect(clusters).toHaveTextContent('1 of 2 storage locations unavailable');
    expect(within(clusters).getByRole('link')).toHaveAttribute(
      'href',
      '/?cluster=dr-us#dr-services',
    );
  });

  it('counts a degraded cluster as not ok', async () => {
    const clusters = exampleClusters().map(c => ({
      ...c,
      reachable: true,
      state: c.cluster === 'prod-eu' ? ('degraded' as const) : ('ok' as const),
      storageLocations: [],
    }));
    await renderInTestApp(
      <SummaryTiles
        overview={exampleOverview()}
        clusters={clusters}
        selectedVerdicts={[]}
        linkTo={linkTo}
      />,
    );
    const tileEl = tile('Clusters and storage');
    expect(tileEl).toHaveTextContent(/^Clusters and storage1/);
    expect(within(tileEl).getByRole('link')).toHaveAttribute(
      'href',
      '/?cluster=prod-eu#dr-services',
    );
  });

  it('never says every service meets its targets while some could not be judged', async () => {
    const overview = exampleOverview();
    overview.counts.verdict = { compliant: 2, unknown: 3 };
    overview.totalCount = 5;
    await renderInTestApp(
      <SummaryTiles
        overview={overview}
        selectedVerdicts={[]}
        linkTo={linkTo}
      />,
    );
    expect(tile('Breached now')).toHaveTextContent(
      'None breached among the services judged, but 3 services could not be judged',
    );
    expect(tile('Breached now')).not.toHaveTextContent('Every judged service');
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
        linkTo={linkTo}
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

  it('never says every service meets its targets when the filters match none or some', async () => {
    const overview = exampleOverview();
    overview.counts.verdict = {};
    overview.counts.tier = {};
    overview.totalCount = 0;
    const { rerender } = await renderInTestApp(
      <SummaryTiles
        overview={overview}
        selectedVerdicts={[]}
        linkTo={linkTo}
        filtered
      />,
    );
    expect(tile('Breached now')).toHaveTextContent(
      'No service matches the filters.',
    );
    expect(tile('Breached now')).not.toHaveTextContent('meets');

    rerender(
      <SummaryTiles
        overview={{
          ...overview,
          totalCount: 3,
          counts: { ...overview.counts, verdict: { compliant: 3 } },
        }}
        selectedVerdicts={[]}
        linkTo={linkTo}
        filtered
      />,
    );
    expect(tile('Breached now')).toHaveTextContent(
      'None of the 3 services that match the filters is breached.',
    );
  });
});
