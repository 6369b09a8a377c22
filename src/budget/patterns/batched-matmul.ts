// Pattern 3: a stack of small matrix products. The loop pays Python per batch; einsum contracts in its own
// C loops (no BLAS unless asked to optimise); a @ w hands the batch to matmul's BLAS-backed kernel.
import { formatRatio } from '../../render/units.js';
import { bootstrapMedians, type Interval } from '../stats.js';
import { py } from './python.js';
import type { PatternResult, PatternSpec } from './types.js';

export const ROWS = 16;
export const INNER = 16;
export const COLS = 16;

/** The (B, N, K) output. */
const outBytes = (n: number, itemsize: number): number => n * ROWS * COLS * itemsize;

export const batchedMatmul: PatternSpec = {
  name: 'batched-matmul',
  title: 'einsum for contractions; matmul for the common batched case',
  description: `out[b] = a[b] @ w for a of shape (B, ${ROWS}, ${INNER}) and w of shape (${INNER}, ${COLS})`,
  claim: "np.einsum('bnm,mk->bnk', a, w) or simply a @ w; einsum is pricier than np.matmul for the common cases",
  sizeLabel: `B (batches of ${ROWS}×${INNER} @ ${INNER}×${COLS})`,
  inputs: py(`a = rng.random((n, ${ROWS}, ${INNER})).astype(dtype)`, `w = rng.random((${INNER}, ${COLS})).astype(dtype)`),
  inputBytes: (n, itemsize) => (n * ROWS * INNER + INNER * COLS) * (itemsize + 8),
  sizes: { full: [1, 8, 64, 512, 4096, 16384], quick: [1, 64, 2048] },
  checkSizes: [1, 3, 17],
  groups: [
    {
      title: '',
      versions: [
        {
          id: 'loop',
          label: 'for b: out[b] = a[b] @ w',
          role: 'bad',
          setup: '',
          stmt: py('out = np.empty((a.shape[0], a.shape[1], w.shape[1]), dtype=a.dtype)', 'for b in range(a.shape[0]):', '    out[b] = a[b] @ w'),
          result: 'out',
          clock: 'process',
          allocates: outBytes,
        },
        {
          id: 'einsum',
          label: "np.einsum('bnm,mk->bnk')",
          role: 'good',
          setup: '',
          stmt: "out = np.einsum('bnm,mk->bnk', a, w)",
          result: 'out',
          clock: 'process',
          allocates: outBytes,
        },
        {
          id: 'einsum-optimize',
          label: 'einsum(…, optimize=True)',
          role: 'alternative',
          setup: '',
          stmt: "out = np.einsum('bnm,mk->bnk', a, w, optimize=True)",
          result: 'out',
          clock: 'process',
          allocates: (n, itemsize) => 2 * outBytes(n, itemsize), // the output and a reshaped copy for the BLAS call
        },
        { id: 'matmul', label: 'a @ w', role: 'good', setup: '', stmt: 'out = a @ w', result: 'out', clock: 'process', allocates: outBytes },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => (n * ROWS * INNER + INNER * COLS + n * ROWS * COLS) * itemsize,
  bytesMeaning: 'read a and w, write out',
  peakMeaning: 'bytes allocated beyond a and w: the (B, N, K) output and any copy a kernel makes',
  insights: batchedMatmulInsights,
};

/** Time of version `a` over version `b` at one size (ratio of medians), with its 95 % bootstrap interval. */
function timeRatio(result: PatternResult, size: number, a: string, b: string): Interval | null {
  const cell = (id: string) => result.cells.find((c) => c.version === id && c.size === size);
  const [ca, cb] = [cell(a), cell(b)];
  if (!ca || !cb) return null;
  return bootstrapMedians([ca.wallNs, cb.wallNs], ([x, y]) => x! / y!, { seed: size, replicates: 600 });
}

/** "pricier" or "cheaper" only when the interval leaves 1 behind; otherwise the two are indistinguishable here. */
function compareToMatmul(what: string, r: Interval): string {
  const range = `${formatRatio(r.estimate)} the time of a @ w (95 % interval ${formatRatio(r.low).slice(0, -1)}–${formatRatio(r.high)})`;
  if (r.low > 1) return `${what} is pricier than a @ w: ${range}`;
  if (r.high < 1) return `${what} is cheaper than a @ w: ${range}`;
  return `${what} and a @ w are indistinguishable here: ${range}, an interval that includes 1`;
}

function batchedMatmulInsights(result: PatternResult): string[] {
  const measured = (size: number, id: string) => result.cells.some((c) => c.version === id && c.size === size);
  const last = [...result.rows].reverse().find((r) => measured(r.size, 'matmul') && measured(r.size, 'einsum'));
  if (!last) return [];
  const lines: string[] = [];
  const plain = timeRatio(result, last.size, 'einsum', 'matmul');
  if (plain) lines.push(`At B = ${last.size} ${compareToMatmul('plain einsum', plain)}`);
  const optimized = timeRatio(result, last.size, 'einsum-optimize', 'matmul');
  if (optimized) lines.push(`${compareToMatmul('einsum(optimize=True)', optimized)} (it can hand the contraction to BLAS as one product)`);
  const parallel = last.entries.find((e) => e.version === 'matmul')?.cpuPerWall;
  if (parallel) lines.push(`a @ w used ${parallel.toFixed(2)} CPU-seconds per wall second at B = ${last.size}`);
  return lines;
}
