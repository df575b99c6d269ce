import path from 'node:path';
import fs from 'fs-extra';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createAnnotateCatalogAction } from './annotateCatalog';

const settings = readDrScaffolderSettings(new ConfigReader({}), '/srv');
const action = createAnnotateCatalogAction({ settings });
const mockDir = createMockDirectory();

const CATALOG = `# Services of the commerce team.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
  annotations:
    backstage.io/kubernetes-id: orders-api
spec:
  type: service
  lifecycle: production
  owner: commerce-team
---
# The database, on PostgreSQL.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-db
  annotations:
    backstage.io/kubernetes-id: orders-db # label on its objects
    disaster-recovery/tier: tier-2
  tags: [stateful]
spec:
  type: database   # not a service
  lifecycle: production
  owner: commerce-team
`;

const DR = {
  'disaster-recovery/tier': 'tier-1',
  'disaster-recovery/strategy': 'pilot-light',
  'disaster-recovery/rpo': '15m',
};

async function run(input: Record<string, unknown>) {
  const ctx = mockActionContext({ input, workspacePath: mockDir.path });
  await action.handler(ctx);
  return ctx.outputs as {
    changed: boolean;
    diff: string;
    annotations: Record<string, string>;
  };
}

const file = () => path.join(mockDir.path, 'catalog-info.yaml');

describe('disaster-recovery:catalog:annotate', () => {
  beforeEach(() => {
    mockDir.setContent({ 'catalog-info.yaml': CATALOG });
  });

  it('annotates one entity of a file with comments and several documents, changing only its annotation lines', async () => {
    const out = await run({
      entityRef: 'component:default/orders-db',
      annotations: DR,
    });
    const after = fs.readFileSync(file(), 'utf8');
    expect(after).toBe(
      CATALOG.replace(
        '    disaster-recovery/tier: tier-2\n',
        '    disaster-recovery/tier: tier-1\n' +
          '    disaster-recovery/strategy: pilot-light\n' +
          '    disaster-recovery/rpo: 15m\n',
      ),
    );
    // The other document, byte for byte.
    const firstDoc = CATALOG.slice(0, CATALOG.indexOf('---\n'));
    expect(after.slice(0, after.indexOf('---\n'))).toBe(firstDoc);
    expect(out.changed).toBe(true);
    expect(out.annotations).toEqual(DR);
    expect(out.diff).toContain(
      '--- a/catalog-info.yaml\n+++ b/catalog-info.yaml\n',
    );
    expect(out.diff).toContain(
      '-    disaster-recovery/tier: tier-2\n+    disaster-recovery/tier: tier-1\n+    disaster-recovery/strategy: pilot-light\n+    disaster-recovery/rpo: 15m\n',
    );
  });

  it('outputs an empty diff and leaves the file alone when nothing changes', async () => {
    const out = await run({
      entityRef: 'orders-db',
      annotations: {
        'disaster-recovery/tier': 'tier-2',
        'disaster-recovery/strategy': 'backup-restore',
      },
    });
    expect(out.changed).toBe(true);
    const again = await run({
      entityRef: 'orders-db',
      annotations: { 'disaster-recovery/tier': 'tier-2' },
    });
    expect(again).toMatchObject({ changed: false, diff: '' });
  });

  describe('refuses', () => {
    it.each([
      [
        'a declaration the tier forbids',
        {
          entityRef: 'orders-db',
          annotations: {
            ...DR,
            'disaster-recovery/strategy': 'backup-restore',
          },
        },
        /annotations: the DR declaration of orders-db would be invalid: disaster-recovery\/strategy: "backup-restore" is not allowed for tier-1/,
      ],
      [
        'an annotation outside the DR set',
        {
          entityRef: 'orders-db',
          annotations: { 'disaster-recovery/rpo-target': '1h' },
        },
        /annotations: "disaster-recovery\/rpo-target" is not a DR annotation; use disaster-recovery\/tier, /,
      ],
      [
        'an entity the file does not hold',
        { entityRef: 'component:default/billing', annotations: DR },
        /entityRef: the file holds no entity component:default\/billing; it holds Component:orders-api, Component:orders-db/,
      ],
      [
        'a malformed entity reference',
        { entityRef: 'component:default/', annotations: DR },
        /entityRef: "component:default\/" is not an entity reference/,
      ],
      [
        'a missing file',
        { entityRef: 'orders-db', annotations: DR, filePath: 'nope.yaml' },
        /filePath: "nope.yaml" is not in the workspace/,
      ],
      [
        'a path outside the workspace',
        {
          entityRef: 'orders-db',
          annotations: DR,
          filePath: '../catalog-info.yaml',
        },
        /filePath: "..\/catalog-info.yaml" is outside the workspace/,
      ],
    ])('%s', async (_, input, message) => {
      await expect(run(input)).rejects.toThrow(message);
      expect(fs.readFileSync(file(), 'utf8')).toBe(CATALOG);
    });

    it('a file that is not valid YAML', async () => {
      mockDir.setContent({ 'catalog-info.yaml': 'kind: [Component\n' });
      await expect(
        run({ entityRef: 'orders-db', annotations: DR }),
      ).rejects.toThrow(/file: document 1 is not valid YAML/);
    });
  });
});
