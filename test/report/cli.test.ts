import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLines, REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import { withTempDir } from '../../testkit/temp-dir.js';
import type { ReportPayload } from '../../src/report/payload.js';
import { TINY_SOURCE, oldAdviceV1, tinyAdvice, tinyFindings, tinyProfile } from './synth.js';

const BUDGET = join(REPO_ROOT, 'test', 'fixtures', 'report', 'budget.json');

function payload(file: string): ReportPayload {
  const html = readFileSync(file, 'utf8');
  const m = /<script type="application\/json" id="vecprof-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'data block');
  return JSON.parse(m[1]!) as ReportPayload;
}

const withDir = (fn: (dir: string) => Promise<void>): (() => Promise<void>) => withTempDir('vecprof-report-cli-', fn);

test('vecprof report: usage errors exit 2 with one line saying what to do, and write nothing', withDir(async (dir) => {
  const out = join(dir, 'r.html');
  const cases: Array<[string[], RegExp]> = [
    [['report', '--budget', BUDGET], /--html FILE is required/],
    [['report', '--html', out], /nothing to report.*--profile, --check, --budget, --advice/],
    [['report', '--profile', join(dir, 'missing.json'), '--html', out], /no such file: .*missing\.json.*vecprof profile --out/],
    [['report', '--check', BUDGET, '--html', out], /is not a list of findings/],
    [['report', '--profile', BUDGET, '--html', out], /is not a vecprof profile/],
    [['report', '--advice', BUDGET, '--html', out], /is not a vecprof advice report/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    const errors = logLines(r.stderr).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.msg, message);
    assert.equal(existsSync(out), false, 'no half-written report');
  }
}));

test('vecprof report: an --html path that cannot be written is refused before the report is built: one line, exit 2', withDir(async (dir) => {
  writeFileSync(join(dir, 'a-file'), '');
  for (const [html, message] of [
    [dir, /cannot write to --html .*: it is a directory: give --html a file path/],
    [join(dir, 'a-file', 'r.html'), /cannot write to --html .*a-file\/r\.html: not a directory/],
  ] as const) {
    const r = await runCli(['report', '--budget', BUDGET, '--html', html]);
    assert.equal(r.code, 2, r.stderr);
    const errors = logLines(r.stderr).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.msg, message);
  }
}));

test('vecprof report: a bad input is refused before the --html folders are made: none is left behind', withDir(async (dir) => {
  const r = await runCli(['report', '--html', 'newdir/sub/r.html', '--advice', 'missing.json'], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.match(logLines(r.stderr)[0]?.msg ?? '', /no such file: .*missing\.json/);
  assert.equal(existsSync(join(dir, 'newdir')), false, 'no folder made for a report that was never written');
}));

test('vecprof report joins a saved profile (given as its directory), findings and a budget into one page', withDir(async (dir) => {
  const file = join(dir, 'job.py');
  writeFileSync(file, TINY_SOURCE);
  mkdirSync(join(dir, 'prof'));
  writeFileSync(join(dir, 'prof', 'profile.json'), JSON.stringify(tinyProfile(file)));
  writeFileSync(join(dir, 'findings.json'), JSON.stringify(tinyFindings('job.py')));
  const r = await runCli(['report', '--profile', 'prof', '--check', 'findings.json', '--budget', BUDGET, '--html', 'out/report.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '', 'results go to the file');
  const p = payload(join(dir, 'out', 'report.html'));
  assert.deepEqual(p.summary.parts, ['profile', 'check', 'budget']);
  assert.equal(p.title, 'python job.py', 'titled by the profiled command');
  assert.equal(p.files[0]!.displayPath, 'job.py');
  assert.equal(p.files[0]!.lines.find((l) => l.line === 6)!.findings.length, 1, 'the finding sits on its line');
  assert.equal(p.budget!.rows.length, 9);
  assert.ok(p.budget!.plotDataUrl?.startsWith('data:image/svg+xml;base64,'));
  assert.ok(p.flame && p.flame.totalSamples === 80);
}));

test('vecprof report --profile A --advice B from different runs warns in one line and says so in the summary; one run does not', withDir(async (dir) => {
  const file = join(dir, 'job.py');
  writeFileSync(file, TINY_SOURCE);
  const advice = tinyAdvice(file, 'job.py', TINY_SOURCE);
  writeFileSync(join(dir, 'advice.json'), JSON.stringify(advice));
  // the advice's own profile: the same run
  writeFileSync(join(dir, 'same.json'), JSON.stringify(advice.profile));
  const same = await runCli(['report', '--profile', 'same.json', '--advice', 'advice.json', '--html', 'same.html'], { cwd: dir });
  assert.equal(same.code, 0, same.stderr);
  assert.deepEqual(logLines(same.stderr).filter((l) => l.level >= 40), []);
  assert.deepEqual(payload(join(dir, 'same.html')).summary.warnings, []);
  // a later run of another command
  const other = tinyProfile(file);
  other.meta.command = ['python', 'other.py'];
  other.meta.startedAt = '2026-11-25T09:30:00.000Z';
  writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
  const r = await runCli(['report', '--profile', 'other.json', '--advice', 'advice.json', '--html', 'mixed.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const warnings = logLines(r.stderr).filter((l) => l.level === 40);
  assert.equal(warnings.length, 1, r.stderr);
  const expected =
    'the profile (`python other.py` started 2026-11-25T09:30:00.000Z) and the advice (`python job.py` started 2026-11-24T10:00:00.000Z) ' +
    "come from different commands: the heat, tables and flame graph are the profile's, the advice ranks its own run";
  assert.equal(warnings[0]!.msg, expected);
  assert.deepEqual(payload(join(dir, 'mixed.html')).summary.warnings, [expected]);
  // the same command run again
  other.meta.command = ['python', 'job.py'];
  writeFileSync(join(dir, 'again.json'), JSON.stringify(other));
  const again = await runCli(['report', '--profile', 'again.json', '--advice', 'advice.json', '--html', 'again.html'], { cwd: dir });
  assert.match(logLines(again.stderr).find((l) => l.level === 40)?.msg ?? '', /come from different runs of the same command/);
}));

test('vecprof report reads advice saved as vecprof.advice/1: a kernel with no recorded peak is capped at it; an unknown schema is refused', withDir(async (dir) => {
  const file = join(dir, 'job.py');
  writeFileSync(file, TINY_SOURCE);
  writeFileSync(join(dir, 'old.json'), JSON.stringify(oldAdviceV1(file, 'job.py', TINY_SOURCE)));
  const r = await runCli(['report', '--advice', 'old.json', '--html', 'old.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const kernel = payload(join(dir, 'old.html')).advice.find((a) => a.kind === 'numpy-kernel');
  assert.deepEqual(kernel?.bandwidth, { bytesPerSecond: 18.9e9, percentOfPeak: 100, bound: true, comparedWith: null, peakBytesPerSecond: null });
  writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...oldAdviceV1(file, 'job.py', TINY_SOURCE), schema: 'vecprof.advice/9' }));
  const future = await runCli(['report', '--advice', 'future.json', '--html', 'future.html'], { cwd: dir });
  assert.equal(future.code, 2);
  assert.match(logLines(future.stderr)[0]?.msg ?? '', /future\.json is not a vecprof advice report \(schema "vecprof\.advice\/9", expected "vecprof\.advice\/2"\)/);
  assert.equal(existsSync(join(dir, 'future.html')), false);
}));

test('vecprof check --html writes the report and keeps its own output and exit status', withDir(async (dir) => {
  writeFileSync(join(dir, 'loop.py'), 'import numpy as np\n\n\ndef scale(a: np.ndarray) -> np.ndarray:\n    out = np.empty_like(a)\n    for i in range(len(a)):\n        out[i] = a[i] * 2.0\n    return out\n');
  const r = await runCli(['check', '--html', 'check.html', '.'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /VEC001/, r.stderr);
  const p = payload(join(dir, 'check.html'));
  assert.equal(p.findings.length, 1);
  assert.equal(p.files[p.findings[0]!.file]!.text?.[5], '    for i in range(len(a)):', 'the checked text is embedded');
}));

test('vecprof profile --html writes a report of the run', withDir(async (dir) => {
  writeFileSync(join(dir, 'work.py'), 'def f(n):\n    s = 0\n    for i in range(n):\n        s += i\n    return s\n\nprint(f(20000))\n');
  const r = await runCli(['profile', '--mode', 'cpu', '--html', 'p.html', 'work.py'], { cwd: dir, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /20000|199990000/);
  const p = payload(join(dir, 'p.html'));
  assert.deepEqual(p.summary.parts, ['profile']);
  assert.equal(p.summary.exitStatus, 0);
  assert.ok(p.functions.some((f) => f.name === 'f'), 'the function table lists f');
}));

test('vecprof report reads `profile --json > file` output that begins with what the program printed', withDir(async (dir) => {
  writeFileSync(join(dir, 'profile.json'), `program output\n{ not json either\n${JSON.stringify(tinyProfile(join(dir, 'job.py')), null, 2)}\n`);
  const r = await runCli(['report', '--profile', 'profile.json', '--html', 'r.html'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(logLines(r.stderr).find((l) => l.level === 40)?.msg ?? '', /skipped 2 lines before the JSON/);
  assert.equal(payload(join(dir, 'r.html')).flame?.totalSamples, 80);
}));
