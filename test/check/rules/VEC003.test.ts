import { fixturePair, ruleTable } from '../../../testkit/check.js';

ruleTable('VEC003', [
  {
    name: 'the seed pattern: a[b] @ w per batch item',
    code: `
      import numpy as np
      def project(a: np.ndarray, w: np.ndarray, B: int):
          out = np.empty((B, a.shape[1], w.shape[1]))
          for b in range(B):
              out[b] = a[b] @ w
          return out
    `,
    expect: [[4, 'VEC003']],
    fix: "out = a @ w  # or np.einsum('bnm,mk->bnk', a, w) for stacks of matrices",
  },
  {
    name: 'np.dot per row of a list built per item',
    code: `
      import numpy as np
      def scores(X: np.ndarray, w: np.ndarray):
          res = []
          for x in X:
              res.append(np.dot(x, w))
          return np.array(res)
    `,
    expect: [[4, 'VEC003']],
    fix: /^res = X @ w/,
  },
  {
    name: 'np.matmul of two stacks',
    code: `
      import numpy as np
      def pairs(a: np.ndarray, c: np.ndarray):
          out = np.empty((len(a), 4, 4))
          for i in range(len(a)):
              out[i] = np.matmul(a[i], c[i])
          return out
    `,
    expect: [[4, 'VEC003']],
    fix: /^out = a @ c/,
  },
  {
    name: 'few but big items are not small: 64 matrices of 32×16',
    code: `
      import numpy as np
      a = np.random.rand(64, 32, 16)
      w = np.random.rand(16, 8)
      out = np.empty((64, 32, 8))
      for b in range(a.shape[0]):
          out[b] = a[b] @ w
    `,
    expect: [[5, 'VEC003']],
  },
  { name: 'a literal small batch count', code: `
      import numpy as np
      def f(a: np.ndarray, w: np.ndarray):
          out = np.empty((4, 8, 8))
          for b in range(4):
              out[b] = a[b] @ w
          return out
    `, expect: [] },
  { name: 'matrix product outside the loop', code: `
      import numpy as np
      def f(a: np.ndarray, w: np.ndarray, steps: int):
          h = a @ w
          for t in range(steps):
              h = np.tanh(h @ w)
          return h
    `, expect: [] },
  { name: 'a recurrence through the product', code: `
      import numpy as np
      def rnn(xs: np.ndarray, w: np.ndarray, u: np.ndarray):
          h = np.zeros(w.shape[0])
          out = np.empty((len(xs), w.shape[0]))
          for t in range(len(xs)):
              h = np.tanh(w @ h + u @ xs[t])
              out[t] = h
          return out
    `, expect: [] },
]);

fixturePair('VEC003');
