/**
 * `yarn bench:evaluation`: the CPU cost of what a refresh does with the objects once they are
 * read, without the network: the generated objects of `yarn bench:status` (the same generator)
 * offered page by page to the `RecoveryPointRetention` sinks, then every service judged with
 * `evaluateDrStatus`. Prints the wall-clock times of both phases and per service, and the CPU
 * time the process spent in them (every thread, GC included: steadier than the wall clock on a
 * machine others use). Asserts nothing.
 *
 *   yarn bench:evaluation [--services 2000] [--clusters 10] [--backups 100] [--runs 3]
 */
import {
  ClusterEvidence,
  ClusterObjects,
  DR_RESOURCE_TYPES,
  RecoveryPointRetention,
  TierPolicies,
  evaluateDrStatus,
  parseDrDeclaration,
  resourceTypeOf,
  serviceTargetFromEntity,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { Entity } from '@backstage/catalog-model';
import { parseArgs } from 'node:util';
import { clusterName, clusterObjects, entities } from './generate';

function main() {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '2000' },
      clusters: { type: 'string', default: '10' },
      backups: { type: 'string', default: '100' },
      runs: { type: 'string', default: '3' },
    },
  });
  const size = {
    services: Number(values.services),
    clusters: Number(values.clusters),
    backups: Number(values.backups),
  };
  const now = new Date();
  const policies = TierPolicies.default();
  const names = Array.from({ length: size.clusters }, (_, c) => clusterName(c));
  // Objects by cluster and resource, as the reader would list them (JSON round trip: fresh objects).
  const lists = names.map((_, c) => {
    const objects: ClusterObjects = {};
    for (const o of JSON.parse(
      JSON.stringify(clusterObjects(size, c, now)),
    ) as any[]) {
      const type = resourceTypeOf(o.apiVersion, o.kind);
      if (!type) continue;
      const list = ((objects as any)[type.resource] ??= []);
      list.push(o);
    }
    for (const t of DR_RESOURCE_TYPES) (objects as any)[t.resource] ??= [];
    return objects;
  });
  const services = (entities(size) as Entity[]).flatMap(entity => {
    const result = parseDrDeclaration(entity, policies, {
      knownClusters: names,
    });
    const target = serviceTargetFromEntity(entity);
    return result.status === 'declared' && target
      ? [{ declaration: result.declaration, target }]
      : [];
  });
  console.log(
    `bench:evaluation ${size.services} services × ${size.clusters} clusters × ${
      size.backups
    } backups (${lists.reduce(
      (n, l) => n + (l.backups?.length ?? 0),
      0,
    )} backups), ${services.length} declared`,
  );
  for (let run = 0; run < Number(values.runs); run++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const withoutRetained: ClusterEvidence[] = names.map((cluster, c) => ({
      cluster,
      objects: { ...lists[c], backups: undefined, volumeSnapshots: undefined },
    }));
    const retention = new RecoveryPointRetention({
      services,
      clusters: withoutRetained,
      now,
      keepNewest: 10,
    });
    const evidence: ClusterEvidence[] = names.map((cluster, c) => {
      const sink = retention.sink(cluster, 'backups');
      const all = lists[c].backups ?? [];
      for (let i = 0; i < all.length; i += 500)
        sink.offer(all.slice(i, i + 500));
      return {
        cluster,
        objects: {
          ...withoutRetained[c].objects,
          backups: sink.objects() as any,
        },
      };
    });
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const verdicts: Record<string, number> = {};
    for (const s of services) {
      const status = evaluateDrStatus({ ...s, clusters: evidence, now });
      verdicts[status.verdict] = (verdicts[status.verdict] ?? 0) + 1;
    }
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    /** CPU milliseconds (user + system) between two `process.cpuUsage()` readings. */
    const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) =>
      ((b.user - a.user + b.system - a.system) / 1000).toFixed(0);
    console.log(
      `run ${run + 1}: retention ${(t1 - t0).toFixed(0)} ms (cpu ${cpu(
        c0,
        c1,
      )}), evaluation ${(t2 - t1).toFixed(0)} ms (cpu ${cpu(c1, c2)}; ${(
        ((t2 - t1) / services.length) *
        1000
      ).toFixed(0)} µs a service), total ${(t2 - t0).toFixed(0)} ms (cpu ${cpu(
        c0,
        c2,
      )}); verdicts ${JSON.stringify(verdicts)}`,
    );
  }
}

main();
