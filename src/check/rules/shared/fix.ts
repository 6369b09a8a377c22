// The vectorized rewrite of a loop body, statement by statement, for the shape seen. null when any statement has no
// exact whole-array twin; the rule then falls back to a generic (still concrete) suggestion.
import type { Node } from 'web-tree-sitter';
import { field, indicesOf, positionalArgs, statements, stmtExpr, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { LoopShape } from './loop.js';
import { searchOf, type Search } from './dependency.js';
import { isSelector } from './ragged.js';
import { rewriteScatterBranches } from './scatter-branches.js';
import { translate, usesLoopVars, whereOf, type Substitution } from './translate.js';

/** A rewritten body, one line per statement. */
export interface BodyFix {
  lines: string[];
}

export function rewriteBody(facts: ArrayFacts, shape: LoopShape, sub: Substitution, body: Node = shape.body): BodyFix | null {
  if (Number.isNaN(shape.rangeStart)) return null;
  const lines: string[] = [];
  for (const s of statements(body)) {
    if (s === shape.counterStep || s.type === 'pass_statement') continue;
    const out = rewriteStatement(facts, shape, sub, s);
    if (out === null) return null;
    lines.push(...out);
  }
  if (lines.length === 0) return null;
  return { lines: mergeInitialisers(facts, shape.node, lines) };
}

function rewriteStatement(facts: ArrayFacts, shape: LoopShape, sub: Substitution, s: Node): string[] | null {
  if (s.type === 'if_statement') return rewriteIf(facts, shape, sub, s);
  const e = stmtExpr(s);
  if (e.type === 'call') {
    const appended = appendOf(e);
    if (!appended) return null;
    const t = rowwise(appended.value, sub, facts);
    return t === null ? null : [`${appended.list} = ${t}`];
  }
  if (e.type !== 'assignment' && e.type !== 'augmented_assignment') return null;
  const left = unparen(field(e, 'left') as Node);
  const right = field(e, 'right');
  if (!right) return null;
  const op = e.type === 'augmented_assignment' ? field(e, 'operator')?.text ?? '' : '=';
  if (left.type === 'subscript') {
    const idx = indicesOf(left);
    if (idx.length === 2 && idx[0]?.text === idx[1]?.text && shape.indexVars.has(idx[0]?.text ?? '')) {
      // X[k, k] = d[k]: the diagonal
      const t = rowwise(right, sub, facts);
      const obj = field(left, 'value');
      return t === null || !obj || op !== '=' || shape.rangeStart !== 0 ? null : [`${sub.np}.fill_diagonal(${obj.text}, ${t})`];
    }
    const target = writeTarget(left, shape, sub);
    if (target === null && op === '=') {
      // `out[idx[k]] = max(out[idx[k]], v[k])`: a read-modify-write through an index array (repeats must combine)
      const rmw = readModifyWrite(right, left.text);
      if (rmw) {
        const t = translate(rmw.other, sub, facts);
        return t === null ? null : scatter(left, rmw.op, t, sub, facts);
      }
      if (right.text.includes(left.text)) return null;
    }
    // what one item of the result is (`out[b]` of a 3-D `out`: a matrix) tells a product's operand shapes apart
    const item = facts.valueOf(left);
    const t = rowwise(right, { ...sub, resultItemNdim: item.kind === 'array' ? item.ndim : item.kind === 'other' ? 0 : undefined }, facts);
    if (t === null) return null;
    if (target !== null) return [`${target} ${op} ${t}`];
    return scatter(left, op, t, sub, facts);
  }
  if (left.type !== 'identifier') return null;
  const name = left.text;
  // `v = v * gain` on the element itself: a new whole-array value, never an accumulation across iterations
  if (op === '=' && sub.elements.has(name)) {
    const t = rowwise(right, sub, facts);
    if (t === null) return null;
    sub.temps.add(name);
    return [`${name} = ${t}`];
  }
  if (op === '=') {
    const r = unparen(right);
    if (r.type === 'call' && ['max', 'min'].includes(field(r, 'function')?.text ?? '')) {
      const fnName = field(r, 'function')?.text as string;
      const args = positionalArgs(r);
      const other = args.find((a) => a.text !== name);
      if (args.length === 2 && other && args.some((a) => a.text === name)) {
        const t = translate(other, sub, facts);
        return t === null ? null : [`${name} = ${fnName}(${name}, ${reduce(t, fnName)})`];
      }
    }
    if (r.type === 'binary_operator' && (field(r, 'left')?.text === name || field(r, 'right')?.text === name)) {
      const opr = field(r, 'operator')?.type;
      const other = field(r, 'left')?.text === name ? field(r, 'right') : field(r, 'left');
      if ((opr === '+' || opr === '*') && other) {
        const t = translate(other, sub, facts);
        return t === null ? null : [`${name} ${opr}= ${opr === '+' ? sumOf(facts, other, t, shape, sub) : `${sub.np}.prod(${t})`}`];
      }
      return null;
    }
    const t = rowwise(right, sub, facts);
    if (t === null) return null;
    sub.temps.add(name);
    return [`${name} = ${t}`];
  }
  const t = rowwise(right, sub, facts);
  if (t === null) return null;
  if (op === '+=' || op === '-=') return [`${name} ${op} ${sumOf(facts, right, t, shape, sub)}`];
  if (op === '*=') return [`${name} *= ${sub.np}.prod(${t})`];
  return null;
}

/**
 * `row / np.linalg.norm(row)` over the rows of X: the reduction must keep its axis to broadcast back against X
 * (`X / np.linalg.norm(X, axis=1, keepdims=True)`); a reduction alone (`row.sum()`) must not.
 */
function rowwise(node: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const t = translate(node, sub, facts);
  // `axis=1)` or, for items of a known N-D stack, `axis=(1, 2))`
  const axis = `axis=(?:${sub.rowAxis.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|\\(\\d+(?:, \\d+)*\\))\\)`;
  if (t === null || !new RegExp(axis).test(t) || sub.rowAxis.includes('keepdims')) return t;
  // (the `size=` of a random draw names the loop's length, not an array operand)
  // a reduction's receiver: a name, a parenthesised expression (two levels of calls inside), then any subscripts
  const receiver = '(?:[\\w.]+|\\((?:[^()]|\\((?:[^()]|\\([^()]*\\))*\\))*\\))(?:\\[[^\\]]*\\])*';
  const stripped = (sub.count === undefined ? t : t.split(`size=${sub.count}`).join(''))
    .replace(new RegExp(`${receiver}\\.\\w+\\(${axis}`, 'g'), '')
    .replace(new RegExp(`[\\w.]+\\((?:[^()]|\\([^()]*\\))*, ${axis}`, 'g'), '');
  const arrays = [...sub.elements.values(), ...[...sub.indexes.values()].map(() => '')].filter((a) => a !== '');
  const names = new Set([...arrays, ...indexedArrays(node, sub), ...sub.temps]);
  if (![...names].some((a) => new RegExp(`(?:^|[^\\w.])${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w(])`).test(stripped))) return t;
  return translate(node, { ...sub, rowAxis: `${sub.rowAxis}, keepdims=True` }, facts);
}

/** The arrays read as `A[i]` in `node` (their vectorized name is `A`). */
function indexedArrays(node: Node, sub: Substitution): string[] {
  const out: string[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'subscript') {
      const first = n.childrenForFieldName('subscript')[0];
      const obj = field(n, 'value');
      if (first && obj && sub.indexes.has(first.text)) out.push(obj.text);
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(node);
  return out;
}

/** `t = max(t, e)`, `t = min(e, t)`, `t = t + e`: the reduction (as an operator for scatter) and `e`. */
function readModifyWrite(right: Node, target: string): { op: string; other: Node } | null {
  const r = unparen(right);
  if (r.type === 'call' && ['max', 'min'].includes(field(r, 'function')?.text ?? '')) {
    const args = positionalArgs(r);
    const mine = args.filter((a) => a.text === target);
    const other = args.find((a) => a.text !== target);
    if (args.length === 2 && mine.length === 1 && other && !other.text.includes(target)) return { op: (field(r, 'function') as Node).text, other };
  }
  if (r.type === 'binary_operator' && ['+', '*'].includes(field(r, 'operator')?.type ?? '')) {
    const l = field(r, 'left');
    const rr = field(r, 'right');
    const op = `${field(r, 'operator')?.type as string}=`;
    if (l?.text === target && rr && !rr.text.includes(target)) return { op, other: rr };
    if (rr?.text === target && l && !l.text.includes(target)) return { op, other: l };
  }
  return null;
}

const UFUNC_AT: Record<string, string> = { '+=': 'add', '-=': 'subtract', '*=': 'multiply', max: 'maximum', min: 'minimum' };

/** `counts[lab] += 1` → `np.add.at(counts, labels, 1)` (repeated indices add up); `out[idx] = v` for plain writes. */
function scatter(left: Node, op: string, value: string, sub: Substitution, facts: ArrayFacts): string[] | null {
  const obj = field(left, 'value');
  const idx = indicesOf(left);
  if (!obj || usesLoopVars(obj, sub) || !idx.some((i) => usesLoopVars(i, sub))) return null;
  // `X[np.isnan(X[:, j]), j] = v`: a mask per item selects a different number of positions each time
  if (idx.some((i) => isSelector(facts, i, false))) return null;
  const parts = idx.map((i) => (i.type === 'slice' ? null : translate(i, sub, facts)));
  if (parts.some((p) => p === null)) return null;
  const where = parts.length === 1 ? (parts[0] as string) : `(${parts.join(', ')})`;
  const ufunc = UFUNC_AT[op];
  if (ufunc) return [`${sub.np}.${ufunc}.at(${obj.text}, ${where}, ${value})`];
  if (op === '=') return [`${obj.text}[${parts.join(', ')}] = ${value}`];
  return null;
}

/** `A[i] = …` → `A`, `A[i, 0] = …` → `A[:, 0]`, with a range start of 1 → `A[1:]`. */
function writeTarget(left: Node, shape: LoopShape, sub: Substitution): string | null {
  const obj = field(left, 'value');
  const idx = indicesOf(left);
  if (!obj || idx.length === 0 || usesLoopVars(obj, sub)) return null;
  const first = unparen(idx[0] as Node);
  if (first.type !== 'identifier' || !shape.indexVars.has(first.text)) return null;
  const rest = idx.slice(1);
  const start = shape.rangeStart;
  // the result array is rebuilt whole when the loop starts at 0; the bounding array keeps its exact slice
  const end = obj.text === shape.rangeOver ? shape.rangeEndOffset ?? 0 : 0;
  // another array written from position s on, up to len(x) - k: exactly those positions (`y[1:len(x) - 1]`)
  const otherEnd = start !== 0 && obj.text !== shape.rangeOver && shape.rangeOver && shape.rangeEndOffset ? `len(${shape.rangeOver}) - ${shape.rangeEndOffset}` : '';
  const stop = otherEnd || (start !== 0 && shape.rangeStop ? shape.rangeStop : '');
  const head = `${start === 0 ? '' : start}:${end === 0 ? stop : -end}`;
  if (rest.every((r) => r.type === 'identifier' && shape.indexVars.has(r.text))) {
    if (head !== ':') return rest.length > 0 ? null : `${obj.text}[${head}]`;
    // the loop walks this very array (in place, maybe a caller's array): keep writing into it
    return shape.arrays.includes(obj.text) && readsOwnTarget(shape, obj.text) ? `${obj.text}[:]` : obj.text;
  }
  if (rest.some((r) => usesLoopVars(r, sub))) return null;
  return `${obj.text}[${head}, ${rest.map((r) => r.text).join(', ')}]`;
}

function readsOwnTarget(shape: LoopShape, name: string): boolean {
  let reads = false;
  const visit = (n: Node): void => {
    if (reads) return;
    if (n.type === 'subscript' && field(n, 'value')?.text === name) {
      const p = n.parent;
      const isTarget = p?.type === 'assignment' && field(p, 'left')?.id === n.id;
      if (!isTarget) reads = true;
    }
    if (n.type === 'identifier' && shape.elements.get(n.text) === name) reads = true;
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(shape.body);
  return reads;
}

/** `total += a[i] * b[i]` → `a @ b`; else `(…).sum()`, over rows `.sum(axis=0)`. */
function sumOf(facts: ArrayFacts, node: Node, t: string, shape: LoopShape, sub: Substitution): string {
  const n = unparen(node);
  if (n.type === 'binary_operator' && field(n, 'operator')?.type === '*' && shape.rows.size === 0) {
    const l = field(n, 'left');
    const r = field(n, 'right');
    const lt = l ? translate(l, sub, facts) : null;
    const rt = r ? translate(r, sub, facts) : null;
    if (lt && rt && simple(lt) && simple(rt) && lt !== rt && l && r && usesLoopVars(l, sub) && usesLoopVars(r, sub)) return `${lt} @ ${rt}`;
  }
  const rowSum = [...shape.rows].some((r) => new RegExp(`\\b${r}\\b`).test(node.text));
  const base = simple(t) ? t : `(${t})`;
  return rowSum ? `${base}.sum(axis=0)` : `${base}.sum()`;
}

function reduce(t: string, fn: string): string {
  return simple(t) ? `${t}.${fn}()` : `(${t}).${fn}()`;
}

/** An atom (name, attribute, call, subscript): `.sum()` can follow it without parentheses. */
function simple(t: string): boolean {
  return /^[A-Za-z_][\w.]*(?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])*$/.test(t);
}

function appendOf(call: Node): { list: string; value: Node } | null {
  const callee = field(call, 'function');
  if (callee?.type !== 'attribute' || field(callee, 'attribute')?.text !== 'append') return null;
  const obj = field(callee, 'object');
  const args = positionalArgs(call);
  if (!obj || obj.type !== 'identifier' || args.length !== 1) return null;
  return { list: obj.text, value: args[0] as Node };
}

function rewriteIf(facts: ArrayFacts, shape: LoopShape, sub: Substitution, s: Node): string[] | null {
  const search = searchOf(s, new Set([...shape.indexVars, ...shape.elements.keys()]));
  if (search) return rewriteSearch(facts, shape, sub, search);
  const scattered = rewriteScatterBranches(facts, shape, sub, s);
  if (scattered) return scattered;
  const alts = s.childrenForFieldName('alternative').filter((a): a is Node => a !== null);
  if (alts.some((a) => a.type === 'elif_clause')) return rewriteChain(facts, shape, sub, s, alts);
  const cond = field(s, 'condition');
  const c = cond ? translate(cond, sub, facts) : null;
  if (c === null) return null;
  const then = statements(field(s, 'consequence'));
  const other = alts[0] ? statements(field(alts[0], 'body')) : [];
  if (then.length !== 1) return null;
  const a = stmtExpr(then[0] as Node);
  const b = other.length === 1 ? stmtExpr(other[0] as Node) : null;
  if (other.length > 1) return null;
  const np = sub.np;
  // if c: out[i] = e1  [else: out[i] = e2]
  if (a.type === 'assignment' && unparen(field(a, 'left') as Node).type === 'subscript') {
    const target = writeTarget(unparen(field(a, 'left') as Node), shape, sub);
    const e1 = field(a, 'right');
    const t1 = e1 ? translate(e1, sub, facts) : null;
    if (target === null || t1 === null) return null;
    if (!b) return [`${target} = ${np}.where(${c}, ${t1}, ${target.replace(/\[:\]$/, '')})`];
    if (b.type !== 'assignment' || field(b, 'left')?.text !== field(a, 'left')?.text) return null;
    const e2 = field(b, 'right');
    const t2 = e2 ? translate(e2, sub, facts) : null;
    return t2 === null ? null : [`${target} = ${whereOf(np, c, t1, t2)}`];
  }
  if (b) return null;
  // if c: count += 1 / total += e
  if (a.type === 'augmented_assignment' && field(a, 'left')?.type === 'identifier') {
    const name = (field(a, 'left') as Node).text;
    const op = field(a, 'operator')?.text;
    const e = field(a, 'right');
    if (!e || (op !== '+=' && op !== '-=')) return null;
    if (e.text === '1') return [`${name} ${op} ${np}.count_nonzero(${c})`];
    const t = translate(e, sub, facts);
    return t === null ? null : [`${name} ${op} ${np}.where(${c}, ${t}, 0).sum()`];
  }
  // if c: kept.append(e)
  if (a.type === 'call') {
    const appended = appendOf(a);
    if (!appended) return null;
    const t = translate(appended.value, sub, facts);
    return t === null ? null : [`${appended.list} = ${simple(t) ? t : `(${t})`}[${c}]`];
  }
  return null;
}

/** `if x[i] > best: best = x[i]; best_i = i` → `best_i = int(np.argmax(x))`, `best = x[best_i]` (or `max(best, x.max())`). */
function rewriteSearch(facts: ArrayFacts, shape: LoopShape, sub: Substitution, search: Search): string[] | null {
  const t = translate(search.value, sub, facts);
  if (t === null) return null;
  const v = simple(t) ? t : `(${t})`;
  if (search.companions.size === 0) return [`${search.best} = ${search.kind}(${search.best}, ${v}.${search.kind}())`];
  const [name, value] = [...search.companions][0] as [string, Node];
  if (search.companions.size > 1 || !shape.indexVars.has(value.text) || shape.rangeStart !== 0 || !/^\w+$/.test(name)) return null;
  return [`${name} = int(${sub.np}.arg${search.kind}(${t}))  # if some element beats the starting ${search.best}`, `${search.best} = ${v}[${name}]`];
}

/** `if c1: out[i] = e1 / elif c2: out[i] = e2 / else: out[i] = e3` → nested np.where, innermost the else (or out). */
function rewriteChain(facts: ArrayFacts, shape: LoopShape, sub: Substitution, s: Node, alts: Node[]): string[] | null {
  const branches: Array<{ cond: Node | null; body: Node[] }> = [{ cond: field(s, 'condition'), body: statements(field(s, 'consequence')) }];
  for (const alt of alts) {
    if (alt.type === 'elif_clause') branches.push({ cond: field(alt, 'condition'), body: statements(field(alt, 'consequence')) });
    else branches.push({ cond: null, body: statements(field(alt, 'body')) });
  }
  let left: string | null = null;
  const parts: Array<{ c: string | null; v: string }> = [];
  for (const br of branches) {
    if (br.body.length !== 1) return null;
    const e = stmtExpr(br.body[0] as Node);
    if (e.type !== 'assignment' || unparen(field(e, 'left') as Node).type !== 'subscript') return null;
    const l = (field(e, 'left') as Node).text;
    if (left !== null && l !== left) return null;
    left = l;
    const value = field(e, 'right');
    const v = value ? translate(value, sub, facts) : null;
    const c = br.cond ? translate(br.cond, sub, facts) : null;
    if (v === null || (br.cond && c === null)) return null;
    parts.push({ c, v });
  }
  const first = stmtExpr(branches[0]?.body[0] as Node);
  const target = writeTarget(unparen(field(first, 'left') as Node), shape, sub);
  if (target === null) return null;
  const last = parts[parts.length - 1] as { c: string | null; v: string };
  let acc = last.c === null ? last.v : whereOf(sub.np, last.c, last.v, target.replace(/\[:\]$/, ''));
  for (let k = parts.length - 2; k >= 0; k--) {
    const p = parts[k] as { c: string; v: string };
    acc = whereOf(sub.np, p.c, p.v, acc);
  }
  return [`${target} = ${acc}`];
}

/**
 * `total = 0` just before the loop and `total += a.sum()` from it become `total = a.sum()`; `out = []` and
 * `out = …` likewise. The loop's previous statement is the only one looked at.
 */
function mergeInitialisers(facts: ArrayFacts, loop: Node, lines: string[]): string[] {
  let prev = loop.previousNamedSibling;
  while (prev && prev.type === 'comment') prev = prev.previousNamedSibling;
  const init = prev ? stmtExpr(prev) : null;
  if (!init || init.type !== 'assignment') return lines;
  const name = field(init, 'left')?.text;
  const value = field(init, 'right');
  if (!name || !value) return lines;
  const zero = value.text === '0' || value.text === '0.0' || value.text === '[]' || value.text === 'list()';
  void facts;
  return lines.map((l) => {
    const m = /^(\w+) ([+*-])?= (.*)$/.exec(l);
    if (!m || m[1] !== name) return l;
    if (zero && (m[2] === '+' || m[2] === undefined)) return `${name} = ${m[3]}`;
    if (m[2] === '-' && zero) return `${name} = -${m[3]}`;
    if (m[2] === '*' && (value.text === '1' || value.text === '1.0')) return `${name} = ${m[3]}`;
    return l;
  });
}

