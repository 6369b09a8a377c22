// Pattern 2: distances between every pair of points. Broadcasting removes the loops but materialises an
// (N, M, D) difference (twice: diff and diff ** 2); cdist and a batched broadcast avoid that.
import { formatBytes, formatRatio } from '../../render/units.js';
import { py } from './python.js';
import type { PatternResult, PatternSpec } from './types.js';

export const DIMENSIONS = 8;
/** Rows per batch are chosen so one batch's (rows, M, D) difference is about this big: it stays in L2. */
export const BATCH_BYTES = 2 ** 19;

const broadcastBytes = (n: number, itemsize: number): number => (2 * n * n * DIMENSIONS + n * n) * itemsize;
/** The (N, M) result every version writes. */
const resultBytes = (n: number, itemsize: number): number => n * n * itemsize;

export const pairwise: PatternSpec = {
  name: 'pairwise',
  title: 'Use broadcasting to avoid loops over pairs',
  description: `Euclidean distances between N points a and M = N points b in D = ${DIMENSIONS} dimensions`,
  claim: 'broadcasting allocates (N, M, D) once: fast but possibly memory-heavy; for huge N×M use cdist or batches',
  sizeLabel: `N = M (points, D = ${DIMENSIONS})`,
  inputs: py(`a = rng.random((n, ${DIMENSIONS})).astype(dtype)`, `b = rng.random((n, ${DIMENSIONS})).astype(dtype)`),
  // a and b, plus the float64 array astype copies from while each is built.
  inputBytes: (n, itemsize) => n * DIMENSIONS * (2 * itemsize + 8),
  sizes: { full: [16, 64, 256, 1024, 2048, 4096], quick: [16, 128, 1024] },
  // 150 points: the batched version runs several batches with a remainder (54 rows a batch in float64, 109 in float32).
  checkSizes: [1, 5, 37, 150],
  groups: [
    {
      title: '',
      versions: [
        {
          id: 'loop',
          label: 'nested loops over (i, j)',
          role: 'bad',
          setup: '',
          stmt: py(
            'dists = np.empty((len(a), len(b)), dtype=a.dtype)',
            'for i in range(len(a)):',
            '    for j in range(len(b)):',
            '        dists[i, j] = np.sqrt(((a[i] - b[j]) ** 2).sum())',
          ),
          result: 'dists',
          cap: { full: 256, quick: 128 },
          growth: 2,
          allocates: resultBytes,
        },
        {
          id: 'broadcast',
          label: 'broadcast (N, M, D)',
          role: 'good',
          setup: '',
          stmt: py('diff = a[:, None, :] - b[None, :, :]', 'dists = np.sqrt((diff ** 2).sum(-1))'),
          result: 'dists',
          allocates: broadcastBytes,
        },
        {
          id: 'cdist',
          label: 'scipy cdist',
          role: 'alternative',
          setup: 'from scipy.spatial.distance import cdist',
          stmt: 'dists = cdist(a, b)',
          result: 'dists',
          requires: 'scipy',
          resultDtype: 'float64',
          // SciPy computes in float64: the (N, M) result is float64 whatever the inputs, and float32 inputs are copied.
          allocates: (n) => (n * n + 2 * n * DIMENSIONS) * 8,
        },
        {
          id: 'batched',
          label: 'batched broadcast (rows per batch fit L2)',
          role: 'alternative',
          setup: `step = max(1, ${BATCH_BYTES} // (len(b) * a.shape[1] * a.itemsize))`,
          stmt: py(
            'dists = np.empty((len(a), len(b)), dtype=a.dtype)',
            'for s in range(0, len(a), step):',
            '    diff = a[s:s + step, None, :] - b[None, :, :]',
            '    dists[s:s + step] = np.sqrt((diff ** 2).sum(-1))',
          ),
          result: 'dists',
          // The result, then per batch diff and diff ** 2, and their (rows, M) sum and root (a batch is at least one
          // row: (1, M, D) when M is large).
          allocates: (n, itemsize) => resultBytes(n, itemsize) + 2 * Math.max(BATCH_BYTES, n * DIMENSIONS * itemsize) * (1 + 1 / DIMENSIONS),
          checkFacts: "{'batches': -(-len(a) // step), 'remainder': len(a) % step}",
        },
        {
          id: 'gram',
          label: 'matmul expansion |a|²+|b|²−2ab',
          role: 'alternative',
          setup: '',
          stmt: py(
            'sq = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)',
            'dists = np.sqrt(np.maximum(sq, 0.0))',
          ),
          result: 'dists',
          clock: 'process',
          // |a|²+|b|² (N, M), a @ b.T and 2.0 × it alive together, before the subtraction frees two of them.
          allocates: (n, itemsize) => 3 * resultBytes(n, itemsize),
        },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => (2 * n * DIMENSIONS + n * n) * itemsize,
  bytesMeaning: 'read a and b, write the N × M distances',
  peakMeaning: 'bytes allocated beyond a and b: broadcasting holds two (N, M, D) arrays; the others only (N, M)',
  insights: pairwiseInsights,
};

function pairwiseInsights(result: PatternResult): string[] {
  const out: string[] = [];
  const itemsize = result.config.dtype === 'float32' ? 4 : 8;
  const entry = (size: number, id: string) =>
    result.rows.find((r) => r.size === size)?.entries.find((e) => e.version === id && e.timeNs && e.status === 'measured');
  const measured = result.rows.filter((r) => entry(r.size, 'broadcast'));
  const largest = measured.at(-1);
  if (largest) {
    const b = entry(largest.size, 'broadcast')!;
    const rivals = ['cdist', 'batched', 'gram']
      .map((id) => ({ id, e: entry(largest.size, id) }))
      .filter((r) => r.e)
      .map((r) => {
        const ratio = b.timeNs!.estimate / r.e!.timeNs!.estimate;
        return ratio >= 1 ? `${r.id} ${formatRatio(ratio)} faster` : `${r.id} ${formatRatio(1 / ratio)} slower`;
      });
    const peak = b.peakBytes !== null ? formatBytes(b.peakBytes) : formatBytes(broadcastBytes(largest.size, itemsize));
    out.push(`At N = ${largest.size} broadcasting peaks at ${peak} of temporaries; against it: ${rivals.join(', ') || 'no rival measured'}`);
  }
  // Where the batched broadcast, whose temporaries stay cache-sized, starts beating the whole broadcast.
  const losing = measured.find((r) => {
    const batched = entry(r.size, 'batched');
    return batched && batched.timeNs!.high < entry(r.size, 'broadcast')!.timeNs!.low;
  });
  if (losing) {
    out.push(
      `Broadcasting loses to the batched version from N = ${losing.size}, where its (N, M, D) difference is ` +
        `${formatBytes(losing.size * losing.size * DIMENSIONS * itemsize)}: beyond the caches every temporary costs a trip to memory`,
    );
  }
  const skipped = result.rows.filter((r) => r.entries.some((e) => e.version === 'broadcast' && e.status === 'skipped-memory'));
  const ranOthers = skipped.filter((r) => r.entries.some((e) => e.version !== 'broadcast' && e.status === 'measured'));
  if (skipped.length > 0) {
    out.push(
      `Broadcasting was not run at N = ${skipped.map((r) => r.size).join(', ')}: it would exceed the memory guard` +
        (ranOthers.length > 0 ? `; at N = ${ranOthers.map((r) => r.size).join(', ')} the versions without an (N, M, D) temporary still ran` : ''),
    );
  }
  return out;
}
