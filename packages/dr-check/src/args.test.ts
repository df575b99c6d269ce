import { DrCheckUsageError, parseDrCheckArgs } from './args';

describe('parseDrCheckArgs', () => {
  it('reads every option, repeatable ones in order', () => {
    expect(
      parseDrCheckArgs([
        '--catalog',
        'a.yaml',
        '--catalog=examples',
        '--clusters',
        'dumps',
        '--now',
        '2026-11-25T12:20:00+01:00',
        '--config',
        'app-config.yaml',
        '--config',
        'app-config.production.yaml',
        '--fail-on',
        'tier-1',
        '--json',
        '--entity',
        'orders-db',
      ]),
    ).toEqual({
      catalog: ['a.yaml', 'examples'],
      clusters: 'dumps',
      now: new Date('2026-11-25T11:20:00Z'),
      config: ['app-config.yaml', 'app-config.production.yaml'],
      failOn: 'tier-1',
      json: true,
      entities: ['orders-db'],
      help: false,
    });
  });

  it('needs neither --catalog nor --clusters with --help', () => {
    expect(parseDrCheckArgs(['-h']).help).toBe(true);
  });

  it.each([
    [
      ['--catalog', 'c', '--clusters', 'a', '--clusters', 'b'],
      /--clusters is given 2 times/,
    ],
    [['--catalog', 'c', '--clusters', 'd', '--json=yes'], /--json/],
    [
      ['--catalog', 'c', '--clusters', 'd', '--now', '2026-11-25'],
      /--now "2026-11-25" is not an RFC 3339 time/,
    ],
    [
      ['--catalog', 'c', '--clusters', 'd', '--now', '2026-13-45T99:00:00Z'],
      /is not an RFC 3339 time/,
    ],
    [['--catalog', '--clusters', 'd'], /--catalog/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDrCheckArgs(argv)).toThrow(DrCheckUsageError);
    expect(() => parseDrCheckArgs(argv)).toThrow(message);
  });
});
