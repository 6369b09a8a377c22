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
  { name: 'frames of a known width', setup: 'load = rng.random(24 * 40 + 5); n_days = load.shape[0] // 24', loop: 'daily = np.zeros(n_days)\nfor d in range(n_days):\n    daily[d] = load[d * 24:(d + 1) * 24].sum()', result: 'daily' },
  { name: 'overlapping frames with a hop', setup: 'x = rng.random(40000); n_frames = (40000 - 512) // 128 + 1', loop: 'rms = np.empty(n_frames)\nfor i in range(n_frames):\n    rms[i] = np.sqrt(np.mean(x[i * 128:i * 128 + 512] ** 2))', result: 'rms' },
  { name: 'interval coverage', setup: 'starts = rng.integers(0, 90, 200); ends = starts + rng.integers(0, 10, 200)', loop: 'cov = np.zeros(100, dtype=np.int64)\nfor s, e in zip(starts, ends):\n    cov[s:e] += 1', result: 'cov' },
  { name: 'weighted intervals, inclusive ends', setup: 'starts = rng.integers(0, 90, 200); ends = starts + rng.integers(0, 9, 200); w = rng.random(200)', loop: 'depth = np.zeros(100)\nfor i in range(len(starts)):\n    depth[starts[i]:ends[i] + 1] += w[i]', result: 'depth' },
  { name: 'top-k per row', setup: 's = rng.random((200, 50)); k = 5', loop: 'top = np.empty((s.shape[0], k))\nfor u in range(s.shape[0]):\n    top[u] = np.argsort(-s[u])[:k]', result: 'top' },
  { name: 'ndcg per row', setup: 'gains = rng.random((150, 30)); gains[3] = 0; k = 10; disc = 1.0 / np.log2(np.arange(2, k + 2))', loop: 'out = np.zeros(gains.shape[0])\nfor u in range(gains.shape[0]):\n    dcg = (gains[u, :k] * disc).sum()\n    ideal = (np.sort(gains[u])[::-1][:k] * disc).sum()\n    out[u] = dcg / ideal if ideal > 0 else 0.0', result: 'out' },
  { name: 'membership in a row', setup: 'topk = rng.integers(0, 40, (300, 10)); held = rng.integers(0, 40, 300)', loop: 'hits = 0\nfor u in range(len(held)):\n    if held[u] in topk[u]:\n        hits += 1', result: 'hits' },
  { name: 'clamp rebinding the element', setup: 'pred = rng.random(400) * 7; truth = rng.random(400) * 5; lo = 1.0; hi = 5.0', loop: 'sq = 0.0\nfor p, t in zip(pred, truth):\n    p = min(max(p, lo), hi)\n    sq += (p - t) ** 2', result: 'sq' },
  { name: 'scatter over branches, untyped lists', setup: 'home, away, hg, ag = (list(v) for v in rng.integers(0, 20, (4, 300)))', loop: 'pts = np.zeros(20)\nfor m in range(len(hg)):\n    if hg[m] > ag[m]:\n        pts[home[m]] += 3\n    elif hg[m] < ag[m]:\n        pts[away[m]] += 3\n    else:\n        pts[home[m]] += 1\n        pts[away[m]] += 1', result: 'pts' },
  { name: 'count per row (axis kept)', setup: 'M = rng.random((300, 8))', loop: 'r = np.zeros(300)\nfor i, row in enumerate(M):\n    r[i] = np.count_nonzero(row >= 0.5)', result: 'r' },
  { name: 'range with a stop that is not a length', setup: 'x = rng.random(500); m = 300', loop: 'y = np.zeros_like(x)\nfor i in range(1, m):\n    y[i] = x[i] * 2.0', result: 'y' },
  { name: 'stencil with n = len(x)', setup: 'x = rng.random(500); n = len(x)', loop: 'y = np.zeros_like(x)\nfor i in range(1, n - 1):\n    y[i] = x[i - 1] - 2 * x[i] + x[i + 1]', result: 'y' },
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
      body(/^[\w.]+(?:\[[^\]]*\])?(?:, [\w.]+)* *[-+*]?= /.test(f.fix.replacement) || f.fix.replacement.startsWith('np.') && f.fix.replacement.includes('.at(') ? f.fix.replacement : `${c.result} = ${f.fix.replacement}`),
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
