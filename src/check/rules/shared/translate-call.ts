// Calls inside a loop body, rewritten for the whole array: NumPy functions (reductions get `axis=`, row functions
// their axis), `math.*` (→ their NumPy twins), builtins, methods, and this module's pure helpers.
import type { Node } from 'web-tree-sitter';
import { field, named, positionalArgs } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { BUILTIN_TO_NUMPY, MATH_TO_NUMPY, REDUCTIONS } from '../../numpy-api.js';
import { isPureFunction } from './pure-function.js';
import { translateDot } from './product.js';
import { movesStructure, ROW_FUNCS, rowCall } from './rows.js';
import { translate, usesLoopVars, type Substitution } from './translate.js';

export const REDUCE_METHODS = new Set(['sum', 'mean', 'max', 'min', 'std', 'var', 'prod', 'any', 'all', 'argmax', 'argmin']);
// every NumPy reduction takes `axis=` (np.count_nonzero, np.nanmean, … included: without it they would reduce everything)
const REDUCE_FUNCS = new Set([...REDUCTIONS, 'amax', 'amin']);

/**
 * The axes one item spans once every item is stacked: `1` for rows of a 2-D array (the usual case, and the guess
 * when shapes are unknown), `(1, 2)` for the 2-D frames of a known 3-D stack. Pair broadcasts keep their own axis.
 */
export function itemAxes(sub: Substitution, item: Node, facts: ArrayFacts): string {
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

export function translateCall(n: Node, sub: Substitution, facts: ArrayFacts): string | null {
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
    if (ROW_FUNCS.has(npPath)) {
      if (!usesLoopVars(args[0] as Node, sub) || args.slice(1).some((a) => usesLoopVars(a, sub))) return null;
      const item = facts.valueOf(args[0] as Node);
      return rowCall(np, npPath, targs, sub.rowAxis, item.kind === 'array' ? item.ndim : undefined);
    }
    if (movesStructure(npPath, args.length, (k) => usesLoopVars(args[k] as Node, sub))) return null;
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
    if (fn && isPureFunction(fn.node as Node, facts)) return `${name}(${targs.join(', ')})`;
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
  const args = positionalArgs(n);
  if (ROW_FUNCS.has(npPath)) {
    if (!args[0] || !usesLoopVars(args[0], sub) || args.slice(1).some((a) => usesLoopVars(a, sub))) return null;
    const item = facts.valueOf(args[0]);
    return rowCall(sub.np, npPath, parts, sub.rowAxis, item.kind === 'array' ? item.ndim : undefined);
  }
  if (movesStructure(npPath, args.length, (k) => usesLoopVars(args[k] as Node, sub))) return null;
  return `${sub.np}.${npPath}(${parts.join(', ')})`;
}
