// Pattern 1: a loop over elements against the whole-array op, for a reduction (sum), two transcendental
// functions (exp, tanh) and a polynomial that NumPy evaluates as a chain of temporaries.
import { py } from './python.js';
import type { PatternGroup, PatternSpec } from './types.js';

const LOOP_CAP = { full: 2 ** 16, quick: 2 ** 16 };
/** One n-element array: the output of a map. */
const oneArray = (n: number, itemsize: number): number => n * itemsize;

function mapGroup(title: string, loopLine: string, numpy: string, loopSetup = 'out = np.empty_like(x)'): PatternGroup {
  return {
    title,
    versions: [
      {
        id: `loop-${title}`,
        label: `loop: ${loopLine.trim()}`,
        role: 'bad',
        setup: loopSetup,
        stmt: py('for i in range(n):', `    ${loopLine}`),
        result: 'out',
        cap: LOOP_CAP,
        growth: 1,
        allocates: oneArray,
      },
      { id: `numpy-${title}`, label: numpy, role: 'good', setup: '', stmt: `out = ${numpy}`, result: 'out', allocates: oneArray },
    ],
  };
}

export const elementwise: PatternSpec = {
  name: 'elementwise',
  title: 'Replace explicit loops with whole-array ops',
  description: 'a Python loop over the elements of x against one NumPy call over the whole array',
  claim: 'a Python loop over 10⁶ elements is ~100× slower than the vectorized expression; for exp/tanh 100–500×',
  sizeLabel: 'n (elements of x)',
  inputs: py('import math', 'x = (rng.random(n) * 2.0 - 1.0).astype(dtype)'),
  // While x is built: rng.random's float64 array, the float64 product, then the astype copy.
  inputBytes: (n, itemsize) => n * (16 + itemsize),
  sizes: { full: [1, 16, 256, 4096, 2 ** 16, 2 ** 20, 2 ** 22], quick: [16, 1024, 2 ** 16, 2 ** 20] },
  checkSizes: [1, 7, 100],
  groups: [
    {
      title: 'sum',
      versions: [
        {
          id: 'loop-sum',
          label: 'loop: total += v',
          role: 'bad',
          setup: '',
          stmt: py('total = 0.0', 'for v in x:', '    total += v'),
          result: 'total',
          cap: LOOP_CAP,
          growth: 1,
        },
        { id: 'numpy-sum', label: 'x.sum()', role: 'good', setup: '', stmt: 'total = x.sum()', result: 'total' },
      ],
    },
    mapGroup('exp', 'out[i] = exp(x[i])', 'np.exp(x)', py('out = np.empty_like(x)', 'exp = math.exp')),
    mapGroup('tanh', 'out[i] = tanh(x[i])', 'np.tanh(x)', py('out = np.empty_like(x)', 'tanh = math.tanh')),
    {
      title: 'polynomial',
      versions: [
        {
          id: 'loop-polynomial',
          label: 'loop: out[i] = ((3v - 2)v + 1)v - 5',
          role: 'bad',
          setup: 'out = np.empty_like(x)',
          stmt: py('for i in range(n):', '    v = x[i]', '    out[i] = ((3.0 * v - 2.0) * v + 1.0) * v - 5.0'),
          result: 'out',
          cap: LOOP_CAP,
          growth: 1,
          allocates: oneArray,
        },
        {
          id: 'numpy-polynomial',
          label: '((3x - 2)x + 1)x - 5',
          role: 'good',
          setup: '',
          stmt: 'out = ((3.0 * x - 2.0) * x + 1.0) * x - 5.0',
          result: 'out',
          allocates: (n, itemsize) => 2 * n * itemsize, // the chain's temporary and the result
        },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => n * itemsize,
  bytesMeaning: 'one pass over x (n × itemsize); the maps also write as many bytes',
  peakMeaning: 'bytes allocated beyond x: the output, plus the temporaries a NumPy expression chains',
};
