// The catalogue's analysis on synthetic cells: caps, the memory guard, extrapolation, speedups, crossovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize } from '../../../src/budget/stats.js';
import {
  buildRows,
  capOf,
  extrapolationFactor,
  memoryGuardNote,
  memoryNeeded,
  patternCrossover,
  planDecision,
  summarizeGroups,
} from '../../../src/budget/patterns/analyze.js';
import { PATTERNS, PATTERN_NAMES, findPattern } from '../../../src/budget/patterns/index.js';
import { pairwise } from '../../../src/budget/patterns/pairwise.js';
import { buildPlan, onCpuWarning } from '../../../src/budget/pattern-run.js';
import type { PatternCell, PatternConfig, PatternSpec } from '../../../src/budget/patterns/types.js';

function config(over: Partial<PatternConfig> = {}): PatternConfig {
  return {
    pattern: 'toy',
    quick: false,
    sizes: [10, 100, 1000],
    dtype: 'float64',
    sampleSeconds: 0.002,
    minSamples: 5,
    minCellSeconds: 0.1,
    maxCellSeconds: 1,
    passes: 1,
    seed: 1,
    timeoutSeconds: 60,
    memoryGuardBytes: 2 ** 30,
    capOverride: null,
    ...over,
  };
}

const toy: PatternSpec = {
  name: 'toy',
  title: 'toy',
  description: 'toy',
  claim: 'toy',
  sizeLabel: 'n (elements)',
  inputs: 'x = rng.random(n)',
  inputBytes: (n, itemsize) => n * itemsize,
  sizes: { full: [10, 100, 1000], quick: [10, 100] },
  checkSizes: [3],
  groups: [
    {
      title: '',
      versions: [
        { id: 'loop', label: 'loop', role: 'bad', setup: '', stmt: 'pass', result: 'x', cap: { full: 100, quick: 10 }, growth: 1 },
        { id: 'fast', label: 'fast', role: 'good', setup: '', stmt: 'pass', result: 'x', allocates: (n) => n * 2e6 },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => n * itemsize,
  bytesMeaning: '',
  peakMeaning: '',
};

function cell(version: string, size: number, ns: number): PatternCell {
  const wallNs = [ns * 0.98, ns, ns * 1.02, ns, ns * 1.01];
  return { version, size, reps: 1, clock: 'thread', wallNs, cpuNs: wallNs, spentNs: ns * 5, wall: summarize(wallNs), cpu: summarize(wallNs) };
}

test('the registry holds the six patterns of the issue, in the seed order, with unique version ids', () => {
  assert.deepEqual(PATTERN_NAMES, ['elementwise', 'pairwise', 'batched-matmul', 'where', 'prealloc', 'hidden-loops']);
  for (const spec of PATTERNS) {
    const ids = spec.groups.flatMap((g) => g.versions.map((v) => v.id));
    assert.equal(new Set(ids).size, ids.length, `${spec.name}: version ids unique`);
    for (const g of spec.groups) assert.equal(g.versions[0]!.role, 'bad', `${spec.name}: each group starts with the loop`);
    // A capped version is measured at its cap, so extrapolation starts from a measured size.
    for (const v of spec.groups.flatMap((g) => g.versions)) {
      if (!v.cap) continue;
      assert.ok(spec.sizes.full.includes(v.cap.full), `${spec.name}/${v.id}: full cap is one of the sizes`);
      assert.ok(spec.sizes.quick.includes(v.cap.quick), `${spec.name}/${v.id}: quick cap is one of the quick sizes`);
    }
  }
  assert.equal(findPattern('nope'), undefined);
});

test('caps and the memory guard decide what runs; --loop-max overrides every cap', () => {
  const loop = toy.groups[0]!.versions[0]!;
  const fast = toy.groups[0]!.versions[1]!;
  assert.equal(capOf(loop, config()), 100);
  assert.equal(capOf(loop, config({ quick: true })), 10);
  assert.equal(capOf(loop, config({ capOverride: 1000 })), 1000);
  assert.equal(capOf(fast, config()), Infinity);
  assert.equal(planDecision(toy, loop, 1000, config()), 'beyond-cap');
  assert.equal(planDecision(toy, fast, 1000, config()), 'skipped-memory', '1000 × 2 MB is over a 1 GiB guard');
  assert.equal(planDecision(toy, fast, 100, config()), 'run');
  assert.deepEqual(buildPlan(toy, config()), [
    { size: 10, time: ['loop', 'fast'], memory: ['loop', 'fast'] },
    { size: 100, time: ['loop', 'fast'], memory: ['loop', 'fast'] },
    { size: 1000, time: [], memory: [] },
  ]);
});

test('the pairwise memory guard stops broadcasting before it allocates a safe share of RAM', () => {
  const broadcast = pairwise.groups[0]!.versions.find((v) => v.id === 'broadcast')!;
  const guard = config({ memoryGuardBytes: 512 * 2 ** 20 });
  assert.equal(planDecision(pairwise, broadcast, 1024, guard), 'run', '1024² × 17 × 8 B = 136 MiB fits');
  assert.equal(planDecision(pairwise, broadcast, 4096, guard), 'skipped-memory', '4096² × 17 × 8 B = 2.1 GiB does not');
});

test('every pairwise version that writes N × M declares it: at N = 2^17 (128 GiB of distances) none of them runs', () => {
  const guard = config({ sizes: [2 ** 17], memoryGuardBytes: 4 * 2 ** 30 });
  const decisions = Object.fromEntries(pairwise.groups[0]!.versions.map((v) => [v.id, planDecision(pairwise, v, 2 ** 17, guard)]));
  assert.deepEqual(decisions, { loop: 'beyond-cap', broadcast: 'skipped-memory', cdist: 'skipped-memory', batched: 'skipped-memory', gram: 'skipped-memory' });
  assert.deepEqual(buildPlan(pairwise, guard), [{ size: 2 ** 17, time: [], memory: [] }]);
  // At 4096 the N × M versions fit a 4 GiB guard; the gram expansion's three (N, M) temporaries are 384 MiB.
  const gram = pairwise.groups[0]!.versions.find((v) => v.id === 'gram')!;
  assert.equal(memoryNeeded(pairwise, gram, 4096, 8).own, 3 * 4096 * 4096 * 8);
  assert.deepEqual(buildPlan(pairwise, config({ sizes: [4096], memoryGuardBytes: 4 * 2 ** 30 }))[0]!.time, ['broadcast', 'cdist', 'batched', 'gram']);
});

test('inputs count against the guard: a size whose inputs alone do not fit runs nothing, in every pattern', () => {
  const guard = config({ memoryGuardBytes: 2 ** 30 });
  for (const spec of PATTERNS) {
    const huge = 2 ** 40;
    assert.ok(spec.inputBytes(huge, 8) > 0 || spec.name === 'prealloc', `${spec.name}: declares its inputs`);
    for (const v of spec.groups.flatMap((g) => g.versions)) {
      const decision = planDecision(spec, v, huge, { ...guard, capOverride: huge });
      assert.equal(decision, 'skipped-memory', `${spec.name}/${v.id} at 2^40 is refused by the guard`);
      assert.ok(memoryNeeded(spec, v, huge, 8).total > 2 ** 30);
    }
  }
  const where = findPattern('where')!;
  const note = memoryGuardNote(where, where.groups[0]!.versions[1]!, 2 ** 27, config({ memoryGuardBytes: 2 ** 30 }));
  assert.equal(note, 'would need 3.00 GiB (inputs 2.00 GiB + its own 1.00 GiB), above the memory guard of 1.00 GiB (25 % of the memory available at start)');
});

test('extrapolation: linear scales from the largest size; quadratic fits αn + βn² through the two largest', () => {
  assert.equal(extrapolationFactor([{ size: 10, ns: 5 }, { size: 100, ns: 50 }], 1000, 1), 10);
  // t = 2n + 0.5n²: at 100 → 5200, at 200 → 20400, at 400 → 80800
  const f = extrapolationFactor([{ size: 100, ns: 5200 }, { size: 200, ns: 20400 }], 400, 2);
  assert.ok(Math.abs(f * 20400 - 80800) < 1e-6, `factor ${f}`);
  // Noisy points that would give a negative term fall back to pure n².
  assert.equal(extrapolationFactor([{ size: 100, ns: 100 }, { size: 200, ns: 150 }], 400, 2), 4);
});

test('rows: measured, extrapolated and skipped entries, speedups with intervals, crossover and largest speedup', () => {
  const cells = [cell('loop', 10, 100), cell('fast', 10, 200), cell('loop', 100, 1000), cell('fast', 100, 250)];
  const rows = buildRows(toy, config(), cells, [{ version: 'fast', size: 10, peakBytes: 80, keptBytes: 80 }], new Set(), new Set([10, 100, 1000]));
  assert.deepEqual(rows.map((r) => r.size), [10, 100, 1000]);
  const [small, mid, big] = rows;
  assert.equal(small!.entries[0]!.status, 'measured');
  assert.equal(small!.entries[0]!.speedup, null, 'the loop is the baseline');
  const s10 = small!.entries[1]!.speedup!;
  assert.ok(Math.abs(s10.estimate - 0.5) < 1e-9 && s10.low <= s10.estimate && s10.estimate <= s10.high);
  assert.equal(small!.entries[1]!.peakBytes, 80);
  assert.ok(Math.abs(mid!.entries[1]!.speedup!.estimate - 4) < 1e-9);
  assert.equal(big!.entries[0]!.status, 'extrapolated');
  assert.ok(Math.abs(big!.entries[0]!.timeNs!.estimate - 10_000) < 1e-6, 'loop scaled ×10 from 100');
  assert.equal(big!.entries[1]!.status, 'skipped-memory');
  assert.match(big!.entries[1]!.note!, /memory guard/);
  const [group] = summarizeGroups(toy, rows);
  const fast = group!.versions[0]!;
  assert.equal(fast.crossover?.kind, 'from');
  assert.ok(fast.crossover!.size > 10 && fast.crossover!.size < 100);
  assert.equal(fast.atLargest!.size, 100);
});

test('an unavailable version (SciPy missing) is marked so, never measured or extrapolated', () => {
  const rows = buildRows(toy, config(), [cell('loop', 10, 100)], [], new Set(['fast']), new Set([10]));
  assert.equal(rows[0]!.entries[1]!.status, 'unavailable');
  assert.equal(rows[0]!.entries[1]!.timeNs, null);
});

test('sizes still running are not reported', () => {
  const rows = buildRows(toy, config(), [cell('loop', 10, 100), cell('fast', 10, 50)], [], new Set(), new Set([10]));
  assert.deepEqual(rows.map((r) => r.size), [10]);
});

test('crossover is read from the largest size down: ahead from, ahead only below, always, never', () => {
  const from = patternCrossover([{ size: 2, ratio: 0.5 }, { size: 8, ratio: 2 }, { size: 32, ratio: 8 }]);
  assert.equal(from?.kind, 'from');
  assert.ok(Math.abs(from!.size - 4) < 1e-9, 'halfway in log size and log ratio');
  // Ahead at the small size, behind from the middle on: the last crossing is what the user needs.
  const until = patternCrossover([{ size: 16, ratio: 3 }, { size: 256, ratio: 0.4 }, { size: 4096, ratio: 0.4 }]);
  assert.equal(until?.kind, 'until');
  assert.ok(until!.size > 16 && until!.size < 256);
  assert.deepEqual(patternCrossover([{ size: 4, ratio: 2 }, { size: 8, ratio: 3 }]), { kind: 'always', size: 4 });
  assert.deepEqual(patternCrossover([{ size: 4, ratio: 0.2 }, { size: 8, ratio: 0.3 }]), { kind: 'never', size: 8 });
  assert.equal(patternCrossover([]), null);
});

test('a run that was mostly off-CPU says so once; a quiet one does not', () => {
  const quiet = cell('loop', 10, 100);
  const busy: PatternCell = { ...quiet, cpuNs: quiet.wallNs.map((x) => x * 0.3), cpu: summarize(quiet.wallNs.map((x) => x * 0.3)) };
  assert.deepEqual(onCpuWarning([quiet, quiet]), []);
  const [warning] = onCpuWarning([busy, busy, quiet]);
  assert.match(warning!, /on a CPU only 30 % .* ratios measured side by side hold better/);
});
