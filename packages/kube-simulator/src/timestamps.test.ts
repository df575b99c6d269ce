import {
  formatTimestamp,
  resolveTimeTokens,
  resolveTimeTokensDeep,
} from './timestamps';

const NOW = new Date('2026-11-25T10:00:00.789Z');

describe('relative time tokens', () => {
  it.each([
    ['{{now}}', '2026-11-25T10:00:00Z'],
    ['{{now-15m}}', '2026-11-25T09:45:00Z'],
    ['{{now+2h}}', '2026-11-25T12:00:00Z'],
    ['{{now-3d4h}}', '2026-11-22T06:00:00Z'],
    ['{{now-90s}}', '2026-11-25T09:58:30Z'],
    ['{{ now+1d }}', '2026-11-26T10:00:00Z'],
    ['{{now-1d2h3m4s}}', '2026-11-24T07:56:56Z'],
    [
      'from {{now-1h}} to {{now}}',
      'from 2026-11-25T09:00:00Z to 2026-11-25T10:00:00Z',
    ],
    ['no tokens here', 'no tokens here'],
  ])('%s becomes %s', (text, expected) => {
    expect(resolveTimeTokens(text, NOW)).toBe(expected);
  });

  it.each(['{{now-5w}}', '{{later}}', '{{now-}}', '{{now*2h}}'])(
    'refuses %s',
    token => {
      expect(() => resolveTimeTokens(token, NOW)).toThrow(
        `unknown token ${token}`,
      );
    },
  );

  it('resolves every string of an object and names the field of a bad token', () => {
    expect(
      resolveTimeTokensDeep(
        {
          status: {
            startTimestamp: '{{now-2m}}',
            list: ['{{now}}', 3, true, null],
          },
        },
        NOW,
      ),
    ).toEqual({
      status: {
        startTimestamp: '2026-11-25T09:58:00Z',
        list: ['2026-11-25T10:00:00Z', 3, true, null],
      },
    });
    expect(() =>
      resolveTimeTokensDeep({ spec: { items: [{ at: '{{soon}}' }] } }, NOW),
    ).toThrow('spec.items[0].at: unknown token {{soon}}');
  });

  it('formats RFC 3339 UTC without fractional seconds', () => {
    expect(formatTimestamp(NOW)).toBe('2026-11-25T10:00:00Z');
  });
});
