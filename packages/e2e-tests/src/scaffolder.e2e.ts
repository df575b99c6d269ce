import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  TierPolicies,
  parseDrDeclaration,
  scheduleMaxIntervalSeconds,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { TestApp, repoRoot } from './app';
import { dryRunCreate, runTemplate, waitForTemplate } from './scaffolderApi';

// Both DR templates run end to end in the running app through the scaffolder API, as the guest
// user: "Stateful service with DR" publishes a local git repository and registers it in the
// catalog; "Declare DR tier" shows the diff of an example service's catalog file and leaves the
// file as it is. The generated manifests are sent to the simulated clusters as server-side dry
// runs with strict field validation, so they are checked against the real CRDs.

jest.setTimeout(300_000);

let app: TestApp;
const publishDir = path.join(repoRoot, '.data/scaffolder-output');
const name = `e2e-dr-${Date.now().toString(36)}`;

beforeAll(async () => {
  app = await TestApp.start();
});

afterAll(async () => {
  fs.rmSync(path.join(publishDir, name), { recursive: true, force: true });
  // Take the registered service out of the catalog again (the app may be a developer's own).
  if (app) {
    const entity = await app
      .getJson(`/api/catalog/entities/by-name/component/default/${name}`)
      .catch(() => undefined);
    if (entity?.metadata?.uid) {
      await fetch(
        `${app.backendUrl}/api/catalog/entities/by-uid/${entity.metadata.uid}`,
        {
          method: 'DELETE',
          headers: { authorization: `Bearer ${await app.guestToken()}` },
        },
      );
    }
  }
  await app?.stop();
});

function readYaml(file: string): any[] {
  return parseAllDocuments(fs.readFileSync(file, 'utf8')).map(doc => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}

describe('the DR templates, run through the scaffolder API', () => {
  it('"Stateful service with DR" publishes a service with valid DR config and registers it', async () => {
    await waitForTemplate(app, 'stateful-service-with-dr');
    const task = await runTemplate(app, 'stateful-service-with-dr', {
      name,
      description: 'Made by the browser tests',
      owner: 'group:default/platform-team',
      type: 'database',
      namespace: 'commerce',
      image: 'postgres:17.5',
      port: 5432,
      replicas: 2,
      storageSize: '20Gi',
      tier: 'tier-1',
      strategy: 'pilot-light',
      rpo: '15m',
      primaryCluster: 'prod-eu',
      recoveryCluster: 'dr-us',
      backupStorageLocation: 'default',
      volumeBackup: 'snapshot',
      publishTo: 'local',
    });
    expect([task.status, task.log.slice(-5)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    expect(task.output.links).toContainEqual(
      expect.objectContaining({ entityRef: `component:default/${name}` }),
    );

    // The published repository: a git repository with the service, its DR config and runbook.
    const repo = path.join(publishDir, name);
    expect(fs.existsSync(path.join(repo, '.git'))).toBe(true);
    for (const file of [
      'catalog-info.yaml',
      'kubernetes/statefulset.yaml',
      'kubernetes/service.yaml',
      'dr/primary/velero-schedule.yaml',
      'dr/primary/volsync-replication-sources.yaml',
      'dr/recovery/volsync-replication-destinations.yaml',
      'dr/README.md',
      'DR.md',
    ]) {
      expect([file, fs.existsSync(path.join(repo, file))]).toEqual([
        file,
        true,
      ]);
    }

    // catalog-info.yaml: the Kubernetes annotations and a valid DR declaration.
    const [entity] = readYaml(path.join(repo, 'catalog-info.yaml'));
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': name,
      'backstage.io/kubernetes-namespace': 'commerce',
      'disaster-recovery/tier': 'tier-1',
      'disaster-recovery/strategy': 'pilot-light',
      'disaster-recovery/rpo': '15m',
      'disaster-recovery/rto': '4h',
    });
    expect(parseDrDeclaration(entity, TierPolicies.default()).status).toBe(
      'declared',
    );

    // The manifests, checked by the simulated API servers against the real CRDs.
    const [schedule] = readYaml(
      path.join(repo, 'dr/primary/velero-schedule.yaml'),
    );
    const sources = readYaml(
      path.join(repo, 'dr/primary/volsync-replication-sources.yaml'),
    );
    const destinations = readYaml(
      path.join(repo, 'dr/recovery/volsync-replication-destinations.yaml'),
    );
    const workload = [
      ...readYaml(path.join(repo, 'kubernetes/statefulset.yaml')),
      ...readYaml(path.join(repo, 'kubernetes/service.yaml')),
    ];
    for (const object of [schedule, ...sources, ...workload]) {
      await dryRunCreate('prod-eu', object);
    }
    for (const object of destinations) {
      await dryRunCreate('dr-us', object);
    }
    expect(sources.map(s => s.spec.sourcePVC)).toEqual([
      `data-${name}-0`,
      `data-${name}-1`,
    ]);
    // The StatefulSet's PVCs carry the label the Schedule selects.
    expect(
      workload[0].spec.volumeClaimTemplates[0].metadata.labels,
    ).toMatchObject(schedule.spec.template.labelSelector.matchLabels);
    // Replication syncs at most every half RPO, as the DR evaluation reads the cron.
    expect(
      scheduleMaxIntervalSeconds(sources[0].spec.trigger.schedule, new Date()),
    ).toBeLessThanOrEqual(450);

    // Registered: the catalog holds the new service with its DR tier.
    const registered = await app.getJson(
      `/api/catalog/entities/by-name/component/default/${name}`,
    );
    expect(registered.metadata.annotations['disaster-recovery/tier']).toBe(
      'tier-1',
    );
  });

  it('"Stateful service with DR" refuses an RPO backups cannot give, naming the field', async () => {
    const task = await runTemplate(app, 'stateful-service-with-dr', {
      name: `${name}-bad`,
      owner: 'group:default/platform-team',
      namespace: 'commerce',
      tier: 'tier-2',
      strategy: 'backup-restore',
      rpo: '1m',
      primaryCluster: 'prod-eu',
      recoveryCluster: 'dr-us',
      publishTo: 'local',
    });
    expect(task.status).toBe('failed');
    expect(task.log.join('\n')).toContain(
      'rpo: "1m" is shorter than Velero backups can give',
    );
    expect(fs.existsSync(path.join(publishDir, `${name}-bad`))).toBe(false);
  });

  it('"Declare DR tier" shows the diff of a local example service and leaves its file alone', async () => {
    await waitForTemplate(app, 'declare-dr-tier');
    const servicesFile = path.join(repoRoot, 'examples/services.yaml');
    const before = fs.readFileSync(servicesFile, 'utf8');
    const task = await runTemplate(app, 'declare-dr-tier', {
      // As the DR card's empty state passes it.
      entityRef: 'component:default/feature-flags',
      tier: 'tier-2',
      strategy: 'backup-restore',
      rpo: '12h',
      primaryCluster: 'prod-eu',
      recoveryCluster: 'dr-us',
    });
    expect([task.status, task.log.slice(-5)]).toEqual([
      'completed',
      expect.anything(),
    ]);
    const text = task.output.text.map((t: any) => t.content).join('\n');
    expect(text).toContain('--- a/examples/services.yaml');
    expect(text).toContain('+    disaster-recovery/tier: tier-2');
    expect(text).toContain('+    disaster-recovery/strategy: backup-restore');
    expect(text).toContain('+    disaster-recovery/rpo: 12h');
    expect(text).not.toContain('disaster-recovery/rto');
    expect(fs.readFileSync(servicesFile, 'utf8')).toBe(before);
  });
});
