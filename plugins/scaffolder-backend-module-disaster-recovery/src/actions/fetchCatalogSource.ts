import path from 'node:path';
import fs from 'fs-extra';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  parseLocationRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DrScaffolderSettings } from '../config';
import { examples } from './fetchCatalogSource.examples';
import { isInside, resolveInWorkspace } from './workspace';

/** The action's id. */
export const FETCH_CATALOG_SOURCE_ACTION_ID =
  'disaster-recovery:catalog:fetch-source';

/**
 * Where an entity's catalog file lives, read from its `backstage.io/managed-by-location`:
 * a repository URL in the form `https://<host>/<owner>/<repo>/blob/<branch>/<path>` (GitHub's, and
 * GitHub Enterprise's), or anything else.
 */
function parseRepositoryUrl(url: string) {
  const match =
    /^https?:\/\/([^/]+)\/([^/]+)\/([^/]+)\/(?:blob|tree)\/([^/]+)\/(.+)$/.exec(
      url,
    );
  if (!match) {
    return undefined;
  }
  const [, host, owner, repo, branch, filePath] = match;
  return {
    repoUrl: `${host}?owner=${encodeURIComponent(
      owner,
    )}&repo=${encodeURIComponent(repo)}`,
    branch,
    filePath: decodeURIComponent(filePath),
  };
}

/**
 * Creates the `disaster-recovery:catalog:fetch-source` action, which finds where an entity is
 * declared (its `backstage.io/managed-by-location`, else its origin location) and prepares the
 * workspace for `disaster-recovery:catalog:annotate`:
 *
 * - `file` locations (the local app's examples): the file is copied into the workspace, under
 *   `targetPath`, when it is inside one of `disasterRecovery.scaffolder.localSourceDirectories`;
 *   the original is never written;
 * - `url` locations: nothing is copied (the template fetches the URL with `fetch:plain:file`,
 *   which reads it through the backend's integrations); for a repository URL the outputs give
 *   what `publish:github:pull-request` needs.
 *
 * Outputs `locationType`, the workspace `filePath` to annotate, the `displayPath` for the diff,
 * and for URLs `url`, `repoUrl`, `branch`.
 *
 * @public
 */
export function createFetchCatalogSourceAction(options: {
  settings: DrScaffolderSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: FETCH_CATALOG_SOURCE_ACTION_ID,
    description:
      'Finds the catalog file an entity is declared in (its managed-by-location). A local file (inside disasterRecovery.scaffolder.localSourceDirectories) is copied into the workspace; for a URL, outputs what fetch:plain:file and publish:github:pull-request need.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entity: z =>
          z
            .object({
              kind: z.string(),
              metadata: z
                .object({
                  name: z.string(),
                  annotations: z.record(z.string()).optional(),
                })
                .passthrough(),
            })
            .passthrough()
            .describe('The entity, e.g. the entity output of catalog:fetch'),
        targetPath: z =>
          z
            .string()
            .optional()
            .describe(
              'Workspace folder to copy the file into (it keeps its repository path under it for URLs); default source',
            ),
      },
      output: {
        locationType: z =>
          z.string().describe('The location type: file or url'),
        filePath: z =>
          z
            .string()
            .describe('Where the catalog file is (or goes) in the workspace'),
        displayPath: z =>
          z
            .string()
            .describe("The file's path in its repository, for the diff header"),
        url: z =>
          z.string().optional().describe('For url locations: the file URL'),
        repoUrl: z =>
          z
            .string()
            .optional()
            .describe(
              'For repository URLs: host?owner=..&repo=.., as publish:github:pull-request takes it',
            ),
        branch: z =>
          z
            .string()
            .optional()
            .describe("For repository URLs: the file's branch"),
      },
    },
    async handler(ctx) {
      const { entity } = ctx.input;
      const targetPath = ctx.input.targetPath ?? 'source';
      resolveInWorkspace(ctx.workspacePath, targetPath, 'targetPath');
      const annotations = entity.metadata.annotations ?? {};
      const ref =
        annotations[ANNOTATION_LOCATION] ??
        annotations[ANNOTATION_ORIGIN_LOCATION];
      const entityName = `${entity.kind}:${entity.metadata.name}`;
      if (!ref) {
        throw new InputError(
          `entity: ${entityName} has no ${ANNOTATION_LOCATION} annotation; pass an entity read from the catalog (catalog:fetch)`,
        );
      }
      let location: { type: string; target: string };
      try {
        location = parseLocationRef(ref);
      } catch {
        throw new InputError(
          `entity: ${entityName} has a malformed ${ANNOTATION_LOCATION} "${ref}"; expected <type>:<target>`,
        );
      }

      if (location.type === 'file') {
        const source = path.resolve(location.target);
        const allowed = settings.localSourceDirectories.find(dir =>
          isInside(dir, source),
        );
        if (!allowed) {
          throw new InputError(
            `entity: ${entityName} is declared in the local file ${source}, outside disasterRecovery.scaffolder.localSourceDirectories (${
              settings.localSourceDirectories.join(', ') || 'none configured'
            }); add its folder there to let templates read it`,
          );
        }
        const filePath = path.posix.join(targetPath, path.basename(source));
        const displayPath = path
          .relative(path.dirname(allowed), source)
          .split(path.sep)
          .join('/');
        if (!ctx.isDryRun) {
          await ctx.checkpoint({
            key: `dr-fetch-source-${filePath}`,
            fn: async () => {
              const target = resolveInWorkspace(ctx.workspacePath, filePath);
              await fs.mkdirp(path.dirname(target));
              await fs.copyFile(source, target);
            },
          });
        }
        ctx.logger.info(
          `Copied ${source} (where ${entityName} is declared) to ${filePath}; the original is left as it is`,
        );
        ctx.output('locationType', 'file');
        ctx.output('filePath', filePath);
        ctx.output('displayPath', displayPath);
        return;
      }

      if (location.type === 'url') {
        const repository = parseRepositoryUrl(location.target);
        const inRepo =
          repository?.filePath ??
          path.posix.basename(new URL(location.target).pathname);
        ctx.output('locationType', 'url');
        ctx.output('url', location.target);
        ctx.output('filePath', path.posix.join(targetPath, inRepo));
        ctx.output('displayPath', inRepo);
        if (repository) {
          ctx.output('repoUrl', repository.repoUrl);
          ctx.output('branch', repository.branch);
        }
        return;
      }

      throw new InputError(
        `entity: ${entityName} comes from a ${location.type} location (${location.target}); this action reads file and url locations`,
      );
    },
  });
}
