// VEC004: per-element if / conditional expression / max / min / abs inside an element loop.
import type { ArrayFacts } from '../arrays.js';
import type { Rule } from '../types.js';
import { code, reportLoops } from './shared/report.js';

export const VEC004: Rule = {
  code: 'VEC004',
  name: 'branch-in-loop',
  summary: 'Per-element if/max/min/abs in a Python loop; use np.where, np.maximum, np.clip or np.abs',
  doc: {
    whatItDoes:
      'Finds element loops over an array whose body decides per element: an `if` on the element, a conditional ' +
      'expression, or the builtins `max`, `min` and `abs`. Reported instead of VEC001 for that loop.',
    whyIsItSlow:
      'On top of the interpreter overhead of the loop, each element goes through a Python comparison and a ' +
      'branch. NumPy evaluates the condition for the whole array at once and selects with a mask: ' +
      '`np.where(c, x, y)`, `np.maximum(x, 0)`, `np.clip(x, lo, hi)`, `np.abs(x)`, `np.count_nonzero(c)`.',
    example: [
      'import numpy as np',
      '',
      'x = np.random.randn(1_000_000)',
      'out = np.empty_like(x)',
      'for i in range(len(x)):',
      '    out[i] = x[i] if x[i] > 0 else 0',
    ].join('\n'),
    useInstead: [
      'import numpy as np',
      '',
      'x = np.random.randn(1_000_000)',
      'out = np.maximum(x, 0)  # or np.where(x > 0, x, 0)',
    ].join('\n'),
  },
  check(_ctx, facts: ArrayFacts, report) {
    reportLoops(facts, 'VEC004', (v) =>
      `per-element branch in a Python loop over array ${code(v.arrays[0] as string)} (${code(v.shape.header)}): ` +
      'select with np.where / np.maximum / np.clip / np.abs on the whole array', report);
  },
};
