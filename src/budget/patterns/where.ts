// Pattern 4: an `if` inside the loop against a branch-free whole-array op.
import { py } from './python.js';
import type { PatternSpec } from './types.js';

export const where: PatternSpec = {
  name: 'where',
  title: 'Avoid Python if inside hot loops',
  description: 'out[i] = x[i] if x[i] > 0 else 0 in a loop, against np.maximum(x, 0) and np.where(x > 0, x, 0)',
  claim: 'out = np.maximum(x, 0) (or np.where(x > 0, x, 0)) replaces the loop with its per-element if',
  sizeLabel: 'n (elements of x)',
  inputs: 'x = rng.standard_normal(n).astype(dtype)',
  inputBytes: (n, itemsize) => n * (8 + itemsize),
  sizes: { full: [1, 16, 256, 4096, 2 ** 16, 2 ** 20, 2 ** 22], quick: [16, 1024, 2 ** 16, 2 ** 20] },
  checkSizes: [1, 7, 100],
  groups: [
    {
      title: '',
      versions: [
        {
          id: 'loop-if',
          label: 'loop: out[i] = x[i] if x[i] > 0 else 0',
          role: 'bad',
          setup: 'out = np.empty_like(x)',
          stmt: py('for i in range(len(x)):', '    out[i] = x[i] if x[i] > 0 else 0'),
          result: 'out',
          cap: { full: 2 ** 16, quick: 2 ** 16 },
          growth: 1,
          allocates: (n, itemsize) => n * itemsize,
        },
        { id: 'maximum', label: 'np.maximum(x, 0)', role: 'good', setup: '', stmt: 'out = np.maximum(x, 0)', result: 'out', allocates: (n, itemsize) => n * itemsize },
        {
          id: 'where',
          label: 'np.where(x > 0, x, 0)',
          role: 'good',
          setup: '',
          stmt: 'out = np.where(x > 0, x, 0)',
          result: 'out',
          allocates: (n, itemsize) => n * (itemsize + 1), // the output and the boolean mask
        },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => 2 * n * itemsize,
  bytesMeaning: 'read x and write out (2 × n × itemsize)',
  peakMeaning: 'bytes allocated beyond x: the output, and for np.where the boolean mask x > 0',
  insights: (result) => {
    const last = result.rows.at(-1);
    const time = (id: string) => last?.entries.find((e) => e.version === id)?.timeNs?.estimate;
    const [m, w] = [time('maximum'), time('where')];
    if (!last || !m || !w) return [];
    return [`np.where takes ${(w / m).toFixed(2)}× the time of np.maximum at n = ${last.size}: it builds the mask x > 0 first, then selects`];
  },
};
