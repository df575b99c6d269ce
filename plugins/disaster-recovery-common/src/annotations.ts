/**
 * The prefix of every annotation this suite reads from a catalog entity.
 *
 * @public
 */
export const DR_ANNOTATION_PREFIX = 'disaster-recovery/';

/**
 * The service's tier, a tier name from `disasterRecovery.tiers` (default `tier-0` to `tier-3`).
 *
 * @public
 */
export const DR_TIER_ANNOTATION = 'disaster-recovery/tier';

/**
 * The service's RPO target, a duration (ISO 8601 such as `PT15M`, or the short form `15m`).
 * Defaults to the tier's max RPO.
 *
 * @public
 */
export const DR_RPO_ANNOTATION = 'disaster-recovery/rpo';

/**
 * The service's RTO target, a duration. Defaults to the tier's max RTO.
 *
 * @public
 */
export const DR_RTO_ANNOTATION = 'disaster-recovery/rto';

/**
 * The service's DR strategy: `backup-restore`, `pilot-light`, `warm-standby` or `active-active`.
 *
 * @public
 */
export const DR_STRATEGY_ANNOTATION = 'disaster-recovery/strategy';

/**
 * The cluster the service runs on, a cluster name as in the Kubernetes plugin's config.
 *
 * @public
 */
export const DR_PRIMARY_CLUSTER_ANNOTATION =
  'disaster-recovery/primary-cluster';

/**
 * The cluster the service fails over to, a cluster name as in the Kubernetes plugin's config.
 *
 * @public
 */
export const DR_RECOVERY_CLUSTER_ANNOTATION =
  'disaster-recovery/recovery-cluster';

/**
 * An http(s) URL of the service's DR runbook.
 *
 * @public
 */
export const DR_RUNBOOK_ANNOTATION = 'disaster-recovery/runbook';

/**
 * How often the service must be drilled, a duration. Optional; defaults to the tier's max drill age.
 *
 * @public
 */
export const DR_DRILL_CADENCE_ANNOTATION = 'disaster-recovery/drill-cadence';

/**
 * Every annotation key of the DR declaration, in the order they are documented.
 *
 * @public
 */
export const DR_ANNOTATIONS = [
  DR_TIER_ANNOTATION,
  DR_RPO_ANNOTATION,
  DR_RTO_ANNOTATION,
  DR_STRATEGY_ANNOTATION,
  DR_PRIMARY_CLUSTER_ANNOTATION,
  DR_RECOVERY_CLUSTER_ANNOTATION,
  DR_RUNBOOK_ANNOTATION,
  DR_DRILL_CADENCE_ANNOTATION,
] as const;

/**
 * One of the annotation keys in {@link DR_ANNOTATIONS}.
 *
 * @public
 */
export type DrAnnotation = (typeof DR_ANNOTATIONS)[number];
