import { badRequest } from './errors';
import { getPath, isJsonObject, JsonObject, JsonValue } from './json';

/** One requirement of a label selector, as in `k8s.io/apimachinery/pkg/labels`. */
export type LabelRequirement =
  | { key: string; operator: '=' | '!='; value: string }
  | { key: string; operator: 'in' | 'notin'; values: string[] }
  | { key: string; operator: 'exists' | '!' }
  | { key: string; operator: '>' | '<'; value: number };

type Token =
  | { kind: 'word'; text: string }
  | {
      kind: 'symbol';
      text: '!' | '=' | '==' | '!=' | '<' | '>' | ',' | '(' | ')';
    };

const SYMBOL_START = /[!=<>,()]/;

function tokenize(selector: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < selector.length) {
    const char = selector[index];
    if (/\s/.test(char)) {
      index++;
    } else if (SYMBOL_START.test(char)) {
      const pair = selector.slice(index, index + 2);
      if (pair === '==' || pair === '!=') {
        tokens.push({ kind: 'symbol', text: pair });
        index += 2;
      } else {
        tokens.push({ kind: 'symbol', text: char as '!' });
        index++;
      }
    } else {
      let end = index;
      while (
        end < selector.length &&
        !/\s/.test(selector[end]) &&
        !SYMBOL_START.test(selector[end])
      ) {
        end++;
      }
      tokens.push({ kind: 'word', text: selector.slice(index, end) });
      index = end;
    }
  }
  return tokens;
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** A lowercase RFC 1123 subdomain, as object names and label key prefixes must be. */
export const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether a label key is valid: an optional DNS subdomain prefix and `/`, then a name. */
export function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  return (
    (prefix === undefined ||
      (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))) &&
    name.length <= 63 &&
    NAME.test(name)
  );
}

/** Whether a label value is valid: empty, or up to 63 alphanumerics, `-`, `_` and `.`. */
export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && NAME.test(value));
}

function checkKey(key: string): void {
  if (!isValidLabelKey(key)) {
    throw badRequest(
      `unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(value: string): void {
  if (!isValidLabelValue(value)) {
    throw badRequest(
      `unable to parse requirement: invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

/**
 * Parses a label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * `a>1`, `a<1`, joined by commas. Throws a 400 BadRequest ApiError when it does not parse.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const tokens = tokenize(selector);
  let position = 0;
  const peek = () => tokens[position];
  const fail = (expected: string): never => {
    const found = peek();
    throw badRequest(
      `unable to parse requirement: found '${
        found?.text ?? ''
      }', expected: ${expected}`,
    );
  };
  const word = (expected: string): string => {
    const token = peek();
    if (token?.kind !== 'word') {
      return fail(expected);
    }
    position++;
    return token.text;
  };
  const symbol = (text: string): boolean => {
    const token = peek();
    if (token?.kind === 'symbol' && token.text === text) {
      position++;
      return true;
    }
    return false;
  };
  const atRequirementEnd = () =>
    position === tokens.length ||
    (peek()?.kind === 'symbol' && peek()?.text === ',');

  const requirements: LabelRequirement[] = [];
  while (position < tokens.length) {
    if (symbol('!')) {
      const key = word('identifier');
      checkKey(key);
      requirements.push({ key, operator: '!' });
    } else {
      const key = word('identifier or !');
      checkKey(key);
      const next = peek();
      if (atRequirementEnd()) {
        requirements.push({ key, operator: 'exists' });
      } else if (symbol('=') || symbol('==') || symbol('!=')) {
        const operator = next?.text === '!=' ? '!=' : '=';
        const value = atRequirementEnd() ? '' : word('identifier');
        checkValue(value);
        requirements.push({ key, operator, value });
      } else if (
        next?.kind === 'word' &&
        (next.text === 'in' || next.text === 'notin')
      ) {
        position++;
        if (!symbol('(')) {
          fail('(');
        }
        const values: string[] = [];
        while (!symbol(')')) {
          if (values.length > 0 && !symbol(',')) {
            fail(', or )');
          }
          const value = word('identifier');
          checkValue(value);
          values.push(value);
        }
        requirements.push({
          key,
          operator: next.text === 'in' ? 'in' : 'notin',
          values,
        });
      } else if (symbol('>') || symbol('<')) {
        const text = word('integer');
        if (!/^-?\d+$/.test(text)) {
          throw badRequest(
            `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: ${text}`,
          );
        }
        requirements.push({
          key,
          operator: next?.text === '>' ? '>' : '<',
          value: Number(text),
        });
      } else {
        fail('=, !=, ==, in, notin, <, > or ,');
      }
    }
    if (position < tokens.length && !symbol(',')) {
      fail(',');
    }
  }
  return requirements;
}

function unknownOperator(requirement: never): never {
  throw new Error(
    `unknown label selector operator in ${JSON.stringify(requirement)}`,
  );
}

/** Whether labels satisfy every requirement (an empty selector matches everything). */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  return requirements.every(requirement => {
    const value = labels?.[requirement.key];
    switch (requirement.operator) {
      case '=':
        return value === requirement.value;
      case '!=':
        return value !== requirement.value;
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'notin':
        return value === undefined || !requirement.values.includes(value);
      case 'exists':
        return value !== undefined;
      case '!':
        return value === undefined;
      case '>':
      case '<':
        if (value === undefined || !/^-?\d+$/.test(value)) {
          return false;
        }
        return requirement.operator === '>'
          ? Number(value) > requirement.value
          : Number(value) < requirement.value;
      default:
        return unknownOperator(requirement);
    }
  });
}

/** One term of a field selector: `field=value`, `field==value` or `field!=value`. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Fields every resource can be selected by. */
const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'];

/** The extra fields the real API lets clients select built-in kinds by (group/plural). */
const KIND_FIELDS: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
};

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let index = 0; index < selector.length; index++) {
    if (selector[index] === '\\') {
      index++;
    } else if (selector[index] === ',') {
      terms.push(selector.slice(start, index));
      start = index + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** Splits `field=value`, `field==value` or `field!=value` at the first unescaped operator. */
function splitTerm(term: string): [string, '=' | '!=', string] | undefined {
  for (let index = 0; index < term.length; index++) {
    const char = term[index];
    if (char === '\\') {
      index++;
    } else if (char === '!' && term[index + 1] === '=') {
      return [term.slice(0, index), '!=', term.slice(index + 2)];
    } else if (char === '=') {
      const width = term[index + 1] === '=' ? 2 : 1;
      return [term.slice(0, index), '=', term.slice(index + width)];
    }
  }
  return undefined;
}

/**
 * Parses a field selector (`metadata.name=x,metadata.namespace!=y`) for a resource and checks
 * that each field can be selected on it. Values may escape `,`, `=` and `!` with a backslash.
 * Throws a 400 BadRequest ApiError otherwise.
 */
export function parseFieldSelector(
  selector: string,
  resource: { group: string; plural: string },
): FieldRequirement[] {
  const supported = [
    ...COMMON_FIELDS,
    ...(KIND_FIELDS[`${resource.group}/${resource.plural}`] ?? []),
  ];
  return splitTerms(selector)
    .filter(term => term.trim() !== '')
    .map(term => {
      const parts = splitTerm(term);
      if (!parts) {
        throw badRequest(
          `invalid selector: '${selector}'; can't understand '${term}'`,
        );
      }
      const [rawField, operator, rawValue] = parts;
      const field = rawField.trim();
      if (!supported.includes(field)) {
        throw badRequest(`field label not supported: ${field}`);
      }
      return {
        field,
        operator,
        value: rawValue.trim().replace(/\\(.)/g, '$1'),
      };
    });
}

function fieldValue(object: JsonObject, field: string): string {
  const value = getPath(object, field.split('.'));
  return value === undefined ||
    value === null ||
    isJsonObject(value) ||
    Array.isArray(value)
    ? ''
    : String(value);
}

/** Whether an object satisfies every field requirement. */
export function matchesFields(
  requirements: FieldRequirement[],
  object: JsonObject,
): boolean {
  return requirements.every(requirement => {
    const equal = fieldValue(object, requirement.field) === requirement.value;
    return requirement.operator === '=' ? equal : !equal;
  });
}

/**
 * Renders a `LabelSelector` object (`matchLabels`, `matchExpressions`) as the selector string
 * the `scale` subresource reports in `status.selector`. Strings are returned as they are.
 */
export function formatLabelSelector(selector: JsonValue | undefined): string {
  if (typeof selector === 'string') {
    return selector;
  }
  if (!isJsonObject(selector)) {
    return '';
  }
  const terms: string[] = [];
  if (isJsonObject(selector.matchLabels)) {
    for (const [key, value] of Object.entries(selector.matchLabels)) {
      terms.push(`${key}=${String(value)}`);
    }
  }
  if (Array.isArray(selector.matchExpressions)) {
    for (const expression of selector.matchExpressions.filter(isJsonObject)) {
      const values = Array.isArray(expression.values)
        ? expression.values.join(',')
        : '';
      switch (expression.operator) {
        case 'In':
          terms.push(`${expression.key} in (${values})`);
          break;
        case 'NotIn':
          terms.push(`${expression.key} notin (${values})`);
          break;
        case 'Exists':
          terms.push(String(expression.key));
          break;
        case 'DoesNotExist':
          terms.push(`!${expression.key}`);
          break;
        default:
          break;
      }
    }
  }
  return terms.join(',');
}
