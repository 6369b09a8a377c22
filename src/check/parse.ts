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

/**
 * Tree-sitter's ERROR node often swallows the valid statements before the real problem; skip its leading
 * children that parsed cleanly as whole statements so the position lands on the token that broke the parse.
 */
function errorPosition(error: Node): Node {
  if (error.isMissing) return error;
  for (const child of error.children) {
    if (child === null) continue;
    if (child.isError || child.isMissing || child.hasError) return errorPosition(child);
    if (!child.type.endsWith('statement') && !child.type.endsWith('definition') && child.type !== 'comment') return child;
  }
  return error;
}

function describeSyntaxError(root: Node, source: string): RawFinding {
  const error = firstErrorNode(root) ?? root;
  const at = errorPosition(error);
  const start = nodeStart(at, source);
  let message: string;
  if (at.isMissing) {
    message = `SyntaxError: expected \`${at.type}\``;
  } else {
    const text = at.text.split('\n')[0]!.trim().slice(0, 40);
    message = text ? `SyntaxError: unexpected \`${text}\`` : 'SyntaxError: invalid syntax';
  }
  return {
    code: 'E999',
    message: `${message} (vecprof checks only files that parse)`,
    line: start.line,
    column: start.column,
    endLine: start.line,
    endColumn: start.column,
  };
}
