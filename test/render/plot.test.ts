import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { REPO_ROOT } from '../../testkit/run-cli.js';
import { renderSweepSvg, svgToPng, writeSweepPlot, type SweepPlotSpec } from '../../src/render/plot.js';
import { formatBytes, formatRatio, formatSeconds, formatPowerOfTwo, logTicks, minorLogTicks } from '../../src/render/plot-units.js';
import { layoutMarkerLabels } from '../../src/render/plot-legend.js';
import { escapeXml, fitText, textWidth } from '../../src/render/plot-svg.js';
import { VecprofError } from '../../src/errors.js';
import { setLogLevel } from '../../src/log.js';

setLogLevel('silent'); // the skipped-point warnings are expected here

const SAMPLE = join(REPO_ROOT, 'test', 'fixtures', 'render', 'sum-sweep.json');
const sample = (): SweepPlotSpec => JSON.parse(readFileSync(SAMPLE, 'utf8')) as SweepPlotSpec;

/**
 * A strict XML well-formedness check (what a browser's XML parser and resvg demand): balanced tags, quoted and
 * unique attributes, no raw '<' or stray '&' in text or attributes, no characters XML forbids, one root element.
 */
function assertWellFormedXml(xml: string): void {
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/, 'no control characters');
  const entity = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  const checkText = (text: string, where: number): void => {
    for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
      assert.match(text.slice(i, i + 12), entity, `bad entity near offset ${where + i}`);
    }
  };
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = lt === -1 ? xml.slice(i) : xml.slice(i, lt);
    checkText(text, i);
    if (stack.length === 0) assert.equal(text.trim(), '', `text outside the root at ${i}`);
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      i = xml.indexOf('-->', lt) + 3;
      assert.ok(i > 2, 'unterminated comment');
      continue;
    }
    const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(xml.slice(lt));
    if (close) {
      assert.equal(stack.pop(), close[1], `mismatched </${close[1]}> at ${lt}`);
      i = lt + close[0].length;
      continue;
    }
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(xml.slice(lt));
    assert.ok(open, `malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const names = [...open[2]!.matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map((m) => {
      checkText(m[2] ?? m[3] ?? '', lt);
      return m[1]!;
    });
    assert.equal(new Set(names).size, names.length, `duplicate attribute in <${open[1]}> at ${lt}`);
    if (stack.length === 0) roots++;
    if (open[3] !== '/') stack.push(open[1]!);
    i = lt + open[0].length;
  }
  assert.deepEqual(stack, [], 'every element closed');
  assert.equal(roots, 1, 'exactly one root element');
}

function parseSvg(svg: string): Document {
  return new DOMParser().parseFromString(svg, 'image/svg+xml') as unknown as Document;
}

function texts(doc: Document): string[] {
  return [...doc.querySelectorAll('text')].map((t) => t.textContent ?? '');
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

test('the sample sweep is one well-formed standalone SVG', () => {
  const svg = renderSweepSvg(sample());
  assertWellFormedXml(svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="760" height="640" viewBox="0 0 760 640"/);
  const doc = parseSvg(svg);
  assert.equal(doc.querySelectorAll('svg > title').length, 1);
  assert.equal(doc.querySelectorAll('.vp-panel-main').length, 1);
  assert.equal(doc.querySelectorAll('.vp-panel-ratio').length, 1);
});

test('each series draws one symbol per point, measured solid and extrapolated dashed and hollow', () => {
  const doc = parseSvg(renderSweepSvg(sample()));
  const count = (selector: string): number => doc.querySelectorAll(`${selector} > path, ${selector} > circle`).length;
  // Loop: 2^4 … 2^20 measured (17 points), 2^21 … 2^24 extrapolated (4); NumPy: 21 measured.
  assert.equal(count('.vp-series-0.vp-points'), 17);
  assert.equal(count('.vp-series-0.vp-points-extrapolated'), 4);
  assert.equal(count('.vp-series-1.vp-points'), 21);
  assert.equal(count('.vp-series-1.vp-points-extrapolated'), 0);
  assert.equal(doc.querySelectorAll('.vp-series-0.vp-line').length, 1);
  assert.equal(doc.querySelectorAll('.vp-series-0.vp-line-extrapolated').length, 1);
  assert.match(doc.querySelector('.vp-series-0.vp-line-extrapolated')?.getAttribute('stroke-dasharray') ?? '', /\d/);
  assert.equal(doc.querySelector('.vp-series-0.vp-points-extrapolated')?.getAttribute('fill'), 'white');
  assert.equal(doc.querySelectorAll('.vp-series-0.vp-band, .vp-series-1.vp-band').length, 2);
  assert.equal(count('.vp-ratio.vp-points') + count('.vp-ratio.vp-points-extrapolated'), 21);
  assert.ok(texts(doc).includes('Python loop: for x in a: total += x (extrapolated)'), 'legend names the extrapolation');
  assert.ok(texts(doc).includes('95% CI of the median'), 'legend names the band');
});

test('ticks read in human units: seconds, ratios and powers of two', () => {
  const all = texts(parseSvg(renderSweepSvg(sample())));
  for (const label of ['1 µs', '10 µs', '100 µs', '1 ms', '10 ms', '100 ms', '1 s', '1×', '10×', '2¹⁰', '2²⁰']) {
    assert.ok(all.includes(label), `tick ${label} in ${JSON.stringify(all)}`);
  }
  assert.ok(all.includes('time per call') && all.includes('loop / NumPy') && all.includes('array size (elements)'));
  assert.ok(all.includes('break-even (1×)'));
});

test('memory plots tick in binary units; non-power-of-two sizes tick in decimals', () => {
  const n = [10, 30, 100, 300, 1000, 3000];
  const all = texts(
    parseSvg(
      renderSweepSvg({
        title: 'memory',
        xLabel: 'N',
        yLabel: 'peak memory',
        yUnit: 'bytes',
        series: [{ name: 'broadcast', points: n.map((x) => ({ x, y: 24 * x * x })) }],
      }),
    ),
  );
  assert.ok(all.some((t) => /^\d+ KiB$/.test(t)), JSON.stringify(all));
  assert.ok(all.some((t) => /^\d+ MiB$/.test(t)), JSON.stringify(all));
  assert.ok(all.includes('100') && all.includes('1k'), JSON.stringify(all));
});

test('small power-of-two sweeps tick as plain numbers, not exponents', () => {
  const all = texts(
    parseSvg(renderSweepSvg({ title: 't', xLabel: 'n', yLabel: 'y', yUnit: 'ratio', series: [{ name: 'a', points: [1, 2, 4, 8].map((x) => ({ x, y: x })) }] })),
  );
  for (const label of ['1', '2', '4', '8']) assert.ok(all.includes(label), `${label} in ${JSON.stringify(all)}`);
  assert.ok(!all.some((t) => t.startsWith('2⁰') || t.startsWith('2³')));
});

test('a crowd of markers still gets every label', () => {
  const markers = Array.from({ length: 12 }, (_, i) => ({ x: 1 + i * 0.5, label: `marker ${i}` }));
  const all = texts(parseSvg(renderSweepSvg({ title: 't', xLabel: 'n', yLabel: 'y', yUnit: 'ratio', series: [{ name: 'a', points: [{ x: 1, y: 1 }, { x: 8, y: 2 }] }], markers })));
  for (const m of markers) assert.ok(all.includes(m.label), m.label);
});

test('markers are ruled on both panels and labelled once; those outside the sizes are left out', () => {
  const spec = sample();
  spec.markers!.push({ x: 1e12, label: 'far away', kind: 'other' });
  const doc = parseSvg(renderSweepSvg(spec));
  const all = texts(doc);
  for (const label of ['L1d 48 KiB', 'L2 1 MiB', 'L3 32 MiB', 'crossover ≈ 21']) {
    assert.equal(all.filter((t) => t === label).length, 1, label);
  }
  assert.ok(!all.includes('far away'));
  assert.equal(doc.querySelectorAll('.vp-panel-main .vp-marker-cache > line').length, 3);
  assert.equal(doc.querySelectorAll('.vp-panel-ratio .vp-marker-cache > line').length, 3);
  assert.equal(doc.querySelectorAll('.vp-panel-ratio .vp-marker-crossover > line').length, 1);
});

test('marker labels that crowd each other are moved apart', () => {
  const markers = [
    { x: 100, label: 'L2 1 MiB', kind: 'cache' as const },
    { x: 105, label: 'crossover ≈ 105', kind: 'crossover' as const },
    { x: 110, label: 'LLC 32 MiB', kind: 'cache' as const },
  ];
  const placed = layoutMarkerLabels(markers, (x) => 300 + (x - 100) * 3, 0, 700);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg">${placed.render(0, 100)}</svg>`;
  const boxes = [...parseSvg(svg).querySelectorAll('text')].map((t) => {
    const x = Number(t.getAttribute('x'));
    const w = textWidth(t.textContent ?? '', 10.5);
    const start = t.getAttribute('text-anchor') === 'end' ? x - w : x;
    return { start, end: start + w, y: Number(t.getAttribute('y')) };
  });
  assert.equal(boxes.length, 3);
  for (const a of boxes) {
    for (const b of boxes) {
      if (a !== b && a.y === b.y) assert.ok(a.end <= b.start || b.end <= a.start, `labels overlap: ${JSON.stringify([a, b])}`);
    }
  }
  assert.ok(placed.height > 0);
});

test('hostile text is escaped everywhere and the SVG stays well-formed', () => {
  const evil = '</svg><script>alert("x")</script>&amp;\u0001\uD800';
  const svg = renderSweepSvg({
    title: evil,
    subtitle: evil,
    xLabel: evil,
    yLabel: evil,
    yUnit: 'seconds',
    series: [{ name: evil, points: [{ x: 1, y: 1 }, { x: 2, y: 2 }] }],
    ratio: { label: evil, points: [{ x: 1, y: 2 }], reference: 1, referenceLabel: evil },
    markers: [{ x: 1.5, label: evil }],
    bandLabel: evil,
  });
  assertWellFormedXml(svg);
  assert.doesNotMatch(svg, /<script/i);
  assert.match(svg, /&lt;\/svg&gt;&lt;script&gt;/);
  assert.equal(parseSvg(svg).querySelectorAll('script').length, 0);
  assert.equal(pngSize(svgToPng(svg, { width: 200 })).width, 200, 'resvg, a strict XML parser, accepts it');
});

test('points a log axis cannot show are skipped; an empty series is named in the legend', () => {
  const doc = parseSvg(
    renderSweepSvg({
      title: 'gaps',
      xLabel: 'n',
      yLabel: 't',
      yUnit: 'seconds',
      series: [
        { name: 'holes', points: [{ x: 1, y: 1e-3 }, { x: 2, y: Number.NaN }, { x: 0, y: 1 }, { x: 4, y: 0 }, { x: 8, y: -1 }, { x: 16, y: 2e-3, low: 3e-3, high: 1e-3 }] },
        { name: 'nothing', points: [] },
      ],
    }),
  );
  assert.equal(doc.querySelectorAll('.vp-series-0.vp-points > path').length, 2);
  assert.equal(doc.querySelectorAll('.vp-band').length, 0, 'an interval with low > high is no interval');
  assert.ok(texts(doc).includes('nothing (no data)'));
});

test('a single point renders with a domain around it', () => {
  const doc = parseSvg(renderSweepSvg({ title: 'one', xLabel: 'n', yLabel: 't', yUnit: 'seconds', series: [{ name: 'a', points: [{ x: 1000, y: 2e-3 }] }] }));
  assert.equal(doc.querySelectorAll('.vp-series-0.vp-points > path').length, 1);
  assert.equal(doc.querySelectorAll('.vp-line').length, 0);
  assert.ok(texts(doc).includes('2 ms'));
});

test('a legend too long for the height asked makes the figure taller rather than crushing the panels', () => {
  const series = Array.from({ length: 12 }, (_, i) => ({ name: `a fairly long version name number ${i}`, points: [{ x: 1, y: i + 1 }, { x: 4, y: i + 2 }] }));
  const spec: SweepPlotSpec = { title: 't', xLabel: 'n', yLabel: 'y', yUnit: 'none', series, ratio: { label: 'r', points: [{ x: 1, y: 2 }] }, width: 400, height: 300 };
  const svg = renderSweepSvg(spec);
  const height = Number(/^<svg[^>]* height="(\d+)"/.exec(svg)?.[1]);
  assert.ok(height > 300, `height ${height}`);
  const doc = parseSvg(svg);
  assert.ok(Number(doc.querySelector('.vp-panel-main')?.getAttribute('height')) >= 150);
  assert.equal(pngSize(svgToPng(svg, { width: 400 })).height, height);
});

test('nothing drawable is a clear error, as are impossible sizes', () => {
  const base = { title: 'empty', xLabel: 'n', yLabel: 't', yUnit: 'seconds' as const };
  assert.throws(() => renderSweepSvg({ ...base, series: [] }), (e: unknown) => e instanceof VecprofError && /nothing to plot/.test(e.message));
  assert.throws(
    () => renderSweepSvg({ ...base, series: [{ name: 'zeros', points: [{ x: 0, y: 0 }, { x: Number.NaN, y: 1 }] }] }),
    /nothing to plot/,
  );
  assert.throws(() => renderSweepSvg({ ...base, width: 10, series: [{ name: 'a', points: [{ x: 1, y: 1 }] }] }), /width must be/);
  assert.throws(() => svgToPng('<svg xmlns="http://www.w3.org/2000/svg"></svg>', { width: 0 }), /PNG width/);
  assert.throws(() => svgToPng('<svg><g></svg>'), (e: unknown) => e instanceof VecprofError && /cannot draw the plot as PNG/.test(e.message));
});

test('PNG: signature, requested width, height kept in proportion, twice the SVG size by default', () => {
  const svg = renderSweepSvg(sample());
  assert.deepEqual(pngSize(svgToPng(svg, { width: 380 })), { width: 380, height: 320 });
  assert.deepEqual(pngSize(svgToPng(svg)), { width: 1520, height: 1280 });
});

test('PNG text is drawn with the bundled font (no system fonts are loaded)', () => {
  const page = (text: string): string =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><text x="4" y="20" font-family="system-ui, sans-serif" font-size="16">${text}</text></svg>`;
  const withText = svgToPng(page('1 µs 10×'), { width: 120 });
  const blank = svgToPng(page(''), { width: 120 });
  assert.notDeepEqual(Buffer.from(withText), Buffer.from(blank));
});

test('unit formatting', () => {
  assert.equal(formatSeconds(1.5e-6), '1.5 µs');
  assert.equal(formatSeconds(0.075), '75 ms');
  assert.equal(formatSeconds(1.2), '1.2 s');
  assert.equal(formatSeconds(3.2e-9), '3.2 ns');
  assert.equal(formatSeconds(999.96e-6), '1 ms', 'rounding promotes the unit');
  assert.equal(formatBytes(48 * 1024), '48 KiB');
  assert.equal(formatBytes(32 * 1024 ** 2), '32 MiB');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatRatio(74.64), '74.6×');
  assert.equal(formatRatio(0.7), '0.7×');
  assert.equal(formatPowerOfTwo(65536), '2¹⁶');
  assert.equal(escapeXml('a<b>&"\'\u0007'), 'a&lt;b&gt;&amp;&quot;&apos;');
  assert.deepEqual(fitText('short', 200, 15, 12), { text: 'short', size: 15 });
  assert.match(fitText('x'.repeat(200), 100, 15, 12).text, /…$/);
});

test('log ticks: decades over long spans, 1-2-5 over short ones, powers of two for bytes', () => {
  assert.deepEqual(logTicks(8e-7, 1.5, 'seconds', 400, 24), [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.deepEqual(logTicks(0.6, 90, 'ratio', 300, 24), [1, 2, 5, 10, 20, 50]);
  assert.deepEqual(logTicks(12, 20_000_000, 'pow2', 640, 52), [16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216]);
  assert.deepEqual(logTicks(1000, 1e7, 'bytes', 200, 40), [1024, 32768, 1048576]);
  assert.deepEqual(logTicks(1.1, 1.3, 'none', 200, 24), [1.1, 1.3], 'a span too short for any tick labels its ends');
  assert.deepEqual(minorLogTicks(12, 300, 'pow2', 300, [16, 64, 256]), [32, 128]);
});

test('writeSweepPlot writes the SVG and the PNG, and nothing when the spec cannot be drawn', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-plot-'));
  try {
    const paths = await writeSweepPlot(sample(), join(dir, 'budget'), { pngWidth: 380 });
    assert.deepEqual(readdirSync(dir).sort(), ['budget.png', 'budget.svg']);
    assert.match(readFileSync(paths.svg, 'utf8'), /^<svg xmlns=/);
    assert.equal(pngSize(readFileSync(paths.png)).width, 380);
    await assert.rejects(writeSweepPlot({ ...sample(), series: [] }, join(dir, 'empty')), /nothing to plot/);
    assert.deepEqual(readdirSync(dir).sort(), ['budget.png', 'budget.svg']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
