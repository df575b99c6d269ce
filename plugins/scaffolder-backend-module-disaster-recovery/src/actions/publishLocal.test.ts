import path from 'node:path';
import fs from 'node:fs';
import git from 'isomorphic-git';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createPublishLocalAction } from './publishLocal';

const root = createMockDirectory();
const settings = () =>
  readDrScaffolderSettings(
    new ConfigReader({
      disasterRecovery: { scaffolder: { publishDirectory: 'out' } },
    }),
    root.path,
  );

async function run(input: Record<string, unknown>) {
  const ctx = mockActionContext({
    input,
    workspacePath: path.join(root.path, 'workspace'),
  });
  await createPublishLocalAction({ settings: settings() }).handler(ctx);
  return ctx.outputs;
}

describe('disaster-recovery:publish:local', () => {
  beforeEach(() => {
    root.setContent({
      'workspace/catalog-info.yaml': 'kind: Component\n',
      'workspace/dr/README.md': '# DR\n',
    });
  });

  it('publishes the workspace as a git repository with one commit, under the configured folder', async () => {
    const out = await run({ name: 'orders-db', gitCommitMessage: 'First' });
    const dir = path.join(root.path, 'out/orders-db');
    expect(out).toEqual({
      remoteUrl: `file://${dir}`,
      path: dir,
      catalogInfoPath: path.join(dir, 'catalog-info.yaml'),
      commitHash: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    const log = await git.log({ fs, dir });
    expect(log.map(c => c.commit.message)).toEqual(['First\n']);
    expect(await git.currentBranch({ fs, dir })).toBe('main');
    expect((await git.listFiles({ fs, dir })).sort()).toEqual([
      'catalog-info.yaml',
      'dr/README.md',
    ]);
  });

  it('refuses a name that is taken, leaving the existing repository as it is', async () => {
    await run({ name: 'orders-db' });
    fs.writeFileSync(path.join(root.path, 'workspace/catalog-info.yaml'), 'x');
    await expect(run({ name: 'orders-db' })).rejects.toThrow(
      /name: a repository named "orders-db" already exists/,
    );
    expect(
      fs.readFileSync(
        path.join(root.path, 'out/orders-db/catalog-info.yaml'),
        'utf8',
      ),
    ).toBe('kind: Component\n');
  });

  it('refuses a source folder outside the workspace', async () => {
    await expect(run({ name: 'x', sourcePath: '../..' })).rejects.toThrow(
      /sourcePath: "..\/.." is outside the workspace/,
    );
  });
});
