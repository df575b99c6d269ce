import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { overviewRecord } from '../../__fixtures__/overview';
import { AttentionList } from './AttentionList';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

const region = () => screen.getByRole('region', { name: /^Needs attention/ });

describe('AttentionList', () => {
  it('lists the services that need attention with their next step', async () => {
    await renderInTestApp(
      <AttentionList
        items={[
          overviewRecord('ledger-db', {
            verdict: 'breached',
            firstReason: 'Never backed up. Add a Velero Schedule.',
            firstNextStep: 'Add a Velero Schedule.',
          }),
        ]}
        totalCount={1}
        matchingCount={20}
        unknownCount={2}
        filtered={false}
        allHref="?verdict=breached&verdict=at-risk"
        unknownHref="?verdict=unknown"
      />,
      { mountedRoutes },
    );
    expect(region()).toHaveAccessibleName('Needs attention (1)');
    const [item] = within(region()).getAllByRole('listitem');
    expect(item).toHaveTextContent('Never backed up.');
    expect(item).toHaveTextContent('Next step: Add a Velero Schedule.');
    expect(screen.queryByTestId('attention-empty')).not.toBeInTheDocument();
  });

  it('says all clear only when every matching service could be judged', async () => {
    await renderInTestApp(
      <AttentionList
        items={[]}
        totalCount={0}
        matchingCount={20}
        unknownCount={0}
        filtered={false}
        allHref="?"
        unknownHref="?verdict=unknown"
      />,
      { mountedRoutes },
    );
    expect(screen.getByTestId('attention-empty')).toHaveTextContent(
      /^No service is breached or at risk\.$/,
    );
    expect(within(region()).queryByRole('link')).not.toBeInTheDocument();
  });

  it('never reads as all clear while some services could not be judged, and says how many', async () => {
    await renderInTestApp(
      <AttentionList
        items={[]}
        totalCount={0}
        matchingCount={20}
        unknownCount={3}
        filtered={false}
        allHref="?"
        unknownHref="?verdict=unknown#dr-services"
      />,
      { mountedRoutes },
    );
    const empty = screen.getByTestId('attention-empty');
    expect(empty).toHaveTextContent(
      'None breached or at risk among the services judged, but 3 services could not be judged: their evidence could not be read.',
    );
    expect(empty).not.toHaveTextContent('No service is breached or at risk');
    expect(
      within(region()).getByRole('link', {
        name: 'Show the services not judged',
      }),
    ).toHaveAttribute('href', '/?verdict=unknown#dr-services');
  });

  it('counts a single service that could not be judged among filtered services too', async () => {
    await renderInTestApp(
      <AttentionList
        items={[]}
        totalCount={0}
        matchingCount={4}
        unknownCount={1}
        filtered
        allHref="?"
        unknownHref="?tier=tier-1&verdict=unknown"
      />,
      { mountedRoutes },
    );
    expect(screen.getByTestId('attention-empty')).toHaveTextContent(
      'but 1 service could not be judged',
    );
    expect(screen.getByTestId('attention-empty')).not.toHaveTextContent(
      'None of the 4 services',
    );
    expect(
      screen.getByRole('link', { name: 'Show the service not judged' }),
    ).toBeInTheDocument();
  });
});
