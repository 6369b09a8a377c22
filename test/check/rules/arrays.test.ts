// arrays.ts: what holds an ndarray. Each case marks expressions with probe(...) and states what they hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dedent, withFacts } from '../../../testkit/check.js';
import type { Node } from '../../../src/check/types.js';

/** The kinds of every `probe(expr)` argument in the code, in order. */
async function probes(code: string): Promise<string[]> {
  return withFacts(dedent(code), (facts) => {
    const out: Array<[number, string]> = [];
    const visit = (n: Node): void => {
      if (n.type === 'call' && n.childForFieldName('function')?.text === 'probe') {
        const arg = n.childForFieldName('arguments')?.namedChildren[0];
        if (arg) {
          const v = facts.valueOf(arg);
          out.push([n.startIndex, v.kind === 'array' && v.len0 !== undefined ? `array[${v.len0}]` : v.kind]);
        }
      }
      for (const c of n.namedChildren) if (c) visit(c);
    };
    visit(facts.ctx.tree.rootNode);
    return out.sort((a, b) => a[0] - b[0]).map(([, k]) => k);
  });
}

const cases: Array<[string, string, string[]]> = [
  ['any alias, constructors, arithmetic, methods', `
    import numpy as xp
    a = xp.zeros(1000)
    b = xp.random.rand(500, 3)
    c = (a * 2 + 1)[1:].reshape(-1, 1).T
    d = a.astype(float).copy()
    probe(a); probe(b); probe(c); probe(d); probe(a.sum()); probe(a.sum(axis=0)); probe(len(a))
  `, ['array[1000]', 'array[500]', 'array', 'array[1000]', 'other', 'array', 'int']],
  ['from-imports and module aliases', `
    from numpy import zeros, random
    import numpy
    import numpy.random as npr
    probe(zeros(5)); probe(random.normal(0, 1, size=1000)); probe(numpy.ones(3)); probe(npr.randn(200)); probe(random.normal(0, 1))
  `, ['array[5]', 'array[1000]', 'array[3]', 'array[200]', 'other']],
  ['generators', `
    import numpy as np
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2))
    probe(rng); probe(x); probe(rng.integers(0, 10, 300)); probe(rng.random())
  `, ['rng', 'array[4000]', 'array[300]', 'other']],
  ['annotated parameters, return types and evidence', `
    import numpy as np
    import numpy.typing as npt
    from numpy.typing import NDArray
    def f(a: np.ndarray, b: npt.NDArray[np.float64], c: NDArray, d: list, e, g: "np.ndarray | None" = None):
        probe(a); probe(b); probe(c); probe(d); probe(e); probe(g)
    def h(x):
        n = x.shape[0]
        probe(x)
    def make(n) -> np.ndarray:
        return load(n)
    def seen(n):
        return np.arange(n) * 2
    probe(make(3)); probe(seen(4))
  `, ['array', 'array', 'array', 'other', 'unknown', 'array', 'array', 'array', 'array']],
  ['parameters declared as containers or scalars are not arrays; ArrayLike may be either', `
    import numpy as np
    from typing import List, Optional, Sequence
    from numpy.typing import ArrayLike
    def f(ids: list[int], names: Sequence[str], n: int, m: Optional[List[float]], t: tuple[int, int] | None, x: ArrayLike):
        probe(ids); probe(names); probe(n); probe(m); probe(t); probe(x)
  `, ['other', 'other', 'other', 'other', 'other', 'unknown']],
  ['self attributes across methods', `
    import numpy as np
    class Model:
        def __init__(self, n):
            self.w = np.random.randn(n, 4)
            self.names = []
        def step(self):
            probe(self.w); probe(self.names)
  `, ['array', 'other']],
  ['not arrays: lists, strings, pandas, range, files', `
    import numpy as np
    import pandas as pd
    xs = [1, 2, 3]
    df = pd.read_csv("f.csv")
    probe(xs); probe("abc"); probe(df); probe(df.iterrows()); probe(range(10)); probe(open("f")); probe(np.zeros(3).tolist())
  `, ['other', 'other', 'other', 'other', 'other', 'other', 'other']],
  ['reassignment kills the fact; scopes are separate', `
    import numpy as np
    a = np.zeros(100)
    probe(a)
    a = list(a)
    probe(a)
    def f():
        a = np.ones(7)
        probe(a)
    def g():
        probe(a)
  `, ['array[100]', 'other', 'array[7]', 'other']],
  ['loop targets and unpacking', `
    import numpy as np
    X = np.zeros((1000, 3))
    v = np.ones(1000)
    for row in X:
        probe(row)
    for x in v:
        probe(x)
    q, r = np.linalg.qr(X)
    xx, yy = np.meshgrid(v, v)
    probe(q); probe(yy)
  `, ['array', 'element', 'array', 'array']],
  ['star import, dataclass fields, chained and tuple assignments', `
    from numpy import *
    from dataclasses import dataclass
    @dataclass
    class Batch:
        x: ndarray
        def total(self):
            probe(self.x)
    a = b = zeros((200, 3))
    c, d = ones(150), [1, 2]
    probe(a); probe(b); probe(c); probe(d)
  `, ['array', 'array[200]', 'array[200]', 'array[150]', 'other']],
  ['no numpy, no evidence: nothing is an array', `
    def f(a):
        for x in a:
            probe(x)
  `, []],
  ['module type aliases of arrays (and names that only look like them)', `
    from typing import TypeAlias
    import numpy as np
    import numpy.typing as npt
    Prices = npt.NDArray[np.float64]
    Vec: TypeAlias = np.ndarray
    Same = Prices
    Shape = tuple[int, int]
    buf = np.ndarray((3,))
    def f(p: Prices, v: Vec, s: Same, o: "Prices | None", t: Shape, b: buf):
        probe(p); probe(v); probe(s); probe(o); probe(t); probe(b)
  `, ['array', 'array', 'array', 'array', 'unknown', 'unknown']],
  ['a slice of a shape is a tuple of that many dimensions', `
    import numpy as np
    def f(a: np.ndarray):
        out = np.empty(a.shape[:2])
        probe(a.shape[:2]); probe(a.shape[0]); probe(out[0]); probe(out[0, 1])
  `, ['other', 'int', 'array', 'other']],
  ['random generators by annotation; their draws', `
    import numpy as np
    from numpy.random import Generator
    def f(rng: np.random.Generator, g: Generator, n: int):
        probe(rng); probe(g); probe(rng.normal(size=n)); probe(g.random())
  `, ['rng', 'rng', 'array', 'other']],
];

for (const [name, code, expected] of cases) {
  test(`arrays: ${name}`, async () => {
    const got = await probes(code);
    if (expected.length === 0) assert.ok(got.every((k) => k !== 'array' && k !== 'element'), got.join(','));
    else assert.deepEqual(got, expected);
  });
}
