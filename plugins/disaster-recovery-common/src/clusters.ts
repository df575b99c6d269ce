import { Config } from '@backstage/config';

/**
 * A cluster as the DR suite sees it: its name in the Kubernetes plugin's config and,
 * optionally, its region from `disasterRecovery.clusters`.
 *
 * @public
 */
export interface DrClusterInfo {
  name: string;
  region?: string;
}

/**
 * The clusters named in config: those of every `kubernetes.clusterLocatorMethods` entry of
 * `type: config`, with the regions of `disasterRecovery.clusters[]` (`{ name, region }`).
 *
 * `complete` is false when some locator finds clusters at run time (`catalog`, `gke`,
 * `localKubectlProxy`, ...): then names outside the list may still be valid, and callers must not
 * flag them.
 *
 * @public
 */
export function readConfiguredClusters(config: Config): {
  clusters: DrClusterInfo[];
  complete: boolean;
} {
  const regions = new Map<string, string | undefined>();
  for (const entry of config.getOptionalConfigArray(
    'disasterRecovery.clusters',
  ) ?? []) {
    regions.set(entry.getString('name'), entry.getOptionalString('region'));
  }
  const names: string[] = [];
  let complete = true;
  for (const method of config.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  ) ?? []) {
    if (method.getString('type') !== 'config') {
      complete = false;
      continue;
    }
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      if (!names.includes(name)) {
        names.push(name);
      }
    }
  }
  return {
    clusters: names.map(name => ({ name, region: regions.get(name) })),
    complete,
  };
}
