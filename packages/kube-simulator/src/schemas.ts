import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { StatusCause } from './errors';
import { cloneJson, isJsonObject, JsonObject, JsonValue } from './json';

/** The outcome of checking an object against a structural schema. */
export interface SchemaCheck {
  /** A copy of the object with unknown fields pruned and schema defaults applied. */
  object: JsonObject;
  /** Field paths of the unknown fields that were pruned (e.g. `spec.snapshotVolume`). */
  pruned: string[];
  /** Why the object is invalid; empty when it is valid. */
  causes: StatusCause[];
}

const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One ajv instance for every schema; it caches compiled schemas and registered formats. */
const ajv = new Ajv({
  strict: false,
  allErrors: true,
  verbose: true,
  // Kubernetes patterns are Go (RE2) regular expressions, not unicode-mode JS ones.
  unicodeRegExp: false,
});
ajv.addFormat('date-time', {
  type: 'string',
  validate: value => RFC3339.test(value) && !Number.isNaN(Date.parse(value)),
});
ajv.addFormat('byte', {
  type: 'string',
  validate: value => BASE64.test(value),
});
ajv.addFormat('int32', {
  type: 'number',
  validate: value =>
    Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31,
});
ajv.addFormat('int64', { type: 'number', validate: Number.isInteger });

/**
 * Rewrites an OpenAPI v3 structural schema into one ajv understands the way the API server
 * means it: `x-kubernetes-int-or-string` becomes `anyOf: [integer, string]`, `nullable` without
 * a `type` is dropped, and formats the server does not check are accepted as they come.
 * Other `x-kubernetes-*` keywords are ignored (`strict: false`).
 */
function toAjvSchema(schema: JsonObject): JsonObject {
  const result: JsonObject = { ...schema };
  const mapSchemas = (value: JsonValue | undefined) =>
    Object.fromEntries(
      Object.entries(isJsonObject(value) ? value : {}).map(([key, child]) => [
        key,
        isJsonObject(child) ? toAjvSchema(child) : child,
      ]),
    );
  if (isJsonObject(schema.properties)) {
    result.properties = mapSchemas(schema.properties);
  }
  for (const key of ['items', 'additionalProperties', 'not']) {
    const child = schema[key];
    if (isJsonObject(child)) {
      result[key] = toAjvSchema(child);
    }
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      result[key] = branches.map(branch =>
        isJsonObject(branch) ? toAjvSchema(branch) : branch,
      );
    }
  }
  if (
    result['x-kubernetes-int-or-string'] === true &&
    result.type === undefined &&
    result.anyOf === undefined &&
    result.oneOf === undefined
  ) {
    result.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (result.nullable !== undefined && result.type === undefined) {
    delete result.nullable;
  }
  if (typeof result.format === 'string' && !ajv.formats[result.format]) {
    ajv.addFormat(result.format, true);
  }
  return result;
}

/** `spec.hooks.resources[0].name` from a JSON pointer such as `/spec/hooks/resources/0/name`. */
function fieldPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment) || !/^[A-Za-z0-9_$-]+$/.test(segment)) {
      path += `[${segment}]`;
    } else {
      path += path ? `.${segment}` : segment;
    }
  }
  return path;
}

function typeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value;
}

function render(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'object' && value !== null) {
    return `"${typeName(value)}"`;
  }
  return String(value);
}

function toCause(error: ErrorObject): StatusCause {
  const field = fieldPath(error.instancePath);
  const at = field || '<root>';
  const value = error.data;
  const params = error.params as Record<string, unknown>;
  const invalidValue = (explanation: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    field: at,
    message: `Invalid value: ${render(value)}: ${at} in body ${explanation}`,
  });
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return {
        reason: 'FieldValueRequired',
        field: field ? `${field}.${missing}` : missing,
        message: 'Required value',
      };
    }
    case 'type':
      return {
        reason: 'FieldValueInvalid',
        field: at,
        message: `Invalid value: "${typeName(
          value,
        )}": ${at} in body must be of type ${params.type}: "${typeName(
          value,
        )}"`,
      };
    case 'enum':
      return {
        reason: 'FieldValueNotSupported',
        field: at,
        message: `Unsupported value: ${render(value)}: supported values: ${(
          params.allowedValues as unknown[]
        )
          .map(allowed => JSON.stringify(allowed))
          .join(', ')}`,
      };
    case 'format':
      return invalidValue(`must be of type ${params.format}: ${render(value)}`);
    case 'pattern':
      return invalidValue(`should match '${params.pattern}'`);
    case 'minimum':
    case 'exclusiveMinimum':
      return invalidValue(
        `should be greater than ${
          error.keyword === 'minimum' ? 'or equal to ' : ''
        }${params.limit}`,
      );
    case 'maximum':
    case 'exclusiveMaximum':
      return invalidValue(
        `should be less than ${
          error.keyword === 'maximum' ? 'or equal to ' : ''
        }${params.limit}`,
      );
    case 'minLength':
      return invalidValue(`should be at least ${params.limit} chars long`);
    case 'maxLength':
      return {
        reason: 'FieldValueTooLong',
        field: at,
        message: `Too long: may not be more than ${params.limit} bytes`,
      };
    case 'minItems':
      return invalidValue(`should have at least ${params.limit} items`);
    case 'maxItems':
      return {
        reason: 'FieldValueTooMany',
        field: at,
        message: `Too many: ${(value as unknown[]).length}: must have at most ${
          params.limit
        } items`,
      };
    case 'anyOf':
    case 'oneOf': {
      const branches = error.schema as JsonObject[];
      const types = branches.map(branch => branch.type);
      return types.every(type => typeof type === 'string')
        ? {
            reason: 'FieldValueInvalid',
            field: at,
            message: `Invalid value: "${typeName(
              value,
            )}": ${at} in body must be of type ${types.join(
              ' or ',
            )}: "${typeName(value)}"`,
          }
        : invalidValue(`${error.message}`);
    }
    default:
      return invalidValue(`${error.message}`);
  }
}

/** Keeps an `anyOf`/`oneOf` failure and drops the failures of its branches. */
function withoutBranchErrors(errors: ErrorObject[]): ErrorObject[] {
  const combinators = errors
    .filter(error => error.keyword === 'anyOf' || error.keyword === 'oneOf')
    .map(error => `${error.schemaPath}/`);
  return errors.filter(
    error => !combinators.some(prefix => error.schemaPath.startsWith(prefix)),
  );
}

const EMBEDDED_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * Prunes unknown fields and applies defaults the way the API server does for a structural
 * schema: fields not in `properties` are dropped unless `additionalProperties` or
 * `x-kubernetes-preserve-unknown-fields` keeps them, `null` is dropped where the field is not
 * `nullable`, and an absent field with a `default` gets a copy of it. `apiVersion`, `kind` and
 * `metadata` are kept at the root and in embedded resources.
 */
function pruneAndDefault(
  value: JsonValue,
  schema: JsonObject | undefined,
  path: string,
  pruned: string[],
  embedded: boolean,
): JsonValue {
  if (Array.isArray(value)) {
    const items = isJsonObject(schema?.items) ? schema.items : undefined;
    return value.map((item, index) =>
      pruneAndDefault(
        item,
        items,
        `${path}[${index}]`,
        pruned,
        isEmbedded(items),
      ),
    );
  }
  if (!isJsonObject(value) || !schema) {
    return cloneJson(value);
  }
  const properties = isJsonObject(schema.properties) ? schema.properties : {};
  const additional = schema.additionalProperties;
  const preserve =
    schema['x-kubernetes-preserve-unknown-fields'] === true ||
    additional === true;
  const result: JsonObject = {};
  const childPath = (key: string) => (path ? `${path}.${key}` : key);
  for (const [key, child] of Object.entries(value)) {
    const declared = properties[key];
    let childSchema: JsonObject | undefined;
    if (isJsonObject(declared)) {
      childSchema = declared;
    } else if (isJsonObject(additional)) {
      childSchema = additional;
    }
    if (embedded && EMBEDDED_FIELDS.has(key)) {
      result[key] = cloneJson(child);
    } else if (childSchema) {
      if (child !== null || childSchema.nullable === true) {
        result[key] = pruneAndDefault(
          child,
          childSchema,
          childPath(key),
          pruned,
          isEmbedded(childSchema),
        );
      }
    } else if (preserve) {
      result[key] = cloneJson(child);
    } else {
      pruned.push(childPath(key));
    }
  }
  for (const [key, childSchema] of defaultedProperties(schema)) {
    if (result[key] === undefined) {
      result[key] = pruneAndDefault(
        childSchema.default,
        childSchema,
        childPath(key),
        pruned,
        isEmbedded(childSchema),
      );
    }
  }
  return result;
}

const defaultsCache = new WeakMap<JsonObject, Array<[string, JsonObject]>>();

/** The properties of an object schema that have a `default`, computed once per schema node. */
function defaultedProperties(schema: JsonObject): Array<[string, JsonObject]> {
  let defaulted = defaultsCache.get(schema);
  if (!defaulted) {
    const properties = isJsonObject(schema.properties) ? schema.properties : {};
    defaulted = Object.entries(properties).filter(
      (entry): entry is [string, JsonObject] =>
        isJsonObject(entry[1]) && entry[1].default !== undefined,
    );
    defaultsCache.set(schema, defaulted);
  }
  return defaulted;
}

function isEmbedded(schema: JsonObject | undefined): boolean {
  return schema?.['x-kubernetes-embedded-resource'] === true;
}

/**
 * Checks objects against one version's `openAPIV3Schema` of a CustomResourceDefinition.
 * The schema is compiled on first use and once only (some, like CloudNativePG's `Cluster`,
 * are hundreds of kilobytes).
 */
export class SchemaValidator {
  private compiled?: ValidateFunction;

  /** @param schema - the version's `schema.openAPIV3Schema`. */
  constructor(private readonly schema: JsonObject) {}

  /** Prunes, defaults and validates a copy of `object`; the argument is not changed. */
  check(object: JsonObject): SchemaCheck {
    const pruned: string[] = [];
    const result = pruneAndDefault(
      object,
      this.schema,
      '',
      pruned,
      true,
    ) as JsonObject;
    this.compiled ??= ajv.compile(toAjvSchema(this.schema));
    const causes = this.compiled(result)
      ? []
      : withoutBranchErrors(this.compiled.errors ?? []).map(toCause);
    return { object: result, pruned, causes };
  }
}
