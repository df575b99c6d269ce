import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** A query parameter given once or repeated: `undefined` or a list. */
export const list = (item: z.ZodType<string>) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform(v => (v === undefined || Array.isArray(v) ? v : [v]));

/**
 * Parses `value` with `schema`.
 *
 * @throws InputError (400) naming the first bad parameter and the accepted form.
 */
export function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      `${issue.path.join('.') || 'query'}: ${issue.message}`,
    );
  }
  return result.data;
}

/** How many characters of a value an error message repeats. */
export const ECHO_LIMIT = 100;

/**
 * A value as an error message repeats it: in double quotes, cut to {@link ECHO_LIMIT}
 * characters with an ellipsis and the original length when longer, e.g.
 * `"aaaa…" (200000 characters)`.
 */
export function echo(value: string): string {
  return value.length > ECHO_LIMIT
    ? `${JSON.stringify(`${value.slice(0, ECHO_LIMIT)}…`)} (${
        value.length
      } characters)`
    : JSON.stringify(value);
}

/**
 * Checks that every value of a repeated query parameter is one of `accepted`.
 *
 * @param param - the parameter's name, e.g. `tier`
 * @param values - the values given; undefined when the parameter is absent
 * @param accepted - the accepted values, in the order the message lists them
 * @param what - what a value is, e.g. `configured tier`
 * @throws InputError (400) naming the parameter, the first bad value and the accepted values,
 *   e.g. `tier: "platinum" is not a configured tier; use one of tier-0, tier-1`
 */
export function checkOneOf(
  param: string,
  values: readonly string[] | undefined,
  accepted: readonly string[],
  what: string,
): void {
  const bad = values?.find(v => !accepted.includes(v));
  if (bad !== undefined) {
    throw new InputError(
      `${param}: ${echo(bad)} is not a ${what}; ${
        accepted.length > 0
          ? `use one of ${accepted.join(', ')}`
          : `there is none yet`
      }`,
    );
  }
}

const validators = makeValidator();

/** The accepted forms of entity ref parts, as the catalog's default validators accept them. */
const PART_FORMS = {
  kind: 'letters and digits, starting with a letter, up to 63 characters (e.g. component)',
  namespace:
    'letters, digits and -, starting and ending with a letter or digit, up to 63 characters (e.g. default)',
  name: 'letters, digits, -, _ and ., starting and ending with a letter or digit, up to 63 characters (e.g. orders-db)',
};

/**
 * Checks the kind, namespace and name of an entity ref with the catalog's default validators
 * (`makeValidator()` of `@backstage/catalog-model`).
 *
 * @param where - prefixed to the message, e.g. `owner: ` for a query parameter; empty for path
 *   segments
 * @throws InputError (400) such as `name "x' OR '1'='1" is not a valid entity name; use letters, …`
 */
export function checkEntityRefParts(
  ref: { kind: string; namespace: string; name: string },
  where = '',
): void {
  const checks: Array<[keyof typeof PART_FORMS, boolean]> = [
    ['kind', validators.isValidKind(ref.kind)],
    // Refs are case insensitive: `Default` is the namespace `default`.
    [
      'namespace',
      validators.isValidNamespace(ref.namespace.toLocaleLowerCase('en-US')),
    ],
    ['name', validators.isValidEntityName(ref.name)],
  ];
  for (const [part, valid] of checks) {
    if (!valid) {
      throw new InputError(
        `${where}${part} ${echo(
          ref[part],
        )} is not a valid entity ${part}; use ${PART_FORMS[part]}`,
      );
    }
  }
}

/**
 * The entity ref of `/entities/:kind/:namespace/:name/...` path segments, in the catalog's
 * form (`kind:namespace/name`, lower case), after checking each segment with
 * {@link checkEntityRefParts}; the catalog is not asked about a malformed segment.
 *
 * @throws InputError (400) naming the bad segment and its accepted form
 */
export function entityRefFromPath(params: {
  kind: string;
  namespace: string;
  name: string;
}): string {
  const { kind, namespace, name } = params;
  checkEntityRefParts({ kind, namespace, name });
  return stringifyEntityRef({ kind, namespace, name });
}

/**
 * Normalises owner refs given as a query parameter to the form the records carry
 * (`group:default/payments-team`): the kind defaults to `group` and the namespace to `default`,
 * as the catalog reads `spec.owner`, so `payments-team`, `group:payments-team` and
 * `Group:default/Payments-Team` are the same owner.
 *
 * @throws InputError (400) naming `param` when a value is not an entity ref or a part of it is
 *   not valid
 */
export function normalizeOwnerRefs(
  param: string,
  values: readonly string[] | undefined,
): string[] | undefined {
  return values?.map(value => {
    let ref;
    try {
      ref = parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
    } catch {
      throw new InputError(
        `${param}: ${echo(
          value,
        )} is not an entity ref; use [kind:][namespace/]name, e.g. group:default/payments-team or payments-team`,
      );
    }
    checkEntityRefParts(ref, `${param}: `);
    return stringifyEntityRef(ref);
  });
}
