// One verdict per loop, the most specific rule winning: VEC002 (pairs) > VEC003 (matmul per item) >
// VEC004 (branch per element) > VEC001 (element loop). Computed once per file and shared by the four rules.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, positionalArgs, some, statements, stmtExpr, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { exceptionOf } from './exceptions.js';
import { rewriteBody } from './fix.js';
import { classifyLoop, type LoopShape } from './loop.js';
import { npAlias, usesLoopVars, type Substitution } from './translate.js';

export type LoopCode = 'VEC001' | 'VEC002' | 'VEC003' | 'VEC004';

export interface LoopVerdict {
  code: LoopCode;
  node: Node;
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
    for (const loop of facts.loops) {
      if (loop.startIndex < coveredUntil) continue;
      const v = judge(facts, loop);
      if (v) {
        out.push(v);
        coveredUntil = loop.endIndex;
      }
    }
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

function judge(facts: ArrayFacts, loop: Node): LoopVerdict | null {
  const shape = classifyLoop(facts, loop);
  if (!shape) return null;
  const body = statements(shape.body);
  if (body.some((s) => isGrowth(facts, s))) return null;
  const nested = body.filter((s) => s.type === 'for_statement' || s.type === 'while_statement');
  if (nested.length > 0 || some(shape.body, (n) => n !== shape.body && (n.type === 'for_statement' || n.type === 'while_statement'))) {
    return nested.length === 1 ? judgeNest(facts, shape, nested[0] as Node) : null;
  }
  if (exceptionOf(facts, shape)) return null;
  if (!readsElements(facts, shape)) return null;
  const np = npAlias(facts);
  const sub = substitution(shape, np);
  const main = shape.arrays[0] as string;
  const matmul = matmulIn(facts, shape.body, sub);
  const branch = branchIn(shape.body, sub);
  const code: LoopCode = matmul ? 'VEC003' : branch ? 'VEC004' : 'VEC001';
  const rewritten = rewriteBody(facts, shape, sub);
  const fix: SuggestedFix = rewritten
    ? { description: describe(code, main), replacement: rewritten.lines.join('\n'), safety: 'unsafe' }
    : fallback(code, main, np, matmul);
  if (rewritten && code === 'VEC003' && matmul) {
    fix.replacement += `  # or ${np}.einsum('bnm,mk->bnk', ${main}, ${matmul.other ?? 'w'}) for stacks of matrices`;
  }
  const verdict: LoopVerdict = { code, node: loop, shape, arrays: [main], fix };
  if (matmul) verdict.detail = matmul.text;
  return verdict;
}

export function substitution(shape: LoopShape, np: string): Substitution {
  const start = shape.rangeStart;
  const indexes = new Map<string, (a: string) => string>();
  for (const i of shape.indexVars) indexes.set(i, (a) => (start === 0 ? a : `${a}[${start}:]`));
  return { elements: new Map(shape.elements), indexes, rowAxis: '1', np, temps: new Set() };
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
  // statements around the inner loop must be loop-free, pure prep (and are not rewritten)
  const prep = statements(outer.body).filter((s) => s !== innerNode);
  if (prep.length > 0) return null;
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
    const fix: SuggestedFix = rewritten
      ? { description: `whole-array operations on ${a} instead of a loop per element`, replacement: rewritten.lines.join('\n'), safety: 'unsafe' }
      : fallback('VEC001', a, np, null);
    return { code: 'VEC001', node: outer.node, shape: outer, arrays: [a], fix };
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
  const lines = pairLines(facts, outer, inner, sub);
  const fix: SuggestedFix = lines
    ? { description: `all pairs of ${a} and ${b} at once with broadcasting`, replacement: lines.join('\n'), safety: 'unsafe' }
    : {
        description: `all pairs of ${a} and ${b} at once with broadcasting`,
        replacement: `d = ${np}.sqrt(((${a}[:, None] - ${b}[None]) ** 2).sum(-1))  # or scipy.spatial.distance.cdist(${a}, ${b})`,
        safety: 'display-only',
      };
  return { code: 'VEC002', node: outer.node, shape: outer, arrays: [a, b], fix };
}

/**
 * The loop reads array elements: an element variable is used, or `A[i]` / `A[i, …]` is read (a plain write such as
 * `S[i, i] = 1.0` only fills, usually over a handful of dimensions, and is left alone).
 */
function readsElements(facts: ArrayFacts, shape: LoopShape): boolean {
  const ids = identifiersIn(shape.body);
  if ([...shape.elements.keys()].some((v) => ids.has(v))) return true;
  return some(shape.body, (n) => {
    if (n.type !== 'subscript') return false;
    const p = n.parent;
    if (p?.type === 'assignment' && field(p, 'left')?.id === n.id) return false;
    const first = n.childrenForFieldName('subscript')[0];
    const obj = field(n, 'value');
    return !!first && !!obj && shape.indexVars.has(unparen(first).text) && facts.valueOf(obj).kind === 'array';
  });
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

/** `D[i, j] = e` → `D = e'`; `total += e` → `total += e'.sum()`. */
function pairLines(facts: ArrayFacts, outer: LoopShape, inner: LoopShape, sub: Substitution): string[] | null {
  const both: LoopShape = { ...inner, indexVars: new Set([...outer.indexVars, ...inner.indexVars]), rangeStart: 0 };
  if (outer.rangeStart !== 0 || inner.rangeStart !== 0) return null;
  const rewritten = rewriteBody(facts, both, sub, inner.body);
  if (!rewritten) return null;
  return rewritten.lines.map((l) => l.replace(/^(\w+)\[[^\]]*\] = /, '$1 = '));
}
