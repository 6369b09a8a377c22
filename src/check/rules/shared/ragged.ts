// Boolean masks and data-dependent selections: `V[mask[u]]`, `col[col > 0]`, `X[np.flatnonzero(y == k)]`. How
// many items such a selection keeps changes from one iteration to the next, which decides what a loop over it can
// become: a masked reduction has a whole-matrix `np.where` twin, a product of ragged items has no batched `@`.
import type { Node } from 'web-tree-sitter';
import { field, identifiersIn, positionalArgs, statementsIn, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { bindingAt } from '../../lookup.js';
import { productOperands } from './judging.js';

/** NumPy functions whose result is a boolean array. */
const BOOL_FUNCS = new Set([
  'isnan', 'isinf', 'isfinite', 'isin', 'in1d', 'isclose', 'isneginf', 'isposinf', 'signbit', 'logical_and', 'logical_or',
  'logical_not', 'logical_xor', 'greater', 'greater_equal', 'less', 'less_equal', 'equal', 'not_equal', 'isreal', 'iscomplex',
]);

/** NumPy functions returning the positions where a condition holds: as many as there are hits. */
const HIT_POSITIONS = new Set(['flatnonzero', 'nonzero', 'argwhere', 'where']);

/** Names people give masks; used only to stay silent, never to report. */
const MASK_NAME = /(?:^|_)(?:mask|masks|keep|valid|observed|seen|selected|sel|present|rated|nonzero|nz)(?:_|$)|^(?:is|has)_/i;

/**
 * Whether `node` holds a boolean array or the hit positions of one (a selection of data-dependent length). With
 * `byName`, a name that only looks like a mask (`mask`, `valid`, `is_*`) counts too: for staying silent, not reporting.
 */
export function isSelector(facts: ArrayFacts, node: Node, byName: boolean, depth = 0): boolean {
  if (depth > 8) return false;
  const n = unparen(node);
  switch (n.type) {
    case 'comparison_operator':
      return !n.children.some((c) => c !== null && !c.isNamed && /^(?:in|is|not)/.test(c.type));
    case 'unary_operator':
      return n.text.trimStart().startsWith('~') && isSelector(facts, field(n, 'argument') as Node, byName, depth + 1);
    case 'binary_operator': {
      const op = field(n, 'operator')?.type ?? '';
      if (!['&', '|', '^'].includes(op)) return false;
      return isSelector(facts, field(n, 'left') as Node, byName, depth + 1) || isSelector(facts, field(n, 'right') as Node, byName, depth + 1);
    }
    case 'call': {
      const callee = field(n, 'function');
      const path = callee ? facts.numpyPath(callee) : null;
      if (path !== null) return BOOL_FUNCS.has(path) || (HIT_POSITIONS.has(path) && (path !== 'where' || positionalArgs(n).length === 1));
      if (callee?.type === 'attribute') {
        const method = field(callee, 'attribute')?.text;
        if (method === 'astype') return /^(?:bool|np\.bool_?|"bool"|'bool')$/.test(positionalArgs(n)[0]?.text ?? '');
        if (method === 'nonzero') return true;
      }
      return false;
    }
    case 'subscript': {
      // a row or column of a mask is a mask; `np.nonzero(m)[0]` and `np.where(c)[0]` are hit positions
      const obj = field(n, 'value');
      return !!obj && isSelector(facts, obj, byName, depth + 1);
    }
    case 'identifier': {
      const b = bindingAt(facts, n.text, n.startIndex);
      if (b?.annotation && /\bbool/.test(b.annotation.text)) return true;
      if (b?.expr && b.index === undefined && !b.iterates && !b.augmented && isSelector(facts, b.expr, byName, depth + 1)) return true;
      return byName && MASK_NAME.test(n.text);
    }
    case 'attribute': {
      const attr = field(n, 'attribute')?.text ?? '';
      return byName && attr !== 'T' && MASK_NAME.test(attr);
    }
    default:
      return false;
  }
}

/** The last assignment `name = …` in `body` that starts before `pos`. */
function localValue(body: Node, name: string, pos: number): Node | null {
  let out: Node | null = null;
  for (const st of statementsIn(body)) {
    if (st.type !== 'assignment' || st.startIndex >= pos) continue;
    const left = field(st, 'left');
    if (left?.type === 'identifier' && left.text === name) out = field(st, 'right');
  }
  return out;
}

/**
 * `A[sel]` (directly, through `.T`, or through a local of the body) where `sel` is a mask or hit positions that change
 * with the loop: the item's length depends on the data.
 */
export function isRaggedItem(facts: ArrayFacts, node: Node, body: Node, loopVars: Set<string>, byName: boolean, depth = 0): boolean {
  if (depth > 6) return false;
  const n = unparen(node);
  if (n.type === 'attribute' && field(n, 'attribute')?.text === 'T') return isRaggedItem(facts, field(n, 'object') as Node, body, loopVars, byName, depth + 1);
  if (n.type === 'identifier') {
    const v = localValue(body, n.text, n.startIndex);
    return !!v && isRaggedItem(facts, v, body, loopVars, byName, depth + 1);
  }
  // `X[labels == k] - c`: arithmetic keeps the ragged length
  if (n.type === 'binary_operator' && field(n, 'operator')?.type !== '@') {
    return [field(n, 'left'), field(n, 'right')].some((o) => !!o && isRaggedItem(facts, o, body, loopVars, byName, depth + 1));
  }
  if (n.type === 'unary_operator') return isRaggedItem(facts, field(n, 'argument') as Node, body, loopVars, byName, depth + 1);
  if (n.type !== 'subscript') return false;
  const varies = (e: Node): boolean => [...identifiersIn(e)].some((id) => loopVars.has(id) || localValue(body, id, e.startIndex) !== null);
  return n.childrenForFieldName('subscript').some((i) => !!i && i.type !== 'slice' && varies(i) && isSelector(facts, i, byName)) ||
    isRaggedItem(facts, field(n, 'value') as Node, body, loopVars, byName, depth + 1);
}

/** A matrix product in `body` one of whose operands is a ragged item. */
export function raggedProduct(facts: ArrayFacts, body: Node, loopVars: Set<string>): Node | null {
  let hit: Node | null = null;
  walk(body, (n) => {
    if (hit) return false;
    if (productOperands(facts, n)?.some((o) => isRaggedItem(facts, o, body, loopVars, true))) hit = n;
    return true;
  });
  return hit;
}

/** `p = col[col > 0]`, `X[mask, j]`: a masked selection of array data inside `body` that changes with the loop. */
export function maskedSelection(facts: ArrayFacts, body: Node, loopVars: Set<string>): Node | null {
  let hit: Node | null = null;
  walk(body, (n) => {
    if (hit) return false;
    if (n.type === 'subscript' && isRaggedItem(facts, n, body, loopVars, false)) hit = n;
    return true;
  });
  return hit;
}

