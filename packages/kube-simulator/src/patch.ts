import { ApiError, badRequest } from './errors';
import {
  cloneJson,
  deepEqual,
  isJsonObject,
  JsonObject,
  JsonValue,
} from './json';

/**
 * JSON merge patch (RFC 7386): objects merge recursively, `null` removes a field, anything
 * else (arrays included) replaces. Returns a new value; the target is not changed.
 */
export function applyMergePatch(
  target: JsonValue,
  patch: JsonValue,
): JsonValue {
  if (!isJsonObject(patch)) {
    return cloneJson(patch);
  }
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key] ?? null, value);
    }
  }
  return result;
}

/** One operation of a JSON patch (RFC 6902). */
interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: JsonValue;
}

const OPERATIONS = new Set([
  'add',
  'remove',
  'replace',
  'move',
  'copy',
  'test',
]);

/** A failed operation: the patch is well formed but cannot apply to this document (422). */
function cannotApply(message: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `the server rejected our request due to an error in our request: ${message}`,
  );
}

/** The reference tokens of a JSON pointer (RFC 6901): `/a~1b/0` is `['a/b', '0']`. */
function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  if (!pointer.startsWith('/')) {
    throw badRequest(`invalid JSON pointer "${pointer}": must start with /`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map(token => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(
  token: string,
  length: number,
  allowEnd: boolean,
  pointer: string,
): number {
  if (allowEnd && token === '-') {
    return length;
  }
  if (!/^(0|[1-9]\d*)$/.test(token)) {
    throw cannotApply(`invalid array index "${token}" in path "${pointer}"`);
  }
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) {
    throw cannotApply(
      `array index ${index} out of bounds in path "${pointer}"`,
    );
  }
  return index;
}

/** The container a pointer's last token refers into, and that token. */
function parentOf(
  document: JsonValue,
  pointer: string,
): [JsonObject | JsonValue[], string] {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) {
    throw cannotApply(`path "${pointer}" refers to the whole document`);
  }
  let current: JsonValue = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) {
      current = current[arrayIndex(token, current.length, false, pointer)];
    } else if (isJsonObject(current) && Object.hasOwn(current, token)) {
      current = current[token];
    } else {
      throw cannotApply(`path "${pointer}" does not exist`);
    }
  }
  if (!Array.isArray(current) && !isJsonObject(current)) {
    throw cannotApply(
      `path "${pointer}" does not refer into an object or array`,
    );
  }
  return [current, tokens[tokens.length - 1]];
}

function read(document: JsonValue, pointer: string): JsonValue {
  if (pointer === '') {
    return document;
  }
  const [parent, token] = parentOf(document, pointer);
  if (Array.isArray(parent)) {
    return parent[arrayIndex(token, parent.length, false, pointer)];
  }
  if (!Object.hasOwn(parent, token)) {
    throw cannotApply(`path "${pointer}" does not exist`);
  }
  return parent[token];
}

function add(
  document: JsonValue,
  pointer: string,
  value: JsonValue,
): JsonValue {
  if (pointer === '') {
    return value;
  }
  const [parent, token] = parentOf(document, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(token, parent.length, true, pointer), 0, value);
  } else {
    parent[token] = value;
  }
  return document;
}

function remove(document: JsonValue, pointer: string): JsonValue {
  const [parent, token] = parentOf(document, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(token, parent.length, false, pointer), 1);
  } else if (Object.hasOwn(parent, token)) {
    delete parent[token];
  } else {
    throw cannotApply(`path "${pointer}" does not exist`);
  }
  return document;
}

function parseOperations(patch: JsonValue): Operation[] {
  if (!Array.isArray(patch)) {
    throw badRequest('a JSON patch must be an array of operations');
  }
  return patch.map((operation, index) => {
    if (
      !isJsonObject(operation) ||
      typeof operation.op !== 'string' ||
      !OPERATIONS.has(operation.op) ||
      typeof operation.path !== 'string'
    ) {
      throw badRequest(
        `JSON patch operation ${index} needs a known "op" and a "path"`,
      );
    }
    if (
      (operation.op === 'move' || operation.op === 'copy') &&
      typeof operation.from !== 'string'
    ) {
      throw badRequest(
        `JSON patch operation ${index} (${operation.op}) needs "from"`,
      );
    }
    if (
      (operation.op === 'add' ||
        operation.op === 'replace' ||
        operation.op === 'test') &&
      !Object.hasOwn(operation, 'value')
    ) {
      throw badRequest(
        `JSON patch operation ${index} (${operation.op}) needs "value"`,
      );
    }
    return operation as unknown as Operation;
  });
}

/**
 * JSON patch (RFC 6902): `add`, `remove`, `replace`, `move`, `copy` and `test`, applied in
 * order and atomically. Returns a new document; the target is not changed. A malformed patch
 * is a 400 BadRequest ApiError, an operation that cannot apply (missing path, failed `test`)
 * a 422.
 */
export function applyJsonPatch(target: JsonValue, patch: JsonValue): JsonValue {
  let document = cloneJson(target);
  for (const operation of parseOperations(patch)) {
    const { path } = operation;
    switch (operation.op) {
      case 'add':
        document = add(document, path, cloneJson(operation.value ?? null));
        break;
      case 'remove':
        document = remove(document, path);
        break;
      case 'replace':
        read(document, path);
        document =
          path === ''
            ? cloneJson(operation.value ?? null)
            : add(
                remove(document, path),
                path,
                cloneJson(operation.value ?? null),
              );
        break;
      case 'move': {
        const from = operation.from ?? '';
        if (path.startsWith(`${from}/`)) {
          throw cannotApply(
            `cannot move "${from}" into its own child "${path}"`,
          );
        }
        const value = read(document, from);
        document = add(remove(document, from), path, value);
        break;
      }
      case 'copy':
        document = add(
          document,
          path,
          cloneJson(read(document, operation.from ?? '')),
        );
        break;
      case 'test':
        if (!deepEqual(read(document, path), operation.value)) {
          throw cannotApply(`test operation failed at path "${path}"`);
        }
        break;
      default:
        throw badRequest(
          `unknown JSON patch operation ${JSON.stringify(operation)}`,
        );
    }
  }
  return document;
}
