import { DrClusterOverview } from '@backstage-dr/plugin-disaster-recovery-common';
import express from 'express';
import { DrStatusStore } from '../database/DrStatusStore';

/** Adds `GET /clusters` (see `createRouter` for its shape). */
export function addClusterRoutes(
  router: express.Router,
  options: { store: DrStatusStore },
) {
  const { store } = options;
  router.get('/clusters', async (_req, res) => {
    const [health, locations] = await Promise.all([
      store.clusterHealth(),
      store.storageLocations(),
    ]);
    const items: DrClusterOverview[] = health.map(h => {
      const failingResources = [...new Set(h.errors.flatMap(e => e.resources))];
      return {
        ...h,
        state: !h.reachable
          ? 'unreachable'
          : failingResources.length > 0
          ? 'degraded'
          : 'ok',
        failingResources,
        storageLocations: locations.filter(l => l.cluster === h.cluster),
      };
    });
    res.json({ items });
  });
}
