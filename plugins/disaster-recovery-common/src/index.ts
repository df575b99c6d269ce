/**
 * The disaster recovery model shared by the Backstage DR plugins: the `disaster-recovery/*`
 * annotation keys, durations, tier policies, declaration parsing and permissions.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './api';
export * from './clusterLoss';
export * from './clusters';
export * from './declaration';
export * from './duration';
export * from './evaluation';
export * from './events';
export * from './permissions';
export * from './providers';
export * from './runs';
export * from './strategies';
export * from './tiers';
