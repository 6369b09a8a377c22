import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUDGET_DEFAULTS, atMost, bounded, minimumSweepSeconds, parseLoopMax, parseSeed, parseSizes, positive, toBudgetConfig } from '../../src/budget/config.js';
import { toPatternConfig, type PatternCliOptions } from '../../src/budget/patterns/config.js';
import { findPattern } from '../../src/budget/patterns/index.js';
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

test('sane upper bounds: a huge --sample-ms, --min-time or --passes is one usage line, not a run until --timeout', () => {
  const base = { ...BUDGET_DEFAULTS, peak: false };
  for (const [over, message] of [
    [{ sampleMs: '1e9' }, /^--sample-ms must be at most 1000 \(.*\), got "1e9"$/],
    [{ minTime: '3600' }, /^--min-time must be at most 60 \(seconds of samples per cell\), got "3600"$/],
    [{ passes: '100000' }, /^--passes must be at most 100 \(visits per cell\), got "100000"$/],
  ] as const) {
    assert.throws(() => toBudgetConfig({ ...base, ...over }, []), (e: unknown) => e instanceof UsageError && message.test(e.message), JSON.stringify(over));
  }
  // The limits themselves are accepted (with a timeout long enough for them).
  const c = toBudgetConfig({ ...base, sizes: '4', sampleMs: '1000', minTime: '60', passes: '100', timeout: '900' }, []);
  assert.deepEqual([c.sampleSeconds, c.minCellSeconds, c.passes], [1, 60, 100]);
});

test('a sweep --timeout would cut short for certain is refused up front, with the least time it needs', () => {
  const base = { ...BUDGET_DEFAULTS, peak: false };
  // 25 sizes, the loop at 21 of them: 46 cells of at least 30 s each.
  assert.throws(
    () => toBudgetConfig({ ...base, minTime: '30' }, []),
    (e: unknown) => e instanceof UsageError && /^these options need at least 1380 s of sampling, more than --timeout 900 s/.test(e.message),
  );
  assert.throws(() => toBudgetConfig({ ...base, sizes: '4..6', minTime: '1', timeout: '5' }, []), /at least 6 s of sampling, more than --timeout 5 s/);
  // The defaults fit comfortably, and so does the same sweep with the time it needs.
  assert.ok(minimumSweepSeconds(toBudgetConfig(base, [])) < 60);
  assert.equal(toBudgetConfig({ ...base, sizes: '4..6', minTime: '1', timeout: '6' }, []).timeoutSeconds, 6);
});

test('--timeout is bounded: non-finite values and more than a week are one usage line (setTimeout would fire at once)', () => {
  const base = { ...BUDGET_DEFAULTS, peak: false };
  for (const [timeout, message] of [
    ['1e999', /^--timeout must be a positive number, got "1e999"$/],
    ['Infinity', /^--timeout must be a positive number, got "Infinity"$/],
    ['3000000', /^--timeout must be at most 604800 \(a week, in seconds\), got "3000000"$/],
  ] as const) {
    assert.throws(() => toBudgetConfig({ ...base, timeout }, []), (e: unknown) => e instanceof UsageError && message.test(e.message), timeout);
  }
  assert.equal(toBudgetConfig({ ...base, timeout: '604800' }, []).timeoutSeconds, 604800);
});

test('the shared parsers: positive, atMost, parseSeed, parseLoopMax, bounded', () => {
  assert.equal(positive('--x', '2.5', false), 2.5);
  for (const bad of ['0', '-1', 'abc', '', 'Infinity', '1e999', 'NaN']) assert.throws(() => positive('--x', bad, false), /^UsageError: --x must be a positive number/, bad);
  assert.throws(() => positive('--n', '2.5', true), /--n must be a positive integer, got "2\.5"/);
  assert.equal(atMost('--x', '5', 5, 5, 'why'), 5);
  assert.throws(() => atMost('--x', '6', 6, 5, 'why'), /^UsageError: --x must be at most 5 \(why\), got "6"$/);
  assert.equal(parseSeed('0'), 0);
  assert.equal(parseSeed('42'), 42);
  for (const bad of ['-1', '1.5', '', 'x', '1e999', '99999999999999999999']) assert.throws(() => parseSeed(bad), /--seed must be a non-negative integer/, bad);
  assert.equal(parseLoopMax('0'), 0);
  for (const bad of ['', '-1', '31', '2.5']) assert.throws(() => parseLoopMax(bad), /--loop-max must be an exponent between 0 and 30/, bad);
  assert.equal(bounded('passes', '100'), 100);
  assert.throws(() => bounded('passes', '2.5'), /--passes must be a positive integer/);
});

test('--pattern parses its options with the sum budget\'s parsers and limits (only the defaults differ)', () => {
  const spec = findPattern('where')!;
  const cli = (over: Partial<PatternCliOptions>, given: string[]): PatternCliOptions => ({
    ...BUDGET_DEFAULTS, pattern: 'where', quick: true, given: new Set(given), ...over,
  });
  for (const [over, message] of [
    [{ sampleMs: '5000' }, /^--sample-ms must be at most 1000 /],
    [{ minTime: '3600' }, /^--min-time must be at most 60 /],
    [{ passes: '1000' }, /^--passes must be at most 100 /],
    [{ timeout: '1e999' }, /^--timeout must be a positive number/],
    [{ timeout: '1e7' }, /^--timeout must be at most 604800 /],
    [{ seed: '-3' }, /^--seed must be a non-negative integer/],
    [{ loopMax: '40' }, /^--loop-max must be an exponent between 0 and 30/],
    [{ minSamples: '0' }, /^--min-samples must be a positive integer/],
  ] as const) {
    const key = Object.keys(over)[0]!;
    assert.throws(() => toPatternConfig(spec, cli(over, [key]), 2 ** 30), (e: unknown) => e instanceof UsageError && message.test(e.message), key);
  }
  const ok = toPatternConfig(spec, cli({ sampleMs: '1000', timeout: '604800', seed: '7' }, ['sampleMs', 'timeout', 'seed']), 2 ** 30);
  assert.deepEqual([ok.sampleSeconds, ok.timeoutSeconds, ok.seed], [1, 604800, 7]);
});
