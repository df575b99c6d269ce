import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isJsonObject } from './json';

/** An object read from a fixture file, with where it came from for error messages. */
export interface FixtureObject {
  /** `<file>#<document number, from 1>`. */
  source: string;
  object: object;
}

/**
 * Reads every `*.yaml` file of a fixture directory (not recursive, in name order); each file
 * may hold several documents separated by `---`. Empty documents are skipped. Throws, naming
 * the file, on YAML errors and on documents that are not objects.
 */
export function readFixtureDirectory(directory: string): FixtureObject[] {
  const absolute = path.resolve(directory);
  if (!fs.existsSync(absolute) || !fs.statSync(absolute).isDirectory()) {
    throw new Error(`Fixture directory ${absolute} does not exist`);
  }
  return fs
    .readdirSync(absolute)
    .filter(file => file.endsWith('.yaml'))
    .sort()
    .flatMap(file => {
      const filePath = path.join(absolute, file);
      return parseAllDocuments(fs.readFileSync(filePath, 'utf8')).flatMap(
        (document, index) => {
          const source = `${filePath}#${index + 1}`;
          if (document.errors.length > 0) {
            throw new Error(`${source}: ${document.errors[0].message}`);
          }
          const object: unknown = document.toJS();
          if (object === null || object === undefined) {
            return [];
          }
          if (!isJsonObject(object)) {
            throw new Error(`${source}: a fixture document must be an object`);
          }
          return [{ source, object }];
        },
      );
    });
}
