import {
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { parseDurationOrThrow } from '@backstage-dr/plugin-disaster-recovery-common';

/** `disasterRecovery.notifications`, with defaults. */
export interface DrNotificationsConfig {
  /** Notify owners of verdict changes. Default true. */
  enabled: boolean;
  /** How long a service stays `unknown` before its owner is told, in seconds. Default 1800. */
  unknownDelaySeconds: number;
  /** Entity refs told of every verdict change besides the owner. Default none. */
  alsoNotify: string[];
  /** The digest of still-breached services per owner; off by default. */
  digest: {
    enabled: boolean;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
}

const DEFAULT_DIGEST_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { cron: '0 8 * * *' },
  timeout: { minutes: 5 },
};

function readBoolean(
  config: Config | undefined,
  key: string,
  path: string,
): boolean | undefined {
  const value = config?.getOptional(key);
  if (value !== undefined && typeof value !== 'boolean') {
    throw new Error(`${path}: ${JSON.stringify(value)} is not true or false`);
  }
  return value;
}

/**
 * Reads `disasterRecovery.notifications` from the root config.
 *
 * @throws Error naming the key when `enabled` or `digest.enabled` is not a boolean,
 *   `unknownAfter` is not a duration (ISO 8601 or short form, e.g. `30m`), or `digest.schedule`
 *   is not a task schedule
 */
export function readNotificationsConfig(config: Config): DrNotificationsConfig {
  const base = 'disasterRecovery.notifications';
  const section = config.getOptionalConfig(base);
  const unknownAfter = section?.getOptional('unknownAfter');
  if (unknownAfter !== undefined && typeof unknownAfter !== 'string') {
    throw new Error(
      `${base}.unknownAfter: ${JSON.stringify(
        unknownAfter,
      )} is not a duration; use ISO 8601 (PT30M) or 30m`,
    );
  }
  const alsoNotify = section?.getOptional('alsoNotify') ?? [];
  if (
    !Array.isArray(alsoNotify) ||
    alsoNotify.some(
      ref => typeof ref !== 'string' || !/^[a-z]+:[^/]+\/.+$/i.test(ref),
    )
  ) {
    throw new Error(
      `${base}.alsoNotify: ${JSON.stringify(
        alsoNotify,
      )} is not a list of full entity refs, e.g. [group:default/platform-team]`,
    );
  }
  const digest = section?.getOptionalConfig('digest');
  let schedule = DEFAULT_DIGEST_SCHEDULE;
  if (digest?.has('schedule')) {
    try {
      schedule = readSchedulerServiceTaskScheduleDefinitionFromConfig(
        digest.getConfig('schedule'),
      );
    } catch (error) {
      throw new Error(`${base}.digest.schedule: ${(error as Error).message}`);
    }
  }
  return {
    enabled: readBoolean(section, 'enabled', `${base}.enabled`) ?? true,
    alsoNotify: alsoNotify as string[],
    unknownDelaySeconds:
      unknownAfter === undefined
        ? 1800
        : parseDurationOrThrow(unknownAfter, `${base}.unknownAfter`),
    digest: {
      enabled:
        readBoolean(digest, 'enabled', `${base}.digest.enabled`) ?? false,
      schedule,
    },
  };
}
