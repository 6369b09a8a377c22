// What the suggested rewrite should cost on this machine: NumPy calls × (per-call cost + bytes / bandwidth),
// with the bytes taken from the arrays the program actually held at the loop.
import type { Finding } from '../check/types.js';
import { formatBytes, formatDuration } from '../render/units.js';
import { blendByWorkingSet, interpolate, predictVectorizedSeconds, type CostModel } from './costmodel.js';
import type { RangeStats } from './join.js';
import { elementsOf, isSequence, type ArraySeen } from './shapes.js';

export interface Priced {
  predictedSeconds: number;
  basis: string;
}

/** Why a rewrite could not be priced, said the way the advice says it ("not priced: …"). */
export interface NotPriced {
  notPriced: string;
}

const REDUCTIONS = /\.(sum|mean|max|min|prod|any|all|std|var|argmax|argmin)\(|np\.(sum|mean|max|min|prod|dot|linalg\.norm)\(|@|np\.einsum\(/;

/** NumPy names that cost what a calibrated operation costs. */
const OP_ALIASES: Record<string, string> = {
  minimum: 'maximum', fmax: 'maximum', fmin: 'maximum', absolute: 'abs', fabs: 'abs', negative: 'add', subtract: 'add',
  true_divide: 'divide', power: 'multiply', square: 'multiply', exp2: 'exp', expm1: 'exp', log1p: 'log', log2: 'log',
  log10: 'log', sin: 'tanh', cos: 'tanh', tan: 'tanh', sinh: 'tanh', cosh: 'tanh', greater: 'compare', less: 'compare',
  equal: 'compare', not_equal: 'compare', greater_equal: 'compare', less_equal: 'compare', logical_and: 'compare',
  logical_or: 'compare', mean: 'sum', prod: 'sum', max: 'sum', min: 'sum', any: 'sum', all: 'sum', nansum: 'sum',
  cumsum: 'add', sign: 'abs', floor: 'abs', ceil: 'abs', round: 'abs', rint: 'abs',
};

/** Calls that cost nothing worth pricing on an ndarray: `np.asarray(x)` returns `x` itself, `np.empty` only allocates. */
const FREE_CALLS = new Set(['asarray', 'asanyarray', 'ascontiguousarray', 'empty', 'empty_like']);

/** One statement of a rewrite and the whole-array work it does. */
export interface RewriteStatement {
  /** The statement as written, without its trailing comment. */
  text: string;
  /** Calibrated NumPy calls (by the name of the operation they cost like). */
  calls: string[];
  /** Arithmetic and comparison operators between arrays, in the order written. */
  operators: string[];
  /** Calls that cost nothing on an array (`np.asarray(x)`), kept so the basis can say they were seen. */
  free: string[];
  /** Names a conversion call takes (`x` of `np.asarray(x)`): free for an array, a per-item conversion for a list. */
  converts: string[];
}

/** Index of the assignment `=` of a statement (also of `+=` and friends), or -1: not one inside brackets, nor `==`. */
function assignmentAt(code: string): number {
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '=' && depth === 0 && code[i + 1] !== '=' && !'=!<>'.includes(code[i - 1] ?? '')) return i;
  }
  return -1;
}

/**
 * Code a price can be read from: strings (`'bnm,mk->bnk'`) and comments gone, numbers and `len(…)` as one token `N`,
 * a minus sign before a number dropped (`x[:-1]`, `1e-3`, `axis=-1` are not subtractions), and arithmetic between
 * plain numbers folded where precedence allows (`len(x) + 1` is not whole-array work; in `t * 2.0 + 1.0` the `+` is).
 */
function priceableCode(line: string): string {
  let code = line.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""').replace(/#.*$/, '');
  code = code.replace(/\blen\([^()]*\)/g, 'N');
  code = code.replace(/(?<![\w.])(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?j?(?![\w.])/g, 'N');
  code = code.replace(/(^|[-+*/%(\[,=:<>]|\breturn|\blambda)(\s*)-(?=\s*N\b)/g, '$1$2');
  // `f(*args, **kw)`: unpacking, not arithmetic
  code = code.replace(/([(,]\s*)\*\*?(?=\s*[A-Za-z_])/g, '$1');
  // a slice's bounds (`x[:n_blocks * block]`, `a[s:s + k]`) are index arithmetic; a mask (`x[x > 0]`) is not
  code = withoutSliceArithmetic(code);
  for (let before = ''; before !== code; ) {
    before = code;
    // `2 * 3` binds first wherever it stands but after another `*` (`x * 2 * 3` is two passes); `1 + 2` only
    // where nothing binds tighter on either side
    code = code.replace(/(^|[(\[,=:<>+-]\s*)N\s*(?:\*\*|\/\/|[*/%])\s*N\b(?!\s*\*\*)/g, '$1N');
    code = code.replace(/(^|[(\[,=:<>]\s*)N\s*[-+]\s*N\b(?=\s*(?:[)\],:<>+-]|$))/g, '$1N');
  }
  return code;
}

/** Operators inside brackets that hold a slice (a `:` at their own level) dropped. */
function withoutSliceArithmetic(code: string): string {
  const out = code.split('');
  const open: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '[' || c === '(' || c === '{') open.push(i);
    else if (c === ']' || c === ')' || c === '}') {
      const start = open.pop();
      if (c !== ']' || start === undefined) continue;
      let depth = 0;
      let slice = false;
      for (let k = start + 1; k < i; k++) {
        const d = code[k]!;
        if ('([{'.includes(d)) depth++;
        else if (')]}'.includes(d)) depth--;
        else if (d === ':' && depth === 0) slice = true;
      }
      if (!slice) continue;
      for (let k = start + 1; k < i; k++) if ('+-*/%'.includes(out[k]!)) out[k] = ' ';
    }
  }
  return out.join('');
}

/** Lines that say something rather than compute: comments, `def` headers, decorators, imports. */
function isStatement(code: string): boolean {
  const trimmed = code.trim();
  return trimmed !== '' && !/^(?:def|async\s+def|class|import|from|@)\b|^@/.test(trimmed);
}

/** A call that reduces an array to fewer elements (a.sum(), np.max(a)): what it writes is small. */
export const REDUCING = /\.(?:sum|mean|max|min|prod|any|all|std|var|argmax|argmin)\(|\b(?:np|numpy)\.(?:sum|mean|max|min|prod|dot)\(/;

/**
 * Every statement of a rewrite with the whole-array work it does. A rewrite is often several lines: conversions of
 * arguments of unknown type first (`x = np.asarray(x)`), a call hoisted out, several outputs, a function body; each
 * line is priced, and a conversion of an array costs nothing.
 */
export function rewriteStatements(replacement: string): RewriteStatement[] {
  const out: RewriteStatement[] = [];
  for (const line of replacement.split('\n')) {
    const raw = line.replace(/(["'])(?:\\.|(?!\1).)*\1/g, (m) => m.replace(/#/g, ' '));
    const text = line.slice(0, raw.indexOf('#') === -1 ? line.length : raw.indexOf('#')).trim();
    const code = priceableCode(line);
    if (!isStatement(code)) continue;
    const at = assignmentAt(code);
    const augmented = at > 0 && /[-+*/%@&|^]/.test(code[at - 1]!) ? code[at - 1]! : null;
    const rhs = at >= 0 ? code.slice(at + 1) : code;
    const calls: string[] = [];
    const free: string[] = [];
    const converts: string[] = [];
    for (const m of rhs.matchAll(/(?<![\w.])(?:np|numpy|onp|jnp|xp|cp)\.([a-z_][a-z0-9_]*)\(|\.(sum|mean|max|min|prod|any|all|std|var|copy|cumsum)\(/g)) {
      const name = (m[1] ?? m[2])!;
      if (!FREE_CALLS.has(name)) {
        calls.push(OP_ALIASES[name] ?? name);
        continue;
      }
      free.push(name);
      const arg = /^\s*((?:self\.)?[A-Za-z_]\w*)\s*[,)]/.exec(rhs.slice(m.index! + m[0].length));
      if (arg && name !== 'empty' && name !== 'empty_like') converts.push(arg[1]!);
    }
    const bare = rhs.replace(/\*\*/g, '^').replace(/\/\//g, '/').replace(/(==|!=|<=|>=)/g, '<');
    const operators: string[] = [];
    // `out += x * 2`: the in-place operator is whole-array work too, unless the value is a reduction (`s += a.sum()`)
    if (augmented && augmented !== '@' && !REDUCING.test(rhs)) operators.push(augmented);
    operators.push(...(bare.match(/[-+*/^%<>&|]/g) ?? []));
    out.push({
      text,
      calls,
      operators: operators.map((op) =>
        op === '<' || op === '>' || op === '&' || op === '|' ? 'compare' : op === '/' || op === '%' ? 'divide' : op === '*' || op === '^' ? 'multiply' : 'add',
      ),
      free,
      converts,
    });
  }
  return out;
}

/** The statements that compute something: a rewrite without its free conversions (`x = np.asarray(x)`). */
export function workingStatements(replacement: string): RewriteStatement[] {
  return rewriteStatements(replacement).filter((s) => s.calls.length > 0 || s.operators.length > 0 || s.free.length === 0);
}

/**
 * The whole-array operations of a rewrite, as names of calibrated operations: NumPy calls, reductions called as
 * methods, and arithmetic or comparison operators between arrays, over all of its statements.
 */
export function operationsIn(replacement: string): string[] {
  return rewriteStatements(replacement).flatMap((s) => [...s.calls, ...s.operators]);
}

/**
 * The rewrite as a sentence can quote it: its one working statement (`out = np.where(x > 0, x, 0.0)`, not the
 * `x = np.asarray(x)` before it); null when it is a hint in a comment or takes several statements.
 */
export function quotableRewrite(replacement: string | undefined): string | null {
  // a rewrite that goes on in a comment (`# then the body once on all rows…`) is a hint, not one statement
  if (!replacement || replacement.split('\n').some((l) => l.trim().startsWith('#'))) return null;
  const working = workingStatements(replacement);
  return working.length === 1 ? working[0]!.text : null;
}

/**
 * What an operator costs after the first in one expression, relative to the same operation alone. NumPy works in
 * place on a temporary that nothing else holds (`x * 2.0 + 1.0`: the `+` reuses the product's buffer), so it skips
 * an allocation and a cold write. Calibrated as (`x * 2.0 + 1.0` − `x * 2.0`) / `x + 1.0`; without that
 * measurement, the value measured on our 2-core EPYC (126 µs and 195 µs on 1 M float64).
 */
export function chainedOperatorFactor(model: CostModel): number {
  const { chained, multiply, add } = model.ops;
  if (chained === undefined || multiply === undefined || add === undefined || add <= 0) return 0.55;
  return Math.min(1, Math.max(0.2, (chained - multiply) / add));
}

/**
 * Nanoseconds per element of a rewrite's operations, calibrated one by one: each statement is its own expression,
 * and within one, the operators after the first are discounted (they work in place on the temporary).
 */
function nsPerElementOf(statements: RewriteStatement[], model: CostModel): number {
  const fallback = model.ops.add ?? 0;
  const cost = (op: string): number => model.ops[op] ?? fallback;
  if (statements.every((s) => s.calls.length === 0 && s.operators.length === 0)) return cost('add');
  const factor = chainedOperatorFactor(model);
  let total = 0;
  for (const s of statements) {
    const chained = s.operators.map(cost).sort((a, b) => b - a);
    total += s.calls.reduce((sum, op) => sum + cost(op), 0) + chained.reduce((sum, c, i) => sum + (i === 0 ? c : c * factor), 0);
  }
  return total;
}

/** Whole-array NumPy calls a rewrite makes. */
export function countCalls(replacement: string): number {
  return Math.max(1, operationsIn(replacement).length);
}

/** The array the rewrite works over: the finding's own, else the largest array seen, else the longest list. */
function primaryArray(finding: Finding, arrays: Map<string, ArraySeen>): ArraySeen | undefined {
  if (finding.symbol && arrays.has(finding.symbol)) return arrays.get(finding.symbol);
  const all = [...arrays.values()];
  return all.filter((a) => !isSequence(a)).sort((a, b) => b.nbytes - a.nbytes)[0] ?? all.sort((a, b) => elementsOf(b) - elementsOf(a))[0];
}

/**
 * What the rewrite's conversions cost: nothing for a name the program held as an array, one Python-level step per
 * item for a list (np.asarray of a list, calibrated here as `asarray_list`; without that measurement, one loop
 * iteration's cost per item).
 */
function conversionCost(statements: RewriteStatement[], arrays: Map<string, ArraySeen>, model: CostModel): { seconds: number; text: string } {
  const freeCalls = [...new Set(statements.flatMap((s) => s.free))];
  if (freeCalls.length === 0) return { seconds: 0, text: '' };
  const names = [...new Set(statements.flatMap((s) => s.converts))];
  const lists = names.map((n) => arrays.get(n)).filter((a): a is ArraySeen => a !== undefined && isSequence(a));
  const nsPerItem = model.ops.asarray_list ?? model.loopPerElementNs;
  const seconds = lists.reduce((sum, a) => sum + (elementsOf(a) * nsPerItem + model.numpyPerCallNs) / 1e9, 0);
  const parts = lists.map((a) => `np.asarray of the ${a.dtype} ${a.name}: ${elementsOf(a).toLocaleString('en-US')} items at ${formatDuration(nsPerItem)} each`);
  // what is left: conversions of names held as arrays (or not seen), and np.empty
  if (lists.length < names.length || names.length === 0) parts.push(`${freeCalls.map((f) => `np.${f}`).join(', ')} free on an array`);
  return { seconds, text: parts.join('; ') };
}

function elementwise(finding: Finding, stats: RangeStats, arrays: Map<string, ArraySeen>, model: CostModel): Priced | NotPriced {
  const a = primaryArray(finding, arrays);
  const statements = rewriteStatements(finding.fix?.replacement ?? '');
  const ops = statements.flatMap((s) => [...s.calls, ...s.operators]);
  const conversion = conversionCost(statements, arrays, model);
  const calls = Math.max(1, ops.length);
  const reduction = REDUCTIONS.test(statements.map((s) => s.text).join('\n')) && calls === 1;
  // a list is converted to float64 (8 bytes an item) before any whole-array work
  const itemsize = a && !isSequence(a) ? a.itemsize : 8;
  // Elements per entry: the array when it was seen, else the loop's trip count per entry.
  const perEntry = a ? elementsOf(a) : stats.bodyHits !== undefined ? stats.bodyHits / (stats.entries ?? 1) : null;
  if (perEntry === null) return { notPriced: 'neither the arrays it works on nor its trip count were seen' };
  const entries = stats.entries ?? 1;
  // Two bounds: streaming the bytes, and computing at what these operations cost per element here (measured in
  // cache; np.where and np.exp cost far more than they move). In cache the compute bound is the measured one; from
  // memory the slower of the two holds.
  const bytesPerElement = reduction ? itemsize : 2 * itemsize * calls;
  const workingSetBytes = perEntry * itemsize * (reduction ? 1 : 2);
  const overhead = (calls * model.numpyPerCallNs) / 1e9;
  const nsPerElement = nsPerElementOf(statements, model) * (itemsize / 8);
  const computed = overhead + (perEntry * nsPerElement) / 1e9;
  // A reduction's bytes are reads, and memory feeds one read stream at a.sum()'s rate; element-wise calls read and
  // write, which the streaming peak (copy/triad) counts the same way.
  const fromMemory = reduction ? model.memoryReadBytesPerSecond : model.memoryBytesPerSecond;
  const streamedFromMemory = overhead + (perEntry * bytesPerElement) / fromMemory;
  const inCache = nsPerElement > 0 ? computed : predictVectorizedSeconds(model, { elements: perEntry, bytesPerElement, calls, workingSetBytes: 0 });
  const once = blendByWorkingSet(model, workingSetBytes, inCache, Math.max(computed, streamedFromMemory));
  const what = ops.length > 0 ? ops.join(' + ') : 'one whole-array call';
  const conversions = conversion.text ? `; ${conversion.text}` : '';
  return {
    predictedSeconds: entries * (once + conversion.seconds),
    basis: `${what} over ${Math.round(perEntry).toLocaleString('en-US')} elements (${formatBytes(perEntry * bytesPerElement)} moved${nsPerElement > 0 ? `, ${formatDuration(nsPerElement)}/element measured here` : ''}${conversions})${entries > 1 ? ` × ${entries.toLocaleString('en-US')} entries` : ''}`,
  };
}

/**
 * The two row sets of a pairwise loop: the finding's array first, then another array whose rows have the same
 * length (so the output matrix, N×M, is not taken for an input).
 */
function rowSets(finding: Finding, arrays: Map<string, ArraySeen>): [ArraySeen, ArraySeen] | null {
  const all = [...arrays.values()].filter((a) => !isSequence(a)).sort((x, y) => y.nbytes - x.nbytes);
  const named = finding.symbol ? arrays.get(finding.symbol) : undefined;
  const first = (named && !isSequence(named) ? named : undefined) ?? all[0];
  if (!first) return null;
  const rowShape = first.shape.slice(1).join('×');
  const second = all.find((a) => a !== first && a.shape.slice(1).join('×') === rowShape) ?? first;
  return [first, second];
}

function pairwise(finding: Finding, arrays: Map<string, ArraySeen>, model: CostModel): Priced | NotPriced {
  const sets = rowSets(finding, arrays);
  if (!sets) return { notPriced: 'the arrays whose rows it pairs were not seen when the program ran' };
  const [a, b] = sets;
  const n = a.shape[0] ?? 1;
  const m = b.shape[0] ?? 1;
  const d = a.shape.length > 1 ? elementsOf(a) / n : 1;
  const elements = n * m * d;
  const temporary = `${n}×${m}×${d} = ${elements.toLocaleString('en-US')} elements (${formatBytes(elements * a.itemsize)} temporary)`;
  const perElementNs = interpolate(model.pairwise.map((p) => ({ x: p.d, y: p.nsPerElement })), d);
  if (perElementNs !== null) {
    // Measured on this machine for the same expression and row length; a temporary beyond the cache pays memory too.
    const spill = model.llcBytes !== null && elements * a.itemsize > model.llcBytes ? (4 * elements * a.itemsize) / model.memoryBytesPerSecond : 0;
    return { predictedSeconds: (elements * perElementNs) / 1e9 + spill, basis: `broadcast over ${temporary} at ${formatDuration(perElementNs)} per element for rows of ${d}` };
  }
  // The difference is written, squared and summed: about four passes over N×M×D, in four calls.
  const predicted = predictVectorizedSeconds(model, { elements, bytesPerElement: 4 * a.itemsize, calls: 4, workingSetBytes: 2 * elements * a.itemsize });
  return { predictedSeconds: predicted, basis: `broadcast over ${temporary}` };
}

/** The stack and the matrix of a per-item product: a 3-D array, and a 2-D one whose rows match its last axis. */
function matmulOperands(finding: Finding, arrays: Map<string, ArraySeen>): { stack: ArraySeen; matrix: ArraySeen } | null {
  const all = [...arrays.values()].filter((a) => !isSequence(a));
  const named = finding.symbol ? arrays.get(finding.symbol) : undefined;
  const stack = (named && !isSequence(named) ? named : undefined) ?? all.filter((x) => x.shape.length >= 3).sort((x, y) => y.nbytes - x.nbytes)[0];
  if (!stack || stack.shape.length < 3) return null;
  const inner = stack.shape.at(-1)!;
  const matrix = all.find((x) => x !== stack && x.shape.length === 2 && x.shape[0] === inner);
  return matrix ? { stack, matrix } : null;
}

function batchedMatmul(finding: Finding, stats: RangeStats, arrays: Map<string, ArraySeen>, model: CostModel): Priced | NotPriced {
  const ops = matmulOperands(finding, arrays);
  const nsPerFma = ops ? interpolate(model.matmul.map((m) => ({ x: m.k, y: m.nsPerFma })), ops.stack.shape.at(-1)!) : null;
  if (ops && nsPerFma !== null) {
    // One batched product: the multiply-adds at this machine's rate for that inner size, plus streaming the stack in
    // and the result out.
    const batch = elementsOf(ops.stack) / (ops.stack.shape.at(-2)! * ops.stack.shape.at(-1)!);
    const [rows, inner] = [ops.stack.shape.at(-2)!, ops.stack.shape.at(-1)!];
    const cols = ops.matrix.shape[1]!;
    const fmas = batch * rows * inner * cols;
    const bytes = ops.stack.nbytes + batch * rows * cols * ops.stack.itemsize;
    const entries = stats.entries ?? 1;
    const once = (fmas * nsPerFma) / 1e9 + predictVectorizedSeconds(model, { elements: bytes / ops.stack.itemsize, bytesPerElement: ops.stack.itemsize });
    return {
      predictedSeconds: entries * once,
      basis: `one product over ${batch.toLocaleString('en-US')} ${rows}×${inner} @ ${inner}×${cols}: ${fmas.toLocaleString('en-US')} multiply-adds at ${formatDuration(nsPerFma)} + ${formatBytes(bytes)} streamed`,
    };
  }
  if (stats.bodyHits === undefined || stats.bodyHits === 0) return { notPriced: 'neither the stack and the matrix nor the loop\'s trip count were seen' };
  const items = stats.bodyHits;
  // Shapes unknown: per item the loop pays interpreter steps and two NumPy dispatches (the a[b] view and the
  // product) on top of the product itself.
  const overheadNs = 3 * model.loopPerElementNs + 2 * model.numpyPerCallNs;
  const perItemNs = (stats.timeSeconds * 1e9) / items;
  const computeNs = Math.max(perItemNs - overheadNs, 0.05 * perItemNs);
  return {
    predictedSeconds: (items * computeNs + model.numpyPerCallNs) / 1e9,
    basis: `${items.toLocaleString('en-US')} products at ≈${formatDuration(computeNs)} each without ≈${formatDuration(overheadNs)} of per-item overhead`,
  };
}

function growth(stats: RangeStats, model: CostModel): Priced | NotPriced {
  if (stats.bodyHits === undefined) return { notPriced: 'the loop\'s trip count was not counted' };
  // Appending to a list and building the array once: about one loop iteration's worth of interpreter work per
  // item (the append replaces the np.append call), and one conversion at the end.
  const items = stats.bodyHits;
  const predicted = (items * model.loopPerElementNs) / 1e9 + (items * 8) / model.cacheBytesPerSecond;
  return { predictedSeconds: predicted, basis: `${items.toLocaleString('en-US')} list appends and one final copy, instead of ${items.toLocaleString('en-US')} whole-array copies` };
}

export function priceRewrite(finding: Finding, stats: RangeStats, arrays: Map<string, ArraySeen>, model: CostModel): Priced | NotPriced {
  switch (finding.code) {
    case 'VEC001':
    case 'VEC004':
    case 'VEC006':
      return elementwise(finding, stats, arrays, model);
    case 'VEC002':
      return pairwise(finding, arrays, model);
    case 'VEC003':
      return batchedMatmul(finding, stats, arrays, model);
    case 'VEC005':
      return growth(stats, model);
    default:
      return { notPriced: `there is no price model for ${finding.code}` };
  }
}
