import { stringify } from 'csv-stringify/sync';

/**
 * The first characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`, tab,
 * carriage return) or start a new cell in one that splits on `,` or `;`. OWASP's CSV-injection
 * guidance: such a text is prefixed with a single quote, so it is shown as text.
 */
const FORMULA_START = /^[=+\-@\t\r,;]/;

/** `text` with a leading single quote when it starts like a formula or a separator. */
export function neutraliseCsvText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * A CSV export (RFC 4180, written by `csv-stringify`): a header row of the columns' names, then one
 * row a item; every field in double quotes (empty ones too), CRLF line ends, booleans as
 * `true`/`false`, undefined and null as empty fields, a text starting like a formula or a
 * separator neutralised (see {@link neutraliseCsvText}).
 */
export function toCsv<T>(
  columns: ReadonlyArray<readonly [string, (item: T) => unknown]>,
  items: readonly T[],
): string {
  return stringify(
    items.map(item => columns.map(([, read]) => read(item) ?? '')),
    {
      header: true,
      columns: columns.map(([name]) => name),
      quoted: true,
      quoted_empty: true,
      record_delimiter: 'windows',
      cast: {
        string: neutraliseCsvText,
        boolean: value => (value ? 'true' : 'false'),
      },
    },
  );
}
