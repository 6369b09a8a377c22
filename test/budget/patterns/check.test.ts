// Every rewrite in the catalogue computes what its loop computes (np.allclose on random inputs, several sizes
// and seeds, equal shapes, the dtype asked for), run through the helper's check mode; and the check does catch a
// rewrite that is wrong, wrongly shaped or in another precision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PATTERNS, findPattern } from '../../../src/budget/patterns/index.js';
import { checkPattern, type CheckOutcome } from '../../../src/budget/pattern-run.js';
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

const pairwiseOutcomes: CheckOutcome[] = [];

for (const spec of PATTERNS) {
  test(`${spec.name}: every rewrite matches its loop, and every version keeps the dtype, in float64 and float32`, async () => {
    const { outcomes, unavailable } = await checkPattern(spec, config(spec, 'float64'), { dtypes: ['float64', 'float32'] });
    if (spec.name === 'pairwise') pairwiseOutcomes.push(...outcomes);
    // The loops are checked too (their dtype), so every version has an outcome per size, seed and dtype.
    const expected = spec.groups.flatMap((g) => g.versions).filter((v) => !unavailable.includes(v.id));
    assert.ok(expected.length >= 2);
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

test('the check exercises the batched pairwise version with several batches and a remainder, in both dtypes', async (t) => {
  if (pairwiseOutcomes.length === 0) {
    const { outcomes } = await checkPattern(findPattern('pairwise')!, config(findPattern('pairwise')!, 'float64'), { dtypes: ['float64', 'float32'] });
    pairwiseOutcomes.push(...outcomes);
  }
  const batched = pairwiseOutcomes.filter((o) => o.version === 'batched' && o.facts !== null);
  assert.ok(batched.length > 0, 'the batched version reports its batches');
  for (const dtype of ['float64', 'float32']) {
    const multi = batched.filter((o) => o.dtype === dtype && o.facts!.batches! > 1 && o.facts!.remainder! > 0);
    assert.ok(multi.length > 0, `${dtype}: at least one check ran several batches with a short last one`);
    assert.ok(multi.every((o) => o.ok));
    t.diagnostic(`${dtype}: ${multi[0]!.facts!.batches} batches at N = ${multi[0]!.size}, last one ${multi[0]!.facts!.remainder} rows`);
  }
});

test('the check fails a rewrite that computes something else, one with the wrong shape, and one in another dtype', async () => {
  const wrong: PatternSpec = {
    ...findPattern('where')!,
    groups: [
      {
        title: '',
        versions: [
          { id: 'loop', label: 'loop', role: 'bad', setup: 'out = np.empty_like(x)', stmt: 'for i in range(n):\n    out[i] = max(x[i], 0)', result: 'out' },
          { id: 'abs', label: 'np.abs', role: 'good', setup: '', stmt: 'out = np.abs(x)', result: 'out' },
          { id: 'short', label: 'x[1:]', role: 'good', setup: '', stmt: 'out = np.maximum(x[1:], 0)', result: 'out' },
          { id: 'upcast', label: 'float64', role: 'good', setup: '', stmt: 'out = np.maximum(x, 0).astype(np.float64)', result: 'out' },
          { id: 'right', label: 'np.maximum', role: 'good', setup: '', stmt: 'out = np.maximum(x, 0)', result: 'out' },
        ],
      },
    ],
    checkSizes: [50],
  };
  const { outcomes } = await checkPattern(wrong, config(wrong, 'float32'), { dtypes: ['float32'] });
  const of = (id: string): CheckOutcome[] => {
    const mine = outcomes.filter((o) => o.version === id);
    assert.equal(mine.length, 3, `${id}: one outcome per seed`);
    return mine;
  };
  assert.ok(of('abs').every((o) => !o.ok && /largest difference/.test(o.why ?? '')));
  assert.ok(of('short').every((o) => !o.ok && /shape/.test(o.why ?? '')));
  assert.ok(of('upcast').every((o) => !o.ok && /dtype float64, expected float32/.test(o.why ?? '')));
  assert.ok(of('right').every((o) => o.ok));
  assert.ok(of('loop').every((o) => o.ok), 'the loop keeps float32');
});

test("a loop that leaves the dtype it was given is caught (np.append of a Python float onto float32)", async () => {
  const prealloc = findPattern('prealloc')!;
  const upcasting: PatternSpec = {
    ...prealloc,
    groups: [
      {
        title: '',
        versions: [
          {
            id: 'append',
            label: 'np.append of a Python float',
            role: 'bad',
            setup: '',
            stmt: 'result = np.array([], dtype=dtype)\nfor i in range(n):\n    result = np.append(result, expensive(i))',
            result: 'result',
          },
          prealloc.groups[0]!.versions.find((v) => v.id === 'prealloc')!,
        ],
      },
    ],
    checkSizes: [7],
  };
  const { outcomes } = await checkPattern(upcasting, config(upcasting, 'float32'), { dtypes: ['float32'] });
  const loop = outcomes.filter((o) => o.version === 'append');
  assert.equal(loop.length, 3);
  assert.ok(loop.every((o) => !o.ok && o.why === 'dtype float64, expected float32'), JSON.stringify(loop.map((o) => o.why)));
});
