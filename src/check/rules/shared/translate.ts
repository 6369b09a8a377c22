// Turning a per-element expression into its whole-array twin: `math.exp(x[i]) * 2` → `np.exp(x) * 2`.
// Returns null whenever the rewrite would not be exact for the shape seen; callers then fall back to a generic hint.
import type { Node } from 'web-tree-sitter';
import { field, indicesOf, intLiteral, named, positionalArgs, some, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { drawAll, randomDraw } from './random-draw.js';
import { translateDot, translateTranspose } from './product.js';
import { arrayMembership } from './membership.js';
import { isRowResult } from './rows.js';
import { translateCall } from './translate-call.js';

export interface Substitution {
  /** Element variables: `x` of `for x in a` → `a` (or `a[:, None]` for the outer loop of a pair). */
  elements: Map<string, string>;
  /** Index variables: how `A[i]` reads once vectorized, given A's text. */
  indexes: Map<string, (array: string) => string>;
  /** Axis reductions over rows take, when an element is itself a row (`row.sum()` → `X.sum(axis=1)`). */
  rowAxis: string;
  /** The numpy alias of the file (`np`). */
  np: string;
  /** Local temporaries already vectorized (`v = a[i] * 2` → `v = a * 2`), usable as-is afterwards. */
  temps: Set<string>;
  /** A bare index's whole-array value: `k` of `for k in range(n)` → `np.arange(n)`. */
  bare?: Map<string, string>;
  /** Dimensions of one item of the array the statement writes (0: a scalar), when known. */
  resultItemNdim?: number | undefined;
  /** The loop's iteration count as code (`n`, `len(a)`): the `size=` of a per-iteration random draw. */
  count?: string;
  /** `for i in range(s, len(a) - k)`: `a[i + c]` reads the slice `a[s + c:c - k]`. */
  ranges?: Map<string, { start: number; endOffset: number }>;
  /** Names of unknown type read as `q[i]`, rewritten as arrays: the rewrite starts with `q = np.asarray(q)`. */
  asArrays?: Set<string>;
  /** `x[k * w:(k + 1) * w]` → the stack of every frame (`x[:n * w].reshape(n, w)`), when the loop allows it. */
  frames?: (array: Node, slice: Node) => string | null;
}

/** `disc` in `g[u, :k] * disc`: a loop-invariant array (1-D or of unknown rank) next to a row of the stack. */
function besideRow(n: Node, other: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const u = unparen(n);
  if (u.type !== 'identifier' || usesLoopVars(u, sub) || !/^1(?:,|$)/.test(sub.rowAxis)) return null;
  const v = facts.valueOf(u);
  if (v.kind !== 'array' || (v.ndim !== undefined && v.ndim !== 1)) return null;
  return isRow(other, sub, facts) ? u.text : null;
}

/** `X[i, :k]`, `np.sort(X[i])[::-1]`, `(X[i, 1:] - X[i, :-1])`: this iteration's row, as opposed to one element. */
function isRow(node: Node, sub: Substitution, facts: ArrayFacts): boolean {
  const n = unparen(node);
  if (n.type === 'binary_operator') return [field(n, 'left'), field(n, 'right')].some((o) => !!o && isRow(o, sub, facts));
  if (isRowResult(facts, n)) return true;
  if (n.type !== 'subscript') return false;
  const idx = indicesOf(n);
  const first = idx[0] ? unparen(idx[0]) : null;
  return !!first && first.type === 'identifier' && sub.indexes.has(first.text) && idx.slice(1).some((i) => i.type === 'slice');
}

/** A bare `:` (the whole axis). */
export function isFullSlice(node: Node | null | undefined): boolean {
  return !!node && node.type === 'slice' && node.text.replace(/\s+/g, '') === ':';
}

/** `i`, `i + 1`, `i - 2` → [name, offset] when `node` is an index variable plus a literal. */
function offsetIndex(node: Node, sub: Substitution): [string, number] | null {
  const n = unparen(node);
  if (n.type === 'identifier') return sub.indexes.has(n.text) ? [n.text, 0] : null;
  if (n.type !== 'binary_operator') return null;
  const op = field(n, 'operator')?.type;
  const l = field(n, 'left');
  const r = field(n, 'right');
  if (!l || !r || (op !== '+' && op !== '-') || l.type !== 'identifier' || !sub.indexes.has(l.text)) return null;
  const k = intLiteral(r);
  return k === null ? null : [l.text, op === '+' ? k : -k];
}

/** `np.where(c, a, b)`, except that a mask chosen with True/False is the mask itself. */
export function whereOf(np: string, c: string, a: string, b: string): string {
  if (a === 'True' && b === 'False') return c;
  if (a === 'False' && b === 'True') return `~(${c})`;
  return `${np}.where(${c}, ${a}, ${b})`;
}

export function npAlias(facts: ArrayFacts): string {
  if (facts.numpyAliases.has('np')) return 'np';
  const first = facts.numpyAliases.values().next();
  return first.done ? 'np' : first.value;
}

/** True when `node` reads a loop variable (element or index) or a vectorized temporary. */
export function usesLoopVars(node: Node, sub: Substitution): boolean {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (n.type === 'identifier') {
      if (sub.elements.has(n.text) || sub.indexes.has(n.text) || sub.temps.has(n.text)) return true;
      continue;
    }
    const skip = n.type === 'attribute' ? field(n, 'attribute')?.id : n.type === 'keyword_argument' ? field(n, 'name')?.id : undefined;
    for (const c of n.namedChildren) if (c && c.id !== skip) stack.push(c);
  }
  return false;
}

/** Past this depth an expression is not rewritten (generated code; a stack overflow would be worse). */
const MAX_DEPTH = 100;
let depth = 0;

export function translate(node: Node, sub: Substitution, facts: ArrayFacts): string | null {
  if (depth >= MAX_DEPTH) return null;
  depth++;
  try {
    return translateNode(node, sub, facts);
  } finally {
    depth--;
  }
}

function translateNode(node: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const n = node;
  const draw = n.type === 'call' ? randomDraw(facts, n) : null;
  if (draw) {
    const args = positionalArgs(n);
    const moving = args.some((a) => usesLoopVars(a, sub));
    const ts = args.map((a) => translate(a, sub, facts));
    return ts.some((t) => t === null) ? null : drawAll(draw, n, ts as string[], sub.count, moving);
  }
  if (!usesLoopVars(n, sub) && !some(n, (k) => k.type === 'call' && randomDraw(facts, k) !== null)) {
    // loop-invariant: fine as a scalar, but a whole array here would broadcast differently once vectorized
    if (n.type === 'identifier' && facts.isArray(n)) return null;
    return n.text;
  }
  switch (n.type) {
    case 'identifier': {
      if (sub.temps.has(n.text)) return n.text;
      const el = sub.elements.get(n.text);
      return el ?? sub.bare?.get(n.text) ?? null;
    }
    case 'parenthesized_expression': {
      const inner = named(n)[0];
      const t = inner ? translate(inner, sub, facts) : null;
      return t === null ? null : `(${t})`;
    }
    case 'subscript':
      return translateSubscript(n, sub, facts);
    case 'binary_operator': {
      const l = field(n, 'left');
      const r = field(n, 'right');
      const op = field(n, 'operator')?.type;
      if (!l || !r || !op) return null;
      if (op === '@') return translateDot(l, r, sub, facts);
      // a whole 1-D array beside this iteration's row (`g[u, :k] * disc`) broadcasts along the row's axis as it is
      const lt = translate(l, sub, facts) ?? besideRow(l, r, sub, facts);
      const rt = translate(r, sub, facts) ?? besideRow(r, l, sub, facts);
      return lt === null || rt === null ? null : `${lt} ${op} ${rt}`;
    }
    case 'unary_operator': {
      const arg = field(n, 'argument');
      const t = arg ? translate(arg, sub, facts) : null;
      return t === null ? null : `${n.text.trimStart()[0]}${t}`;
    }
    case 'not_operator': {
      const arg = field(n, 'argument');
      const t = arg ? translate(arg, sub, facts) : null;
      return t === null ? null : `~(${t})`;
    }
    case 'boolean_operator': {
      const l = field(n, 'left');
      const r = field(n, 'right');
      const op = field(n, 'operator')?.type === 'and' ? '&' : '|';
      const lt = l ? translate(l, sub, facts) : null;
      const rt = r ? translate(r, sub, facts) : null;
      return lt === null || rt === null ? null : `(${lt}) ${op} (${rt})`;
    }
    case 'comparison_operator': {
      const parts = named(n);
      const ops = n.children.filter((c) => c !== null && !c.isNamed).map((c) => (c as Node).text);
      if (ops.some((o) => o === 'in' || o === 'is' || o === 'not' || o.includes(' '))) return translateMembership(n, sub, facts);
      const ts = parts.map((p) => translate(p, sub, facts));
      if (ts.some((t) => t === null)) return null;
      if (ops.length === 1) return `${ts[0]} ${ops[0]} ${ts[1]}`;
      const pieces: string[] = [];
      for (let k = 0; k < ops.length; k++) pieces.push(`(${ts[k]} ${ops[k]} ${ts[k + 1]})`);
      return pieces.join(' & ');
    }
    case 'conditional_expression': {
      const [a, c, b] = named(n);
      if (!a || !b || !c) return null;
      const at = translate(a, sub, facts);
      const ct = translate(c, sub, facts);
      const bt = translate(b, sub, facts);
      return at === null || bt === null || ct === null ? null : whereOf(sub.np, ct, at, bt);
    }
    case 'call':
      return translateCall(n, sub, facts);
    case 'attribute': {
      const obj = field(n, 'object');
      const attr = field(n, 'attribute')?.text;
      if (!obj || !attr) return null;
      if (attr === 'real' || attr === 'imag') {
        const t = translate(obj, sub, facts);
        return t === null ? null : `${t}.${attr}`;
      }
      if (attr === 'T') return translateTranspose(obj, sub, facts);
      return null;
    }
    default:
      return null;
  }
}

/** `a[i] in B[i]` → `(B == a[:, None]).any(axis=1)`; `a[i] in valid` → `np.isin(a, valid)`. */
function translateMembership(n: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const loopVars = new Set([...sub.elements.keys(), ...sub.indexes.keys(), ...sub.temps]);
  const m = arrayMembership(facts, n, loopVars, sub.elements);
  if (!m || (m.rowwise && !/^1(?:,|$)/.test(sub.rowAxis))) return null;
  const l = translate(m.left, sub, facts);
  const r = m.rowwise ? translate(m.right, sub, facts) : m.right.text;
  if (l === null || r === null) return null;
  const base = /^[\w.]+$/.test(l) ? l : `(${l})`;
  const test = m.rowwise ? `(${r} == ${base}[:, None]).any(axis=1)` : `${sub.np}.isin(${l}, ${r})`;
  return m.negated ? `~${test}` : test;
}

function translateSubscript(n: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const obj = field(n, 'value');
  const idx = indicesOf(n);
  if (!obj || idx.length === 0) return null;
  // `X[i, j]` over a nest of index loops: the whole of X; `img[y, x, 0]`: `img[:, :, 0]`
  const lead = idx.findIndex((r) => !(r.type === 'identifier' && sub.indexes.has(r.text)));
  const k = lead === -1 ? idx.length : lead;
  if (k > 1 && new Set(idx.slice(0, k).map((r) => r.text)).size === k) {
    const fns = idx.slice(0, k).map((r) => (sub.indexes.get(r.text) as (a: string) => string)(obj.text));
    if (usesLoopVars(obj, sub) || !fns.every((f) => f === obj.text) || idx.slice(k).some((r) => usesLoopVars(r, sub))) return null;
    return k === idx.length ? obj.text : `${obj.text}[${[...Array(k).fill(':'), ...idx.slice(k).map((r) => r.text)].join(', ')}]`;
  }
  // `A[i + 1]` over `range(s, len(A) - k)`: the shifted slice (np.diff-style neighbours)
  const shifted = offsetIndex(idx[0] as Node, sub);
  if (shifted && shifted[1] !== 0 && idx.length === 1 && !usesLoopVars(obj, sub) && facts.valueOf(obj).kind === 'array') {
    const range = sub.ranges?.get(shifted[0]);
    if (!range) return null;
    const lo = range.start + shifted[1];
    const hi = shifted[1] - range.endOffset;
    if (lo < 0 || hi > 0) return null;
    return `${obj.text}[${lo === 0 ? '' : lo}:${hi === 0 ? '' : hi}]`;
  }
  // `A[:, j]`: column j of A is row j of A.T; `P[:, s, :]`: item s of np.moveaxis(P, 1, 0)
  const at = idx.findIndex((r) => !isFullSlice(r));
  const moved = at > 0 ? unparen(idx[at] as Node) : null;
  if (moved && moved.type === 'identifier' && sub.indexes.has(moved.text) && idx.slice(at + 1).every((r) => isFullSlice(r)) &&
      !usesLoopVars(obj, sub) && facts.valueOf(obj).kind === 'array') {
    const base = at === 1 && idx.length === 2 ? `${obj.text}.T` : `${sub.np}.moveaxis(${obj.text}, ${at}, 0)`;
    return (sub.indexes.get(moved.text) as (a: string) => string)(base);
  }
  // a slice before the moving index otherwise (`P[:, s, 0]`): the item's axes are not the leading ones
  if (at > 0 && idx.slice(at).some((r) => usesLoopVars(r, sub))) return null;
  // `A[i]`, `A[i, k]`, `A[i][k]`
  const first = unparen(idx[0] as Node);
  if (first.type === 'identifier' && sub.indexes.has(first.text) && !usesLoopVars(obj, sub)) {
    // a sequence of unknown type walked by the counter (a parameter without annotation): converted once, up front
    if (facts.valueOf(obj).kind === 'unknown' && obj.type === 'identifier' && sub.asArrays && idx.length === 1) sub.asArrays.add(obj.text);
    else if (facts.valueOf(obj).kind !== 'array') return null;
    const rest = idx.slice(1);
    if (rest.some((r) => usesLoopVars(r, sub))) return null;
    const base = (sub.indexes.get(first.text) as (a: string) => string)(obj.text);
    if (rest.length === 0) return base;
    return base === obj.text ? `${obj.text}[:, ${rest.map((r) => r.text).join(', ')}]` : null;
  }
  // `x[k * 24:(k + 1) * 24]`: frame k of a stack of frames, one per row
  if (sub.frames && idx.length === 1 && idx[0]?.type === 'slice' && !usesLoopVars(obj, sub)) {
    const frames = sub.frames(obj, idx[0]);
    if (frames !== null) return frames;
  }
  // `table[idx[i]]`: a gather through an index array, `table[idx]`
  if (!usesLoopVars(obj, sub) && facts.valueOf(obj).kind === 'array') {
    const parts = idx.map((r) => (r.type === 'slice' ? (usesLoopVars(r, sub) ? null : r.text) : translate(r, sub, facts)));
    return parts.some((p) => p === null) ? null : `${obj.text}[${parts.join(', ')}]`;
  }
  // `row[k]` of an element row, or `A[i][k]`
  const inner = translate(obj, sub, facts);
  if (inner === null || idx.some((r) => usesLoopVars(r, sub))) return null;
  // (`np.sort(g[u])[::-1][:k]`: slices of a row function's result, one row per iteration)
  if (/^[A-Za-z_][\w.]*$/.test(inner) || (/^1(?:,|$)/.test(sub.rowAxis) && isRowResult(facts, obj))) return `${inner}[:, ${idx.map((r) => r.text).join(', ')}]`;
  return null;
}
