import { DrRun } from '@backstage-dr/plugin-disaster-recovery-common';
import {
  FakeKube,
  advance,
  context,
  messages,
  paths,
  recorded,
  run,
  status,
  workload,
} from './__testUtils__/fakes';
import { createPromoteStep } from './promote';

const step = createPromoteStep();
const RESTORE = `${paths.restores}/dr-run-1`;
const BACKUP = 'orders-hourly-20250601110000';

/** The recovery cluster's Velero knows the primary's backups (a shared, synced location). */
function recovery(): FakeKube {
  const kube = new FakeKube();
  kube.put('dr-us', paths.backups, {
    metadata: { name: BACKUP, namespace: 'velero' },
    status: { phase: 'Completed' },
  } as any);
  return kube;
}

/** What Velero does with the Restore. */
function velero(kube: FakeKube, phase: string, extra: object = {}) {
  kube.update('dr-us', RESTORE, { status: { phase, ...extra } });
}

/** A run whose fence recorded the replicas of the primary's workloads. */
function fencedRun(overrides: Partial<DrRun> = {}): DrRun {
  const r = run(overrides);
  r.steps.push({
    name: 'fence',
    state: 'completed',
    log: [],
    objects: [
      {
        cluster: 'prod-eu',
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        namespace: 'shop',
        name: 'orders-db',
        action: 'patch',
        body: {
          metadata: {
            annotations: {
              'disaster-recovery/fenced-by': 'run-1',
              'disaster-recovery/replicas-before-fence': '3',
            },
          },
          spec: { replicas: 0 },
        },
      },
    ],
  });
  return r;
}

describe('promote', () => {
  it('applies to every strategy but active-active, and to every drill', () => {
    const d = context({ step: 'promote' }).declaration;
    expect(step.applies(run({ strategy: 'active-active' }), d)).toBe(false);
    expect(step.applies(run({ strategy: 'pilot-light' }), d)).toBe(true);
    expect(
      step.applies(run({ type: 'drill', strategy: 'active-active' }), d),
    ).toBe(true);
  });

  describe('backup-restore', () => {
    it('creates a Velero Restore of the newest counted backup in the recovery cluster and waits for Completed', async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube });
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      const body = {
        apiVersion: 'velero.io/v1',
        kind: 'Restore',
        metadata: {
          name: 'dr-run-1',
          namespace: 'velero',
          labels: { 'disaster-recovery/run-id': 'run-1' },
        },
        spec: {
          backupName: BACKUP,
          includedNamespaces: ['shop'],
          restorePVs: true,
        },
      };
      expect(kube.writes).toEqual([
        { method: 'create', cluster: 'dr-us', path: paths.restores, body },
      ]);
      expect(recorded(ctx, 'promote').objects).toEqual([
        {
          cluster: 'dr-us',
          apiVersion: 'velero.io/v1',
          kind: 'Restore',
          namespace: 'velero',
          name: 'dr-run-1',
          action: 'create',
          body,
        },
      ]);
      velero(kube, 'InProgress');
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      velero(kube, 'Completed', { warnings: 2 });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(messages(ctx, 'promote')).toEqual([
        `info: Created Velero Restore velero/dr-run-1 on dr-us: Backup ${BACKUP} (taken 2025-06-01T11:50:00.000Z) into shop.`,
        'info: Waiting for Velero Restore velero/dr-run-1 on dr-us (phase not reported yet).',
        'info: Waiting for Velero Restore velero/dr-run-1 on dr-us (phase InProgress).',
        'info: Velero Restore velero/dr-run-1 on dr-us is Completed with 2 warnings.',
      ]);
      expect(kube.writes).toHaveLength(1);
    });

    it("fails on PartiallyFailed or Failed with Velero's errors and failure reason", async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube });
      await step.run(ctx);
      velero(kube, 'PartiallyFailed', { errors: 3, warnings: 1 });
      await expect(step.run(ctx)).rejects.toThrow(
        `Velero Restore velero/dr-run-1 of Backup ${BACKUP} on dr-us ended PartiallyFailed: 3 errors, 1 warning. See \`velero restore describe dr-run-1 --details\` on dr-us.`,
      );
      velero(kube, 'Failed', {
        errors: 0,
        failureReason: 'error downloading backup: NoSuchKey',
      });
      await expect(step.run(ctx)).rejects.toThrow(
        'ended Failed: 0 errors, 1 warning, failure reason: error downloading backup: NoSuchKey.',
      );
    });

    it('fails after the restore timeout', async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube });
      await step.run(ctx);
      velero(kube, 'InProgress');
      advance(ctx, 3601);
      await expect(step.run(ctx)).rejects.toThrow(
        'Velero Restore velero/dr-run-1 on dr-us did not complete within 3600 seconds (phase InProgress).',
      );
    });

    it('fails without a counted backup, or when the recovery cluster does not know it', async () => {
      await expect(
        step.run(
          context({
            step: 'promote',
            kube: recovery(),
            status: status({ recoveryPoints: [] }),
          }),
        ),
      ).rejects.toThrow(
        'There is no counted Velero Backup of component:default/orders to restore',
      );
      await expect(
        step.run(context({ step: 'promote', kube: new FakeKube() })),
      ).rejects.toThrow(
        `Velero on dr-us does not know Backup ${BACKUP} (seen on prod-eu): its BackupStorageLocation must be configured on dr-us and synced before the backup can be restored there.`,
      );
    });

    it('resumes with the Restore it created: nothing is created twice, a lost record is kept again', async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube });
      await step.run(ctx);
      // Restarted: the record was lost and a newer backup was taken meanwhile.
      recorded(ctx, 'promote').objects.length = 0;
      ctx.status = status({}, 60);
      ctx.status.recoveryPoints[0].name = 'orders-hourly-20250601115900';
      velero(kube, 'Completed');
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toHaveLength(1);
      expect(recorded(ctx, 'promote').objects).toEqual([
        expect.objectContaining({
          kind: 'Restore',
          name: 'dr-run-1',
          action: 'create',
          body: expect.objectContaining({
            spec: expect.objectContaining({ backupName: BACKUP }),
          }),
        }),
      ]);
    });

    it('warns that Velero keeps PVCs that exist already (a failback to the old primary)', async () => {
      const kube = new FakeKube();
      kube.put('prod-eu', paths.backups, {
        metadata: { name: BACKUP, namespace: 'velero' },
        status: { phase: 'Completed' },
      } as any);
      kube.put('prod-eu', paths.pvcs(), {
        metadata: {
          name: 'data-orders-db-0',
          namespace: 'shop',
          labels: { 'backstage.io/kubernetes-id': 'orders' },
        },
      });
      const ctx = context({
        step: 'promote',
        kube,
        run: run({ type: 'failback' }),
      });
      await step.run(ctx);
      expect(messages(ctx, 'promote')[0]).toBe(
        'warn: 1 PVC of the service already exist in shop on prod-eu (data-orders-db-0): Velero does not overwrite existing PVCs, so they keep the data they hold now.',
      );
      expect(kube.writes.map(w => w.cluster)).toEqual(['prod-eu']);
    });

    it('in a dry run records the Restore with its body and writes nothing', async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube, dryRun: true });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toEqual([]);
      expect(recorded(ctx, 'promote').objects).toEqual([
        expect.objectContaining({
          cluster: 'dr-us',
          kind: 'Restore',
          name: 'dr-run-1',
          action: 'create',
          body: expect.objectContaining({
            spec: {
              backupName: BACKUP,
              includedNamespaces: ['shop'],
              restorePVs: true,
            },
          }),
        }),
      ]);
    });
  });

  describe('pilot-light', () => {
    function standby(withDestination: boolean, latestImage = true): FakeKube {
      const kube = recovery();
      kube.put(
        'dr-us',
        paths.statefulSets(),
        workload('orders-db', 0, { readyReplicas: 0 }),
      );
      if (withDestination) {
        kube.put('dr-us', paths.replicationDestinations(), {
          metadata: {
            name: 'orders-db-data',
            namespace: 'shop',
            labels: { 'backstage.io/kubernetes-id': 'orders' },
          },
          spec: {},
          status: latestImage
            ? {
                latestImage: {
                  kind: 'VolumeSnapshot',
                  name: 'volsync-orders-db-data-dst-20250601115500',
                },
              }
            : {},
        } as any);
      }
      return kube;
    }

    it('pauses the replicated volumes and scales the standby up to the replicas before the fence', async () => {
      const kube = standby(true);
      const ctx = context({
        step: 'promote',
        kube,
        run: fencedRun({ strategy: 'pilot-light' }),
      });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toEqual([
        {
          method: 'patch',
          cluster: 'dr-us',
          path: `${paths.replicationDestinations()}/orders-db-data`,
          body: { spec: { paused: true } },
        },
        {
          method: 'patch',
          cluster: 'dr-us',
          path: `${paths.statefulSets()}/orders-db`,
          body: { spec: { replicas: 3 } },
        },
      ]);
      expect(messages(ctx, 'promote')).toEqual([
        'info: Paused VolSync ReplicationDestination shop/orders-db-data on dr-us (latest image: VolumeSnapshot volsync-orders-db-data-dst-20250601115500) so that no sync writes into the volumes the standby takes over.',
        'info: Scaled StatefulSet shop/orders-db on dr-us from 0 to 3 replicas (as on prod-eu before the fence).',
      ]);
      // Called again: all in place, nothing written.
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toHaveLength(2);
    });

    it('fails when a replication destination has no latest image', async () => {
      const ctx = context({
        step: 'promote',
        kube: standby(true, false),
        run: fencedRun({ strategy: 'pilot-light' }),
      });
      await expect(step.run(ctx)).rejects.toThrow(
        'VolSync ReplicationDestination shop/orders-db-data on dr-us has no status.latestImage: no sync has completed, so there is no replicated data to bring the standby up on.',
      );
    });

    it('restores the newest counted backup when nothing replicates', async () => {
      const kube = standby(false);
      const ctx = context({
        step: 'promote',
        kube,
        run: fencedRun({ strategy: 'pilot-light' }),
      });
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      expect(kube.writes.map(w => [w.method, w.path])).toEqual([
        ['create', paths.restores],
      ]);
      // Called again while the Restore runs: the note on the missing replication is logged once.
      velero(kube, 'InProgress');
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      velero(kube, 'Completed');
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(messages(ctx, 'promote')).toEqual([
        'info: No CloudNativePG replica or VolSync ReplicationDestination of the service on dr-us: pilot-light without replication restores the newest counted backup.',
        `info: Created Velero Restore velero/dr-run-1 on dr-us: Backup ${BACKUP} (taken 2025-06-01T11:50:00.000Z) into shop.`,
        'info: Waiting for Velero Restore velero/dr-run-1 on dr-us (phase not reported yet).',
        'info: Waiting for Velero Restore velero/dr-run-1 on dr-us (phase InProgress).',
        'info: Velero Restore velero/dr-run-1 on dr-us is Completed.',
      ]);
    });

    it('in a dry run records the pause and the scale-up and writes nothing', async () => {
      const kube = standby(true);
      const ctx = context({
        step: 'promote',
        kube,
        run: fencedRun({ strategy: 'pilot-light' }),
        dryRun: true,
      });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toEqual([]);
      expect(
        recorded(ctx, 'promote').objects.map(o => [o.kind, o.name, o.body]),
      ).toEqual([
        [
          'ReplicationDestination',
          'orders-db-data',
          { spec: { paused: true } },
        ],
        ['StatefulSet', 'orders-db', { spec: { replicas: 3 } }],
      ]);
    });
  });

  describe('warm-standby with CloudNativePG', () => {
    const PG_NEW = `${paths.cnpg()}/orders-db-dr`;

    function replicated(token?: string): FakeKube {
      const kube = new FakeKube();
      kube.put('prod-eu', paths.cnpg(), {
        metadata: {
          name: 'orders-db',
          namespace: 'shop',
          labels: { 'backstage.io/kubernetes-id': 'orders' },
        },
        spec: { replica: { primary: 'orders-db-dr', source: 'orders-db-dr' } },
        status: token ? { demotionToken: token } : {},
      } as any);
      kube.put('dr-us', paths.cnpg(), {
        metadata: {
          name: 'orders-db-dr',
          namespace: 'shop',
          labels: { 'backstage.io/kubernetes-id': 'orders' },
        },
        spec: { replica: { primary: 'orders-db', source: 'orders-db' } },
        status: { phase: 'Cluster in healthy state' },
      } as any);
      kube.put(
        'dr-us',
        paths.deployments(),
        workload('orders-api', 0, { readyReplicas: 0 }),
      );
      return kube;
    }

    it("promotes the replica with the demoted cluster's token, waits, then scales the standby up", async () => {
      const kube = replicated('tok-123');
      const ctx = context({
        step: 'promote',
        kube,
        run: run({ strategy: 'warm-standby' }),
      });
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      expect(kube.writes).toEqual([
        {
          method: 'patch',
          cluster: 'dr-us',
          path: PG_NEW,
          body: {
            metadata: {
              annotations: { 'disaster-recovery/promoted-by': 'run-1' },
            },
            spec: {
              replica: { primary: 'orders-db-dr', promotionToken: 'tok-123' },
            },
          },
        },
      ]);
      // Still a replica in CloudNativePG's eyes: waits.
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      expect(messages(ctx, 'promote')).toContain(
        'info: Waiting for CloudNativePG Cluster shop/orders-db-dr to be promoted (phase Cluster in healthy state).',
      );
      kube.update('dr-us', PG_NEW, {
        status: { lastPromotionToken: 'tok-123' },
      });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes.map(w => [w.method, w.path, w.body])).toEqual([
        ['patch', PG_NEW, expect.anything()],
        [
          'patch',
          `${paths.deployments()}/orders-api`,
          { spec: { replicas: 1 } },
        ],
      ]);
      expect(messages(ctx, 'promote')).toContain(
        'info: CloudNativePG Cluster shop/orders-db-dr on dr-us is the primary now.',
      );
    });

    it('refuses to promote while the old primary has no demotion token, unless primaryUnreachable', async () => {
      await expect(
        step.run(
          context({
            step: 'promote',
            kube: replicated(),
            run: run({ strategy: 'warm-standby' }),
          }),
        ),
      ).rejects.toThrow(
        'CloudNativePG Cluster orders-db on prod-eu has not published status.demotionToken: it is not demoted, and promoting shop/orders-db-dr on dr-us would make two primaries. Pass primaryUnreachable: true to promote without the token.',
      );

      const kube = replicated();
      kube.unreachable.add('prod-eu');
      const ctx = context({
        step: 'promote',
        kube,
        run: run({
          strategy: 'warm-standby',
          options: { primaryUnreachable: true },
        }),
      });
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      expect(kube.writes[0].body).toEqual({
        metadata: { annotations: { 'disaster-recovery/promoted-by': 'run-1' } },
        spec: { replica: { primary: 'orders-db-dr' } },
      });
      // Without a token, promoted = healthy again after promoting.
      kube.update('dr-us', PG_NEW, {
        status: { phase: 'Promoting to primary cluster' },
      });
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      kube.update('dr-us', PG_NEW, {
        status: { phase: 'Cluster in healthy state' },
      });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
    });

    it('fails when CloudNativePG stops the promotion and waits for a person', async () => {
      const kube = replicated('tok');
      const ctx = context({
        step: 'promote',
        kube,
        run: run({ strategy: 'warm-standby' }),
      });
      await step.run(ctx);
      kube.update('dr-us', PG_NEW, {
        status: {
          phase: 'Waiting for user action',
          phaseReason: 'invalid promotion token: illegal base64 data',
        },
      });
      await expect(step.run(ctx)).rejects.toThrow(
        'CloudNativePG stopped the promotion of Cluster shop/orders-db-dr on dr-us (Waiting for user action): invalid promotion token: illegal base64 data.',
      );
    });

    it('fails when the promotion does not finish within the timeout', async () => {
      const kube = replicated('tok');
      const ctx = context({
        step: 'promote',
        kube,
        run: run({ strategy: 'warm-standby' }),
      });
      await step.run(ctx);
      advance(ctx, 3601);
      await expect(step.run(ctx)).rejects.toThrow(
        'The promotion on dr-us did not finish within 3600 seconds; still waiting for CloudNativePG Cluster shop/orders-db-dr to be promoted (phase Cluster in healthy state).',
      );
    });

    it('in a dry run records the promotion with the token to come and writes nothing', async () => {
      const kube = replicated();
      const ctx = context({
        step: 'promote',
        kube,
        run: run({ strategy: 'warm-standby' }),
        dryRun: true,
      });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toEqual([]);
      expect(recorded(ctx, 'promote').objects[0]).toMatchObject({
        cluster: 'dr-us',
        kind: 'Cluster',
        name: 'orders-db-dr',
        body: {
          spec: {
            replica: {
              primary: 'orders-db-dr',
              promotionToken:
                '<status.demotionToken of CloudNativePG Cluster orders-db on prod-eu>',
            },
          },
        },
      });
    });
  });

  describe('drill', () => {
    const drill = () =>
      run({ type: 'drill', fromCluster: 'prod-eu', toCluster: 'dr-us' });
    const NS = 'dr-drill-orders-run-1';

    it('restores the newest counted backup into its own namespace of the recovery cluster, never touching the primary', async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube, run: drill() });
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      expect(kube.writes).toEqual([
        {
          method: 'create',
          cluster: 'dr-us',
          path: paths.namespaces,
          body: {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: NS,
              labels: {
                'disaster-recovery/run-id': 'run-1',
                'disaster-recovery/drill-of': 'orders',
              },
            },
          },
        },
        {
          method: 'create',
          cluster: 'dr-us',
          path: paths.restores,
          body: expect.objectContaining({
            spec: {
              backupName: BACKUP,
              includedNamespaces: ['shop'],
              namespaceMapping: { shop: NS },
              restorePVs: true,
            },
          }),
        },
      ]);
      velero(kube, 'Completed');
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toHaveLength(2);
      expect(kube.writes.every(w => w.cluster === 'dr-us')).toBe(true);
    });

    it("fails with Velero's failure", async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube, run: drill() });
      await step.run(ctx);
      velero(kube, 'Failed', {
        failureReason: 'found a restore with status "InProgress"',
      });
      await expect(step.run(ctx)).rejects.toThrow(
        'ended Failed: 0 errors, 0 warnings, failure reason: found a restore with status "InProgress"',
      );
    });

    it('resumes with its namespace and Restore', async () => {
      const kube = recovery();
      const ctx = context({ step: 'promote', kube, run: drill() });
      await step.run(ctx);
      recorded(ctx, 'promote').objects.length = 0;
      await expect(step.run(ctx)).resolves.toEqual({ retryAfterMs: 1000 });
      expect(kube.writes).toHaveLength(2);
      expect(
        recorded(ctx, 'promote').objects.map(o => [o.kind, o.action]),
      ).toEqual([
        ['Namespace', 'create'],
        ['Restore', 'create'],
      ]);
    });

    it('uses the namespace the engine chose, and refuses one of another run', async () => {
      const kube = recovery();
      kube.put('dr-us', paths.namespaces, {
        metadata: {
          name: 'dr-drill-x',
          labels: { 'disaster-recovery/run-id': 'run-0' },
        },
      });
      await expect(
        step.run(
          context({
            step: 'promote',
            kube,
            run: { ...drill(), drillNamespace: 'dr-drill-x' },
          }),
        ),
      ).rejects.toThrow(
        'Namespace dr-drill-x on dr-us belongs to run run-0, not to this run.',
      );
    });

    it('in a dry run records the namespace and the Restore and writes nothing', async () => {
      const kube = recovery();
      const ctx = context({
        step: 'promote',
        kube,
        run: drill(),
        dryRun: true,
      });
      await expect(step.run(ctx)).resolves.toEqual({ done: true });
      expect(kube.writes).toEqual([]);
      expect(
        recorded(ctx, 'promote').objects.map(o => [o.kind, o.name]),
      ).toEqual([
        ['Namespace', NS],
        ['Restore', 'dr-run-1'],
      ]);
    });
  });
});
