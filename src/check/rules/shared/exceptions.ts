// The seed's exceptions: loops that are fine as they are, or that a whole-array expression cannot replace
// exactly. Each returns a reason (for debugging and tests) or null when the loop is plain element work.
import type { Node } from 'web-tree-sitter';
import { dottedName, field, identifiersIn, some, statementsIn, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { LoopShape } from './loop.js';
import { isPureFunction } from './pure-function.js';
import { randomDraw } from './random-draw.js';
import { dependency } from './dependency.js';
import { arrayMembership } from './membership.js';
import { MATH_TO_NUMPY, REDUCTIONS } from '../../numpy-api.js';
import { ROW_FUNCS } from './rows.js';

const STOP_TYPES = new Set([
  'break_statement', 'return_statement', 'yield', 'raise_statement', 'try_statement', 'with_statement',
  'global_statement', 'nonlocal_statement', 'await', 'delete_statement', 'assert_statement', 'print_statement',
  'exec_statement', 'match_statement', 'named_expression', 'lambda', 'list_comprehension', 'generator_expression',
  'dictionary_comprehension', 'set_comprehension',
]);

const PURE_BUILTINS = new Set(['abs', 'min', 'max', 'round', 'float', 'int', 'bool', 'complex', 'len', 'pow', 'sum', 'divmod', 'range']);
const PURE_METHODS = new Set([
  'sum', 'mean', 'max', 'min', 'std', 'var', 'prod', 'dot', 'item', 'astype', 'reshape', 'copy', 'any', 'all',
  'argmax', 'argmin', 'clip', 'round', 'conj', 'conjugate', 'ravel', 'flatten', 'cumsum', 'transpose', 'squeeze',
]);
/** NumPy calls that keep a loop body element-wise: ufuncs, reductions, products, selection. Anything else (np.poly,
 * np.linalg.eig, …) works per item in ways a whole-array expression may not reproduce, so the loop is left alone. */
const ELEMENTWISE_NUMPY = new Set([
  ...Object.values(MATH_TO_NUMPY), ...REDUCTIONS, 'dot', 'matmul', 'vdot', 'inner', 'outer', 'where', 'clip', 'abs',
  'absolute', 'maximum', 'minimum', 'fmax', 'fmin', 'sign', 'square', 'power', 'exp', 'log', 'sqrt', 'floor', 'ceil',
  'round', 'around', 'rint', 'isnan', 'isinf', 'isfinite', 'add', 'subtract', 'multiply', 'divide', 'true_divide',
  'floor_divide', 'mod', 'remainder', 'negative', 'reciprocal', 'logical_and', 'logical_or', 'logical_not',
  'logical_xor', 'real', 'imag', 'conj', 'conjugate', 'angle', 'float64', 'float32', 'int64', 'int32', 'complex128',
  'linalg.inv', 'linalg.det', 'linalg.solve', 'linalg.norm', 'cross', 'arctan2', 'hypot', 'logaddexp', 'sinc',
  'heaviside', 'copysign', 'nan_to_num', 'isclose', 'greater', 'less', 'equal', 'not_equal', 'searchsorted', 'interp',
  'digitize', 'polyval', 'isin', 'take', 'append', 'concatenate', 'vstack', 'hstack', 'r_',
  // row → row along the row's own axis: `np.argsort(s[u])` per row is `np.argsort(s, axis=1)`
  ...ROW_FUNCS,
]);

/** Why this loop is left alone, or null. `outerVars` are the loop variables of enclosing loops (for nested nests). */
export function exceptionOf(facts: ArrayFacts, shape: LoopShape, outerVars: Set<string> = new Set()): string | null {
  const body = shape.body;
  if (field(shape.node, 'alternative')) return 'for-else';
  const loopVars = new Set([...shape.indexVars, ...shape.elements.keys(), ...outerVars]);
  // a loop of matrix products per item may call a helper of this module (softmax, a norm): the products dominate
  const productLoop = /@|\bdot\(|\bmatmul\(/.test(body.text);
  let reason: string | null = null;
  walk(body, (n) => {
    if (reason) return false;
    if (STOP_TYPES.has(n.type)) reason = `early exit or side effect (${n.type})`;
    else if (n.type === 'call') reason = callOut(facts, n, productLoop);
    else if (n.type === 'for_statement' || n.type === 'while_statement') reason = 'nested loop';
    else if (n.type === 'interpolation') reason = 'string formatting per element';
    else if (n.type === 'attribute') reason = objectAttribute(n, loopVars);
    else if ((n.type === 'list' || n.type === 'tuple' || n.type === 'dictionary' || n.type === 'set') && [...identifiersIn(n)].some((id) => loopVars.has(id))) reason = 'Python containers built per element';
    else if (n.type === 'comparison_operator' && n.children.some((c) => c !== null && !c.isNamed && /^(?:in|is|not)/.test(c.type)) &&
      !arrayMembership(facts, n, loopVars, shape.elements)) reason = 'membership or identity test per element';
    else if (n.type === 'subscript') reason = windowWrite(n, loopVars);
    return reason === null;
  });
  if (reason) return reason;
  const invariant = invariantArrayUse(facts, shape, loopVars);
  if (invariant) return invariant;
  return dependency(facts, shape, outerVars);
}

/**
 * `A[i, :i] = …`: a write window that moves with the loop (building a triangular or banded matrix) is left alone;
 * read windows (`x[i:i + w].mean()`, a moving average) are element work with a vectorized twin.
 */
/** `blk.nnz`, `obj.name` on an element: the array holds Python objects, not numbers. */
function objectAttribute(n: Node, loopVars: Set<string>): string | null {
  const obj = field(n, 'object');
  const attr = field(n, 'attribute')?.text ?? '';
  if (obj?.type !== 'identifier' || !loopVars.has(obj.text)) return null;
  if (['real', 'imag', 'T', 'shape', 'size', 'ndim'].includes(attr)) return null;
  // methods are judged as calls (x.sum() is fine)
  if (n.parent?.type === 'call' && field(n.parent, 'function')?.id === n.id) return null;
  return `attribute ${attr} of each element (an array of objects)`;
}

/** The per-element checks of exceptionOf for a comprehension's expression (its iterations cannot depend on each other). */
export function expressionException(facts: ArrayFacts, expr: Node, loopVars: Set<string>): string | null {
  let reason: string | null = null;
  const productLoop = /@|\bdot\(|\bmatmul\(/.test(expr.text);
  walk(expr, (n) => {
    if (reason) return false;
    if (STOP_TYPES.has(n.type) && n.id !== expr.id) reason = `nested ${n.type}`;
    else if (n.type === 'call') reason = callOut(facts, n, productLoop);
    else if (n.type === 'interpolation') reason = 'string formatting per element';
    else if (n.type === 'attribute') reason = objectAttribute(n, loopVars);
    else if ((n.type === 'list' || n.type === 'tuple' || n.type === 'dictionary' || n.type === 'set') && [...identifiersIn(n)].some((id) => loopVars.has(id))) reason = 'Python containers built per element';
    else if (n.type === 'comparison_operator' && n.children.some((c) => c !== null && !c.isNamed && /^(?:in|is|not)/.test(c.type)) &&
      !arrayMembership(facts, n, loopVars)) reason = 'membership or identity test per element';
    return reason === null;
  });
  return reason;
}

/** The index variable used as a value (`k * dt`, `np.append(acc, k)`), not only inside a subscript. */
function bareIndexUse(shape: LoopShape): boolean {
  return some(shape.body, (n) => {
    if (n.type !== 'identifier' || !shape.indexVars.has(n.text)) return false;
    for (let c: Node = n, p = n.parent; p && p.id !== shape.body.id; c = p, p = p.parent) {
      if (p.type === 'subscript' && field(p, 'value')?.id !== c.id) return false;
      if (p.type === 'call' && GROWTH_CALL.test(field(p, 'function')?.text ?? '')) return false;
    }
    return true;
  });
}

const GROWTH_CALL = /(?:^|\.)(?:append|concatenate|vstack|hstack)$/;

function windowWrite(n: Node, loopVars: Set<string>): string | null {
  const p = n.parent;
  if (!p || (p.type !== 'assignment' && p.type !== 'augmented_assignment') || field(p, 'left')?.id !== n.id) return null;
  for (const idx of n.childrenForFieldName('subscript')) {
    if (idx?.type === 'slice' && [...identifiersIn(idx)].some((id) => loopVars.has(id))) return 'write window that moves with the loop';
  }
  return null;
}

/**
 * A whole array that does not move with the loop, combined with the bare loop counter (`h * (groups == g)`): each
 * iteration builds a whole row from the counter, already vectorized work, so the loop is not element work.
 */
function invariantArrayUse(facts: ArrayFacts, shape: LoopShape, loopVars: Set<string>): string | null {
  if (shape.rows.size > 0) return null;
  // with a bare counter anywhere, the whole body; else only whole-array accumulations (`mask &= (a != x)`: one
  // array pass per element of a short list, NumPy's own isin fast path)
  const roots = bareIndexUse(shape)
    ? [shape.body]
    : statementsIn(shape.body).filter((st) => st.type === 'augmented_assignment' && field(st, 'left')?.type === 'identifier').map((st) => field(st, 'right') as Node);
  let found: string | null = null;
  for (const root of roots) walk(root, (n) => {
    if (found) return false;
    if (n.type !== 'identifier' || loopVars.has(n.text) || shape.arrays.includes(n.text)) return true;
    const p = n.parent;
    if (!p) return true;
    if (p.type === 'subscript' && field(p, 'value')?.id === n.id) return true;
    if (p.type === 'attribute') return true;
    if (p.type === 'keyword_argument') return true;
    if ((p.type === 'assignment' || p.type === 'augmented_assignment') && field(p, 'left')?.id === n.id) return true;
    if (p.type === 'binary_operator' && field(p, 'operator')?.type === '@') return true;
    // `i in skip`: the array is the container of a membership test, compared item by item (np.isin)
    if (p.type === 'comparison_operator' && arrayMembership(facts, p, loopVars)?.right.id === n.id) return true;
    if (p.type === 'argument_list') {
      const callee = p.parent ? field(p.parent, 'function') : null;
      const path = callee ? facts.numpyPath(callee) : null;
      if (path && (REDUCTIONS.has(path) || path === 'dot' || path === 'matmul' || path === 'vdot' || GROWTH_CALL.test(path))) return true;
      if (callee?.type === 'identifier' && (callee.text === 'len' || callee.text === 'sum' || callee.text === 'max' || callee.text === 'min')) return true;
    }
    if (facts.valueOf(n).kind === 'array') found = `whole array ${n.text} used per iteration (already vectorized work)`;
    return true;
  });
  return found;
}

function callOut(facts: ArrayFacts, call: Node, productLoop: boolean): string | null {
  const callee = field(call, 'function');
  if (!callee) return 'opaque call';
  if (randomDraw(facts, call)) return null;
  const np = facts.numpyPath(callee);
  if (np !== null) return ELEMENTWISE_NUMPY.has(np) ? null : `NumPy call without an element-wise twin (${callee.text})`;
  const name = dottedName(callee);
  if (name && /^(?:math|cmath)\.\w+$/.test(name)) return null;
  if (callee.type === 'identifier') {
    if (PURE_BUILTINS.has(callee.text)) return null;
    const fn = facts.functionNamed(callee.text, call.startIndex);
    if (fn && (productLoop || isPureFunction(fn.node as Node, facts))) return null;
    return `per-element call out (${callee.text})`;
  }
  if (callee.type === 'attribute') {
    const method = field(callee, 'attribute')?.text ?? '';
    const obj = field(callee, 'object');
    if (method === 'append' && obj?.type === 'identifier' && facts.valueOf(obj).kind !== 'array') return null;
    if (PURE_METHODS.has(method)) return null;
  }
  return `per-element call out (${callee.text})`;
}
