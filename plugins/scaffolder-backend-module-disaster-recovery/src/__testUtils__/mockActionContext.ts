import os from 'node:os';
import path from 'node:path';
import fs from 'fs-extra';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ActionContext } from '@backstage/plugin-scaffolder-node';

/**
 * A scaffolder action context for unit tests (the installed `@backstage/plugin-scaffolder-node`
 * has no `createMockActionContext`): `output` is a jest mock, `checkpoint` runs its function, and
 * the outputs are collected in `outputs`.
 */
export function mockActionContext(options: {
  input: Record<string, any>;
  workspacePath: string;
  isDryRun?: boolean;
  /** The task's initiator; default a signed-in user (`mockCredentials.user()`). */
  credentials?: BackstageCredentials;
  secrets?: Record<string, string>;
  signal?: AbortSignal;
}): ActionContext<any, any> & { outputs: Record<string, unknown> } {
  const outputs: Record<string, unknown> = {};
  return {
    input: options.input,
    workspacePath: options.workspacePath,
    isDryRun: options.isDryRun,
    secrets: options.secrets,
    signal: options.signal,
    logger: mockServices.logger.mock(),
    outputs,
    output: jest.fn((name: string | number | symbol, value: unknown) => {
      outputs[String(name)] = value;
    }),
    checkpoint: (async ({ fn }: { fn: () => unknown }) => fn()) as any,
    createTemporaryDirectory: async () =>
      fs.mkdtemp(path.join(os.tmpdir(), 'dr-action-')),
    getInitiatorCredentials: async () =>
      options.credentials ?? mockCredentials.user(),
    task: { id: 'task-1' },
  };
}
