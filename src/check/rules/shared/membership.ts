// `if held_out[u] in topk[u]`, `x in row`, `codes[i] in valid` (an array): membership of this iteration's element in an
// array is a comparison against every item of it, which NumPy does for all elements at once. Membership in a Python
// set, dict or list stays a per-element call-out.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, indicesOf, named, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';

export interface Membership {
  left: Node;
  right: Node;
  negated: boolean;
  /** The container moves with the loop (one row per element): `(B == a[:, None]).any(axis=1)`; else `np.isin(a, B)`. */
  rowwise: boolean;
}

export function arrayMembership(facts: ArrayFacts, cmp: Node, loopVars: Set<string>, elements?: ReadonlyMap<string, string>): Membership | null {
  if (cmp.type !== 'comparison_operator') return null;
  const ops = cmp.children.filter((c) => c !== null && !c.isNamed).map((c) => (c as Node).text.replace(/\s+/g, ' '));
  const [left, right] = named(cmp);
  if (ops.length !== 1 || (ops[0] !== 'in' && ops[0] !== 'not in') || !left || !right) return null;
  const uses = (n: Node): boolean => [...identifiersIn(n)].some((id) => loopVars.has(id));
  if (!uses(left)) return null;
  const r = unparen(right);
  const negated = ops[0] === 'not in';
  if (!uses(r)) return facts.valueOf(r).kind === 'array' ? { left, right: r, negated, rowwise: false } : null;
  // `topk[u]`: a row of an array picked by the counter; `row` of `for x, row in zip(a, B)`: a row of B
  if (r.type === 'identifier') return elements?.has(r.text) ? { left, right: r, negated, rowwise: true } : null;
  if (r.type !== 'subscript') return null;
  const obj = field(r, 'value');
  const idx = indicesOf(r);
  const first = idx[0] ? unparen(idx[0]) : null;
  if (!obj || uses(obj) || idx.length !== 1 || first?.type !== 'identifier' || !loopVars.has(first.text)) return null;
  return facts.valueOf(obj).kind === 'array' ? { left, right: r, negated, rowwise: true } : null;
}
