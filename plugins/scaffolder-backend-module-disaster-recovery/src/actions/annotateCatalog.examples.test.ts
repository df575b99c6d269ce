import fs from 'fs-extra';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { exampleSteps, inputSchemaErrors } from '../__testUtils__/examples';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createAnnotateCatalogAction } from './annotateCatalog';
import { examples } from './annotateCatalog.examples';

const action = createAnnotateCatalogAction({
  settings: readDrScaffolderSettings(new ConfigReader({}), '/srv'),
});
const mockDir = createMockDirectory();

describe('disaster-recovery:catalog:annotate examples', () => {
  const steps = exampleSteps(examples, action.id);

  it.each(steps.map(s => [s.description, s.step] as const))(
    '%s: the input matches the schema',
    (_, step) => {
      expect(inputSchemaErrors(action, step.input)).toEqual([]);
    },
  );

  it('the schema check finds a bad input', () => {
    expect(inputSchemaErrors(action, { entityRef: 42 })).not.toEqual([]);
  });

  it('the first example annotates a catalog-info.yaml', async () => {
    mockDir.setContent({
      'catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders-db\nspec:\n  type: database\n',
    });
    const ctx = mockActionContext({
      input: steps[0].step.input,
      workspacePath: mockDir.path,
    });
    await action.handler(ctx);
    expect(ctx.outputs.changed).toBe(true);
    expect(
      fs.readFileSync(path.join(mockDir.path, 'catalog-info.yaml'), 'utf8'),
    ).toContain('    disaster-recovery/tier: tier-1\n');
  });
});
