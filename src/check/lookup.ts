// What a name (or `self.x`) holds at one use: its last binding before the use in the same function, else the
// enclosing scopes' final value; and whether a function of the module returns arrays.
import type { Node } from 'web-tree-sitter';
import { field, named, unparen } from './ast.js';
import type { ArrayFacts, Binding, Scope } from './arrays.js';
import { isArrayAnnotation } from './scan.js';
import { evaluate, OTHER, UNKNOWN, type Value } from './values.js';

/** A use of `name` at `pos` in `scope`: the last binding before it here, else the enclosing scopes' final value. */
export function lookupName(facts: ArrayFacts, name: string, scope: Scope, pos: number): Value {
  facts.ensureEvidence();
  let s: Scope | null = scope;
  let first = true;
  while (s) {
    if (s.kind === 'class' && !first) { s = s.parent; continue; }
    facts.collect(s);
    const list = s.bindings.get(name);
    if (list && list.length > 0) {
      let b: Binding | undefined;
      if (first) {
        for (const cand of list) if (cand.pos <= pos) b = cand;
        if (!b) return withEvidence(UNKNOWN, s, name);
      } else {
        // a closure or a global read from a function: the last non-None binding of that scope
        for (const cand of list) if (!(cand.expr && cand.expr.type === 'none')) b = cand;
        if (!b) return UNKNOWN;
      }
      return withEvidence(bindingValue(facts, b, s), s, name);
    }
    if (first && s.arrayEvidence.has(name)) return withEvidence(UNKNOWN, s, name);
    first = false;
    s = s.parent;
  }
  return UNKNOWN;
}

/**
 * The binding of `name` visible at `pos`, for rules that need the expression or annotation itself rather than its
 * value: the last one before `pos` in the innermost scope that binds the name, else an enclosing scope's last one.
 */
export function bindingAt(facts: ArrayFacts, name: string, pos: number): Binding | null {
  const own = facts.scopeAt(pos);
  for (let s: Scope | null = own; s; s = s.parent) {
    if (s.kind === 'class' && s !== own) continue;
    facts.collect(s);
    const list = s.bindings.get(name);
    if (!list || list.length === 0) continue;
    let b: Binding | null = null;
    for (const cand of list) if (cand.pos <= pos || s !== own) b = cand;
    return b;
  }
  return null;
}

/** `rng: np.random.Generator`, `state: RandomState` (imported from numpy.random). */
function isGeneratorAnnotation(facts: ArrayFacts, annotation: Node): boolean {
  const inner = annotation.type === 'type' ? named(annotation)[0] : annotation;
  const path = inner && (inner.type === 'identifier' || inner.type === 'attribute') ? facts.numpyPath(inner) : null;
  return path === 'random.Generator' || path === 'random.RandomState';
}

/** Builtin and typing containers and scalars (alone or subscripted, maybe optional): never an ndarray. */
const NOT_ARRAY_ANNOTATION = /^(?:Optional\[)?(?:typing\.)?(?:list|List|dict|Dict|set|Set|frozenset|FrozenSet|tuple|Tuple|Sequence|MutableSequence|Mapping|Iterable|Iterator|str|bytes|int|float|bool|complex)(?:\[.*\])?\]?(?:\s*\|\s*None)?$/;

function withEvidence(v: Value, scope: Scope, name: string): Value {
  if (v.kind === 'unknown' && scope.arrayEvidence.has(name)) return { kind: 'array', evidence: true };
  return v;
}

function bindingValue(facts: ArrayFacts, b: Binding, scope: Scope): Value {
  if (b.fixed) return b.fixed;
  if (b.annotation && isArrayAnnotation(b.annotation, facts.arrayAliases)) return { kind: 'array' };
  if (b.annotation && isGeneratorAnnotation(facts, b.annotation)) return { kind: 'rng' };
  // `ids: list[int]`, `names: Sequence[str]`, `n: int`: declared as something other than an array
  if (b.annotation && NOT_ARRAY_ANNOTATION.test(b.annotation.text.replace(/^["']|["']$/g, '').trim())) return OTHER;
  if (b.param) {
    const def = field(b.param, 'value');
    if (def && def.type !== 'none') {
      const v = evaluate(facts, def);
      if (v.kind === 'array') return { kind: 'array' };
    }
    void scope;
    return UNKNOWN;
  }
  if (!b.expr) return UNKNOWN;
  let v = evaluate(facts, b.expr);
  if (b.iterates) v = elementOf(v, b.expr);
  if (b.index !== undefined) v = itemOf(facts, v, b.expr, b.index, b.iterates === true);
  if (b.augmented) return v.kind === 'array' ? { kind: 'array' } : UNKNOWN;
  return v;
}

/** The value of `x` in `for x in <v>`. */
function elementOf(v: Value, iterable: Node): Value {
  if (v.kind === 'arrays') return { kind: 'array' };
  if (v.kind === 'array') {
    if (v.ndim !== undefined && v.ndim >= 2) return { kind: 'array', ndim: v.ndim - 1, rowOf: iterable.text };
    return { kind: 'element', of: iterable.text };
  }
  if (v.kind === 'enumerate' || v.kind === 'zip') return v;
  return UNKNOWN;
}

/** The `index`-th name of an unpacking target. */
function itemOf(facts: ArrayFacts, v: Value, expr: Node, index: number, iterating: boolean): Value {
  if (v.kind === 'arrays') return { kind: 'array' };
  if (v.kind === 'enumerate') {
    if (index === 0) return { kind: 'int-index' };
    return v.inner ? elementOf(v.inner, v.innerNode ?? expr) : UNKNOWN;
  }
  if (v.kind === 'zip') {
    const inner = v.parts?.[index];
    const innerNode = v.partNodes?.[index];
    return inner && innerNode ? elementOf(inner, innerNode) : UNKNOWN;
  }
  const shape = unparen(expr).type;
  if (!iterating && (shape === 'tuple' || shape === 'expression_list')) {
    const el = named(unparen(expr))[index];
    return el ? evaluate(facts, el) : UNKNOWN;
  }
  return UNKNOWN;
}

export function attributeValue(facts: ArrayFacts, obj: string, attr: string, at: number): Value {
  let s: Scope | null = facts.scopeAt(at);
  while (s && s.kind === 'function' && s.parent?.kind === 'function') s = s.parent;
  if (!s || s.kind !== 'function' || s.selfName !== obj || !s.parent) return UNKNOWN;
  facts.collectAttributes(s.parent);
  const list = s.parent.attributes?.get(attr);
  if (!list || list.length === 0) return UNKNOWN;
  let sawArray = false;
  for (const a of list) {
    if (a.annotation && isArrayAnnotation(a.annotation, facts.arrayAliases)) { sawArray = true; continue; }
    if (!a.expr || a.expr.type === 'none') continue;
    const v = evaluate(facts, a.expr);
    if (v.kind === 'array') sawArray = true;
    else if (v.kind !== 'unknown') return OTHER;
  }
  return sawArray ? { kind: 'array' } : UNKNOWN;
}

const returnMemo = new WeakMap<Scope, boolean | 'pending'>();

export function returnsArray(facts: ArrayFacts, fn: Scope): boolean {
  const memo = returnMemo.get(fn);
  if (memo !== undefined) return memo === true;
  returnMemo.set(fn, 'pending');
  const node = fn.node as Node;
  const ret = field(node, 'return_type');
  let result = false;
  if (ret) result = isArrayAnnotation(ret, facts.arrayAliases);
  else {
    const values: Node[] = [];
    const stack: Node[] = [];
    const body = field(node, 'body');
    if (body) stack.push(body);
    while (stack.length > 0) {
      const n = stack.pop() as Node;
      if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') continue;
      if (n.type === 'return_statement') {
        const v = named(n)[0];
        if (v && v.type !== 'none') values.push(v);
        continue;
      }
      if (n.type === 'yield') { values.length = 0; values.push(n); break; }
      for (const c of n.namedChildren) if (c) stack.push(c);
    }
    result = values.length > 0 && values.every((v) => evaluate(facts, v).kind === 'array');
  }
  returnMemo.set(fn, result);
  return result;
}
