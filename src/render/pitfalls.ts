// The pitfalls, each as: what was measured here, then one sentence on what it means for the user's own benchmarks.
import { pc } from './colors.js';
import type { PitfallsResult } from '../budget/pitfalls.js';
import { UNBATCHED_TOLERANCE } from '../budget/pitfalls.js';
import { formatCount, formatDuration, formatPercent, formatRatio, textTable } from './units.js';

function section(title: string, body: string[], meaning: string): string {
  return [pc.bold(title), ...body, `${pc.cyan('→')} ${meaning}`].join('\n');
}

function sci(x: number): string {
  if (x === 0) return '0';
  return x < 1e-3 || x >= 1e4 ? x.toExponential(1) : x.toPrecision(2);
}

function warmup(r: PitfallsResult): string {
  const rows = r.warmup.map((w) => [
    w.op,
    formatDuration(w.firstNs),
    `${formatDuration(w.firstMinNs)}–${formatDuration(w.firstMaxNs)}`,
    formatDuration(w.secondNs),
    formatDuration(w.warm.median),
    formatRatio(w.firstOverWarm),
  ]);
  const processes = r.warmup[0]?.processes ?? 0;
  const worst = [...r.warmup].sort((a, b) => b.firstOverWarm - a.firstOverWarm)[0];
  const body = [
    `${processes} fresh processes` + (r.importNumpyNs !== null ? `; import numpy took ${formatDuration(r.importNumpyNs)} (median)` : ''),
    textTable(['first call in a fresh process', 'first (median)', 'first (range)', 'second', 'warm median', 'first / warm'], rows, [false, true, true, true, true, true]),
  ].filter(Boolean);
  const meaning = worst
    ? `A first call cost up to ${formatRatio(worst.firstOverWarm)} a warm one (${worst.op}): run each statement once, untimed, before you time it.`
    : 'Run each statement once, untimed, before you time it.';
  return section('1. First call vs warm call', body, meaning);
}

function gc(r: PitfallsResult): string {
  const g = r.gc;
  if (!g) return section('2. Garbage collection during timing', ['not measured'], 'Disable the collector around timed blocks.');
  const extra = g.on.median / g.off.median - 1;
  const body = [
    `block: ${formatCount(g.blockObjects)} tuples/lists/dicts created, over a live heap of ${formatCount(g.liveObjects)} lists`,
    textTable(
      ['', 'median', 'min', 'q3', 'spread (MAD)'],
      [
        ['GC enabled', formatDuration(g.on.median), formatDuration(g.on.min), formatDuration(g.on.q3), formatPercent(100 * g.on.relativeSpread)],
        ['GC disabled', formatDuration(g.off.median), formatDuration(g.off.min), formatDuration(g.off.q3), formatPercent(100 * g.off.relativeSpread)],
      ],
      [false, true, true, true, true],
    ),
    `collections during one enabled block: ${g.collectionsPerBlock}`,
  ];
  return section(
    '2. Garbage collection during timing',
    body,
    `With the collector on, the same block took ${formatPercent(100 * extra)} ${extra >= 0 ? 'longer' : 'less'}: ` +
      'wrap timed regions in gc.disable()/gc.enable() (timeit does), or your numbers include collections your code did not cause.',
  );
}

function clocks(r: PitfallsResult): string {
  const rows = r.clocks.map((c) => [c.label, formatDuration(c.perfNs), formatDuration(c.processNs), formatDuration(c.threadNs)]);
  const blas = r.clocks.find((c) => c.kernel === 'BLAS');
  const sleep = r.clocks.find((c) => c.kernel === 'sleep');
  const parts: string[] = [];
  if (sleep) parts.push(`a sleep shows on perf_counter only (process_time ${formatDuration(sleep.processNs)})`);
  if (blas) parts.push(`BLAS used ${(blas.processNs / blas.perfNs).toFixed(2)} CPU-s per wall-s while thread_time saw ${formatPercent((100 * blas.threadNs) / blas.perfNs)} of the wall time`);
  return section(
    '3. perf_counter vs process_time vs thread_time',
    [textTable(['work (median of repeats)', 'perf_counter', 'process_time', 'thread_time'], rows, [false, true, true, true]), parts.join('; ')],
    'Time what the user waits for with perf_counter; CPU clocks exclude sleeping and waiting (process_time adds up all threads, thread_time sees one), so use them only to explain wall time, never instead of it.',
  );
}

function resolution(r: PitfallsResult): string {
  const rows = r.resolution.map((c) => [c.clock, c.implementation, formatDuration(c.claimedNs), c.minStepNs !== null ? formatDuration(c.minStepNs) : '–', formatDuration(c.medianReadNs)]);
  const perf = r.resolution.find((c) => c.clock === 'perf_counter');
  const unbatched = r.unbatched.map((p) => [
    formatCount(p.size),
    formatDuration(p.batchedMinNs),
    formatDuration(p.singleMinNs),
    formatPercent(100 * p.error),
    formatDuration(p.batchedNs),
    formatDuration(p.singleNs),
  ]);
  const s = r.shortestUnbatched;
  const limit = r.shortestByOverheadNs;
  const tolerance = formatPercent(100 * UNBATCHED_TOLERANCE);
  const conclusion = [
    r.unbatchedOverheadNs !== null && limit !== null
      ? `One timed call adds ~${formatDuration(r.unbatchedOverheadNs)} (two clock reads and the call around them): an op must last ≥ ${formatDuration(limit)} for that to stay under ${tolerance}.`
      : '',
    s
      ? `In this sweep a.sum() timed one call at a time stays within ${tolerance} of the batched time from ${formatDuration(s.ns)} (n = ${formatCount(s.size)}) on.`
      : `No size in the sweep stayed within ${tolerance} of the batched time (noise; see pitfall 5).`,
  ].filter(Boolean);
  return section(
    '4. Timer resolution and the shortest op timeable without batching',
    [
      textTable(['clock', 'implementation', 'claimed', 'smallest step', 'cost of a read'], rows, [false, false, true, true, true]),
      textTable(
        ['a.sum() size', 'batched, min', 'one call, min', 'error', 'batched, median', 'one call, median'],
        unbatched,
        [true, true, true, true, true, true],
      ),
      ...conclusion,
    ],
    `Reading perf_counter costs ~${perf ? formatDuration(perf.medianReadNs) : '?'}, but a timed call costs more than the two reads: ` +
      `anything shorter than ~${limit !== null ? formatDuration(limit) : s ? formatDuration(s.ns) : 'a few microseconds'} must be repeated inside one timed region and divided (timeit's number=).`,
  );
}

function noise(r: PitfallsResult): string {
  const n = r.noise;
  const m = r.environment.machine;
  const body: string[] = [];
  if (n) {
    body.push(
      `${n.kernel}, ${n.wall.n} samples now: median ${formatDuration(n.wall.median)}, min ${formatDuration(n.wall.min)}, ` +
        `MAD ±${formatPercent(100 * n.wall.relativeSpread)}, max/min ${formatRatio(n.maxOverMin)}, ${n.wall.outliers} outliers; ` +
        `CPU/wall ${(n.cpu.median / n.wall.median).toFixed(2)}`,
    );
  }
  body.push(`governor: ${m.governor ?? 'not exposed (typical of a VM: the host decides the frequency)'}; load average ${r.environment.noiseStart.loadAverage1m.toFixed(2)} on ${m.logicalCpus} CPUs at start`);
  // A busy process's command line can span lines (python -c '…'): one line per warning here.
  for (const w of r.warnings) body.push(pc.yellow(`warning: ${w.replace(/\s+/g, ' ').slice(0, 160)}`));
  const spread = n ? formatPercent(100 * n.wall.relativeSpread) : '?';
  return section(
    '5. Noise: the spread of 30 samples now',
    body,
    `Right now the same statement varies by ±${spread} (median absolute deviation): report a median with its spread over many short samples, compare versions in the same run, and distrust differences smaller than that.`,
  );
}

function reduction(r: PitfallsResult): string {
  const body: string[] = [];
  for (const c of r.reduction) {
    body.push(`${c.data} ${c.dtype}, n = ${formatCount(c.n)}, exact sum ${c.exact.toPrecision(10)}, condition number ${sci(c.conditionNumber)}`);
    body.push(
      textTable(
        ['method', 'value', 'relative error', 'ulps'],
        c.methods.map((m) => [m.method, m.value.toPrecision(c.dtype === 'float32' ? 9 : 17), sci(m.relativeError), sci(m.ulps)]),
        [false, true, true, true],
      ),
    );
  }
  const f32 = r.reduction.find((c) => c.dtype === 'float32' && c.data === 'cancelling');
  const loop = f32?.methods.find((m) => m.method === 'Python loop');
  const pairwise = f32?.methods.find((m) => m.method.startsWith('np.sum(a) '));
  const detail = loop && pairwise ? ` (float32, cancelling: loop ${sci(loop.ulps)} ulps, np.sum ${sci(pairwise.ulps)} ulps)` : '';
  return section(
    '6. Reduction order',
    body,
    `Summation order changes the result${detail}: a vectorized rewrite of a loop sum will not match it bit for bit, so compare with a tolerance (np.allclose); ` +
      'when terms cancel even pairwise np.sum loses digits, so accumulate float32 in float64 (np.sum(a, dtype=np.float64)) or use math.fsum when they matter.',
  );
}

export function renderPitfalls(r: PitfallsResult): string {
  const parts = [warmup(r), gc(r), clocks(r), resolution(r), noise(r), reduction(r)];
  if (!r.complete) parts.push(pc.yellow(`PARTIAL: ${r.timedOut ? 'stopped by --timeout' : 'interrupted'} before every pitfall was measured`));
  return parts.join('\n\n');
}
