// Three nested loops whose innermost one reduces (`C[i, j] += A[i, k] * B[k, j]`): a product of every pair of a row
// and a column, the textbook matrix multiply. Reported once, as VEC002 at the outer loop (never at the middle one).
import type { Node } from 'web-tree-sitter';
import { field, indicesOf, some, statements, stmtExpr, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { exceptionOf } from './exceptions.js';
import type { LoopVerdict } from './judging.js';
import { classifyLoop, type LoopShape } from './loop.js';
import { npAlias } from './translate.js';

const isLoop = (n: Node): boolean => n.type === 'for_statement' || n.type === 'while_statement';

export function judgeTriple(facts: ArrayFacts, outer: LoopShape, middle: LoopShape, outerVars: Set<string>): LoopVerdict | null {
  const stmts = statements(middle.body);
  const loops = stmts.filter(isLoop);
  if (loops.length !== 1) return null;
  const innerNode = loops[0] as Node;
  const vars2 = new Set([...outerVars, ...middle.indexVars, ...middle.elements.keys()]);
  const inner = classifyLoop(facts, innerNode, vars2);
  if (!inner || some(inner.body, (n) => n !== inner.body && isLoop(n)) || exceptionOf(facts, inner, vars2)) return null;
  // around the innermost loop: at most `s = 0` before it and `C[i, j] = s` after it
  const before = stmts.slice(0, stmts.indexOf(innerNode));
  const after = stmts.slice(stmts.indexOf(innerNode) + 1);
  if (before.length > 1 || after.length > 1) return null;
  const init = before[0] ? stmtExpr(before[0]) : null;
  const scalar = init?.type === 'assignment' && field(init, 'left')?.type === 'identifier' && /^0(?:\.0*)?$/.test(field(init, 'right')?.text ?? '')
    ? (field(init, 'left') as Node).text : null;
  if (before.length === 1 && scalar === null) return null;
  const store = after[0] ? stmtExpr(after[0]) : null;
  if (after.length === 1 && !(store?.type === 'assignment' && scalar !== null && field(store, 'right')?.text === scalar && field(store, 'left')?.type === 'subscript')) return null;
  // the innermost body only accumulates, into C[i, j] or into the scalar
  const body = statements(inner.body).map(stmtExpr);
  if (body.length === 0 || !body.every((e) => e.type === 'augmented_assignment' && ['+=', '-='].includes(field(e, 'operator')?.text ?? '') &&
      (field(e, 'left')?.text === scalar || field(e, 'left')?.type === 'subscript'))) return null;
  const target = store ? (field(store, 'left') as Node) : field(body[0] as Node, 'left');
  const [i, j, k] = [single(outer.indexVars), single(middle.indexVars), single(inner.indexVars)];
  if (!target || !i || !j || !k || indexNames(target).join(',') !== `${i},${j}`) return null;
  const product = body.length === 1 ? matmulOf(field(body[0] as Node, 'right') as Node, i, j, k) : null;
  if (!product) return null;
  const name = field(target, 'value')?.text as string;
  const np = npAlias(facts);
  // `s = 0.0 … C[i, j] = s` stores a fresh sum; `C[i, j] += …` adds to what C held (zeros, usually)
  const zeroed = store !== null || startsAtZero(outer.node, name, np);
  const op = field(body[0] as Node, 'operator')?.text === '-=' ? '-' : '+';
  const replacement = zeroed ? `${name} = ${op === '-' ? '-' : ''}${product.text}` : `${name} ${op}= ${product.text}`;
  const fix: SuggestedFix = { description: `one matrix product instead of a triple loop over rows of ${product.a} and columns of ${product.b}`, replacement, safety: 'unsafe' };
  return { code: 'VEC002', node: outer.node, anchor: outer.node, shape: outer, arrays: [product.a, product.b], fix, detail: 'rows and columns' };
}

function single(vars: Set<string>): string | null {
  return vars.size === 1 ? (vars.values().next().value as string) : null;
}

function indexNames(sub: Node): string[] {
  if (sub.type !== 'subscript') return [];
  return indicesOf(sub).map((c) => unparen(c).text);
}

/** `A[i, k] * B[k, j]` (either order, either layout) → `A @ B`, `A.T @ B`, `A @ B.T`. */
function matmulOf(expr: Node, i: string, j: string, k: string): { text: string; a: string; b: string } | null {
  const e = unparen(expr);
  if (e.type !== 'binary_operator' || field(e, 'operator')?.type !== '*') return null;
  const sides = [unparen(field(e, 'left') as Node), unparen(field(e, 'right') as Node)];
  const withI = sides.find((s) => indexNames(s).includes(i));
  const withJ = sides.find((s) => s !== withI && indexNames(s).includes(j));
  if (!withI || !withJ) return null;
  const nameOf = (s: Node): string | null => {
    const name = field(s, 'value')?.text;
    return name && /^[\w.]+$/.test(name) ? name : null;
  };
  const [a, b] = [nameOf(withI), nameOf(withJ)];
  const [ia, ib] = [indexNames(withI).join(','), indexNames(withJ).join(',')];
  const left = ia === `${i},${k}` ? a : ia === `${k},${i}` ? `${a}.T` : null;
  const right = ib === `${k},${j}` ? b : ib === `${j},${k}` ? `${b}.T` : null;
  if (!a || !b || !left || !right) return null;
  return { text: `${left} @ ${right}`, a, b };
}

/** `C = np.zeros(...)` right before the loop: the sum starts at zero, so the product replaces it. */
function startsAtZero(loop: Node, name: string, np: string): boolean {
  let prev = loop.previousNamedSibling;
  while (prev && prev.type === 'comment') prev = prev.previousNamedSibling;
  const e = prev ? stmtExpr(prev) : null;
  if (!e || e.type !== 'assignment' || field(e, 'left')?.text !== name) return false;
  const v = field(e, 'right')?.text ?? '';
  return v.startsWith(`${np}.zeros`) || v.startsWith('zeros(');
}
