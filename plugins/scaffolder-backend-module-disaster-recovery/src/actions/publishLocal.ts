import path from 'node:path';
import nodeFs from 'node:fs';
import fs from 'fs-extra';
import git from 'isomorphic-git';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DrScaffolderSettings } from '../config';
import { examples } from './publishLocal.examples';
import { resolveInWorkspace } from './workspace';

/** The action's id. */
export const PUBLISH_LOCAL_ACTION_ID = 'disaster-recovery:publish:local';

const REPO_NAME = /^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/;

/**
 * Creates the `disaster-recovery:publish:local` action, the local app's stand-in for
 * `publish:github`: copies a workspace folder into `<publishDirectory>/<name>`
 * (`disasterRecovery.scaffolder.publishDirectory`, default `.data/scaffolder-output` under the
 * backend's working directory) and makes it a git repository with one commit (isomorphic-git, as
 * the scaffolder's own publish actions). The folder can be cloned (`git clone <remoteUrl>`) and
 * read by the catalog through a `file` location. Refuses a name that is already taken.
 *
 * @public
 */
export function createPublishLocalAction(options: {
  settings: DrScaffolderSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: PUBLISH_LOCAL_ACTION_ID,
    description:
      'Publishes a workspace folder as a local git repository under disasterRecovery.scaffolder.publishDirectory (for local apps without a source-control integration).',
    examples,
    schema: {
      input: {
        name: z =>
          z
            .string()
            .max(100)
            .regex(
              REPO_NAME,
              'name: use lower-case letters, digits, ".", "_" and "-", starting and ending with a letter or digit',
            )
            .describe('The repository (folder) name'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder to publish; default: the whole workspace',
            ),
        defaultBranch: z =>
          z.string().optional().describe('Branch name; default main'),
        gitCommitMessage: z =>
          z
            .string()
            .optional()
            .describe('Commit message; default "Initial commit"'),
      },
      output: {
        remoteUrl: z =>
          z.string().describe('file:// URL of the repository, for git clone'),
        path: z => z.string().describe('The repository folder (absolute)'),
        catalogInfoPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Absolute path of its catalog-info.yaml, when there is one',
            ),
        commitHash: z => z.string().describe('The commit made'),
      },
    },
    async handler(ctx) {
      const { name } = ctx.input;
      const source = resolveInWorkspace(
        ctx.workspacePath,
        ctx.input.sourcePath ?? '.',
        'sourcePath',
      );
      const target = path.join(settings.publishDirectory, name);
      const commitHash = await ctx.checkpoint({
        key: `dr-publish-local-${name}`,
        fn: async () => {
          if (!(await fs.pathExists(source))) {
            throw new InputError(
              `sourcePath: "${ctx.input.sourcePath}" is not in the workspace`,
            );
          }
          if (await fs.pathExists(target)) {
            throw new ConflictError(
              `name: a repository named "${name}" already exists in ${settings.publishDirectory}; choose another name, or delete the folder`,
            );
          }
          await fs.mkdirp(settings.publishDirectory);
          await fs.copy(source, target, {
            filter: file => path.basename(file) !== '.git',
          });
          const dir = target;
          await git.init({
            fs: nodeFs,
            dir,
            defaultBranch: ctx.input.defaultBranch ?? 'main',
          });
          await git.add({ fs: nodeFs, dir, filepath: '.' });
          const user = ctx.user?.entity;
          return git.commit({
            fs: nodeFs,
            dir,
            message: ctx.input.gitCommitMessage ?? 'Initial commit',
            author: {
              name: user?.spec.profile?.displayName ?? 'Scaffolder',
              email: user?.spec.profile?.email ?? 'scaffolder@backstage.io',
            },
          });
        },
      });
      const catalogInfo = path.join(target, 'catalog-info.yaml');
      ctx.logger.info(`Published ${name} to ${target} (commit ${commitHash})`);
      ctx.output('remoteUrl', `file://${target}`);
      ctx.output('path', target);
      if (await fs.pathExists(catalogInfo)) {
        ctx.output('catalogInfoPath', catalogInfo);
      }
      ctx.output('commitHash', commitHash);
    },
  });
}
