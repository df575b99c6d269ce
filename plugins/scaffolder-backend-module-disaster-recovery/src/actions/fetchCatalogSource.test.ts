import path from 'node:path';
import fs from 'fs-extra';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createFetchCatalogSourceAction } from './fetchCatalogSource';

const sources = createMockDirectory();
const workspace = createMockDirectory();

function action() {
  const settings = readDrScaffolderSettings(
    new ConfigReader({
      disasterRecovery: {
        scaffolder: { localSourceDirectories: ['examples'] },
      },
    }),
    sources.path,
  );
  return createFetchCatalogSourceAction({ settings });
}

function entity(location: string) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'orders-db',
      annotations: { 'backstage.io/managed-by-location': location },
    },
    spec: {},
  };
}

async function run(input: Record<string, unknown>) {
  const ctx = mockActionContext({ input, workspacePath: workspace.path });
  await action().handler(ctx);
  return ctx.outputs;
}

describe('disaster-recovery:catalog:fetch-source', () => {
  beforeEach(() => {
    workspace.clear();
    sources.setContent({
      'examples/services.yaml':
        'kind: Component\nmetadata:\n  name: orders-db\n',
      'secret/other.yaml': 'kind: Component\n',
    });
  });

  it('copies a local catalog file from an allowed folder into the workspace, leaving the original', async () => {
    const file = path.join(sources.path, 'examples/services.yaml');
    const out = await run({ entity: entity(`file:${file}`) });
    expect(out).toEqual({
      locationType: 'file',
      filePath: 'source/services.yaml',
      displayPath: 'examples/services.yaml',
    });
    expect(
      fs.readFileSync(
        path.join(workspace.path, 'source/services.yaml'),
        'utf8',
      ),
    ).toBe(fs.readFileSync(file, 'utf8'));
  });

  it('names the file URL, repository and branch of a GitHub location, copying nothing', async () => {
    const out = await run({
      entity: entity(
        'url:https://github.com/acme/orders/blob/main/deploy/catalog-info.yaml',
      ),
      targetPath: 'repo',
    });
    expect(out).toEqual({
      locationType: 'url',
      url: 'https://github.com/acme/orders/blob/main/deploy/catalog-info.yaml',
      filePath: 'repo/deploy/catalog-info.yaml',
      displayPath: 'deploy/catalog-info.yaml',
      repoUrl: 'github.com?owner=acme&repo=orders',
      branch: 'main',
    });
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });

  it.each([
    [
      'a local file outside the allowed folders',
      () => entity(`file:${path.join(sources.path, 'secret/other.yaml')}`),
      /is declared in the local file .*other.yaml, outside disasterRecovery.scaffolder.localSourceDirectories/,
    ],
    [
      'an entity without a location',
      () => ({ kind: 'Component', metadata: { name: 'x' } }),
      /entity: Component:x has no backstage.io\/managed-by-location annotation/,
    ],
    [
      'a location type it cannot read',
      () => entity('github-discovery:https://github.com/acme'),
      /comes from a github-discovery location/,
    ],
  ])('refuses %s', async (_, make, message) => {
    await expect(run({ entity: make() })).rejects.toThrow(message);
    expect(fs.readdirSync(workspace.path)).toEqual([]);
  });
});
