import path from 'node:path';
import { Config } from '@backstage/config';
import {
  TierPolicies,
  parseDurationOrThrow,
  readConfiguredClusters,
} from '@backstage-dr/plugin-disaster-recovery-common';

/**
 * The settings of the DR scaffolder actions, read from `disasterRecovery.scaffolder` and the
 * rest of the DR config. Paths are absolute; durations are whole seconds.
 *
 * @public
 */
export interface DrScaffolderSettings {
  /** The tier policies in effect (`disasterRecovery.tiers`, else the defaults). */
  policies: TierPolicies;
  /**
   * The cluster names the Kubernetes plugin knows, when every cluster locator is of
   * `type: config`; undefined when clusters are found at run time or none is configured (any
   * name is then accepted).
   */
  knownClusters?: string[];
  /** The shortest interval between two Velero backups of one service, in seconds (default 300). */
  minBackupIntervalSeconds: number;
  /** Where `disaster-recovery:publish:local` writes repositories (absolute path). */
  publishDirectory: string;
  /** Folders whose catalog files `disaster-recovery:catalog:fetch-source` may read (absolute paths). */
  localSourceDirectories: string[];
}

/** The default of `disasterRecovery.scaffolder.publishDirectory`, relative to the working directory. */
export const DEFAULT_PUBLISH_DIRECTORY = '.data/scaffolder-output';

/**
 * Reads {@link DrScaffolderSettings} from the backend's config. Relative paths are resolved
 * against `workingDirectory` (default: the process's working directory, which is
 * `packages/backend` when the app runs with `yarn start`).
 *
 * @throws TypeError naming the config key and the accepted form, for a malformed duration or tier
 * @public
 */
export function readDrScaffolderSettings(
  config: Config,
  workingDirectory: string = process.cwd(),
): DrScaffolderSettings {
  const scaffolder = config.getOptionalConfig('disasterRecovery.scaffolder');
  const minBackupInterval = scaffolder?.getOptionalString('minBackupInterval');
  const minBackupIntervalSeconds =
    minBackupInterval === undefined
      ? 300
      : parseDurationOrThrow(
          minBackupInterval,
          'disasterRecovery.scaffolder.minBackupInterval',
        );
  if (minBackupIntervalSeconds < 60) {
    throw new TypeError(
      `disasterRecovery.scaffolder.minBackupInterval: "${minBackupInterval}" is shorter than a minute, the finest step of a cron schedule; use 1m or more`,
    );
  }
  const { clusters, complete } = readConfiguredClusters(config);
  return {
    policies: TierPolicies.fromConfig(config),
    knownClusters:
      complete && clusters.length > 0 ? clusters.map(c => c.name) : undefined,
    minBackupIntervalSeconds,
    publishDirectory: path.resolve(
      workingDirectory,
      scaffolder?.getOptionalString('publishDirectory') ??
        DEFAULT_PUBLISH_DIRECTORY,
    ),
    localSourceDirectories: (
      scaffolder?.getOptionalStringArray('localSourceDirectories') ?? []
    ).map(dir => path.resolve(workingDirectory, dir)),
  };
}
