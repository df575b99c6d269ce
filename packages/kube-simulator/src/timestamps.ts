import { isJsonObject, JsonValue } from './json';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Any `{{...}}` token; only `now` with an optional offset is understood. */
const TOKEN = /\{\{\s*([^}]*?)\s*\}\}/g;
const NOW = /^now(?:([+-])((?:\d+[smhd])+))?$/;

/** An RFC 3339 UTC timestamp without fractional seconds: `2026-11-25T10:00:00Z`. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function offsetSeconds(amount: string): number {
  let total = 0;
  for (const [, value, unit] of amount.matchAll(/(\d+)([smhd])/g)) {
    total += Number(value) * UNIT_SECONDS[unit];
  }
  return total;
}

/**
 * Replaces relative time tokens in a string: `{{now}}`, `{{now-15m}}`, `{{now+2h}}`,
 * `{{now-3d4h}}` (units `s`, `m`, `h`, `d`, combinable) become the RFC 3339 UTC timestamp that
 * far from `now`. Throws on any other `{{...}}` token, naming it.
 */
export function resolveTimeTokens(text: string, now: Date): string {
  if (!text.includes('{{')) {
    return text;
  }
  return text.replace(TOKEN, (token: string, expression: string) => {
    const match = NOW.exec(expression);
    if (!match) {
      throw new Error(
        `unknown token ${token}: expected {{now}} or {{now±<n><unit>...}} with units s, m, h, d`,
      );
    }
    const sign = match[1] === '-' ? -1 : 1;
    const seconds = match[2] ? offsetSeconds(match[2]) : 0;
    return formatTimestamp(new Date(now.getTime() + sign * seconds * 1000));
  });
}

/**
 * A copy of a JSON value with the time tokens of every string value resolved. An unknown token
 * throws an error that names the field (`status.startTimestamp: unknown token {{nwo}}`).
 */
export function resolveTimeTokensDeep(
  value: JsonValue,
  now: Date,
  path: string = '',
): JsonValue {
  if (typeof value === 'string') {
    try {
      return resolveTimeTokens(value, now);
    } catch (error) {
      throw new Error(`${path || '<root>'}: ${(error as Error).message}`);
    }
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      resolveTimeTokensDeep(item, now, `${path}[${index}]`),
    );
  }
  if (isJsonObject(value)) {
    const result: { [key: string]: JsonValue } = {};
    for (const [key, child] of Object.entries(value)) {
      result[key] = resolveTimeTokensDeep(
        child,
        now,
        path ? `${path}.${key}` : key,
      );
    }
    return result;
  }
  return value;
}

/**
 * Where the strings holding time tokens are in a JSON value (`{{now-3m}}`, ...): each one's path
 * of keys and indexes, and the string itself.
 */
export function timeTokenPaths(
  value: JsonValue,
  path: Array<string | number> = [],
): Array<{ path: Array<string | number>; template: string }> {
  if (typeof value === 'string') {
    return value.includes('{{') ? [{ path, template: value }] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      timeTokenPaths(item, [...path, index]),
    );
  }
  if (isJsonObject(value)) {
    return Object.entries(value).flatMap(([key, child]) =>
      timeTokenPaths(child, [...path, key]),
    );
  }
  return [];
}
