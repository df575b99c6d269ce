import { Entity } from '@backstage/catalog-model';
import {
  findMisspeltDrAnnotations,
  hasDrAnnotations,
  parseDrDeclaration,
} from './declaration';
import { TierPolicies } from './tiers';

const policies = TierPolicies.default();

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'orders', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const valid = {
  'disaster-recovery/tier': 'tier-1',
  'disaster-recovery/strategy': 'warm-standby',
  'disaster-recovery/rpo': '15m',
  'disaster-recovery/rto': 'PT1H',
  'disaster-recovery/primary-cluster': 'prod-eu',
  'disaster-recovery/recovery-cluster': 'dr-us',
  'disaster-recovery/runbook': 'https://wiki.example.com/runbooks/orders',
  'disaster-recovery/drill-cadence': '30d',
};

function problemsOf(
  annotations: Record<string, string>,
  knownClusters?: string[],
) {
  const result = parseDrDeclaration(entity(annotations), policies, {
    knownClusters,
  });
  if (result.status !== 'invalid') {
    throw new Error(`expected problems, got ${result.status}`);
  }
  return result.problems;
}

function messagesOf(
  annotations: Record<string, string>,
  knownClusters?: string[],
) {
  return problemsOf(annotations, knownClusters).map(p => p.message);
}

describe('parseDrDeclaration', () => {
  it('reads a full declaration', () => {
    expect(
      parseDrDeclaration(entity(valid), policies, {
        knownClusters: ['prod-eu', 'dr-us'],
      }),
    ).toEqual({
      status: 'declared',
      declaration: {
        tier: 'tier-1',
        policy: policies.get('tier-1'),
        strategy: 'warm-standby',
        rpoSeconds: 900,
        rtoSeconds: 3600,
        drillCadenceSeconds: 30 * 86400,
        primaryCluster: 'prod-eu',
        recoveryCluster: 'dr-us',
        runbookUrl: 'https://wiki.example.com/runbooks/orders',
      },
    });
  });

  it('defaults RPO, RTO and drill cadence to the tier policy', () => {
    const result = parseDrDeclaration(
      entity({
        'disaster-recovery/tier': 'tier-3',
        'disaster-recovery/strategy': 'backup-restore',
      }),
      policies,
    );
    expect(result).toMatchObject({
      status: 'declared',
      declaration: {
        rpoSeconds: 604800,
        rtoSeconds: 259200,
        drillCadenceSeconds: 365 * 86400,
      },
    });
  });

  it('accepts an RPO of zero', () => {
    const result = parseDrDeclaration(
      entity({
        'disaster-recovery/tier': 'tier-0',
        'disaster-recovery/strategy': 'active-active',
        'disaster-recovery/rpo': '0s',
      }),
      policies,
    );
    expect(result).toMatchObject({
      status: 'declared',
      declaration: { rpoSeconds: 0 },
    });
  });

  it('is undeclared without DR annotations', () => {
    expect(
      parseDrDeclaration(
        entity({ 'backstage.io/kubernetes-id': 'orders' }),
        policies,
      ),
    ).toEqual({
      status: 'undeclared',
    });
    expect(
      parseDrDeclaration({ ...entity({}), metadata: { name: 'x' } }, policies),
    ).toEqual({
      status: 'undeclared',
    });
  });

  describe('durations', () => {
    it.each([
      [
        'disaster-recovery/rpo',
        '15 minutes',
        'disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
      ],
      [
        'disaster-recovery/rto',
        '1 hour',
        'disaster-recovery/rto: "1 hour" is not a duration; use ISO 8601 (PT15M) or 15m',
      ],
      [
        'disaster-recovery/drill-cadence',
        'quarterly',
        'disaster-recovery/drill-cadence: "quarterly" is not a duration; use ISO 8601 (PT15M) or 15m',
      ],
      [
        'disaster-recovery/rpo',
        '-5m',
        'disaster-recovery/rpo: "-5m" is negative; a duration is zero or more, in ISO 8601 (PT15M) or 15m',
      ],
      [
        'disaster-recovery/rto',
        'PT-1H',
        'disaster-recovery/rto: "PT-1H" is negative; a duration is zero or more, in ISO 8601 (PT15M) or 15m',
      ],
      [
        'disaster-recovery/rpo',
        '',
        'disaster-recovery/rpo: is empty; use ISO 8601 (PT15M) or 15m',
      ],
      [
        'disaster-recovery/drill-cadence',
        ' ',
        'disaster-recovery/drill-cadence: is empty; use ISO 8601 (PT15M) or 15m',
      ],
    ])('%s %j is refused', (annotation, value, message) => {
      const problems = problemsOf({ ...valid, [annotation]: value });
      expect(problems).toEqual([{ annotation, value, message }]);
    });

    it.each([
      [
        'disaster-recovery/rpo',
        '2h',
        'disaster-recovery/rpo: "2h" is looser than tier-1 allows; use 1h or less (ISO 8601 (PT15M) or 15m)',
      ],
      [
        'disaster-recovery/rto',
        'PT5H',
        'disaster-recovery/rto: "PT5H" is looser than tier-1 allows; use 4h or less (ISO 8601 (PT15M) or 15m)',
      ],
      [
        'disaster-recovery/drill-cadence',
        '180d',
        'disaster-recovery/drill-cadence: "180d" is looser than tier-1 allows; use 90d or less (ISO 8601 (PT15M) or 15m)',
      ],
    ])(
      '%s %j looser than the tier is refused',
      (annotation, value, message) => {
        expect(messagesOf({ ...valid, [annotation]: value })).toEqual([
          message,
        ]);
      },
    );

    it('accepts targets equal to the tier limit', () => {
      const result = parseDrDeclaration(
        entity({
          ...valid,
          'disaster-recovery/rpo': '1h',
          'disaster-recovery/rto': '4h',
          'disaster-recovery/drill-cadence': '90d',
        }),
        policies,
      );
      expect(result.status).toBe('declared');
    });
  });

  describe('tier', () => {
    it('refuses an unknown tier and names the configured ones', () => {
      expect(
        messagesOf({ ...valid, 'disaster-recovery/tier': 'platinum' }),
      ).toEqual([
        'disaster-recovery/tier: "platinum" is not a tier; use one of tier-0, tier-1, tier-2, tier-3',
      ]);
    });

    it('refuses a declaration without a tier', () => {
      const { 'disaster-recovery/tier': _, ...rest } = valid;
      expect(problemsOf(rest)).toEqual([
        {
          annotation: 'disaster-recovery/tier',
          value: undefined,
          message:
            'disaster-recovery/tier: is missing; a DR declaration needs a tier, one of tier-0, tier-1, tier-2, tier-3',
        },
      ]);
    });

    it('refuses an empty tier', () => {
      expect(messagesOf({ ...valid, 'disaster-recovery/tier': '' })).toEqual([
        'disaster-recovery/tier: "" is not a tier; use one of tier-0, tier-1, tier-2, tier-3',
      ]);
    });
  });

  describe('strategy', () => {
    it('refuses an unknown strategy', () => {
      expect(
        messagesOf({ ...valid, 'disaster-recovery/strategy': 'hot-standby' }),
      ).toEqual([
        'disaster-recovery/strategy: "hot-standby" is not a strategy; use one of backup-restore, pilot-light, warm-standby, active-active',
      ]);
    });

    it('refuses a strategy the tier does not allow', () => {
      expect(
        messagesOf({
          ...valid,
          'disaster-recovery/strategy': 'backup-restore',
        }),
      ).toEqual([
        'disaster-recovery/strategy: "backup-restore" is not allowed for tier-1; use one of warm-standby, pilot-light',
      ]);
    });

    it('refuses a missing strategy and names those of the tier', () => {
      const { 'disaster-recovery/strategy': _, ...rest } = valid;
      expect(messagesOf(rest)).toEqual([
        'disaster-recovery/strategy: is missing; use one of warm-standby, pilot-light',
      ]);
    });
  });

  describe('clusters', () => {
    it('refuses unknown clusters when clusters are known', () => {
      expect(
        messagesOf(
          { ...valid, 'disaster-recovery/recovery-cluster': 'dr-asia' },
          ['prod-eu', 'dr-us'],
        ),
      ).toEqual([
        'disaster-recovery/recovery-cluster: "dr-asia" is not a known cluster; use one of prod-eu, dr-us',
      ]);
    });

    it('does not check names when clusters are not known', () => {
      const result = parseDrDeclaration(
        entity({ ...valid, 'disaster-recovery/recovery-cluster': 'dr-asia' }),
        policies,
      );
      expect(result.status).toBe('declared');
    });

    it('refuses the same cluster for primary and recovery', () => {
      expect(
        messagesOf({
          ...valid,
          'disaster-recovery/recovery-cluster': 'prod-eu',
        }),
      ).toEqual([
        'disaster-recovery/recovery-cluster: "prod-eu" is also the primary cluster; the recovery cluster must be another cluster',
      ]);
    });

    it('refuses an empty cluster name', () => {
      expect(
        messagesOf({ ...valid, 'disaster-recovery/primary-cluster': '' }),
      ).toEqual([
        'disaster-recovery/primary-cluster: is empty; use a cluster name from the Kubernetes plugin config',
      ]);
    });
  });

  describe('runbook', () => {
    it.each([
      'wiki/runbooks/orders',
      'ftp://example.com/runbook',
      'mailto:oncall@example.com',
      'https://',
    ])('refuses %j', value => {
      expect(
        messagesOf({ ...valid, 'disaster-recovery/runbook': value }),
      ).toEqual([
        `disaster-recovery/runbook: "${value}" is not an http(s) URL; use a link such as https://wiki.example.com/runbooks/my-service`,
      ]);
    });

    it('accepts http and https', () => {
      for (const url of [
        'http://runbooks.internal/orders',
        'https://example.com/x#failover',
      ]) {
        const result = parseDrDeclaration(
          entity({ ...valid, 'disaster-recovery/runbook': url }),
          policies,
        );
        expect(result).toMatchObject({
          status: 'declared',
          declaration: { runbookUrl: url },
        });
      }
    });
  });

  it('refuses unknown disaster-recovery/ keys, usually typos', () => {
    expect(
      messagesOf({ ...valid, 'disaster-recovery/rpo-target': '5m' }),
    ).toEqual([
      'disaster-recovery/rpo-target: is not a DR annotation; use one of disaster-recovery/tier, disaster-recovery/rpo, disaster-recovery/rto, disaster-recovery/strategy, disaster-recovery/primary-cluster, disaster-recovery/recovery-cluster, disaster-recovery/runbook, disaster-recovery/drill-cadence',
    ]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      'disaster-recovery/tier': 'tier-0',
      'disaster-recovery/strategy': 'backup-restore',
      'disaster-recovery/rpo': '1h',
      'disaster-recovery/rto': '15 minutes',
      'disaster-recovery/runbook': 'see wiki',
    });
    expect(problems.map(p => p.annotation)).toEqual([
      'disaster-recovery/strategy',
      'disaster-recovery/rpo',
      'disaster-recovery/rto',
      'disaster-recovery/runbook',
    ]);
  });

  it('uses configured tiers', () => {
    const custom = new TierPolicies([
      {
        name: 'gold',
        maxRpoSeconds: 60,
        maxRtoSeconds: 600,
        strategies: ['active-active'],
        maxDrillAgeSeconds: 86400,
      },
    ]);
    const result = parseDrDeclaration(
      entity({
        'disaster-recovery/tier': 'gold',
        'disaster-recovery/strategy': 'active-active',
        'disaster-recovery/rpo': '2m',
      }),
      custom,
    );
    expect(result).toEqual({
      status: 'invalid',
      problems: [
        {
          annotation: 'disaster-recovery/rpo',
          value: '2m',
          message:
            'disaster-recovery/rpo: "2m" is looser than gold allows; use 1m or less (ISO 8601 (PT15M) or 15m)',
        },
      ],
      // The valid parts, to read and judge the evidence with: the declared RPO as written.
      partial: expect.objectContaining({
        tier: 'gold',
        strategy: 'active-active',
        rpoSeconds: 120,
        rtoSeconds: 600,
        drillCadenceSeconds: 86400,
      }),
    });
  });

  it('gives the valid parts of an invalid declaration, leaving out what is invalid', () => {
    const result = parseDrDeclaration(
      entity({
        'disaster-recovery/tier': 'tier-1',
        'disaster-recovery/strategy': 'sideways',
        'disaster-recovery/rpo': 'soon',
        'disaster-recovery/primary-cluster': 'prod-eu',
        'disaster-recovery/recovery-cluster': 'mars-1',
        'disaster-recovery/runbook': 'not a url',
      }),
      TierPolicies.default(),
      { knownClusters: ['prod-eu', 'dr-us'] },
    );
    expect(result.status).toBe('invalid');
    const partial = result.status === 'invalid' ? result.partial : undefined;
    expect(partial).toMatchObject({
      tier: 'tier-1',
      rpoSeconds: 3600,
      primaryCluster: 'prod-eu',
    });
    expect(partial?.strategy).toBeUndefined();
    expect(partial?.recoveryCluster).toBeUndefined();
    expect(partial?.runbookUrl).toBeUndefined();
  });

  it('gives no valid parts without a valid tier', () => {
    const result = parseDrDeclaration(
      entity({
        'disaster-recovery/tier': 'platinum',
        'disaster-recovery/strategy': 'pilot-light',
      }),
      TierPolicies.default(),
    );
    expect(result).toMatchObject({ status: 'invalid' });
    expect(result.status === 'invalid' && result.partial).toBeUndefined();
  });
});

describe('hasDrAnnotations', () => {
  it('is true for any disaster-recovery/ key only', () => {
    expect(
      hasDrAnnotations(entity({ 'disaster-recovery/runbook': 'https://x' })),
    ).toBe(true);
    expect(
      hasDrAnnotations(entity({ 'backstage.io/kubernetes-id': 'x' })),
    ).toBe(false);
  });
});

describe('misspelt DR annotation keys', () => {
  it('warns on a misspelt prefix that leaves the service undeclared', () => {
    const result = parseDrDeclaration(
      entity({
        'disaster-recovry/tier': 'tier-1',
        'disaster_recovery/strategy': 'warm-standby',
        'Disaster-Recovery/rpo': '15m',
        'disaster-recoveryy/rto': '1h',
        'disasterrecovery/owner-notes': 'x',
        'disaster-recovery-drill-cadence': '30d',
        'backstage.io/kubernetes-id': 'orders',
      }),
      policies,
    );
    expect(result.status).toBe('undeclared');
    expect(result.warnings?.map(w => [w.annotation, w.value])).toEqual([
      ['disaster-recovry/tier', 'tier-1'],
      ['disaster_recovery/strategy', 'warm-standby'],
      ['Disaster-Recovery/rpo', '15m'],
      ['disaster-recoveryy/rto', '1h'],
      ['disasterrecovery/owner-notes', 'x'],
      ['disaster-recovery-drill-cadence', '30d'],
    ]);
    expect(result.warnings?.[0].message).toBe(
      'disaster-recovry/tier: looks like a misspelling of disaster-recovery/tier; DR annotation keys start with disaster-recovery/ (disaster-recovery/tier, disaster-recovery/rpo, disaster-recovery/rto, disaster-recovery/strategy, disaster-recovery/primary-cluster, disaster-recovery/recovery-cluster, disaster-recovery/runbook, disaster-recovery/drill-cadence), other keys are ignored',
    );
    expect(result.warnings?.[5].message).toMatch(
      /^disaster-recovery-drill-cadence: looks like a misspelling of disaster-recovery\/drill-cadence;/,
    );
    expect(result.warnings?.[4].message).toMatch(
      /^disasterrecovery\/owner-notes: looks like a misspelling of a disaster-recovery\/\* key;/,
    );
  });

  it('warns beside a declaration, which is judged without the misspelt key', () => {
    const result = parseDrDeclaration(
      entity({
        'disaster-recovery/tier': 'tier-1',
        'disaster-recovery/strategy': 'warm-standby',
        'disaster-recvery/rpo': '5m',
      }),
      policies,
    );
    expect(result).toMatchObject({
      status: 'declared',
      declaration: { rpoSeconds: 3600 },
      warnings: [
        expect.objectContaining({ annotation: 'disaster-recvery/rpo' }),
      ],
    });
  });

  it('leaves other annotation keys alone', () => {
    const keys = [
      'backstage.io/kubernetes-id',
      'backstage.io/techdocs-ref',
      'github.com/project-slug',
      'pagerduty.com/service-id',
      'disaster.io/tier',
      'recovery/tier',
      'dr/tier',
      'disaster-recovery-team',
      'disaster-recovery',
    ];
    expect(
      findMisspeltDrAnnotations(
        entity(Object.fromEntries(keys.map(k => [k, 'x']))),
      ),
    ).toEqual([]);
    expect(parseDrDeclaration(entity(valid), policies)).not.toHaveProperty(
      'warnings',
    );
  });
});

describe('annotation values that are not text', () => {
  // YAML reads `rpo: 15` as a number and `tier: true` as a boolean; the catalog refuses them,
  // but the parser is public and must not throw.
  const raw = (annotations: Record<string, unknown>) =>
    entity(annotations as Record<string, string>);

  it('reports each with the accepted form instead of throwing', () => {
    const result = parseDrDeclaration(
      raw({
        'disaster-recovery/tier': 'tier-2',
        'disaster-recovery/strategy': true,
        'disaster-recovery/rpo': 15,
        'disaster-recovery/primary-cluster': null,
        'disaster-recovery/runbook': ['https://x'],
      }),
      policies,
    );
    expect(result.status).toBe('invalid');
    if (result.status !== 'invalid') return;
    expect(result.problems.map(p => p.message)).toEqual([
      'disaster-recovery/strategy: the boolean true is not text; quote the value in YAML, e.g. disaster-recovery/strategy: "backup-restore" (one of backup-restore, pilot-light, warm-standby, active-active)',
      'disaster-recovery/rpo: the number 15 is not text; quote the value in YAML, e.g. disaster-recovery/rpo: "1h" (ISO 8601 (PT15M) or 15m)',
      'disaster-recovery/primary-cluster: null (no value) is not text; quote the value in YAML, e.g. disaster-recovery/primary-cluster: "prod-eu" (a cluster name from the Kubernetes plugin config)',
      'disaster-recovery/runbook: a list is not text; quote the value in YAML, e.g. disaster-recovery/runbook: "https://wiki.example.com/runbooks/my-service"',
    ]);
    expect(result.problems[1].value).toBe('the number 15');
    // The valid tier still gives the valid parts; the bad RPO falls back to the tier's.
    expect(result.partial).toMatchObject({
      tier: 'tier-2',
      rpoSeconds: 86400,
      strategy: undefined,
    });
  });

  it('does not call a tier that is not text missing', () => {
    const messages = problemsOf({
      'disaster-recovery/strategy': 'backup-restore',
      ...({ 'disaster-recovery/tier': 1 } as unknown as Record<string, string>),
    }).map(p => p.message);
    expect(messages).toEqual([
      'disaster-recovery/tier: the number 1 is not text; quote the value in YAML, e.g. disaster-recovery/tier: "tier-0" (one of tier-0, tier-1, tier-2, tier-3)',
    ]);
  });
});

describe('long annotation values', () => {
  it('repeats at most 100 characters of a value, with its length', () => {
    const long = 'x'.repeat(200_000);
    const problems = problemsOf(
      {
        'disaster-recovery/tier': long,
        'disaster-recovery/strategy': long,
        'disaster-recovery/rpo': long,
        'disaster-recovery/runbook': long,
        'disaster-recovery/primary-cluster': long,
        'disaster-recovery/recovery-cluster': long,
        'disaster-recovery/notes': long,
      },
      ['prod-eu'],
    );
    const shown = `"${'x'.repeat(100)}…" (200000 characters)`;
    expect(problems.map(p => p.message)).toEqual([
      `disaster-recovery/notes: is not a DR annotation; use one of ${[
        'tier',
        'rpo',
        'rto',
        'strategy',
        'primary-cluster',
        'recovery-cluster',
        'runbook',
        'drill-cadence',
      ]
        .map(k => `disaster-recovery/${k}`)
        .join(', ')}`,
      `disaster-recovery/tier: ${shown} is not a tier; use one of tier-0, tier-1, tier-2, tier-3`,
      `disaster-recovery/strategy: ${shown} is not a strategy; use one of backup-restore, pilot-light, warm-standby, active-active`,
      `disaster-recovery/rpo: ${shown} is not a duration; use ISO 8601 (PT15M) or 15m`,
      `disaster-recovery/primary-cluster: ${shown} is not a known cluster; use one of prod-eu`,
      `disaster-recovery/recovery-cluster: ${shown} is not a known cluster; use one of prod-eu`,
      `disaster-recovery/recovery-cluster: ${shown} is also the primary cluster; the recovery cluster must be another cluster`,
      `disaster-recovery/runbook: ${shown} is not an http(s) URL; use a link such as https://wiki.example.com/runbooks/my-service`,
    ]);
    for (const p of problems) {
      expect(p.value).toBe(`${'x'.repeat(100)}…`);
    }
  });

  it('repeats a value of 100 characters whole', () => {
    const value = 'y'.repeat(100);
    expect(
      messagesOf({
        'disaster-recovery/tier': 'tier-3',
        'disaster-recovery/strategy': 'backup-restore',
        'disaster-recovery/rto': value,
      }),
    ).toEqual([
      `disaster-recovery/rto: "${value}" is not a duration; use ISO 8601 (PT15M) or 15m`,
    ]);
  });
});
