// The speedscope and raw importers, on real py-spy --native recordings of the two truth workloads
// (test/fixtures/profile/formats/{element_loop,kernels}.py, recorded at 100 Hz on CPython 3.11 + NumPy 2.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../testkit/run-cli.js';
import { importSpeedscope } from '../../../src/profile/import/speedscope.js';
import { importPySpyRaw, parseCollapsedFrame } from '../../../src/profile/import/pyspy-raw.js';
import { VecprofError } from '../../../src/errors.js';
import type { Profile } from '../../../src/profile/model.js';
import { seeded } from './python.js';

const DIR = join(REPO_ROOT, 'test/fixtures/profile/formats');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');

const base = (f: string): string => f.slice(f.lastIndexOf('/') + 1);
const userLines = (p: Profile) => p.lines.filter((l) => (l.samples ?? 0) >= 5);

for (const format of ['speedscope.json', 'raw.txt'] as const) {
  const load = (name: string): Profile =>
    format === 'raw.txt' ? importPySpyRaw(read(`${name}.${format}`)) : importSpeedscope(read(`${name}.${format}`));

  test(`${format}: the element loop's body is the hot line, and its split is NumPy's scalar path`, () => {
    const p = load('element_loop');
    const hot = p.lines[0]!;
    assert.equal(base(hot.file), 'element_loop.py');
    assert.equal(hot.line, 8);
    assert.equal(hot.function, 'element_loop');
    assert.ok(hot.share > 0.8, `share ${hot.share}`);
    assert.ok(hot.split!.numpyScalar > 0.6, `numpyScalar ${hot.split!.numpyScalar}`);
    assert.equal(hot.split!.nativeKernel, 0);
    const sum = Object.values(hot.split!).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-9);
    const total = p.samples!.stacks.reduce((a, s) => a + s.weight, 0);
    assert.equal(hot.samples, Math.round(hot.share * total));
  });

  test(`${format}: in the kernel workload no line is blamed on the scalar path`, () => {
    const p = load('kernels');
    const lines = userLines(p);
    assert.ok(lines.length >= 3);
    for (const l of lines) {
      assert.equal(base(l.file), 'kernels.py');
      assert.ok(l.split!.numpyScalar < 0.1, `${l.line}: numpyScalar ${l.split!.numpyScalar}`);
    }
    const top = lines.slice(0, 3);
    for (const l of top) assert.ok(l.split!.nativeKernel > 0.9, `${l.line}: nativeKernel ${l.split!.nativeKernel}`);
    assert.ok(top.some((l) => l.line === 11), 'the matmul line is among the hottest');
  });

  test(`${format}: functions are the Python functions, keyed by their def line, native code left out`, () => {
    const p = load('element_loop');
    const loop = p.functions.find((f) => f.name === 'element_loop')!;
    assert.ok(loop, 'element_loop is a function');
    assert.equal(loop.selfSamples, loop.samples, 'it calls no Python function');
    const main = p.functions.find((f) => f.name === 'main')!;
    assert.ok(main.samples! >= loop.samples!, 'inclusive samples include the callee');
    assert.ok(p.functions.every((f) => !/\.so|^0x/.test(f.file + f.name)), 'no native frame among functions');
    for (const f of p.functions) assert.equal(f.id, `${f.file}:${f.line}:${f.name}`);
  });
}

test('speedscope: times come from the interval, and the def line from the source when it can be read', () => {
  const p = importSpeedscope(read('element_loop.speedscope.json'), {
    readSource: (file) => (base(file) === 'element_loop.py' ? read('element_loop.py') : undefined),
  });
  assert.equal(p.samples!.intervalSeconds, 0.01);
  const hot = p.lines[0]!;
  assert.ok(Math.abs(hot.time! - hot.samples! * 0.01) < 1e-9);
  const loop = p.functions.find((f) => f.name === 'element_loop')!;
  assert.equal(loop.line, 5, 'def element_loop(a): is line 5');
  assert.equal(p.functions.find((f) => f.name === '<module>' && base(f.file) === 'element_loop.py')!.line, 1);
  assert.equal(p.meta.tool, 'py-spy@0.4.2');
  assert.ok(p.meta.durationSeconds > 0.5);
});

test('speedscope: threads are merged, and an evented profile becomes weighted stacks', () => {
  const doc = {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: {
      frames: [
        { name: 'main', file: '/w/app.py', line: 3 },
        { name: 'work', file: '/w/app.py', line: 9 },
      ],
    },
    profiles: [
      { type: 'sampled', name: 'a', unit: 'seconds', startValue: 0, endValue: 0.3, samples: [[0, 1], [0, 1], [0]], weights: [0.1, 0.1, 0.1] },
      { type: 'sampled', name: 'b', unit: 'seconds', startValue: 0, endValue: 0.1, samples: [[0, 1]], weights: [0.1] },
      {
        type: 'evented',
        name: 'c',
        unit: 'seconds',
        startValue: 0,
        endValue: 0.4,
        events: [
          { type: 'O', frame: 0, at: 0 },
          { type: 'O', frame: 1, at: 0.1 },
          { type: 'C', frame: 1, at: 0.3 },
          { type: 'C', frame: 0, at: 0.4 },
        ],
      },
    ],
  };
  const p = importSpeedscope(JSON.stringify(doc));
  const work = p.lines.find((l) => l.line === 9)!;
  const main = p.lines.find((l) => l.line === 3)!;
  assert.equal(work.samples, 5, '3 sampled + 2 evented intervals of 0.1 s');
  assert.equal(main.samples, 3);
  assert.equal(p.meta.durationSeconds, 0.4);
});

test('raw: frame text is parsed from the right; counts from the last space', () => {
  assert.deepEqual(parseCollapsedFrame('<lambda> (my dir/a (b).py:12)'), { name: '<lambda>', file: 'my dir/a (b).py', line: 12, native: false });
  assert.deepEqual(parseCollapsedFrame('operator() (libfoo.so)'), { name: 'operator()', file: 'libfoo.so', line: 0, native: true });
  assert.deepEqual(parseCollapsedFrame('ns::(anonymous namespace)::run (libx.so.1)'), {
    name: 'ns::(anonymous namespace)::run',
    file: 'libx.so.1',
    line: 0,
    native: true,
  });
  const p = importPySpyRaw('main (app.py:3);work (app.py:9) 7\nmain (app.py:3) 3\n', { intervalSeconds: 0.005 });
  assert.equal(p.lines[0]!.split, undefined, 'no native frames recorded: the split is unknown, not all Python');
  // py-spy writes " 1" for a sample with no Python frame: it counts in the total, on no line
  const idle = importPySpyRaw(' 2\nmain (app.py:3) 6\n');
  assert.deepEqual(idle.lines.map((l) => [l.line, l.share]), [[3, 0.75]]);
  assert.deepEqual(
    p.lines.map((l) => [l.line, l.samples, l.share, l.time]),
    [
      [9, 7, 0.7, 0.035],
      [3, 3, 0.3, 0.015],
    ],
  );
});

test('damaged speedscope and raw files are one-line VecprofErrors naming the file, never crashes', () => {
  const text = read('kernels.speedscope.json');
  const rand = seeded(3);
  for (let i = 0; i < 60; i++) {
    const cut = Math.floor(rand() * text.length);
    assert.throws(() => importSpeedscope(text.slice(0, cut), { source: 'k.json' }), (err: unknown) => {
      return err instanceof VecprofError && /^k\.json is not a valid speedscope file: /.test(err.message) && !err.message.includes('\n');
    });
  }
  assert.throws(
    () => importSpeedscope(text.replace(/"samples": ?\[\[/, '"samples":[[99999,'), { source: 'k.json' }),
    /refers to frame 99999, but there are \d+ frames/,
  );
  const raw = read('kernels.raw.txt');
  for (let i = 0; i < 60; i++) {
    const cut = Math.floor(rand() * raw.length);
    const piece = raw.slice(0, cut);
    // A cut that ends exactly at a line end or inside the final count is still a valid (shorter) file.
    try {
      importPySpyRaw(piece, { source: 'k.txt' });
    } catch (err) {
      assert.ok(err instanceof VecprofError && /^k\.txt (line \d+ is not a collapsed stack|holds no samples)/.test(err.message), String(err));
    }
  }
  assert.throws(() => importPySpyRaw(raw.slice(0, raw.indexOf(' (') + 5), { source: 'k.txt' }), /k\.txt line 1 is not a collapsed stack/);
});

test('speedscope: py-spy --subprocesses profiles of several processes merge into one set of lines', () => {
  const text = read('multiprocess.speedscope.json');
  const doc = JSON.parse(text) as { profiles: Array<{ name: string; weights: number[] }> };
  const processes = new Set(doc.profiles.map((p) => p.name.split(' ')[1]));
  assert.ok(processes.size >= 3, 'the parent and two pool workers');
  const p = importSpeedscope(text);
  const total = doc.profiles.reduce((a, q) => a + q.weights.length, 0);
  assert.equal(p.samples!.stacks.reduce((a, s) => a + s.weight, 0), total);
  const hot = p.lines[0]!;
  assert.equal(base(hot.file), 'multiprocess.py');
  assert.equal(hot.line, 9, 'the loop body, which only the workers ran');
  assert.ok(hot.split!.numpyScalar > 0.5);
});

test('byte flips in speedscope and raw files give a Profile or a VecprofError, never another exception', () => {
  const rand = seeded(11);
  const cases: Array<[string, (t: string) => unknown]> = [
    ['element_loop.speedscope.json', (t) => importSpeedscope(t)],
    ['kernels.raw.txt', (t) => importPySpyRaw(t)],
  ];
  for (const [name, parse] of cases) {
    const text = read(name);
    const alphabet = '0123456789-.,:;[]{}"() \nabcxyz';
    for (let i = 0; i < 300; i++) {
      const chars = [...text];
      for (let f = 0; f < 3; f++) chars[Math.floor(rand() * chars.length)] = alphabet[Math.floor(rand() * alphabet.length)]!;
      try {
        parse(chars.join(''));
      } catch (err) {
        assert.ok(err instanceof VecprofError, `${name}: ${String(err)}`);
      }
    }
  }
});
