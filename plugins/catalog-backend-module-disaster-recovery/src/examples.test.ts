import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import { ConfigReader } from '@backstage/config';
import fs from 'fs';
import path from 'path';
import { parseAllDocuments, parse } from 'yaml';
import { DisasterRecoveryAnnotationsProcessor } from './processor/DisasterRecoveryAnnotationsProcessor';

// The repository's example data, checked with the processor as app-config.yaml configures it:
// each service's leading comment says whether its declaration is Valid, Invalid or Undeclared.
const root = path.resolve(__dirname, '../../..');

function readEntities(
  file: string,
): Array<{ entity: Entity; comment: string }> {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return parseAllDocuments(text)
    .filter(doc => doc.contents)
    .map(doc => ({
      entity: doc.toJS() as Entity,
      comment:
        (doc.contents as { commentBefore?: string }).commentBefore ??
        doc.commentBefore ??
        '',
    }));
}

describe('the example data', () => {
  const config = new ConfigReader(
    parse(fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8')),
  );
  const processor = DisasterRecoveryAnnotationsProcessor.fromConfig(config);
  const services = readEntities('examples/services.yaml');

  it('has at least 12 services of type service and database, in every tier and strategy', () => {
    expect(services.length).toBeGreaterThanOrEqual(12);
    const annotation = (key: string) =>
      new Set(
        services
          .map(s => s.entity.metadata.annotations?.[`disaster-recovery/${key}`])
          .filter(Boolean),
      );
    expect(new Set(services.map(s => s.entity.spec?.type))).toEqual(
      new Set(['service', 'database']),
    );
    for (const tier of ['tier-0', 'tier-1', 'tier-2', 'tier-3']) {
      expect(annotation('tier')).toContain(tier);
    }
    for (const strategy of [
      'backup-restore',
      'pilot-light',
      'warm-standby',
      'active-active',
    ]) {
      expect(annotation('strategy')).toContain(strategy);
    }
    for (const { entity } of services) {
      expect(entity.metadata.annotations?.['backstage.io/kubernetes-id']).toBe(
        entity.metadata.name,
      );
    }
  });

  it.each(services.map(s => [s.entity.metadata.name, s] as const))(
    '%s is as its comment says',
    async (_name, { entity, comment }) => {
      const result = (await processor.postProcessEntity(
        entity,
        { type: 'file', target: 'examples/services.yaml' },
        jest.fn(),
      )) as AlphaEntity;
      const problems = (result.status?.items ?? []).map(i => i.error?.message);
      const kind = comment.trim().split(':')[0];
      const declared = Object.keys(entity.metadata.annotations ?? {}).some(k =>
        k.startsWith('disaster-recovery/'),
      );
      expect({ kind, hasProblems: problems.length > 0, declared }).toEqual({
        kind,
        hasProblems: kind === 'Invalid',
        declared: kind !== 'Undeclared',
      });
      expect(['Valid', 'Invalid', 'Undeclared']).toContain(kind);
    },
  );

  it('names owners and systems that exist in the example org and systems', () => {
    const names = (file: string, kind: string) =>
      new Set(
        readEntities(file)
          .filter(e => e.entity.kind === kind)
          .map(e => e.entity.metadata.name),
      );
    const groups = names('examples/org.yaml', 'Group');
    const systems = names('examples/systems.yaml', 'System');
    for (const { entity } of services) {
      expect(groups).toContain(entity.spec?.owner);
      expect(systems).toContain(entity.spec?.system);
    }
  });
});
