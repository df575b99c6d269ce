import { parseTimestamp } from './timestamps';

describe('parseTimestamp', () => {
  it('reads the API server’s form as Date.parse does, over about every day from 1970 to 2110', () => {
    for (
      let ms = Date.UTC(1970, 0, 1);
      ms < Date.UTC(2110, 0, 1);
      ms += 86400_000 + 3_661_017
    ) {
      const text = new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
      expect(parseTimestamp(text)).toBe(Date.parse(text));
      expect(parseTimestamp(text)).toBe(Math.floor(ms / 1000) * 1000);
    }
  });

  it.each([
    '2024-02-29T12:00:00Z',
    '2000-02-29T23:59:59Z',
    '2100-02-29T00:00:00Z',
    '2100-03-01T00:00:00Z',
    '2400-02-29T00:00:00Z',
    '1970-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-02-30T00:00:00Z',
    '2026-04-31T23:59:59Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z',
    '2026-00-10T00:00:00Z',
    '2026-13-10T00:00:00Z',
    '0099-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '2026-01-01T00:00:00.5Z',
    '2026-01-01T00:00:00+01:00',
    '2026-01-01t00:00:00z',
    '2026-01-01 00:00:00Z',
    '2026-1-01T00:00:00Z',
    '2026-01-0aT00:00:00Z',
    '+02026-01-01T00:00:0Z',
    '',
    'yesterday',
  ])('gives what Date.parse gives for %s', text => {
    expect(parseTimestamp(text)).toEqual(Date.parse(text));
  });
});
