// What a loop iterates over, and whether it is one of the seed's exceptions. Shared by VEC001–VEC004.
import type { Node } from 'web-tree-sitter';
import { dottedName, field, headerColon, identifiersIn, indicesOf, intLiteral, named, positionalArgs, statements, stmtExpr, unparen, walk } from '../../ast.js';
import type { ArrayFacts } from '../../arrays.js';
import { bindingAt } from '../../lookup.js';
import { npAlias } from './translate.js';
import { bindIteration, isSmall, isSmallArray, SMALL } from './unpack.js';

export { SMALL } from './unpack.js';

export interface LoopShape {
  node: Node;
  body: Node;
  /** `for x in a:` as written (first line, up to the colon). */
  header: string;
  /** The arrays the loop walks, by source text, first is the main one. */
  arrays: string[];
  /** Element variables → the array text they come from. */
  elements: Map<string, string>;
  /** Index variables (range loops, enumerate counters, while counters). */
  indexVars: Set<string>;
  /** Element variables that are rows of a 2-D array. */
  rows: Set<string>;
  /** `range(start, …)`: a nonzero start changes the vectorized slice; NaN when not a literal (no exact rewrite). */
  rangeStart: number;
  /** `range(…, len(a) - k)`: k, so `a[i]` reads `a[s:-k]`; undefined when the stop is not a length. */
  rangeEndOffset?: number;
  /** The array whose length bounds the range (`x` of `range(len(x) - 1)`). */
  rangeOver?: string;
  /** `range(1, m)` with a stop that is not an array's length: arrays are read as `a[1:m]`, never `a[1:]`. */
  rangeStop?: string;
  /** `np.arange(…)` with the range's own arguments: what a bare index becomes once vectorized. */
  indexValues?: Map<string, string>;
  /** How many iterations, as code (`n`, `len(a)`, `n - 1`): the `size=` of a per-iteration random draw. */
  count?: string;
  /** While loops: the counter increment statement, not part of the work. */
  counterStep?: Node;
}

export function headerText(node: Node, source: string): string {
  const colon = node.type === 'for_statement' || node.type === 'while_statement' ? headerColon(node) : null;
  const end = colon ? colon.endIndex : node.endIndex;
  const text = source.slice(node.startIndex, end).replace(/\s+/g, ' ').trim();
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

/** The loop's element/index structure when it walks an array, else null. Exceptions are judged separately. */
export function classifyLoop(facts: ArrayFacts, node: Node, outerVars: Set<string> = new Set()): LoopShape | null {
  const body = field(node, 'body');
  if (!body) return null;
  if (node.type === 'while_statement') return classifyWhile(facts, node, body);
  if (node.children.some((c) => c?.type === 'async')) return null;
  const left = field(node, 'left');
  const right = field(node, 'right');
  if (!left || !right) return null;
  return classifyIteration(facts, node, left, right, body, outerVars);
}

/** `[e for x in a if c]` and generator expressions: one `for` clause, the comprehension itself as the body. */
export function classifyComprehension(facts: ArrayFacts, comp: Node): LoopShape | null {
  const clauses = named(comp).filter((c) => c.type === 'for_in_clause');
  if (clauses.length !== 1) return null;
  const clause = clauses[0] as Node;
  const left = field(clause, 'left');
  const right = field(clause, 'right');
  if (!left || !right || clause.children.some((c) => c?.type === 'async')) return null;
  const shape = classifyIteration(facts, comp, left, right, comp, new Set());
  if (shape) shape.header = headerText(comp, facts.source);
  return shape;
}

function classifyIteration(facts: ArrayFacts, node: Node, left: Node, right: Node, body: Node, outerVars: Set<string>): LoopShape | null {
  const shape: LoopShape = {
    node, body, header: headerText(node, facts.source), arrays: [], elements: new Map(), indexVars: new Set(),
    rows: new Set(), rangeStart: 0,
  };
  const iter = unparen(right);
  const target = unparen(left);
  const callee = iter.type === 'call' ? field(iter, 'function') : null;
  const calleeName = dottedName(callee);
  const npPath = callee ? facts.numpyPath(callee) : null;

  if (calleeName === 'range') {
    if (target.type !== 'identifier') return null;
    const args = positionalArgs(iter);
    if (args.length === 0 || args.length > 3) return null;
    if (args.length === 3 && intLiteral(args[2] as Node) !== 1) return null;
    const stop = args.length === 1 ? args[0] as Node : args[1] as Node;
    const start = args.length === 1 ? 0 : intLiteral(args[0] as Node);
    if (start !== null && start < 0) return null;
    shape.rangeStart = start ?? Number.NaN;
    // `range(a.shape[0])` is as small as `a` is (64 big matrices are not small); `range(50)` is small
    const over = arrayOfLength(facts, stop);
    const stopValue = facts.valueOf(stop);
    if (!over && stopValue.int !== undefined && stopValue.int - (start ?? 0) < SMALL) return null;
    shape.indexVars.add(target.text);
    shape.indexValues = new Map([[target.text, `${npAlias(facts)}.arange(${args.map((a) => a.text).join(', ')})`]]);
    if (args.length === 1 || start === 0) shape.count = stop.text;
    else if (start !== null) shape.count = `${/^[\w.]+$|^len\([^()]*\)$/.test(stop.text) ? stop.text : `(${stop.text})`} - ${start}`;
    if (over) {
      if (over.small) return null;
      shape.arrays.push(over.text);
      shape.rangeEndOffset = over.endOffset;
      shape.rangeOver = over.text;
    } else if (start !== 0) shape.rangeStop = stop.text;
    const indexed = arraysIndexedBy(facts, body, target.text, outerVars);
    if (indexed.length === 0) return null;
    for (const a of indexed) if (!shape.arrays.includes(a)) shape.arrays.push(a);
    return shape;
  }
  if (calleeName === 'reversed') return null;
  if (npPath === 'ndindex') return classifyNdindex(facts, shape, iter, target);
  if (calleeName === 'itertools.product' || calleeName === 'product') return classifyProduct(facts, shape, iter, target);
  if (npPath === 'nditer' || npPath === 'ndenumerate') {
    // only arrays (or array-likes NumPy converts) can be walked this way
    const arr = positionalArgs(iter)[0];
    const kind = arr ? facts.valueOf(arr).kind : 'other';
    if (!arr || kind === 'other' || kind === 'arrays' || isSmall(facts, arr)) return null;
    const elVar = npPath === 'nditer' ? target : named(target)[1];
    if (!elVar || elVar.type !== 'identifier') return null;
    shape.arrays.push(arr.text);
    shape.elements.set(elVar.text, arr.text);
    return shape;
  }
  // `for x in a`, `enumerate(a)`, `zip(a, b)`, and their unpackings
  const bound = bindIteration(facts, target, iter);
  if (!bound) return null;
  shape.arrays.push(...bound.arrays);
  shape.elements = bound.elements;
  shape.indexVars = bound.indexVars;
  shape.rows = bound.rows;
  if (bound.offsetCounter) shape.rangeStart = Number.NaN;
  shape.count = `len(${bound.arrays[0] as string})`;
  return shape;
}

/** `len(a)`, `a.shape[0]`, `a.size`, `len(a) - 1`: the array whose length bounds a range. */
function arrayOfLength(facts: ArrayFacts, stop: Node): { text: string; small: boolean; endOffset?: number } | null {
  let s = unparen(stop);
  let endOffset: number | undefined = 0;
  if (s.type === 'binary_operator' && ['-', '+'].includes(field(s, 'operator')?.type ?? '') && intLiteral(field(s, 'right')) !== null) {
    const k = intLiteral(field(s, 'right')) as number;
    endOffset = field(s, 'operator')?.type === '-' ? k : undefined;
    s = unparen(field(s, 'left') as Node);
  }
  // `n = len(x)` (or `x.shape[0]`, `x.size`) earlier in the function: `range(1, n - 1)` is bounded by x
  if (s.type === 'identifier') {
    const b = bindingAt(facts, s.text, s.startIndex);
    const bound = b?.expr && b.index === undefined && !b.iterates && !b.augmented ? unparen(b.expr) : null;
    if (bound && (bound.type === 'call' || bound.type === 'subscript' || bound.type === 'attribute')) s = bound;
  }
  let arr: Node | null = null;
  if (s.type === 'call' && dottedName(field(s, 'function')) === 'len') arr = positionalArgs(s)[0] ?? null;
  else if (s.type === 'subscript') {
    const obj = field(s, 'value');
    if (obj?.type === 'attribute' && field(obj, 'attribute')?.text === 'shape') arr = field(obj, 'object');
  } else if (s.type === 'attribute' && field(s, 'attribute')?.text === 'size') arr = field(s, 'object');
  if (!arr) return null;
  const v = facts.valueOf(arr);
  if (v.kind !== 'array') return null;
  // `a.shape[1]` bounds the second axis: reads of `a[i]` are not `a[:-k]` then
  const firstAxis = s.type !== 'subscript' || intLiteral(s.childrenForFieldName('subscript')[0] ?? null) === 0;
  const out: { text: string; small: boolean; endOffset?: number } = { text: arr.text, small: isSmallArray(v) };
  if (endOffset !== undefined && firstAxis && s.type !== 'attribute') out.endOffset = endOffset;
  return out;
}

/**
 * Arrays read or written as `A[i]`, `A[i, …]`, `A[i][…]` with the loop variable as first index (or right after the
 * indices of enclosing loops: `A[i, j]` for the inner loop over j).
 */
export function arraysIndexedBy(facts: ArrayFacts, body: Node, index: string, outerVars: Set<string> = new Set()): string[] {
  const out: string[] = [];
  const written = new Set<string>();
  // cheap text test first: most range loops never write `[i`
  if (!new RegExp(`[[,]\\s*${index}\\b`).test(body.text)) return out;
  walk(body, (n) => {
    if (n.type !== 'subscript') return true;
    const idx = indicesOf(n);
    let k = 0;
    while (k < idx.length - 1 && outerVars.has((idx[k] as Node).text)) k++;
    const first = idx[k] ? unparen(idx[k] as Node) : null;
    const obj = field(n, 'value');
    // `pts[home[m]] += 3`: a scatter (or gather) through a sequence of positions walked by the counter
    const through = first?.type === 'subscript' && outerVars.size === 0 ? throughIndex(facts, first, index) : false;
    if ((through || (first?.type === 'identifier' && first.text === index)) && obj && facts.valueOf(obj).kind === 'array' && !out.includes(obj.text)) {
      out.push(obj.text);
      const p = n.parent;
      if ((p?.type === 'assignment' || p?.type === 'augmented_assignment') && field(p, 'left')?.id === n.id) written.add(obj.text);
    }
    return true;
  });
  // arrays read come first: they are what the loop walks (the written one is the result)
  return [...out.filter((a) => !written.has(a)), ...out.filter((a) => written.has(a))];
}

/** `home[m]`: one item of a sequence (an array, or a parameter of unknown type, never a dict or list) picked by the counter. */
function throughIndex(facts: ArrayFacts, sub: Node, index: string): boolean {
  const q = field(sub, 'value');
  const idx = indicesOf(sub);
  if (!q || (q.type !== 'identifier' && q.type !== 'attribute') || idx.length !== 1 || idx[0]?.type !== 'identifier' || idx[0].text !== index) return false;
  const kind = facts.valueOf(q).kind;
  return kind === 'array' || kind === 'unknown';
}

function classifyWhile(facts: ArrayFacts, node: Node, body: Node): LoopShape | null {
  const cond = field(node, 'condition');
  if (!cond) return null;
  const c = unparen(cond);
  if (c.type !== 'comparison_operator') return null;
  const [counter, stop] = named(c);
  const op = c.children.find((k) => k !== null && !k.isNamed)?.text;
  if (!counter || !stop || counter.type !== 'identifier' || (op !== '<' && op !== '<=')) return null;
  const i = counter.text;
  // exactly one top-level `i += 1`, and nothing else touching i
  const stmts = statements(body);
  const steps = stmts.filter((s) => {
    const e = stmtExpr(s);
    return e.type === 'augmented_assignment' && field(e, 'left')?.text === i && field(e, 'right')?.text === '1' && field(e, 'operator')?.text === '+=';
  });
  if (steps.length !== 1) return null;
  let otherWrites = false;
  walk(body, (n) => {
    if ((n.type === 'assignment' || n.type === 'augmented_assignment') && n !== stmtExpr(steps[0] as Node)) {
      const left = field(n, 'left');
      if (left && identifiersIn(left).has(i) && left.type === 'identifier') otherWrites = true;
    }
    return !otherWrites;
  });
  if (otherWrites) return null;
  const stopValue = facts.valueOf(stop);
  if (stopValue.int !== undefined && stopValue.int < SMALL) return null;
  const shape: LoopShape = {
    node, body, header: headerText(node, facts.source), arrays: [], elements: new Map(), indexVars: new Set([i]),
    rows: new Set(), rangeStart: 0, counterStep: steps[0] as Node,
  };
  const over = arrayOfLength(facts, stop);
  if (over) {
    if (over.small) return null;
    shape.arrays.push(over.text);
  }
  const indexed = arraysIndexedBy(facts, body, i);
  if (indexed.length === 0) return null;
  for (const a of indexed) if (!shape.arrays.includes(a)) shape.arrays.push(a);
  return shape;
}

/** A loop provably over fewer than SMALL items: `range(3)`, `for k in (1, 2, 3)`, an array of known small length. */
export function isSmallLoop(facts: ArrayFacts, loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const right = field(loop, 'right');
  if (!right) return false;
  const iter = unparen(right);
  if (iter.type === 'list' || iter.type === 'tuple' || iter.type === 'set') return named(iter).length < SMALL;
  if (iter.type === 'call' && dottedName(field(iter, 'function')) === 'range') {
    const args = positionalArgs(iter);
    const stop = args.length === 1 ? args[0] : args[1];
    const start = args.length === 1 ? 0 : facts.valueOf(args[0] as Node).int;
    const end = stop ? facts.valueOf(stop).int : undefined;
    return start !== undefined && end !== undefined && end - start < SMALL;
  }
  const v = facts.valueOf(iter);
  return v.len0 !== undefined && v.len0 < SMALL;
}

/** `for idx in np.ndindex(a.shape)`: every element of `a`, `idx` a full index tuple. */
function classifyNdindex(facts: ArrayFacts, shape: LoopShape, iter: Node, target: Node): LoopShape | null {
  const args = positionalArgs(iter);
  const first = args[0] ? unparen(args[0]) : null;
  if (!first || target.type !== 'identifier') return null;
  const arr = first.type === 'attribute' && field(first, 'attribute')?.text === 'shape' ? field(first, 'object') : null;
  if (!arr || facts.valueOf(arr).kind !== 'array' || isSmall(facts, arr)) return null;
  if (args.length === 1 && first.type !== 'attribute') return null;
  shape.arrays.push(arr.text);
  shape.indexVars.add(target.text);
  return arraysIndexedBy(facts, shape.body, target.text).length > 0 ? shape : null;
}

/** `for r, c in itertools.product(range(h), range(w))`: a 2-D nest written as one loop. */
function classifyProduct(facts: ArrayFacts, shape: LoopShape, iter: Node, target: Node): LoopShape | null {
  const args = positionalArgs(iter);
  const targets = target.type === 'pattern_list' || target.type === 'tuple_pattern' ? named(target) : [];
  if (args.length < 2 || targets.length !== args.length || targets.some((t) => t.type !== 'identifier')) return null;
  let total = 1;
  for (const a of args) {
    const r = unparen(a);
    if (r.type !== 'call' || dottedName(field(r, 'function')) !== 'range' || positionalArgs(r).length !== 1) return null;
    const n = facts.valueOf(positionalArgs(r)[0] as Node).int;
    total *= n ?? SMALL;
  }
  if (total < SMALL) return null;
  targets.forEach((t) => shape.indexVars.add(t.text));
  const outer = new Set<string>();
  for (const t of targets) {
    for (const a of arraysIndexedBy(facts, shape.body, t.text, outer)) if (!shape.arrays.includes(a)) shape.arrays.push(a);
    outer.add(t.text);
  }
  return shape.arrays.length > 0 ? shape : null;
}
