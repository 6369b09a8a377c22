// Matrix products of per-iteration items, rewritten for all items at once. Which rewrite is right depends on what
// one item is (a vector: a row of a 2-D array; a matrix: an item of a 3-D stack), so a product whose item shapes are
// not known is not rewritten (the rule then shows a generic hint rather than a wrong line).
import type { Node } from 'web-tree-sitter';
import { field, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { translate, usesLoopVars, type Substitution } from './translate.js';

/** Dimensions of one item (`X[i]`, `row`, `R[n].T`), when the array's shape is known. */
function itemNdim(facts: ArrayFacts, node: Node, sub: Substitution): number | undefined {
  const n = unparen(node);
  // a local of the body (`p = a[i] @ b[i]`) has the shape of an expression, not of an item
  if (n.type === 'identifier' && sub.temps.has(n.text)) return undefined;
  if (n.type !== 'subscript' && n.type !== 'identifier' && !(n.type === 'attribute' && field(n, 'attribute')?.text === 'T')) return undefined;
  const v = facts.valueOf(n);
  return v.kind === 'array' ? v.ndim : undefined;
}

function atom(t: string): string {
  return /^[A-Za-z_][\w.]*(?:\[[^\]]*\])?$/.test(t) ? t : `(${t})`;
}

/** `a @ b`, `np.dot(a, b)`, `a.dot(b)` where either side may be this iteration's item. */
export function translateDot(l: Node, r: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const lm = usesLoopVars(l, sub);
  const rm = usesLoopVars(r, sub);
  // a whole array that does not move with the loop is the other matrix of a batched product: keep it as is
  const lt = lm ? translate(l, sub, facts) : l.text;
  const rt = rm ? translate(r, sub, facts) : r.text;
  if (lt === null || rt === null) return null;
  const pairL = /^(\w[\w.]*)\[:, None\]$/.exec(lt);
  const pairR = /^(\w[\w.]*)\[None\]$/.exec(rt);
  if (pairL && pairR) return `(${pairL[1]} @ ${transposed(pairR[1] as string)})`;
  if (lt.includes('None') || rt.includes('None')) return null;
  // x_i @ W for every i is X @ W, whether the items are rows or matrices
  if (lm && !rm) return `${lt} @ ${rt}`;
  const ln = lm ? itemNdim(facts, l, sub) : undefined;
  const rn = itemNdim(facts, r, sub);
  if (!lm && rm) {
    // W @ x_i: for row vectors that is X @ W.T; for stacked matrices matmul broadcasts W
    if (rn === 1) return `${atom(rt)} @ ${transposed(lt)}`;
    return rn !== undefined && rn >= 2 ? `${lt} @ ${rt}` : null;
  }
  // operand shapes unknown: the result item decides when it can (a matrix only comes from two matrices, a scalar
  // from two vectors); otherwise matrix·vector and vector·matrix are both possible and nothing is guessed
  if (ln === undefined && rn === undefined) {
    if (!simpleItem(l) || !simpleItem(r)) return null;
    if (sub.resultItemNdim !== undefined && sub.resultItemNdim >= 2) return `${lt} @ ${rt}`;
    return sub.resultItemNdim === 0 ? `${sub.np}.einsum('ni,ni->n', ${lt}, ${rt})` : null;
  }
  if (ln === undefined || rn === undefined) return null;
  if (ln >= 2 && rn >= 2) return `${lt} @ ${rt}`;
  if (ln === 2 && rn === 1) return `${sub.np}.einsum('nij,nj->ni', ${lt}, ${rt})`;
  if (ln === 1 && rn === 2) return `${sub.np}.einsum('ni,nij->nj', ${lt}, ${rt})`;
  if (ln === 1 && rn === 1) return `${sub.np}.einsum('ni,ni->n', ${lt}, ${rt})`;
  return null;
}

function simpleItem(n: Node): boolean {
  const u = unparen(n);
  return u.type === 'identifier' || u.type === 'subscript';
}

function transposed(t: string): string {
  return t.endsWith('.T') ? t.slice(0, -2) : `${atom(t)}.T`;
}

/** `item.T`: a vector's transpose is itself; a stack of matrices swaps its last two axes. */
export function translateTranspose(obj: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const t = translate(obj, sub, facts);
  if (t === null || t.includes('None')) return null;
  const nd = itemNdim(facts, obj, sub);
  if (nd === 1) return t;
  return nd !== undefined && nd >= 2 ? `${sub.np}.swapaxes(${t}, -1, -2)` : null;
}
