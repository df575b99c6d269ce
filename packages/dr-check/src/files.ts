import fs from 'fs';
import path from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';

/**
 * An input the user named cannot be used: a path that does not exist, a file that cannot be
 * read, or a catalog or config file that is not valid YAML. `dr-check` reports the message and
 * exits with code 2.
 */
export class DrCheckInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrCheckInputError';
  }
}

/** One YAML document of a file: its value, and the 1-based line it starts on. */
export interface YamlDocument {
  value: unknown;
  line: number;
}

/** The documents of a YAML file, or the first syntax error found in it. */
export type YamlFileResult =
  | { ok: true; documents: YamlDocument[] }
  | { ok: false; error: string; line: number; column: number };

/**
 * Lists the files under `root` whose names end with one of `extensions` (e.g. `['.yaml', '.yml']`),
 * recursively, sorted by path so that output is stable. `root` may itself be such a file, which is
 * then returned whatever its extension (the user named it). Hidden files and folders are skipped.
 *
 * @throws DrCheckInputError when `root` does not exist; `what` names the flag, e.g. `--catalog`
 */
export function listFiles(
  root: string,
  extensions: readonly string[],
  what: string,
): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new DrCheckInputError(
      `${what} ${root}: no such file or directory; give a YAML file or a folder of them`,
    );
  }
  if (!stat.isDirectory()) {
    return [root];
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    const entries = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter(e => !e.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (extensions.some(ext => entry.name.endsWith(ext))) {
        files.push(full);
      }
    }
  };
  walk(root);
  return files;
}

/**
 * Reads a file of one or more YAML documents (JSON is YAML too). Empty documents are left out.
 * Never throws for bad YAML: the first error is returned with its 1-based line and column and a
 * one-line message, e.g. `Map keys must be unique`.
 *
 * @throws DrCheckInputError when the file cannot be read
 */
export function readYamlFile(file: string): YamlFileResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new DrCheckInputError(
      `${file}: cannot be read (${(error as Error).message})`,
    );
  }
  const documents: YamlDocument[] = [];
  const lines = new LineCounter();
  const lineOf = (offset: number) => lines.linePos(offset).line;
  for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
    const [first] = doc.errors;
    if (first) {
      const position = first.linePos?.[0] ?? { line: 1, col: 1 };
      return {
        ok: false,
        error: first.message
          .split('\n')[0]
          .replace(/ at line \d+, column \d+:?$/, ''),
        line: position.line,
        column: position.col,
      };
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (error) {
      // e.g. too many alias expansions
      const line = lineOf(doc.range[0]);
      return {
        ok: false,
        error: (error as Error).message,
        line,
        column: 1,
      };
    }
    if (value !== null && value !== undefined) {
      documents.push({
        value,
        line: lineOf(doc.contents?.range[0] ?? 0),
      });
    }
  }
  return { ok: true, documents };
}

/**
 * Formats a YAML syntax error as `file:line:column: not valid YAML: message`, e.g.
 * `dumps/dr-us/velero.yaml:4:8: not valid YAML: Nested mappings are not allowed in compact mappings`.
 */
export function describeYamlError(
  file: string,
  result: Extract<YamlFileResult, { ok: false }>,
): string {
  return `${file}:${result.line}:${result.column}: not valid YAML: ${result.error}`;
}

/** Whether a value is a plain object (a YAML mapping). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
