import fs from 'fs';
import { ConfigReader, JsonObject } from '@backstage/config';
import { TierPolicies } from '@backstage-dr/plugin-disaster-recovery-common';
import {
  DrCheckInputError,
  describeYamlError,
  isRecord,
  readYamlFile,
} from './files';

/**
 * Reads the tier policies from Backstage app-config files (`disasterRecovery.tiers`), merged in
 * order with `ConfigReader.fromConfigs`: a later file overrides an earlier one, and a list such
 * as `disasterRecovery.tiers` is replaced whole. Without files, or when no file sets the key, the
 * default tiers apply. `${VAR}` substitutions and `$include`s are not expanded.
 *
 * @param files - the files given to `--config`, lowest priority first
 * @throws DrCheckInputError when a file does not exist, is not valid YAML, is not a mapping, or
 *   its `disasterRecovery.tiers` is malformed (the message names the key and the accepted form)
 */
export function loadTierPolicies(files: readonly string[]): TierPolicies {
  if (files.length === 0) {
    return TierPolicies.default();
  }
  const configs = files.map(file => {
    if (!fs.existsSync(file)) {
      throw new DrCheckInputError(
        `--config ${file}: no such file; give an app-config YAML file, e.g. --config app-config.yaml`,
      );
    }
    const result = readYamlFile(file);
    if (!result.ok) {
      throw new DrCheckInputError(
        `--config ${describeYamlError(file, result)}`,
      );
    }
    const [first, second] = result.documents;
    if (second || (first && !isRecord(first.value))) {
      throw new DrCheckInputError(
        `--config ${file}: an app-config file is one YAML mapping, e.g. disasterRecovery: { tiers: [...] }`,
      );
    }
    return {
      context: file,
      data: (first?.value ?? {}) as JsonObject,
    };
  });
  try {
    return TierPolicies.fromConfig(ConfigReader.fromConfigs(configs));
  } catch (error) {
    throw new DrCheckInputError(`--config: ${(error as Error).message}`);
  }
}
