// A pattern result assembled from synthetic cells, rendered: table columns, markers for extrapolated, skipped and
// unavailable entries, speedup wording both ways, the JSON shape, and the stacked plot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMParser } from 'linkedom';
import { summarize } from '../../../src/budget/stats.js';
import { assemblePattern } from '../../../src/budget/pattern-run.js';
import { renderPatternSummary, renderPatternTables } from '../../../src/render/pattern-table.js';
import { patternMemorySpec, patternTimeSpecs, stackSvgs } from '../../../src/budget/patterns/plot.js';
import { pairwise } from '../../../src/budget/patterns/pairwise.js';
import { batchedMatmul } from '../../../src/budget/patterns/batched-matmul.js';
import { clockNoteFor } from '../../../src/budget/patterns/clock.js';
import type { PatternCell, PatternConfig, PatternSpec } from '../../../src/budget/patterns/types.js';
import type { BudgetEnvironment } from '../../../src/budget/types.js';

const spec: PatternSpec = {
  name: 'demo',
  title: 'Demo pattern',
  description: 'a loop against two rewrites',
  claim: 'the rewrite is faster',
  sizeLabel: 'n (elements)',
  inputs: 'x = rng.random(n)',
  inputBytes: (n, itemsize) => n * itemsize,
  sizes: { full: [16, 256, 4096], quick: [16] },
  checkSizes: [3],
  groups: [
    {
      title: '',
      versions: [
        { id: 'loop', label: 'the loop', role: 'bad', setup: '', stmt: 'pass', result: 'x', cap: { full: 256, quick: 16 }, growth: 1 },
        { id: 'fast', label: 'the rewrite', role: 'good', setup: '', stmt: 'pass', result: 'x' },
        { id: 'slow', label: 'a slower one', role: 'alternative', setup: '', stmt: 'pass', result: 'x', allocates: (n) => (n > 1000 ? 1e12 : 0) },
        { id: 'cdist', label: 'scipy', role: 'alternative', setup: '', stmt: 'pass', result: 'x', requires: 'scipy' },
      ],
    },
  ],
  bytesTouched: (n, itemsize) => n * itemsize,
  bytesMeaning: 'x',
  peakMeaning: 'extra',
  insights: (r) => [`${r.rows.length} rows`],
};

const config: PatternConfig = {
  pattern: 'demo',
  quick: false,
  sizes: [16, 256, 4096],
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
};

const environment = {
  machine: { cpuModel: 'Test CPU', logicalCpus: 2, memoryBytes: 2 ** 33, os: 'linux', arch: 'x64', caches: [], governor: null, ptraceScope: null },
  python: { executable: '/usr/bin/python3', version: '3.11.7', numpy: '2.4.6' },
  vecprof: '0.0.0',
  node: 'v20',
  noiseStart: { at: '', loadAverage1m: 0, busyProcesses: [] },
  noiseEnd: { at: '', loadAverage1m: 0, busyProcesses: [] },
} as BudgetEnvironment;

function cell(version: string, size: number, ns: number): PatternCell {
  const wallNs = [ns * 0.99, ns, ns * 1.01, ns, ns];
  return { version, size, reps: 1, clock: 'thread', wallNs, cpuNs: wallNs, spentNs: ns * 5, wall: summarize(wallNs), cpu: summarize(wallNs) };
}

function result() {
  const cells = [
    cell('loop', 16, 1000),
    cell('fast', 16, 500),
    cell('slow', 16, 4000),
    cell('loop', 256, 16_000),
    cell('fast', 256, 800),
    cell('slow', 256, 64_000),
    cell('fast', 4096, 4000),
  ];
  const memory = [16, 256, 4096].map((size) => ({ version: 'fast', size, peakBytes: size * 8, keptBytes: size * 8 }));
  return assemblePattern({
    spec,
    config,
    environment,
    cells,
    memory,
    unavailable: [{ version: 'cdist', reason: 'scipy not installed' }],
    finishedSizes: new Set([16, 256, 4096]),
    complete: true,
    interrupted: false,
    wallSeconds: 1.5,
  });
}

test('tables: one column per version, * for extrapolated, skipped for the memory guard, n/a for unavailable', () => {
  const text = renderPatternTables(result());
  assert.match(text, /demo: time per call \(median\) and speedup over loop/);
  assert.match(text, /n\s+touched\s+loop\s+fast\s+slow\s+cdist/);
  assert.match(text, /^\s*16\s+128 B\s+1\.00 µs\s+500 ns 2\.0×\s+4\.00 µs 0\.25×\s+n\/a$/m);
  assert.match(text, /^\s*4096\s.*256 µs\*\s+4\.00 µs 64×\s+skipped: memory\s+n\/a$/m, 'the loop scaled ×16 from 256');
  assert.match(text, /peak memory beyond the inputs/);
  assert.match(text, /^\s*4096\s+–\s+32\.0 KiB\s+skipped\s+n\/a$/m);
});

test('summary: speedups both ways, crossover, insights, the claim, the unavailable version', () => {
  const text = renderPatternSummary(result());
  assert.match(text, /the rewrite: 64× \(\d+–\d+\) faster than loop at n = 4096 \(extrapolated\); ahead at every size from n = 16/);
  assert.match(text, /a slower one: 4\.0× \([\d.]+–[\d.]+\) slower than loop at n = 256; behind at every size up to n = 256/);
  assert.match(text, /cdist: skipped, scipy not installed/);
  assert.match(text, /→ 3 rows/);
  assert.match(text, /Seed's claim: the rewrite is faster/);
  assert.match(text, /\* extrapolated beyond the measured cap/);
});

test('JSON shape: versions without functions, resolved caps, rows and group summaries', () => {
  const r = JSON.parse(JSON.stringify(result())) as ReturnType<typeof result>;
  assert.equal(r.schema, 'vecprof.pattern/1');
  assert.deepEqual(
    r.versions.map((v) => [v.id, v.cap, v.group]),
    [['loop', 256, ''], ['fast', null, ''], ['slow', null, ''], ['cdist', null, '']],
  );
  assert.equal('allocates' in r.versions[2]!, false);
  assert.deepEqual(r.rows[2]!.entries.map((e) => e.status), ['extrapolated', 'measured', 'skipped-memory', 'unavailable']);
  assert.equal(r.groups[0]!.baseline, 'loop');
  assert.deepEqual(r.groups[0]!.versions.map((v) => v.version), ['fast', 'slow', 'cdist']);
  assert.equal(r.groups[0]!.versions[2]!.atLargest, null);
  assert.deepEqual(r.insights, ['3 rows']);
});

test('plot specs: a time panel per group, memory only where bytes were measured; stacking sums heights', () => {
  const r = result();
  const [time] = patternTimeSpecs(r);
  assert.deepEqual(time!.series.map((s) => s.name), ['the loop', 'the rewrite', 'a slower one', 'scipy']);
  assert.equal(time!.series[0]!.points.at(-1)!.extrapolated, true);
  const memory = patternMemorySpec(r)!;
  assert.deepEqual(memory.series.map((s) => s.points.length), [0, 3, 0, 0]);
  const svg = stackSvgs(['<svg xmlns="http://www.w3.org/2000/svg" width="900" height="400"></svg>', '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="300"></svg>']);
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  assert.equal(doc.documentElement.getAttribute('height'), '700');
  assert.match(svg, /<svg x="0" y="400" /);
});

function pairwiseResult(timedOut = false) {
  const sizes = [64, 256];
  const cells = sizes.flatMap((n) => [cell('loop', n, n * n * 1000), cell('broadcast', n, n * n * 10), { ...cell('gram', n, n * n), clock: 'process' as const }]);
  const cfg: PatternConfig = { ...config, pattern: 'pairwise', sizes, timeoutSeconds: 7 };
  return assemblePattern({
    spec: pairwise,
    config: cfg,
    environment,
    cells,
    memory: [],
    unavailable: [],
    finishedSizes: new Set(timedOut ? [64] : sizes),
    complete: !timedOut,
    interrupted: false,
    timedOut,
    wallSeconds: 1,
  });
}

test('pairwise (one BLAS version among thread-clock ones) says it is timed in wall time, in the table and the plot', () => {
  const r = pairwiseResult();
  assert.match(r.clockNote ?? '', /every version is timed in wall time \(perf_counter\)/);
  assert.match(r.clockNote ?? '', /gram calls BLAS: its CPU\/wall column is process CPU time \(all threads\)/);
  assert.match(renderPatternSummary(r), /^Clock: every version is timed in wall time/m);
  for (const spec of patternTimeSpecs(r)) assert.match(spec.title, /time per call \(wall time\)$/);
  const tables = renderPatternTables(r);
  assert.match(tables, /pairwise: CPU time per wall second/);
  // Each clock's meaning, named for the columns it applies to.
  assert.match(tables, /^ {2}gram: process CPU time \(every thread\) \/ wall time; above 1 means several threads worked$/m);
  assert.match(tables, /^ {2}loop, broadcast, cdist, batched: this thread's CPU time \/ wall time; at most 1, below 1 it waited/m);
  // batched-matmul: every version on the process clock, one line for them all.
  assert.match(clockNoteFor(batchedMatmul) ?? '', /the CPU\/wall table is process CPU time \(all threads\) over wall time/);
});

test('a pattern without BLAS has no clock note, no "(wall time)" title and no CPU/wall table', () => {
  const r = result();
  assert.equal(r.clockNote, null);
  assert.doesNotMatch(renderPatternSummary(r), /Clock:/);
  assert.doesNotMatch(patternTimeSpecs(r)[0]!.title, /wall time/);
  assert.doesNotMatch(renderPatternTables(r), /CPU time per wall second/);
});

test('a run stopped by --timeout says so under the tables it kept', () => {
  const r = pairwiseResult(true);
  assert.equal(r.timedOut, true);
  assert.deepEqual(r.rows.map((row) => row.size), [64]);
  assert.equal(r.stopReason, 'stopped by --timeout (7 s)');
  assert.match(renderPatternSummary(r), /PARTIAL, 1 of \d+ sizes finished: stopped by --timeout \(7 s\)$/);
  // A file written before stopReason existed says it from its flags.
  assert.match(renderPatternSummary({ ...r, stopReason: undefined }), /PARTIAL, 1 of \d+ sizes finished: stopped by --timeout \(7 s\)$/);
});

test('a run stopped by a crash or a failed write shows its stopReason; a complete one has none', () => {
  const crashed = assemblePattern({
    spec, config, environment, cells: [], memory: [], unavailable: [], finishedSizes: new Set(), complete: false, interrupted: false,
    stopReason: 'the pattern helper (demo) exited with status 139: Fatal Python error: Segmentation fault', wallSeconds: 1,
  });
  assert.match(renderPatternTables(crashed), /^demo: the pattern helper \(demo\) exited with status 139: .* before any size finished; nothing to show$/);
  assert.match(renderPatternSummary(crashed), /PARTIAL, 0 of 3 sizes finished: the pattern helper \(demo\) exited with status 139/);
  assert.equal(result().stopReason, null);
});

test('einsum vs a @ w: "pricier" only when the interval of the time ratio leaves 1 behind, else "indistinguishable"', () => {
  const processCell = (version: string, wallNs: number[]): PatternCell => ({
    version,
    size: 64,
    reps: 1,
    clock: 'process',
    wallNs,
    cpuNs: wallNs,
    spentNs: 1e6,
    wall: summarize(wallNs),
    cpu: summarize(wallNs),
  });
  const tight = (ns: number) => [0.99, 1, 1.01, 1, 0.995, 1.005, 1, 1.002, 0.998].map((f) => f * ns);
  const r = assemblePattern({
    spec: batchedMatmul,
    config: { ...config, pattern: 'batched-matmul', sizes: [64] },
    environment,
    cells: [
      processCell('loop', tight(20_000)),
      processCell('einsum', tight(3000)),
      processCell('einsum-optimize', [400, 700, 900, 1000, 1000, 1100, 1400, 1800, 2600]),
      processCell('matmul', tight(1000)),
    ],
    memory: [],
    unavailable: [],
    finishedSizes: new Set([64]),
    complete: true,
    interrupted: false,
    wallSeconds: 1,
  });
  const [plain, optimized] = r.insights;
  assert.match(plain ?? '', /^At B = 64 plain einsum is pricier than a @ w: 3\.0× the time of a @ w \(95 % interval [23]\.\d+–3\.\d+×\)$/);
  assert.match(optimized ?? '', /^einsum\(optimize=True\) and a @ w are indistinguishable here: .* an interval that includes 1/);
  assert.doesNotMatch(optimized ?? '', /pricier|cheaper/);
});

test('a pattern stopped before any size finished says so instead of printing empty tables', () => {
  const stopped = assemblePattern({ spec, config, environment, cells: [], memory: [], unavailable: [], finishedSizes: new Set(), complete: false, interrupted: false, timedOut: true, wallSeconds: 1 });
  const text = renderPatternTables(stopped);
  assert.match(text, /stopped by --timeout \(\d+(\.\d+)? s\) before any size finished; nothing to show/);
  assert.doesNotMatch(text, /time per call/);
});

test('pairwise insight: a rival slower than broadcasting is called slower, not "0.5× faster"', () => {
  const sizes = [64, 256];
  const cells = sizes.flatMap((n) => [cell('loop', n, n * n * 1000), cell('broadcast', n, n * n * 10), cell('batched', n, n * n * 20), { ...cell('gram', n, n * n), clock: 'process' as const }]);
  const r = assemblePattern({ spec: pairwise, config: { ...config, pattern: 'pairwise', sizes }, environment, cells, memory: [], unavailable: [], finishedSizes: new Set(sizes), complete: true, interrupted: false, wallSeconds: 1 });
  const text = renderPatternSummary(r);
  assert.match(text, /against it: batched 2(\.0)?× slower, gram 10× faster/);
  assert.doesNotMatch(text, /0\.\d+× faster/);
});
