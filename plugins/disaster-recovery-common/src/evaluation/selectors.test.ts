import { matchesLabelSelector, parseLabelSelector } from './selectors';
import {
  formatGoDuration,
  parseGoDuration,
  scheduleMaxIntervalSeconds,
} from './cadence';

describe('matchesLabelSelector', () => {
  const labels = {
    app: 'orders',
    tier: 'db',
    'backstage.io/kubernetes-id': 'orders-db',
  };

  it.each([
    [{}, true],
    [{ matchLabels: { app: 'orders' } }, true],
    [{ matchLabels: { app: 'orders', tier: 'web' } }, false],
    [
      {
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['db', 'cache'] },
        ],
      },
      true,
    ],
    [
      { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] },
      false,
    ],
    [
      {
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }],
      },
      true,
    ],
    [
      {
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }],
      },
      false,
    ],
    [
      {
        matchExpressions: [
          { key: 'missing', operator: 'NotIn', values: ['x'] },
        ],
      },
      true,
    ],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'missing', operator: 'Exists' }] }, false],
    [
      { matchExpressions: [{ key: 'missing', operator: 'DoesNotExist' }] },
      true,
    ],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [
      { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] },
      false,
    ],
  ])('%j → %s', (selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it('treats missing labels as none', () => {
    expect(matchesLabelSelector({ matchLabels: { a: 'b' } }, undefined)).toBe(
      false,
    );
    expect(matchesLabelSelector({}, undefined)).toBe(true);
  });
});

describe('parseLabelSelector', () => {
  it('reads every requirement form', () => {
    expect(
      parseLabelSelector(
        'app=orders, tier==db,env!=dev,zone in (a, b),team notin (x),release,!canary',
      ),
    ).toEqual({
      matchLabels: { app: 'orders', tier: 'db' },
      matchExpressions: [
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'zone', operator: 'In', values: ['a', 'b'] },
        { key: 'team', operator: 'NotIn', values: ['x'] },
        { key: 'release', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
  });

  it('refuses what is not a requirement', () => {
    expect(() => parseLabelSelector('app = = x')).toThrow(
      '"app = = x" is not a label selector requirement',
    );
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['720h0m0s', 2592000],
    ['1m30.5s', 90.5],
    ['42.1s', 42.1],
    ['500ms', 0.5],
    ['0', 0],
  ])('%s → %d', (text, expected) => {
    expect(parseGoDuration(text)).toBeCloseTo(expected);
  });

  it.each(['', '15 minutes', '1d', 'h', undefined])('refuses %j', text => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});

describe('scheduleMaxIntervalSeconds', () => {
  const from = new Date('2026-11-25T10:07:00Z');
  it.each([
    ['0 * * * *', 3600],
    ['*/15 * * * *', 900],
    ['0 */6 * * *', 21600],
    ['0 2 * * *', 86400],
    ['0 1,13 * * *', 43200],
    ['0 3 * * 0', 604800],
    ['0 9-17 * * 1-5', 16 * 3600 + 2 * 86400],
    ['@hourly', 3600],
    ['@daily', 86400],
    ['@every 5m', 300],
    ['@every 1h30m', 5400],
  ])('%s → %d s', (schedule, expected) => {
    expect(scheduleMaxIntervalSeconds(schedule, from)).toBe(expected);
  });

  it.each(['', 'every hour', '61 * * * *', '@every soon'])(
    'cannot read %j',
    schedule => {
      expect(scheduleMaxIntervalSeconds(schedule, from)).toBeUndefined();
    },
  );
});

describe('formatGoDuration', () => {
  it.each([
    [2592000, '720h0m0s'],
    [5400, '1h30m0s'],
    [45, '0h0m45s'],
  ])('writes %i seconds as %s, which parses back', (seconds, text) => {
    expect(formatGoDuration(seconds)).toBe(text);
    expect(parseGoDuration(text)).toBe(seconds);
  });
});
