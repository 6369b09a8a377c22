// What the suggested rewrite should cost on this machine: NumPy calls × (per-call cost + bytes / bandwidth),
// with the bytes taken from the arrays the program actually held at the loop.
import type { Finding } from '../check/types.js';
import { formatBytes, formatDuration, formatRate } from '../render/units.js';
import { predictVectorizedSeconds, type CostModel } from './costmodel.js';
import type { RangeStats } from './join.js';
import type { ArraySeen } from './shapes.js';

export interface Priced {
  predictedSeconds: number;
  basis: string;
}

const REDUCTIONS = /\.(sum|mean|max|min|prod|any|all|std|var|argmax|argmin)\(|np\.(sum|mean|max|min|prod|dot|linalg\.norm)\(|@|np\.einsum\(/;

/** Whole-array NumPy calls a rewrite makes: np.f(...) calls, methods, and arithmetic operators between arrays. */
export function countCalls(replacement: string): number {
  const code = replacement.split('\n')[0]!.replace(/#.*$/, '');
  const calls = (code.match(/\b(np|numpy|xp)\.[a-z_.]+\(|\.\w+\(/g) ?? []).length;
  const rhs = code.includes('=') ? code.slice(code.indexOf('=') + 1) : code;
  const operators = (rhs.replace(/\*\*/g, '^').match(/[-+*/^%<>]|==|!=/g) ?? []).length;
  return Math.max(1, calls + operators);
}

function elementsOf(a: ArraySeen): number {
  return a.shape.reduce((p, d) => p * d, 1);
}

function primaryArray(finding: Finding, arrays: Map<string, ArraySeen>): ArraySeen | undefined {
  if (finding.symbol && arrays.has(finding.symbol)) return arrays.get(finding.symbol);
  return [...arrays.values()].sort((a, b) => b.nbytes - a.nbytes)[0];
}

function elementwise(finding: Finding, stats: RangeStats, arrays: Map<string, ArraySeen>, model: CostModel): Priced | null {
  const a = primaryArray(finding, arrays);
  const replacement = finding.fix?.replacement ?? '';
  const reduction = REDUCTIONS.test(replacement);
  const calls = countCalls(replacement);
  const itemsize = a?.itemsize ?? 8;
  // Elements per entry: the array when it was seen, else the loop's trip count per entry.
  const perEntry = a ? elementsOf(a) : stats.bodyHits !== undefined ? stats.bodyHits / (stats.entries ?? 1) : null;
  if (perEntry === null) return null;
  // A reduction reads its input once; every other call reads one input and writes one output.
  const bytesPerElement = reduction && calls === 1 ? itemsize : 2 * itemsize * calls;
  const entries = stats.entries ?? 1;
  const once = predictVectorizedSeconds(model, { elements: perEntry, bytesPerElement, calls });
  return {
    predictedSeconds: entries * once,
    basis: `${calls} NumPy call${calls > 1 ? 's' : ''} over ${Math.round(perEntry).toLocaleString('en-US')} elements (${formatBytes(perEntry * bytesPerElement)} moved)${entries > 1 ? ` × ${entries.toLocaleString('en-US')} entries` : ''}`,
  };
}

function pairwise(arrays: Map<string, ArraySeen>, model: CostModel): Priced | null {
  const rows = [...arrays.values()].filter((a) => a.shape.length >= 1).sort((x, y) => y.nbytes - x.nbytes);
  const [a, b] = rows.length >= 2 ? rows : [rows[0], rows[0]];
  if (!a || !b) return null;
  const n = a.shape[0]!;
  const m = b.shape[0]!;
  const d = a.shape.length > 1 ? elementsOf(a) / n : 1;
  const elements = n * m * d;
  // diff written, squared in place-ish, summed: about four passes over N×M×D.
  const bytesPerElement = 4 * a.itemsize;
  const predicted = predictVectorizedSeconds(model, { elements, bytesPerElement, calls: 4 });
  return { predictedSeconds: predicted, basis: `broadcast over ${n}×${m}×${d} = ${elements.toLocaleString('en-US')} elements (${formatBytes(elements * a.itemsize)} temporary)` };
}

function batchedMatmul(stats: RangeStats, model: CostModel): Priced | null {
  if (stats.bodyHits === undefined || stats.bodyHits === 0) return null;
  // Per item the loop pays interpreter steps and two NumPy dispatches (the a[b] view and the product) on top of
  // the product itself; one batched call keeps only the products.
  const overheadNs = 3 * model.loopPerElementNs + 2 * model.numpyPerCallNs;
  const perItemNs = (stats.timeSeconds * 1e9) / stats.bodyHits;
  const computeNs = Math.max(perItemNs - overheadNs, 0.05 * perItemNs);
  const predicted = (stats.bodyHits * computeNs + model.numpyPerCallNs) / 1e9;
  return { predictedSeconds: predicted, basis: `${stats.bodyHits.toLocaleString('en-US')} products at ≈${formatDuration(computeNs)} each without ≈${formatDuration(overheadNs)} of per-item overhead` };
}

function growth(stats: RangeStats, model: CostModel): Priced | null {
  if (stats.bodyHits === undefined) return null;
  // Appending to a list and building the array once: a couple of interpreter steps per item, one copy at the end.
  const items = stats.bodyHits;
  const predicted = (items * 2 * model.loopPerElementNs) / 1e9 + (items * 8) / model.cacheBytesPerSecond;
  return { predictedSeconds: predicted, basis: `${items.toLocaleString('en-US')} list appends and one final copy, instead of ${items.toLocaleString('en-US')} whole-array copies` };
}

export function priceRewrite(finding: Finding, stats: RangeStats, arrays: Map<string, ArraySeen>, model: CostModel): Priced | null {
  switch (finding.code) {
    case 'VEC001':
    case 'VEC004':
    case 'VEC006':
      return elementwise(finding, stats, arrays, model);
    case 'VEC002':
      return pairwise(arrays, model);
    case 'VEC003':
      return batchedMatmul(stats, model);
    case 'VEC005':
      return growth(stats, model);
    default:
      return null;
  }
}

export function describeBandwidth(bytesPerSecond: number, model: CostModel): { percentOfPeak: number | null; bound: boolean; text: string } {
  const peak = model.peakBytesPerSecond ?? model.memoryBytesPerSecond;
  const percent = peak > 0 ? (100 * bytesPerSecond) / peak : null;
  const bound = percent !== null && percent >= 60;
  const text = bound
    ? `bandwidth-bound at ${percent!.toFixed(0)} % of peak (${formatRate(bytesPerSecond)}): vectorizing further will not help`
    : `NumPy kernel at ${formatRate(bytesPerSecond)}${percent !== null ? ` (${percent.toFixed(0)} % of peak)` : ''}`;
  return { percentOfPeak: percent, bound, text };
}
