import { spawnSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Entity } from '@backstage/catalog-model';
import {
  TierPolicies,
  evaluateDrStatus,
  parseDrDeclaration,
  serviceTargetFromEntity,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { main } from './drCheck';
import { loadCatalog } from './loadCatalog';
import { loadClusterDumps } from './loadDumps';
import { JsonReport } from './report';

// The scenario of __fixtures__ (see the comments in catalog/services.yaml), judged at NOW.
const FIXTURES = path.resolve(__dirname, '__fixtures__');
const CATALOG = path.join(FIXTURES, 'catalog');
const CLUSTERS = path.join(FIXTURES, 'clusters');
const NOW = '2026-11-25T12:20:00Z';
const BASE = ['--catalog', CATALOG, '--clusters', CLUSTERS, '--now', NOW];
const ref = (name: string) => `component:default/${name}`;

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

function runJson(...argv: string[]) {
  const result = run(...argv, '--json');
  return { ...result, report: JSON.parse(result.stdout) as JsonReport };
}

// The evaluation words its reasons; the table and the gate show the first one as it comes.
function firstReason(name: string, argv: string[] = BASE) {
  const { report } = runJson(...argv);
  const { reasons } = report.services.find(s => s.entityRef === ref(name))!
    .status!;
  return {
    message: reasons[0].message,
    cell:
      reasons.length > 1
        ? `${reasons[0].message} (+${reasons.length - 1} more)`
        : reasons[0].message,
  };
}

const verdicts = (report: JsonReport) =>
  Object.fromEntries(report.services.map(s => [s.entityRef, s.verdict]));

describe('dr-check', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dr-check-'));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('the report', () => {
    it('prints an aligned table with each verdict, RPO and RTO against targets, and the first reason', () => {
      const { code, stdout, stderr } = run(...BASE);
      const catalogApi = firstReason('catalog-api').cell;
      const billingDb = firstReason('billing-db').cell;
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toBe(
        [
          'ENTITY                          TIER    STRATEGY        VERDICT     RPO ACHIEVED/TARGET  RTO MEASURED/TARGET  REASON',
          'component:default/docs-site     -       -               undeclared  -                    -                    no disaster-recovery/* annotations',
          'component:default/orders-db     tier-1  pilot-light     compliant   20m / 1h             25m / 2h',
          `component:default/catalog-api   tier-2  backup-restore  at-risk     6h 20m / 12h         45m / 8h             ${catalogApi}`,
          `component:default/billing-db    tier-1  pilot-light     breached    3h 20m / 1h          40m / 2h             ${billingDb}`,
          'component:default/search-index  tier-2  warm-standby    invalid     none / 1d            - / 1d               disaster-recovery/strategy: "warm-standby" is not allowed for tier-2; use one of pilot-light, backup-restore (+1 more)',
          '',
          '5 services at 2026-11-25T12:20:00Z, 4 declared and judged: 1 compliant, 1 at-risk, 1 breached, 0 unknown, 1 invalid, 1 undeclared',
          '',
        ].join('\n'),
      );
    });

    it('prints JSON with every verdict, the problems of invalid declarations and the summary', () => {
      const { code, report } = runJson(...BASE);
      expect(code).toBe(0);
      expect(report.now).toBe(NOW);
      expect(report.declaredServices).toBe(4);
      expect(verdicts(report)).toEqual({
        [ref('docs-site')]: 'undeclared',
        [ref('orders-db')]: 'compliant',
        [ref('catalog-api')]: 'at-risk',
        [ref('billing-db')]: 'breached',
        [ref('search-index')]: 'invalid',
      });
      expect(report.summary).toEqual({
        compliant: 1,
        'at-risk': 1,
        breached: 1,
        unknown: 0,
        invalid: 1,
        undeclared: 1,
      });
      expect(report.gate).toBeUndefined();

      const byRef = new Map(report.services.map(s => [s.entityRef, s]));
      expect(byRef.get(ref('docs-site'))).toEqual({
        entityRef: ref('docs-site'),
        verdict: 'undeclared',
      });
      expect(byRef.get(ref('search-index'))).toMatchObject({
        tier: 'tier-2',
        strategy: 'warm-standby',
        problems: [
          { annotation: 'disaster-recovery/strategy', value: 'warm-standby' },
          {
            annotation: 'disaster-recovery/rpo',
            value: '15 minutes',
            message:
              'disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
          },
        ],
      });
      // The figures the scenario sets up.
      const status = (name: string) => byRef.get(ref(name))!.status!;
      expect(status('orders-db')).toMatchObject({
        achievedRpoSeconds: 20 * 60,
        measuredRtoSeconds: 25 * 60,
        reasons: [],
        lastDrill: { name: 'orders-db-drill-20261118', cluster: 'dr-us' },
      });
      expect(status('catalog-api').achievedRpoSeconds).toBe(6 * 3600 + 20 * 60);
      expect(status('catalog-api').reasons[0].code).toBe(
        'newest-backup-failed',
      );
      expect(status('billing-db').achievedRpoSeconds).toBe(3 * 3600 + 20 * 60);
      expect(status('billing-db').reasons[0].code).toBe('rpo-exceeded');
      expect(status('billing-db').reasons.map(r => r.code)).toContain(
        'newest-backup-failed',
      );
      // Local CSI snapshots are shown but never counted.
      expect(
        status('orders-db')
          .recoveryPoints.filter(p => p.source === 'volume-snapshot')
          .map(p => [p.name, p.counted]),
      ).toEqual([
        ['orders-db-data-0-1205', false],
        ['orders-db-data-1-1205', false],
      ]);
    });

    it('reports exactly what evaluateDrStatus says for each declared service', () => {
      const { report } = runJson(...BASE);
      const entities = loadCatalog([CATALOG]).entries;
      const { clusters } = loadClusterDumps(CLUSTERS);
      const declared = report.services.filter(
        s => s.status && s.verdict !== 'invalid',
      );
      expect(declared.map(s => s.entityRef)).toEqual([
        ref('orders-db'),
        ref('catalog-api'),
        ref('billing-db'),
      ]);
      for (const service of declared) {
        const entity = entities.find(e => e.entityRef === service.entityRef)!
          .entity as Entity;
        const parsed = parseDrDeclaration(entity, TierPolicies.default(), {
          knownClusters: ['dr-us', 'prod-eu'],
        });
        if (parsed.status !== 'declared') throw new Error('not declared');
        const expected = evaluateDrStatus({
          declaration: parsed.declaration,
          target: serviceTargetFromEntity(entity)!,
          clusters,
          now: new Date(NOW),
        });
        expect(service.status).toEqual(expected);
        expect(service.verdict).toBe(expected.verdict);
      }
    });

    it('checks only the entities named with --entity, by full or short reference', () => {
      const { code, report } = runJson(
        ...BASE,
        '--entity',
        'billing-db',
        '--entity',
        'component:default/orders-db',
      );
      expect(code).toBe(0);
      expect(verdicts(report)).toEqual({
        [ref('orders-db')]: 'compliant',
        [ref('billing-db')]: 'breached',
      });
    });

    it('prints the usage with --help and exits 0', () => {
      const { code, stdout } = run('--help');
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: dr-check --catalog <file-or-dir>...');
      expect(stdout).toContain('--fail-on <tier>');
    });
  });

  it("judges an invalid declaration's evidence with its valid parts: the tier's defaults for the rest", () => {
    const { report } = runJson(...BASE);
    const search = report.services.find(
      s => s.entityRef === ref('search-index'),
    )!;
    expect(search.verdict).toBe('invalid');
    // Nothing backs search-index up: its evidence is breached, with the tier's 24h RPO (its
    // own "15 minutes" does not parse).
    expect(search.evidenceVerdict).toBe('breached');
    expect(search.status!.achievedRpoSeconds).toBeNull();
    expect(search.status!.reasons.map(r => r.code)).toContain(
      'no-recovery-point',
    );
  });

  describe('a catalog without entities never passes', () => {
    const emptyFile = () => {
      const file = path.join(tmp, 'empty.yaml');
      fs.writeFileSync(file, '# nothing yet\n');
      return file;
    };
    const emptyFolder = () => {
      const dir = path.join(tmp, 'empty-catalog');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'README.md'), 'not YAML\n');
      return dir;
    };
    const notEntities = () => {
      const file = path.join(tmp, 'not-entities.yaml');
      fs.writeFileSync(file, 'name: orders-db\n---\n- a list\n');
      return file;
    };
    it.each([
      [
        'a mistyped path',
        () => path.join(tmp, 'catalog', 'servces.yaml'),
        (p: string) => `--catalog ${p}: no such file or directory`,
      ],
      [
        'a glob that matches nothing',
        () => path.join(tmp, 'catlog', '*.yaml'),
        (p: string) => `--catalog ${p}: matched no file`,
      ],
      [
        'an empty file',
        emptyFile,
        (p: string) =>
          `--catalog ${p}: holds no entities: the file is empty or holds no document with kind and metadata.name`,
      ],
      [
        'a folder without YAML files',
        emptyFolder,
        (p: string) =>
          `--catalog ${p}: holds no entities: there is no .yaml or .yml file in it`,
      ],
      [
        'a file of documents that are not entities',
        notEntities,
        (p: string) => `--catalog ${p}: holds no entities`,
      ],
    ])(
      '%s: exits 2 naming --catalog and what it got, even with --fail-on',
      (_what, make, message) => {
        const catalog = make();
        for (const extra of [[], ['--fail-on', 'tier-3']]) {
          const { code, stdout, stderr } = run(
            '--catalog',
            catalog,
            '--clusters',
            CLUSTERS,
            '--now',
            NOW,
            ...extra,
          );
          expect(code).toBe(2);
          expect(stdout).toBe('');
          expect(stderr).toContain(`dr-check: ${message(catalog)}`);
        }
      },
    );

    it('fails when one of several --catalog paths holds no entities', () => {
      const { code, stderr } = run(...BASE, '--catalog', emptyFile());
      expect(code).toBe(2);
      expect(stderr).toContain('holds no entities');
    });

    it('expands a glob the shell left alone (quoted)', () => {
      const { code, report } = runJson(
        '--catalog',
        path.join(CATALOG, '*.yaml'),
        '--clusters',
        CLUSTERS,
        '--now',
        NOW,
      );
      expect(code).toBe(0);
      expect(report.services.map(s => s.entityRef)).toEqual([
        ref('orders-db'),
        ref('catalog-api'),
        ref('billing-db'),
        ref('search-index'),
      ]);
      expect(report.declaredServices).toBe(4);
    });

    it('does not pass a gate that judged no declared service (exit 2); without a gate it warns', () => {
      const undeclared = path.join(CATALOG, 'more', 'docs-site.yaml');
      const args = ['--catalog', undeclared, '--clusters', CLUSTERS];
      const gated = run(...args, '--fail-on', 'tier-1');
      expect(gated.code).toBe(2);
      expect(gated.stderr).toBe(
        `dr-check: --fail-on tier-1: none of the 2 entities of --catalog ${undeclared} declares disaster recovery (disaster-recovery/* annotations), so there is nothing to gate\n`,
      );
      const plain = runJson(...args);
      expect(plain.code).toBe(0);
      expect(plain.report.declaredServices).toBe(0);
      expect(plain.stderr).toContain(
        'dr-check: warning: none of the 2 entities',
      );
    });
  });

  describe('an object the evaluation does not expect', () => {
    it('does not crash dr-check: a Schedule whose spec.schedule is not a string', () => {
      const clusters = path.join(tmp, 'clusters-bad-schedule');
      fs.cpSync(CLUSTERS, clusters, { recursive: true });
      fs.writeFileSync(
        path.join(clusters, 'prod-eu', 'schedule-number.yaml'),
        [
          'apiVersion: velero.io/v1',
          'kind: Schedule',
          'metadata: { name: orders-db-numeric, namespace: velero }',
          'spec:',
          '  schedule: 5',
          '  template:',
          '    includedNamespaces: [commerce]',
          '    labelSelector: { matchLabels: { backstage.io/kubernetes-id: orders-db } }',
          'status: { phase: Enabled }',
          '',
        ].join('\n'),
      );
      const { code, report, stderr } = runJson(
        '--catalog',
        CATALOG,
        '--clusters',
        clusters,
        '--now',
        NOW,
      );
      expect(stderr).not.toContain('internal error');
      expect(code).toBe(0);
      // The others are judged as usual.
      expect(verdicts(report)).toMatchObject({
        [ref('catalog-api')]: 'at-risk',
        [ref('billing-db')]: 'breached',
      });
      // orders-db is judged too (by the evaluation, or unknown with "evaluation failed" when
      // the evaluation throws: see drCheck.evaluationFailure.test.ts), rather than a crash.
      const orders = report.services.find(
        s => s.entityRef === ref('orders-db'),
      )!;
      expect(orders.status!.evaluatedAt).toBe(NOW);
    });
  });

  describe('the gate', () => {
    it('fails a tier-2 gate on a tier-1 breach and a tier-2 invalid declaration, naming them on stderr', () => {
      const { code, stderr } = run(...BASE, '--fail-on', 'tier-2');
      const billingDb = firstReason('billing-db').message;
      expect(billingDb).toMatch(/^Achieved RPO 3h 20m is above the 1h target/);
      expect(code).toBe(1);
      expect(stderr).toBe(
        [
          'dr-check: gate failed: 2 services of tier-2 or a more critical tier breached or with an invalid declaration:',
          `  component:default/billing-db: breached (tier-1): ${billingDb}`,
          '  component:default/search-index: invalid declaration (tier-2): disaster-recovery/strategy: "warm-standby" is not allowed for tier-2; use one of pilot-light, backup-restore; disaster-recovery/rpo: "15 minutes" is not a duration; use ISO 8601 (PT15M) or 15m',
          '',
        ].join('\n'),
      );
    });

    it('fails a tier-1 gate on the tier-1 breach only', () => {
      const { code, stderr } = run(...BASE, '--fail-on', 'tier-1');
      expect(code).toBe(1);
      expect(stderr).toContain('component:default/billing-db: breached');
      expect(stderr).not.toContain('search-index');
    });

    it('passes a tier-0 gate: nothing of tier-0 is breached or invalid', () => {
      const { code, stdout, stderr } = run(...BASE, '--fail-on', 'tier-0');
      expect(code).toBe(0);
      expect(stdout).toContain('breached');
      expect(stderr).toBe(
        'dr-check: gate passed: no service of tier-0 or a more critical tier is breached or has an invalid declaration\n',
      );
    });

    it('puts the gate in the JSON report', () => {
      const { code, report } = runJson(...BASE, '--fail-on', 'tier-1');
      expect(code).toBe(1);
      expect(report.gate).toEqual({
        failOn: 'tier-1',
        passed: false,
        failures: [
          {
            entityRef: ref('billing-db'),
            reason: `breached (tier-1): ${firstReason('billing-db').message}`,
          },
        ],
      });
    });

    it('passes when the breached service is filtered out with --entity', () => {
      const { code } = run(
        ...BASE,
        '--fail-on',
        'tier-3',
        '--entity',
        'orders-db',
        '--entity',
        'catalog-api',
      );
      expect(code).toBe(0);
    });
  });

  describe('--config', () => {
    const CONFIG = path.join(FIXTURES, 'app-config.yaml');
    const RELAXED = path.join(FIXTURES, 'app-config.relaxed.yaml');

    it('reads the tiers of an app-config file', () => {
      const { code, report } = runJson(...BASE, '--config', CONFIG);
      expect(code).toBe(0);
      expect(verdicts(report)[ref('billing-db')]).toBe('breached');
    });

    it('merges several files in order: a later file overrides the tiers of an earlier one', () => {
      // tier-1 allows 4h: billing-db's target (the tier's max) becomes 4h, and 3h 20m is
      // within it but above 80% of it.
      const relaxed = runJson(
        ...BASE,
        '--config',
        CONFIG,
        '--config',
        RELAXED,
        '--fail-on',
        'tier-1',
      );
      const billing = relaxed.report.services.find(
        s => s.entityRef === ref('billing-db'),
      )!;
      expect(billing.verdict).toBe('at-risk');
      expect(billing.status!.reasons.map(r => r.code)).toEqual(
        expect.arrayContaining(['newest-backup-failed', 'rpo-near-target']),
      );
      expect(
        billing.status!.reasons.filter(r => r.severity === 'breach'),
      ).toEqual([]);
      expect(relaxed.code).toBe(0);

      const reversed = runJson(
        ...BASE,
        '--config',
        RELAXED,
        '--config',
        CONFIG,
        '--fail-on',
        'tier-1',
      );
      expect(verdicts(reversed.report)[ref('billing-db')]).toBe('breached');
      expect(reversed.code).toBe(1);
    });

    it('names the tiers of the config when --fail-on names another', () => {
      const file = path.join(tmp, 'gold.yaml');
      fs.writeFileSync(
        file,
        'disasterRecovery:\n  tiers:\n    - name: gold\n      maxRpo: 1h\n      maxRto: 4h\n      strategies: [pilot-light]\n      maxDrillAge: 90d\n',
      );
      const { code, stderr } = run(
        ...BASE,
        '--config',
        file,
        '--fail-on',
        'tier-1',
      );
      expect(code).toBe(2);
      expect(stderr).toContain(
        'dr-check: --fail-on "tier-1" is not a tier; use one of gold',
      );
    });

    it('exits 2 naming the key of malformed tiers', () => {
      const file = path.join(tmp, 'bad-tiers.yaml');
      fs.writeFileSync(
        file,
        'disasterRecovery:\n  tiers:\n    - name: tier-1\n      maxRpo: soon\n',
      );
      const { code, stderr } = run(...BASE, '--config', file);
      expect(code).toBe(2);
      expect(stderr).toBe(
        'dr-check: --config: disasterRecovery.tiers[0].maxRpo: "soon" is not a duration; use ISO 8601 (PT15M) or 15m\n',
      );
    });
  });

  describe('a cluster dump that is not valid YAML', () => {
    it('judges the services with evidence on that cluster unknown, even a breach drawn from missing evidence, and names the file and line', () => {
      const clusters = path.join(tmp, 'clusters');
      fs.cpSync(CLUSTERS, clusters, { recursive: true });
      fs.writeFileSync(
        path.join(clusters, 'dr-us', 'restores-extra.yaml'),
        'apiVersion: v1\nkind: List\nitems:\n  - kind: Restore\n    metadata: name: broken\n',
      );
      const { code, report, stderr } = runJson(
        '--catalog',
        CATALOG,
        '--clusters',
        clusters,
        '--now',
        NOW,
        '--fail-on',
        'tier-1',
      );
      const file = path.join(clusters, 'dr-us', 'restores-extra.yaml');
      expect(stderr).toContain(
        `dr-check: error: cluster dr-us: ${file}:5:15: not valid YAML: Nested mappings are not allowed in compact mappings; services with evidence on dr-us are judged unknown unless a breach is proven\n`,
      );
      // Unknown does not fail the gate, but it is said.
      expect(stderr).toContain(
        'dr-check: note: 2 services of tier-1 or a more critical tier could not be judged (unknown) and do not fail the gate: component:default/orders-db, component:default/billing-db\n',
      );
      expect(verdicts(report)).toEqual({
        [ref('docs-site')]: 'undeclared',
        [ref('orders-db')]: 'unknown',
        [ref('catalog-api')]: 'unknown',
        // Its RPO breach rests on missing evidence: dr-us may hold newer (synced) backups.
        [ref('billing-db')]: 'unknown',
        [ref('search-index')]: 'invalid',
      });
      const orders = report.services.find(
        s => s.entityRef === ref('orders-db'),
      )!;
      expect(orders.status!.reasons).toMatchObject([
        {
          severity: 'unknown',
          code: 'cluster-unreadable',
          message: `Cluster dr-us could not be read: ${file}:5:15: not valid YAML: Nested mappings are not allowed in compact mappings`,
        },
      ]);
      // The rest of the evidence is still evaluated.
      expect(orders.status!.achievedRpoSeconds).toBe(1200);
      // Unknown does not fail the gate, and nothing of tier-1 or above is proven breached.
      expect(code).toBe(0);
    });
  });

  describe('bad usage exits 2 with a message naming the flag', () => {
    it.each([
      [
        'an unknown flag',
        [...BASE, '--fail-of', 'tier-1'],
        'dr-check: unknown option --fail-of; see the options below',
      ],
      [
        'a missing --catalog',
        ['--clusters', CLUSTERS],
        'dr-check: --catalog is missing; give catalog YAML files or folders, e.g. --catalog catalog-info.yaml',
      ],
      [
        'a missing --clusters',
        ['--catalog', CATALOG],
        'dr-check: --clusters is missing; give the folder of cluster dumps',
      ],
      [
        'a flag without its value',
        ['--catalog', CATALOG, '--clusters'],
        "Option '--clusters <value>' argument missing",
      ],
      [
        'a positional argument',
        [...BASE, 'catalog-info.yaml'],
        "dr-check: Unexpected argument 'catalog-info.yaml'; every input is given with an option",
      ],
      [
        'an unknown tier in --fail-on',
        [...BASE, '--fail-on', 'tier-9'],
        'dr-check: --fail-on "tier-9" is not a tier; use one of tier-0, tier-1, tier-2, tier-3',
      ],
      [
        'a --now that is not RFC 3339',
        [...BASE, '--now', '25/11/2026'],
        'dr-check: --now "25/11/2026" is not an RFC 3339 time; use e.g. --now 2026-11-25T12:00:00Z',
      ],
      [
        'a catalog path that does not exist',
        ['--catalog', '/nonexistent/catalog', '--clusters', CLUSTERS],
        'dr-check: --catalog /nonexistent/catalog: no such file or directory',
      ],
      [
        'a clusters folder that does not exist',
        ['--catalog', CATALOG, '--clusters', '/nonexistent/dumps'],
        'dr-check: --clusters /nonexistent/dumps: no such folder',
      ],
      [
        'a config file that does not exist',
        [...BASE, '--config', '/nonexistent/app-config.yaml'],
        'dr-check: --config /nonexistent/app-config.yaml: no such file',
      ],
      [
        'an --entity not in the catalog',
        [...BASE, '--entity', 'component:default/nope'],
        'dr-check: --entity "component:default/nope": component:default/nope is not in the --catalog files',
      ],
    ])('%s', (_what, argv, message) => {
      const { code, stdout, stderr } = run(...argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(message);
    });

    it('shows the usage after a usage error', () => {
      expect(run('--nope').stderr).toContain(
        'Usage: dr-check --catalog <file-or-dir>... --clusters <dir>',
      );
    });

    it('exits 2 for a catalog file that is not valid YAML, naming the line', () => {
      const file = path.join(tmp, 'broken-catalog.yaml');
      fs.writeFileSync(file, 'kind: Component\nmetadata:\n  name: [x\n');
      const { code, stderr } = run('--catalog', file, '--clusters', CLUSTERS);
      expect(code).toBe(2);
      expect(stderr).toMatch(
        new RegExp(`^dr-check: --catalog ${file}:4:1: not valid YAML: `),
      );
    });
  });

  it('exits 3 on an unexpected error, such as stdout failing, with its stack, rather than crash', () => {
    let stderr = '';
    const code = main(BASE, {
      stdout: () => {
        throw new Error('write EPIPE');
      },
      stderr: text => {
        stderr += text;
      },
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /^dr-check: internal error: Error: write EPIPE\n\s+at /,
    );
  });

  it('runs as the package bin, with the exit code of the gate', () => {
    const packageDir = path.resolve(__dirname, '..');
    const result = spawnSync(
      process.execPath,
      [
        'bin/dr-check',
        '--catalog',
        'src/__fixtures__/catalog',
        '--clusters',
        'src/__fixtures__/clusters',
        '--now',
        NOW,
        '--fail-on',
        'tier-2',
      ],
      { cwd: packageDir, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toContain(
      'dr-check: gate failed: 2 services of tier-2 or a more critical tier',
    );
    expect(result.stdout).toBe(run(...BASE).stdout);
    expect(result.status).toBe(1);
  }, 60_000);
});
