import { fixturePair, ruleTable } from '../../../testkit/check.js';

ruleTable('VEC002', [
  {
    name: 'the seed pattern: pairwise distances',
    code: `
      import numpy as np
      a = np.random.rand(500, 3)
      b = np.random.rand(400, 3)
      dists = np.empty((len(a), len(b)))
      for i in range(len(a)):
          for j in range(len(b)):
              dists[i, j] = np.sqrt(((a[i] - b[j]) ** 2).sum())
    `,
    expect: [[5, 'VEC002']],
    fix: 'dists = np.sqrt(((a[:, None] - b[None]) ** 2).sum(axis=-1))',
  },
  {
    name: 'rows taken directly, dot products',
    code: `
      import numpy as np
      def sims(q: np.ndarray, k: np.ndarray):
          s = np.zeros((len(q), len(k)))
          for i, x in enumerate(q):
              for j, y in enumerate(k):
                  s[i, j] = np.dot(x, y)
          return s
    `,
    expect: [[4, 'VEC002']],
    fix: 's = (q @ k.T)',
  },
  {
    name: 'same array with itself, scalar elements',
    code: `
      import numpy as np
      def gaps(x: np.ndarray):
          n = len(x)
          d = np.empty((n, n))
          for i in range(n):
              for j in range(n):
                  d[i, j] = abs(x[i] - x[j])
          return d
    `,
    expect: [[5, 'VEC002']],
    fix: 'd = np.abs(x[:, None] - x[None])',
  },
  {
    name: 'triangular loops over one set (a symmetric kernel)',
    code: `
      import math
      import numpy as np
      def gram(X: np.ndarray, gamma: float):
          n = len(X)
          K = np.ones((n, n))
          for i in range(n):
              for j in range(i + 1, n):
                  K[i, j] = K[j, i] = math.exp(-gamma * np.abs(X[i] - X[j]).sum())
          return K
    `,
    expect: [[6, 'VEC002']],
    fix: 'K = np.exp(-gamma * np.abs(X[:, None] - X[None]).sum(axis=-1))',
  },
  {
    name: 'nested lists of rows',
    code: `
      import numpy as np
      def sq(p: np.ndarray, q: np.ndarray):
          rows = []
          for u in p:
              row = []
              for v in q:
                  row.append(float(((u - v) ** 2).sum()))
              rows.append(row)
          return np.array(rows)
    `,
    expect: [[4, 'VEC002']],
    fix: 'rows = ((p[:, None] - q[None]) ** 2).sum(axis=-1).astype(float)',
  },
  { name: 'a small inner loop is not a pair loop', code: `
      import numpy as np
      def f(pts: np.ndarray):
          out = np.zeros(len(pts))
          for i in range(len(pts)):
              for k in range(3):
                  out[i] += pts[i, k] ** 2
          return out
    `, expect: [] },
]);

fixturePair('VEC002');
