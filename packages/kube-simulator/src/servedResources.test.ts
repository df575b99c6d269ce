import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from './cli';
import { startSimulator } from './index';
import { servedResourceTypes } from './servedResources';

describe('servedResourceTypes', () => {
  it('turns declarations into served custom types', () => {
    const [type] = servedResourceTypes(
      [
        {
          group: 'apps.kio.kasten.io',
          version: 'v1alpha1',
          kind: 'RestorePointContent',
          plural: 'restorepointcontents',
          namespaced: false,
        },
      ],
      'test',
    );
    expect(type).toMatchObject({
      group: 'apps.kio.kasten.io',
      version: 'v1alpha1',
      kind: 'RestorePointContent',
      listKind: 'RestorePointContentList',
      plural: 'restorepointcontents',
      singular: 'restorepointcontent',
      namespaced: false,
      custom: true,
    });
    expect(type.schema).toBeUndefined();
  });

  it.each([
    [{ version: 'v1', kind: 'A', plural: 'as', namespaced: true }, 'group'],
    [
      {
        group: 'a.io',
        version: 'v1',
        kind: 'a',
        plural: 'as',
        namespaced: true,
      },
      'kind',
    ],
    [
      {
        group: 'a.io',
        version: 'v1',
        kind: 'A',
        plural: 'As',
        namespaced: true,
      },
      'plural',
    ],
    [{ group: 'a.io', version: 'v1', kind: 'A', plural: 'as' }, 'namespaced'],
  ])('names the field that is wrong (%j)', (item, field) => {
    expect(() => servedResourceTypes([item], 'file.yaml')).toThrow(
      `file.yaml: [0].${field}`,
    );
  });

  it('needs a list', () => {
    expect(() => servedResourceTypes({}, 'file.yaml')).toThrow(
      'file.yaml: expected a list',
    );
  });
});

describe('a simulator with served resources', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'served-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves the declared kinds (namespaced and cluster-scoped) with discovery, and the config names the file', async () => {
    const file = path.join(dir, 'served.yaml');
    fs.writeFileSync(
      file,
      [
        '- { group: example.kio.io, version: v1alpha1, kind: Widget, plural: widgets, namespaced: true }',
        '- { group: example.kio.io, version: v1alpha1, kind: Gadget, plural: gadgets, namespaced: false }',
      ].join('\n'),
    );
    const config = path.join(dir, 'simulator.yaml');
    fs.writeFileSync(
      config,
      'servedResources: served.yaml\nclusters: [{ name: a, port: 0 }]\n',
    );
    const options = readConfig(config);
    expect(options.servedResources).toBe(file);
    const simulator = await startSimulator({
      servedResources: options.servedResources,
      clusters: [
        {
          name: 'a',
          port: 0,
          objects: [
            {
              apiVersion: 'example.kio.io/v1alpha1',
              kind: 'Widget',
              metadata: { name: 'w', namespace: 'ns' },
              status: { anything: { goes: 1 } },
            },
            {
              apiVersion: 'example.kio.io/v1alpha1',
              kind: 'Gadget',
              metadata: { name: 'g' },
            },
          ],
        },
      ],
    });
    try {
      const { url } = simulator.clusters[0];
      const widgets = await (
        await fetch(`${url}/apis/example.kio.io/v1alpha1/widgets`)
      ).json();
      expect(widgets.kind).toBe('WidgetList');
      expect(widgets.items.map((i: any) => i.status)).toEqual([
        { anything: { goes: 1 } },
      ]);
      const gadget = await fetch(
        `${url}/apis/example.kio.io/v1alpha1/gadgets/g`,
      );
      expect(gadget.status).toBe(200);
      const discovery = await (
        await fetch(`${url}/apis/example.kio.io/v1alpha1`)
      ).json();
      expect(
        discovery.resources.map((r: any) => [r.name, r.namespaced]),
      ).toEqual(
        expect.arrayContaining([
          ['widgets', true],
          ['gadgets', false],
        ]),
      );
      // Not declared: not served.
      const restorePoints = await fetch(
        `${url}/apis/apps.kio.kasten.io/v1alpha1/restorepoints`,
      );
      expect(restorePoints.status).toBe(404);
    } finally {
      await simulator.stop();
    }
  });

  it('serves Kasten K10 aggregated kinds by default', async () => {
    const simulator = await startSimulator({
      clusters: [{ name: 'a', port: 0 }],
    });
    try {
      const { url } = simulator.clusters[0];
      for (const listPath of [
        '/apis/apps.kio.kasten.io/v1alpha1/restorepoints',
        '/apis/apps.kio.kasten.io/v1alpha1/restorepointcontents',
        '/apis/actions.kio.kasten.io/v1alpha1/namespaces/kasten-io/runactions',
        '/apis/config.kio.kasten.io/v1alpha1/policies',
      ]) {
        expect([listPath, (await fetch(`${url}${listPath}`)).status]).toEqual([
          listPath,
          200,
        ]);
      }
    } finally {
      await simulator.stop();
    }
  });
});
