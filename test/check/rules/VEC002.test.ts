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

ruleTable('VEC002', [
  {
    name: 'pairs of columns: a covariance matrix',
    code: `
      import numpy as np
      def cov(R: np.ndarray):
          d = R.shape[1]
          c = R - R.mean(axis=0)
          out = np.empty((d, d))
          for i in range(d):
              for j in range(d):
                  out[i, j] = (c[:, i] * c[:, j]).sum() / (len(R) - 1)
          return out
    `,
    expect: [[6, 'VEC002']],
    fix: 'out = (c.T[:, None] * c.T[None]).sum(axis=-1) / (len(R) - 1)',
  },
  {
    name: 'pairs of columns through @',
    code: `
      import numpy as np
      def gram(X: np.ndarray):
          d = X.shape[1]
          G = np.zeros((d, d))
          for i in range(d):
              for j in range(d):
                  G[i, j] = X[:, i] @ X[:, j]
          return G
    `,
    expect: [[5, 'VEC002']],
    fix: 'G = (X.T @ X)',
  },
  {
    name: 'the triple-loop matrix product, reported once at the outer loop',
    code: `
      import numpy as np
      def mm(A: np.ndarray, B: np.ndarray):
          n, m = A.shape
          C = np.zeros((n, B.shape[1]))
          for i in range(n):
              for j in range(B.shape[1]):
                  for k in range(m):
                      C[i, j] += A[i, k] * B[k, j]
          return C
    `,
    expect: [[5, 'VEC002']],
    fix: 'C = A @ B',
  },
  {
    name: 'a transposed operand in the triple loop',
    code: `
      import numpy as np
      def mmt(A: np.ndarray, B: np.ndarray, out: np.ndarray):
          for i in range(A.shape[0]):
              for j in range(B.shape[0]):
                  for k in range(A.shape[1]):
                      out[i, j] += A[i, k] * B[j, k]
          return out
    `,
    expect: [[3, 'VEC002']],
    fix: 'out += A @ B.T',
  },
  {
    name: 'a nearest-neighbour search per row',
    code: `
      import numpy as np
      def nn(a: np.ndarray, b: np.ndarray):
          idx = np.empty(len(a), dtype=int)
          for i in range(len(a)):
              best = np.inf
              for j in range(len(b)):
                  d = np.linalg.norm(a[i] - b[j])
                  if d < best:
                      best = d
                      idx[i] = j
          return idx
    `,
    expect: [[4, 'VEC002']],
    fix: 'd = np.linalg.norm(a[:, None] - b[None], axis=-1)  # every pair at once\nidx = d.argmin(axis=1)',
  },
  { name: 'Floyd-Warshall is not a product (the k loop is outside)', code: `
      import numpy as np
      def fw(D: np.ndarray):
          n = D.shape[0]
          for k in range(n):
              for i in range(n):
                  for j in range(n):
                      D[i, j] = min(D[i, j], D[i, k] + D[k, j])
          return D
    `, expect: [] },
]);

fixturePair('VEC002');
fixturePair('VEC002', 'columns');
fixturePair('VEC002', 'triple');
fixturePair('VEC002', 'nearest');
