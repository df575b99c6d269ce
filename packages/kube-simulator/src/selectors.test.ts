import {
  formatLabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

const labels = {
  app: 'orders',
  tier: 'tier-1',
  'velero.io/schedule-name': 'orders-hourly',
  replicas: '3',
};

describe('label selectors', () => {
  it.each([
    ['app=orders', true],
    ['app==orders', true],
    ['app=payments', false],
    ['app!=payments', true],
    ['missing!=x', true],
    ['tier in (tier-0, tier-1)', true],
    ['tier in (tier-0)', false],
    ['missing in (x)', false],
    ['tier notin (tier-0)', true],
    ['missing notin (x)', true],
    ['velero.io/schedule-name', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['replicas>2', true],
    ['replicas<3', false],
    ['app=orders, tier notin (tier-0), !missing', true],
    ['app=orders,tier=tier-0', false],
    ['', true],
    ['app=', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('matches an empty value against an empty label', () => {
    expect(matchesLabels(parseLabelSelector('app='), { app: '' })).toBe(true);
  });

  it('parses requirements into their parts', () => {
    expect(parseLabelSelector('a in (x,y),!b,c!=d')).toEqual([
      { key: 'a', operator: 'in', values: ['x', 'y'] },
      { key: 'b', operator: '!' },
      { key: 'c', operator: '!=', value: 'd' },
    ]);
  });

  it.each([
    'tier in (a',
    'tier in a',
    'a=b=c',
    'a b',
    '=b',
    'replicas>x',
    'bad key=x',
    'a=not valid!',
    'Upper_/x=y',
  ])('rejects %s with a BadRequest', selector => {
    expect(() => parseLabelSelector(selector)).toThrow(
      expect.objectContaining({ code: 400, reason: 'BadRequest' }),
    );
  });
});

describe('field selectors', () => {
  const pod = {
    metadata: { name: 'web-0', namespace: 'shop' },
    spec: { nodeName: 'node-1' },
    status: { phase: 'Running' },
  };
  const pods = { group: '', plural: 'pods' };

  it.each([
    ['metadata.name=web-0', true],
    ['metadata.name==web-0', true],
    ['metadata.name!=web-0', false],
    ['metadata.namespace=shop,status.phase=Running', true],
    ['status.phase!=Running', false],
    ['spec.nodeName=', false],
  ])('%s matches: %s', (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector, pods), pod)).toBe(
      expected,
    );
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('metadata.name=a\\,b\\=c', pods)).toEqual([
      { field: 'metadata.name', operator: '=', value: 'a,b=c' },
    ]);
  });

  it('allows only the fields the resource supports', () => {
    expect(() =>
      parseFieldSelector('status.phase=Running', {
        group: 'velero.io',
        plural: 'backups',
      }),
    ).toThrow('field label not supported: status.phase');
    expect(() => parseFieldSelector('metadata.name', pods)).toThrow(
      "can't understand 'metadata.name'",
    );
  });
});

describe('formatLabelSelector', () => {
  it('renders a LabelSelector object as a selector string', () => {
    expect(
      formatLabelSelector({
        matchLabels: { app: 'orders' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'zone', operator: 'NotIn', values: ['x'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'owner', operator: 'Exists' },
        ],
      }),
    ).toBe('app=orders,tier in (a,b),zone notin (x),!canary,owner');
    expect(formatLabelSelector('cnpg.io/cluster=db')).toBe(
      'cnpg.io/cluster=db',
    );
  });
});
