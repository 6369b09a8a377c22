// The summary under the budget table: every line must make sense on its own, even for odd sweeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleResult } from '../../src/budget/run.js';
import { summarize } from '../../src/budget/stats.js';
import type { BudgetConfig, BudgetResult, KernelCell } from '../../src/budget/types.js';
import type { MachineInfo, NoiseSnapshot } from '../../src/env/machine.js';
import { renderBudgetSummary } from '../../src/render/budget-table.js';

const MiB = 2 ** 20;
const machine: MachineInfo = {
  cpuModel: 'Test CPU',
  logicalCpus: 2,
  memoryBytes: 8 * 2 ** 30,
  os: 'linux',
  arch: 'x64',
  caches: [
    { level: 1, type: 'Data', sizeBytes: 48 * 1024, sharedByCpus: 1 },
    { level: 2, type: 'Unified', sizeBytes: MiB, sharedByCpus: 1 },
    { level: 3, type: 'Unified', sizeBytes: 32 * MiB, sharedByCpus: 2 },
  ],
  governor: null,
  ptraceScope: null,
};
const quiet: NoiseSnapshot = { at: '2026-11-24T10:00:00.000Z', loadAverage1m: 0, busyProcesses: [] };

function cell(kernel: 'loop' | 'numpy', exponent: number, ns: number, jitter = 0.001): KernelCell {
  const wallNs = Array.from({ length: 31 }, (_, i) => ns * (1 + (i - 15) * jitter));
  return { kernel, exponent, size: 2 ** exponent, itemsize: 8, reps: 1, wallNs, cpuNs: wallNs, spentNs: ns * 31, wall: summarize(wallNs), cpu: summarize(wallNs) };
}

function result(exponents: number[], cells: KernelCell[], over: Partial<BudgetConfig> = {}): BudgetResult {
  const config: BudgetConfig = {
    op: 'sum', dtype: 'float64', exponents, loopMaxExponent: 20, sampleSeconds: 0.002, minSamples: 30,
    minCellSeconds: 0.5, maxCellSeconds: 3, passes: 3, seed: 1, peakBytes: 0, timeoutSeconds: 60, ...over,
  };
  const environment = { machine, python: { executable: 'python3', version: '3.11.7', numpy: '2.4.0' }, vecprof: '0', node: 'v20', noiseStart: quiet, noiseEnd: quiet };
  return assembleResult({ config, environment, machine, cells, peak: null, peakWallNs: 0, complete: true, interrupted: false, wallSeconds: 1 });
}

test('one size (--sizes 0): no plateau claimed, and the crossover speaks of the one size measured', () => {
  const text = renderBudgetSummary(result([0], [cell('numpy', 0, 800), cell('loop', 0, 350)]));
  assert.doesNotMatch(text, /< 1 elements|> 1 elements/);
  assert.match(text, /the loop still wins at the largest size measured \(1 element\)/);
  assert.doesNotMatch(text, /Plateau ratio by memory regime: L1/);
  assert.match(text, /Plateau ratio by memory regime: not computed: .*two sizes ≤ 4096/);
});

test('only sizes above --loop-max (--sizes 21): the missing loop is explained, not just a dash', () => {
  const text = renderBudgetSummary(result([21], [cell('numpy', 21, 400_000)]));
  assert.match(text, /Crossover: not measured: the loop is measured only up to 2\^20 elements \(--loop-max 20\)/);
  assert.match(text, /^– loop not measured above 2\^20 elements/m);
});

test('a NumPy per-element slope at or below zero is not printed as a negative cost', () => {
  // NumPy's time falls slightly with size in L1: Theil–Sen gives a negative slope.
  const exps = [0, 2, 4, 6, 8, 10, 12];
  const cells = exps.flatMap((e) => [cell('numpy', e, 800 - e * 2), cell('loop', e, 100 + 40 * 2 ** e)]);
  const r = result(exps, cells);
  assert.ok(r.derived.numpyPerElementNs! < 0, `slope ${r.derived.numpyPerElementNs}`);
  const text = renderBudgetSummary(r);
  assert.doesNotMatch(text, /\+ -/);
  assert.match(text, /NumPy: .* per call \(intercept\); its per-element cost in cache is below resolution/);
});

test('the noisy-row note stands alone (the warnings it used to point at are hidden by --quiet)', () => {
  const exps = [4, 6];
  const cells = [cell('numpy', 4, 800, 0.03), cell('loop', 4, 700), cell('numpy', 6, 820), cell('loop', 6, 2600)];
  const text = renderBudgetSummary(result(exps, cells));
  const line = text.split('\n').find((l) => l.startsWith('~'));
  assert.ok(line, text);
  assert.doesNotMatch(line, /see the warnings/);
  assert.match(line, /spread over 10 %.*off-CPU/);
});

test('a partial result says why it stopped and how many sizes it holds', () => {
  const r = { ...result([4, 6, 8], [cell('numpy', 4, 800), cell('loop', 4, 700)]), complete: false, stopReason: 'stopped by --timeout (3 s)' };
  assert.match(renderBudgetSummary(r), /PARTIAL, 1 of 3 sizes finished: stopped by --timeout \(3 s\)/);
});

test('stopReason is null for a complete result and kept for a partial one', () => {
  const exps = [4, 6];
  const cells = [cell('numpy', 4, 800), cell('loop', 4, 700)];
  assert.equal(result(exps, cells).stopReason, null);
  const environment = result(exps, cells).environment;
  const config = result(exps, cells).config;
  const parts = { config, environment, machine, cells, peak: null, peakWallNs: 0, wallSeconds: 1 };
  assert.equal(assembleResult({ ...parts, complete: false, interrupted: true, stopReason: 'interrupted by SIGINT' }).stopReason, 'interrupted by SIGINT');
  // A complete result has no reason to stop, whatever the caller passed.
  assert.equal(assembleResult({ ...parts, complete: true, interrupted: false, stopReason: 'x' }).stopReason, null);
});
