import { ConfigReader } from '@backstage/config';
import { readNotificationsConfig } from './config';
import { readMetricsConfig } from '../metrics/config';

const read = (disasterRecovery: object) =>
  new ConfigReader({ disasterRecovery });

describe('readNotificationsConfig', () => {
  it('has defaults: on, unknown after 30 minutes, no digest', () => {
    expect(readNotificationsConfig(read({}))).toEqual({
      enabled: true,
      unknownDelaySeconds: 1800,
      alsoNotify: [],
      digest: {
        enabled: false,
        schedule: { frequency: { cron: '0 8 * * *' }, timeout: { minutes: 5 } },
      },
    });
  });

  it('reads every key', () => {
    const config = readNotificationsConfig(
      read({
        notifications: {
          enabled: false,
          unknownAfter: '1h',
          alsoNotify: ['group:default/platform-team'],
          digest: {
            enabled: true,
            schedule: { frequency: { hours: 12 }, timeout: { minutes: 1 } },
          },
        },
      }),
    );
    expect(config.enabled).toBe(false);
    expect(config.unknownDelaySeconds).toBe(3600);
    expect(config.alsoNotify).toEqual(['group:default/platform-team']);
    expect(config.digest.enabled).toBe(true);
    expect(config.digest.schedule.frequency).toEqual({ hours: 12 });
  });

  it.each([
    [
      { unknownAfter: 'half an hour' },
      'disasterRecovery.notifications.unknownAfter: "half an hour" is not a duration',
    ],
    [{ unknownAfter: 30 }, 'disasterRecovery.notifications.unknownAfter: 30'],
    [
      { alsoNotify: ['platform-team'] },
      'disasterRecovery.notifications.alsoNotify: ["platform-team"] is not a list of full entity refs',
    ],
    [
      { enabled: 'yes' },
      'disasterRecovery.notifications.enabled: "yes" is not true or false',
    ],
  ])('refuses %j naming the key', (notifications, message) => {
    expect(() => readNotificationsConfig(read({ notifications }))).toThrow(
      message,
    );
  });
});

describe('readMetricsConfig', () => {
  it('has the grace of DOMAIN.md by default: 10% or 5 minutes', () => {
    expect(readMetricsConfig(read({}))).toEqual({
      enabled: true,
      missedRuns: { graceRatio: 0.1, minimumGraceSeconds: 300 },
    });
  });

  it('reads the grace', () => {
    expect(
      readMetricsConfig(
        read({
          metrics: {
            enabled: false,
            missedRuns: { graceRatio: 0.25, minimumGrace: '15m' },
          },
        }),
      ),
    ).toEqual({
      enabled: false,
      missedRuns: { graceRatio: 0.25, minimumGraceSeconds: 900 },
    });
  });

  it.each([
    [
      { missedRuns: { graceRatio: -1 } },
      'disasterRecovery.metrics.missedRuns.graceRatio: -1 is not a number from 0 to 10',
    ],
    [
      { missedRuns: { minimumGrace: 'soon' } },
      'disasterRecovery.metrics.missedRuns.minimumGrace: "soon" is not a duration',
    ],
    [
      { enabled: 1 },
      'disasterRecovery.metrics.enabled: 1 is not true or false',
    ],
  ])('refuses %j naming the key', (metrics, message) => {
    expect(() => readMetricsConfig(read({ metrics }))).toThrow(message);
  });
});
