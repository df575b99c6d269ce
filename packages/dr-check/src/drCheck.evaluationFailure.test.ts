import path from 'path';
import { main } from './drCheck';
import { JsonReport } from './report';

// The evaluation throws for billing-db only, as a bug met on one service's objects would.
jest.mock('@backstage-dr/plugin-disaster-recovery-common', () => {
  const actual = jest.requireActual(
    '@backstage-dr/plugin-disaster-recovery-common',
  );
  return {
    ...actual,
    evaluateDrStatus: jest.fn((input: { target: { id?: string } }) => {
      if (input.target.id === 'billing-db') {
        throw new TypeError('s.spec.schedule.trim is not a function');
      }
      return actual.evaluateDrStatus(input);
    }),
  };
});

const FIXTURES = path.resolve(__dirname, '__fixtures__');
const BASE = [
  '--catalog',
  path.join(FIXTURES, 'catalog'),
  '--clusters',
  path.join(FIXTURES, 'clusters'),
  '--now',
  '2026-11-25T12:20:00Z',
];

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

describe('dr-check when the evaluation of one service throws', () => {
  it('judges that service unknown with the reason, judges the others, and does not fail the gate for it', () => {
    const { code, stdout, stderr } = run(
      ...BASE,
      '--json',
      '--fail-on',
      'tier-1',
    );
    const report = JSON.parse(stdout) as JsonReport;
    const byRef = new Map(report.services.map(s => [s.entityRef, s]));

    expect(byRef.get('component:default/billing-db')).toMatchObject({
      verdict: 'unknown',
      status: {
        verdict: 'unknown',
        achievedRpoSeconds: null,
        reasons: [
          {
            severity: 'unknown',
            code: 'evaluation-failed',
            message:
              'evaluation failed: s.spec.schedule.trim is not a function',
          },
        ],
      },
    });
    expect(byRef.get('component:default/orders-db')!.verdict).toBe('compliant');
    expect(byRef.get('component:default/catalog-api')!.verdict).toBe('at-risk');
    expect(report.summary.unknown).toBe(1);
    expect(report.declaredServices).toBe(4);

    // The stack is on stderr, to be reported; unknown does not fail the gate.
    expect(stderr).toContain(
      'dr-check: error: component:default/billing-db: evaluation failed, judged unknown; the other services were judged.',
    );
    expect(stderr).toContain(
      'TypeError: s.spec.schedule.trim is not a function\n    at ',
    );
    expect(stderr).not.toContain('internal error');
    expect(stderr).toContain(
      'could not be judged (unknown) and do not fail the gate: component:default/billing-db',
    );
    expect(code).toBe(0);
  });

  it('shows the reason in the table', () => {
    const { code, stdout } = run(...BASE);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /component:default\/billing-db +tier-1 +pilot-light +unknown +none \/ 1h +- \/ 2h +evaluation failed: s\.spec\.schedule\.trim is not a function\n/,
    );
  });
});
