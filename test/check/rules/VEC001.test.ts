import { fixturePair, ruleTable } from '../../../testkit/check.js';

ruleTable('VEC001', [
  {
    name: 'a multi-line arithmetic helper called per element: call it on the whole array',
    code: `
      import numpy as np
      def bateman(t, ka, ke):
          a = np.exp(-ke * t)
          b = np.exp(-ka * t)
          return (a - b) / (ka - ke)
      def curve(times: np.ndarray) -> np.ndarray:
          out = np.empty_like(times)
          for i in range(len(times)):
              out[i] = bateman(times[i], 1.2, 0.3)
          return out
    `,
    expect: [[8, 'VEC001']],
    fix: 'out = bateman(times, 1.2, 0.3)',
  },
  {
    name: 'a helper with a builtin max is not callable on arrays as written: no exact line',
    code: `
      import numpy as np
      def floor_at(x, lo):
          y = max(x, lo)
          return y * 2.0
      def g(v: np.ndarray) -> np.ndarray:
          out = np.empty_like(v)
          for i in range(len(v)):
              out[i] = floor_at(v[i], 0.0)
          return out
    `,
    expect: [],
  },
  {
    name: 'for x in arr, accumulate a sum',
    code: `
      import numpy as np
      a = np.random.rand(10_000)
      total = 0.0
      for x in a:
          total += x
    `,
    expect: [[4, 'VEC001']],
    fix: 'total = a.sum()',
  },
  {
    name: 'range(len(a)) with an element-wise map through math.exp',
    code: `
      import math
      import numpy as np
      def f(x: np.ndarray) -> np.ndarray:
          y = np.empty_like(x)
          for i in range(len(x)):
              y[i] = math.exp(x[i]) * 2 + 1
          return y
    `,
    expect: [[5, 'VEC001']],
    fix: 'y = np.exp(x) * 2 + 1',
  },
  {
    name: 'range(a.shape[0]) dot-product accumulation',
    code: `
      import numpy as xp
      def dot(a: xp.ndarray, b: xp.ndarray):
          s = 0
          for i in range(a.shape[0]):
              s += a[i] * b[i]
          return s
    `,
    expect: [[4, 'VEC001']],
    fix: 's = a @ b',
  },
  {
    name: 'range(n) indexing an annotated array, enumerate, zip',
    code: `
      import numpy as np
      from numpy.typing import NDArray
      def g(u: NDArray, v: NDArray, n: int):
          out = np.zeros(n)
          for i in range(n):
              out[i] = u[i] - v[i]
          for i, x in enumerate(u):
              out[i] = x * 3
          acc = 0
          for p, q in zip(u, v):
              acc += p * q
          return out, acc
    `,
    expect: [[5, 'VEC001'], [7, 'VEC001'], [10, 'VEC001']],
    fix: 'out = u - v',
  },
  {
    name: 'while i < len(a)',
    code: `
      import numpy as np
      a = np.arange(5000.0)
      b = np.empty(5000)
      i = 0
      while i < len(a):
          b[i] = a[i] / 2
          i += 1
    `,
    expect: [[5, 'VEC001']],
    fix: 'b = a / 2',
  },
  {
    name: 'self.w set in __init__ and walked in another method',
    code: `
      import numpy as np
      class Layer:
          def __init__(self, n):
              self.w = np.random.randn(n)
          def norm2(self):
              s = 0.0
              for v in self.w:
                  s += v ** 2
              return s
    `,
    expect: [[7, 'VEC001']],
    fix: 's = (self.w ** 2).sum()',
  },
  {
    name: 'list of results appended per element',
    code: `
      import numpy as np
      def scale(x: np.ndarray):
          out = []
          for v in x:
              out.append(v * 0.5)
          return out
    `,
    expect: [[4, 'VEC001']],
    fix: 'out = x * 0.5',
  },
  {
    name: 'a 2-D element nest is one finding at the outer loop',
    code: `
      import numpy as np
      m = np.random.rand(300, 400)
      out = np.empty_like(m)
      for i in range(m.shape[0]):
          for j in range(m.shape[1]):
              out[i, j] = m[i, j] * 2.0
    `,
    expect: [[4, 'VEC001']],
    fix: 'out = m * 2.0',
  },
  {
    name: 'diagonal fill',
    code: `
      import numpy as np
      def f(d: np.ndarray, n: int):
          x = np.zeros((n, n))
          for k in range(n):
              x[k, k] = d[k]
          return x
    `,
    expect: [[4, 'VEC001']],
    fix: 'np.fill_diagonal(x, d)',
  },
  {
    name: 'comprehensions over arrays, and their reductions',
    code: `
      import math
      import numpy as np
      def f(z: np.ndarray):
          a = np.array([1.0 / (1.0 + math.exp(-v)) for v in z])
          b = sum([v * v for v in z])
          c = max(abs(v) for v in z)
          rows = [z[i] for i in range(len(z))]
          return a, b, c, rows
    `,
    expect: [[4, 'VEC001'], [5, 'VEC001'], [6, 'VEC004']],
    fix: '1.0 / (1.0 + np.exp(-z))',
  },
  {
    name: 'row loops keep the reduced axis when the row is used again',
    code: `
      import numpy as np
      def unit_rows(X: np.ndarray):
          for i, row in enumerate(X):
              X[i] = row / np.linalg.norm(row)
          return X
    `,
    expect: [[3, 'VEC001']],
    fix: 'X[:] = X / np.linalg.norm(X, axis=1, keepdims=True)',
  },
  {
    name: 'a schedule computed from the index',
    code: `
      import math
      import numpy as np
      def cosine(total: int, base: float):
          lrs = np.empty(total)
          for s in range(total):
              lrs[s] = 0.5 * base * (1 + math.cos(math.pi * s / total))
          return lrs
    `,
    expect: [[5, 'VEC001']],
    fix: 'lrs = 0.5 * base * (1 + np.cos(math.pi * np.arange(total) / total))',
  },
  {
    name: 'neighbours over range(len(x) - 1) become shifted slices',
    code: `
      import numpy as np
      def steps(x: np.ndarray):
          d = np.empty(len(x) - 1)
          for i in range(len(x) - 1):
              d[i] = x[i + 1] - x[i]
          return d
    `,
    expect: [[4, 'VEC001']],
    fix: 'd = x[1:] - x[:-1]',
  },
  {
    name: 'a gather through an index array',
    code: `
      import numpy as np
      def gather(table: np.ndarray, idx: np.ndarray):
          out = np.empty(len(idx))
          for i in range(len(idx)):
              out[i] = table[idx[i]]
          return out
    `,
    expect: [[4, 'VEC001']],
    fix: 'out = table[idx]',
  },
  { name: 'a dict filled by key is not array work', code: `
      import numpy as np
      def index(keys: np.ndarray, vals: np.ndarray):
          d = {}
          for k, v in zip(keys, vals):
              d[k] = v
          return d
    `, expect: [] },
  // ---- not findings
  { name: 'small literal range', code: `
      import numpy as np
      a = np.zeros(1000)
      for i in range(3):
          a[i] = i * 2.0
    `, expect: [] },
  { name: 'known small array', code: `
      import numpy as np
      w = np.array([0.2, 0.3, 0.5])
      s = 0
      for x in w:
          s += x
    `, expect: [] },
  { name: 'recurrence x[i] from x[i-1]', code: `
      import numpy as np
      def ema(x: np.ndarray, a: float):
          y = np.empty_like(x)
          y[0] = x[0]
          for i in range(1, len(x)):
              y[i] = a * x[i] + (1 - a) * y[i - 1]
          return y
    `, expect: [] },
  { name: 'value carried between iterations', code: `
      import numpy as np
      def f(x: np.ndarray):
          prev = 0.0
          out = np.empty_like(x)
          for i in range(len(x)):
              out[i] = x[i] - prev
              prev = x[i]
          return out
    `, expect: [] },
  { name: 'early-exit search', code: `
      import numpy as np
      def first_negative(x: np.ndarray):
          for i in range(len(x)):
              if x[i] < 0:
                  return i
          return -1
    `, expect: [] },
  { name: 'I/O or an external call per element', code: `
      import numpy as np
      import requests
      def push(x: np.ndarray, f):
          for v in x:
              requests.post("http://example", json=float(v))
          for v in x:
              f.write(str(v))
    `, expect: [] },
  { name: 'lists, dicts, strings, pandas rows, data loaders are not arrays', code: `
      import numpy as np
      import pandas as pd
      xs = [1.0, 2.0, 3.0] * 100
      total = 0
      for x in xs:
          total += x
      df = pd.read_csv("data.csv")
      for idx, row in df.iterrows():
          total += row["a"]
      for batch in loader:
          total += batch.sum()
      for ch in "abc" * 50:
          total += 1
    `, expect: [] },
  { name: 'reassigned to a list: no longer an array', code: `
      import numpy as np
      a = np.zeros(1000)
      a = a.tolist()
      s = 0
      for x in a:
          s += x
    `, expect: [] },
  { name: 'unknown parameter, no evidence', code: `
      import numpy as np
      def f(values):
          s = 0
          for v in values:
              s += v
          return s
    `, expect: [] },
  { name: 'each iteration already works on a whole array', code: `
      import numpy as np
      def f(groups: np.ndarray, h: np.ndarray, n: int):
          out = np.empty((n, len(h)))
          for g in range(n):
              out[g] = h * (groups == g) * groups[g]
          return out
    `, expect: [] },
  {
    name: 'a moving window read, and a scatter through an index array, are element loops too',
    code: `
      import numpy as np
      def f(x: np.ndarray, idx: np.ndarray, labels: np.ndarray, n: int):
          out = np.empty(len(x))
          for k in range(len(x)):
              out[k] = np.sum(x[k:k + 5])
          for i in idx:
              out[i] = 0
          counts = np.zeros(n)
          for lab in labels:
              counts[lab] += 1
          return out, counts
    `,
    expect: [[4, 'VEC001'], [6, 'VEC001'], [9, 'VEC001']],
  },
  {
    name: 'scatter-add becomes np.add.at',
    code: `
      import numpy as np
      def hist(labels: np.ndarray, n: int):
          counts = np.zeros(n)
          for lab in labels:
              counts[lab] += 1
          return counts
    `,
    expect: [[4, 'VEC001']],
    fix: 'np.add.at(counts, labels, 1)',
  },
  { name: 'a write window that moves with the loop (triangular fill)', code: `
      import numpy as np
      def tri(a: np.ndarray, n: int):
          m = np.zeros((n, n))
          for i in range(n):
              m[i, :i] = a[i]
          return m
    `, expect: [] },
  { name: 'compiled by Numba', code: `
      import numpy as np
      from numba import njit
      @njit(cache=True)
      def total(a: np.ndarray):
          s = 0.0
          for x in a:
              s += x
          return s
    `, expect: [] },
  { name: 'loop over categories of np.unique', code: `
      import numpy as np
      def per_class(y: np.ndarray, p: np.ndarray):
          out = []
          for c in np.unique(y):
              out.append((p[y == c] == c).mean())
          return out
    `, expect: [] },
]);

// Surface forms found missing on the held-out corpus batch, each as a class (docs/corpus.md)
ruleTable('VEC001', [
  {
    name: 'enumerate of a three-way zip, unpacked',
    code: `
      import numpy as np
      def net(f: np.ndarray, s: np.ndarray, a: np.ndarray):
          out = np.empty(len(f))
          for k, (fi, si, ai) in enumerate(zip(f, s, a)):
              out[k] = fi - si * ai
          return out
    `,
    expect: [[4, 'VEC001']],
    fix: 'out = f - s * a',
  },
  {
    name: 'rows unpacked into their columns',
    code: `
      import numpy as np
      def areas(boxes: np.ndarray):
          out = np.empty(len(boxes))
          for k, (x1, y1, x2, y2) in enumerate(boxes):
              out[k] = (x2 - x1) * (y2 - y1)
          return out
    `,
    expect: [[4, 'VEC001']],
    fix: 'out = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])',
  },
  {
    name: 'a fill from a local computed from the index',
    code: `
      import numpy as np
      def saw(n: int, f: float):
          out = np.zeros(n)
          for i in range(n):
              phase = (i * f) % 1.0
              out[i] = 2.0 * phase - 1.0
          return out
    `,
    expect: [[4, 'VEC001']],
    fix: 'phase = (np.arange(n) * f) % 1.0\nout = 2.0 * phase - 1.0',
  },
  {
    name: 'one random draw per element becomes one draw of size n',
    code: `
      import numpy as np
      def noisy(x: np.ndarray, rng: np.random.Generator):
          y = np.empty_like(x)
          for i in range(len(x)):
              y[i] = x[i] + 0.1 * rng.normal()
          return y
    `,
    expect: [[4, 'VEC001']],
    fix: 'y = x + 0.1 * rng.normal(size=len(x))',
  },
  {
    name: 'a draw with size= is whole-array work per iteration',
    code: `
      import numpy as np
      def paths(n: int, T: int, rng: np.random.Generator):
          out = np.empty((n, T))
          for i in range(n):
              out[i] = np.cumsum(rng.normal(size=T))
          return out
    `,
    expect: [],
  },
  {
    name: 'a parameter annotated with a module alias of NDArray',
    code: `
      import numpy as np
      import numpy.typing as npt
      Prices = npt.NDArray[np.float64]
      def total(p: Prices) -> float:
          s = 0.0
          for v in p:
              s += v
          return s
    `,
    expect: [[6, 'VEC001']],
    fix: 's = p.sum()',
  },
  {
    name: 'a call iterated is evaluated once in the rewrite',
    code: `
      import numpy as np
      def load() -> np.ndarray:
          return np.load("x.npy")
      def energy():
          e = 0.0
          for v in load():
              e += v * v
          return e
    `,
    expect: [[6, 'VEC001']],
    fix: 'vals = load()\ne = (vals * vals).sum()',
  },
  {
    name: 'a range starting at 1 writes exactly the positions it covers',
    code: `
      import numpy as np
      def smooth(x: np.ndarray):
          y = x.copy()
          for i in range(1, len(x) - 1):
              y[i] = (x[i - 1] + x[i] + x[i + 1]) / 3
          return y
    `,
    expect: [[4, 'VEC001']],
    fix: 'y[1:len(x) - 1] = (x[:-2] + x[1:-1] + x[2:]) / 3',
  },
  {
    name: 'int() of an expression casts the whole expression',
    code: `
      import numpy as np
      def cents(x: np.ndarray):
          out = np.empty(len(x), dtype=np.int64)
          for i in range(len(x)):
              out[i] = int(x[i] * 100)
          return out
    `,
    expect: [[4, 'VEC001']],
    fix: 'out = (x * 100).astype(int)',
  },
  {
    name: 'reductions of the frames of a known 3-D stack span both frame axes',
    code: `
      import numpy as np
      frames = np.random.rand(50, 64, 64)
      out = []
      for f in frames:
          out.append(f / f.sum())
    `,
    expect: [[4, 'VEC001']],
    fix: 'out = frames / frames.sum(axis=(1, 2), keepdims=True)',
  },
  {
    name: 'pandas .to_numpy() is an ndarray',
    code: `
      import numpy as np
      def rets(df):
          p = df["close"].to_numpy()
          s = 0.0
          for v in p:
              s += v * v
          return s
    `,
    expect: [[5, 'VEC001']],
    fix: 's = (p * p).sum()',
  },
  {
    name: 'a Gauss-Seidel sweep reads the whole array it writes',
    code: `
      import numpy as np
      def sweep(A: np.ndarray, b: np.ndarray, x: np.ndarray):
          for i in range(len(b)):
              x[i] = (b[i] - A[i] @ x + A[i, i] * x[i]) / A[i, i]
          return x
    `,
    expect: [],
  },
]);

fixturePair('VEC001');
fixturePair('VEC001', 'unpacking');
fixturePair('VEC001', 'index-fill');
fixturePair('VEC001', 'aliases');
fixturePair('VEC001', 'nests');
fixturePair('VEC001', 'slices');
fixturePair('VEC001', 'frames');
fixturePair('VEC001', 'intervals');
fixturePair('VEC001', 'rows');
fixturePair('VEC001', 'masked-columns');
