// VEC003: a loop over a batch axis doing one matrix product per item.
import type { ArrayFacts } from '../arrays.js';
import type { Rule } from '../types.js';
import { code, reportLoops } from './shared/report.js';

export const VEC003: Rule = {
  code: 'VEC003',
  name: 'batched-matmul-loop',
  summary: 'Matrix product per item in a loop over a batch axis; use one batched @ or np.einsum',
  doc: {
    whatItDoes:
      'Finds loops over the first (batch) axis of an array whose body computes `@`, `np.matmul`, `np.dot` or ' +
      '`.dot()` with the current item.',
    whyIsItSlow:
      'Each iteration makes a separate call into BLAS with its own overhead and a small, cache-cold operand, and the ' +
      'results are copied one slice at a time. `@` broadcasts over leading axes, so one call multiplies the whole ' +
      'stack; `np.einsum` spells out less common contractions.',
    example: [
      'import numpy as np',
      '',
      'a = np.random.rand(1000, 32, 16)',
      'w = np.random.rand(16, 8)',
      'out = np.empty((1000, 32, 8))',
      'for b in range(a.shape[0]):',
      '    out[b] = a[b] @ w',
    ].join('\n'),
    useInstead: [
      'import numpy as np',
      '',
      'a = np.random.rand(1000, 32, 16)',
      'w = np.random.rand(16, 8)',
      "out = a @ w  # or np.einsum('bnm,mk->bnk', a, w)",
    ].join('\n'),
  },
  check(_ctx, facts: ArrayFacts, report) {
    reportLoops(facts, 'VEC003', (v) =>
      `matrix product per item (${code(v.detail ?? '@')}) in a Python loop over the batch axis of ${code(v.arrays[0] as string)} ` +
      `(${code(v.shape.header)}): one batched @ or np.einsum does every item in one call`, report);
  },
};
