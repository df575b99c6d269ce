import path from 'node:path';
import fs from 'fs-extra';
import { parseAllDocuments } from 'yaml';
import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DrScaffolderSettings } from '../config';
import { examples } from './registerLocal.examples';
import { isInside } from './workspace';

/** The action's id. */
export const REGISTER_LOCAL_ACTION_ID =
  'disaster-recovery:catalog:register-local';

type LocationEntity = {
  metadata: { name: string; namespace?: string };
  spec?: { type?: string; target?: string; targets?: string[] };
};

/**
 * Whether a file location's target (absolute; a path or a glob) may read a file: the same path,
 * or a glob whose folder before its first glob character holds the file.
 */
function covers(target: string, file: string): boolean {
  const wildcard = target.search(/[*?[{]/);
  return wildcard < 0
    ? target === file
    : isInside(path.dirname(`${target.slice(0, wildcard)}x`), file);
}

/**
 * Creates the `disaster-recovery:catalog:register-local` action, the local app's stand-in for
 * `catalog:register` (whose `url` locations cannot point at local files, and the catalog API
 * accepts no other type): it finds the `file` location of `catalog.locations` whose target (a
 * glob such as `../../.data/scaffolder-output/*\/catalog-info.yaml`) covers a catalog file
 * published by `disaster-recovery:publish:local`, asks the catalog to refresh that location, and
 * waits until the file's first entity is in the catalog.
 *
 * @public
 */
export function createRegisterLocalAction(options: {
  settings: DrScaffolderSettings;
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const { settings, discovery, auth } = options;
  return createTemplateAction({
    id: REGISTER_LOCAL_ACTION_ID,
    description:
      'Registers a catalog file published by disaster-recovery:publish:local: refreshes the file location of catalog.locations that covers it and waits for its entity.',
    examples,
    schema: {
      input: {
        catalogInfoPath: z =>
          z
            .string()
            .describe(
              'Absolute path of the catalog file, the catalogInfoPath output of disaster-recovery:publish:local',
            ),
        waitSeconds: z =>
          z
            .number()
            .int()
            .min(0)
            .max(600)
            .optional()
            .describe('How long to wait for the entity; default 60'),
      },
      output: {
        entityRef: z =>
          z
            .string()
            .describe('The first entity of the file, e.g. component:default/x'),
        catalogInfoUrl: z =>
          z.string().describe('The location of the file, file://...'),
      },
    },
    async handler(ctx) {
      const file = path.resolve(ctx.input.catalogInfoPath);
      if (!isInside(settings.publishDirectory, file)) {
        throw new InputError(
          `catalogInfoPath: "${ctx.input.catalogInfoPath}" is outside ${settings.publishDirectory} (disasterRecovery.scaffolder.publishDirectory); register files published by disaster-recovery:publish:local`,
        );
      }
      if (!(await fs.pathExists(file))) {
        throw new InputError(
          `catalogInfoPath: "${ctx.input.catalogInfoPath}" does not exist`,
        );
      }
      const first = parseAllDocuments(await fs.readFile(file, 'utf8'))
        .map(doc => doc.toJS())
        .find(e => e?.kind && e?.metadata?.name);
      if (!first) {
        throw new InputError(
          `catalogInfoPath: "${ctx.input.catalogInfoPath}" holds no entity`,
        );
      }
      const entityRef = stringifyEntityRef(first);

      const baseUrl = await discovery.getBaseUrl('catalog');
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: 'catalog',
      });
      const request = async (url: string, init: RequestInit = {}) => {
        const res = await fetch(`${baseUrl}${url}`, {
          ...init,
          headers: {
            ...init.headers,
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          },
        });
        return res;
      };

      const res = await request(
        `/entities/by-query?filter=${encodeURIComponent(
          'kind=location,spec.type=file',
        )}&limit=1000`,
      );
      if (!res.ok) {
        throw await ResponseError.fromResponse(res);
      }
      const { items } = (await res.json()) as { items: LocationEntity[] };
      const covering = items
        .filter(location =>
          [location.spec?.target, ...(location.spec?.targets ?? [])].some(
            target => target && covers(path.resolve(target), file),
          ),
        )
        .map(location =>
          stringifyEntityRef({
            kind: 'Location',
            namespace: location.metadata.namespace,
            name: location.metadata.name,
          }),
        );
      // A glob location that matched no file yet failed its processing, so it is not among the
      // entities; its name is known, though: the catalog names config locations
      // `generated-<sha1 of "type:target">` (locationSpecToMetadataName).
      const documented = `location:default/${locationSpecToMetadataName({
        type: 'file',
        target: path.join(settings.publishDirectory, '*', 'catalog-info.yaml'),
      })}`;
      let refreshed = 0;
      for (const locationRef of new Set([...covering, documented])) {
        const refresh = await request('/refresh', {
          method: 'POST',
          body: JSON.stringify({ entityRef: locationRef }),
        });
        if (refresh.ok) {
          refreshed += 1;
        } else if (refresh.status !== 404 || covering.includes(locationRef)) {
          throw await ResponseError.fromResponse(refresh);
        }
      }
      if (refreshed === 0) {
        throw new InputError(
          `catalogInfoPath: no file location of catalog.locations covers ${file}; add one with the target ${path.join(
            settings.publishDirectory,
            '*',
            'catalog-info.yaml',
          )} (relative to the backend's working directory) and rules that allow its kinds`,
        );
      }

      const { kind, namespace, name } = {
        kind: first.kind.toLocaleLowerCase('en-US'),
        namespace: first.metadata.namespace ?? 'default',
        name: first.metadata.name,
      };
      const deadline = Date.now() + (ctx.input.waitSeconds ?? 60) * 1000;
      for (;;) {
        const found = await request(
          `/entities/by-name/${kind}/${namespace}/${name}`,
        );
        if (found.ok) {
          ctx.logger.info(`${entityRef} is in the catalog`);
          break;
        }
        if (Date.now() > deadline) {
          ctx.logger.warn(
            `${entityRef} is not in the catalog yet; the catalog will read ${file} at its next processing of the location`,
          );
          break;
        }
        await new Promise(resolve => setTimeout(resolve, 1000));
      }
      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoUrl', `file://${file}`);
    },
  });
}
