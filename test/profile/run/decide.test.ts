// auto mode's decisions and the merge of passes, on hand-made profiles (no Python).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hotFunctions, memoryVerdict } from '../../../src/profile/auto.js';
import { mergeLines, mergePasses } from '../../../src/profile/merge.js';
import { withoutLauncherFrames } from '../../../src/profile/run/cprofile.js';
import { permissionDenied } from '../../../src/profile/run/pyspy.js';
import type { FunctionStat, LineStat, Profile, ProfileMode } from '../../../src/profile/model.js';
import { PYTHON_HELPERS_DIR } from '../../../src/paths.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

function profile(mode: ProfileMode, parts: Partial<Profile> = {}, meta: Partial<Profile['meta']> = {}): Profile {
  return {
    version: 1,
    meta: {
      mode,
      passes: [{ mode, reason: `--mode ${mode}`, wallSeconds: 1, found: `${mode} found` }],
      command: ['s.py'],
      startedAt: '2026-01-01T00:00:00.000Z',
      durationSeconds: 1,
      exitStatus: 0,
      ...meta,
    },
    functions: [],
    lines: [],
    ...parts,
  };
}

const line = (file: string, n: number, fn: string, share: number, extra: Partial<LineStat> = {}): LineStat => ({ file, line: n, function: fn, share, ...extra });

test('hot functions from samples: shares of blamed lines summed per function, library code left out, small ones dropped', () => {
  const p = profile('sample', {
    lines: [
      line('/u/s.py', 10, 'loop', 0.5),
      line('/u/s.py', 11, 'loop', 0.2),
      line('/u/s.py', 30, '<module>', 0.1),
      line('/u/s.py', 40, 'tiny', 0.03),
      line('/usr/lib/python3.11/site-packages/numpy/core/x.py', 5, 'helper', 0.15),
    ],
  });
  const hot = hotFunctions(p);
  assert.deepEqual(
    hot.map((h) => [h.name, +h.share.toFixed(2), h.spec]),
    [
      ['loop', 0.7, '/u/s.py:loop'],
      ['<module>', 0.1, '/u/s.py:<module>'],
    ],
  );
});

test('hot functions from cProfile: own time plus the library and C calls made directly', () => {
  const fn = (id: string, file: string, name: string, selfTime: number, callers: FunctionStat['callers'] = []): FunctionStat => ({ id, file, line: 1, name, selfTime, totalTime: selfTime, callers });
  const p = profile('cpu', {
    functions: [
      fn('/u/s.py:1:work', '/u/s.py', 'work', 0.1),
      fn('/u/s.py:9:idle', '/u/s.py', 'idle', 0.01),
      fn('~:0:<built-in method numpy.dot>', '~', '<built-in method numpy.dot>', 0.6, [{ id: '/u/s.py:1:work', calls: 3, totalTime: 0.6 }]),
    ],
  }, { durationSeconds: 1 });
  const hot = hotFunctions(p);
  assert.equal(hot.length, 1);
  assert.equal(hot[0]!.name, 'work');
  assert.ok(Math.abs(hot[0]!.share - 0.7) < 1e-9);
});

test('memory pass: runs for a large peak or a large growth, not for a small steady program', () => {
  const ram = 16 * GiB;
  assert.equal(memoryVerdict({ startBytes: 20 * MiB, endBytes: 30 * MiB, peakBytes: 40 * MiB, peakChildrenBytes: 0 }, ram).run, false);
  assert.equal(memoryVerdict({ startBytes: 20 * MiB, endBytes: 30 * MiB, peakBytes: 2 * GiB, peakChildrenBytes: 0 }, ram).run, true);
  assert.equal(memoryVerdict({ startBytes: 20 * MiB, endBytes: 30 * MiB, peakBytes: 300 * MiB, peakChildrenBytes: 0 }, 2 * GiB).run, true, '>10 % of a small machine');
  assert.equal(memoryVerdict({ startBytes: 20 * MiB, endBytes: 900 * MiB, peakBytes: 900 * MiB, peakChildrenBytes: 0 }, ram).run, true, 'grew and held');
  assert.equal(memoryVerdict({ startBytes: 20 * MiB, endBytes: 30 * MiB, peakBytes: 30 * MiB, peakChildrenBytes: 1.5 * GiB }, ram).run, true, 'a child peaked');
  const unknown = memoryVerdict(undefined, ram);
  assert.equal(unknown.run, false);
  assert.match(unknown.reason, /unknown/);
});

test('merged lines keep the traced time and hits and gain the sampled split; sampled-only lines stay', () => {
  const split = { python: 0.2, numpyScalar: 0.8, nativeKernel: 0, otherNative: 0 };
  const merged = mergeLines(
    [line('/u/s.py', 10, 'loop', 0.6, { hits: 5000, time: 0.6 }), line('/u/s.py', 12, 'loop', 0.1, { hits: 1, time: 0.1 })],
    [line('/u/s.py', 10, 'loop', 0.55, { samples: 55, split }), line('/u/t.py', 3, 'other', 0.3, { samples: 30 })],
  );
  assert.deepEqual(
    merged.map((l) => [l.file, l.line, l.share, l.hits, l.samples]),
    [
      ['/u/s.py', 10, 0.6, 5000, 55],
      ['/u/t.py', 3, 0.3, undefined, 30],
      ['/u/s.py', 12, 0.1, 1, undefined],
    ],
  );
  assert.deepEqual(merged[0]!.split, split);
});

test('mergePasses: auto mode, every pass listed, the first pass is the reference run, memory and samples carried over', () => {
  const samples = { frames: [{ name: 'loop', file: '/u/s.py', line: 10 }], stacks: [{ frames: [0], weight: 3 }] };
  const memory = { peakTracedBytes: 10, startBytes: 0, endBytes: 0, lines: [] };
  const merged = mergePasses([
    profile('sample', { samples, lines: [line('/u/s.py', 10, 'loop', 0.5, { samples: 3 })], functions: [{ id: 'a', file: '/u/s.py', line: 9, name: 'loop', samples: 3 }] }, { durationSeconds: 2, tool: 'py-spy' }),
    profile('lines', { lines: [line('/u/s.py', 10, 'loop', 0.7, { hits: 9 })], functions: [{ id: 'a', file: '/u/s.py', line: 9, name: 'loop', calls: 1 }] }, { durationSeconds: 5, tool: 'tracer' }),
    profile('memory', { memory }, { durationSeconds: 9 }),
  ]);
  assert.equal(merged.meta.mode, 'auto');
  assert.deepEqual(merged.meta.passes.map((p) => p.mode), ['sample', 'lines', 'memory']);
  assert.equal(merged.meta.durationSeconds, 2);
  assert.equal(merged.meta.tool, 'py-spy + tracer');
  assert.deepEqual(merged.samples, samples);
  assert.deepEqual(merged.memory, memory);
  assert.deepEqual(merged.lines.map((l) => [l.hits, l.samples]), [[9, 3]]);
  assert.deepEqual(merged.functions.map((f) => [f.samples, f.calls]), [[3, 1]]);
});

test("the launcher's own frames, exec() and the profiler switch are removed from a cProfile table", () => {
  const launcher = `${PYTHON_HELPERS_DIR}/vecprof_run.py:120:<lambda>`;
  const functions: FunctionStat[] = [
    { id: launcher, file: `${PYTHON_HELPERS_DIR}/vecprof_run.py`, line: 120, name: '<lambda>' },
    { id: '~:0:<built-in method builtins.exec>', file: '~', line: 0, name: '<built-in method builtins.exec>', callers: [{ id: launcher, calls: 1, totalTime: 1 }] },
    { id: "~:0:<method 'disable' of '_lsprof.Profiler' objects>", file: '~', line: 0, name: "<method 'disable' of '_lsprof.Profiler' objects>" },
    { id: '/u/s.py:1:<module>', file: '/u/s.py', line: 1, name: '<module>', callers: [{ id: '~:0:<built-in method builtins.exec>', calls: 1, totalTime: 1 }] },
    { id: '~:0:<built-in method builtins.exec>x', file: '~', line: 0, name: '<built-in method builtins.len>', callers: [{ id: '/u/s.py:1:<module>', calls: 2, totalTime: 0 }] },
  ];
  const kept = withoutLauncherFrames(functions);
  assert.deepEqual(kept.map((f) => f.name), ['<module>', '<built-in method builtins.len>']);
  assert.deepEqual(kept[0]!.callers, []);
});

test('py-spy refusals that mean "ptrace denied" are told apart from other failures', () => {
  assert.equal(permissionDenied('Error: Failed to attach to process: Operation not permitted (os error 1)'), true);
  assert.equal(permissionDenied('Error: Permission denied (os error 13)'), true);
  assert.equal(permissionDenied('Error: No python processes found in process 25883 or any of its subprocesses'), false);
  assert.equal(permissionDenied('Error: Failed to get process executable name (os error 2)'), false);
  assert.equal(permissionDenied('Error: something (os error 11)'), false);
});
