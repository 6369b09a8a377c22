// Pattern 3: a stack of small matrix products. The loop pays Python per batch; einsum contracts in its own
// C loops (no BLAS unless asked to optimise); a @ w hands the batch to matmul's BLAS-backed kernel.
import { formatRatio } from '../../render/units.js';
import { py } from './python.js';
import type { PatternResult, PatternSpec } from './types.js';

export const ROWS = 16;
export const INNER = 16;
export const COLS = 16;

export const batchedMatmul: PatternSpec = {
  name: 'batched-matmul',
  title: 'einsum for contractions; matmul for the common batched case',
  description: `out[b] = a[b] @ w for a of shape (B, ${ROWS}, ${INNER}) and w of shape (${INNER}, ${COLS})`,
  claim: "np.einsum('bnm,mk->bnk', a, w) or simply a @ w; einsum is pricier than np.matmul for the common cases",
  sizeLabel: `B (batches of ${ROWS}×${INNER} @ ${INNER}×${COLS})`,
  inputs: py(`a = rng.random((n, ${ROWS}, ${INNER})).astype(dtype)`, `w = rng.random((${INNER}, ${COLS})).astype(dtype)`),
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
        },
        {
          id: 'einsum',
          label: "np.einsum('bnm,mk->bnk')",
          role: 'good',
          setup: '',
          stmt: "out = np.einsum('bnm,mk->bnk', a, w)",
          result: 'out',
          clock: 'process',
        },
        {
          id: 'einsum-optimize',
          label: 'einsum(…, optimize=True)',
          role: 'alternative',
          setup: '',
          stmt: "out = np.einsum('bnm,mk->bnk', a, w, optimize=True)",
          result: 'out',
          clock: 'process',
        },
        { id: 'matmul', label: 'a @ w', role: 'good', setup: '', stmt: 'out = a @ w', result: 'out', clock: 'process' },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => (n * ROWS * INNER + INNER * COLS + n * ROWS * COLS) * itemsize,
  bytesMeaning: 'read a and w, write out',
  peakMeaning: 'bytes allocated beyond a and w: the (B, N, K) output and any copy a kernel makes',
  clockNote:
    'timed in wall time (perf_counter): BLAS may run on several threads, and thread_time would see only the calling one; ' +
    'the CPU/wall column is process CPU time over wall time',
  insights: (result: PatternResult) => {
    const last = [...result.rows].reverse().find((r) => r.entries.filter((e) => e.timeNs).length >= 3);
    if (!last) return [];
    const t = (id: string) => last.entries.find((e) => e.version === id)?.timeNs?.estimate;
    const [einsum, matmul, optimized] = [t('einsum'), t('matmul'), t('einsum-optimize')];
    const lines: string[] = [];
    if (einsum && matmul) lines.push(`At B = ${last.size} plain einsum takes ${formatRatio(einsum / matmul)} the time of a @ w`);
    if (optimized && matmul) lines.push(`einsum(optimize=True) takes ${formatRatio(optimized / matmul)} the time of a @ w (it can hand the contraction to BLAS as one product)`);
    const parallel = last.entries.find((e) => e.version === 'matmul')?.cpuPerWall;
    if (parallel) lines.push(`a @ w used ${parallel.toFixed(2)} CPU-seconds per wall second at B = ${last.size}`);
    return lines;
  },
};
