import {
  VeleroCron,
  parseGoDuration,
  parseVeleroCron,
  scheduleMaxIntervalSeconds,
  scheduleRunTimes,
} from './cadence';

// Velero's Schedule.spec.schedule (velero.io_schedules.yaml: "Schedule is a Cron expression
// defining when to run the Backup"), read as Velero's schedule controller reads it.

const cron = (text: string): VeleroCron => {
  const parsed = parseVeleroCron(text);
  if ('error' in parsed) throw new Error(`${text} ${parsed.error}`);
  return parsed;
};
const runs = (text: string, from: string, to: string, max = 100) =>
  scheduleRunTimes(cron(text), new Date(from), new Date(to), max).map(t =>
    new Date(t).toISOString().replace('.000Z', 'Z'),
  );
const day = (iso: string) => iso.slice(0, 10);

describe('parseVeleroCron', () => {
  it('reads five fields, in UTC by default', () => {
    expect(parseVeleroCron('0 2 * * *')).toEqual({
      kind: 'cron',
      fields: '0 2 * * *',
      timeZone: 'UTC',
    });
    expect(parseVeleroCron('*/15 9-17 * * MON-FRI')).toEqual({
      kind: 'cron',
      fields: '*/15 9-17 * * MON-FRI',
      timeZone: 'UTC',
    });
    expect(parseVeleroCron('  0 0 * JAN *  ')).toMatchObject({
      kind: 'cron',
      fields: '0 0 * JAN *',
    });
  });

  it('reads `?` in a day field as "any"', () => {
    expect(parseVeleroCron('0 2 ? * *')).toEqual({
      kind: 'cron',
      fields: '0 2 * * *',
      timeZone: 'UTC',
    });
  });

  it('reads a leading CRON_TZ=<zone> or TZ=<zone>', () => {
    expect(parseVeleroCron('CRON_TZ=Europe/Paris 0 2 * * *')).toEqual({
      kind: 'cron',
      fields: '0 2 * * *',
      timeZone: 'Europe/Paris',
    });
    expect(parseVeleroCron('TZ=America/New_York 30 1 * * *')).toEqual({
      kind: 'cron',
      fields: '30 1 * * *',
      timeZone: 'America/New_York',
    });
    expect(parseVeleroCron('CRON_TZ=Asia/Tokyo @daily')).toEqual({
      kind: 'cron',
      fields: '0 0 * * *',
      timeZone: 'Asia/Tokyo',
    });
  });

  it('refuses an unknown time zone', () => {
    expect(parseVeleroCron('CRON_TZ=Mars/Olympus_Mons 0 2 * * *')).toEqual({
      error: 'names an unknown time zone Mars/Olympus_Mons',
    });
    expect(parseVeleroCron('TZ=Europe/Pariss 0 2 * * *')).toHaveProperty(
      'error',
    );
  });

  it('refuses a zone prefix without an expression, and a lowercase prefix', () => {
    expect(parseVeleroCron('CRON_TZ=Europe/Paris')).toHaveProperty('error');
    expect(parseVeleroCron('tz=Europe/Paris 0 2 * * *')).toHaveProperty(
      'error',
    );
  });

  it('reads @every <Go duration>', () => {
    expect(parseVeleroCron('@every 30m')).toEqual({
      kind: 'every',
      seconds: 1800,
      timeZone: 'UTC',
    });
    expect(parseVeleroCron('@every 1h30m')).toMatchObject({
      kind: 'every',
      seconds: 5400,
    });
    expect(parseVeleroCron('@every 24h0m0s')).toMatchObject({
      seconds: 86400,
    });
  });

  it('takes @every 0s as every second (as robfig/cron does), and refuses a negative or unitless duration and @every alone', () => {
    // robfig/cron's Every() runs at least every second, dropping fractions: Velero takes both.
    expect(parseVeleroCron('@every 0s')).toEqual({
      kind: 'every',
      seconds: 1,
      timeZone: 'UTC',
    });
    expect(parseVeleroCron('@every 1.5s')).toMatchObject({ seconds: 1 });
    expect(parseVeleroCron('@every -5m')).toHaveProperty('error');
    expect(parseVeleroCron('@every 30')).toHaveProperty('error');
    expect(parseVeleroCron('@every')).toHaveProperty('error');
  });

  it.each([
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
    ['@monthly', '0 0 1 * *'],
    ['@weekly', '0 0 * * 0'],
    ['@daily', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
  ])('reads the descriptor %s', (descriptor, fields) => {
    expect(parseVeleroCron(descriptor)).toEqual({
      kind: 'cron',
      fields,
      timeZone: 'UTC',
    });
  });

  it('refuses a descriptor Velero does not know', () => {
    expect(parseVeleroCron('@reboot')).toEqual({
      error: '@reboot is not a descriptor Velero knows',
    });
  });

  it('refuses six fields (seconds or a year) and four fields', () => {
    expect(parseVeleroCron('0 0 2 * * *')).toEqual({
      error:
        'has 6 fields; Velero takes 5 (minute hour day-of-month month day-of-week)',
    });
    expect(parseVeleroCron('0 2 * * * 2026')).toHaveProperty('error');
    expect(parseVeleroCron('0 2 * *')).toEqual({
      error:
        'has 4 fields; Velero takes 5 (minute hour day-of-month month day-of-week)',
    });
  });

  it('refuses `#` (nth weekday) and `W` (nearest weekday), which robfig/cron does not read', () => {
    expect(parseVeleroCron('0 2 * * 1#2')).toHaveProperty('error');
    expect(parseVeleroCron('0 2 15W * *')).toHaveProperty('error');
    expect(parseVeleroCron('0 2 LW * *')).toHaveProperty('error');
  });

  it('refuses values out of range', () => {
    expect(parseVeleroCron('60 * * * *')).toHaveProperty('error');
    expect(parseVeleroCron('0 24 * * *')).toHaveProperty('error');
    expect(parseVeleroCron('0 0 * 13 *')).toHaveProperty('error');
  });

  it('says what a value that is not a string is, and refuses an empty expression', () => {
    expect(parseVeleroCron(5)).toEqual({
      error: 'is a number, not a cron expression',
    });
    expect(parseVeleroCron(null)).toEqual({
      error: 'is a null, not a cron expression',
    });
    expect(parseVeleroCron(undefined)).toEqual({
      error: 'is a undefined, not a cron expression',
    });
    expect(parseVeleroCron({ cron: '0 2 * * *' })).toHaveProperty('error');
    expect(parseVeleroCron('')).toEqual({ error: 'is empty' });
    expect(parseVeleroCron('   ')).toEqual({ error: 'is empty' });
  });
});

describe('parseVeleroCron: what robfig/cron does not read', () => {
  it.each([
    '0 2 L * *',
    '0 2 * * 5L',
    'H * * * *',
    '0 0 LW * *',
    '0 0 * * 1#2',
  ])('refuses %s', expression => {
    expect(parseVeleroCron(expression)).toHaveProperty('error');
  });
  it('reads month and day names', () => {
    expect(parseVeleroCron('0 2 * JAN-MAR MON-FRI')).toMatchObject({
      kind: 'cron',
    });
  });
});

describe('parseGoDuration', () => {
  it('reads metav1.Duration forms', () => {
    expect(parseGoDuration('720h0m0s')).toBe(720 * 3600);
    expect(parseGoDuration('1m30.5s')).toBe(90.5);
    expect(parseGoDuration('42.1s')).toBeCloseTo(42.1);
    expect(parseGoDuration('500ms')).toBe(0.5);
    expect(parseGoDuration('0')).toBe(0);
  });

  it('refuses anything else', () => {
    expect(parseGoDuration('30')).toBeUndefined();
    expect(parseGoDuration('1d')).toBeUndefined();
    expect(parseGoDuration('PT1H')).toBeUndefined();
    expect(parseGoDuration('')).toBeUndefined();
    expect(parseGoDuration(undefined)).toBeUndefined();
  });
});

describe('scheduleRunTimes', () => {
  it('counts the runs after `from` (exclusive) up to `to` (inclusive)', () => {
    expect(
      runs('0 * * * *', '2026-11-25T10:00:00Z', '2026-11-25T13:00:00Z'),
    ).toEqual([
      '2026-11-25T11:00:00Z',
      '2026-11-25T12:00:00Z',
      '2026-11-25T13:00:00Z',
    ]);
    // Just before the run at 13:00: it is not counted.
    expect(
      runs('0 * * * *', '2026-11-25T10:00:00Z', '2026-11-25T12:59:59Z'),
    ).toHaveLength(2);
    // From just before 10:00: the run at 10:00 counts.
    expect(
      runs('0 * * * *', '2026-11-25T09:59:59Z', '2026-11-25T13:00:00Z'),
    ).toHaveLength(4);
  });

  it('stops at `max`', () => {
    expect(
      runs('*/5 * * * *', '2026-11-25T00:00:00Z', '2026-11-26T00:00:00Z', 3),
    ).toEqual([
      '2026-11-25T00:05:00Z',
      '2026-11-25T00:10:00Z',
      '2026-11-25T00:15:00Z',
    ]);
  });

  it('gives none when no run falls between the two times', () => {
    expect(
      runs('0 2 * * *', '2026-11-25T02:00:00Z', '2026-11-26T01:59:59Z'),
    ).toEqual([]);
  });

  it('runs @every at its interval from `from`', () => {
    expect(
      runs('@every 30m', '2026-11-25T10:07:00Z', '2026-11-25T11:40:00Z'),
    ).toEqual([
      '2026-11-25T10:37:00Z',
      '2026-11-25T11:07:00Z',
      '2026-11-25T11:37:00Z',
    ]);
  });

  it('runs a weekday schedule on weekdays only', () => {
    // 2026-11-27 is a Friday.
    expect(
      runs('0 9 * * 1-5', '2026-11-27T00:00:00Z', '2026-12-01T00:00:00Z'),
    ).toEqual(['2026-11-27T09:00:00Z', '2026-11-30T09:00:00Z']);
  });

  describe('in a time zone (CRON_TZ= / TZ=)', () => {
    it('runs 0 2 * * * in Paris at 01:00 UTC in winter and 00:00 UTC in summer', () => {
      expect(
        runs(
          'CRON_TZ=Europe/Paris 0 2 * * *',
          '2026-01-10T00:00:00Z',
          '2026-01-12T00:00:00Z',
        ),
      ).toEqual(['2026-01-10T01:00:00Z', '2026-01-11T01:00:00Z']);
      expect(
        runs(
          'TZ=Europe/Paris 0 2 * * *',
          '2026-07-09T12:00:00Z',
          '2026-07-11T12:00:00Z',
        ),
      ).toEqual(['2026-07-10T00:00:00Z', '2026-07-11T00:00:00Z']);
    });

    it('shifts the UTC run time in the week summer time starts (Paris, 2026-03-29)', () => {
      const week = runs(
        'CRON_TZ=Europe/Paris 0 2 * * *',
        '2026-03-26T00:00:00Z',
        '2026-03-31T12:00:00Z',
      );
      // The transition day itself (02:00 does not exist on 03-29) is left out here.
      expect(week.filter(t => day(t) !== '2026-03-29')).toEqual([
        '2026-03-26T01:00:00Z',
        '2026-03-27T01:00:00Z',
        '2026-03-28T01:00:00Z',
        '2026-03-30T00:00:00Z',
        '2026-03-31T00:00:00Z',
      ]);
    });

    it('shifts the UTC run time in the week summer time ends (Paris, 2026-10-25)', () => {
      const week = runs(
        'CRON_TZ=Europe/Paris 0 2 * * *',
        '2026-10-21T12:00:00Z',
        '2026-10-27T12:00:00Z',
      );
      expect(week.filter(t => day(t) !== '2026-10-25')).toEqual([
        '2026-10-22T00:00:00Z',
        '2026-10-23T00:00:00Z',
        '2026-10-24T00:00:00Z',
        '2026-10-26T01:00:00Z',
        '2026-10-27T01:00:00Z',
      ]);
    });

    it('reads TZ= the same way (New York, summer time from 2026-03-08)', () => {
      const week = runs(
        'TZ=America/New_York 0 2 * * *',
        '2026-03-05T00:00:00Z',
        '2026-03-11T12:00:00Z',
      );
      expect(week.filter(t => day(t) !== '2026-03-08')).toEqual([
        '2026-03-05T07:00:00Z',
        '2026-03-06T07:00:00Z',
        '2026-03-07T07:00:00Z',
        '2026-03-09T06:00:00Z',
        '2026-03-10T06:00:00Z',
        '2026-03-11T06:00:00Z',
      ]);
    });

    it('gives the same UTC times as the schedule without a zone when the zone is UTC', () => {
      expect(
        runs(
          'CRON_TZ=UTC 0 2 * * *',
          '2026-03-26T00:00:00Z',
          '2026-03-31T00:00:00Z',
        ),
      ).toEqual(
        runs('0 2 * * *', '2026-03-26T00:00:00Z', '2026-03-31T00:00:00Z'),
      );
    });
  });
});

describe('scheduleMaxIntervalSeconds', () => {
  // A Wednesday.
  const from = new Date('2026-11-25T12:00:00Z');

  it('gives the longest gap between two runs', () => {
    expect(scheduleMaxIntervalSeconds('0 * * * *', from)).toBe(3600);
    expect(scheduleMaxIntervalSeconds('*/15 * * * *', from)).toBe(900);
    expect(scheduleMaxIntervalSeconds('@hourly', from)).toBe(3600);
    expect(scheduleMaxIntervalSeconds('@daily', from)).toBe(86400);
    expect(scheduleMaxIntervalSeconds('@weekly', from)).toBe(7 * 86400);
    // Two runs a day, unevenly: 01:00 → 05:00 → (20 h) → 01:00.
    expect(scheduleMaxIntervalSeconds('0 1,5 * * *', from)).toBe(20 * 3600);
  });

  it('gives the weekend gap of a weekday schedule (Friday 09:00 → Monday 09:00)', () => {
    expect(scheduleMaxIntervalSeconds('0 9 * * 1-5', from)).toBe(72 * 3600);
    // The same from a Saturday: the week after still holds one weekend.
    expect(
      scheduleMaxIntervalSeconds(
        '0 9 * * MON-FRI',
        new Date('2026-11-28T12:00:00Z'),
      ),
    ).toBe(72 * 3600);
  });

  it('gives the interval of @every', () => {
    expect(scheduleMaxIntervalSeconds('@every 30m', from)).toBe(1800);
    expect(scheduleMaxIntervalSeconds('@every 6h', from)).toBe(21600);
  });

  it('reads a zoned daily schedule as daily outside the weeks of a clock change', () => {
    expect(
      scheduleMaxIntervalSeconds('CRON_TZ=Europe/Paris 0 2 * * *', from),
    ).toBe(86400);
    expect(
      scheduleMaxIntervalSeconds('TZ=America/New_York 0 9 * * 1-5', from),
    ).toBe(72 * 3600);
  });

  it('gives the gap of schedules rarer than the week it looks at', () => {
    // December 1 → January 1.
    expect(scheduleMaxIntervalSeconds('@monthly', from)).toBe(31 * 86400);
    // 2027-01-01 → 2028-01-01.
    expect(scheduleMaxIntervalSeconds('@annually', from)).toBe(365 * 86400);
  });

  it('gives undefined for an expression Velero cannot read', () => {
    expect(scheduleMaxIntervalSeconds('0 0 2 * * *', from)).toBeUndefined();
    expect(scheduleMaxIntervalSeconds('@every', from)).toBeUndefined();
    expect(
      scheduleMaxIntervalSeconds('CRON_TZ=Nowhere/Else 0 2 * * *', from),
    ).toBeUndefined();
    expect(scheduleMaxIntervalSeconds('', from)).toBeUndefined();
  });
});
