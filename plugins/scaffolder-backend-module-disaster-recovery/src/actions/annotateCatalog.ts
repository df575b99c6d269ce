import fs from 'fs-extra';
import { createTwoFilesPatch } from 'diff';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DR_ANNOTATIONS,
  DR_ANNOTATION_PREFIX,
  parseDrDeclaration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { annotateCatalogYaml } from '../catalog/annotate';
import { DrScaffolderSettings } from '../config';
import { examples } from './annotateCatalog.examples';
import { resolveInWorkspace } from './workspace';

/** The action's id. */
export const ANNOTATE_CATALOG_ACTION_ID = 'disaster-recovery:catalog:annotate';

function parseRef(ref: string) {
  try {
    return parseEntityRef(ref, { defaultKind: 'Component' });
  } catch (error) {
    throw new InputError(
      `entityRef: "${ref}" is not an entity reference; use [kind:][namespace/]name, e.g. component:default/orders-db`,
    );
  }
}

/**
 * Creates the `disaster-recovery:catalog:annotate` action: adds or updates the
 * `disaster-recovery/*` annotations of one entity in a catalog file of the workspace, keeping
 * comments, key order, formatting and the file's other documents (see `annotateCatalogYaml`).
 * The resulting declaration must be valid for the tier policy (checked with the suite's
 * `parseDrDeclaration`). Outputs the unified diff of the file.
 *
 * @public
 */
export function createAnnotateCatalogAction(options: {
  settings: DrScaffolderSettings;
}) {
  const { settings } = options;
  return createTemplateAction({
    id: ANNOTATE_CATALOG_ACTION_ID,
    description:
      'Adds or updates the disaster-recovery/* annotations of one entity in a catalog-info.yaml of the workspace, keeping comments, key order and the other YAML documents byte for byte; outputs the diff.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The entity to annotate, [kind:][namespace/]name (kind defaults to Component)',
            ),
        annotations: z =>
          z
            .record(z.string())
            .describe(
              'The disaster-recovery/* annotations to set, e.g. the annotations output of disaster-recovery:config:generate; empty values are left out',
            ),
        filePath: z =>
          z
            .string()
            .optional()
            .describe(
              'The catalog file, relative to the workspace; default catalog-info.yaml',
            ),
        displayPath: z =>
          z
            .string()
            .optional()
            .describe(
              "The file's path shown in the diff's header; default filePath",
            ),
      },
      output: {
        changed: z => z.boolean().describe('Whether the file changed'),
        diff: z =>
          z
            .string()
            .describe('The unified diff of the file (empty when unchanged)'),
        annotations: z =>
          z
            .record(z.string())
            .describe(
              "The entity's disaster-recovery/* annotations after the change",
            ),
      },
    },
    async handler(ctx) {
      const filePath = ctx.input.filePath ?? 'catalog-info.yaml';
      const ref = parseRef(ctx.input.entityRef);
      // Empty values are left out, so that templates can pass optional parameters as they are.
      const annotations = Object.fromEntries(
        Object.entries(ctx.input.annotations).filter(
          ([, value]) => value !== undefined && value !== null && value !== '',
        ),
      );
      for (const key of Object.keys(annotations)) {
        if (!(DR_ANNOTATIONS as readonly string[]).includes(key)) {
          throw new InputError(
            `annotations: "${key}" is not a DR annotation; use ${DR_ANNOTATIONS.join(
              ', ',
            )}`,
          );
        }
      }
      const file = resolveInWorkspace(ctx.workspacePath, filePath, 'filePath');
      if (!(await fs.pathExists(file))) {
        throw new InputError(
          `filePath: "${filePath}" is not in the workspace; fetch the catalog file first (fetch:plain:file, or disaster-recovery:catalog:fetch-source)`,
        );
      }
      const before = await fs.readFile(file, 'utf8');
      const result = annotateCatalogYaml(before, ref, annotations);

      // The declaration as it will be: every DR annotation of the entity, checked like the catalog does.
      const all = result.annotations;
      const declared = parseDrDeclaration(
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: ref.kind,
          metadata: { name: ref.name, annotations: all },
        },
        settings.policies,
        { knownClusters: settings.knownClusters },
      );
      if (declared.status === 'invalid') {
        throw new InputError(
          `annotations: the DR declaration of ${
            ctx.input.entityRef
          } would be invalid: ${declared.problems
            .map(p => p.message)
            .join('; ')}`,
        );
      }

      const display = ctx.input.displayPath ?? filePath;
      const diff = result.changed
        ? createTwoFilesPatch(
            `a/${display}`,
            `b/${display}`,
            before,
            result.text,
            undefined,
            undefined,
            { context: 3 },
          ).replace(/^=+\n/, '')
        : '';
      if (result.changed && !ctx.isDryRun) {
        await ctx.checkpoint({
          key: `dr-annotate-${filePath}-${ctx.input.entityRef}`,
          fn: async () => {
            await fs.writeFile(file, result.text, 'utf8');
          },
        });
      }
      ctx.logger.info(
        result.changed
          ? `Annotated ${ctx.input.entityRef} in ${filePath}: added ${
              result.added.join(', ') || 'none'
            }, updated ${result.updated.join(', ') || 'none'}`
          : `${ctx.input.entityRef} in ${filePath} already has these annotations`,
      );
      ctx.output('changed', result.changed);
      ctx.output('diff', diff);
      ctx.output(
        'annotations',
        Object.fromEntries(
          Object.entries(all).filter(([key]) =>
            key.startsWith(DR_ANNOTATION_PREFIX),
          ),
        ),
      );
    },
  });
}
