import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { runMemory, parseMemoryMessage, MEMORY_RAW_FILE } from '../../../src/profile/run/memory.js';
import { VecprofError } from '../../../src/errors.js';
import { fixture, options, pythonWithNumpy, withTemp } from './support.js';
import { REPO_ROOT } from '../../../testkit/run-cli.js';
import type { MemoryStat } from '../../../src/profile/model.js';

const BYTES_TOLERANCE = 0.05;
const N_BIG = 5_000_000; // peak_alloc.py line 13: np.ones(N_BIG) = 40 MB

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= BYTES_TOLERANCE * expected, `${what}: ${actual} bytes, expected ${expected} ± 5 %`);
}

function lineBytes(memory: MemoryStat, script: string, line: number): { atPeak: number; allocated: number; numpy: number } {
  const found = memory.lines.find((l) => l.file === fixture(script) && l.line === line);
  return { atPeak: found?.bytesAtPeak ?? 0, allocated: found?.allocatedBytes ?? 0, numpy: found?.numpyBytes ?? 0 };
}

test('numpy-handler: the peak line and its bytes, the peak, the growth and the peak RSS', async () => {
  await withTemp(async (dir) => {
    const profile = await runMemory({ ...(await options('peak_alloc.py', [String(N_BIG)], { outDir: dir })), mechanism: 'numpy-handler' });
    const memory = profile.memory;
    assert.ok(memory, 'memory section present');
    assert.equal(profile.meta.exitStatus, 0);
    assert.equal(profile.meta.tool, 'vecprof NumPy memory handler');
    const top = memory.lines[0];
    assert.equal(top?.file, fixture('peak_alloc.py'));
    assert.equal(top?.line, 13, 'np.ones line holds the most at the peak');
    near(top?.bytesAtPeak ?? 0, 8 * N_BIG, 'bytes held by the np.ones line at the peak');
    // kept (N/8) + ones (N) + the temporary of line 14 (N/4), all float64.
    const peak = 8 * (N_BIG / 8 + N_BIG + N_BIG / 4);
    near(memory.peakTracedBytes, peak, 'traced peak');
    near(lineBytes(memory, 'peak_alloc.py', 14).atPeak, (8 * N_BIG) / 4, 'temporary of line 14 at the peak');
    near(memory.endBytes - memory.startBytes, N_BIG, 'growth (the array kept on line 12)');
    assert.ok(lineBytes(memory, 'peak_alloc.py', 13).numpy >= 8 * N_BIG, 'NumPy buffers are marked as such');
    assert.ok((memory.peakRssBytes ?? 0) >= 0.9 * 8 * (N_BIG + N_BIG / 4), `peak RSS ${String(memory.peakRssBytes)} below the touched buffers`);
    const blamed = memory.lines.filter((l) => (l.rssGrowthBytes ?? 0) > 0.1 * 8 * N_BIG);
    assert.deepEqual(blamed.map((l) => l.line), [], 'filling a NumPy buffer is not resident growth of Python objects');
    assert.ok(existsSync(join(dir, MEMORY_RAW_FILE)));
  });
});

test('RSS watch: a NumPy free that completes while /proc is read charges nothing to the next line', async () => {
  // The CI flake this pins: the watch read the resident size, the main thread freed 40 MB meanwhile, and the watch then
  // read the smaller ledger, so the freed bytes looked like 40 MB of new Python objects on the line after the `del`.
  const python = await pythonWithNumpy();
  const run = spawnSync(python.command, [fixture('rss_race.py'), join(REPO_ROOT, 'python')], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.status, 0, run.error ? `stopped after 20 s: ${run.error.message}` : run.stderr);
  const result = JSON.parse(run.stdout) as { growth: number; reads: number };
  assert.ok(result.reads >= 8, `the watch ran past the racy read (${result.reads} reads)`);
  assert.equal(result.growth, 0);
});

test('tracemalloc fallback: same peak line and bytes when the peak lasts', async () => {
  const profile = await runMemory({ ...(await options('peak_alloc.py', [String(N_BIG), 'keep'])), mechanism: 'tracemalloc' });
  const memory = profile.memory;
  assert.ok(memory);
  assert.equal(profile.meta.tool, 'tracemalloc');
  assert.equal(memory.lines[0]?.line, 13);
  near(memory.lines[0]?.bytesAtPeak ?? 0, 8 * N_BIG, 'np.ones line at the peak');
  near(lineBytes(memory, 'peak_alloc.py', 13).numpy, 8 * N_BIG, 'domain 389047 bytes of the np.ones line');
  // tracemalloc also traces the interpreter's own objects: the peak is at least the NumPy buffers.
  assert.ok(memory.peakTracedBytes >= 0.95 * 8 * (N_BIG / 8 + N_BIG + N_BIG / 4), `traced peak ${memory.peakTracedBytes}`);
});

test('an element loop allocates no NumPy buffers per element: the later 8 MB buffer is the peak line', async () => {
  const profile = await runMemory(await options('element_memory.py', ['200000']));
  const memory = profile.memory;
  assert.ok(memory);
  const loopLine = lineBytes(memory, 'element_memory.py', 10);
  assert.equal(loopLine.allocated, 0, 'scalars of the loop are not NumPy buffers');
  assert.equal(memory.lines[0]?.line, 11);
  near(memory.lines[0]?.bytesAtPeak ?? 0, 8_000_000, 'np.empty line');
});

test('Python objects: resident growth is charged to the line that built them, apart from NumPy buffers', async () => {
  // Large enough that the list's line spans many RSS samples, so its growth is not left to the next line's sample.
  const n = 3_000_000;
  const profile = await runMemory(await options('py_objects.py', [String(n)]));
  const memory = profile.memory!;
  const byGrowth = [...memory.lines].sort((a, b) => (b.rssGrowthBytes ?? 0) - (a.rssGrowthBytes ?? 0));
  assert.equal(byGrowth[0]?.line, 8);
  // A float object is 24 bytes plus the list's 8-byte slot; the sampled estimate must see most of it.
  const grown = byGrowth[0]?.rssGrowthBytes ?? 0;
  assert.ok(grown >= 0.5 * 32 * n && grown <= 2 * 32 * n, `growth ${grown} bytes for ${32 * n} expected`);
  assert.equal(lineBytes(memory, 'py_objects.py', 7).allocated, 8 * n, 'the arange buffer is traced exactly');
  assert.equal(memory.mechanism, 'numpy-handler');
});

test('a crashing script: memory profile produced and exit status 1', async () => {
  const profile = await runMemory(await options('crash.py', []));
  assert.equal(profile.meta.exitStatus, 1);
  near(lineBytes(profile.memory!, 'crash.py', 4).atPeak, 800_000, 'np.ones(100_000) held at the peak');
});

test('a hanging script stopped by the timeout: memory of what ran', async () => {
  const profile = await runMemory(await options('hang.py', [], { timeoutMs: 1200 }));
  assert.equal(profile.meta.stoppedBy, 'timeout');
  near(lineBytes(profile.memory!, 'hang.py', 4).atPeak, 8_000_000, 'np.zeros line (calloc, never touched)');
});

test('a malformed memory message is a one-line VecprofError', () => {
  assert.throws(() => parseMemoryMessage({ v: 1, type: 'memory', mechanism: 'numpy-handler', lines: [{}] }), VecprofError);
});
