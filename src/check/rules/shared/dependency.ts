// Loop-carried dependencies, the seed's "iterations depend on each other" exception: x[i] from x[i-1], running values
// carried between iterations, writes at data-dependent positions; accumulations and (arg)max searches are reductions.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, indicesOf, named, statements, stmtExpr, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { LoopShape } from './loop.js';

interface Access { name: string; index: string; write: boolean; commuting?: boolean }

const COMMUTING = new Set(['+=', '-=', '*=', '|=', '&=']);

/**
 * Loop-carried dependencies: x[i] computed from x[i-1], a running value carried between iterations
 * (prev = x), writes at data-dependent positions (scatter). Accumulators (s += …, m = max(m, …)) are fine:
 * they are reductions.
 */
export function dependency(facts: ArrayFacts, shape: LoopShape, outerVars: Set<string>): string | null {
  const loopVars = new Set([...shape.indexVars, ...shape.elements.keys(), ...outerVars]);
  const stmts = flatten(statements(shape.body)).filter((s) => s !== shape.counterStep);
  const assignedBefore = new Set<string>();
  const allAssigned = new Set<string>();
  const accumulators = new Set<string>();
  const subscriptWrites: Access[] = [];
  const subscriptReads: Access[] = [];
  const searches = searchVars(shape.body, loopVars);
  for (const s of stmts) {
    const e = stmtExpr(s);
    if (e.type === 'assignment' || e.type === 'augmented_assignment') {
      const left = field(e, 'left');
      if (!left) return 'unusual assignment';
      for (const id of targetsOf(left)) allAssigned.add(id);
    }
  }
  for (const s of stmts) {
    const e = stmtExpr(s);
    if (e.type === 'assignment' || e.type === 'augmented_assignment') {
      const left = unparen(field(e, 'left') as Node);
      const right = field(e, 'right');
      if (!right) return 'annotation only';
      if (left.type === 'attribute') return 'writes an attribute per element';
      if (left.type === 'subscript') {
        // `K[i, j] = K[j, i] = v`: every target of a chained assignment is a write
        let value: Node = right;
        const targets = [left];
        while (value.type === 'assignment' && field(value, 'right')) {
          const l = field(value, 'left');
          if (l?.type !== 'subscript') return 'unusual chained assignment';
          targets.push(l);
          value = field(value, 'right') as Node;
        }
        for (const t of targets) {
          const obj = field(t, 'value');
          const idx = indexKey(t, loopVars);
          if (!obj || idx === null) return 'unusual subscript';
          const targetKind = facts.valueOf(obj).kind;
          if (targetKind !== 'array' && targetKind !== 'other') return `writes into ${obj.text}, not known to be an array`;
          // a list filled by position is fine; `d[key] = v` into a dict (or any non-array) by value is not array work
          if (targetKind === 'other' && !positional(t, shape)) return `writes into ${obj.text} by key`;
          const commuting = e.type === 'augmented_assignment' && COMMUTING.has(field(e, 'operator')?.text ?? '');
          subscriptWrites.push({ name: obj.text, index: idx, write: true, commuting });
        }
        const obj = field(left, 'value') as Node;
        const idx = indexKey(left, loopVars) as string;
        collectReads(value, subscriptReads, loopVars);
        // `x[j] += v` reads x[j] only to add to it: additions commute, so such updates at different positions
        // (`pts[home[m]] += 3`, `pts[away[m]] += 1`) do not depend on each other; other updates read a value
        if (e.type === 'augmented_assignment' && !COMMUTING.has(field(e, 'operator')?.text ?? '')) subscriptReads.push({ name: obj.text, index: idx, write: false });
        const carried = readsCarried(value, allAssigned, assignedBefore, loopVars);
        if (carried) return `value carried between iterations (${carried})`;
        continue;
      }
      if (left.type !== 'identifier') {
        const carried = readsCarried(right, allAssigned, assignedBefore, loopVars);
        if (carried) return `value carried between iterations (${carried})`;
        for (const id of targetsOf(left)) assignedBefore.add(id);
        // `x[p[k]], x[k] = x[k], x[p[k]]`: swaps write items too (and read the ones they move)
        for (const t of named(left).map(unparen)) {
          const obj = t.type === 'subscript' ? field(t, 'value') : null;
          const idx = t.type === 'subscript' ? indexKey(t, loopVars) : null;
          if (obj && idx !== null) subscriptWrites.push({ name: obj.text, index: idx, write: true });
        }
        collectReads(right, subscriptReads, loopVars);
        continue;
      }
      const name = left.text;
      // `p = min(max(p, lo), hi)`: an element variable rebound from this iteration's values is a fresh local (the
      // loop binds it again next time); rebinding a counter changes which items the loop visits
      if (loopVars.has(name)) {
        if (!shape.elements.has(name) || outerVars.has(name) || readsCarried(right, allAssigned, assignedBefore, loopVars)) return 'rebinds the loop variable';
        collectReads(right, subscriptReads, loopVars);
        continue;
      }
      if (isAccumulation(e, name) || isGrowthOf(right, name)) {
        accumulators.add(name);
        collectReads(right, subscriptReads, loopVars);
        continue;
      }
      const carried = readsCarried(right, allAssigned, assignedBefore, loopVars);
      if (carried) return `value carried between iterations (${carried})`;
      assignedBefore.add(name);
      collectReads(right, subscriptReads, loopVars);
      continue;
    }
    if (e.type === 'if_statement') {
      // its blocks were flattened after it; `if x > best: best = x` reads a carried value, which is fine only for a
      // plain (arg)max search whose result nothing else in the loop reads
      for (const cond of ifConditions(e)) {
        const carried = readsCarried(cond, allAssigned, new Set([...assignedBefore, ...searches]), loopVars);
        if (carried) return `value carried between iterations (${carried})`;
        collectReads(cond, subscriptReads, loopVars);
      }
      continue;
    }
    collectReads(e, subscriptReads, loopVars);
    const carried = readsCarried(e, allAssigned, assignedBefore, loopVars);
    if (carried) return `value carried between iterations (${carried})`;
  }
  // an accumulator read anywhere but its own updates is a prefix scan; updates of two kinds (`s += x; s *= 2`) are a
  // recurrence, while one kind in several branches (`loss += a * a` or `loss += d * (a - d)`) is still one reduction
  for (const acc of accumulators) {
    const kinds = new Set<string>();
    for (const s of stmts) {
      const e = stmtExpr(s);
      const right = e.type === 'assignment' || e.type === 'augmented_assignment' ? field(e, 'right') : null;
      const kind = !right ? null : e.type === 'assignment' && isGrowthOf(right, acc) ? 'growth' : accumulationKind(e, acc);
      if (kind !== null && field(e, 'left')?.text === acc) {
        kinds.add(kind);
        continue;
      }
      const reads = s.type === 'if_statement' ? ifConditions(s) : [s];
      if (reads.some((r) => identifiersIn(r).has(acc))) return `running value ${acc} is read inside the loop`;
    }
    if (kinds.size > 1) return `running value ${acc} is updated in two ways`;
  }
  for (const w of subscriptWrites) {
    for (const r of subscriptReads) if (r.name === w.name && r.index !== w.index) return `x[i] from x[i-1] (${w.name})`;
    // `x[j + 1] = a; x[j - 1] -= b`: updates commute with each other, not with overwrites of the same items
    if (w.commuting && subscriptWrites.some((o) => !o.commuting && o.name === w.name && o.index !== w.index)) {
      return `updates and overwrites of ${w.name} at different positions`;
    }
  }
  // `x[i] = (b[i] - A[i] @ x) / A[i, i]` (Gauss–Seidel): each element is computed from the whole array being written
  const written = new Set(subscriptWrites.map((w) => w.name));
  const whole = written.size > 0 ? wholeRead(shape.body, written) : null;
  if (whole) return `reads all of ${whole} while writing it`;
  void facts;
  return null;
}

/** A name among `names` read as a whole array (not `x[…]`, not `len(x)` or `x.shape`). */
function wholeRead(body: Node, names: Set<string>): string | null {
  let hit: string | null = null;
  walk(body, (n) => {
    if (hit) return false;
    if (n.type !== 'identifier' || !names.has(n.text)) return true;
    const p = n.parent;
    if (!p) return true;
    if (p.type === 'subscript' && field(p, 'value')?.id === n.id) return true;
    if (p.type === 'attribute' && field(p, 'object')?.id === n.id && ['shape', 'size', 'ndim', 'dtype'].includes(field(p, 'attribute')?.text ?? '')) return true;
    if (p.type === 'argument_list' && p.parent && field(p.parent, 'function')?.text === 'len') return true;
    if ((p.type === 'assignment' || p.type === 'augmented_assignment') && field(p, 'left')?.id === n.id) return true;
    hit = n.text;
    return false;
  });
  return hit;
}

/** Statements of a body with if/elif/else blocks spliced in place. */
function flatten(stmts: Node[]): Node[] {
  const out: Node[] = [];
  for (const s of stmts) {
    if (s.type === 'if_statement') {
      out.push(s);
      out.push(...flatten(statements(field(s, 'consequence'))));
      for (const alt of s.childrenForFieldName('alternative')) {
        if (!alt) continue;
        if (alt.type === 'elif_clause') out.push(...flatten(statements(field(alt, 'consequence'))));
        else out.push(...flatten(statements(field(alt, 'body'))));
      }
    } else out.push(s);
  }
  return out;
}

function ifConditions(s: Node): Node[] {
  const out: Node[] = [];
  const c = field(s, 'condition');
  if (c) out.push(c);
  for (const alt of s.childrenForFieldName('alternative')) {
    const ac = alt ? field(alt, 'condition') : null;
    if (ac) out.push(ac);
  }
  return out;
}

function targetsOf(left: Node): string[] {
  const l = unparen(left);
  if (l.type === 'identifier') return [l.text];
  if (l.type === 'pattern_list' || l.type === 'tuple_pattern' || l.type === 'list_pattern') return named(l).flatMap(targetsOf);
  return [];
}

/** `out[i]` / `out[i, j]` with the loop's own counters. */
function positional(sub: Node, shape: LoopShape): boolean {
  const idx = indicesOf(sub);
  return idx.length > 0 && idx.every((i) => i.type === 'identifier' && shape.indexVars.has(i.text));
}

/** `acc = np.append(acc, x)` and friends: VEC005 reports the growth; as a dependency it is an accumulation. */
function isGrowthOf(right: Node, name: string): boolean {
  const r = unparen(right);
  const head = r.type === 'call' ? field(r, 'function') : r.type === 'subscript' ? field(r, 'value') : null;
  if (!head || !/(?:^|\.)(?:append|concatenate|vstack|hstack|r_)$/.test(head.text)) return false;
  return r.text.includes(name);
}

/** `s += e`, `s = s + e`, `s = max(s, e)`, with e free of s. */
function isAccumulation(e: Node, name: string): boolean {
  return accumulationKind(e, name) !== null;
}

/** The reduction an accumulation performs (`+` for `+=`, `-=` and `s = s + e`; `*`; `max`; `min`; `|`; `&`), else null. */
function accumulationKind(e: Node, name: string): string | null {
  const right = field(e, 'right');
  if (!right) return null;
  if (e.type === 'augmented_assignment') {
    const op = field(e, 'operator')?.text ?? '';
    if (!COMMUTING.has(op) || identifiersIn(right).has(name)) return null;
    return op === '-=' ? '+' : op.slice(0, 1);
  }
  const r = unparen(right);
  if (r.type === 'binary_operator' && ['+', '*'].includes(field(r, 'operator')?.type ?? '')) {
    const l = field(r, 'left');
    const rr = field(r, 'right');
    const op = field(r, 'operator')?.type as string;
    if (l?.text === name && rr && !identifiersIn(rr).has(name)) return op;
    if (rr?.text === name && l && !identifiersIn(l).has(name)) return op;
  }
  if (r.type === 'call' && ['max', 'min'].includes(field(r, 'function')?.text ?? '')) {
    const args = named(field(r, 'arguments') as Node);
    if (args.length === 2 && args.filter((a) => a.text === name).length === 1) {
      const other = args.find((a) => a.text !== name) as Node;
      return identifiersIn(other).has(name) ? null : (field(r, 'function') as Node).text;
    }
  }
  return null;
}

/** A name assigned somewhere in the body but read here before any assignment this iteration. */
function readsCarried(node: Node, allAssigned: Set<string>, before: Set<string>, loopVars: Set<string>): string | null {
  for (const id of identifiersIn(node)) {
    if (allAssigned.has(id) && !before.has(id) && !loopVars.has(id)) return id;
  }
  return null;
}

/**
 * The part of an index that moves with the loop: `i` for `x[i, 0]` and `x[i, 1]` alike (different columns of one
 * row do not depend on each other), `i-1` for `x[i - 1]`, `idx[i]` for a gather through an index array.
 */
function indexKey(sub: Node, loopVars: Set<string>): string | null {
  const idx = indicesOf(sub);
  if (idx.length === 0) return null;
  const moving = idx.filter((i) => [...identifiersIn(i)].some((id) => loopVars.has(id)));
  return (moving.length > 0 ? moving : idx).map((i) => i.text.replace(/\s+/g, '')).join(',');
}

function collectReads(node: Node, out: Access[], loopVars: Set<string>): void {
  walk(node, (n) => {
    if (n.type === 'subscript') {
      const obj = field(n, 'value');
      const idx = indexKey(n, loopVars);
      if (obj && idx !== null) out.push({ name: obj.text, index: idx, write: false });
    }
    return true;
  });
}

/**
 * `if x[i] > best: best = x[i]; best_i = i`: an (arg)max or (arg)min search, a reduction. `best` is read only by
 * this comparison, and the names set beside it (`best_i`) only from loop variables and never read in the loop.
 */
export interface Search {
  node: Node;
  best: string;
  /** The value compared and kept (`x[i]`). */
  value: Node;
  kind: 'max' | 'min';
  /** `best_i = i`: names set with the new best, and what they are set to. */
  companions: Map<string, Node>;
}

export function searchOf(s: Node, loopVars: Set<string>): Search | null {
  if (s.type !== 'if_statement' || s.childrenForFieldName('alternative').some((a) => a !== null)) return null;
  const cond = field(s, 'condition');
  const c = cond ? unparen(cond) : null;
  if (!c || c.type !== 'comparison_operator') return null;
  const ops = c.children.filter((k) => k !== null && !k.isNamed).map((k) => (k as Node).text);
  const [l, r] = named(c);
  if (ops.length !== 1 || !l || !r || !['<', '<=', '>', '>='].includes(ops[0] as string)) return null;
  // `best` is the side the consequence overwrites with the other side
  const keeps = (b: Node, v: Node): boolean => b.type === 'identifier' && !loopVars.has(b.text) && !identifiersIn(v).has(b.text) &&
    statements(field(s, 'consequence')).some((st) => assigns(stmtExpr(st), b.text, v.text));
  const bestLeft = keeps(l, r);
  const bestRight = keeps(r, l);
  if (bestLeft === bestRight) return null;
  const best = (bestLeft ? l : r).text;
  const value = bestLeft ? r : l;
  // `value > best` keeps the largest; `best > value` the smallest
  const greater = (ops[0] as string).startsWith('>') === bestRight;
  const companions = new Map<string, Node>();
  let kept = false;
  for (const st of statements(field(s, 'consequence'))) {
    const e = stmtExpr(st);
    if (e.type !== 'assignment') return null;
    const left = unparen(field(e, 'left') as Node);
    const right = unparen(field(e, 'right') as Node);
    const pairs: Array<[Node, Node]> = left.type === 'identifier' || left.type === 'subscript' ? [[left, right]]
      : (left.type === 'pattern_list' || left.type === 'tuple_pattern') && (right.type === 'expression_list' || right.type === 'tuple') && named(left).length === named(right).length
        ? named(left).map((t, k) => [t, named(right)[k] as Node]) : [];
    if (pairs.length === 0) return null;
    for (const [t, v] of pairs) {
      // `idx[i] = j` beside the new best: the arg of the search, stored per outer row
      if (t.type === 'subscript' && t.childrenForFieldName('subscript').every((k) => !k || k.type === 'comment' || loopVars.has(k.text)) &&
          [...identifiersIn(v)].every((id) => loopVars.has(id))) {
        companions.set(t.text, v);
        continue;
      }
      if (t.type !== 'identifier') return null;
      if (t.text === best) {
        if (v.text.replace(/\s+/g, '') !== value.text.replace(/\s+/g, '')) return null;
        kept = true;
      } else if ([...identifiersIn(v)].every((id) => loopVars.has(id)) && identifiersIn(v).size > 0) companions.set(t.text, v);
      else return null;
    }
  }
  return kept ? { node: s, best, value, kind: greater ? 'max' : 'min', companions } : null;
}

/** `name = value` or `name, other = value, …` */
function assigns(e: Node, name: string, value: string): boolean {
  if (e.type !== 'assignment') return false;
  const left = unparen(field(e, 'left') as Node);
  const right = unparen(field(e, 'right') as Node);
  const flat = (t: string): string => t.replace(/\s+/g, '');
  if (left.type === 'identifier') return left.text === name && flat(right.text) === flat(value);
  const ls = named(left);
  const rs = named(right);
  return ls.length === rs.length && ls.some((t, k) => t.text === name && flat((rs[k] as Node).text) === flat(value));
}

/** The search variables of `body`'s top-level searches whose names the rest of the body never reads. */
function searchVars(body: Node, loopVars: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const st of statements(body)) {
    const found = searchOf(st, loopVars);
    if (!found) continue;
    const names = [found.best, ...found.companions.keys()];
    const readElsewhere = statements(body).some((other) => other !== st && names.some((n) => identifiersIn(other).has(n)));
    if (!readElsewhere) names.forEach((n) => out.add(n));
  }
  return out;
}
