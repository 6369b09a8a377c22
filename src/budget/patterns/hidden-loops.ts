// "When vectorization does not help": np.vectorize and np.apply_along_axis look vectorized but call a Python
// function per element or per row. Each is set against an explicit loop and the true whole-array op.
import { formatRatio } from '../../render/units.js';
import { py } from './python.js';
import type { PatternResult, PatternSpec } from './types.js';

export const ROW_LENGTH = 16;

const rowsOf = (n: number): number => Math.max(1, Math.floor(n / ROW_LENGTH));
const oneArray = (n: number, itemsize: number): number => n * itemsize;

export const hiddenLoops: PatternSpec = {
  name: 'hidden-loops',
  title: 'Hidden loops: np.vectorize and np.apply_along_axis',
  description: `np.vectorize(poly)(x) and np.apply_along_axis(spread, 1, m) on m of shape (n/${ROW_LENGTH}, ${ROW_LENGTH}), against the array ops`,
  claim: 'np.apply_along_axis is itself a Python loop, just hidden (np.vectorize likewise, by its own docs)',
  sizeLabel: `n (elements of x, and of m as n/${ROW_LENGTH} rows)`,
  inputs: py(
    'x = rng.random(n).astype(dtype)',
    `m = rng.random((max(1, n // ${ROW_LENGTH}), ${ROW_LENGTH})).astype(dtype)`,
    'def poly(v):',
    '    return 3.0 * v * v - 2.0 * v + 1.0',
    'def spread(row):',
    '    return row.max() - row.min()',
  ),
  // x and m, plus the float64 array each astype copies from.
  inputBytes: (n, itemsize) => (n + rowsOf(n) * ROW_LENGTH) * (itemsize + 8),
  sizes: { full: [16, 256, 4096, 2 ** 16, 2 ** 18, 2 ** 20, 2 ** 22], quick: [16, 1024, 2 ** 16, 2 ** 20] },
  checkSizes: [1, 20, 100],
  groups: [
    {
      title: 'np.vectorize',
      versions: [
        {
          id: 'vectorize',
          label: 'np.vectorize(poly)(x)',
          role: 'bad',
          setup: 'vpoly = np.vectorize(poly)',
          stmt: 'out = vpoly(x)',
          result: 'out',
          cap: { full: 2 ** 18, quick: 2 ** 16 },
          growth: 1,
          // Object arrays of Python floats in and out (~72 B per element measured), and the result.
          allocates: (n, itemsize) => n * (96 + itemsize),
        },
        {
          id: 'loop-poly',
          label: 'loop: out[i] = poly(x[i])',
          role: 'alternative',
          setup: 'out = np.empty_like(x)',
          stmt: py('for i in range(len(x)):', '    out[i] = poly(x[i])'),
          result: 'out',
          cap: { full: 2 ** 18, quick: 2 ** 16 },
          growth: 1,
          allocates: oneArray,
        },
        {
          id: 'ufunc-poly',
          label: 'poly(x) on the array',
          role: 'good',
          setup: '',
          stmt: 'out = poly(x)',
          result: 'out',
          allocates: (n, itemsize) => 3 * n * itemsize, // 3v·v and 2v alive together, then the result
        },
      ],
    },
    {
      title: 'np.apply_along_axis',
      versions: [
        {
          id: 'apply-along-axis',
          label: 'np.apply_along_axis(spread, 1, m)',
          role: 'bad',
          setup: '',
          stmt: 'out = np.apply_along_axis(spread, 1, m)',
          result: 'out',
          cap: { full: 2 ** 18, quick: 2 ** 16 },
          growth: 1,
          allocates: (n, itemsize) => rowsOf(n) * (64 + itemsize),
        },
        {
          id: 'loop-rows',
          label: 'loop: [spread(r) for r in m]',
          role: 'alternative',
          setup: '',
          stmt: 'out = np.array([spread(r) for r in m])',
          result: 'out',
          cap: { full: 2 ** 18, quick: 2 ** 16 },
          growth: 1,
          allocates: (n, itemsize) => rowsOf(n) * (64 + itemsize), // one NumPy scalar and a list slot per row, then the array
        },
        {
          id: 'axis-op',
          label: 'm.max(1) - m.min(1)',
          role: 'good',
          setup: '',
          stmt: 'out = m.max(axis=1) - m.min(axis=1)',
          result: 'out',
          allocates: (n, itemsize) => 3 * rowsOf(n) * itemsize,
        },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => n * itemsize,
  bytesMeaning: 'one pass over x (or m): n × itemsize',
  peakMeaning: 'bytes allocated beyond the inputs: the output, the temporaries, and np.vectorize\'s object arrays',
  insights: (result: PatternResult) => {
    const lines: string[] = [];
    const row = [...result.rows].reverse().find((r) => r.entries.some((e) => e.version === 'vectorize' && e.status === 'measured'));
    const t = (id: string) => row?.entries.find((e) => e.version === id && e.status === 'measured')?.timeNs?.estimate;
    const [vec, loop, app, rows] = [t('vectorize'), t('loop-poly'), t('apply-along-axis'), t('loop-rows')];
    if (row && vec && loop) lines.push(`np.vectorize runs at ${formatRatio(loop / vec)} the speed of the explicit loop at n = ${row.size}: still one Python call per element`);
    if (row && app && rows) lines.push(`np.apply_along_axis runs at ${formatRatio(rows / app)} the speed of a list comprehension over rows: one Python call per row`);
    return lines;
  },
};
