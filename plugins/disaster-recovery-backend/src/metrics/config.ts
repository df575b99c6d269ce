import { Config } from '@backstage/config';
import { parseDurationOrThrow } from '@backstage-dr/plugin-disaster-recovery-common';

/** `disasterRecovery.metrics`, with defaults. */
export interface DrMetricsConfig {
  /** Create the DR metrics. Default true. */
  enabled: boolean;
  /**
   * The grace after a Velero Schedule's longest interval before its runs count as missed
   * (DOMAIN.md "Missed runs"): the larger of `graceRatio` × the interval and
   * `minimumGraceSeconds`. Defaults 0.1 and 300.
   */
  missedRuns: { graceRatio: number; minimumGraceSeconds: number };
}

/**
 * Reads `disasterRecovery.metrics` from the root config.
 *
 * @throws Error naming the key when `enabled` is not a boolean, `missedRuns.graceRatio` is not a
 *   number from 0 to 10, or `missedRuns.minimumGrace` is not a duration (ISO 8601 or short form,
 *   e.g. `5m`)
 */
export function readMetricsConfig(config: Config): DrMetricsConfig {
  const base = 'disasterRecovery.metrics';
  const section = config.getOptionalConfig(base);
  const raw = (key: string) => section?.getOptional(key);
  const enabled = raw('enabled');
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw new Error(
      `${base}.enabled: ${JSON.stringify(enabled)} is not true or false`,
    );
  }
  const missed = section?.getOptionalConfig('missedRuns');
  const ratio = missed?.getOptional('graceRatio');
  if (
    ratio !== undefined &&
    (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 10))
  ) {
    throw new Error(
      `${base}.missedRuns.graceRatio: ${JSON.stringify(
        ratio,
      )} is not a number from 0 to 10 (a share of the schedule's interval, e.g. 0.1)`,
    );
  }
  const minimumGrace = missed?.getOptional('minimumGrace');
  if (minimumGrace !== undefined && typeof minimumGrace !== 'string') {
    throw new Error(
      `${base}.missedRuns.minimumGrace: ${JSON.stringify(
        minimumGrace,
      )} is not a duration; use ISO 8601 (PT5M) or 5m`,
    );
  }
  return {
    enabled: enabled ?? true,
    missedRuns: {
      graceRatio: (ratio as number | undefined) ?? 0.1,
      minimumGraceSeconds:
        minimumGrace === undefined
          ? 300
          : parseDurationOrThrow(
              minimumGrace,
              `${base}.missedRuns.minimumGrace`,
            ),
    },
  };
}
