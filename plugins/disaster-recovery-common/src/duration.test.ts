import {
  describeDurationProblem,
  formatDuration,
  formatShortDuration,
  parseDuration,
  parseDurationOrThrow,
} from './duration';

describe('parseDuration', () => {
  it.each([
    ['PT15M', 900],
    ['PT1H30M', 5400],
    ['P1DT12H', 129600],
    ['P7D', 604800],
    ['PT0S', 0],
    ['PT0.5S', 1],
    ['30s', 30],
    ['15m', 900],
    ['4h', 14400],
    ['7d', 604800],
    ['2w', 1209600],
    ['0s', 0],
    [' 15m ', 900],
  ])('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });

  it.each([
    '15 minutes',
    '15',
    'm',
    '15min',
    '1.5h',
    'PT',
    'P',
    'fifteen',
    '15m30s',
    'PT15X',
    '1h ago',
  ])('refuses %j as malformed', text => {
    expect(parseDuration(text)).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each(['', '   '])('refuses %j as empty', text => {
    expect(parseDuration(text)).toEqual({ ok: false, reason: 'empty' });
  });

  it.each(['-5m', '-PT5M', 'PT-5M', '-1d'])('refuses %j as negative', text => {
    expect(parseDuration(text)).toEqual({ ok: false, reason: 'negative' });
  });
});

describe('describeDurationProblem', () => {
  it('names the value and the accepted forms', () => {
    expect(describeDurationProblem('15 minutes', 'malformed')).toBe(
      '"15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
    );
    expect(describeDurationProblem('-5m', 'negative')).toBe(
      '"-5m" is negative; a duration is zero or more, in ISO 8601 (PT15M) or 15m',
    );
    expect(describeDurationProblem('', 'empty')).toBe(
      'is empty; use ISO 8601 (PT15M) or 15m',
    );
  });
});

describe('parseDurationOrThrow', () => {
  it('returns seconds for a duration', () => {
    expect(parseDurationOrThrow('1h', 'x')).toBe(3600);
  });

  it('throws a message naming what was read', () => {
    expect(() =>
      parseDurationOrThrow('soon', 'disasterRecovery.refresh'),
    ).toThrow(
      'disasterRecovery.refresh: "soon" is not a duration; use ISO 8601 (PT15M) or 15m',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [900, '15m'],
    [5400, '1h 30m'],
    [3600, '1h'],
    [90061, '1d 1h'],
    [604800, '7d'],
    [-900, '-15m'],
  ])('formats %d seconds as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('round-trips through parseDuration for whole units', () => {
    for (const text of ['30s', '15m', '4h', '7d']) {
      const parsed = parseDuration(text);
      expect(parsed.ok && formatDuration(parsed.seconds)).toBe(text);
    }
  });
});

describe('formatShortDuration', () => {
  it.each([
    [90, '90s'],
    [900, '15m'],
    [14400, '4h'],
    [5400, '90m'],
    [604800, '7d'],
    [0, '0s'],
  ])('writes %i seconds as %s, which parses back', (seconds, text) => {
    expect(formatShortDuration(seconds)).toBe(text);
    expect(parseDuration(text)).toEqual({ ok: true, seconds });
  });
});
