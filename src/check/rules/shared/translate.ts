// Turning a per-element expression into its whole-array twin: `math.exp(x[i]) * 2` → `np.exp(x) * 2`.
// Returns null whenever the rewrite would not be exact for the shape seen; callers then fall back to a generic hint.
import type { Node } from 'web-tree-sitter';
import { field, intLiteral, named, positionalArgs, some, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { BUILTIN_TO_NUMPY, MATH_TO_NUMPY, REDUCTIONS } from '../../numpy-api.js';
import { drawAll, randomDraw } from './random-draw.js';
import { translateDot, translateTranspose } from './product.js';

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
  /** `x[k * w:(k + 1) * w]` → the stack of every frame (`x[:n * w].reshape(n, w)`), when the loop allows it. */
  frames?: (array: Node, slice: Node) => string | null;
}

/**
 * The axes one item spans once every item is stacked: `1` for rows of a 2-D array (the usual case, and the guess
 * when shapes are unknown), `(1, 2)` for the 2-D frames of a known 3-D stack. Pair broadcasts keep their own axis.
 */
function itemAxes(sub: Substitution, item: Node, facts: ArrayFacts): string {
  if (!/^1(?:,|$)/.test(sub.rowAxis)) return sub.rowAxis;
  const v = facts.valueOf(item);
  if (v.kind !== 'array' || v.ndim === undefined || v.ndim < 2) return sub.rowAxis;
  const axes = `(${Array.from({ length: v.ndim }, (_, k) => k + 1).join(', ')})`;
  return sub.rowAxis.replace(/^1/, axes);
}

/** `x * 100` → `(x * 100)`, so a method call applies to the whole expression. */
function atomic(t: string): string {
  let depth = 0;
  for (const c of t) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && /[\s+\-*/%<>=&|^~@,]/.test(c)) return `(${t})`;
  }
  return t;
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

const REDUCE_METHODS = new Set(['sum', 'mean', 'max', 'min', 'std', 'var', 'prod', 'any', 'all', 'argmax', 'argmin']);
// every NumPy reduction takes `axis=` (np.count_nonzero, np.nanmean, … included: without it they would reduce everything)
const REDUCE_FUNCS = new Set([...REDUCTIONS, 'amax', 'amin']);

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
      const lt = translate(l, sub, facts);
      const rt = translate(r, sub, facts);
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
      if (ops.some((o) => o === 'in' || o === 'is' || o === 'not' || o.includes(' '))) return null;
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

function translateSubscript(n: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const obj = field(n, 'value');
  const idx = n.childrenForFieldName('subscript').filter((c): c is Node => c !== null && c.type !== 'comment');
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
    if (facts.valueOf(obj).kind !== 'array') return null;
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
  if (/^[A-Za-z_][\w.]*$/.test(inner)) return `${inner}[:, ${idx.map((r) => r.text).join(', ')}]`;
  return null;
}

function translateCall(n: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const callee = field(n, 'function');
  if (!callee) return null;
  const args = positionalArgs(n);
  const argNodes = field(n, 'arguments');
  if (!argNodes || named(argNodes).length !== args.length) return translateKeywordCall(n, callee, sub, facts);
  const npPath = facts.numpyPath(callee);
  const dotted = callee.type === 'attribute' || callee.type === 'identifier' ? callee.text : '';
  if (npPath === 'dot' || npPath === 'matmul') return args.length === 2 ? translateDot(args[0] as Node, args[1] as Node, sub, facts) : null;
  if (callee.type === 'attribute' && field(callee, 'attribute')?.text === 'dot' && args.length === 1 && npPath === null) {
    const obj = field(callee, 'object');
    return obj ? translateDot(obj, args[0] as Node, sub, facts) : null;
  }
  const ts = args.map((a) => translate(a, sub, facts));
  if (ts.some((t) => t === null)) return null;
  const targs = ts as string[];
  const np = sub.np;
  if (npPath !== null) {
    if (REDUCE_FUNCS.has(npPath)) return args.length === 1 ? `${np}.${npPath}(${targs[0]}, axis=${itemAxes(sub, args[0] as Node, facts)})` : null;
    if (npPath.startsWith('random.')) return null;
    return `${np}.${npPath}(${targs.join(', ')})`;
  }
  const math = /^(?:math|cmath)\.(\w+)$/.exec(dotted);
  if (math) {
    const twin = MATH_TO_NUMPY[math[1] as string];
    if (!twin || twin.startsWith('special.')) return null;
    return `${np}.${twin}(${targs.join(', ')})`;
  }
  if (callee.type === 'identifier') {
    const name = callee.text;
    if (name === 'float') return targs.length === 1 ? `${atomic(targs[0] as string)}.astype(float)` : null;
    if (name === 'int') return targs.length === 1 ? `${atomic(targs[0] as string)}.astype(int)` : null;
    if ((name === 'max' || name === 'min') && targs.length === 2) return `${np}.${BUILTIN_TO_NUMPY[name]}(${targs[0]}, ${targs[1]})`;
    if ((name === 'max' || name === 'min' || name === 'sum') && targs.length === 1) return `${np}.${name === 'sum' ? 'sum' : name}(${targs[0]}, axis=${itemAxes(sub, args[0] as Node, facts)})`;
    if ((name === 'abs' || name === 'round') && targs.length === 1) return `${np}.${BUILTIN_TO_NUMPY[name]}(${targs[0]})`;
    if (name === 'pow' && targs.length === 2) return `${np}.power(${targs[0]}, ${targs[1]})`;
    const fn = facts.functionNamed(name, n.startIndex);
    if (fn && isPureOneLiner(fn.node as Node, facts)) return `${name}(${targs.join(', ')})`;
    return null;
  }
  if (callee.type === 'attribute') {
    const obj = field(callee, 'object');
    const method = field(callee, 'attribute')?.text ?? '';
    if (!obj) return null;
    const ot = translate(obj, sub, facts);
    if (ot === null) return null;
    if (REDUCE_METHODS.has(method) && targs.length === 0) return `${ot}.${method}(axis=${itemAxes(sub, obj, facts)})`;
    if (method === 'dot' && args.length === 1) return translateDot(obj, args[0] as Node, sub, facts);
    if (method === 'conj' || method === 'conjugate' || method === 'astype' || method === 'round' || method === 'clip') return `${ot}.${method}(${targs.join(', ')})`;
    return null;
  }
  return null;
}

/** `np.clip(x[i], lo, hi)` with keywords, `np.linalg.norm(v, ord=1)`: keywords kept as they are when loop-free. */
function translateKeywordCall(n: Node, callee: Node, sub: Substitution, facts: ArrayFacts): string | null {
  const npPath = facts.numpyPath(callee);
  const argList = field(n, 'arguments');
  if (npPath === null || !argList || npPath.startsWith('random.')) return null;
  const parts: string[] = [];
  for (const a of named(argList)) {
    if (a.type === 'keyword_argument') {
      const v = field(a, 'value');
      if (!v || usesLoopVars(v, sub) || field(a, 'name')?.text === 'axis') return null;
      parts.push(a.text);
    } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') return null;
    else {
      const t = translate(a, sub, facts);
      if (t === null) return null;
      parts.push(t);
    }
  }
  if (REDUCE_FUNCS.has(npPath)) parts.push(`axis=${itemAxes(sub, positionalArgs(n)[0] ?? n, facts)}`);
  return `${sub.np}.${npPath}(${parts.join(', ')})`;
}

/** `def f(x): return <arithmetic/NumPy/math of x>`: calling it on a whole array does the same work at C speed. */
const inProgress = new Set<number>();
export function isPureOneLiner(fn: Node, facts: ArrayFacts): boolean {
  if (inProgress.has(fn.id)) return false;
  inProgress.add(fn.id);
  try {
    return pureOneLiner(fn, facts);
  } finally {
    inProgress.delete(fn.id);
  }
}

function pureOneLiner(fn: Node, facts: ArrayFacts): boolean {
  const body = named(field(fn, 'body') ?? fn).filter((s) => s.type !== 'expression_statement' || named(s)[0]?.type !== 'string');
  if (body.length !== 1 || body[0]?.type !== 'return_statement') return false;
  const value = named(body[0])[0];
  if (!value) return false;
  const params = new Map<string, string>();
  for (const p of named(field(fn, 'parameters') ?? fn)) {
    const name = p.type === 'identifier' ? p.text : field(p, 'name')?.text ?? named(p)[0]?.text;
    if (name) params.set(name, name);
  }
  const sub: Substitution = { elements: params, indexes: new Map(), rowAxis: '-1', np: npAlias(facts), temps: new Set() };
  const t = translate(value, sub, facts);
  // math.* in a helper would fail on arrays; translate() maps it, but the helper itself still needs the change
  return t !== null && !/\bmath\./.test(value.text);
}
