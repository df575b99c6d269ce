import path from 'path';
import { Entity } from '@backstage/catalog-model';
import { TierPolicies } from '@backstage-dr/plugin-disaster-recovery-common';
import { ServiceCheck, checkServices, gateFailures } from './check';
import { CatalogEntry } from './loadCatalog';
import { loadClusterDumps } from './loadDumps';
import { tableRow } from './report';

const NOW = new Date('2026-11-25T12:20:00Z');
const { clusters } = loadClusterDumps(
  path.resolve(__dirname, '__fixtures__', 'clusters'),
);
const policies = TierPolicies.default();

function entry(
  name: string,
  annotations: Record<string, string>,
  kind = 'Component',
): CatalogEntry {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, annotations },
    spec: {},
  };
  return {
    entity,
    entityRef: `${kind.toLocaleLowerCase()}:default/${name}`,
    file: 'catalog-info.yaml',
    line: 1,
  };
}

const declaration = (tier: string, strategy: string) => ({
  'disaster-recovery/tier': tier,
  'disaster-recovery/strategy': strategy,
  'disaster-recovery/primary-cluster': 'prod-eu',
  'disaster-recovery/recovery-cluster': 'dr-us',
});

const check = (...entries: CatalogEntry[]) =>
  checkServices({ entries, clusters, policies, now: NOW });

describe('checkServices', () => {
  it('lists Components and Resources without DR annotations as undeclared, and leaves other kinds out', () => {
    expect(
      check(
        entry('web', {}),
        entry('bucket', {}, 'Resource'),
        entry('team', {}, 'Group'),
      ).map(c => [c.entityRef, c.verdict]),
    ).toEqual([
      ['component:default/web', 'undeclared'],
      ['resource:default/bucket', 'undeclared'],
    ]);
  });

  it('takes the known clusters from the dumps: another cluster name is a problem', () => {
    const [result] = check(
      entry('web', {
        'backstage.io/kubernetes-id': 'web',
        ...declaration('tier-2', 'backup-restore'),
        'disaster-recovery/recovery-cluster': 'dr-eu',
      }),
    );
    expect(result).toMatchObject({
      verdict: 'invalid',
      tier: 'tier-2',
      strategy: 'backup-restore',
      problems: [
        {
          message:
            'disaster-recovery/recovery-cluster: "dr-eu" is not a known cluster; use one of dr-us, prod-eu',
        },
      ],
    });
  });

  it('judges a declaration without kubernetes-id or label selector invalid: its workloads cannot be found', () => {
    const [result] = check(entry('web', declaration('tier-2', 'pilot-light')));
    expect(result).toMatchObject({
      verdict: 'invalid',
      problems: [{ annotation: 'backstage.io/kubernetes-id' }],
    });
  });

  it('judges a malformed label selector invalid, naming the annotation', () => {
    const [result] = check(
      entry('web', {
        'backstage.io/kubernetes-label-selector': 'app in (web',
        ...declaration('tier-2', 'pilot-light'),
      }),
    );
    expect(result.verdict).toBe('invalid');
    expect(result.verdict === 'invalid' && result.problems[0].message).toMatch(
      /^backstage\.io\/kubernetes-label-selector: /,
    );
  });

  it('judges an entity that fails the catalog schema invalid instead of reading its annotations', () => {
    const bad = entry('web', declaration('tier-2', 'pilot-light'));
    bad.schemaError = '/metadata/annotations/x must be string - type: string';
    expect(check(bad)[0]).toMatchObject({
      verdict: 'invalid',
      tier: 'tier-2',
      problems: [
        {
          message:
            "the entity does not pass the catalog's schema: /metadata/annotations/x must be string - type: string",
        },
      ],
    });
  });

  it('shows `none` for an achieved RPO without recovery points and `-` for a service never drilled', () => {
    const [result] = check(
      entry('ghost', {
        'backstage.io/kubernetes-id': 'ghost',
        ...declaration('tier-3', 'backup-restore'),
      }),
    );
    expect(result.verdict).toBe('breached');
    expect(tableRow(result)).toEqual([
      'component:default/ghost',
      'tier-3',
      'backup-restore',
      'breached',
      'none / 7d',
      '- / 3d',
      'No workload or PVC of the service (label backstage.io/kubernetes-id=ghost) was found on prod-eu. (+2 more)',
    ]);
  });
});

describe('gateFailures', () => {
  const invalid = (name: string, tier?: string): ServiceCheck => ({
    entityRef: `component:default/${name}`,
    file: 'f.yaml',
    line: 1,
    verdict: 'invalid',
    tier,
    problems: [{ annotation: 'disaster-recovery/tier', message: 'bad' }],
  });
  const [breached] = check(
    entry('ghost', {
      'backstage.io/kubernetes-id': 'ghost',
      ...declaration('tier-1', 'pilot-light'),
    }),
  );
  const refs = (failOn: string, checks: ServiceCheck[]) =>
    gateFailures(checks, policies, failOn).map(f => f.entityRef);

  it('fails on breached and invalid services of the tier or a more critical one', () => {
    const checks = [breached, invalid('a', 'tier-2'), invalid('b', 'tier-3')];
    expect(refs('tier-0', checks)).toEqual([]);
    expect(refs('tier-1', checks)).toEqual(['component:default/ghost']);
    expect(refs('tier-2', checks)).toEqual([
      'component:default/ghost',
      'component:default/a',
    ]);
    expect(refs('tier-3', checks)).toHaveLength(3);
  });

  it('fails every gate on an invalid declaration whose tier is missing or unknown', () => {
    expect(refs('tier-0', [invalid('none'), invalid('gold', 'gold')])).toEqual([
      'component:default/none',
      'component:default/gold',
    ]);
  });

  it('does not fail on at-risk, unknown or undeclared services', () => {
    const checks = check(
      entry('web', {}),
      entry('orders-db', {
        'backstage.io/kubernetes-id': 'orders-db',
        ...declaration('tier-1', 'pilot-light'),
        'disaster-recovery/drill-cadence': '1d',
      }),
    );
    expect(checks.map(c => c.verdict)).toEqual(['undeclared', 'at-risk']);
    expect(refs('tier-3', checks)).toEqual([]);
  });
});
