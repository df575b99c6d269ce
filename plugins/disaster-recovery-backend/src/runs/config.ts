import { Config } from '@backstage/config';
import { RunStepLimits } from './types';

/** `disasterRecovery.runs`, with defaults. */
export interface RunsConfig extends RunStepLimits {
  /** How long a run stays claimed by an instance without a renewal, in seconds. */
  leaseSeconds: number;
}

const DEFAULTS: RunsConfig = {
  verifyTimeoutSeconds: 600,
  restoreTimeoutSeconds: 3600,
  pollIntervalMs: 2000,
  leaseSeconds: 30,
};

/**
 * Reads `disasterRecovery.runs` from the root config: each value a whole number of at least 1
 * (`pollIntervalMs` at least 10).
 *
 * @throws Error naming the key when a value is not such a number
 */
export function readRunsConfig(config: Config): RunsConfig {
  const runs = config.getOptionalConfig('disasterRecovery.runs');
  const read = (key: keyof RunsConfig, min: number) => {
    const path = `disasterRecovery.runs.${key}`;
    let value: number | undefined;
    try {
      value = runs?.getOptionalNumber(key);
    } catch {
      throw new Error(
        `${path}: ${JSON.stringify(runs?.get(key))} is not a number`,
      );
    }
    if (value === undefined) return DEFAULTS[key];
    if (!Number.isInteger(value) || value < min) {
      throw new Error(
        `${path}: ${value} is not a whole number of at least ${min}`,
      );
    }
    return value;
  };
  return {
    verifyTimeoutSeconds: read('verifyTimeoutSeconds', 1),
    restoreTimeoutSeconds: read('restoreTimeoutSeconds', 1),
    pollIntervalMs: read('pollIntervalMs', 10),
    leaseSeconds: read('leaseSeconds', 1),
  };
}
