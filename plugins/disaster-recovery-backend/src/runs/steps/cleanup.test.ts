import {
  FakeKube,
  context,
  messages,
  paths,
  recorded,
  run,
} from './__testUtils__/fakes';
import { createCleanupStep } from './cleanup';

const step = createCleanupStep();
const NS = 'dr-drill-orders-run-1';
const drill = (options = {}) => run({ type: 'drill', options });

function withDrillNamespace(
  labels: Record<string, string> = { 'disaster-recovery/run-id': 'run-1' },
): FakeKube {
  const kube = new FakeKube();
  kube.put('dr-us', paths.namespaces, { metadata: { name: NS, labels } });
  return kube;
}

describe('cleanup', () => {
  it('applies to drills only', () => {
    const d = context({ step: 'cleanup' }).declaration;
    expect(step.applies(drill(), d)).toBe(true);
    expect(step.applies(run({ type: 'failover' }), d)).toBe(false);
  });

  it('deletes the drill namespace on the recovery cluster', async () => {
    const kube = withDrillNamespace();
    const ctx = context({ step: 'cleanup', kube, run: drill() });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.writes).toEqual([
      { method: 'delete', cluster: 'dr-us', path: `${paths.namespaces}/${NS}` },
    ]);
    expect(recorded(ctx, 'cleanup').objects).toEqual([
      {
        cluster: 'dr-us',
        apiVersion: 'v1',
        kind: 'Namespace',
        name: NS,
        action: 'delete',
      },
    ]);
    expect(messages(ctx, 'cleanup')).toEqual([
      `info: Deleted the drill namespace ${NS} on dr-us.`,
    ]);
  });

  it('keeps the namespace with keepNamespace, and says so', async () => {
    const kube = withDrillNamespace();
    const ctx = context({
      step: 'cleanup',
      kube,
      run: drill({ keepNamespace: true }),
    });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.writes).toEqual([]);
    expect(messages(ctx, 'cleanup')).toEqual([
      `info: Keeping the drill namespace ${NS} on dr-us (keepNamespace is set); delete it when done with \`kubectl delete namespace ${NS}\`.`,
    ]);
  });

  it('refuses to delete a namespace of another run', async () => {
    const kube = withDrillNamespace({ 'disaster-recovery/run-id': 'run-0' });
    await expect(
      step.run(context({ step: 'cleanup', kube, run: drill() })),
    ).rejects.toThrow(
      `Namespace ${NS} on dr-us belongs to run run-0, not to this run: it is not deleted.`,
    );
    expect(kube.writes).toEqual([]);
  });

  it('resumes: a namespace being deleted or gone is not deleted again', async () => {
    const kube = withDrillNamespace();
    kube.update('dr-us', `${paths.namespaces}/${NS}`, {
      status: { phase: 'Terminating' },
    });
    const ctx = context({ step: 'cleanup', kube, run: drill() });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(recorded(ctx, 'cleanup').objects).toHaveLength(1);
    const gone = context({
      step: 'cleanup',
      kube: new FakeKube(),
      run: drill(),
    });
    await expect(step.run(gone)).resolves.toEqual({ done: true });
    expect(messages(gone, 'cleanup')).toEqual([
      `info: The drill namespace ${NS} on dr-us is gone.`,
    ]);
    expect(kube.writes).toEqual([]);
  });

  it('in a dry run records the delete and writes nothing', async () => {
    const kube = new FakeKube();
    const ctx = context({ step: 'cleanup', kube, run: drill(), dryRun: true });
    await expect(step.run(ctx)).resolves.toEqual({ done: true });
    expect(kube.writes).toEqual([]);
    expect(recorded(ctx, 'cleanup').objects).toEqual([
      expect.objectContaining({
        kind: 'Namespace',
        name: NS,
        action: 'delete',
      }),
    ]);
  });
});
