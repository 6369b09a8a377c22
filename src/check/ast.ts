// Small helpers over web-tree-sitter nodes, shared by arrays.ts and the rules. Every call into a node crosses
// into wasm, so these helpers read as little as they can and never walk a whole file.
import type { Node } from 'web-tree-sitter';
import type { RawFinding } from './types.js';

/** 1-based line and code-point column (what editors and ruff show) of a UTF-16 position inside `source`. */
function pointAt(source: string, row: number, utf16Column: number, index: number): { line: number; column: number } {
  let pairs = 0;
  for (let i = index - utf16Column; i < index; i++) {
    const c = source.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) pairs++;
  }
  return { line: row + 1, column: utf16Column - pairs + 1 };
}

/** The position fields of a RawFinding for `node` (start and end). */
export function spanOf(node: Node, source: string): Pick<RawFinding, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const s = node.startPosition;
  const e = node.endPosition;
  const start = pointAt(source, s.row, s.column, node.startIndex);
  const end = pointAt(source, e.row, e.column, node.endIndex);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** The span of just the first line of `node` (a loop's header), so a code frame does not print the whole body. */
export function headerSpanOf(node: Node, source: string): Pick<RawFinding, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const span = spanOf(node, source);
  const colon = headerColon(node);
  if (colon) {
    const end = spanOf(colon, source);
    return { ...span, endLine: end.endLine, endColumn: end.endColumn };
  }
  return span;
}

/** The `:` that ends a compound statement's header (a comment may sit between it and the body). */
export function headerColon(node: Node): Node | null {
  const body = node.childForFieldName('body');
  let c = body?.previousSibling ?? null;
  while (c && c.type !== ':') c = c.previousSibling;
  return c;
}

export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** The index expressions of a subscript (`i, j` in `a[i, j]`), comments dropped. */
export function indicesOf(sub: Node): Node[] {
  return sub.childrenForFieldName('subscript').filter((c): c is Node => c !== null && c.type !== 'comment');
}

export function field(node: Node, name: string): Node | null {
  return node.childForFieldName(name);
}

/** `np.linalg.norm` for an attribute chain of identifiers, the identifier's name, else null. */
export function dottedName(node: Node | null): string | null {
  if (!node) return null;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const obj = dottedName(field(node, 'object'));
    const attr = field(node, 'attribute');
    return obj && attr ? `${obj}.${attr.text}` : null;
  }
  return null;
}

/** Positional (non-keyword) arguments of a call. */
export function positionalArgs(call: Node): Node[] {
  const args = field(call, 'arguments');
  if (!args || args.type !== 'argument_list') return [];
  return named(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

/** The value of keyword argument `name=` of a call, if given. */
export function keywordArg(call: Node, name: string): Node | null {
  const args = field(call, 'arguments');
  if (!args || args.type !== 'argument_list') return null;
  for (const a of named(args)) {
    if (a.type === 'keyword_argument' && field(a, 'name')?.text === name) return field(a, 'value');
  }
  return null;
}

export function hasSplat(call: Node): boolean {
  const args = field(call, 'arguments');
  return !!args && named(args).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat');
}

/** Strip redundant parentheses: `(a + b)` → `a + b`. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = named(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

const SCOPE_TYPES = new Set(['function_definition', 'lambda', 'class_definition']);

/**
 * Visit `node` and its named descendants depth-first. Return false from `visit` to skip a node's children.
 * Nested functions, lambdas and classes are skipped unless `intoScopes` is set: they run later, not per iteration.
 */
export function walk(node: Node, visit: (n: Node) => boolean | void, intoScopes = false): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (visit(n) === false) continue;
    if (!intoScopes && n !== node && SCOPE_TYPES.has(n.type)) continue;
    const kids = n.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i];
      if (k && k.type !== 'comment') stack.push(k);
    }
  }
}

/** True when some descendant satisfies `pred` (same scope rules as walk). */
export function some(node: Node, pred: (n: Node) => boolean): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (pred(n)) found = true;
    return !found;
  });
  return found;
}

/** Identifier names read or written anywhere inside `node` (same scope). */
export function identifiersIn(node: Node): Set<string> {
  const out = new Set<string>();
  walk(node, (n) => {
    if (n.type === 'identifier') out.add(n.text);
    // `a.b`: only the object is a name in this scope; the attribute is not
    if (n.type === 'attribute') {
      const obj = field(n, 'object');
      if (obj) walk(obj, (m) => { if (m.type === 'identifier') out.add(m.text); });
      return false;
    }
    if (n.type === 'keyword_argument') {
      const v = field(n, 'value');
      if (v) for (const id of identifiersIn(v)) out.add(id);
      return false;
    }
    return true;
  });
  return out;
}

/** Statements of a block, comments dropped. */
export function statements(block: Node | null): Node[] {
  return block ? named(block) : [];
}

/** The expression inside an expression_statement, or the statement itself. */
export function stmtExpr(stmt: Node): Node {
  if (stmt.type === 'expression_statement') {
    const kids = named(stmt);
    if (kids.length === 1 && kids[0]) return kids[0];
  }
  return stmt;
}

/** A literal integer's value (`3`, `1_000`, `-2`), else null. */
export function intLiteral(node: Node | null): number | null {
  if (!node) return null;
  const n = unparen(node);
  if (n.type === 'integer') {
    const v = Number(n.text.replace(/_/g, '').toLowerCase().replace(/l$/, ''));
    return Number.isFinite(v) ? v : null;
  }
  if (n.type === 'unary_operator' && n.text.startsWith('-')) {
    const inner = intLiteral(field(n, 'argument'));
    return inner === null ? null : -inner;
  }
  return null;
}

/** Does `node` contain the source position `index` (UTF-16 offset)? */
export function contains(node: Node, index: number): boolean {
  return node.startIndex <= index && index < node.endIndex;
}

const NESTED_SCOPES = new Set(['function_definition', 'class_definition', 'decorated_definition']);

/**
 * The simple statements of a block in document order, descending into compound statements (if/for/while/try/with
 * and their clauses) but not into nested functions or classes. Assignments come out as the assignment node itself;
 * `for` statements come out too (their targets bind names), followed by their bodies.
 */
export function statementsIn(block: Node): Node[] {
  const out: Node[] = [];
  const visit = (b: Node): void => {
    for (const s of b.namedChildren) {
      if (!s || s.type === 'comment' || NESTED_SCOPES.has(s.type)) continue;
      if (s.type === 'expression_statement') {
        const e = s.namedChildren[0];
        if (e && (e.type === 'assignment' || e.type === 'augmented_assignment')) out.push(e);
        continue;
      }
      if (s.type === 'for_statement') out.push(s);
      for (const c of s.namedChildren) {
        if (!c) continue;
        if (c.type === 'block') visit(c);
        else if (c.type.endsWith('_clause')) for (const cc of c.namedChildren) if (cc?.type === 'block') visit(cc);
      }
    }
  };
  visit(block);
  return out;
}
