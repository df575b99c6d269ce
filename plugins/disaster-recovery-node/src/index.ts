/**
 * Extension points of the Backstage DR backend (`@backstage-dr/plugin-disaster-recovery-backend`).
 *
 * @packageDocumentation
 */

export * from './extensions';
