// advise's output: JSON on stdout is JSON alone, the program's output and traceback show once over its three runs,
// output paths are checked before the run and written after the results, and profile --advise honours --out DIR,
// --rate and --no-native and refuses what it cannot honour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdviceReport } from '../../src/advise/types.js';
import type { Profile } from '../../src/profile/model.js';
import { logLines, runCli, sharedTestCacheDir } from '../../testkit/run-cli.js';
import { occurrences, withTempDir } from '../../testkit/temp-dir.js';

const env = { VECPROF_CACHE_DIR: sharedTestCacheDir() };

const withDir = (fn: (dir: string) => Promise<void>): (() => Promise<void>) => withTempDir('vecprof-advise-output-', fn);

// An element loop the checker flags (so the shape probe runs: a third run), after a line the program prints.
const LOOP = `import numpy as np

print("printed by the program")
a = np.arange(100_000, dtype=np.float64)
total = 0.0
for i in range(len(a)):
    total += a[i]
`;

test('advise --json: stdout parses as JSON whole; the program printed once over three runs; a late --html failure is one line after it', withDir(async (dir) => {
  // The program takes the place of the report's directory (made before the run): it cannot be written after it.
  writeFileSync(join(dir, 'loop.py'), `${LOOP}import os\nif os.path.isdir("reports"):\n    os.rmdir("reports")\n    open("reports", "w").close()\n`);
  const r = await runCli(['advise', '--json', '--html', 'reports/r.html', 'loop.py'], { cwd: dir, env, timeoutMs: 240_000 });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as AdviceReport; // the whole of stdout
  const loop = report.items.find((a) => a.line === 6);
  assert.ok(loop && loop.arrays.some((x) => x.name === 'a'), 'the shape probe ran (a third run of the program)');
  assert.equal(report.profile.meta.passes.length, 2, 'sample and lines runs');
  assert.equal(occurrences(r.stderr, 'printed by the program'), 1, r.stderr);
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!.msg, /cannot write the report to .*reports\/r\.html/);
}));

test('profile --advise --out DIR --rate --no-native: the files, the rate and Python-only sampling; a traceback shows once', withDir(async (dir) => {
  writeFileSync(join(dir, 'fails.py'), `${LOOP}raise ValueError("the program failed here")\n`);
  const r = await runCli(['profile', '--advise', '--json', '--rate', '200', '--no-native', '--out', 'adv', 'fails.py'], { cwd: dir, env, timeoutMs: 240_000 });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as AdviceReport;
  assert.equal(occurrences(r.stderr, 'printed by the program'), 1, r.stderr);
  assert.equal(occurrences(r.stderr, 'Traceback (most recent call last)'), 1, r.stderr);
  assert.equal(occurrences(r.stderr, 'ValueError: the program failed here'), 1, r.stderr);
  assert.equal(report.profile.meta.passes.length, 2, 'the later runs happened (and were silent)');
  const reason = report.profile.meta.passes[0]!.reason;
  assert.match(reason, /^sampled 200 times a second, Python frames only \(--no-native\)/);
  assert.doesNotMatch(reason, /--mode/, 'says what advise did, not an option the user never gave');
  assert.doesNotMatch(report.profile.meta.tool ?? '', /--native/, 'no native sampler ran');
  for (const f of ['profile.json', 'advice.json', 'report.html', 'speedscope.json', 'flamegraph.svg', 'sample.speedscope.json']) {
    assert.ok(existsSync(join(dir, 'adv', f)), f);
  }
  const saved = JSON.parse(readFileSync(join(dir, 'adv', 'advice.json'), 'utf8')) as AdviceReport;
  assert.deepEqual(saved.items.map((i) => i.line), report.items.map((i) => i.line));
  assert.equal((JSON.parse(readFileSync(join(dir, 'adv', 'profile.json'), 'utf8')) as Profile).meta.passes.length, 2);
}));

test('bad advise input is one line, exit 2, before the program runs', withDir(async (dir) => {
  writeFileSync(join(dir, 'loop.py'), LOOP);
  const cases: Array<[string[], RegExp]> = [
    [['advise', '--out', 'loop.py/x.json', 'loop.py'], /cannot write to --out loop\.py\/x\.json: not a directory/],
    [['advise', '--html', '.', 'loop.py'], /cannot write to --html \.: it is a directory/],
    [['advise', '-m', 'no_such_module_xyz'], /cannot run -m no_such_module_xyz: No module named no_such_module_xyz/],
    [['profile', '--advise', '--mode', 'cpu', 'loop.py'], /--mode cpu cannot go with --advise/],
    [['profile', '--advise', '--lines', 'f', 'loop.py'], /--lines cannot go with --advise/],
    [['profile', '--advise', '--out', 'loop.py', 'loop.py'], /cannot write to --out loop\.py: not a directory/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { cwd: dir, env, timeoutMs: 60_000 });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /printed by the program|Traceback/, 'the program never ran');
    const errors = logLines(r.stderr).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!.msg, message);
  }
}));

test('a missing script is refused before the --out and --html folders are made: none is left behind', withDir(async (dir) => {
  for (const args of [
    ['advise', '--out', 'd2/x.json', 'missing.py'],
    ['advise', '--html', 'd2/sub/r.html', 'missing.py'],
    ['profile', '--advise', '--out', 'd2', 'missing.py'],
  ]) {
    const r = await runCli(args, { cwd: dir, env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(logLines(r.stderr).find((l) => l.level >= 50)?.msg ?? '', /script not found: missing\.py/);
    assert.equal(existsSync(join(dir, 'd2')), false, `${args.join(' ')} left d2 behind`);
  }
}));
