// What the names of a `for` target hold when the loop walks arrays: `for x in a`, `for i, x in enumerate(a)`,
// `for x, y in zip(a, b)`, and every nesting of them with tuple unpacking (`for k, (f, s) in enumerate(zip(a, b))`,
// `for x1, y1, x2, y2 in boxes`, whose names are the columns of `boxes`).
import type { Node } from 'web-tree-sitter';
import { dottedName, field, intLiteral, keywordArg, named, positionalArgs, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { Value } from '../../values.js';

export const SMALL = 100;

/** What one iteration binds: element names → the whole-array text they stand for, index names, row names. */
export interface Bound {
  arrays: string[];
  elements: Map<string, string>;
  indexVars: Set<string>;
  rows: Set<string>;
  /** An `enumerate(…, start)` counter that does not start at 0 (no exact slice rewrite). */
  offsetCounter: boolean;
}

const PATTERNS = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list']);

/** Provably fewer than SMALL elements in all (a few big rows are not small: `rand(64, 512, 512)`). */
export function isSmallArray(v: Pick<Value, 'len0' | 'ndim' | 'size'>): boolean {
  if (v.len0 === undefined || v.len0 >= SMALL) return false;
  return v.ndim === 1 || (v.size !== undefined && v.size < SMALL);
}

export function isSmall(facts: ArrayFacts, node: Node): boolean {
  return isSmallArray(facts.valueOf(node));
}

/**
 * Binds `target` to what `iter` yields when everything iterated is a (not provably small) array; null otherwise.
 * `for x in a` itself is left to the caller (it has special cases of its own) unless the target unpacks.
 */
export function bindIteration(facts: ArrayFacts, target: Node, iter: Node): Bound | null {
  const out: Bound = { arrays: [], elements: new Map(), indexVars: new Set(), rows: new Set(), offsetCounter: false };
  return bind(facts, unparen(target), unparen(iter), out) ? out : null;
}

function parts(target: Node): Node[] | null {
  if (!PATTERNS.has(target.type)) return null;
  const items = named(target).map(unparen);
  // `for first, *rest in rows`: the starred name is a list, not an element
  return items.some((t) => t.type === 'list_splat_pattern' || t.type === 'list_splat') ? null : items;
}

function bind(facts: ArrayFacts, target: Node, iter: Node, out: Bound): boolean {
  const callee = iter.type === 'call' ? dottedName(field(iter, 'function')) : null;
  if (callee === 'enumerate') {
    const args = positionalArgs(iter);
    const names = parts(target);
    const idx = names?.[0];
    if (!names || names.length !== 2 || !idx || idx.type !== 'identifier' || !args[0] || args.length > 2) return false;
    const start = args[1] ?? keywordArg(iter, 'start');
    if (start && intLiteral(start) !== 0) out.offsetCounter = true;
    out.indexVars.add(idx.text);
    return bind(facts, names[1] as Node, unparen(args[0]), out);
  }
  if (callee === 'zip') {
    const args = positionalArgs(iter);
    const names = parts(target);
    const argList = field(iter, 'arguments');
    // `zip(*cols)`: how many, and what, is not known
    if (!names || !argList || named(argList).some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return false;
    if (args.length < 2 || names.length !== args.length) return false;
    return args.every((a, k) => bind(facts, names[k] as Node, unparen(a), out));
  }
  const v = facts.valueOf(iter);
  if (v.kind !== 'array' || isSmallArray(v)) return false;
  // `for c in np.unique(labels)`: a loop over categories, each iteration a whole-array mask
  if (iter.type === 'call' && facts.numpyPath(field(iter, 'function') as Node) === 'unique') return false;
  const text = iter.type === 'attribute' && field(iter, 'attribute')?.text === 'flat' ? (field(iter, 'object') as Node).text : iter.text;
  if (!out.arrays.includes(text)) out.arrays.push(text);
  if (target.type === 'identifier') {
    out.elements.set(target.text, text);
    if (v.ndim !== undefined && v.ndim >= 2) out.rows.add(target.text);
    return true;
  }
  // `for x1, y1, x2, y2 in boxes`: each name is one column of the 2-D array (scalars of a 1-D one do not unpack)
  const names = parts(target);
  if (!names || names.length < 2 || v.ndim === 1 || names.some((t) => t.type !== 'identifier')) return false;
  const base = /^[A-Za-z_][\w.]*$/.test(text) ? text : `(${text})`;
  names.forEach((t, k) => {
    out.elements.set(t.text, `${base}[:, ${k}]`);
    if (v.ndim !== undefined && v.ndim >= 3) out.rows.add(t.text);
  });
  return true;
}
