// Parsing Python with web-tree-sitter. The grammar .wasm ships inside the tree-sitter-python package, so it is
// resolved through Node's module resolution (works from a clone and from an installed tarball alike).
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import type { RawFinding } from './types.js';

let parserPromise: Promise<Parser> | undefined;

/** One parser per thread: Parser.init() instantiates the wasm module, which is the expensive part. */
export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export interface ParseResult {
  tree: Tree;
  /** The first syntax error, as an E999 finding; the tree is still usable but rules are not run on it. */
  syntaxError: RawFinding | null;
}

/** Parse `source`; the caller owns the tree and must `tree.delete()` it (wasm memory is not garbage collected). */
export function parsePython(parser: Parser, source: string): ParseResult {
  const tree = parser.parse(source);
  if (tree === null) throw new Error('tree-sitter returned no tree');
  const root = tree.rootNode;
  const syntaxError = root.hasError ? describeSyntaxError(root, source) : null;
  return { tree, syntaxError };
}

/**
 * web-tree-sitter reports columns in UTF-16 code units of the JS string; findings use code points (what editors
 * and ruff show). Only astral characters (emoji, some CJK) differ, so the common case is a cheap scan.
 */
export function codePointColumn(source: string, row: number, utf16Column: number, lineStarts?: number[]): number {
  const start = lineStarts ? lineStarts[row] ?? 0 : lineStartOf(source, row);
  let surrogatePairs = 0;
  for (let i = start; i < start + utf16Column && i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) surrogatePairs++;
  }
  return utf16Column - surrogatePairs;
}

function lineStartOf(source: string, row: number): number {
  let pos = 0;
  for (let r = 0; r < row; r++) {
    const nl = source.indexOf('\n', pos);
    if (nl === -1) return source.length;
    pos = nl + 1;
  }
  return pos;
}

/** 1-based line and code-point column of a node's start, the convention of RawFinding. */
export function nodeStart(node: Node, source: string): { line: number; column: number } {
  const p = node.startPosition;
  return { line: p.row + 1, column: codePointColumn(source, p.row, p.column) + 1 };
}

export function nodeEnd(node: Node, source: string): { line: number; column: number } {
  const p = node.endPosition;
  return { line: p.row + 1, column: codePointColumn(source, p.row, p.column) + 1 };
}

/** The first thing the parser could not place, in document order: a MISSING token or an ERROR node. */
function firstErrorNode(node: Node): Node | null {
  if (node.isMissing || node.isError) return node;
  if (!node.hasError) return null;
  for (const child of node.children) {
    if (child === null) continue;
    const hit = firstErrorNode(child);
    if (hit) return hit;
  }
  return null;
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS = new Set([')', ']', '}']);
const COMPOUND = new Set(['for', 'while', 'if', 'elif', 'else', 'def', 'class', 'with', 'try', 'except', 'finally', 'async']);

function leavesOf(node: Node, out: Node[], limit: number): void {
  if (out.length >= limit) return;
  if (node.childCount === 0) {
    out.push(node);
    return;
  }
  for (const child of node.children) if (child) leavesOf(child, out, limit);
}

interface ErrorSpot {
  node: Node;
  /** Report at the node's end (just after the last token that parsed) rather than its start. */
  atEnd: boolean;
  message: string;
}

/**
 * Tree-sitter's ERROR node wraps the tokens it could not place, often with valid code before them. Bracket
 * balance inside it names the usual culprits the way Python does (an unmatched `)`, a `(` never closed); otherwise
 * the spot is just after the last token the error swallowed, where Python also points for a missing `:` or a
 * dangling operator.
 */
function errorSpot(error: Node): ErrorSpot {
  if (error.isMissing) return { node: error, atEnd: false, message: `expected \`${error.type}\`` };
  const leaves: Node[] = [];
  leavesOf(error, leaves, 5000);
  const open: Node[] = [];
  for (const leaf of leaves) {
    if (leaf.isMissing) return { node: leaf, atEnd: false, message: `expected \`${leaf.type}\`` };
    const t = leaf.type;
    if (t in OPENERS) open.push(leaf);
    else if (CLOSERS.has(t)) {
      const top = open[open.length - 1];
      if (top && OPENERS[top.type] === t) open.pop();
      else return { node: leaf, atEnd: false, message: `unmatched \`${t}\`` };
    }
  }
  if (open.length) return { node: open[0]!, atEnd: false, message: `\`${open[0]!.type}\` was never closed` };
  const first = leaves[0];
  if (first && COMPOUND.has(first.type)) {
    const header = leaves.filter((l) => l.startPosition.row === first.startPosition.row);
    if (!header.some((l) => l.type === ':')) return { node: header[header.length - 1]!, atEnd: true, message: 'expected `:`' };
  }
  const last = leaves[leaves.length - 1];
  if (!last) return { node: error, atEnd: false, message: 'invalid syntax' };
  const text = last.text.split('\n')[0]!.slice(0, 40);
  return { node: last, atEnd: true, message: text ? `invalid syntax after \`${text}\`` : 'invalid syntax' };
}

function describeSyntaxError(root: Node, source: string): RawFinding {
  const error = firstErrorNode(root) ?? root;
  const spot = errorSpot(error);
  const at = spot.atEnd ? nodeEnd(spot.node, source) : nodeStart(spot.node, source);
  return {
    code: 'E999',
    message: `SyntaxError: ${spot.message} (vecprof checks only files that parse)`,
    line: at.line,
    column: at.column,
    endLine: at.line,
    endColumn: at.column,
  };
}
