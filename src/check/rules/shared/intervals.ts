// `for s, e in zip(starts, ends): cov[s:e] += 1`: one slice update per interval, at bounds read from arrays. Each
// iteration touches a whole run of `cov`, but the loop is still one Python step per interval, and the whole thing is
// a difference array and one cumulative sum: +1 at every start, -1 at every end, `cumsum`. Order does not matter
// (additions commute; a constant written over runs lands the same whatever the order), so overlaps are fine.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, indicesOf, intLiteral, statements, stmtExpr, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import { sliceParts } from './frames.js';
import { substitution, type LoopVerdict } from './judging.js';
import type { LoopShape } from './loop.js';
import { npAlias, translate, type Substitution } from './translate.js';

interface Update {
  target: string;
  lo: string;
  hi: string;
  /** What each interval adds (`+=`), takes away (`-=`), or writes (`=`, a constant). */
  value: string;
  op: '+=' | '-=' | '=';
}

/** `s`, `starts[i]`, `e + 1`: a bound read per interval (an element, or an item picked by the counter), maybe shifted. */
function perInterval(facts: ArrayFacts, e: Node, shape: LoopShape): boolean {
  const u = unparen(e);
  if (u.type === 'binary_operator' && ['+', '-'].includes(field(u, 'operator')?.type ?? '') && intLiteral(field(u, 'right')) !== null) {
    return perInterval(facts, field(u, 'left') as Node, shape);
  }
  if (u.type === 'identifier') return shape.elements.has(u.text) && !shape.rows.has(u.text);
  if (u.type !== 'subscript') return false;
  const obj = field(u, 'value');
  const idx = indicesOf(u);
  return !!obj && obj.type !== 'subscript' && !usesLoopVarsIn(obj, shape) && facts.valueOf(obj).kind === 'array' &&
    idx.length === 1 && idx[0]?.type === 'identifier' && shape.indexVars.has(idx[0].text);
}

function usesLoopVarsIn(n: Node, shape: LoopShape): boolean {
  return [...identifiersIn(n)].some((id) => shape.indexVars.has(id) || shape.elements.has(id));
}

function updateOf(facts: ArrayFacts, stmt: Node, shape: LoopShape, sub: Substitution): Update | null {
  const e = stmtExpr(stmt);
  if (e.type !== 'augmented_assignment' && e.type !== 'assignment') return null;
  const op = e.type === 'assignment' ? '=' : field(e, 'operator')?.text;
  const left = field(e, 'left');
  const right = field(e, 'right');
  if ((op !== '+=' && op !== '-=' && op !== '=') || !left || !right || left.type !== 'subscript') return null;
  const obj = field(left, 'value');
  const idx = indicesOf(left);
  const slice = idx[0];
  if (!obj || idx.length !== 1 || slice?.type !== 'slice' || usesLoopVarsIn(obj, shape)) return null;
  const target = facts.valueOf(obj);
  if (target.kind !== 'array' || (target.ndim !== undefined && target.ndim !== 1)) return null;
  const [lo, hi, step] = sliceParts(slice);
  if (!lo || !hi || step || !perInterval(facts, lo, shape) || !perInterval(facts, hi, shape)) return null;
  // a constant written over runs is order-free; a value per interval (`labels[s:e] = k`) depends on which run is last
  const r = unparen(right);
  const constant = ['integer', 'float', 'true', 'false'].includes(r.type) || (r.type === 'unary_operator' && intLiteral(r) !== null) ||
    (r.type === 'identifier' && !usesLoopVarsIn(r, shape) && !sub.temps.has(r.text) && facts.valueOf(r).kind !== 'array');
  if (op === '=' ? !constant : !constant && !perInterval(facts, r, shape)) return null;
  const [l, h, v] = [lo, hi, r].map((n) => translate(n, sub, facts));
  if (l === null || h === null || v === null) return null;
  return { target: obj.text, lo: l, hi: h, value: v, op };
}

/** A loop whose whole body is interval updates of one 1-D array: VEC001 with the difference-array rewrite. */
export function judgeIntervals(facts: ArrayFacts, shape: LoopShape): LoopVerdict | null {
  if (shape.node.type !== 'for_statement' || field(shape.node, 'alternative')) return null;
  const body = statements(shape.body).filter((s) => s.type !== 'pass_statement');
  const np = npAlias(facts);
  const sub = substitution(shape, np);
  const updates = body.map((s) => updateOf(facts, s, shape, sub));
  if (updates.length === 0 || updates.some((u) => u === null)) return null;
  const ups = updates as Update[];
  const first = ups[0] as Update;
  if (ups.some((u) => u.target !== first.target || (u.op === '=') !== (first.op === '='))) return null;
  const cov = first.target;
  const neg = (v: string): string => (/^[\w.]+$/.test(v) ? `-${v}` : `-(${v})`);
  const lines = [`d = ${np}.zeros(len(${cov}) + 1${first.op === '=' ? ', dtype=int' : `, dtype=${cov}.dtype`})`];
  for (const u of ups) {
    const [up, down] = u.op === '-=' ? [neg(u.value), u.value] : u.op === '=' ? ['1', '-1'] : [u.value, neg(u.value)];
    lines.push(`${np}.add.at(d, ${u.lo}, ${up})`, `${np}.add.at(d, ${u.hi}, ${down})`);
  }
  lines.push(first.op === '='
    ? `${cov}[d[:-1].cumsum() > 0] = ${first.value}  # assumes 0 <= start <= end <= len(${cov})`
    : `${cov} += d[:-1].cumsum()  # assumes 0 <= start <= end <= len(${cov})`);
  const main = shape.arrays[0] as string;
  const fix: SuggestedFix = {
    description: `a difference array over ${cov}: +1 at every start, -1 at every end, one cumulative sum`,
    replacement: lines.join('\n'),
    safety: 'unsafe',
  };
  return { code: 'VEC001', node: shape.node, anchor: shape.node, shape, arrays: [main], fix };
}
