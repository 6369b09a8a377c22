// NumPy functions that map a row to a row along its own axis (`np.argsort(s[u])`, `np.cumsum(X[i])`, `np.diff(row)`):
// per row of a stack they are the same function with `axis=` given, once for every row.
import type { Node } from 'web-tree-sitter';
import { field, unparen } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';

/** Row → row functions whose default axis is the last one: right for items of any rank. */
const LAST_AXIS = new Set(['sort', 'argsort', 'partition', 'argpartition', 'diff', 'unwrap']);
/** Row → row functions that flatten by default: the same only when the item is 1-D. */
const FLATTENING = new Set(['cumsum', 'cumprod', 'nancumsum', 'nancumprod', 'cumulative_sum', 'cumulative_prod', 'flip', 'roll']);

export const ROW_FUNCS: ReadonlySet<string> = new Set([...LAST_AXIS, ...FLATTENING]);

/**
 * `np.argsort(-s[u])` for every u: `np.argsort(-s, axis=1)`. `item` is the first argument (this iteration's row),
 * `rowAxis` the axis a row spans once stacked (only `1`, rows of the leading axis, is handled), `itemNdim` the
 * item's known rank. Null when the per-row call has no exact whole-stack form.
 */
export function rowCall(np: string, path: string, args: string[], rowAxis: string, itemNdim: number | undefined): string | null {
  if (!ROW_FUNCS.has(path) || !/^1(?:,|$)/.test(rowAxis)) return null;
  if (itemNdim !== undefined && itemNdim >= 2) return LAST_AXIS.has(path) ? `${np}.${path}(${args.join(', ')}, axis=-1)` : null;
  return `${np}.${path}(${args.join(', ')}, axis=1)`;
}

/** `np.sort(g[u])`, `np.sort(g[u])[::-1]`: an expression whose value is this iteration's row after a row function. */
export function isRowResult(facts: ArrayFacts, node: Node): boolean {
  const n = unparen(node);
  if (n.type === 'subscript') {
    const obj = field(n, 'value');
    return !!obj && isRowResult(facts, obj);
  }
  if (n.type !== 'call') return false;
  const callee = field(n, 'function');
  const path = callee ? facts.numpyPath(callee) : null;
  return path !== null && ROW_FUNCS.has(path);
}

/**
 * Arguments of element-wise-looking NumPy functions that are a structure, not data (the sorted array of
 * `np.searchsorted`, the bins of `np.digitize`): one per iteration has no whole-array form, since they must be 1-D.
 */
const STRUCTURE_ARGS: Record<string, number[]> = {
  searchsorted: [0], interp: [1, 2], digitize: [1], isin: [1], in1d: [1], polyval: [0], take: [0, 1], convolve: [0, 1],
  correlate: [0, 1], histogram: [0], bincount: [0],
};

/** True when the call moves one of its structure arguments per iteration (`moves(k)` says whether argument k does). */
export function movesStructure(path: string, argCount: number, moves: (k: number) => boolean): boolean {
  const fixed = STRUCTURE_ARGS[path];
  if (!fixed) return false;
  return fixed.some((k) => k < argCount && moves(k));
}
