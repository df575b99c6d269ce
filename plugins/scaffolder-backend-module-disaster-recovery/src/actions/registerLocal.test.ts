import { createHash } from 'node:crypto';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { mockActionContext } from '../__testUtils__/mockActionContext';
import { createRegisterLocalAction } from './registerLocal';

const root = createMockDirectory();
const settings = () =>
  readDrScaffolderSettings(
    new ConfigReader({
      disasterRecovery: { scaffolder: { publishDirectory: 'out' } },
    }),
    root.path,
  );

function catalogFetch(locations: object[], entityFound = true) {
  const calls: Array<{ url: string; body?: unknown }> = [];
  const fetchMock = jest.spyOn(global, 'fetch').mockImplementation((async (
    url: string,
    init?: RequestInit,
  ) => {
    calls.push({
      url: String(url),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    if (String(url).includes('/entities/by-query')) {
      return new Response(JSON.stringify({ items: locations }), {
        status: 200,
      });
    }
    if (String(url).endsWith('/refresh')) {
      const known = JSON.parse(String(init?.body)).entityRef.includes(
        'generated-out',
      );
      return new Response(null, { status: known ? 200 : 404 });
    }
    return new Response('{}', { status: entityFound ? 200 : 404 });
  }) as any);
  return { calls, fetchMock };
}

async function run(input: Record<string, unknown>) {
  const ctx = mockActionContext({ input, workspacePath: root.path });
  await createRegisterLocalAction({
    settings: settings(),
    discovery: mockServices.discovery(),
    auth: mockServices.auth(),
  }).handler(ctx);
  return ctx.outputs;
}

describe('disaster-recovery:catalog:register-local', () => {
  beforeEach(() => {
    root.setContent({
      'out/orders-db/catalog-info.yaml':
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders-db\n',
      'elsewhere/catalog-info.yaml': 'kind: Component\n',
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('refreshes the file location whose glob covers the file and waits for the entity', async () => {
    const file = path.join(root.path, 'out/orders-db/catalog-info.yaml');
    const { calls } = catalogFetch([
      {
        metadata: { name: 'generated-examples' },
        spec: {
          type: 'file',
          target: path.join(root.path, 'examples/services.yaml'),
        },
      },
      {
        metadata: { name: 'generated-out', namespace: 'default' },
        spec: {
          type: 'file',
          target: path.join(root.path, 'out/*/catalog-info.yaml'),
        },
      },
    ]);
    const out = await run({ catalogInfoPath: file });
    expect(out).toEqual({
      entityRef: 'component:default/orders-db',
      catalogInfoUrl: `file://${file}`,
    });
    const refreshes = calls.filter(c => c.url.endsWith('/refresh'));
    expect(refreshes.map(c => c.body)).toEqual([
      { entityRef: 'location:default/generated-out' },
      {
        entityRef: expect.stringMatching(
          /^location:default\/generated-[0-9a-f]{40}$/,
        ),
      },
    ]);
    expect(calls.at(-1)!.url).toMatch(
      /\/entities\/by-name\/component\/default\/orders-db$/,
    );
  });

  it('refreshes the glob location by its generated name when its processing failed (no file matched yet)', async () => {
    const file = path.join(root.path, 'out/orders-db/catalog-info.yaml');
    const glob = `file:${path.join(root.path, 'out/*/catalog-info.yaml')}`;
    const name = `generated-${createHash('sha1').update(glob).digest('hex')}`;
    const { calls } = catalogFetch([]);
    calls.length = 0;
    jest.spyOn(global, 'fetch').mockImplementation((async (
      url: string,
      init?: RequestInit,
    ) => {
      calls.push({
        url: String(url),
        body: init?.body && JSON.parse(String(init.body)),
      });
      if (String(url).includes('/entities/by-query')) {
        return new Response(JSON.stringify({ items: [] }), { status: 200 });
      }
      if (String(url).endsWith('/refresh')) {
        const ok =
          JSON.parse(String(init?.body)).entityRef ===
          `location:default/${name}`;
        return new Response(null, { status: ok ? 200 : 404 });
      }
      return new Response('{}', { status: 200 });
    }) as any);
    const out = await run({ catalogInfoPath: file });
    expect(out.entityRef).toBe('component:default/orders-db');
    expect(
      calls.filter(c => c.url.endsWith('/refresh')).map(c => c.body),
    ).toEqual([{ entityRef: `location:default/${name}` }]);
  });

  it('refuses a file outside the publish folder', async () => {
    catalogFetch([]);
    await expect(
      run({
        catalogInfoPath: path.join(root.path, 'elsewhere/catalog-info.yaml'),
      }),
    ).rejects.toThrow(
      /catalogInfoPath: .* is outside .*out \(disasterRecovery.scaffolder.publishDirectory\)/,
    );
  });

  it('says which location to add when none covers the publish folder', async () => {
    catalogFetch([]);
    await expect(
      run({
        catalogInfoPath: path.join(
          root.path,
          'out/orders-db/catalog-info.yaml',
        ),
      }),
    ).rejects.toThrow(
      /no file location of catalog.locations covers .*; add one with the target .*out\/\*\/catalog-info.yaml/,
    );
  });
});
