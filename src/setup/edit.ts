// Surgical text edits of a YAML file through the source offsets of its parsed nodes: replace one
// scalar, insert block-sequence items beside their siblings (copying their indentation), add a key
// to a block mapping. Everything not edited keeps its bytes: comments, quoting, key order and the
// file's own indentation style, so the diff a user reviews shows only what kaudit changes.
import { isMap, isSeq, stringify, type Node, type YAMLMap } from 'yaml';
import { UserError } from '../cli/errors.js';

export interface TextEdit {
  /** Offset in the original text. */
  at: number;
  /** Characters removed from `at`. */
  remove: number;
  insert: string;
}

/** Applies edits given against the original text (later offsets first, so earlier ones stay valid). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.at - a.e.at || b.i - a.i)
    .map((x) => x.e);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.at) + e.insert + out.slice(e.at + e.remove);
  return out;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline that ends the line containing `offset` (or the end of the text). */
function afterLine(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** Offset after the last line of a node's content (its trailing comment included, its trailing blank lines not). */
function afterNode(text: string, node: Node): number {
  const range = node.range;
  if (!range) throw new Error('node without source range');
  let end = range[1];
  while (end > range[0] && /\s/.test(text[end - 1])) end--;
  return afterLine(text, Math.max(end - 1, range[0]));
}

/** A single-line YAML scalar for a string (plain when YAML reads it back as the same string). */
export function scalarText(value: string): string {
  const s = stringify(value, { lineWidth: 0 }).trimEnd();
  if (s.includes('\n')) return JSON.stringify(value);
  return s;
}

/** Renders a value as block YAML lines (no trailing newline), e.g. a volume mapping. */
function blockLines(value: unknown): string[] {
  return stringify(value, { lineWidth: 0, indent: 2 }).trimEnd().split('\n');
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function layoutError(where: string): UserError {
  return new UserError(
    `${where} is written in a layout kaudit does not edit automatically (flow style or items sharing a line); apply the changes printed by \`kaudit setup apiserver\` without --manifest by hand.`,
  );
}

/** The text before an item on its line (`    - `), when the item is a block-sequence entry of its own. */
function itemPrefix(text: string, item: Node, where: string): string {
  const start = item.range?.[0];
  if (start === undefined) throw layoutError(where);
  const prefix = text.slice(lineStart(text, start), start);
  if (!/^[ ]*-[ ]+$/.test(prefix)) throw layoutError(where);
  return prefix;
}

/** Replaces the source text of a scalar node with a new scalar value. */
export function replaceScalar(text: string, node: Node, value: string): TextEdit {
  const range = node.range;
  if (!range) throw new Error('node without source range');
  return { at: range[0], remove: range[1] - range[0], insert: scalarText(value) };
}

/**
 * Inserts `values` as new items of a block sequence. `before` puts them just above an existing
 * item (keeping a sorted flag list sorted); otherwise they go after the last item.
 */
export function insertSeqItems(
  text: string,
  seq: Node,
  values: unknown[],
  where: string,
  before?: Node,
): TextEdit {
  if (!isSeq(seq) || seq.flow || seq.items.length === 0) throw layoutError(where);
  const eol = eolOf(text);
  const anchor = (before ?? seq.items[seq.items.length - 1]) as Node;
  const prefix = itemPrefix(text, anchor, where);
  const pad = ' '.repeat(prefix.length);
  const lines: string[] = [];
  for (const v of values) {
    const body = typeof v === 'string' ? [scalarText(v)] : blockLines(v);
    body.forEach((l, i) => lines.push((i === 0 ? prefix : pad) + l));
  }
  const block = lines.join(eol) + eol;
  if (before) return { at: lineStart(text, before.range![0]), remove: 0, insert: block };
  const at = afterNode(text, anchor);
  // A file without a final newline: start the new items on a line of their own.
  return { at, remove: 0, insert: (at === text.length && !text.endsWith('\n') ? eol : '') + block };
}

/** Adds `key:` with a block sequence of `values` at the end of a block mapping. */
export function addSeqKey(
  text: string,
  map: YAMLMap,
  key: string,
  values: unknown[],
  where: string,
): TextEdit {
  if (!isMap(map) || map.flow || map.items.length === 0) throw layoutError(where);
  const eol = eolOf(text);
  const firstKey = map.items[0].key as Node | null;
  const keyStart = firstKey?.range?.[0];
  if (keyStart === undefined) throw layoutError(where);
  const indent = ' '.repeat(keyStart - lineStart(text, keyStart));
  // Same sequence style as the file's other lists under this mapping: kubeadm writes `- ` at the
  // key's own indentation.
  const lines = [`${indent}${key}:`];
  for (const v of values) {
    const body = typeof v === 'string' ? [scalarText(v)] : blockLines(v);
    body.forEach((l, i) => lines.push(`${indent}${i === 0 ? '- ' : '  '}${l}`));
  }
  const at = afterNode(text, map);
  const lead = at === text.length && !text.endsWith('\n') ? eol : '';
  return { at, remove: 0, insert: lead + lines.join(eol) + eol };
}
