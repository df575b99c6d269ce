import fs from 'fs';
import os from 'os';
import path from 'path';
import { DrCheckInputError } from './files';
import { loadCatalog } from './loadCatalog';

const CATALOG = path.resolve(__dirname, '__fixtures__', 'catalog');

describe('loadCatalog', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dr-catalog-'));
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const write = (name: string, text: string) => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('reads every entity of a folder, recursively, in path and document order', () => {
    const { entries, warnings } = loadCatalog([CATALOG]);
    expect(warnings).toEqual([]);
    expect(
      entries.map(e => [e.entityRef, path.relative(CATALOG, e.file)]),
    ).toEqual([
      ['component:default/docs-site', path.join('more', 'docs-site.yaml')],
      ['group:default/platform-team', path.join('more', 'docs-site.yaml')],
      ['component:default/orders-db', 'services.yaml'],
      ['component:default/catalog-api', 'services.yaml'],
      ['component:default/billing-db', 'services.yaml'],
      ['component:default/search-index', 'services.yaml'],
      ['system:default/commerce', 'services.yaml'],
    ]);
    expect(entries.every(e => e.schemaError === undefined)).toBe(true);
  });

  it('reads a file given by path, whatever its name', () => {
    const file = write(
      'catalog-info',
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  namespace: shop\nspec: {}\n',
    );
    expect(loadCatalog([file]).entries.map(e => [e.entityRef, e.line])).toEqual(
      [['component:shop/a', 1]],
    );
  });

  it('skips documents that are not entities and later duplicates, with a warning naming file and line', () => {
    const file = write(
      'c.yaml',
      [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: a }',
        'spec: {}',
        '---',
        '- just a list',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Component',
        'metadata: { name: a }',
        'spec: {}',
        '',
      ].join('\n'),
    );
    const { entries, warnings } = loadCatalog([file]);
    expect(entries.map(e => e.entityRef)).toEqual(['component:default/a']);
    expect(warnings).toEqual([
      `${file}:6: not a catalog entity (it needs kind and metadata.name); skipped`,
      `${file}:8: component:default/a is also defined at ${file}:1; the first one is used`,
    ]);
  });

  it('keeps an entity that fails the catalog schema, with the reason', () => {
    const file = write(
      'c.yaml',
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\n  annotations:\n    disaster-recovery/rpo: 30\nspec: {}\n',
    );
    expect(loadCatalog([file]).entries[0].schemaError).toBe(
      '/metadata/annotations/disaster-recovery~1rpo must be string - type: string',
    );
  });

  it('throws for a file that is not valid YAML, naming the line, and for a missing path', () => {
    const file = write('c.yaml', 'kind: Component\nkind: Group\n');
    expect(() => loadCatalog([file])).toThrow(
      new DrCheckInputError(
        `--catalog ${file}:2:1: not valid YAML: Map keys must be unique`,
      ),
    );
    expect(() => loadCatalog([path.join(tmp, 'nope.yaml')])).toThrow(
      /no such file or directory/,
    );
  });
});
