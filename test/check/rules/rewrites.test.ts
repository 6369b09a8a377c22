// The suggested rewrites are exact: run the loop and its rewrite in Python on the same random inputs and compare.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { checkSource } from '../../../testkit/check.js';

interface Case {
  name: string;
  /** Inputs, as Python statements (fixed seed). */
  setup: string;
  /** The loop, at top level, preceded by whatever it initialises. */
  loop: string;
  /** The name holding the result. */
  result: string;
}

const cases: Case[] = [
  { name: 'sum', setup: 'a = rng.random(500)', loop: 'total = 0.0\nfor x in a:\n    total += x', result: 'total' },
  { name: 'dot', setup: 'a = rng.random(500); b = rng.random(500)', loop: 's = 0.0\nfor i in range(len(a)):\n    s += a[i] * b[i]', result: 's' },
  { name: 'map with math', setup: 'x = rng.random(500)', loop: 'y = np.empty_like(x)\nfor i in range(len(x)):\n    y[i] = math.exp(x[i]) * 2 + 1', result: 'y' },
  { name: 'relu', setup: 'x = rng.standard_normal(500)', loop: 'out = np.empty_like(x)\nfor i in range(len(x)):\n    out[i] = x[i] if x[i] > 0 else 0', result: 'out' },
  { name: 'clamp', setup: 'v = rng.standard_normal(500)', loop: 'out = np.empty_like(v)\nfor i, e in enumerate(v):\n    out[i] = min(max(e, -0.5), 0.5)', result: 'out' },
  { name: 'count', setup: 'a = rng.standard_normal(500)', loop: 'count = 0\nfor v in a:\n    if v > 0.3:\n        count += 1', result: 'count' },
  { name: 'filter', setup: 'a = rng.standard_normal(500)', loop: 'kept = []\nfor v in a:\n    if v > 0.5:\n        kept.append(v * 2)', result: 'kept' },
  { name: 'neighbours', setup: 'x = rng.random(500)', loop: 'd = np.empty(len(x) - 1)\nfor i in range(len(x) - 1):\n    d[i] = x[i + 1] - x[i]', result: 'd' },
  { name: 'from index 1', setup: 'x = rng.random(500)', loop: 'd = np.zeros(len(x))\nfor i in range(1, len(x)):\n    d[i] = x[i] - x[i - 1]', result: 'd' },
  { name: 'row norms (keepdims)', setup: 'X = rng.random((300, 4))', loop: 'for i, row in enumerate(X):\n    X[i] = row / np.linalg.norm(row)', result: 'X' },
  { name: 'softmax rows', setup: 'L = rng.random((300, 5))', loop: 'out = np.empty_like(L)\nfor i in range(L.shape[0]):\n    r = L[i] - L[i].max()\n    e = np.exp(r)\n    out[i] = e / e.sum()', result: 'out' },
  { name: 'pairwise distances', setup: 'a = rng.random((120, 3)); b = rng.random((110, 3))', loop: 'd = np.empty((len(a), len(b)))\nfor i in range(len(a)):\n    for j in range(len(b)):\n        d[i, j] = np.sqrt(((a[i] - b[j]) ** 2).sum())', result: 'd' },
  { name: 'batched matmul', setup: 'A = rng.random((150, 4, 3)); w = rng.random((3, 2))', loop: 'out = np.empty((150, 4, 2))\nfor k in range(A.shape[0]):\n    out[k] = A[k] @ w', result: 'out' },
  { name: 'histogram (scatter-add)', setup: 'labels = rng.integers(0, 7, 500)', loop: 'counts = np.zeros(7)\nfor lab in labels:\n    counts[lab] += 1', result: 'counts' },
  { name: 'schedule from the index', setup: 'total = 400; base = 0.1', loop: 'lrs = np.empty(total)\nfor s in range(total):\n    lrs[s] = 0.5 * base * (1 + math.cos(math.pi * s / total))', result: 'lrs' },
  { name: 'comprehension', setup: 'z = rng.standard_normal(500)', loop: 'res = np.array([1.0 / (1.0 + math.exp(-v)) for v in z])', result: 'res' },
];

const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const havePython = python.status === 0;

for (const c of cases) {
  test(`rewrite is exact: ${c.name}`, { skip: havePython ? false : 'python3 with NumPy not available' }, async () => {
    const source = `import math\nimport numpy as np\nrng = np.random.default_rng(0)\n${c.setup}\n${c.loop}\n`;
    const findings = await checkSource(source);
    const f = findings.find((x) => x.fix && x.fix.safety === 'unsafe');
    assert.ok(f?.fix, `a concrete rewrite for:\n${source}\n${JSON.stringify(findings)}`);
    // the rewrite replaces the loop (and, when merged, its initialiser): run both from fresh inputs
    const body = (code: string): string => code.split('\n').map((l) => `    ${l}`).join('\n');
    const program = [
      'import math',
      'import numpy as np',
      'def original():',
      '    rng = np.random.default_rng(0)',
      body(c.setup),
      body(c.loop),
      `    return np.asarray(${c.result}, dtype=float)`,
      'def rewritten():',
      '    rng = np.random.default_rng(0)',
      body(c.setup),
      body(prelude(c.loop)),
      // a comprehension's rewrite is the expression that replaces it
      body(/^[\w.]+(?:\[[^\]]*\])? *[-+*]?= /.test(f.fix.replacement) || f.fix.replacement.startsWith('np.') && f.fix.replacement.includes('.at(') ? f.fix.replacement : `${c.result} = ${f.fix.replacement}`),
      `    return np.asarray(${c.result}, dtype=float)`,
      'a, b = original(), rewritten()',
      'assert a.shape == b.shape, (a.shape, b.shape)',
      'assert np.allclose(a, b), (a, b)',
    ].join('\n');
    const run = spawnSync('python3', ['-c', program], { encoding: 'utf8' });
    assert.equal(run.status, 0, `${run.stderr}\n--- program ---\n${program}`);
  });
}

/** Lines before the loop that the rewrite keeps (an output array allocated up front). */
function prelude(loop: string): string {
  const lines = loop.split('\n');
  const start = lines.findIndex((l) => /^(for|while) /.test(l) || / for .* in /.test(l));
  return lines.slice(0, Math.max(0, start)).join('\n') || 'pass';
}
