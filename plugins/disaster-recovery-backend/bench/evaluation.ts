/**
 * `yarn bench:evaluation`: the CPU cost of what a refresh does with the objects once they are
 * read, without the network: the generated objects of `yarn bench:status` (the same generator)
 * offered page by page to the `RecoveryPointRetention` sinks, then every service judged with
 * `evaluateDrStatus`. Prints the wall-clock times of both phases and per service, and the CPU
 * time the process spent in them (every thread, GC included: steadier than the wall clock on a
 * machine others use). Asserts nothing.
 *
 *   yarn bench:evaluation [--services 2000] [--clusters 10] [--backups 100] [--runs 3]
 *     [--compare <checkout>]
 *
 * `--compare` times another checkout's evaluation (e.g. a `git worktree` of an older commit) in
 * the same process on the same objects, its runs alternating with this one's, so that both see
 * the same machine load: `<checkout>/plugins/disaster-recovery-common/src` is loaded beside this
 * checkout's, and each line is labelled `this` or `compared`.
 */
import * as common from '@backstage-dr/plugin-disaster-recovery-common';
import {
  ClusterEvidence,
  ClusterObjects,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { Entity } from '@backstage/catalog-model';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterName, clusterObjects, entities } from './generate';

type Common = typeof common;

/** The common package of another checkout, from its sources. */
function loadCheckout(checkout: string): Common {
  const source = resolve(checkout, 'plugins/disaster-recovery-common/src');
  if (!existsSync(resolve(source, 'index.ts'))) {
    throw new Error(
      `--compare must name a checkout of this repository; ${source}/index.ts does not exist`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(source);
}

function main() {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '2000' },
      clusters: { type: 'string', default: '10' },
      backups: { type: 'string', default: '100' },
      runs: { type: 'string', default: '3' },
      compare: { type: 'string' },
    },
  });
  const size = {
    services: Number(values.services),
    clusters: Number(values.clusters),
    backups: Number(values.backups),
  };
  const versions: Array<{ label: string; code: Common }> = [
    { label: values.compare ? 'this' : '', code: common },
  ];
  if (values.compare) {
    versions.push({ label: 'compared', code: loadCheckout(values.compare) });
  }
  const now = new Date();
  const names = Array.from({ length: size.clusters }, (_, c) => clusterName(c));
  // Objects by cluster and resource, as the reader would list them (JSON round trip: fresh objects).
  const lists = names.map((_, c) => {
    const objects: ClusterObjects = {};
    for (const o of JSON.parse(
      JSON.stringify(clusterObjects(size, c, now)),
    ) as any[]) {
      const type = common.resourceTypeOf(o.apiVersion, o.kind);
      if (!type) continue;
      const list = ((objects as any)[type.resource] ??= []);
      list.push(o);
    }
    for (const t of common.DR_RESOURCE_TYPES) {
      (objects as any)[t.resource] ??= [];
    }
    return objects;
  });
  const declared = ({ code }: { code: Common }) =>
    (entities(size) as Entity[]).flatMap(entity => {
      const result = code.parseDrDeclaration(
        entity,
        code.TierPolicies.default(),
        { knownClusters: names },
      );
      const target = code.serviceTargetFromEntity(entity);
      return result.status === 'declared' && target
        ? [{ declaration: result.declaration, target }]
        : [];
    });
  const servicesOf = versions.map(declared);
  console.log(
    `bench:evaluation ${size.services} services × ${size.clusters} clusters × ${
      size.backups
    } backups (${lists.reduce(
      (n, l) => n + (l.backups?.length ?? 0),
      0,
    )} backups), ${servicesOf[0].length} declared`,
  );

  /** One refresh's work with one version of the code. */
  const runOnce = (code: Common, services: (typeof servicesOf)[number]) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const withoutRetained: ClusterEvidence[] = names.map((cluster, c) => ({
      cluster,
      objects: { ...lists[c], backups: undefined, volumeSnapshots: undefined },
    }));
    const retention = new code.RecoveryPointRetention({
      services,
      clusters: withoutRetained,
      now,
      keepNewest: 10,
    });
    const evidence: ClusterEvidence[] = names.map((cluster, c) => {
      const sink = retention.sink(cluster, 'backups');
      const all = lists[c].backups ?? [];
      for (let i = 0; i < all.length; i += 500) {
        sink.offer(all.slice(i, i + 500));
      }
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
      const status = code.evaluateDrStatus({ ...s, clusters: evidence, now });
      verdicts[status.verdict] = (verdicts[status.verdict] ?? 0) + 1;
    }
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    /** CPU milliseconds (user + system) between two `process.cpuUsage()` readings. */
    const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) =>
      ((b.user - a.user + b.system - a.system) / 1000).toFixed(0);
    return `retention ${(t1 - t0).toFixed(0)} ms (cpu ${cpu(
      c0,
      c1,
    )}), evaluation ${(t2 - t1).toFixed(0)} ms (cpu ${cpu(c1, c2)}; ${(
      ((t2 - t1) / services.length) *
      1000
    ).toFixed(0)} µs a service), total ${(t2 - t0).toFixed(0)} ms (cpu ${cpu(
      c0,
      c2,
    )}); verdicts ${JSON.stringify(verdicts)}`;
  };

  for (let run = 0; run < Number(values.runs); run++) {
    // Alternating, and in turn first, so that neither version always runs after the other.
    const order = run % 2 === 0 ? versions : [...versions].reverse();
    for (const version of order) {
      const line = runOnce(version.code, servicesOf[versions.indexOf(version)]);
      console.log(
        `${version.label ? `${version.label} ` : ''}run ${run + 1}: ${line}`,
      );
    }
  }
}

main();
