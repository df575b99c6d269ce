import { InputError } from '@backstage/errors';
import {
  Document,
  isMap,
  isScalar,
  parseAllDocuments,
  Scalar,
  stringify,
  YAMLMap,
} from 'yaml';

/**
 * Which entity of a catalog file to annotate: its kind (case-insensitive) and name, and its
 * namespace when the file holds entities of the same kind and name in several namespaces.
 *
 * @public
 */
export interface EntitySelector {
  kind: string;
  name: string;
  /** Default: `default` (as for entities without `metadata.namespace`). */
  namespace?: string;
}

/**
 * The result of {@link annotateCatalogYaml}.
 *
 * @public
 */
export interface AnnotateResult {
  /** The whole file after the change. */
  text: string;
  /** Whether anything changed (false when every annotation already had its value). */
  changed: boolean;
  /** The index of the YAML document that holds the entity, from 0. */
  documentIndex: number;
  /** The annotation keys added. */
  added: string[];
  /** The annotation keys whose value changed. */
  updated: string[];
  /** Every annotation of the entity after the change. */
  annotations: Record<string, string>;
}

type Edit = { start: number; end: number; text: string };

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The offset just after the line that holds `offset` (after its newline). */
function afterLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

/** A scalar value as YAML, in the quoting of `like` when it was quoted. */
function scalarText(value: string, like?: Scalar): string {
  if (like?.type === Scalar.QUOTE_DOUBLE) {
    return JSON.stringify(value);
  }
  if (like?.type === Scalar.QUOTE_SINGLE) {
    return `'${value.replace(/'/g, "''")}'`;
  }
  // YAML 1.1 rules quote more (yes, on, 1_000): safe for every reader of the file.
  return stringify(value, { lineWidth: 0, version: '1.1' }).trimEnd();
}

function entityLabel(selector: EntitySelector) {
  return `${selector.kind}:${selector.namespace ?? 'default'}/${selector.name}`;
}

/**
 * Finds the document of the selected entity among the parsed documents.
 */
function findEntityDocument(
  docs: Document.Parsed[],
  selector: EntitySelector,
): number {
  const namespace = selector.namespace ?? 'default';
  const matches = docs
    .map((doc, index) => ({ doc, index }))
    .filter(({ doc }) => {
      const kind = doc.get('kind');
      const name = doc.getIn(['metadata', 'name']);
      const ns = doc.getIn(['metadata', 'namespace']) ?? 'default';
      return (
        typeof kind === 'string' &&
        kind.toLowerCase() === selector.kind.toLowerCase() &&
        name === selector.name &&
        ns === namespace
      );
    });
  if (matches.length === 0) {
    const found = docs
      .map(doc => `${doc.get('kind')}:${doc.getIn(['metadata', 'name'])}`)
      .filter(ref => !ref.includes('undefined'));
    throw new InputError(
      `entityRef: the file holds no entity ${entityLabel(selector)}; it holds ${
        found.length > 0 ? found.join(', ') : 'no entity'
      }`,
    );
  }
  if (matches.length > 1) {
    throw new InputError(
      `entityRef: the file holds ${matches.length} documents for ${entityLabel(
        selector,
      )} (documents ${matches.map(m => m.index + 1).join(', ')}); keep one`,
    );
  }
  return matches[0].index;
}

/**
 * Adds or updates annotations of one entity in a catalog file's text, changing nothing else: the
 * other documents, the comments, the key order and the formatting stay byte for byte. The
 * entity's document is found with the `yaml` library's document API; new keys go after the last
 * annotation (or, with no `metadata.annotations` yet, a new `annotations` map goes after the last
 * key of `metadata`), at the file's indentation; changed values keep their quoting. A
 * `metadata` or `annotations` map in flow style (`{ ... }`) is rewritten by the library as a
 * whole document instead.
 *
 * @param text - the catalog file (one or more YAML documents)
 * @param selector - the entity to annotate
 * @param annotations - the annotations to set, in the order to add them
 * @throws InputError when the text is not valid YAML, holds no such entity (or several), or the
 *   entity's `metadata` or `metadata.annotations` is not a map
 * @public
 */
export function annotateCatalogYaml(
  text: string,
  selector: EntitySelector,
  annotations: Record<string, string>,
): AnnotateResult {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) {
    throw new InputError('file: is empty; a catalog file holds YAML entities');
  }
  for (const [index, doc] of docs.entries()) {
    if (doc.errors.length > 0) {
      throw new InputError(
        `file: document ${index + 1} is not valid YAML: ${
          doc.errors[0].message
        }`,
      );
    }
  }
  const documentIndex = findEntityDocument(docs, selector);
  const doc = docs[documentIndex];
  const metadata = doc.get('metadata', true);
  if (!isMap(metadata)) {
    throw new InputError(
      `file: metadata of ${entityLabel(
        selector,
      )} is not a map; use metadata: with name: and annotations: under it`,
    );
  }
  const node = metadata.get('annotations', true);
  // `annotations:` with no value is an empty map to fill in.
  const emptyKey = isScalar(node) && node.value === null;
  const existing = isMap(node) ? node : undefined;
  if (node !== undefined && !existing && !emptyKey) {
    throw new InputError(
      `file: metadata.annotations of ${entityLabel(
        selector,
      )} is not a map; use one "key: value" line per annotation`,
    );
  }

  const added: string[] = [];
  const updated: string[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    const current = existing?.get(key, true);
    if (current === undefined) {
      added.push(key);
    } else if (!isScalar(current) || String(current.value) !== value) {
      updated.push(key);
    }
  }
  if (added.length === 0 && updated.length === 0) {
    return {
      text,
      changed: false,
      documentIndex,
      added,
      updated,
      annotations: doc.toJS().metadata.annotations,
    };
  }

  const result =
    metadata.flow || existing?.flow
      ? rewriteDocument(text, doc, annotations)
      : spliceAnnotations(text, metadata, existing, emptyKey, {
          annotations,
          added,
          updated,
        });

  // Check the edit: the same entities, with the annotations set, and nothing else changed.
  const after = parseAllDocuments(result);
  const afterDocs = Array.isArray(after) ? after : [];
  const expected = docs.map(d => d.toJS());
  expected[documentIndex] = doc.toJS();
  const target = expected[documentIndex];
  target.metadata.annotations = {
    ...(target.metadata.annotations ?? {}),
    ...annotations,
  };
  const actual = afterDocs.map(d => d.toJS());
  if (
    afterDocs.some(d => d.errors.length > 0) ||
    JSON.stringify(actual) !== JSON.stringify(expected)
  ) {
    throw new Error(
      `Internal error: annotating ${entityLabel(
        selector,
      )} did not give the expected YAML`,
    );
  }
  return {
    text: result,
    changed: true,
    documentIndex,
    added,
    updated,
    annotations: target.metadata.annotations,
  };
}

function spliceAnnotations(
  text: string,
  metadata: YAMLMap,
  existing: YAMLMap | undefined,
  emptyKey: boolean,
  change: {
    annotations: Record<string, string>;
    added: string[];
    updated: string[];
  },
): string {
  const edits: Edit[] = [];
  for (const key of change.updated) {
    const node = existing!.get(key, true) as Scalar;
    const [start, end] = node.range!;
    edits.push({
      start,
      end,
      text: scalarText(change.annotations[key], node),
    });
  }
  if (change.added.length > 0) {
    const metadataKey = metadata.items[0]?.key as Scalar | undefined;
    const metadataIndent = metadataKey?.range
      ? column(text, metadataKey.range[0])
      : 2;
    const step = metadataIndent > 0 ? metadataIndent : 2;
    if (existing && existing.items.length > 0) {
      const firstKey = existing.items[0].key as Scalar;
      const indent = ' '.repeat(column(text, firstKey.range![0]));
      const at = afterLine(text, existing.range![1] - 1);
      const lines = change.added
        .map(
          key =>
            `${indent}${scalarText(key)}: ${scalarText(
              change.annotations[key],
            )}\n`,
        )
        .join('');
      edits.push({
        start: at,
        end: at,
        text: `${at > 0 && text[at - 1] !== '\n' ? '\n' : ''}${lines}`,
      });
    } else {
      const indent = ' '.repeat(metadataIndent);
      const childIndent = ' '.repeat(metadataIndent + step);
      const lines = change.added
        .map(
          key =>
            `${childIndent}${scalarText(key)}: ${scalarText(
              change.annotations[key],
            )}\n`,
        )
        .join('');
      if (emptyKey) {
        // `annotations:` with no value: put the map in its place.
        const pair = metadata.items.find(
          p => isScalar(p.key) && p.key.value === 'annotations',
        )!;
        const keyNode = pair.key as Scalar;
        const at = afterLine(text, keyNode.range![1]);
        edits.push({
          start: lineStart(text, keyNode.range![0]),
          end: at,
          text: `${indent}annotations:\n${lines}`,
        });
      } else {
        const at = afterLine(text, metadata.range![1] - 1);
        edits.push({
          start: at,
          end: at,
          text: `${
            at > 0 && text[at - 1] !== '\n' ? '\n' : ''
          }${indent}annotations:\n${lines}`,
        });
      }
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let result = text;
  for (const edit of edits) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

/** Sets the annotations with the document API and prints that document again (flow-style maps). */
function rewriteDocument(
  text: string,
  doc: Document.Parsed,
  annotations: Record<string, string>,
): string {
  for (const [key, value] of Object.entries(annotations)) {
    doc.setIn(['metadata', 'annotations', key], value);
  }
  const [start, , end] = doc.range;
  const before = doc.commentBefore;
  // A comment before the document's start belongs to the text before it, kept as it is.
  if (before && text.slice(0, start).includes(`#${before.split('\n')[0]}`)) {
    doc.commentBefore = null;
  }
  return (
    text.slice(0, start) + doc.toString({ lineWidth: 0 }) + text.slice(end)
  );
}
