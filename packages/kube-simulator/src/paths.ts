import path from 'node:path';

/** This package's folder, `packages/kube-simulator` (resolved like `resolvePackagePath`). */
const PACKAGE_DIR = path.dirname(
  require.resolve('@backstage-dr/kube-simulator/package.json'),
);

/** The repository's root folder. */
const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

/**
 * Where the CRD YAML files are read from when no CRD directory is given: `../shared/crds`
 * relative to the repository root.
 */
export const DEFAULT_CRD_DIR = path.resolve(REPO_ROOT, '../shared/crds');

/** The config file the CLI reads without `--config`: `packages/kube-simulator/simulator.yaml`. */
export const DEFAULT_CONFIG = path.join(PACKAGE_DIR, 'simulator.yaml');

/**
 * The resource types served without a CRD when none are given (`servedResources`):
 * `packages/kube-simulator/served-resources.yaml`.
 */
export const DEFAULT_SERVED_RESOURCES = path.join(
  PACKAGE_DIR,
  'served-resources.yaml',
);
