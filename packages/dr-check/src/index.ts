/**
 * `dr-check`: judges the disaster-recovery declarations of catalog entities offline, from
 * catalog YAML and `kubectl get -o yaml` dumps of the clusters, with the same evaluation as the
 * Backstage DR backend (`evaluateDrStatus` of `@backstage-dr/plugin-disaster-recovery-common`).
 * The package's bin runs {@link main}; see README.md for the options, inputs and exit codes.
 *
 * @packageDocumentation
 */

export { main, EXIT_CODES } from './drCheck';
export type { DrCheckIo } from './drCheck';
