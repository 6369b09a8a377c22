import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_DEFAULTS, parseSizes, toBudgetConfig } from '../../src/budget/config.js';
import { UsageError } from '../../src/errors.js';

test('parseSizes accepts ranges, lists and single exponents', () => {
  assert.deepEqual(parseSizes('4..8'), [4, 5, 6, 7, 8]);
  assert.deepEqual(parseSizes('16, 8,8,12'), [8, 12, 16]);
  assert.deepEqual(parseSizes('20'), [20]);
});

test('parseSizes rejects reversed ranges, junk and huge exponents with a usage error', () => {
  for (const bad of ['8..4', 'abc', '4-8', '', '40', '1..31']) {
    assert.throws(() => parseSizes(bad), (e: unknown) => e instanceof UsageError && /--sizes/.test(e.message), bad);
  }
});

test('defaults give the lab: sum over float64, 2^0..2^24, loop measured to 2^20', () => {
  const c = toBudgetConfig({ ...BUDGET_DEFAULTS, peak: true }, []);
  assert.equal(c.op, 'sum');
  assert.equal(c.dtype, 'float64');
  assert.deepEqual([c.exponents[0], c.exponents.at(-1), c.exponents.length], [0, 24, 25]);
  assert.equal(c.loopMaxExponent, 20);
  assert.ok(c.peakBytes >= 128 * 2 ** 20);
  assert.equal(c.minSamples, 30);
});

test('bad option values are usage errors naming the option', () => {
  const base = { ...BUDGET_DEFAULTS, peak: false };
  assert.throws(() => toBudgetConfig({ ...base, op: 'cos' }, []), /--op "cos"/);
  assert.throws(() => toBudgetConfig({ ...base, dtype: 'int8' }, []), /--dtype "int8"/);
  assert.throws(() => toBudgetConfig({ ...base, minSamples: '2.5' }, []), /--min-samples/);
  assert.throws(() => toBudgetConfig({ ...base, timeout: '-1' }, []), /--timeout/);
  assert.throws(() => toBudgetConfig({ ...base, loopMax: '99' }, []), /--loop-max/);
});
