// Nested loops: pairs of rows of two arrays (VEC002), or one array walked element by element in 2-D (VEC001/VEC004
// at the outer loop).
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, indicesOf, positionalArgs, some, statements, stmtExpr, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { searchOf } from './dependency.js';
import { exceptionOf } from './exceptions.js';
import { rewriteBody } from './fix.js';
import { branchIn, describe, fallback, isWriteTarget, type LoopCode, type LoopVerdict } from './judging.js';
import { classifyLoop, type LoopShape } from './loop.js';
import { isFullSlice, npAlias, translate, type Substitution } from './translate.js';
import { judgeTriple } from './triple.js';

/** Nested loops: pairs of rows (VEC002) or a 2-D element nest (VEC001 on the outer loop). */
export function judgeNest(facts: ArrayFacts, outer: LoopShape, innerNode: Node): LoopVerdict | null {
  const outerVars = new Set([...outer.indexVars, ...outer.elements.keys()]);
  const walked = rowWalk(facts, outer, innerNode, outerVars);
  if (walked !== undefined) return walked;
  const inner = classifyLoop(facts, innerNode, outerVars);
  if (!inner) return null;
  if (statements(outer.body).length === 1 && statements(inner.body).some((s) => s.type === 'for_statement')) return judgeTriple(facts, outer, inner, outerVars);
  if (exceptionOf(facts, inner, outerVars)) return null;
  if (some(inner.body, (n) => n !== inner.body && (n.type === 'for_statement' || n.type === 'while_statement'))) return null;
  // statements around the inner loop: `row = []` / `best = np.inf` before it, `rows.append(row)` / `out[i] = best` after
  const around = statements(outer.body);
  const at = around.indexOf(innerNode);
  const prep = around.filter((s) => s !== innerNode);
  const scalars = new Set<string>();
  for (const p of around.slice(0, at)) {
    const name = scalarInit(p, outerVars);
    if (name) scalars.add(name);
    else if (!isListPrep(p)) return null;
  }
  if (!around.slice(at + 1).every((p) => isListPrep(p) || storesScalar(p, scalars, outer))) return null;
  const np = npAlias(facts);
  const a = outer.arrays[0] as string;
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
  const readsOuter = itemRead(inner.body, outer);
  const readsInner = itemRead(inner.body, inner);
  if (!readsOuter || !readsInner) return null;
  const [x, y] = [readsOuter.array, readsInner.array];
  const sub: Substitution = { elements: new Map(), indexes: new Map(), rowAxis: '-1', np, temps: new Set() };
  for (const [v] of outer.elements) sub.elements.set(v, `${outer.elements.get(v)}[:, None]`);
  for (const v of outer.indexVars) sub.indexes.set(v, (x) => `${x}[:, None]`);
  for (const [v] of inner.elements) sub.elements.set(v, `${inner.elements.get(v)}[None]`);
  for (const v of inner.indexVars) sub.indexes.set(v, (x) => `${x}[None]`);
  const lines = scalars.size > 0 ? reductionLines(facts, inner, sub, around.slice(at + 1), scalars) : pairLines(facts, inner, sub, prep);
  const columns = readsOuter.column && readsInner.column;
  const description = `all pairs of ${columns ? 'columns' : 'rows'} of ${x === y ? x : `${x} and ${y}`} at once with broadcasting`;
  const fix: SuggestedFix = lines
    ? { description, replacement: lines.join('\n'), safety: 'unsafe' }
    : columns
      ? { description, replacement: `g = ${x}.T @ ${y}  # products of every pair of columns; or broadcast ${x}.T[:, None] against ${y}.T[None]`, safety: 'display-only' }
      : {
          description,
          replacement: `d = ${np}.sqrt(((${x}[:, None] - ${y}[None]) ** 2).sum(-1))  # or scipy.spatial.distance.cdist(${x}, ${y})`,
          safety: 'display-only',
        };
  const verdict: LoopVerdict = { code: 'VEC002', node: outer.node, anchor: outer.node, shape: outer, arrays: [x, y], fix };
  if (columns) verdict.detail = 'columns';
  return verdict;
}

/** The item of `shape` the body reads: an element variable, a row `A[i]`, or a column `A[:, j]`; null when none. */
function itemRead(body: Node, shape: LoopShape): { array: string; column: boolean } | null {
  const ids = identifiersIn(body);
  const el = [...shape.elements].find(([v]) => ids.has(v));
  if (el) return { array: el[1], column: false };
  let hit: { array: string; column: boolean } | null = null;
  some(body, (n) => {
    if (n.type !== 'subscript' || isWriteTarget(n)) return false;
    const idx = indicesOf(n);
    const first = idx[0];
    const array = field(n, 'value')?.text ?? '';
    if (first && shape.indexVars.has(first.text)) hit = { array, column: false };
    // `A[:, j]`: column j (pairs of columns: a covariance or Gram matrix of features)
    else if (idx.length === 2 && isFullSlice(first) && shape.indexVars.has((idx[1] as Node).text)) hit = { array, column: true };
    return hit !== null;
  });
  return hit;
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

/** `best = np.inf`, `s = 0.0` before the inner loop: a per-row reduction's start (a value free of loop variables). */
function scalarInit(stmt: Node, outerVars: Set<string>): string | null {
  const e = stmtExpr(stmt);
  const left = e.type === 'assignment' ? field(e, 'left') : null;
  const right = e.type === 'assignment' ? field(e, 'right') : null;
  if (left?.type !== 'identifier' || !right || [...identifiersIn(right)].some((id) => outerVars.has(id))) return null;
  return /^(?:-?(?:\d[\d_.]*|(?:np|numpy|math)\.inf|float\(["']-?inf["']\))|None)$/.test(right.text.replace(/\s+/g, '')) ? left.text : null;
}

/** `out[i] = best` (i the outer counter) or `out.append(best)` after the inner loop. */
function storesScalar(stmt: Node, scalars: Set<string>, outer: LoopShape): boolean {
  const e = stmtExpr(stmt);
  if (e.type === 'call') {
    const f = field(e, 'function');
    const args = positionalArgs(e);
    return f?.type === 'attribute' && field(f, 'attribute')?.text === 'append' && args.length === 1 && scalars.has((args[0] as Node).text);
  }
  if (e.type !== 'assignment') return false;
  const left = field(e, 'left');
  const idx = left?.type === 'subscript' ? indicesOf(left) : [];
  return idx.length === 1 && outer.indexVars.has((idx[0] as Node).text) && scalars.has(field(e, 'right')?.text ?? '');
}

/**
 * A per-row reduction over the inner loop (`s += k(a[i], b[j])`, or a nearest-neighbour search `if d < best: best = d`)
 * stored per outer row: all pairs at once, then the reduction along the inner axis.
 */
function reductionLines(facts: ArrayFacts, inner: LoopShape, sub: Substitution, after: Node[], scalars: Set<string>): string[] | null {
  const loopVars = new Set([...sub.indexes.keys(), ...sub.elements.keys()]);
  const body = statements(inner.body);
  const last = body[body.length - 1];
  if (!last) return null;
  const temps = new Map<string, Node>();
  for (const st of body.slice(0, -1)) {
    const e = stmtExpr(st);
    if (e.type !== 'assignment' || field(e, 'left')?.type !== 'identifier') return null;
    temps.set((field(e, 'left') as Node).text, field(e, 'right') as Node);
  }
  const search = searchOf(last, loopVars);
  let value: Node | null = null;
  let reduce = '';
  const results = new Map<string, string>();
  if (search && scalars.has(search.best)) {
    value = search.value;
    reduce = search.kind;
    results.set(search.best, search.kind);
    for (const [name, v] of search.companions) if (sub.indexes.has(v.text) || sub.elements.has(v.text)) results.set(name, `arg${search.kind}`);
  } else {
    const e = stmtExpr(last);
    const op = e.type === 'augmented_assignment' ? field(e, 'operator')?.text : null;
    const name = field(e, 'left')?.text ?? '';
    if ((op !== '+=' && op !== '-=') || !scalars.has(name)) return null;
    value = field(e, 'right');
    reduce = 'sum';
    results.set(name, op === '-=' ? '-sum' : 'sum');
  }
  if (!value) return null;
  const expr = value.type === 'identifier' && temps.has(value.text) ? (temps.get(value.text) as Node) : value;
  if (temps.size > (expr === value ? 0 : 1)) return null;
  const d = translate(expr, sub, facts);
  if (d === null || !reduce) return null;
  const lines = [`d = ${d}  # every pair at once`];
  const stores: Array<[string, string]> = [];
  for (const st of after) {
    const e = stmtExpr(st);
    const v = e.type === 'call' ? (positionalArgs(e)[0] as Node).text : field(e, 'right')?.text ?? '';
    const target = e.type === 'call' ? (field(field(e, 'function') as Node, 'object') as Node).text : (field(field(e, 'left') as Node, 'value') as Node).text;
    stores.push([target, v]);
  }
  // `idx[i] = j` inside the search itself stores the arg-reduction directly
  if (search) for (const st of statements(field(search.node, 'consequence'))) {
    const e = stmtExpr(st);
    const left = field(e, 'left');
    if (left?.type === 'subscript') stores.push([(field(left, 'value') as Node).text, field(e, 'right')?.text ?? '']);
  }
  for (const [target, v] of stores) {
    const how = results.get(v) ?? (search && (sub.indexes.has(v) || sub.elements.has(v)) ? `arg${search.kind}` : null);
    if (!how) return null;
    lines.push(`${target} = ${how === '-sum' ? '-' : ''}d.${how.replace('-', '')}(axis=1)`);
  }
  return stores.length > 0 ? lines : null;
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

/**
 * `for row in img: for v in row: …`: every element of a 2-D array, one at a time (VEC001/VEC004 at the outer loop).
 * undefined when the inner loop does not walk an outer row, so the other nest shapes get their turn.
 */
function rowWalk(facts: ArrayFacts, outer: LoopShape, innerNode: Node, outerVars: Set<string>): LoopVerdict | null | undefined {
  const left = field(innerNode, 'left');
  const right = field(innerNode, 'right');
  const body = field(innerNode, 'body');
  const row = right ? unparen(right) : null;
  if (innerNode.type !== 'for_statement' || !left || !body || row?.type !== 'identifier' || !outer.elements.has(row.text)) return undefined;
  const arr = outer.elements.get(row.text) as string;
  if (left.type !== 'identifier' || outer.indexVars.size > 0 || identifiersIn(body).has(row.text)) return null;
  if (some(body, (n) => n.type === 'for_statement' || n.type === 'while_statement')) return null;
  if (!statements(outer.body).filter((st) => st !== innerNode).every((p) => isListPrep(p))) return null;
  const inner: LoopShape = {
    node: innerNode, body, header: outer.header, arrays: [arr], elements: new Map([[left.text, arr]]), indexVars: new Set(),
    rows: new Set(), rangeStart: 0,
  };
  if (exceptionOf(facts, inner, outerVars)) return null;
  const np = npAlias(facts);
  const sub: Substitution = { elements: new Map([[left.text, arr]]), indexes: new Map(), rowAxis: 'None', np, temps: new Set() };
  const code: LoopCode = branchIn(body, sub, facts) ? 'VEC004' : 'VEC001';
  // the totals start before the outer loop: `total = 0.0` there makes `total = (img * img).sum()`
  const rewritten = statements(outer.body).length === 1 ? rewriteBody(facts, { ...inner, node: outer.node }, sub, body) : null;
  const fix: SuggestedFix = rewritten && !rewritten.lines.some((l) => l.includes('axis=None'))
    ? { description: describe(code, arr), replacement: rewritten.lines.join('\n'), safety: 'unsafe' }
    : fallback(code, arr, np, null);
  return { code, node: outer.node, anchor: outer.node, shape: outer, arrays: [arr], fix };
}
