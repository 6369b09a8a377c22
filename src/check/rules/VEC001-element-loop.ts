// VEC001: a Python loop over the elements of an ndarray, doing work one whole-array expression would do.
import type { ArrayFacts } from '../arrays.js';
import type { Rule } from '../types.js';
import { code, reportLoops } from './shared/report.js';

export const VEC001: Rule = {
  code: 'VEC001',
  name: 'element-loop',
  summary: 'Python loop over the elements of a NumPy array',
  doc: {
    whatItDoes:
      'Finds `for`/`while` loops that walk a NumPy array one element (or one row) at a time: `for x in a`, ' +
      '`for i in range(len(a))` or `range(a.shape[0])` indexing `a[i]`, `enumerate(a)`, `zip(a, b)` of arrays, ' +
      '`while i < len(a)`. Loops over fewer than 100 elements, loops whose iterations depend on each other, early-exit ' +
      'searches and loops that call out per element (I/O, other libraries) are left alone.',
    whyIsItSlow:
      'Every iteration runs bytecode, boxes the element into a Python float and dispatches each operator dynamically: ' +
      'roughly 50 ns per element, where the same work as one NumPy expression runs in a compiled loop at memory speed. ' +
      'From a few hundred elements on the whole-array form wins, by 50-250x on large arrays.',
    example: [
      'import numpy as np',
      '',
      'def total_energy(v: np.ndarray) -> float:',
      '    total = 0.0',
      '    for x in v:',
      '        total += x * x',
      '    return total',
    ].join('\n'),
    useInstead: [
      'import numpy as np',
      '',
      'def total_energy(v: np.ndarray) -> float:',
      '    return float((v * v).sum())',
    ].join('\n'),
  },
  check(_ctx, facts: ArrayFacts, report) {
    reportLoops(facts, 'VEC001', (v) =>
      `Python loop over the elements of array ${code(v.arrays[0] as string)} (${code(v.shape.header)}): ` +
      'each iteration pays interpreter overhead; use a whole-array expression', report);
  },
};
