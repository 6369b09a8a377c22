// Evaluating an expression to what it holds, as far as arrays go: the other half of arrays.ts.
import type { Node } from 'web-tree-sitter';
import { dottedName, field, indicesOf, intLiteral, keywordArg, named, positionalArgs, unparen } from './ast.js';
import type { ArrayFacts } from './arrays.js';
import {
  ARRAY_ATTRIBUTES, ARRAY_FUNCS, ARRAY_METHODS, ARRAY_SEQUENCE_FUNCS, METHOD_REDUCTIONS, RANDOM_ARRAY_FUNCS,
  RANDOM_SIZE_POSITION, REDUCTIONS, RNG_CONSTRUCTORS, SHAPE_CONSTRUCTORS,
} from './numpy-api.js';

export interface Value {
  /**
   * array: an ndarray · element: one element of a 1-D array (`for x in a`) · arrays: a tuple/list of arrays ·
   * rng: a NumPy random generator · int: a Python int (value when known) · int-index: the counter of enumerate ·
   * enumerate/zip: those iterators over arrays · other: something known not to be an array · unknown.
   */
  kind: 'array' | 'element' | 'arrays' | 'rng' | 'int' | 'int-index' | 'enumerate' | 'zip' | 'none' | 'other' | 'unknown';
  ndim?: number;
  /** Length of the first axis, when known from literals. */
  len0?: number;
  /** Total number of elements, when every dimension is a known literal. */
  size?: number;
  int?: number;
  /** For element: the source text of the array iterated. */
  of?: string;
  /** For a row of a 2-D array taken by `for row in X`: X's text. */
  rowOf?: string;
  /** Believed an array only because of `.shape`/`.dtype`/`.ndim` uses. */
  evidence?: boolean;
  inner?: Value;
  innerNode?: Node;
  parts?: Value[];
  partNodes?: Node[];
}

export const UNKNOWN: Value = { kind: 'unknown' };
export const OTHER: Value = { kind: 'other' };
const NONE: Value = { kind: 'none' };

const memos = new WeakMap<ArrayFacts, Map<number, Value>>();
const PENDING: Value = { kind: 'unknown' };

/** Deeper than this (a 5000-term generated expression) the answer is "unknown", not a stack overflow. */
const MAX_DEPTH = 150;
let depth = 0;

export function evaluate(facts: ArrayFacts, node: Node): Value {
  let memo = memos.get(facts);
  if (!memo) memos.set(facts, (memo = new Map()));
  const hit = memo.get(node.id);
  if (hit) return hit;
  if (depth >= MAX_DEPTH) return UNKNOWN;
  memo.set(node.id, PENDING);
  depth++;
  let v: Value;
  try {
    v = compute(facts, node);
  } finally {
    depth--;
  }
  memo.set(node.id, v);
  return v;
}

const OTHER_BUILTINS = new Set([
  'list', 'dict', 'set', 'tuple', 'str', 'repr', 'range', 'sorted', 'reversed', 'open', 'len', 'int', 'float',
  'bool', 'complex', 'bytes', 'frozenset', 'type', 'isinstance', 'print', 'input', 'format', 'map', 'filter', 'iter',
  'next', 'vars', 'dir', 'hash', 'id', 'ord', 'chr', 'hex', 'bin', 'oct', 'sum', 'any', 'all', 'object',
]);

const OTHER_MODULES = /^(?:pd|pandas|json|os|sys|re|pathlib|csv|io|itertools|collections|functools|glob|subprocess|requests|torch|tf|jax|jnp|cupy|cp|dask|xr|xarray|polars|pl)\./;

function compute(facts: ArrayFacts, raw: Node): Value {
  const node = unparen(raw);
  switch (node.type) {
    case 'identifier': {
      const name = node.text;
      if (facts.numpyAliases.has(name)) return OTHER;
      return facts.lookup(name, facts.scopeAt(node.startIndex), node.startIndex);
    }
    case 'integer': {
      const v = intLiteral(node);
      return v === null ? OTHER : { kind: 'int', int: v };
    }
    case 'float': case 'string': case 'concatenated_string': case 'true': case 'false': case 'lambda':
    case 'list': case 'list_comprehension': case 'dictionary': case 'dictionary_comprehension': case 'set':
    case 'set_comprehension': case 'generator_expression': case 'tuple': case 'expression_list':
      return OTHER;
    case 'none':
      return NONE;
    case 'assignment': {
      const r = field(node, 'right');
      return r ? evaluate(facts, r) : UNKNOWN;
    }
    case 'call':
      return callValue(facts, node);
    case 'attribute': {
      const obj = field(node, 'object');
      const attr = field(node, 'attribute')?.text ?? '';
      if (!obj) return UNKNOWN;
      if (obj.type === 'identifier' && !facts.numpyAliases.has(obj.text)) {
        const self = facts.attributeValue(obj.text, attr, node.startIndex);
        if (self.kind !== 'unknown') return self;
      }
      const path = facts.numpyPath(node);
      if (path !== null) return path === 'newaxis' || path === 'pi' || path === 'e' || path === 'inf' || path === 'nan' ? OTHER : UNKNOWN;
      const o = evaluate(facts, obj);
      if (o.kind === 'array') {
        if (ARRAY_ATTRIBUTES.has(attr)) return attr === 'flat' ? { kind: 'array', ndim: 1 } : arrayLike(o, attr === 'T' ? undefined : o.len0);
        return attr === 'size' || attr === 'ndim' || attr === 'nbytes' ? { kind: 'int' } : OTHER;
      }
      return UNKNOWN;
    }
    case 'subscript': {
      const obj = field(node, 'value');
      if (!obj) return UNKNOWN;
      const path = facts.numpyPath(obj);
      if (path === 'r_' || path === 'c_') return { kind: 'array' };
      const o = evaluate(facts, obj);
      if (o.kind === 'arrays') return { kind: 'array' };
      if (o.kind !== 'array') {
        // `a.shape[0]` is the first axis length (`a.shape[:2]` is a tuple, not an int)
        if (obj.type === 'attribute' && field(obj, 'attribute')?.text === 'shape') {
          const arr = field(obj, 'object');
          const idx = node.childrenForFieldName('subscript')[0];
          if (idx?.type === 'slice') return OTHER;
          if (arr && idx && intLiteral(idx) === 0) {
            const a = evaluate(facts, arr);
            if (a.kind === 'array') return a.len0 !== undefined ? { kind: 'int', int: a.len0 } : { kind: 'int' };
          }
          return { kind: 'int' };
        }
        return UNKNOWN;
      }
      return subscriptValue(facts, o, node);
    }
    case 'binary_operator': {
      const l = field(node, 'left');
      const r = field(node, 'right');
      if (!l || !r) return UNKNOWN;
      const a = evaluate(facts, l);
      const b = evaluate(facts, r);
      if (a.kind === 'array' || b.kind === 'array') return combineArrays([a, b]);
      if (a.kind === 'int' && b.kind === 'int') return intArith(node, a, b);
      if (a.kind === 'other' && (l.type === 'string' || l.type === 'list')) return OTHER;
      return UNKNOWN;
    }
    case 'unary_operator': {
      const arg = field(node, 'argument');
      if (!arg) return UNKNOWN;
      const v = evaluate(facts, arg);
      if (v.kind === 'array') return arrayLike(v, v.len0);
      if (v.kind === 'int' && v.int !== undefined) return { kind: 'int', int: node.text.startsWith('-') ? -v.int : v.int };
      return v.kind === 'int' ? { kind: 'int' } : UNKNOWN;
    }
    case 'comparison_operator': {
      if (/\b(?:is|in)\b/.test(node.children.filter((c) => c && !c.isNamed).map((c) => c?.type).join(' '))) return OTHER;
      const parts = named(node).map((c) => evaluate(facts, c));
      return parts.some((p) => p.kind === 'array') ? combineArrays(parts) : UNKNOWN;
    }
    case 'conditional_expression': {
      const kids = named(node);
      const a = kids[0] ? evaluate(facts, kids[0]) : UNKNOWN;
      const b = kids[2] ? evaluate(facts, kids[2]) : UNKNOWN;
      if (a.kind === 'array' && b.kind === 'array') return { kind: 'array' };
      if (a.kind === 'other' && b.kind === 'other') return OTHER;
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function arrayLike(v: Value, len0: number | undefined): Value {
  const out: Value = { kind: 'array' };
  if (v.ndim !== undefined) out.ndim = v.ndim;
  if (len0 !== undefined) out.len0 = len0;
  if (len0 !== undefined && len0 === v.len0 && v.size !== undefined) out.size = v.size;
  return out;
}

/** Broadcasting: the result is an array; its first axis is known only when every array operand's is. */
function combineArrays(parts: Value[]): Value {
  const arrays = parts.filter((p) => p.kind === 'array');
  const out: Value = { kind: 'array' };
  const ndims = arrays.map((a) => a.ndim);
  if (ndims.every((n) => n !== undefined)) out.ndim = Math.max(...(ndims as number[]));
  const lens = arrays.map((a) => a.len0);
  if (lens.every((n) => n !== undefined) && arrays.every((a) => a.ndim === out.ndim)) out.len0 = Math.max(...(lens as number[]));
  return out;
}

function intArith(node: Node, a: Value, b: Value): Value {
  if (a.int === undefined || b.int === undefined) return { kind: 'int' };
  const op = node.childForFieldName('operator')?.type ?? '';
  switch (op) {
    case '+': return { kind: 'int', int: a.int + b.int };
    case '-': return { kind: 'int', int: a.int - b.int };
    case '*': return { kind: 'int', int: a.int * b.int };
    case '//': return b.int === 0 ? { kind: 'int' } : { kind: 'int', int: Math.floor(a.int / b.int) };
    case '**': return { kind: 'int', int: a.int ** b.int };
    default: return { kind: 'int' };
  }
}

function subscriptValue(facts: ArrayFacts, o: Value, node: Node): Value {
  const idx = indicesOf(node);
  const first = idx[0];
  if (!first) return UNKNOWN;
  // `a[1:]`, `a[:, 0]`, `a[mask]`, `a[None]`, `a[...]`: still arrays
  const kinds = idx.map((i) => (i.type === 'slice' || i.type === 'ellipsis' || i.type === 'none' ? 'slice' : evaluate(facts, i).kind));
  if (kinds.some((k) => k === 'slice' || k === 'array')) {
    const out: Value = { kind: 'array' };
    if (kinds[0] === 'slice' && o.len0 !== undefined && first.type === 'slice') out.len0 = o.len0;
    if (o.ndim !== undefined && kinds.every((k) => k === 'slice')) out.ndim = o.ndim;
    return out;
  }
  if (o.ndim !== undefined) {
    const rest = o.ndim - idx.length;
    return rest >= 1 ? { kind: 'array', ndim: rest } : OTHER;
  }
  return UNKNOWN;
}

function callValue(facts: ArrayFacts, node: Node): Value {
  const callee = field(node, 'function');
  if (!callee) return UNKNOWN;
  const path = facts.numpyPath(callee);
  if (path !== null) return numpyCall(facts, path, node);
  if (callee.type === 'identifier') {
    const name = callee.text;
    const fn = facts.functionNamed(name, node.startIndex);
    if (fn) return facts.returnsArray(fn) ? { kind: 'array' } : UNKNOWN;
    if (name === 'enumerate' || name === 'zip') return iteratorValue(facts, name, node);
    if (OTHER_BUILTINS.has(name)) return name === 'len' ? lenValue(facts, node) : OTHER;
    return UNKNOWN;
  }
  if (callee.type === 'attribute') {
    const obj = field(callee, 'object');
    const method = field(callee, 'attribute')?.text ?? '';
    if (!obj) return UNKNOWN;
    const dotted = dottedName(callee);
    if (dotted && OTHER_MODULES.test(dotted + '.')) return OTHER;
    // pandas `.to_numpy()`, a tensor's `.numpy()`: an ndarray whatever the object was
    if ((method === 'to_numpy' || method === 'numpy') && positionalArgs(node).length === 0) return { kind: 'array' };
    if (method === 'iterrows' || method === 'itertuples' || method === 'items' || method === 'keys' ||
        method === 'values' || method === 'readlines' || method === 'split' || method === 'tolist') return OTHER;
    if (obj.type === 'identifier' && facts.numpyAliases.has(obj.text)) return UNKNOWN;
    // self.method(): a method of this class seen to return arrays
    if (obj.type === 'identifier') {
      const s = facts.scopeAt(node.startIndex);
      let m: typeof s | null = s;
      while (m && m.kind === 'function' && m.parent?.kind === 'function') m = m.parent;
      if (m?.selfName === obj.text) {
        const fn = m.parent?.functions.get(method);
        if (fn) return facts.returnsArray(fn) ? { kind: 'array' } : UNKNOWN;
      }
    }
    const o = evaluate(facts, obj);
    if (o.kind === 'rng') return randomCall(method, node);
    if (o.kind === 'array') {
      if (ARRAY_METHODS.has(method)) {
        if (method === 'reshape' || method === 'transpose' || method === 'dot' || method === 'nonzero') return { kind: 'array' };
        return arrayLike(o, method === 'astype' || method === 'copy' || method === 'clip' || method === 'round' ? o.len0 : undefined);
      }
      if (METHOD_REDUCTIONS.has(method)) return keywordArg(node, 'axis') || positionalArgs(node).length > 0 ? { kind: 'array' } : OTHER;
      if (method === 'item' || method === 'tobytes' || method === 'tostring') return OTHER;
      return UNKNOWN;
    }
  }
  return UNKNOWN;
}

function lenValue(facts: ArrayFacts, node: Node): Value {
  const arg = positionalArgs(node)[0];
  if (!arg) return { kind: 'int' };
  const v = evaluate(facts, arg);
  return v.len0 !== undefined ? { kind: 'int', int: v.len0 } : { kind: 'int' };
}

function iteratorValue(facts: ArrayFacts, name: 'enumerate' | 'zip', node: Node): Value {
  const args = positionalArgs(node);
  if (name === 'enumerate') {
    const a = args[0];
    if (!a) return OTHER;
    return { kind: 'enumerate', inner: evaluate(facts, a), innerNode: a };
  }
  return { kind: 'zip', parts: args.map((a) => evaluate(facts, a)), partNodes: args };
}

/** Shape argument → (ndim, len0, size). */
function shapeOf(facts: ArrayFacts, shape: Node | undefined): Pick<Value, 'ndim' | 'len0' | 'size'> {
  if (!shape) return {};
  const s = unparen(shape);
  if (s.type === 'tuple' || s.type === 'list') return dimsOf(named(s).map((d) => evaluate(facts, d).int));
  // `a.shape[:2]`: as many dimensions as the slice keeps
  const sl = s.type === 'subscript' && field(s, 'value')?.type === 'attribute' && field(field(s, 'value') as Node, 'attribute')?.text === 'shape'
    ? s.childrenForFieldName('subscript')[0] : null;
  if (sl?.type === 'slice') {
    const bounds = named(sl);
    const stop = sl.text.trim().startsWith(':') && bounds.length === 1 ? intLiteral(bounds[0] as Node) : null;
    return stop !== null && stop > 0 ? { ndim: stop } : {};
  }
  const v = evaluate(facts, s);
  if (v.kind === 'int') return v.int !== undefined ? { ndim: 1, len0: v.int } : { ndim: 1 };
  return {};
}

function dimsOf(dims: Array<number | undefined>): Pick<Value, 'ndim' | 'len0' | 'size'> {
  const out: Pick<Value, 'ndim' | 'len0' | 'size'> = { ndim: dims.length };
  if (dims[0] !== undefined) out.len0 = dims[0];
  if (dims.every((d) => d !== undefined)) out.size = (dims as number[]).reduce((a, b) => a * b, 1);
  return out;
}

function literalShape(node: Node | undefined): Pick<Value, 'ndim' | 'len0' | 'size'> {
  if (!node) return {};
  const n = unparen(node);
  if (n.type !== 'list' && n.type !== 'tuple') return {};
  const items = named(n);
  const inner = items[0] ? literalShape(items[0]) : {};
  const out: Pick<Value, 'ndim' | 'len0' | 'size'> = { ndim: 1 + (inner.ndim ?? 0), len0: items.length };
  if (inner.ndim === undefined || inner.size !== undefined) out.size = items.length * (inner.size ?? 1);
  return out;
}

function numpyCall(facts: ArrayFacts, path: string, node: Node): Value {
  const args = positionalArgs(node);
  if (path.startsWith('random.')) {
    const fn = path.slice('random.'.length);
    if (RNG_CONSTRUCTORS.has(fn)) return { kind: 'rng' };
    return randomCall(fn, node);
  }
  if (RNG_CONSTRUCTORS.has(path)) return { kind: 'rng' };
  if (SHAPE_CONSTRUCTORS.has(path)) return { kind: 'array', ...shapeOf(facts, args[0] ?? keywordArg(node, 'shape') ?? undefined) };
  if (path === 'array' || path === 'asarray' || path === 'asanyarray' || path === 'ascontiguousarray') {
    const lit = literalShape(args[0]);
    if (lit.ndim !== undefined) return { kind: 'array', ...lit };
    const v = args[0] ? evaluate(facts, args[0]) : UNKNOWN;
    return v.kind === 'array' ? arrayLike(v, v.len0) : { kind: 'array' };
  }
  if (path.endsWith('_like')) {
    const v = args[0] ? evaluate(facts, args[0]) : UNKNOWN;
    return v.kind === 'array' ? arrayLike(v, v.len0) : { kind: 'array' };
  }
  if (path === 'arange') {
    const ints = args.map((a) => evaluate(facts, a).int);
    const [a0, a1, a2] = ints;
    if (args.length === 1 && a0 !== undefined) return { kind: 'array', ...dimsOf([Math.max(0, a0)]) };
    if (args.length === 2 && a0 !== undefined && a1 !== undefined) return { kind: 'array', ...dimsOf([Math.max(0, a1 - a0)]) };
    if (args.length === 3 && a0 !== undefined && a1 !== undefined && a2) return { kind: 'array', ...dimsOf([Math.max(0, Math.ceil((a1 - a0) / a2))]) };
    return { kind: 'array', ndim: 1 };
  }
  if (path === 'linspace' || path === 'logspace' || path === 'geomspace') {
    const num = args[2] ?? keywordArg(node, 'num') ?? undefined;
    const n = num ? evaluate(facts, num).int : 50;
    return { kind: 'array', ...dimsOf([n]) };
  }
  if (path === 'eye' || path === 'identity') {
    const n = args[0] ? evaluate(facts, args[0]).int : undefined;
    return { kind: 'array', ...dimsOf([n, n]) };
  }
  if (path === 'where') return args.length === 1 ? { kind: 'arrays' } : { kind: 'array' };
  if (path === 'unique') return keywordArg(node, 'return_counts') || keywordArg(node, 'return_index') || keywordArg(node, 'return_inverse') ? { kind: 'arrays' } : { kind: 'array', ndim: 1 };
  if (path === 'einsum' || path === 'dot' || path === 'inner' || path === 'vdot') return path === 'vdot' ? OTHER : { kind: 'array' };
  if (ARRAY_SEQUENCE_FUNCS.has(path)) return { kind: 'arrays' };
  if (REDUCTIONS.has(path)) return keywordArg(node, 'axis') || (args.length >= 2 && path !== 'average') ? { kind: 'array' } : OTHER;
  if (ARRAY_FUNCS.has(path)) {
    const v = args[0] ? evaluate(facts, args[0]) : UNKNOWN;
    const elementwise = v.kind === 'array' && !/sort|cumsum|cumprod|diff|unique|repeat|tile|concatenate|stack|append|delete|insert|pad|reshape|ravel|outer|kron|convolve|correlate|bincount|take|nonzero|argwhere|fft/.test(path);
    if (elementwise) return arrayLike(v, v.len0);
    return { kind: 'array' };
  }
  return OTHER;
}

function randomCall(fn: string, node: Node): Value {
  const args = positionalArgs(node);
  if (RANDOM_ARRAY_FUNCS.has(fn)) {
    if ((fn === 'rand' || fn === 'randn') && args.length === 0) return OTHER;
    if (fn === 'rand' || fn === 'randn') return { kind: 'array', ...dimsOf(args.map((a) => intLiteral(a) ?? undefined)) };
    return { kind: 'array' };
  }
  const pos = RANDOM_SIZE_POSITION[fn];
  if (pos === undefined) return fn === 'shuffle' || fn === 'seed' ? OTHER : UNKNOWN;
  const size = keywordArg(node, 'size') ?? args[pos] ?? null;
  if (!size || size.type === 'none') return OTHER;
  const s = unparen(size);
  if (s.type === 'tuple' || s.type === 'list') return { kind: 'array', ...dimsOf(named(s).map((d) => intLiteral(d) ?? undefined)) };
  const n = intLiteral(s);
  return n !== null ? { kind: 'array', ...dimsOf([n]) } : { kind: 'array' };
}
