// One verdict per loop, the most specific rule winning: VEC002 (pairs) > VEC003 (matmul per item) >
// VEC004 (branch per element) > VEC001 (element loop). Computed once per file and shared by the four rules.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, named, positionalArgs, some, statements, statementsIn, stmtExpr, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { exceptionOf, expressionException } from './exceptions.js';
import { rewriteBody } from './fix.js';
import { classifyComprehension, classifyLoop, type LoopShape } from './loop.js';
import { npAlias, translate, usesLoopVars, type Substitution } from './translate.js';

export type LoopCode = 'VEC001' | 'VEC002' | 'VEC003' | 'VEC004';

export interface LoopVerdict {
  code: LoopCode;
  /** The loop statement, or the comprehension. */
  node: Node;
  /** Where the finding points: the loop statement, or a comprehension's `for` clause. */
  anchor: Node;
  shape: LoopShape;
  /** The main array (and, for pairs, the second one). */
  arrays: string[];
  fix: SuggestedFix;
  /** Why a pair loop or matmul loop was recognised: used in messages. */
  detail?: string;
}

const memo = new WeakMap<ArrayFacts, LoopVerdict[]>();

export function loopVerdicts(facts: ArrayFacts): LoopVerdict[] {
  const hit = memo.get(facts);
  if (hit) return hit;
  const out: LoopVerdict[] = [];
  if (facts.mayHaveArrays) {
    let coveredUntil = -1;
    const jit = /\bjit\b|njit|numba|guvectorize|stencil|torch\.jit|tf\.function/.test(facts.source);
    for (const loop of facts.loops) {
      if (loop.startIndex < coveredUntil || (jit && compiledByJit(loop))) continue;
      const v = judge(facts, loop);
      if (v) {
        out.push(v);
        coveredUntil = loop.endIndex;
      }
    }
    for (const comp of facts.comprehensions) {
      if (out.some((v) => v.node.startIndex <= comp.startIndex && comp.endIndex <= v.node.endIndex) || (jit && compiledByJit(comp))) continue;
      const v = judgeComprehension(facts, comp);
      if (v) out.push(v);
    }
    out.sort((a, b) => a.anchor.startIndex - b.anchor.startIndex);
  }
  memo.set(facts, out);
  return out;
}

const GROWTH = /^(?:append|concatenate|vstack|hstack|r_|row_stack|column_stack|dstack)$/;

/** `acc = np.append(acc, …)` (VEC005's business) directly in this loop body. */
export function isGrowth(facts: ArrayFacts, stmt: Node): Node | null {
  const e = stmtExpr(stmt);
  if (e.type !== 'assignment') return null;
  const left = field(e, 'left');
  const right = field(e, 'right');
  if (!left || !right) return null;
  const r = unparen(right);
  const head = r.type === 'call' ? field(r, 'function') : r.type === 'subscript' ? field(r, 'value') : null;
  const path = head ? facts.numpyPath(head) : null;
  if (!path || !GROWTH.test(path) || (r.type === 'subscript') !== (path === 'r_')) return null;
  const first = r.type === 'call' ? positionalArgs(r)[0] : r.childrenForFieldName('subscript')[0];
  if (!first) return null;
  const f = unparen(first);
  const parts = f.type === 'list' || f.type === 'tuple' ? f.namedChildren.filter((c): c is Node => c !== null) : [f];
  const grows = path === 'append' || path === 'r_' ? f.text === left.text || parts.some((p) => p.text === left.text) : parts.some((p) => p.text === left.text);
  return grows ? r : null;
}

const JIT = /^@\s*(?:[\w.]*\.)?(?:n?jit|vectorize|guvectorize|stencil|cfunc|script|function)\b/;

/** Loops inside a Numba/JAX/TorchScript-compiled function run as machine code, not in the interpreter. */
function compiledByJit(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'function_definition') continue;
    const dec = p.parent?.type === 'decorated_definition' ? p.parent : null;
    if (dec && dec.namedChildren.some((d) => d?.type === 'decorator' && JIT.test(d.text) && !/\bnp\.|numpy/.test(d.text))) return true;
  }
  return false;
}

/** Growth statements (VEC005's findings) directly in this loop, at any depth outside nested loops. */
function growthIn(facts: ArrayFacts, body: Node): Set<number> {
  const out = new Set<number>();
  walk(body, (n) => {
    if (n.type === 'for_statement' || n.type === 'while_statement') return false;
    if (n.type === 'expression_statement' && isGrowth(facts, n)) out.add(n.id);
    return true;
  });
  return out;
}

/** Names assigned in the body from this iteration's values (`d = x[i + 1] - x[i]`): they vary per element too. */
function taint(shape: LoopShape, sub: Substitution): void {
  for (const st of statementsIn(shape.body)) {
    if (st.type !== 'assignment') continue;
    const left = field(st, 'left');
    const right = field(st, 'right');
    if (left?.type === 'identifier' && right && usesLoopVars(right, sub)) sub.temps.add(left.text);
  }
}

function judge(facts: ArrayFacts, loop: Node): LoopVerdict | null {
  const shape = classifyLoop(facts, loop);
  if (!shape) return null;
  const body = statements(shape.body);
  const growth = growthIn(facts, shape.body);
  const nested = body.filter((s) => s.type === 'for_statement' || s.type === 'while_statement');
  if (nested.length > 0 || some(shape.body, (n) => n !== shape.body && (n.type === 'for_statement' || n.type === 'while_statement'))) {
    return nested.length === 1 ? judgeNest(facts, shape, nested[0] as Node) : null;
  }
  if (exceptionOf(facts, shape)) return null;
  // the growth is VEC005's finding; the loop is reported only when it does other array work too
  if (!readsElements(facts, shape, growth)) return null;
  const np = npAlias(facts);
  const sub = substitution(shape, np);
  taint(shape, sub);
  const main = shape.arrays[0] as string;
  const matmul = matmulIn(facts, shape.body, sub);
  const branch = branchIn(shape.body, sub);
  const code: LoopCode = matmul ? 'VEC003' : branch ? 'VEC004' : 'VEC001';
  const rewritten = growth.size > 0 ? null : rewriteBody(facts, shape, { ...sub, temps: new Set() });
  const fix: SuggestedFix = rewritten
    ? { description: describe(code, main), replacement: rewritten.lines.join('\n'), safety: 'unsafe' }
    : fallback(code, main, np, matmul);
  if (rewritten && code === 'VEC003' && matmul) {
    fix.replacement += `  # or ${np}.einsum('bnm,mk->bnk', ${main}, ${matmul.other ?? 'w'}) for stacks of matrices`;
  }
  const verdict: LoopVerdict = { code, node: loop, anchor: loop, shape, arrays: [main], fix };
  if (matmul) verdict.detail = matmul.text;
  return verdict;
}

const WRAPPERS: Record<string, (e: string, np: string) => string> = {
  sum: (e) => `${atom(e)}.sum()`, max: (e) => `${atom(e)}.max()`, min: (e) => `${atom(e)}.min()`,
  any: (e) => `${atom(e)}.any()`, all: (e) => `${atom(e)}.all()`, list: (e) => e, tuple: (e) => e, sorted: (e, np) => `${np}.sort(${e})`,
};

function isCallee(n: Node): boolean {
  const p = n.parent;
  return !!p && ((p.type === 'attribute' && field(p, 'attribute')?.id === n.id) || (p.type === 'keyword_argument' && field(p, 'name')?.id === n.id));
}

function atom(e: string): string {
  return /^[A-Za-z_][\w.]*(?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])*$/.test(e) ? e : `(${e})`;
}

/** `[f(x) for x in a]`, `sum(x * x for x in a)`: the same element loop, written as a comprehension. */
function judgeComprehension(facts: ArrayFacts, comp: Node): LoopVerdict | null {
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
  if (!reduced && (v.type === 'identifier' || v.type === 'subscript' || v.type === 'attribute') && !condExpr) return null;
  if (!reduced && v.type === 'call' && /^(?:int|float|complex|bool|str)$/.test(field(v, 'function')?.text ?? '') && positionalArgs(v).length === 1 &&
      loopVars.has(unparen(positionalArgs(v)[0] as Node).text)) return null;
  // nested comprehensions build nested lists: leave them to a person
  if (some(value, (n) => n.type === 'list_comprehension' || n.type === 'generator_expression' || n.type === 'set_comprehension')) return null;
  // `[x == k for k in labels]`: one whole-array mask per element, already vectorized work
  if (some(value, (n) => n.type === 'identifier' && !loopVars.has(n.text) && !isCallee(n) && facts.valueOf(n).kind === 'array')) return null;
  const np = npAlias(facts);
  const sub = substitution(shape, np);
  const main = shape.arrays[0] as string;
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

export function substitution(shape: LoopShape, np: string): Substitution {
  const start = shape.rangeStart;
  const end = shape.rangeEndOffset ?? 0;
  const lo = start === 0 ? '' : String(start);
  // the array that bounds the range reads `x[s:-k]`; any other array the same positions, `y[s:len(x) - k]`
  const slice = (a: string): string => {
    if (end === 0) return start === 0 ? a : `${a}[${lo}:]`;
    return a === shape.rangeOver ? `${a}[${lo}:${-end}]` : `${a}[${lo}:len(${shape.rangeOver}) - ${end}]`;
  };
  const indexes = new Map<string, (a: string) => string>();
  for (const i of shape.indexVars) indexes.set(i, slice);
  const sub: Substitution = { elements: new Map(shape.elements), indexes, rowAxis: '1', np, temps: new Set() };
  if (shape.indexValues) sub.bare = new Map(shape.indexValues);
  if (shape.rangeEndOffset !== undefined && !Number.isNaN(start)) {
    sub.ranges = new Map([...shape.indexVars].map((i) => [i, { start, endOffset: end }]));
  }
  return sub;
}

function describe(code: LoopCode, main: string): string {
  switch (code) {
    case 'VEC003': return `one batched matrix product over all of ${main} instead of one per item`;
    case 'VEC004': return `a whole-array select (np.where/np.maximum/np.clip/np.abs) over ${main} instead of a branch per element`;
    default: return `whole-array operations on ${main} instead of a Python loop`;
  }
}

function fallback(code: LoopCode, a: string, np: string, matmul: { other?: string } | null): SuggestedFix {
  switch (code) {
    case 'VEC003': {
      const w = matmul?.other ?? 'w';
      return { description: describe(code, a), replacement: `out = ${a} @ ${w}  # or ${np}.einsum('bnm,mk->bnk', ${a}, ${w})`, safety: 'display-only' };
    }
    case 'VEC004':
      return { description: describe(code, a), replacement: `out = ${np}.where(${a} > 0, ${a}, 0)  # or ${np}.maximum(${a}, 0), ${np}.clip(${a}, lo, hi), ${np}.abs(${a})`, safety: 'display-only' };
    default:
      return { description: describe(code, a), replacement: `# apply the body to all of ${a} at once, e.g. ${a} * 2, ${np}.exp(${a}), ${a}.sum(), ${a}[${a} > 0]`, safety: 'display-only' };
  }
}

/** A `@` / np.matmul / np.dot / .dot() whose operand is this iteration's item. */
function matmulIn(facts: ArrayFacts, body: Node, sub: Substitution): { text: string; other?: string } | null {
  let hit: { text: string; other?: string } | null = null;
  walk(body, (n) => {
    if (hit) return false;
    let l: Node | null = null;
    let r: Node | null = null;
    if (n.type === 'binary_operator' && field(n, 'operator')?.type === '@') {
      l = field(n, 'left');
      r = field(n, 'right');
    } else if (n.type === 'call') {
      const callee = field(n, 'function');
      const path = callee ? facts.numpyPath(callee) : null;
      const args = positionalArgs(n);
      if ((path === 'matmul' || path === 'dot' || path === 'vdot' || path === 'inner') && args.length === 2) [l, r] = args as [Node, Node];
      else if (callee?.type === 'attribute' && field(callee, 'attribute')?.text === 'dot' && args.length === 1) {
        l = field(callee, 'object');
        r = args[0] as Node;
      }
    }
    if (l && r) {
      const lu = usesLoopVars(l, sub);
      const ru = usesLoopVars(r, sub);
      if (lu || ru) {
        hit = { text: n.text };
        if (lu !== ru) hit.other = (lu ? r : l).text;
      }
    }
    return true;
  });
  return hit;
}

/** An `if`, a conditional expression or max/min/abs that acts on this iteration's values. */
function branchIn(body: Node, sub: Substitution): boolean {
  return some(body, (n) => {
    if (n.type === 'if_statement') {
      const c = field(n, 'condition');
      return !!c && usesLoopVars(c, sub);
    }
    if (n.type === 'conditional_expression') return usesLoopVars(n, sub);
    if (n.type === 'call') {
      const f = field(n, 'function');
      return !!f && f.type === 'identifier' && ['max', 'min', 'abs'].includes(f.text) && usesLoopVars(n, sub);
    }
    return false;
  });
}

/** Nested loops: pairs of rows (VEC002) or a 2-D element nest (VEC001 on the outer loop). */
function judgeNest(facts: ArrayFacts, outer: LoopShape, innerNode: Node): LoopVerdict | null {
  const outerVars = new Set([...outer.indexVars, ...outer.elements.keys()]);
  const inner = classifyLoop(facts, innerNode, outerVars);
  if (!inner) return null;
  if (exceptionOf(facts, inner, outerVars)) return null;
  if (some(inner.body, (n) => n !== inner.body && (n.type === 'for_statement' || n.type === 'while_statement'))) return null;
  // statements around the inner loop: only `row = []` before and `rows.append(row)` after
  const prep = statements(outer.body).filter((s) => s !== innerNode);
  if (!prep.every((p) => isListPrep(p))) return null;
  const np = npAlias(facts);
  const a = outer.arrays[0] as string;
  const b = inner.arrays.find((x) => x !== a) ?? (inner.arrays[0] as string);
  const innerVars = new Set([...inner.indexVars, ...inner.elements.keys()]);
  // X[i, j]: one array walked element by element in 2-D
  const elementwise2d = some(inner.body, (n) => {
    if (n.type !== 'subscript') return false;
    const idx = n.childrenForFieldName('subscript').filter((c): c is Node => c !== null);
    return idx.length >= 2 && idx.some((i) => outerVars.has(i.text)) && idx.some((i) => innerVars.has(i.text)) && field(n, 'value')?.text !== undefined &&
      !isWriteTarget(n);
  });
  if (elementwise2d) {
    const sub: Substitution = { elements: new Map(), indexes: new Map(), rowAxis: '1', np, temps: new Set() };
    for (const v of [...outer.indexVars, ...inner.indexVars]) sub.indexes.set(v, (x) => x);
    const both: LoopShape = { ...inner, indexVars: new Set([...outer.indexVars, ...inner.indexVars]), rangeStart: Math.max(outer.rangeStart, inner.rangeStart) };
    const rewritten = outer.rangeStart === 0 && inner.rangeStart === 0 ? rewriteBody(facts, both, sub, inner.body) : null;
    const code: LoopCode = branchIn(inner.body, sub) ? 'VEC004' : 'VEC001';
    const fix: SuggestedFix = rewritten
      ? { description: describe(code, a), replacement: rewritten.lines.join('\n'), safety: 'unsafe' }
      : fallback(code, a, np, null);
    return { code, node: outer.node, anchor: outer.node, shape: outer, arrays: [a], fix };
  }
  // pairs: the body reads an item of the outer array and an item of the inner one
  const readsOuter = usesAny(inner.body, outer);
  const readsInner = usesAny(inner.body, inner);
  if (!readsOuter || !readsInner) return null;
  const sub: Substitution = { elements: new Map(), indexes: new Map(), rowAxis: '-1', np, temps: new Set() };
  for (const [v] of outer.elements) sub.elements.set(v, `${outer.elements.get(v)}[:, None]`);
  for (const v of outer.indexVars) sub.indexes.set(v, (x) => `${x}[:, None]`);
  for (const [v] of inner.elements) sub.elements.set(v, `${inner.elements.get(v)}[None]`);
  for (const v of inner.indexVars) sub.indexes.set(v, (x) => `${x}[None]`);
  const lines = pairLines(facts, inner, sub, prep);
  const fix: SuggestedFix = lines
    ? { description: `all pairs of ${a} and ${b} at once with broadcasting`, replacement: lines.join('\n'), safety: 'unsafe' }
    : {
        description: `all pairs of ${a} and ${b} at once with broadcasting`,
        replacement: `d = ${np}.sqrt(((${a}[:, None] - ${b}[None]) ** 2).sum(-1))  # or scipy.spatial.distance.cdist(${a}, ${b})`,
        safety: 'display-only',
      };
  return { code: 'VEC002', node: outer.node, anchor: outer.node, shape: outer, arrays: [a, b], fix };
}

/**
 * The loop reads array elements: an element variable is used, or `A[i]` / `A[i, …]` is read (a plain write such as
 * `S[i, i] = 1.0` only fills, usually over a handful of dimensions, and is left alone).
 */
function readsElements(facts: ArrayFacts, shape: LoopShape, skip: Set<number> = new Set()): boolean {
  let found = false;
  walk(shape.body, (n) => {
    if (found || skip.has(n.id)) return false;
    if (n.type === 'identifier' && shape.elements.has(n.text)) found = true;
    else if (n.type === 'subscript') {
      const p = n.parent;
      const first = n.childrenForFieldName('subscript')[0];
      const obj = field(n, 'value');
      // `x[i]`, `x[i - 1]`, a window `x[i:i + w]`: the index moves with the loop
      const isElement = !!first && !!obj && [...identifiersIn(first)].some((id) => shape.indexVars.has(id)) && facts.valueOf(obj).kind === 'array';
      if (isElement && !(p?.type === 'assignment' && field(p, 'left')?.id === n.id)) found = true;
      // `w[k] = f(k)`: an element computed from its index (a window, a schedule)
      else if (isElement && p?.type === 'assignment') {
        const value = field(p, 'right');
        if (value && [...identifiersIn(value)].some((id) => shape.indexVars.has(id))) found = true;
      }
    }
    return !found;
  });
  return found;
}

function isWriteTarget(n: Node): boolean {
  const p = n.parent;
  return !!p && (p.type === 'assignment' || p.type === 'augmented_assignment') && field(p, 'left')?.id === n.id;
}

function usesAny(body: Node, shape: LoopShape): boolean {
  const ids = identifiersIn(body);
  if ([...shape.elements.keys()].some((v) => ids.has(v))) return true;
  return some(body, (n) => {
    if (n.type !== 'subscript' || isWriteTarget(n)) return false;
    const first = n.childrenForFieldName('subscript')[0];
    return !!first && shape.indexVars.has(first.text);
  });
}

function isListPrep(stmt: Node): boolean {
  const e = stmtExpr(stmt);
  if (e.type === 'assignment') return field(e, 'left')?.type === 'identifier' && ['[]', 'list()'].includes(field(e, 'right')?.text ?? '');
  if (e.type === 'call') {
    const f = field(e, 'function');
    return f?.type === 'attribute' && field(f, 'attribute')?.text === 'append' && positionalArgs(e).every((a) => a.type === 'identifier');
  }
  return false;
}

/** `D[i, j] = e`, `D[i][j] = e`, `K[i, j] = K[j, i] = e`, `row.append(e)` (+ `rows.append(row)`) → `D = e'`. */
function pairLines(facts: ArrayFacts, inner: LoopShape, sub: Substitution, prep: Node[]): string[] | null {
  const stmts = statements(inner.body);
  if (stmts.length === 1) {
    const e = stmtExpr(stmts[0] as Node);
    let name: string | null = null;
    let value: Node | null = null;
    if (e.type === 'assignment') {
      let left = field(e, 'left');
      value = field(e, 'right');
      while (value?.type === 'assignment') value = field(value, 'right');
      while (left?.type === 'subscript') left = field(left, 'value');
      name = left?.type === 'identifier' ? left.text : null;
    } else if (e.type === 'call') {
      const f = field(e, 'function');
      if (f?.type === 'attribute' && field(f, 'attribute')?.text === 'append') {
        name = field(f, 'object')?.text ?? null;
        value = positionalArgs(e)[0] ?? null;
        const outerAppend = prep.map(stmtExpr).find((p) => p.type === 'call' && positionalArgs(p)[0]?.text === name);
        const outerList = outerAppend ? field(field(outerAppend, 'function') as Node, 'object')?.text : undefined;
        if (outerList) name = outerList;
      }
    }
    if (name && value) {
      const t = translate(value, sub, facts);
      if (t !== null) return [`${name} = ${t}`];
    }
  }
  if (prep.length > 0) return null;
  const both: LoopShape = { ...inner, indexVars: new Set([...sub.indexes.keys()]), rangeStart: 0 };
  const rewritten = rewriteBody(facts, both, sub, inner.body);
  if (!rewritten) return null;
  return rewritten.lines.map((l) => l.replace(/^(\w+)\[[^\]]*\] = /, '$1 = '));
}
