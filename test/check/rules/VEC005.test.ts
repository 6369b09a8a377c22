import { fixturePair, ruleTable } from '../../../testkit/check.js';

ruleTable('VEC005', [
  {
    name: 'the seed pattern: np.append in a loop, at the call',
    code: `
      import numpy as np
      def build(n):
          result = np.array([])
          for i in range(n):
              result = np.append(result, i * 0.5)
          return result
    `,
    expect: [[5, 'VEC005']],
    fix: 'result_parts = []  # before the loop (start with the initial result if it is not empty)\nresult_parts.append(i * 0.5)  # in the loop, instead of result = np.append(result, i * 0.5)\nresult = np.array(result_parts)  # once, after the loop',
  },
  {
    name: 'vstack, concatenate with axis, np.r_, hstack imported by name, in a while loop',
    code: `
      import numpy as np
      from numpy import hstack
      def grow(rows, chunks, n):
          acc = np.empty((0, 3))
          for r in rows:
              acc = np.vstack((acc, r))
          buf = np.zeros(0)
          for c in chunks:
              buf = np.concatenate([buf, c], axis=0)
          ids = np.array([], dtype=int)
          k = 0
          while k < n:
              ids = np.r_[ids, k]
              k += 1
          h = np.zeros(0)
          for c in chunks:
              h = hstack([h, c])
          return acc, buf, ids, h
    `,
    expect: [[6, 'VEC005'], [9, 'VEC005'], [13, 'VEC005'], [17, 'VEC005']],
    fix: /acc = np\.vstack\(acc_parts\)/,
  },
  {
    name: 'the element loop with growth as its only work gets VEC005 alone',
    code: `
      import numpy as np
      def evens(x: np.ndarray):
          out = np.array([])
          for v in x:
              out = np.append(out, v * 2)
          return out
    `,
    expect: [[5, 'VEC005']],
  },
  { name: 'concatenating once after the loop, or a small loop', code: `
      import numpy as np
      def ok(chunks):
          parts = []
          for c in chunks:
              parts.append(c)
          joined = np.concatenate(parts)
          small = np.zeros(0)
          for k in range(4):
              small = np.append(small, k)
          pair = np.concatenate([joined, small])
          return pair
    `, expect: [] },
  { name: 'new array per iteration (not growth)', code: `
      import numpy as np
      def f(a: np.ndarray, b: np.ndarray, n: int):
          out = []
          for i in range(n):
              ab = np.concatenate([a, b * i])
              out.append(ab.sum())
          return out
    `, expect: [] },
]);

fixturePair('VEC005');
fixturePair('VEC005', 'conditional');
