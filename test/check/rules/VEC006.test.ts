import { fixturePair, ruleTable } from '../../../testkit/check.js';

ruleTable('VEC006', [
  {
    name: 'np.vectorize of a lambda of math, applied right away',
    code: `
      import math
      import numpy as np
      x = np.linspace(0, 1, 10_000)
      y = np.vectorize(lambda t: math.exp(-t) * 2)(x)
    `,
    expect: [[4, 'VEC006']],
    fix: 'np.exp(-x) * 2',
  },
  {
    name: 'np.vectorize bound to a name, a one-line function, a conditional',
    code: `
      import numpy as np
      def relu(v):
          return v if v > 0 else 0.0
      f = np.vectorize(relu)
      g = np.frompyfunc(lambda a, b: a * b + 1, 2, 1)
    `,
    expect: [[4, 'VEC006'], [5, 'VEC006']],
    fix: 'f = lambda v: np.where(v > 0, v, 0.0)  # works on whole arrays as is',
  },
  {
    name: '@np.vectorize decorator',
    code: `
      import numpy as np
      @np.vectorize
      def scale(x):
          return 3 * x + 1
    `,
    expect: [[2, 'VEC006']],
    fix: /def scale\(x\):\n    return 3 \* x \+ 1/,
  },
  {
    name: 'apply_along_axis with a reduction, with a lambda needing keepdims',
    code: `
      import numpy as np
      m = np.random.rand(1000, 20)
      s = np.apply_along_axis(np.sum, 1, m)
      p = np.apply_along_axis(lambda r: r / r.sum(), 1, m)
      q = np.apply_along_axis(lambda r: r.max() - r.min(), 0, m)
    `,
    expect: [[3, 'VEC006'], [4, 'VEC006'], [5, 'VEC006']],
    fix: 'm.sum(axis=1)',
  },
  {
    name: 'a function that returns from an if (a select)',
    code: `
      import numpy as np
      def clip_pos(v):
          if v < 0:
              return 0.0
          return v
      f = np.vectorize(clip_pos)
    `,
    expect: [[6, 'VEC006']],
    fix: 'f = lambda v: np.where(v < 0, 0.0, v)  # works on whole arrays as is',
  },
  {
    name: 'a named function of several math.* steps, applied: the function rewritten with NumPy, then called',
    code: `
      import math
      import numpy as np
      def tilt(theta: float, k: float) -> float:
          s = math.sin(theta)
          return k * s * s
      def curve(t: np.ndarray) -> np.ndarray:
          return np.vectorize(tilt)(t, 2.0)
    `,
    expect: [[7, 'VEC006']],
    fix: 'def tilt(theta, k):\n    s = np.sin(theta)\n    return k * s * s\ntilt(t, 2.0)  # on the whole arrays',
  },
  {
    name: 'defaults and **params pass through: call the function itself',
    code: `
      import numpy as np
      def emax(c: float, e0: float = 0.0, top: float = 100.0, ec50: float = 2.5) -> float:
          return e0 + top * c / (ec50 + c)
      def effect(c: np.ndarray, **params) -> np.ndarray:
          return np.vectorize(emax)(c, **params)
    `,
    expect: [[5, 'VEC006']],
    fix: 'emax(c, **params)',
  },
  {
    name: 'a builtin max in a helper: rewritten, not called as is',
    code: `
      import numpy as np
      def relu_scaled(x, k):
          y = max(x, 0.0)
          return k * y
      f = np.vectorize(relu_scaled)
    `,
    expect: [[5, 'VEC006']],
    fix: 'def relu_scaled(x, k):\n    y = np.maximum(x, 0.0)\n    return k * y\nf = relu_scaled',
  },
  { name: 'opaque functions stay silent', code: `
      import numpy as np
      from mylib import lookup
      def parse(s):
          head, _, tail = s.partition(":")
          return int(head) * 60 + int(tail)
      f = np.vectorize(parse)
      g = np.vectorize(lookup)
      h = np.apply_along_axis(lambda r: np.polyfit(np.arange(len(r)), r, 1)[0], 1, np.ones((5, 5)))
      k = np.vectorize(lambda s: s.upper())
    `, expect: [] },
]);

fixturePair('VEC006');
fixturePair('VEC006', 'pure');
