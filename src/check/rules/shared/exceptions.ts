// The seed's exceptions: loops that are fine as they are, or that a whole-array expression cannot replace
// exactly. Each returns a reason (for debugging and tests) or null when the loop is plain element work.
import type { Node } from 'web-tree-sitter';
import { dottedName, field, identifiersIn, named, some, statements, statementsIn, stmtExpr, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import type { LoopShape } from './loop.js';
import { isPureOneLiner } from './translate.js';
import { randomDraw } from './random-draw.js';
import { MATH_TO_NUMPY, REDUCTIONS } from '../../numpy-api.js';

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
    else if (n.type === 'comparison_operator' && n.children.some((c) => c !== null && !c.isNamed && /^(?:in|is|not)/.test(c.type))) reason = 'membership or identity test per element';
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
    else if (n.type === 'comparison_operator' && n.children.some((c) => c !== null && !c.isNamed && /^(?:in|is|not)/.test(c.type))) reason = 'membership or identity test per element';
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
    if (fn && (productLoop || isPureOneLiner(fn.node as Node, facts))) return null;
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

interface Access { name: string; index: string; write: boolean }

/**
 * Loop-carried dependencies: x[i] computed from x[i-1], a running value carried between iterations
 * (prev = x), writes at data-dependent positions (scatter). Accumulators (s += …, m = max(m, …)) are fine:
 * they are reductions.
 */
function dependency(facts: ArrayFacts, shape: LoopShape, outerVars: Set<string>): string | null {
  const loopVars = new Set([...shape.indexVars, ...shape.elements.keys(), ...outerVars]);
  const stmts = flatten(statements(shape.body)).filter((s) => s !== shape.counterStep);
  const assignedBefore = new Set<string>();
  const allAssigned = new Set<string>();
  const accumulators = new Set<string>();
  const subscriptWrites: Access[] = [];
  const subscriptReads: Access[] = [];
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
          subscriptWrites.push({ name: obj.text, index: idx, write: true });
        }
        const obj = field(left, 'value') as Node;
        const idx = indexKey(left, loopVars) as string;
        collectReads(value, subscriptReads, loopVars);
        if (e.type === 'augmented_assignment') subscriptReads.push({ name: obj.text, index: idx, write: false });
        const carried = readsCarried(value, allAssigned, assignedBefore, loopVars);
        if (carried) return `value carried between iterations (${carried})`;
        continue;
      }
      if (left.type !== 'identifier') {
        const carried = readsCarried(right, allAssigned, assignedBefore, loopVars);
        if (carried) return `value carried between iterations (${carried})`;
        for (const id of targetsOf(left)) assignedBefore.add(id);
        collectReads(right, subscriptReads, loopVars);
        continue;
      }
      const name = left.text;
      if (loopVars.has(name)) return 'rebinds the loop variable';
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
      // its blocks were flattened after it; `if x > best: best = x` (an arg-max search) reads a carried value
      for (const cond of ifConditions(e)) {
        const carried = readsCarried(cond, allAssigned, assignedBefore, loopVars);
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
  const idx = sub.childrenForFieldName('subscript').filter((c): c is Node => c !== null && c.type !== 'comment');
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
    if (!['+=', '-=', '*=', '|=', '&='].includes(op) || identifiersIn(right).has(name)) return null;
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
  const idx = sub.childrenForFieldName('subscript').filter((c): c is Node => c !== null && c.type !== 'comment');
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
