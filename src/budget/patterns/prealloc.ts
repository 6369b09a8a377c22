// Pattern 5: building an array element by element. np.append copies the whole array every call (quadratic);
// preallocating or collecting in a list is linear; computing it whole is one NumPy expression.
import { py } from './python.js';
import type { PatternResult, PatternSpec } from './types.js';

export const prealloc: PatternSpec = {
  name: 'prealloc',
  title: 'Pre-allocate instead of growing with np.append',
  description: 'result[i] = expensive(i) = sqrt(i)/2 + 1 for i < n, built four ways',
  claim: 'np.append in a loop is quadratic; pre-allocate and fill, or append to a list and np.array it at the end',
  sizeLabel: 'n (elements built)',
  inputs: py('import math', 'def expensive(i):', '    return math.sqrt(i) * 0.5 + 1.0'),
  inputBytes: () => 0,
  sizes: { full: [16, 256, 2048, 16384, 2 ** 16, 2 ** 20], quick: [16, 1024, 16384, 2 ** 16] },
  checkSizes: [1, 7, 100],
  groups: [
    {
      title: '',
      versions: [
        {
          id: 'append',
          label: 'result = np.append(result, …)',
          role: 'bad',
          // np.append(float32_array, a Python float) would return float64 (the float becomes a float64 array before
          // the concatenation): casting each value to the dtype first keeps the array, and what is timed, in it.
          setup: 'item = dtype.type',
          stmt: py('result = np.array([], dtype=dtype)', 'for i in range(n):', '    result = np.append(result, item(expensive(i)))'),
          result: 'result',
          cap: { full: 2 ** 16, quick: 16384 },
          growth: 2,
          allocates: (n, itemsize) => 2 * n * itemsize, // the old and the new copy
        },
        {
          id: 'prealloc',
          label: 'np.empty(n), then result[i] = …',
          role: 'good',
          setup: '',
          stmt: py('result = np.empty(n, dtype=dtype)', 'for i in range(n):', '    result[i] = expensive(i)'),
          result: 'result',
          cap: { full: 2 ** 16, quick: 16384 },
          growth: 1,
          allocates: (n, itemsize) => n * itemsize,
        },
        {
          id: 'list',
          label: 'list.append, then np.array',
          role: 'good',
          setup: '',
          stmt: py('values = []', 'for i in range(n):', '    values.append(expensive(i))', 'result = np.array(values, dtype=dtype)'),
          result: 'result',
          cap: { full: 2 ** 16, quick: 16384 },
          growth: 1,
          // n Python floats (24 B) and the list's pointers (8 B, over-allocated as it grows), then the array.
          allocates: (n, itemsize) => n * (48 + itemsize),
        },
        {
          id: 'vectorized',
          label: 'np.sqrt(np.arange(n)) * 0.5 + 1',
          role: 'good',
          setup: '',
          stmt: 'result = np.sqrt(np.arange(n, dtype=dtype)) * 0.5 + 1.0',
          result: 'result',
          allocates: (n, itemsize) => 2 * n * itemsize,
        },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => n * itemsize,
  bytesMeaning: 'the finished array (n × itemsize)',
  peakMeaning: 'most bytes held at once: np.append holds the old and the new copy, a list holds n Python floats',
  insights: (result: PatternResult) => {
    const measured = result.rows
      .map((r) => ({ size: r.size, e: r.entries.find((e) => e.version === 'append' && e.status === 'measured') }))
      .filter((r) => r.e?.timeNs);
    if (measured.length < 2) return [];
    const [a, b] = measured.slice(-2);
    const exponent = Math.log(b!.e!.timeNs!.estimate / a!.e!.timeNs!.estimate) / Math.log(b!.size / a!.size);
    // Below ~1.3 the per-call overhead still hides the copies (small n, or a quick run): say so rather than claim it.
    const why =
      exponent >= 1.3
        ? 'each call copies the whole array, so the copying term takes over as n grows'
        : 'at these sizes the per-call overhead still hides the copying; larger n shows the quadratic term';
    return [`np.append's time grows as n^${exponent.toFixed(2)} between n = ${a!.size} and ${b!.size} (1 = linear, 2 = quadratic): ${why}`];
  },
};
