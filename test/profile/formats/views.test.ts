// The three views of a Profile: terminal text, speedscope export, SVG flame graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../testkit/run-cli.js';
import { importSpeedscope } from '../../../src/profile/import/speedscope.js';
import { importPstats } from '../../../src/profile/import/pstats.js';
import { renderProfileText, formatCountHuman } from '../../../src/render/profile-text.js';
import { toSpeedscope } from '../../../src/render/speedscope-export.js';
import { renderFlamegraphSvg, escapeXml } from '../../../src/render/flamegraph.js';
import type { Profile } from '../../../src/profile/model.js';
import { fixtureText, python } from './python.js';

const DIR = join(REPO_ROOT, 'test/fixtures/profile/formats');
const fixture = (name: string): Profile => importSpeedscope(fixtureText(name));
const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex

function cpuProfile(): Profile {
  const bytes = python(
    'import cProfile,sys,io,marshal\n' +
      'def leaf(n):\n    return sum(range(n))\n' +
      'def rec(n):\n    return 0 if n == 0 else rec(n - 1) + leaf(10)\n' +
      'def mid():\n    return [leaf(200) for _ in range(50)] + [rec(30)]\n' +
      'pr = cProfile.Profile(); pr.enable(); mid(); mid(); pr.disable(); pr.create_stats()\n' +
      'sys.stdout.buffer.write(marshal.dumps(pr.stats))',
  );
  return importPstats(bytes);
}

/** Enough of an XML parser to prove well-formedness: balanced tags, quoted attributes, no bare < or &. */
function assertWellFormedXml(xml: string): number {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let elements = 0;
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = token.exec(body)) !== null) {
    pos = token.lastIndex;
    if (m[5] !== undefined) {
      assert.ok(!/&(?!(amp|lt|gt|quot|#39|#\d+);)/.test(m[5]), `bare & in text: ${m[5].slice(0, 60)}`);
      if (stack.length === 0) assert.match(m[5], /^\s*$/, 'text outside the root element');
      continue;
    }
    for (const attr of m[3]!.matchAll(/"([^"]*)"/g)) assert.ok(!/&(?!(amp|lt|gt|quot|#39);)/.test(attr[1]!), `bare & in attribute`);
    if (m[1]) assert.equal(stack.pop(), m[2], `closing </${m[2]}>`);
    else if (!m[4]) stack.push(m[2]!);
    if (!m[1]) elements++;
  }
  assert.equal(pos, body.length, `unparsed XML at ${body.slice(pos, pos + 60)}`);
  assert.deepEqual(stack, [], 'every element closed');
  return elements;
}

test('text: the hot line with its source, split, and the element-loop warning; no colour unless asked', () => {
  const p = fixture('element_loop.speedscope.json');
  const text = renderProfileText(p, { color: false, cwd: DIR });
  assert.match(text, /^ +9\d% +5\d0 ms +5\d +element_loop\.py:8 element_loop +numpy-scalar 7\d% · python 2\d%$/m);
  assert.match(text, /│ total \+= a\[i\] \* 2\.0/);
  assert.match(text, /element_loop\.py:8 spends 7\d% of its samples in NumPy's per-element machinery/);
  assert.match(text, /Functions by cumulative time/);
  assert.match(text, /pass 1 sample/);
  assert.doesNotMatch(text, ANSI);
  assert.match(renderProfileText(p, { color: true, cwd: DIR }), ANSI);
  const one = renderProfileText(p, { color: false, top: 1, sourceSnippets: false, cwd: DIR });
  assert.match(one, /Hot lines \(top 1 of \d+\)/);
  assert.doesNotMatch(one, /│/);
});

test('text: the kernel workload raises no element-loop warning', () => {
  const text = renderProfileText(fixture('kernels.speedscope.json'), { color: false, cwd: DIR });
  assert.match(text, /kernels\.py:11 matmul +kernel 100%/);
  assert.doesNotMatch(text, /per-element machinery/);
});

test('text: meta header, hits, memory table, and a cpu profile explains why it has no lines', () => {
  const p: Profile = {
    version: 1,
    meta: {
      mode: 'auto',
      passes: [
        { mode: 'sample', reason: 'find the hot functions', wallSeconds: 1.5, found: 'loop() 80%' },
        { mode: 'lines', reason: 'loop() is hot', wallSeconds: 2.25, found: '3 lines' },
      ],
      command: ['python3', 'app.py', '--n', '5'],
      python: { executable: '/usr/bin/python3', version: '3.11.7', numpy: '2.4.0' },
      startedAt: '2026-01-01T00:00:00Z',
      durationSeconds: 3.75,
      exitStatus: 3,
    },
    functions: [],
    lines: [{ file: '/w/app.py', line: 7, function: 'loop', time: 0.8, share: 0.8, hits: 2_500_000 }],
    memory: {
      peakTracedBytes: 3 * 2 ** 30,
      peakRssBytes: 4 * 2 ** 30,
      startBytes: 2 ** 20,
      endBytes: 2 ** 21,
      lines: [{ file: '/w/app.py', line: 9, bytesAtPeak: 800 * 2 ** 20, allocatedBytes: 2 ** 30, numpyBytes: 2 ** 29, allocations: 12 }],
    },
  };
  const text = renderProfileText(p, { color: false, cwd: '/w' });
  assert.match(text, /mode auto · Python 3\.11\.7 · NumPy 2\.4\.0 · 3\.75 s · exit 3/);
  assert.match(text, /command: python3 app\.py --n 5/);
  assert.match(text, /pass 2 lines .*2\.25 s +loop\(\) is hot/);
  assert.match(text, /80% +800 ms +2,500,000 +app\.py:7 loop/);
  assert.match(text, /peak traced 3\.00 GiB · peak RSS 4\.00 GiB · start 1\.00 MiB → end 2\.00 MiB \(\+1\.00 MiB\)/);
  assert.match(text, /800 MiB +1\.00 GiB +50% +12 +app\.py:9/);
  assert.match(renderProfileText(cpuProfile(), { color: false }), /No line-level data: cProfile times functions, not lines/);
  const memoryOnly = renderProfileText({ ...p, lines: [] }, { color: false, cwd: '/w' });
  const detailed: Profile = {
    ...p,
    meta: { ...p.meta, stoppedBy: 'timeout' },
    memory: { ...p.memory!, mechanism: 'numpy-handler', peakRssLine: { file: '/w/app.py', line: 9 }, lines: [{ ...p.memory!.lines[0]!, rssGrowthBytes: 3 * 2 ** 20 }] },
  };
  const more = renderProfileText(detailed, { color: false, cwd: '/w' });
  assert.match(more, /stopped at the time limit/);
  assert.match(more, /peak traced 3\.00 GiB \(NumPy buffers\) · peak RSS 4\.00 GiB at app\.py:9/);
  assert.match(more, /RSS growth/);
  assert.match(more, /12 +3\.00 MiB +app\.py:9/);
  const rssOnly = renderProfileText({ ...p, memory: undefined, meta: { ...p.meta, rss: { startBytes: 1, endBytes: 2, peakBytes: 5 * 2 ** 20, peakChildrenBytes: null } } }, { color: false });
  assert.match(rssOnly, /peak RSS 5\.00 MiB/);
  assert.doesNotMatch(memoryOnly, /No line-level data/);
  assert.match(memoryOnly, /Memory\n/);
  assert.equal(formatCountHuman(999), '999');
  assert.equal(formatCountHuman(12_345), '12.3 k');
  assert.equal(formatCountHuman(1_000_000), '1.00 M');
});

test('speedscope export round-trips through the importer: same lines, shares, splits and functions', () => {
  for (const name of ['element_loop.speedscope.json', 'kernels.speedscope.json']) {
    const p = fixture(name);
    const file = toSpeedscope(p);
    assert.equal(file.$schema, 'https://www.speedscope.app/file-format-schema.json');
    assert.equal(file.profiles.length, 1);
    const prof = file.profiles[0]!;
    assert.equal(prof.type, 'sampled');
    assert.equal(prof.samples.length, prof.weights.length);
    for (const s of prof.samples) for (const i of s) assert.ok(i >= 0 && i < file.shared.frames.length);
    const back = importSpeedscope(JSON.stringify(file));
    const pick = (q: Profile) => q.lines.map((l) => [l.file, l.line, l.samples, l.share.toFixed(9), JSON.stringify(l.split)]);
    assert.deepEqual(pick(back), pick(p), name);
    assert.deepEqual(
      back.functions.map((f) => [f.id, f.samples, f.selfSamples]),
      p.functions.map((f) => [f.id, f.samples, f.selfSamples]),
    );
    assert.equal(back.samples!.intervalSeconds, p.samples!.intervalSeconds);
  }
});

test('speedscope export of a cpu profile: self times hung under their callers, total preserved, recursion too', () => {
  const p = cpuProfile();
  const file = toSpeedscope(p);
  const total = file.profiles[0]!.weights.reduce((a, b) => a + b, 0);
  const selfSum = p.functions.reduce((a, f) => a + (f.selfTime ?? 0), 0);
  assert.ok(Math.abs(total - selfSum) < 1e-9 * Math.max(1, selfSum), `${total} vs ${selfSum}`);
  const names = (s: number[]) => s.map((i) => file.shared.frames[i]!.name);
  const leafStacks = file.profiles[0]!.samples.filter((s) => names(s).at(-1) === 'leaf');
  assert.ok(leafStacks.length > 0);
  for (const s of leafStacks) assert.ok(names(s).indexOf('mid') >= 0 && names(s).indexOf('mid') < names(s).indexOf('leaf'), names(s).join(' > '));
  const recStacks = file.profiles[0]!.samples.filter((s) => names(s).includes('rec'));
  assert.ok(recStacks.length > 0);
  for (const s of recStacks) assert.equal(names(s).filter((n) => n === 'rec').length, 1, 'a cycle is cut, not unrolled');
  const back = importSpeedscope(JSON.stringify(file));
  assert.ok(back.functions.some((f) => f.name === 'leaf'));
});

test('flame graph: well-formed SVG, boxes as wide as their samples, tooltips, scalar path in red', () => {
  const p = fixture('element_loop.speedscope.json');
  const svg = renderFlamegraphSvg(p);
  assert.ok(assertWellFormedXml(svg) > 50);
  const total = p.samples!.stacks.reduce((a, s) => a + s.weight, 0);
  const box = (label: string) => {
    const m = new RegExp(`<rect x="[\\d.]+" y="\\d+" width="([\\d.]+)"[^>]*fill="hsl\\((\\d+),[^>]*/><text[^>]*>${label}`).exec(svg);
    assert.ok(m, `box ${label}`);
    return { width: Number(m[1]), hue: Number(m[2]) };
  };
  const all = box('all');
  assert.equal(all.width, 1180);
  const loop = p.functions.find((f) => f.name === 'element_loop')!;
  const loopBoxes = [...svg.matchAll(/<title>element_loop — [^<]*element_loop\.py:\d+\n[^<]*<\/title><rect [^>]*width="([\d.]+)"/g)];
  assert.ok(loopBoxes.length >= 2, 'one box per executing line of the loop');
  const loopWidth = loopBoxes.reduce((a, m) => a + Number(m[1]), 0);
  assert.ok(Math.abs(loopWidth - (1180 * loop.samples!) / total) < 0.05 * loopBoxes.length, `${loopWidth}`);
  const subscript = box('array_subscript');
  assert.ok(subscript.hue >= 356 && subscript.hue <= 366, `array_subscript hue ${subscript.hue}`);
  assert.match(svg, /<title>array_subscript — [^<]*_multiarray_umath[^<]*\n\d+ samples \([\d.]+ ms\), [\d.]+%/);
});

test('flame graph: every string is escaped; a profile without samples still gives a valid SVG', () => {
  const hostile: Profile = {
    version: 1,
    meta: { mode: 'sample', passes: [], command: ['python3', 'a&b.py', '<x>'], startedAt: '', durationSeconds: 0, exitStatus: 0 },
    functions: [],
    lines: [],
    samples: {
      frames: [
        { name: '<lambda> & "quoted" \'x\'', file: '/w/<odd> & dir/a.py', line: 3 },
        { name: 'Foo<int>::bar()', file: '/lib/libx.so', line: 0, native: true },
      ],
      stacks: [{ frames: [0, 1], weight: 4 }],
    },
  };
  const svg = renderFlamegraphSvg(hostile);
  assertWellFormedXml(svg);
  assert.ok(svg.includes(escapeXml('Foo<int>::bar()')));
  assert.ok(!svg.includes('<lambda>') && !svg.includes('<int>'));
  const empty = renderFlamegraphSvg({ ...hostile, samples: undefined });
  assertWellFormedXml(empty);
  assert.match(empty, /no samples to draw/);
  assertWellFormedXml(renderFlamegraphSvg(cpuProfile()));
});
