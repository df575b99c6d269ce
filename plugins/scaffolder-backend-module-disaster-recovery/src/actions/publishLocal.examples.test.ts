import fs from 'fs-extra';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { exampleSteps, inputSchemaErrors } from '../__testUtils__/examples';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createPublishLocalAction } from './publishLocal';
import { examples } from './publishLocal.examples';

const root = createMockDirectory();

describe('disaster-recovery:publish:local examples', () => {
  const action = createPublishLocalAction({
    settings: readDrScaffolderSettings(new ConfigReader({}), root.path),
  });
  const steps = exampleSteps(examples, action.id);

  it.each(steps.map(s => [s.description, s.step] as const))(
    '%s: valid input, and it publishes',
    async (_, step) => {
      root.setContent({
        'workspace/catalog-info.yaml': 'kind: Component\n',
        'workspace/service/catalog-info.yaml': 'kind: Component\n',
      });
      expect(inputSchemaErrors(action, step.input)).toEqual([]);
      const ctx = mockActionContext({
        input: step.input,
        workspacePath: path.join(root.path, 'workspace'),
      });
      await action.handler(ctx);
      expect(fs.existsSync(path.join(ctx.outputs.path as string, '.git'))).toBe(
        true,
      );
    },
  );
});
