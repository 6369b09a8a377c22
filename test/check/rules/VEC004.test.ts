import { fixturePair, ruleTable } from '../../../testkit/check.js';

ruleTable('VEC004', [
  {
    name: 'the seed pattern: conditional expression per element',
    code: `
      import numpy as np
      x = np.random.randn(100_000)
      out = np.empty_like(x)
      for i in range(len(x)):
          out[i] = x[i] if x[i] > 0 else 0
    `,
    expect: [[4, 'VEC004']],
    fix: 'out = np.where(x > 0, x, 0)',
  },
  {
    name: 'if/else statement assigning both branches',
    code: `
      import numpy as np
      def leaky(x: np.ndarray):
          y = np.zeros_like(x)
          for i in range(len(x)):
              if x[i] >= 0:
                  y[i] = x[i]
              else:
                  y[i] = 0.01 * x[i]
          return y
    `,
    expect: [[4, 'VEC004']],
    fix: 'y = np.where(x[i] >= 0, x, 0.01 * x)'.replace('x[i]', 'x'),
  },
  {
    name: 'max/min clamp per element',
    code: `
      import numpy as np
      def clamp(v: np.ndarray, lo: float, hi: float):
          out = np.empty_like(v)
          for i, e in enumerate(v):
              out[i] = min(max(e, lo), hi)
          return out
    `,
    expect: [[4, 'VEC004']],
    fix: 'out = np.minimum(np.maximum(v, lo), hi)',
  },
  {
    name: 'counting with an if',
    code: `
      import numpy as np
      def positives(a: np.ndarray) -> int:
          count = 0
          for v in a:
              if v > 0:
                  count += 1
          return count
    `,
    expect: [[4, 'VEC004']],
    fix: 'count = np.count_nonzero(v > 0)'.replace('v >', 'a >'),
  },
  {
    name: 'abs accumulation and filtering',
    code: `
      import numpy as np
      def l1(a: np.ndarray):
          s = 0.0
          for v in a:
              s += abs(v)
          kept = []
          for v in a:
              if v > 0.5:
                  kept.append(v)
          return s, kept
    `,
    expect: [[4, 'VEC004'], [7, 'VEC004']],
    fix: 's = np.abs(a).sum()',
  },
  {
    name: 'a 2-D nest with a conditional expression',
    code: `
      import numpy as np
      def absolute(m: np.ndarray):
          h, w = m.shape
          out = np.zeros_like(m)
          for r in range(h):
              for c in range(w):
                  out[r, c] = m[r, c] if m[r, c] > 0 else -m[r, c]
          return out
    `,
    expect: [[5, 'VEC004']],
    fix: 'out = np.where(m > 0, m, -m)',
  },
  {
    // a search whose result nothing else in the loop reads is a reduction (np.argmax), not a dependency
    name: 'an arg-max search is a reduction',
    code: `
      import numpy as np
      def argmax(a: np.ndarray):
          best = -np.inf
          idx = -1
          for i in range(len(a)):
              if a[i] > best:
                  best = a[i]
                  idx = i
          return idx
    `,
    expect: [[5, 'VEC004']],
    fix: 'idx = int(np.argmax(a))  # if some element beats the starting best\nbest = a[idx]',
  },
  { name: 'a running maximum read back each iteration is a scan: left alone', code: `
      import numpy as np
      def runmax(a: np.ndarray):
          best = -np.inf
          out = np.empty_like(a)
          for i in range(len(a)):
              if a[i] > best:
                  best = a[i]
              out[i] = best
          return out
    `, expect: [] },
  { name: 'a branch on a flag, not on the element, is plain VEC001', code: `
      import numpy as np
      def f(a: np.ndarray, double: bool):
          out = np.empty_like(a)
          for i in range(len(a)):
              out[i] = a[i] * 2
          return out
    `, expect: [[4, 'VEC001']] },
]);

ruleTable('VEC004', [
  {
    name: 'max into an accumulator over an aliased array',
    code: `
      import numpy as np
      from numpy.typing import NDArray
      Temps = NDArray[np.float64]
      def hdd(t: Temps, base: float):
          total = 0.0
          for v in t:
              total += max(base - v, 0.0)
          return total
    `,
    expect: [[6, 'VEC004']],
    fix: 'total = np.maximum(base - t, 0.0).sum()',
  },
  {
    name: 'one sum updated in both branches',
    code: `
      import numpy as np
      def huber(r: np.ndarray, d: float):
          loss = 0.0
          for e in r:
              if abs(e) <= d:
                  loss += 0.5 * e * e
              else:
                  loss += d * (abs(e) - 0.5 * d)
          return loss
    `,
    expect: [[4, 'VEC004']],
  },
  { name: 'an accumulator updated two ways is a recurrence', code: `
      import numpy as np
      def leaky(x: np.ndarray):
          s = 0.0
          for v in x:
              s += max(v, 0.0)
              s *= 0.5
          return s
    `, expect: [] },
  {
    name: 'an elif chain becomes nested np.where',
    code: `
      import numpy as np
      def clamp(x: np.ndarray, lo: float, hi: float):
          y = np.empty_like(x)
          for i in range(len(x)):
              if x[i] < lo:
                  y[i] = lo
              elif x[i] > hi:
                  y[i] = hi
              else:
                  y[i] = x[i]
          return y
    `,
    expect: [[4, 'VEC004']],
    fix: 'y = np.where(x < lo, lo, np.where(x > hi, hi, x))',
  },
  {
    name: 'a max through an index array with repeats is ufunc.at',
    code: `
      import numpy as np
      def smax(idx: np.ndarray, vals: np.ndarray, out: np.ndarray):
          for k in range(len(idx)):
              out[idx[k]] = max(out[idx[k]], vals[k])
          return out
    `,
    expect: [[3, 'VEC004']],
    fix: 'np.maximum.at(out, idx, vals)',
  },
  {
    name: 'a decision drawn at random per element',
    code: `
      import numpy as np
      def flips(n: int, p: float):
          rng = np.random.default_rng()
          out = np.zeros(n, dtype=bool)
          for i in range(n):
              if rng.random() < p:
                  out[i] = True
          return out
    `,
    expect: [[5, 'VEC004']],
    fix: 'out = np.where(rng.random(size=n) < p, True, out)',
  },
  {
    name: 'rows of an image walked element by element',
    code: `
      import numpy as np
      def bright(img: np.ndarray, t: float):
          n = 0
          for row in img:
              for v in row:
                  if v > t:
                      n += 1
          return n
    `,
    expect: [[4, 'VEC004']],
    fix: 'n = np.count_nonzero(img > t)',
  },
]);

fixturePair('VEC004');
fixturePair('VEC004', 'reductions');
fixturePair('VEC004', 'membership');
fixturePair('VEC004', 'clamps');
fixturePair('VEC004', 'scatter');
