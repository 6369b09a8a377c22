// Every rewrite in the catalogue computes what its loop computes (np.allclose on random inputs, several sizes
// and seeds), run through the helper's check mode; and the check does catch a rewrite that is wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PATTERNS } from '../../../src/budget/patterns/index.js';
import { checkPattern } from '../../../src/budget/pattern-run.js';
import type { PatternConfig, PatternSpec } from '../../../src/budget/patterns/types.js';

function config(spec: PatternSpec, dtype: PatternConfig['dtype']): PatternConfig {
  return {
    pattern: spec.name,
    quick: true,
    sizes: [],
    dtype,
    sampleSeconds: 0.001,
    minSamples: 1,
    minCellSeconds: 0.01,
    maxCellSeconds: 0.1,
    passes: 1,
    seed: 7,
    timeoutSeconds: 60,
    memoryGuardBytes: 2 ** 30,
    capOverride: null,
  };
}

for (const spec of PATTERNS) {
  test(`${spec.name}: every rewrite matches its loop in float64 and float32`, async () => {
    const { outcomes, unavailable } = await checkPattern(spec, config(spec, 'float64'), { dtypes: ['float64', 'float32'] });
    const expected = spec.groups.flatMap((g) => g.versions.slice(1)).filter((v) => !unavailable.includes(v.id));
    assert.ok(outcomes.length > 0);
    for (const v of expected) {
      for (const dtype of ['float64', 'float32']) {
        const mine = outcomes.filter((o) => o.version === v.id && o.dtype === dtype);
        assert.equal(mine.length, spec.checkSizes.length * 3, `${v.id} (${dtype}): checked at every size and seed`);
      }
    }
    const failed = outcomes.filter((o) => !o.ok);
    assert.deepEqual(failed, [], failed.map((o) => `${o.version} vs ${o.baseline} (${o.dtype}) at ${o.size}: ${o.why}`).join('; '));
  });
}

test('the check fails a rewrite that computes something else, and one with the wrong shape', async () => {
  const wrong: PatternSpec = {
    ...PATTERNS.find((p) => p.name === 'where')!,
    groups: [
      {
        title: '',
        versions: [
          { id: 'loop', label: 'loop', role: 'bad', setup: 'out = np.empty_like(x)', stmt: 'for i in range(n):\n    out[i] = max(x[i], 0)', result: 'out' },
          { id: 'abs', label: 'np.abs', role: 'good', setup: '', stmt: 'out = np.abs(x)', result: 'out' },
          { id: 'short', label: 'x[1:]', role: 'good', setup: '', stmt: 'out = np.maximum(x[1:], 0)', result: 'out' },
          { id: 'right', label: 'np.maximum', role: 'good', setup: '', stmt: 'out = np.maximum(x, 0)', result: 'out' },
        ],
      },
    ],
    checkSizes: [50],
  };
  const { outcomes } = await checkPattern(wrong, config(wrong, 'float64'));
  assert.ok(outcomes.filter((o) => o.version === 'abs').every((o) => !o.ok && /largest difference/.test(o.why ?? '')));
  assert.ok(outcomes.filter((o) => o.version === 'short').every((o) => !o.ok && /shape/.test(o.why ?? '')));
  assert.ok(outcomes.filter((o) => o.version === 'right').every((o) => o.ok));
});
