import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { main } from './drCheck';
import { JsonReport } from './report';

// The scenario library (see __scenarios__/README.md): each folder holds catalog.yaml, one
// folder of kubectl dumps per cluster, and expected.yaml, written from DOMAIN.md's rules.
const SCENARIOS = path.resolve(__dirname, '__scenarios__');

interface Expected {
  rule: string;
  now: string;
  entities: Record<
    string,
    {
      verdict: string;
      achievedRpoSeconds: number | null;
      reasonCodes?: string[];
    }
  >;
}

const folders = fs
  .readdirSync(SCENARIOS, { withFileTypes: true })
  .filter(e => e.isDirectory())
  .map(e => e.name)
  .sort();

function readExpected(folder: string): Expected {
  return parse(
    fs.readFileSync(path.join(SCENARIOS, folder, 'expected.yaml'), 'utf8'),
  ) as Expected;
}

/** Runs dr-check as the bin does, with --json, on one scenario. */
function runScenario(folder: string, now: string) {
  const dir = path.join(SCENARIOS, folder);
  let stdout = '';
  let stderr = '';
  const code = main(
    [
      '--catalog',
      path.join(dir, 'catalog.yaml'),
      '--clusters',
      dir,
      '--now',
      now,
      '--json',
    ],
    {
      stdout: text => {
        stdout += text;
      },
      stderr: text => {
        stderr += text;
      },
    },
  );
  return {
    code,
    stderr,
    report: stdout ? (JSON.parse(stdout) as JsonReport) : undefined,
  };
}

describe('dr-check scenarios', () => {
  it('holds at least 45 scenarios, each with a rule, a time and an expectation per entity', () => {
    expect(folders.length).toBeGreaterThanOrEqual(45);
    for (const folder of folders) {
      const expected = readExpected(folder);
      expect(typeof expected.rule).toBe('string');
      expect(new Date(expected.now).toISOString()).toBeTruthy();
      for (const entity of Object.values(expected.entities)) {
        expect(entity.verdict).toEqual(expect.any(String));
        expect(
          entity.achievedRpoSeconds === null ||
            Number.isInteger(entity.achievedRpoSeconds),
        ).toBe(true);
      }
    }
  });

  it('lists every scenario in __scenarios__/README.md with its rule and expectation', () => {
    const readme = fs.readFileSync(path.join(SCENARIOS, 'README.md'), 'utf8');
    for (const folder of folders) {
      const { rule, entities } = readExpected(folder);
      // Compared as text: without Markdown escapes (\*, \|), code spans or quotes.
      const text = (markdown: string) =>
        markdown.replace(/\\([*_|[\]`])/g, '$1').replace(/[`"]/g, '');
      const row = readme
        .split('\n')
        .find(line => line.startsWith(`| [${folder}](`));
      expect(row).toBeDefined();
      expect(text(row!)).toContain(text(rule));
      for (const [ref, e] of Object.entries(entities)) {
        expect(row).toContain(
          `${ref.replace(/^component:default\//, '')}: ${e.verdict}, ${
            e.achievedRpoSeconds ?? 'null'
          }`,
        );
      }
    }
  });

  for (const folder of folders) {
    const expected = readExpected(folder);
    it(`${folder}: ${expected.rule}`, () => {
      const { code, stderr, report } = runScenario(folder, expected.now);
      expect(stderr).not.toContain('internal error');
      expect(code).toBe(0);
      const byRef = new Map(report!.services.map(s => [s.entityRef, s]));
      const mismatches: string[] = [];
      for (const [ref, want] of Object.entries(expected.entities)) {
        const service = byRef.get(ref);
        if (!service) {
          mismatches.push(`${ref}: not in the report`);
          continue;
        }
        const got = {
          verdict: service.verdict,
          achievedRpoSeconds: service.status
            ? service.status.achievedRpoSeconds
            : 'no status (evidence not judged)',
        };
        const codes = (service.status?.reasons ?? []).map(r => r.code);
        const missing = (want.reasonCodes ?? []).filter(
          c => !codes.includes(c),
        );
        if (
          got.verdict !== want.verdict ||
          got.achievedRpoSeconds !== want.achievedRpoSeconds ||
          missing.length > 0
        ) {
          const reasons = (service.status?.reasons ?? [])
            .map(r => `    [${r.severity}] ${r.code}: ${r.message}`)
            .join('\n');
          const problems = (service.problems ?? [])
            .map(p => `    [problem] ${p.message}`)
            .join('\n');
          mismatches.push(
            `${ref}: expected ${want.verdict}, achieved RPO ${
              want.achievedRpoSeconds
            }${
              want.reasonCodes ? `, reasons ${want.reasonCodes.join(', ')}` : ''
            }\n  got ${got.verdict}, achieved RPO ${got.achievedRpoSeconds}${
              missing.length > 0
                ? `, missing reasons ${missing.join(', ')}`
                : ''
            }\n${[problems, reasons].filter(Boolean).join('\n')}`,
          );
        }
      }
      if (mismatches.length > 0) {
        throw new Error(`${folder}\n${mismatches.join('\n')}`);
      }
    });
  }
});
