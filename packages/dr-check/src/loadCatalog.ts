import fs from 'fs';
import {
  Entity,
  entitySchemaValidator,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  DrCheckInputError,
  describeYamlError,
  isRecord,
  listFiles,
  readYamlFile,
} from './files';

/**
 * One catalog entity read from a file.
 */
export interface CatalogEntry {
  /** The entity as written. */
  entity: Entity;
  /** Its reference, `kind:namespace/name` with the kind in lower case, e.g. `component:default/orders-db`. */
  entityRef: string;
  /** The file it was read from, as given on the command line plus the path inside a folder. */
  file: string;
  /** The 1-based line its document starts on. */
  line: number;
  /**
   * Why the entity does not pass the catalog's entity schema (e.g. an annotation value that is not
   * a string); undefined when it does. The catalog would not ingest such an entity.
   */
  schemaError?: string;
}

/**
 * The entities of the catalog files, in file and document order, and what was skipped.
 */
export interface LoadedCatalog {
  entries: CatalogEntry[];
  /** One line per skipped document or duplicate entity, `file:line: why`. */
  warnings: string[];
}

const validateEntity = entitySchemaValidator();

// The files read in a `--catalog` folder (and kept of a glob's matches).
const CATALOG_EXTENSIONS = ['.yaml', '.yml'];

/**
 * Reads catalog entities from YAML files and folders (searched recursively for `*.yaml` and
 * `*.yml`), as `catalog-info.yaml` files hold them: several documents a file. `Location` entities
 * are read like any other; their targets are not followed.
 *
 * A path that does not exist but holds glob characters (`*`, `?`, `[...]`, `{a,b}`) is expanded
 * as a glob (`fs.globSync`), for a pattern the shell did not expand (quoted, or matching nothing).
 *
 * A document without `kind` and `metadata.name` is not an entity: it is skipped with a warning.
 * An entity that fails the catalog's entity schema is kept with `schemaError` set. The second
 * entity with a reference already seen is skipped with a warning.
 *
 * @param paths - files, folders or glob patterns, as given to `--catalog`
 * @throws DrCheckInputError when a path does not exist, a glob matches no file, a path holds no
 *   entity (an empty file, a folder without `*.yaml`/`*.yml` files, documents that are not
 *   entities), a file cannot be read, or a file is not valid YAML (`file:line:column: message`):
 *   a catalog that cannot be read, or that is empty, cannot pass the gate
 */
export function loadCatalog(paths: readonly string[]): LoadedCatalog {
  const entries: CatalogEntry[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, CatalogEntry>();
  for (const root of paths) {
    const files = expandGlob(root).flatMap(match =>
      listFiles(match, CATALOG_EXTENSIONS, '--catalog'),
    );
    let found = 0;
    for (const file of files) {
      const result = readYamlFile(file);
      if (!result.ok) {
        throw new DrCheckInputError(
          `--catalog ${describeYamlError(file, result)}`,
        );
      }
      for (const { value, line } of result.documents) {
        const metadata = isRecord(value) ? value.metadata : undefined;
        if (
          !isRecord(value) ||
          typeof value.kind !== 'string' ||
          !isRecord(metadata) ||
          typeof metadata.name !== 'string'
        ) {
          warnings.push(
            `${file}:${line}: not a catalog entity (it needs kind and metadata.name); skipped`,
          );
          continue;
        }
        found += 1;
        const entity = value as unknown as Entity;
        const entityRef = stringifyEntityRef(entity);
        const previous = seen.get(entityRef);
        if (previous) {
          warnings.push(
            `${file}:${line}: ${entityRef} is also defined at ${previous.file}:${previous.line}; the first one is used`,
          );
          continue;
        }
        let schemaError: string | undefined;
        try {
          validateEntity(entity);
        } catch (error) {
          schemaError = (error as Error).message;
        }
        const entry = { entity, entityRef, file, line, schemaError };
        seen.set(entityRef, entry);
        entries.push(entry);
      }
    }
    if (found === 0) {
      throw new DrCheckInputError(`--catalog ${root}: ${describeEmpty(files)}`);
    }
  }
  return { entries, warnings };
}

// Characters that make a path a glob pattern, as fs.globSync reads it.
const GLOB_CHARACTERS = /[*?[\]{}]/;

/**
 * The paths a `--catalog` value names: itself when it exists or is not a glob pattern, else the
 * folders and `*.yaml`/`*.yml` files the pattern matches, sorted.
 *
 * @throws DrCheckInputError when a glob pattern matches no path
 */
function expandGlob(root: string): string[] {
  if (!GLOB_CHARACTERS.test(root) || fs.existsSync(root)) {
    return [root];
  }
  const matches = fs.globSync(root).sort();
  if (matches.length > 0) {
    return matches.filter(
      match =>
        CATALOG_EXTENSIONS.some(ext => match.endsWith(ext)) ||
        fs.statSync(match).isDirectory(),
    );
  }
  throw new DrCheckInputError(
    `--catalog ${root}: matched no file; give catalog YAML files or folders, e.g. --catalog catalog-info.yaml`,
  );
}

/** Why the files of a `--catalog` value hold no entity, e.g. `holds no entities: ...`. */
function describeEmpty(files: readonly string[]): string {
  if (files.length === 0) {
    return 'holds no entities: there is no .yaml or .yml file in it';
  }
  return files.length === 1
    ? 'holds no entities: the file is empty or holds no document with kind and metadata.name'
    : `holds no entities: its ${files.length} files are empty or hold no document with kind and metadata.name`;
}
