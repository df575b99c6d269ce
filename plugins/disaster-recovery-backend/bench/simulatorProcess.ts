// The benchmark's simulated clusters, in their own process so that the backend's memory is
// measured alone. Started with the size in argv; answers `stats` messages; exits on `stop`.
import { startSimulator } from '@backstage-dr/kube-simulator';
import { BenchSize, clusterName, clusterObjects } from './generate';

async function main() {
  const size: BenchSize = JSON.parse(process.argv[2]);
  const now = new Date(process.argv[3]);
  const simulator = await startSimulator({
    now,
    clusters: Array.from({ length: size.clusters }, (_, c) => ({
      name: clusterName(c),
      port: 0,
      token: 'bench-token',
    })),
  });
  for (let c = 0; c < size.clusters; c++) {
    simulator.cluster(clusterName(c)).load(clusterObjects(size, c, now));
  }
  const stats = () =>
    simulator.clusters.reduce(
      (sum, { name }) => ({
        requests: sum.requests + simulator.cluster(name).requestCount,
        bytes: sum.bytes + simulator.cluster(name).bytesSent,
      }),
      { requests: 0, bytes: 0 },
    );
  // The benchmark exited or died: do not outlive it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (message: string) => {
    if (message === 'stats') process.send!({ stats: stats() });
    if (message === 'stop') {
      await simulator.stop();
      process.exit(0);
    }
  });
  process.send!({ clusters: simulator.clusters });
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
