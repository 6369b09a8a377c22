// What the four loop rules share: the verdict type, the substitution that vectorizes a loop's names, the rule
// chosen for a body (matrix product > branch > plain), and the generic fixes when no exact rewrite exists.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, named, positionalArgs, some, statementsIn, unparen, walk } from '../../ast.js';
import { bodyLocals, frameOf } from './frames.js';
import { randomDraw } from './random-draw.js';
import type { ArrayFacts } from '../../arrays.js';
import type { SuggestedFix } from '../../types.js';
import type { LoopShape } from './loop.js';
import { usesLoopVars, type Substitution } from './translate.js';

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

export function substitution(shape: LoopShape, np: string): Substitution {
  const start = shape.rangeStart;
  const end = shape.rangeEndOffset ?? 0;
  const lo = start === 0 ? '' : String(start);
  // the array that bounds the range reads `x[s:-k]`; any other array the same positions, `y[s:len(x) - k]`
  const slice = (a: string): string => {
    if (end === 0) return start === 0 ? a : `${a}[${lo}:${shape.rangeStop ?? ''}]`;
    return a === shape.rangeOver ? `${a}[${lo}:${-end}]` : `${a}[${lo}:len(${shape.rangeOver}) - ${end}]`;
  };
  const indexes = new Map<string, (a: string) => string>();
  for (const i of shape.indexVars) indexes.set(i, slice);
  const sub: Substitution = { elements: new Map(shape.elements), indexes, rowAxis: '1', np, temps: new Set() };
  if (shape.count !== undefined) sub.count = shape.count;
  if (shape.indexValues) sub.bare = new Map(shape.indexValues);
  if (shape.rangeEndOffset !== undefined && !Number.isNaN(start)) {
    sub.ranges = new Map([...shape.indexVars].map((i) => [i, { start, endOffset: end }]));
  }
  return sub;
}

export function describe(code: LoopCode, main: string): string {
  switch (code) {
    case 'VEC003': return `one batched matrix product over all of ${main} instead of one per item`;
    case 'VEC004': return `a whole-array select (np.where/np.maximum/np.clip/np.abs) over ${main} instead of a branch per element`;
    default: return `whole-array operations on ${main} instead of a Python loop`;
  }
}

export function fallback(code: LoopCode, a: string, np: string, matmul: MatmulSite | null): SuggestedFix {
  switch (code) {
    case 'VEC003': {
      const w = matmul?.other;
      const replacement = w && matmul?.itemOnRight
        ? `out = ${a} @ ${w}.T  # ${w} @ x for every row x of a 2-D ${a}; for a stack of matrices: ${w} @ ${a}`
        : w
        ? `out = ${a} @ ${w}  # matmul broadcasts over the leading (batch) axis; or ${np}.einsum('bnm,mk->bnk', ${a}, ${w})`
        : `# one call for every item: ${np}.matmul(${a}, B) if each item is a matrix; ` +
          `${np}.einsum('nij,nj->ni', ${a}, x) for matrix·vector, ${np}.einsum('ni,nij->nj', ${a}, M) for vector·matrix`;
      return { description: describe(code, a), replacement, safety: 'display-only' };
    }
    case 'VEC004':
      return { description: describe(code, a), replacement: `out = ${np}.where(${a} > 0, ${a}, 0)  # or ${np}.maximum(${a}, 0), ${np}.clip(${a}, lo, hi), ${np}.abs(${a})`, safety: 'display-only' };
    default: {
      // a long iterable (`np.argsort(s)[::-1][:k]`) is named once, not repeated in every example
      const s = /^[A-Za-z_][\w.]*$/.test(a) ? a : 'arr';
      const intro = s === a ? '' : `arr = ${a}; `;
      return { description: describe(code, a), replacement: `# ${intro}apply the body to all of ${s} at once, e.g. ${s} * 2, ${np}.exp(${s}), ${s}.sum(), ${s}[${s} > 0]`, safety: 'display-only' };
    }
  }
}

export interface MatmulSite {
  text: string;
  /** The operand that does not move with the loop (`w` of `x[i] @ w`), when only one side moves. */
  other?: string;
  /** `W @ x[i]`: the item is the right operand. */
  itemOnRight: boolean;
}

/** The two operands of `a @ b`, `np.matmul(a, b)`, `np.dot(a, b)` or `a.dot(b)`; null for anything else. */
export function productOperands(facts: ArrayFacts, n: Node): [Node, Node] | null {
  if (n.type === 'binary_operator' && field(n, 'operator')?.type === '@') {
    const l = field(n, 'left');
    const r = field(n, 'right');
    return l && r ? [l, r] : null;
  }
  if (n.type !== 'call') return null;
  const callee = field(n, 'function');
  const path = callee ? facts.numpyPath(callee) : null;
  const args = positionalArgs(n);
  if ((path === 'matmul' || path === 'dot' || path === 'vdot' || path === 'inner') && args.length === 2) return args as [Node, Node];
  if (callee?.type === 'attribute' && field(callee, 'attribute')?.text === 'dot' && args.length === 1 && path === null) {
    const obj = field(callee, 'object');
    return obj ? [obj, args[0] as Node] : null;
  }
  return null;
}

/** A `@` / np.matmul / np.dot / .dot() whose operand is this iteration's item. */
export function matmulIn(facts: ArrayFacts, body: Node, sub: Substitution): MatmulSite | null {
  let hit: MatmulSite | null = null;
  walk(body, (n) => {
    if (hit) return false;
    const ops = productOperands(facts, n);
    if (ops) {
      const [l, r] = ops;
      const lu = usesLoopVars(l, sub);
      const ru = usesLoopVars(r, sub);
      if (lu || ru) {
        hit = { text: n.text, itemOnRight: !lu };
        if (lu !== ru) hit.other = (lu ? r : l).text;
      }
    }
    return true;
  });
  return hit;
}

/** An `if`, a conditional expression or max/min/abs that acts on this iteration's values (or on a fresh random draw). */
export function branchIn(body: Node, sub: Substitution, facts?: ArrayFacts): boolean {
  const varies = (c: Node): boolean => usesLoopVars(c, sub) || (!!facts && some(c, (k) => k.type === 'call' && randomDraw(facts, k) !== null));
  return some(body, (n) => {
    if (n.type === 'if_statement') {
      const c = field(n, 'condition');
      return !!c && varies(c);
    }
    if (n.type === 'conditional_expression') {
      const c = named(n)[1];
      return usesLoopVars(n, sub) || (!!c && varies(c));
    }
    if (n.type === 'call') {
      const f = field(n, 'function');
      return !!f && f.type === 'identifier' && ['max', 'min', 'abs'].includes(f.text) && usesLoopVars(n, sub);
    }
    return false;
  });
}

/**
 * The loop reads array elements: an element variable is used, or `A[i]` / `A[i, …]` is read (a plain write such as
 * `S[i, i] = 1.0` only fills, usually over a handful of dimensions, and is left alone).
 */
export function readsElements(facts: ArrayFacts, shape: LoopShape, skip: Set<number> = new Set()): boolean {
  let found = false;
  // `phase = (i * f) % 1.0; out[i] = 2 * phase - 1`: a local computed from the index is the index's value too, and
  // `out[i] = rng.normal()`: a fresh random draw per element is element work (one draw with `size=n`)
  // (a local used only as slice bounds, `s = b * hop; x[s:s + w]`, marks a chunk or frame, not an element)
  const fromIndex = new Set<string>();
  const varies = (e: Node): boolean => some(e, (k) =>
    (k.type === 'identifier' && isName(k) && (shape.indexVars.has(k.text) || fromIndex.has(k.text)) && !inSlice(k, e)) ||
    (k.type === 'call' && randomDraw(facts, k) !== null));
  for (const st of statementsIn(shape.body)) {
    const left = st.type === 'assignment' ? field(st, 'left') : null;
    const right = left?.type === 'identifier' ? field(st, 'right') : null;
    if (left && right && varies(right)) fromIndex.add(left.text);
  }
  // `if rng.random() < p: flips[i] = True`: the write is decided per element
  const guarded = (stmt: Node): boolean => {
    for (let p = stmt.parent; p && p.id !== shape.body.id; p = p.parent) {
      const c = p.type === 'if_statement' || p.type === 'elif_clause' ? field(p, 'condition') : null;
      if (c && varies(c)) return true;
    }
    return false;
  };
  const locals = bodyLocals(shape.body);
  walk(shape.body, (n) => {
    if (found || skip.has(n.id)) return false;
    // (an element used only as a slice bound, `x[lo:hi]` for each segment, marks a whole segment, not an element)
    if (n.type === 'identifier' && shape.elements.has(n.text) && !indexesContainer(facts, n) && !inSlice(n, shape.body)) found = true;
    else if (n.type === 'subscript') {
      const p = n.parent;
      const first = n.childrenForFieldName('subscript')[0];
      const obj = field(n, 'value');
      // `x[i]`, `x[i - 1]`, a window `x[i:i + w]`: the index moves with the loop (a slice only when it starts at the
      // index itself: `x[i * hop:i * hop + w]` of unknown width or `x[ix[i]:ix[i + 1]]` are frames and segments)
      // (frames of a known small width, `x[k * 24:(k + 1) * 24]`, are rows of one reshaped view: element work too)
      const moves = !!first && (first.type === 'slice'
        ? slidesWith(first, shape.indexVars) || frameOf(facts, first, shape.indexVars, locals) !== null
        : [...identifiersIn(first)].some((id) => shape.indexVars.has(id)));
      const isElement = moves && !!obj && facts.valueOf(obj).kind === 'array';
      // (`res[ix[i]:ix[i + 1]].sum()`: elements read only as segment bounds mark a segment, not element work)
      if (isElement && !(p?.type === 'assignment' && field(p, 'left')?.id === n.id) && !inSlice(n, shape.body)) found = true;
      // `w[k] = f(k)`: an element computed from its index (a window, a schedule)
      else if (isElement && p?.type === 'assignment') {
        const value = field(p, 'right');
        if ((value && varies(value)) || guarded(p)) found = true;
      }
    }
    return !found;
  });
  return found;
}

/** `names[i]` with `names` a list or dict: the element only picks an item of a Python container. */
function indexesContainer(facts: ArrayFacts, n: Node): boolean {
  const p = n.parent;
  if (p?.type !== 'subscript' || field(p, 'value')?.id === n.id) return false;
  const obj = field(p, 'value');
  return !!obj && facts.valueOf(obj).kind !== 'array';
}

/** An identifier that names a variable (not the `b` of `a.b`, not a keyword argument's name). */
function isName(n: Node): boolean {
  const p = n.parent;
  if (p?.type === 'attribute' && field(p, 'attribute')?.id === n.id) return false;
  return !(p?.type === 'keyword_argument' && field(p, 'name')?.id === n.id);
}

/**
 * `x[i:i + w]`, `x[n - k + 1:n + 1]`, `x[:i + 1]`: a slice whose bounds move one step per iteration (the index is an
 * additive term); `x[i * hop:i * hop + w]` and `x[ix[i]:ix[i + 1]]` move by frames and segments instead.
 */
function slidesWith(slice: Node, indexVars: Set<string>): boolean {
  const additive = (e: Node): boolean => {
    const u = unparen(e);
    if (u.type === 'identifier') return indexVars.has(u.text);
    if (u.type !== 'binary_operator' || !['+', '-'].includes(field(u, 'operator')?.type ?? '')) return false;
    const l = field(u, 'left');
    const r = field(u, 'right');
    return (!!l && additive(l)) || (!!r && field(u, 'operator')?.type === '+' && additive(r));
  };
  return named(slice).some((b) => additive(b));
}

function inSlice(n: Node, root: Node): boolean {
  for (let p = n.parent; p && p.id !== root.id; p = p.parent) if (p.type === 'slice') return true;
  return false;
}

export function isWriteTarget(n: Node): boolean {
  const p = n.parent;
  return !!p && (p.type === 'assignment' || p.type === 'augmented_assignment') && field(p, 'left')?.id === n.id;
}
