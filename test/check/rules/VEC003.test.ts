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

ruleTable('VEC003', [
  {
    name: 'a per-element random draw next to the product',
    code: `
      import numpy as np
      def targets(n: int, d: int):
          rng = np.random.default_rng(0)
          X = rng.normal(size=(n, d))
          w = rng.normal(size=d)
          y = np.empty(n)
          for i in range(n):
              y[i] = X[i] @ w + 0.1 * rng.normal()
          return y
    `,
    expect: [[7, 'VEC003']],
    fix: 'y = X @ w + 0.1 * rng.normal(size=n)',
  },
  {
    name: 'W @ x for every row of a known 2-D array',
    code: `
      import numpy as np
      def proj(W: np.ndarray):
          X = np.random.rand(1000, 8)
          out = np.empty((1000, W.shape[0]))
          for i in range(X.shape[0]):
              out[i] = W @ X[i]
          return out
    `,
    expect: [[5, 'VEC003']],
    fix: 'out = X @ W.T',
  },
  {
    name: 'an item along the middle axis',
    code: `
      import numpy as np
      def greedy(P: np.ndarray, V: np.ndarray):
          pol = np.empty(P.shape[1])
          for s in range(P.shape[1]):
              pol[s] = np.argmax(P[:, s, :] @ V)
          return pol
    `,
    expect: [[4, 'VEC003']],
    fix: 'pol = np.argmax(np.moveaxis(P, 1, 0) @ V, axis=1)',
  },
  {
    name: 'a comprehension whose other operand is a whole array',
    code: `
      import numpy as np
      def apply(mats: np.ndarray, v: np.ndarray):
          return np.array([m @ v for m in mats])
    `,
    expect: [[3, 'VEC003']],
    fix: 'mats @ v',
  },
  {
    name: 'a scalar per item comes from two vectors',
    code: `
      import numpy as np
      def rowdots(A: np.ndarray, B: np.ndarray):
          out = np.empty(A.shape[:1])
          for i in range(A.shape[0]):
              out[i] = A[i] @ B[i]
          return out
    `,
    expect: [[4, 'VEC003']],
    fix: "out = np.einsum('ni,ni->n', A, B)",
  },
  {
    name: 'a vector per item from unknown operands: matrix·vector or vector·matrix, not guessed',
    code: `
      import numpy as np
      def mv(A: np.ndarray, x: np.ndarray):
          out = np.empty(A.shape[:2])
          for i in range(A.shape[0]):
              out[i] = A[i] @ x[i]
          return out
    `,
    expect: [[4, 'VEC003']],
    fix: /^# one call for every item: .*matrix·vector.*vector·matrix/,
  },
  {
    name: 'unknown item shapes and a compound product: a hint, not a wrong line',
    code: `
      import numpy as np
      def quad(X: np.ndarray, S: np.ndarray):
          q = np.empty(len(X))
          for i in range(len(X)):
              q[i] = X[i] @ S @ X[i]
          return q
    `,
    expect: [[4, 'VEC003']],
    fix: /^# one call for every item/,
  },
]);

fixturePair('VEC003');
fixturePair('VEC003', 'items');
fixturePair('VEC003', 'ragged');
