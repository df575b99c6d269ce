import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  TemplateAction,
  scaffolderActionsExtensionPoint,
} from '@backstage/plugin-scaffolder-node';
import scaffolderModuleDisasterRecovery from '.';

/** A stand-in scaffolder plugin that collects the actions modules add. */
function collectingScaffolder(actions: TemplateAction<any, any, any>[]) {
  return createBackendPlugin({
    pluginId: 'scaffolder',
    register(reg) {
      reg.registerExtensionPoint(scaffolderActionsExtensionPoint, {
        addActions: (...added) => actions.push(...added),
      });
      reg.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('scaffolderModuleDisasterRecovery', () => {
  it('adds the DR actions to the scaffolder', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    await startTestBackend({
      features: [
        collectingScaffolder(actions),
        scaffolderModuleDisasterRecovery,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    expect(actions.map(a => a.id)).toEqual([
      'disaster-recovery:config:generate',
      'disaster-recovery:catalog:annotate',
      'disaster-recovery:catalog:fetch-source',
      'disaster-recovery:publish:local',
      'disaster-recovery:catalog:register-local',
      'disaster-recovery:run:start',
    ]);
    expect(actions.every(a => (a.examples ?? []).length > 0)).toBe(true);
  });

  it('stops the backend on a malformed setting, naming the key', async () => {
    await expect(
      startTestBackend({
        features: [
          collectingScaffolder([]),
          scaffolderModuleDisasterRecovery,
          mockServices.rootConfig.factory({
            data: {
              disasterRecovery: {
                scaffolder: { minBackupInterval: '5 minutes' },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      /disasterRecovery.scaffolder.minBackupInterval: "5 minutes" is not a duration/,
    );
  });
});
