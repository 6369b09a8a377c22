import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemblePayload } from '../../src/report/assemble.js';
import { buildReport, embedJson, writeReport } from '../../src/report/build.js';
import { buildFlameTree } from '../../src/report/flame-tree.js';
import type { ReportPayload } from '../../src/report/payload.js';
import { TINY_SOURCE, tinyAdvice, tinyFindings, tinyProfile } from './synth.js';

function payloadOf(html: string): ReportPayload {
  const m = /<script type="application\/json" id="vecprof-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'the data block is present');
  return JSON.parse(m[1]!) as ReportPayload;
}

test('embedded JSON cannot end its script element or open markup, and still parses back to the same value', () => {
  const value = { line: '</script><script>alert(1)</script>', name: '<img src=x onerror=alert(1)>.py', amp: 'a && b', sep: 'x\u2028y' };
  const text = embedJson(value);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), value);
});

test('the report is one file: two scripts (data + code), one style, a CSP whose hashes match them, nothing remote', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-report-'));
  try {
    const file = join(dir, 'job.py');
    writeFileSync(file, TINY_SOURCE);
    const html = buildReport({ title: 'a </title><script>alert(1)</script>', createdAt: '2026-11-24T10:00:00.000Z', advice: tinyAdvice(file, 'job.py', TINY_SOURCE), sources: {}, cwd: dir });
    assert.equal(html.match(/<script/g)?.length, 2);
    assert.equal(html.match(/<\/script>/g)?.length, 2);
    assert.match(html, /<title>a &lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/title>/);
    assert.doesNotMatch(html, /(src|href)="https?:/);
    assert.doesNotMatch(html, /@import|url\(http/);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp, 'a CSP meta');
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    assert.ok(csp.includes(`script-src ${hash(script)}`), 'the script hash matches the inline script');
    assert.ok(csp.includes(`style-src ${hash(style)}`), 'the style hash matches the inline style');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the payload joins advice, findings and profiled lines on the file, and reads sources the models name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-report-'));
  try {
    const file = join(dir, 'job.py');
    writeFileSync(file, TINY_SOURCE);
    const p = assemblePayload({ title: 't', createdAt: '2026-11-24T10:00:00.000Z', profile: tinyProfile(file), findings: tinyFindings('job.py'), sources: {}, cwd: dir });
    assert.equal(p.files.length, 1);
    const shown = p.files[0]!;
    assert.equal(shown.displayPath, 'job.py');
    assert.equal(shown.text?.[6], '        out[i] = (a[i] - 0.5) * 2.0', 'read from disk at build time');
    const line7 = shown.lines.find((l) => l.line === 7)!;
    assert.equal(line7.hits, 10000);
    assert.deepEqual(line7.split, [0.5, 0.5, 0, 0]);
    assert.deepEqual(shown.lines.find((l) => l.line === 6)!.findings, [0]);
    assert.equal(p.summary.exitStatus, 0);
    assert.deepEqual(p.summary.parts, ['profile', 'check']);
    assert.equal(p.functions[0]!.name, 'normalise', 'most self time first');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file the profile names but that is gone is listed with the reason, not an error', () => {
  const gone = join(tmpdir(), 'vecprof-no-such-dir', 'gone.py');
  const p = assemblePayload({ title: 't', createdAt: '2026-11-24T10:00:00.000Z', profile: tinyProfile(gone), sources: {} });
  const f = p.files.find((x) => x.path === gone)!;
  assert.equal(f.text, null);
  assert.match(f.missing ?? '', /no longer exists/);
  assert.ok(f.lines.length > 0, 'its measured lines are still there');
});

test('advice items mark their first line and point at their file', () => {
  const file = '/src/job.py';
  const p = assemblePayload({ title: 't', createdAt: '2026-11-24T10:00:00.000Z', advice: tinyAdvice(file, 'job.py', TINY_SOURCE), sources: {} });
  assert.equal(p.advice[0]!.rank, 1);
  assert.equal(p.advice[0]!.code, 'VEC001');
  const f = p.files[p.advice[0]!.file]!;
  assert.equal(f.path, file);
  assert.equal(f.text?.length, TINY_SOURCE.split('\n').length - 1, 'text from AdviceReport.sources');
  assert.equal(f.lines.find((l) => l.line === 6)!.advice, 1);
  assert.equal(f.lines.find((l) => l.line === 12)!.advice, 2);
});

test('the call tree: pre-order, heaviest child first, merged paths with their totals', () => {
  const t = buildFlameTree(tinyProfile('/src/job.py'), (f) => f)!;
  assert.equal(t.totalSamples, 80);
  const label = (i: number): string => (t.frame[i]! < 0 ? 'root' : t.names[t.frame[i]!]!);
  assert.deepEqual(
    t.frame.map((_, i) => `${label(i)}@${t.depth[i]}:${t.total[i]}`),
    ['root@0:80', '<module>@1:80', 'normalise@2:55', 'array_subscript@3:30', 'total@2:20'],
  );
  assert.equal(t.maxDepth, 3);
  assert.equal(t.intervalSeconds, 0.01);
  assert.equal(t.approximate, false);
  assert.equal(t.kinds[t.names.indexOf('array_subscript')], 1, 'NumPy per-element path');
});

test('writeReport writes the whole file atomically', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-report-'));
  try {
    const out = join(dir, 'nested', 'r.html');
    await writeReport(out, { title: 'x', createdAt: '2026-11-24T10:00:00.000Z', findings: [], sources: {} });
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<\/html>\n$/);
    assert.equal(payloadOf(html).summary.findingsCount, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files the run barely touched get no source view, and are not read', () => {
  const file = '/src/job.py';
  const profile = tinyProfile(file);
  profile.lines.push({ file: '/usr/lib/python3/dist-packages/numpy/core/fromnumeric.py', line: 10, share: 0.0005 });
  profile.lines.push({ file: '<frozen importlib._bootstrap>', line: 1, share: 0.1 });
  const findings = tinyFindings('<string>');
  const p = assemblePayload({ title: 't', createdAt: '2026-11-24T10:00:00.000Z', profile, findings, sources: { [file]: TINY_SOURCE } });
  assert.deepEqual(
    p.files.map((f) => f.path),
    [file],
  );
  assert.equal(p.findings[0]!.file, -1, 'a finding in code made at run time has no file');
});
