import { annotateCatalogYaml } from './annotate';

const FILE = `# The commerce services.
# Owned by commerce-team.
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: commerce   # the system
spec:
  owner: commerce-team
---
# The orders database.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-db
  description: "Orders, on PostgreSQL"
  annotations:
    backstage.io/kubernetes-id: orders-db    # label on its objects
    # where it runs
    backstage.io/kubernetes-namespace: commerce
    disaster-recovery/rpo: "30m"
  tags: [stateful,   database]
spec:
  type: database
  lifecycle: production
  owner: commerce-team # team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
  labels:
    tier: backend
spec:
  type: service
  lifecycle: production
  owner: commerce-team
`;

const DR = {
  'disaster-recovery/tier': 'tier-1',
  'disaster-recovery/strategy': 'pilot-light',
  'disaster-recovery/rpo': '15m',
};

describe('annotateCatalogYaml', () => {
  it('adds and updates annotations of one entity, leaving every other byte as it was', () => {
    const result = annotateCatalogYaml(
      FILE,
      { kind: 'component', name: 'orders-db' },
      DR,
    );
    expect(result).toMatchObject({
      changed: true,
      documentIndex: 1,
      added: ['disaster-recovery/tier', 'disaster-recovery/strategy'],
      updated: ['disaster-recovery/rpo'],
    });
    const expected = FILE.replace(
      `    disaster-recovery/rpo: "30m"\n`,
      `    disaster-recovery/rpo: "15m"\n` +
        `    disaster-recovery/tier: tier-1\n` +
        `    disaster-recovery/strategy: pilot-light\n`,
    );
    expect(result.text).toBe(expected);
  });

  it('adds an annotations map after the last key of metadata when there is none', () => {
    const result = annotateCatalogYaml(
      FILE,
      { kind: 'Component', name: 'orders-api' },
      DR,
    );
    expect(result.documentIndex).toBe(2);
    expect(result.text).toBe(
      FILE.replace(
        `  labels:\n    tier: backend\n`,
        `  labels:\n    tier: backend\n  annotations:\n` +
          `    disaster-recovery/tier: tier-1\n` +
          `    disaster-recovery/strategy: pilot-light\n` +
          `    disaster-recovery/rpo: 15m\n`,
      ),
    );
  });

  it('follows the file’s indentation and a file without a final newline', () => {
    const text =
      'kind: Component\nmetadata:\n    name: x\n    annotations:\n        a: b';
    const result = annotateCatalogYaml(
      text,
      { kind: 'Component', name: 'x' },
      { 'disaster-recovery/tier': 'tier-2' },
    );
    expect(result.text).toBe(
      `${text}\n        disaster-recovery/tier: tier-2\n`,
    );
  });

  it('fills an empty annotations key', () => {
    const text =
      'kind: Component\nmetadata:\n  name: x\n  annotations:\nspec: {}\n';
    expect(
      annotateCatalogYaml(
        text,
        { kind: 'Component', name: 'x' },
        { 'disaster-recovery/tier': 'tier-2' },
      ).text,
    ).toBe(
      'kind: Component\nmetadata:\n  name: x\n  annotations:\n    disaster-recovery/tier: tier-2\nspec: {}\n',
    );
  });

  it('rewrites only the entity’s document when its metadata is in flow style', () => {
    const text = `kind: System\nmetadata: {name: s}\n---\nkind: Component\nmetadata: {name: x, annotations: {a: b}}\nspec: {}\n`;
    const result = annotateCatalogYaml(
      text,
      { kind: 'Component', name: 'x' },
      { 'disaster-recovery/tier': 'tier-2' },
    );
    expect(
      result.text.startsWith('kind: System\nmetadata: {name: s}\n---\n'),
    ).toBe(true);
    expect(result.text).toContain('disaster-recovery/tier: tier-2');
  });

  it('changes nothing when the annotations already have their values', () => {
    const once = annotateCatalogYaml(
      FILE,
      { kind: 'Component', name: 'orders-db' },
      DR,
    ).text;
    const twice = annotateCatalogYaml(
      once,
      { kind: 'Component', name: 'orders-db' },
      DR,
    );
    expect(twice.changed).toBe(false);
    expect(twice.text).toBe(once);
  });

  it('quotes values that YAML would read as something else', () => {
    const result = annotateCatalogYaml(
      'kind: Component\nmetadata:\n  name: x\n',
      { kind: 'Component', name: 'x' },
      { 'disaster-recovery/rpo': '30', 'disaster-recovery/runbook': 'yes' },
    );
    expect(result.text).toBe(
      'kind: Component\nmetadata:\n  name: x\n  annotations:\n    disaster-recovery/rpo: "30"\n    disaster-recovery/runbook: "yes"\n',
    );
  });

  describe('refuses', () => {
    it('a file that is not valid YAML', () => {
      expect(() =>
        annotateCatalogYaml(
          'kind: Component\nmetadata:\n  name: [x\n',
          { kind: 'Component', name: 'x' },
          DR,
        ),
      ).toThrow(/file: document 1 is not valid YAML/);
    });

    it('a file without the entity, naming what it holds', () => {
      expect(() =>
        annotateCatalogYaml(FILE, { kind: 'Component', name: 'billing' }, DR),
      ).toThrow(
        'entityRef: the file holds no entity Component:default/billing; it holds System:commerce, Component:orders-db, Component:orders-api',
      );
    });

    it('an entity in another namespace', () => {
      expect(() =>
        annotateCatalogYaml(
          FILE,
          { kind: 'Component', name: 'orders-db', namespace: 'shop' },
          DR,
        ),
      ).toThrow(/no entity Component:shop\/orders-db/);
    });

    it('annotations that are not a map', () => {
      expect(() =>
        annotateCatalogYaml(
          'kind: Component\nmetadata:\n  name: x\n  annotations: [a]\n',
          { kind: 'Component', name: 'x' },
          DR,
        ),
      ).toThrow(/metadata.annotations of Component:default\/x is not a map/);
    });
  });
});
