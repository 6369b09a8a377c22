// `[f(x) for x in a]`, `sum(x * x for x in a)`: element loops written as comprehensions.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, named, positionalArgs, some, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { expressionException } from './exceptions.js';
import { branchIn, describe, fallback, matmulIn, readsElements, substitution, type LoopCode, type LoopVerdict } from './judging.js';
import { classifyComprehension } from './loop.js';
import { raggedProduct } from './ragged.js';
import { npAlias, translate, usesLoopVars } from './translate.js';

const WRAPPERS: Record<string, (e: string, np: string) => string> = {
  sum: (e) => `${atom(e)}.sum()`, max: (e) => `${atom(e)}.max()`, min: (e) => `${atom(e)}.min()`,
  any: (e) => `${atom(e)}.any()`, all: (e) => `${atom(e)}.all()`, list: (e) => e, tuple: (e) => e, sorted: (e, np) => `${np}.sort(${e})`,
};

function isCallee(n: Node): boolean {
  const p = n.parent;
  return !!p && ((p.type === 'attribute' && field(p, 'attribute')?.id === n.id) || (p.type === 'keyword_argument' && field(p, 'name')?.id === n.id));
}

/** `x` in `x[i]`, `lut` in `lut[c]`: an item picked by the loop, not the whole array. */
function isIndexedByLoop(n: Node, loopVars: Set<string>): boolean {
  const p = n.parent;
  if (p?.type !== 'subscript' || field(p, 'value')?.id !== n.id) return false;
  return p.childrenForFieldName('subscript').some((i) => !!i && [...identifiersIn(i)].some((id) => loopVars.has(id)));
}

/** `w` in `x @ w`, `np.dot(x, w)`, `x.dot(w)`. */
function isProductOperand(facts: ArrayFacts, n: Node): boolean {
  const p = n.parent;
  if (p?.type === 'binary_operator' && field(p, 'operator')?.type === '@') return true;
  const call = p?.type === 'argument_list' ? p.parent : null;
  const callee = call ? field(call, 'function') : null;
  if (!callee) return false;
  const path = facts.numpyPath(callee);
  return path === 'dot' || path === 'matmul' || (callee.type === 'attribute' && field(callee, 'attribute')?.text === 'dot');
}

export function atom(e: string): string {
  return /^[A-Za-z_][\w.]*(?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])*$/.test(e) ? e : `(${e})`;
}

/** `[f(x) for x in a]`, `sum(x * x for x in a)`: the same element loop, written as a comprehension. */
export function judgeComprehension(facts: ArrayFacts, comp: Node): LoopVerdict | null {
  const shape = classifyComprehension(facts, comp);
  if (!shape) return null;
  const value = field(comp, 'body');
  const cond = named(comp).find((c) => c.type === 'if_clause');
  const condExpr = cond ? named(cond)[0] ?? null : null;
  if (!value || named(comp).filter((c) => c.type === 'if_clause').length > 1) return null;
  const loopVars = new Set([...shape.indexVars, ...shape.elements.keys()]);
  if (expressionException(facts, value, loopVars) || (condExpr && expressionException(facts, condExpr, loopVars))) return null;
  if (!readsElements(facts, shape)) return null;
  const call = comp.parent?.type === 'argument_list' ? comp.parent.parent : comp.parent?.type === 'call' ? comp.parent : null;
  const callee = call ? field(call, 'function') : null;
  const reduced = callee?.type === 'identifier' && ['sum', 'max', 'min', 'any', 'all'].includes(callee.text);
  // `[x for x in a]`, `tuple(x[i, ...] for i in …)`, `[int(v) for v in a]`: a conversion, no work per element
  const v = unparen(value);
  // (`[np.argsort(row)[:k] for row in S]` is a call per element, not a pick)
  let base: Node = v;
  while (base.type === 'subscript' && field(base, 'value')) base = unparen(field(base, 'value') as Node);
  const picks = base.type === 'identifier' || base.type === 'attribute';
  if (!reduced && picks && !condExpr) return null;
  if (!reduced && v.type === 'call' && /^(?:int|float|complex|bool|str)$/.test(field(v, 'function')?.text ?? '') && positionalArgs(v).length === 1 &&
      loopVars.has(unparen(positionalArgs(v)[0] as Node).text)) return null;
  // nested comprehensions build nested lists: leave them to a person
  if (some(value, (n) => n.type === 'list_comprehension' || n.type === 'generator_expression' || n.type === 'set_comprehension')) return null;
  // `[x == k for k in labels]`: one whole-array mask per element, already vectorized work
  // (nor is the other matrix of a per-item product, `[m @ v for m in mats]`, or a gather `[lut[c] for c in codes]`)
  if (some(value, (n) => n.type === 'identifier' && !loopVars.has(n.text) && !isCallee(n) && !isProductOperand(facts, n) &&
      !isIndexedByLoop(n, loopVars) && facts.valueOf(n).kind === 'array')) return null;
  const np = npAlias(facts);
  const sub = substitution(shape, np);
  const main = shape.arrays[0] as string;
  if (raggedProduct(facts, value, loopVars)) return null;
  const matmul = matmulIn(facts, value, sub);
  const branch = (condExpr !== null && usesLoopVars(condExpr, sub)) || branchIn(value, sub);
  const code: LoopCode = matmul ? 'VEC003' : branch ? 'VEC004' : 'VEC001';
  const t = translate(value, sub, facts);
  const c = condExpr ? translate(condExpr, sub, facts) : null;
  let fix: SuggestedFix;
  if (t !== null && (condExpr === null || c !== null)) {
    let e = c ? `${atom(t)}[${c}]` : t;
    const path = callee ? facts.numpyPath(callee) : null;
    const wrap = callee?.type === 'identifier' && Object.hasOwn(WRAPPERS, callee.text) ? WRAPPERS[callee.text] : undefined;
    if (call && wrap && positionalArgs(call).length === 1) e = wrap(e, np);
    else if (call && path !== null && positionalArgs(call).length === 1) e = path === 'array' || path === 'asarray' ? e : `${np}.${path}(${e})`;
    fix = { description: describe(code, main), replacement: e, safety: 'unsafe' };
  } else fix = fallback(code, main, np, matmul);
  const clause = named(comp).find((k) => k.type === 'for_in_clause') as Node;
  const verdict: LoopVerdict = { code, node: comp, anchor: clause, shape, arrays: [main], fix };
  if (matmul) verdict.detail = matmul.text;
  return verdict;
}
