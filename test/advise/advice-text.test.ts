// The terminal list: every item with its time and share, loops with their hits and time per iteration, in a list
// that fits a screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAdvice } from '../../src/advise/build.js';
import { ADVICE_SCHEMA, type AdviceReport } from '../../src/advise/types.js';
import { renderAdviceText } from '../../src/render/advice-text.js';
import { array, finding, model, sampledProfile, source } from './fixtures.js';

const kernel = { python: 0, numpyScalar: 0, nativeKernel: 1, otherNative: 0 };

function report(items: AdviceReport['items'], profile: AdviceReport['profile']): AdviceReport {
  return { schema: ADVICE_SCHEMA, createdAt: '', command: ['app.py'], profile, findings: [], costModel: model, items, filesChecked: [], sources: {} };
}

test('each item shows its time and share; loops their hits and time per iteration; the rewrite statement is quoted', () => {
  const profile = sampledProfile([
    { line: 8, hits: 1_000_001, samples: 100 },
    { line: 9, hits: 1_000_000, samples: 500 },
    { line: 14, hits: 3, samples: 150, split: kernel },
    { line: 30, hits: 50_001, samples: 30 },
    { line: 31, hits: 50_000, samples: 50 },
    { line: 40, hits: 11, samples: 1 },
  ]);
  const sources = source({ 8: 'for i in range(len(x)):', 9: '    out[i] = x[i] if x[i] > 0 else 0.0', 14: 'y = np.exp(m)', 30: 'for k in ks:', 31: '    acc = step(acc, k)', 40: 'for v in a:', 41: '    t += v' });
  const findings = [finding('VEC004', 8, 9, 'x = np.asarray(x)\nout = np.where(x > 0, x, 0.0)', { message: 'per-element branch' }), finding('VEC001', 40, 41, 'total = a.sum()', { message: 'element loop' })];
  const shapes = new Map([
    ['/w/app.py:8:VEC004', [array('x', [1_000_000])]],
    ['/w/app.py:14:line', [array('m', [1000, 1000])]],
  ]);
  const items = buildAdvice({ profile, findings, shapes, model, sources, cwd: '/w', displayPath: (p) => p.slice(3) });
  const text = renderAdviceText(report(items, profile));
  assert.match(text, /^1\. app\.py:8 \[VEC004\] 600 ms, 60 % of the run · 1,000,000 hits, 600 ns per iteration$/m);
  assert.match(text, /^ {3}per-element branch; `out = np\.where\(x > 0, x, 0\.0\)` should take ≈3\.10 ms instead of 600 ms/m);
  assert.match(text, /^ {3}→ x = np\.asarray\(x\)\n {3}→ out = np\.where/m);
  assert.match(text, /^ {3}priced as where \+ compare over 1,000,000 elements .*; arrays seen: x float64\[1000000\]$/m);
  assert.match(text, /^2\. app\.py:14 \[NumPy\] 150 ms, 15 % of the run · 3 hits, 50\.0 ms each$/m);
  assert.match(text, /^3\. app\.py:30–31 \[hot loop\] 80\.0 ms, 8\.0 % of the run · 50,000 hits, 1\.60 µs per iteration$/m);
  assert.match(text, /^ {3}hot Python loop, no known pattern: no rewrite to price$/m);
  assert.match(text, /^Cold findings \(1\): not where the time goes\n {3}app\.py:40 \[VEC001\] 1\.00 ms, 0\.1 % element loop$/m);
});

test('a stopped run: the item says hits were not counted and why it has no price', () => {
  const profile = sampledProfile([{ line: 8, samples: 100 }, { line: 9, samples: 700 }], { stoppedBy: 'timeout' });
  const items = buildAdvice({ profile, findings: [finding('VEC004', 8, 9, 'out = np.where(x > 0, x, 0.0)', { message: 'per-element branch' })], shapes: new Map(), model, sources: {}, cwd: '/w', displayPath: (p) => p });
  const text = renderAdviceText(report(items, profile));
  assert.match(text, /\(stopped by timeout: partial\)/);
  assert.match(text, /^1\. \/w\/app\.py:8 \[VEC004\] 800 ms, 80 % of the run · hits not counted$/m);
  assert.match(text, /^ {3}per-element branch; not priced: the run was stopped by --timeout before trip counts and shapes were read$/m);
});

test('the default list fits a screen: three items in full, five more in two lines each, the rest counted', () => {
  const lines = Array.from({ length: 20 }, (_, i) => [
    { line: 10 * i + 1, hits: 10_001, samples: 20 },
    { line: 10 * i + 2, hits: 10_000, samples: 25 + i },
  ]).flat();
  const profile = sampledProfile(lines);
  // a real VEC004 message: 153 characters
  const message = 'per-element branch in a Python loop over array `out` (`for i in range(len(x)):`): select with np.where / np.maximum / np.clip / np.abs on the whole array';
  const findings = Array.from({ length: 20 }, (_, i) => finding('VEC004', 10 * i + 1, 10 * i + 2, 'x = np.asarray(x)\nout = np.where(x > 0, x, 0.0)', { message }));
  const shapes = new Map(Array.from({ length: 20 }, (_, i) => [`/w/app.py:${10 * i + 1}:VEC004`, [array('x', [10_000]), array('out', [10_000])]]));
  const items = buildAdvice({ profile, findings, shapes, model, sources: {}, cwd: '/w', displayPath: (p) => p });
  const text = renderAdviceText(report(items, profile));
  const rows = text.trimEnd().split('\n');
  assert.equal(rows.filter((r) => /^\d+\. /.test(r)).length, 8);
  assert.match(text, /… 12 more hot items/);
  // the fourth item onwards: its numbers, then the working statement and its gain on one line
  assert.match(text, /^4\. \/w\/app\.py:161 \[VEC004\] [\d.]+ ms, [\d.]+ % of the run · 10,000 hits, [\d.]+ µs per iteration\n {3}→ out = np\.where\(x > 0, x, 0\.0\) · ≈[\d.]+× faster, saves \d+ % of the run$/m);
  const screenRows = rows.reduce((n, r) => n + Math.max(1, Math.ceil(r.length / 120)), 0);
  assert.ok(screenRows <= 50, `${screenRows} rows on a 120-column terminal`);
});
