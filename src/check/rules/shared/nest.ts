// Nested loops: pairs of rows of two arrays (VEC002), or one array walked element by element in 2-D (VEC001/VEC004
// at the outer loop).
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, positionalArgs, some, statements, stmtExpr } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { exceptionOf } from './exceptions.js';
import { rewriteBody } from './fix.js';
import { branchIn, describe, fallback, isWriteTarget, type LoopCode, type LoopVerdict } from './judging.js';
import { classifyLoop, type LoopShape } from './loop.js';
import { npAlias, translate, type Substitution } from './translate.js';

/** Nested loops: pairs of rows (VEC002) or a 2-D element nest (VEC001 on the outer loop). */
export function judgeNest(facts: ArrayFacts, outer: LoopShape, innerNode: Node): LoopVerdict | null {
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
