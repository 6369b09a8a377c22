// Grafting a low-rate native recording onto a full-rate Python-only one (sample mode's two samplers), checked on the
// real py-spy --native recordings of the truth workloads: stripping their native frames gives the Python-only
// recording py-spy would have made, so grafting the original back must give the original's lines and splits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../testkit/run-cli.js';
import { adoptSplits, graftNative, nativeTails, settleCounts } from '../../../src/profile/graft.js';
import { importSpeedscope } from '../../../src/profile/import/speedscope.js';
import { profileFromStacks } from '../../../src/profile/import/stacks.js';
import { isNativeFrame } from '../../../src/profile/split.js';
import type { LineStat, Profile, SampleStacks } from '../../../src/profile/model.js';

const DIR = join(REPO_ROOT, 'test/fixtures/profile/formats');
const recording = (name: string): SampleStacks => importSpeedscope(readFileSync(join(DIR, `${name}.speedscope.json`), 'utf8')).samples!;

/** What py-spy without --native records of the same samples: the Python frames only. */
function pythonOnly(s: SampleStacks): SampleStacks {
  return { ...s, stacks: s.stacks.map((st) => ({ frames: st.frames.filter((i) => !isNativeFrame(s.frames[i]!)), weight: st.weight })).filter((st) => st.frames.length > 0) };
}

/** Samples that caught no Python frame (the interpreter shutting down) are not in a Python-only recording either. */
function withPythonFrame(s: SampleStacks): SampleStacks {
  return { ...s, stacks: s.stacks.filter((st) => st.frames.some((i) => !isNativeFrame(s.frames[i]!))) };
}

/** Every k-th stack, one sample each: a lower-rate recording of the same run. */
function everyKth(s: SampleStacks, k: number): SampleStacks {
  const one: SampleStacks['stacks'] = [];
  for (const st of s.stacks) for (let i = 0; i < st.weight; i++) one.push({ frames: st.frames, weight: 1 });
  return { ...s, stacks: one.filter((_, i) => i % k === 0) };
}

function combined(full: SampleStacks, native: SampleStacks): Profile {
  const g = graftNative(full, native);
  const p = profileFromStacks(g.all, { tool: 'test' });
  adoptSplits(p.lines, profileFromStacks(g.withNative, { tool: 'test' }).lines);
  settleCounts(p);
  return p;
}

const key = (l: LineStat): string => `${l.file}:${l.line}`;

for (const name of ['element_loop', 'kernels'] as const) {
  test(`${name}: grafting a recording onto its own Python frames gives back its lines, shares and splits`, () => {
    const original = withPythonFrame(recording(name));
    const expected = profileFromStacks(original, { tool: 'test' });
    const p = combined(pythonOnly(original), original);
    assert.equal(p.lines.length, expected.lines.length);
    const byKey = new Map(expected.lines.map((l) => [key(l), l]));
    for (const l of p.lines) {
      const e = byKey.get(key(l));
      assert.ok(e, `unexpected line ${key(l)}`);
      assert.ok(Math.abs(l.share - e.share) < 1e-9, `${key(l)} share ${l.share} vs ${e.share}`);
      assert.equal(l.samples, e.samples, `${key(l)} samples are whole counts again`);
      if (e.split === undefined) continue;
      assert.ok(l.split, `${key(l)} has its split`);
      for (const k of ['python', 'numpyScalar', 'nativeKernel', 'otherNative'] as const) {
        // Per leaf frame rather than per stack: equal wherever one leaf line sits under one caller, as here.
        assert.ok(Math.abs(l.split[k] - e.split[k]) < 0.02, `${key(l)} ${k} ${l.split[k]} vs ${e.split[k]}`);
      }
    }
    const weight = (s: SampleStacks): number => s.stacks.reduce((a, st) => a + st.weight, 0);
    assert.ok(Math.abs(weight(p.samples!) - weight(original)) < 1e-6, 'grafting keeps every sample, no more');
    assert.ok(p.samples!.frames.some((f) => isNativeFrame(f)), 'the flame graph has its native frames back');
  });
}

test('a quarter-rate native recording gives the hot line nearly the same split; shares stay the full-rate ones', () => {
  const original = recording('element_loop');
  const full = pythonOnly(original);
  const p = combined(full, everyKth(original, 4));
  const alone = profileFromStacks(full, { tool: 'test' });
  assert.deepEqual(p.lines.map(key), alone.lines.map(key));
  for (const [i, l] of p.lines.entries()) assert.ok(Math.abs(l.share - alone.lines[i]!.share) < 1e-9, `${key(l)} share`);
  const hot = p.lines[0]!;
  const truth = profileFromStacks(original, { tool: 'test' }).lines[0]!;
  assert.equal(key(hot), key(truth));
  assert.ok(Math.abs(hot.split!.numpyScalar - truth.split!.numpyScalar) < 0.1, `${hot.split!.numpyScalar} vs ${truth.split!.numpyScalar}`);
});

test('a line whose leaf the native recording never saw has no split, rather than an all-Python one', () => {
  const original = recording('element_loop');
  const full = pythonOnly(original);
  const [hot, missed] = profileFromStacks(original, { tool: 'test' }).lines;
  assert.ok(hot && missed);
  // A native recording that caught every line but the second.
  const native: SampleStacks = {
    ...original,
    stacks: original.stacks.filter((st) => {
      const leaf = [...st.frames].reverse().map((i) => original.frames[i]!).find((f) => !isNativeFrame(f));
      return !(leaf && leaf.file === missed.file && leaf.line === missed.line);
    }),
  };
  const p = combined(full, native);
  assert.equal(p.lines.find((l) => key(l) === key(missed))!.split, undefined);
  assert.ok(p.lines.find((l) => key(l) === key(hot))!.split, 'the hot line keeps its split');
  assert.ok(Math.abs(p.lines.find((l) => key(l) === key(missed))!.share - missed.share) < 1e-9, 'and the missed line its share');
});

test('native tails are grouped by leaf frame with their weights; stacks without a Python frame are left out', () => {
  const frames = [
    { name: 'f', file: '/u/a.py', line: 3 },
    { name: 'array_subscript', file: '/x/_multiarray_umath.so', line: 0 },
    { name: 'DOUBLE_add', file: '/x/_multiarray_umath.so', line: 0 },
    { name: 'start_thread', file: '/lib/libc.so.6', line: 0 },
  ];
  const tails = nativeTails({
    frames,
    stacks: [
      { frames: [0, 1], weight: 3 },
      { frames: [0, 2], weight: 1 },
      { frames: [0], weight: 2 },
      { frames: [3], weight: 5 },
    ],
  });
  assert.equal(tails.size, 1);
  const f = [...tails.values()][0]!;
  assert.equal(f.total, 6);
  assert.deepEqual(
    f.tails.map((t) => [t.frames.map((x) => x.name), t.weight]),
    [[['array_subscript'], 3], [['DOUBLE_add'], 1], [[], 2]],
  );
});
