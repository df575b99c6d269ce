import fs from 'fs-extra';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { exampleSteps, inputSchemaErrors } from '../__testUtils__/examples';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { ManifestValidator } from '../__testUtils__/validateManifests';
import { createGenerateDrConfigAction } from './generateConfig';
import { examples } from './generateConfig.examples';

// Backups every 2 minutes at most, as the active-active example needs for tier-0's 5m RPO.
const action = createGenerateDrConfigAction({
  settings: readDrScaffolderSettings(
    new ConfigReader({
      disasterRecovery: { scaffolder: { minBackupInterval: '2m' } },
    }),
    '/srv',
  ),
});
const mockDir = createMockDirectory();
let validator: ManifestValidator;
beforeAll(async () => {
  validator = await ManifestValidator.start();
});
afterAll(async () => {
  await validator.stop();
});

describe('disaster-recovery:config:generate examples', () => {
  const steps = exampleSteps(examples, action.id);

  it('has an example per strategy', () => {
    expect(steps.map(s => s.step.input.strategy).sort()).toEqual([
      'active-active',
      'backup-restore',
      'pilot-light',
      'warm-standby',
    ]);
  });

  it.each(steps.map(s => [s.description, s.step] as const))(
    '%s: valid input, and the files it writes are valid',
    async (_, step) => {
      mockDir.clear();
      expect(inputSchemaErrors(action, step.input)).toEqual([]);
      const ctx = mockActionContext({
        input: step.input,
        workspacePath: mockDir.path,
      });
      await action.handler(ctx);
      const files = ctx.outputs.files as string[];
      const manifests = files
        .filter(
          f =>
            f.endsWith('.yaml') &&
            !f.includes('catalog-annotations') &&
            !f.includes('patch'),
        )
        .flatMap(f =>
          parseAllDocuments(
            fs.readFileSync(path.join(mockDir.path, f), 'utf8'),
          ).map(d => d.toJS()),
        );
      expect(manifests.length).toBeGreaterThan(0);
      validator.validate(manifests);
    },
  );
});
