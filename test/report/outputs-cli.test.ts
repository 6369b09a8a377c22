// What profile and check print and write: JSON on stdout is JSON alone, the program's output shows once however many
// times it runs, vecprof's own frames stay out of the profile, and output paths are checked before the run and
// written after the results are printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON_HELPERS_DIR } from '../../src/paths.js';
import type { Profile } from '../../src/profile/model.js';
import { CLI, logLines, runCli } from '../../testkit/run-cli.js';
import { occurrences, withTempDir } from '../../testkit/temp-dir.js';

const withDir = (fn: (dir: string) => Promise<void>): (() => Promise<void>) => withTempDir('vecprof-outputs-', fn);

// A pure-Python hot function (no NumPy import, so it starts fast) that prints: auto mode samples it, then counts its lines.
// About half a second: when py-spy's full-rate sampler dies (it does, rarely) the 25-50 Hz native recording stands
// in, and a 0.15 s run gave it too few samples to find the hot function (a CI flake).
const PRINTS = `print("printed by the program")

def work():
    t = 0
    for i in range(8_000_000):
        t += i
    return t

work()
`;

test('profile --json: stdout is the model alone; the program prints once to stderr though auto mode ran it twice', withDir(async (dir) => {
  writeFileSync(join(dir, 'prints.py'), PRINTS);
  const r = await runCli(['profile', '--json', 'prints.py'], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const profile = JSON.parse(r.stdout) as Profile; // the whole of stdout: nothing of the program's in it
  assert.deepEqual(
    profile.meta.passes.map((p) => p.mode),
    ['sample', 'lines'],
    `two runs of the program\n${r.stderr}`,
  );
  assert.equal(occurrences(r.stderr, 'printed by the program'), 1, r.stderr);
}));

test("the profile starts at the program's first frame: no launcher frame in stacks or functions (sample and lines modes)", withDir(async (dir) => {
  writeFileSync(join(dir, 'prints.py'), PRINTS);
  for (const mode of ['sample', 'lines']) {
    const r = await runCli(['profile', '--mode', mode, '--json', 'prints.py'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout) as Profile;
    const samples = p.samples!;
    assert.ok(samples.stacks.length > 0, `${mode}: sampled stacks`);
    const ours = samples.frames.filter((f) => f.file.startsWith(PYTHON_HELPERS_DIR) || f.name.includes(PYTHON_HELPERS_DIR));
    assert.deepEqual(ours, [], `${mode}: no vecprof frame`);
    assert.ok(!p.functions.some((f) => f.file.startsWith(PYTHON_HELPERS_DIR)), `${mode}: no vecprof function`);
    // The heaviest stack begins with the script's own module code.
    const heaviest = [...samples.stacks].sort((a, b) => b.weight - a.weight)[0]!;
    const root = samples.frames[heaviest.frames[0]!]!;
    assert.equal(root.name, '<module>', `${mode}: ${JSON.stringify(root)}`);
    assert.ok(root.file.endsWith('prints.py'), `${mode}: ${root.file}`);
  }
}));

test('profile: --html and --out that cannot be written are refused before the program runs (exit 2, one line)', withDir(async (dir) => {
  writeFileSync(join(dir, 'prints.py'), PRINTS);
  writeFileSync(join(dir, 'a-file'), '');
  for (const args of [
    ['--html', 'a-file/r.html'],
    ['--html', '.'],
    ['--out', 'a-file'],
    ['--out', 'a-file/sub'],
  ]) {
    const r = await runCli(['profile', '--mode', 'cpu', ...args, 'prints.py'], { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /printed by the program/, 'the program never ran');
    const errors = logLines(r.stderr).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!.msg, new RegExp(`^cannot write to ${args[0]} ${args[1]!.replace('.', '\\.')}: (it is a directory|not a directory)`));
  }
}));

test('profile: a missing script, profile file or refused combination leaves no --out or --html folder behind', withDir(async (dir) => {
  writeFileSync(join(dir, 'prints.py'), PRINTS);
  for (const [args, message, code] of [
    [['profile', '--out', 'd3/sub', 'missing.py'], /script not found: missing\.py/, 2],
    [['profile', '--html', 'd3/r.html', '--mode', 'cpu', 'missing.py'], /script not found: missing\.py/, 2],
    [['profile', '--html', 'd3/r.html', '--out', 'd3/out', '--import', 'missing.prof'], /cannot read profile file .*missing\.prof/, 1],
    [['profile', '--advise', '--mode', 'cpu', '--html', 'd3/r.html', 'prints.py'], /--mode cpu cannot go with --advise/, 2],
  ] as const) {
    const r = await runCli([...args], { cwd: dir });
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(logLines(r.stderr).find((l) => l.level >= 50)?.msg ?? '', message);
    assert.doesNotMatch(r.stdout, /printed by the program/, 'the program never ran');
    assert.equal(existsSync(join(dir, 'd3')), false, `${args.join(' ')} left d3 behind`);
  }
}));

test('profile: a file that cannot be written after the run costs only that file: the summary is printed, one line each, exit 1', withDir(async (dir) => {
  // The program takes the places of the report's directory and of profile.json in the --out directory (both made before it ran).
  writeFileSync(join(dir, 'squat.py'), 'import os\nprint("printed by the program")\nos.rmdir("reports")\nopen("reports", "w").close()\nos.makedirs("prof/profile.json")\n');
  const r = await runCli(['profile', '--mode', 'cpu', '--html', 'reports/r.html', '--out', 'prof', 'squat.py'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^printed by the program\n/, `the program ran: ${r.stderr}`);
  assert.match(r.stdout, /vecprof profile {2}mode cpu/, 'the summary was printed');
  const errors = logLines(r.stderr).filter((l) => l.level >= 50);
  assert.deepEqual(
    errors.map((e) => /(profile\.json|speedscope\.json|flamegraph\.svg|report)/.exec(e.msg)?.[1]),
    ['profile.json', 'report'],
    r.stderr,
  );
  assert.ok(existsSync(join(dir, 'prof', 'speedscope.json')) && existsSync(join(dir, 'prof', 'flamegraph.svg')), 'the other files were written');
  assert.ok(errors.every((e) => !e.msg.includes('\n') && !/\bat .*\.js:\d+/.test(e.msg)), 'one line each, no stack trace');
}));

test('profile: a program that fails keeps its own status when a file also fails', withDir(async (dir) => {
  writeFileSync(join(dir, 'squat.py'), 'import os, sys\nos.rmdir("reports")\nopen("reports", "w").close()\nsys.exit(3)\n');
  const r = await runCli(['profile', '--mode', 'cpu', '--html', 'reports/r.html', 'squat.py'], { cwd: dir });
  assert.equal(r.code, 3, r.stderr);
  assert.equal(logLines(r.stderr).filter((l) => l.level >= 50).length, 1, r.stderr);
}));

test('check: --html and --output-file that cannot be written are refused before any file is checked', withDir(async (dir) => {
  writeFileSync(join(dir, 'a-file'), '');
  writeFileSync(join(dir, 'loop.py'), 'x = 1\n');
  for (const args of [
    ['--html', 'a-file/r.html'],
    ['--output-file', '.'],
  ]) {
    const r = await runCli(['check', ...args, 'loop.py'], { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(logLines(r.stderr).find((l) => l.level >= 50)?.msg ?? '', new RegExp(`^cannot write to ${args[0]}`));
  }
  assert.equal(existsSync(join(dir, 'r.html')), false);
  assert.equal(readFileSync(join(dir, 'a-file'), 'utf8'), '');
}));

test('check: an --output-file that fails after the check is one line saying the report was not written; the --html is still written', withDir(async (dir) => {
  // check reads stdin (--stdin-filename) after it has made the output folders: the folder of --output-file is
  // replaced by a file meanwhile, so writing the report fails late.
  const child = spawn(process.execPath, [CLI, 'check', '--stdin-filename', 'loop.py', '--output-file', 'out/findings.txt', '--html', 'pages/r.html'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<number | null>((done) => child.once('close', done));
  const deadline = Date.now() + 20_000;
  while (!existsSync(join(dir, 'out')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  rmSync(join(dir, 'out'), { recursive: true });
  writeFileSync(join(dir, 'out'), 'squatter');
  child.stdin.end('import numpy as np\na = np.ones(3)\ns = 0.0\nfor x in a:\n    s += x\n');
  const code = await closed;
  assert.equal(code, 1, stderr);
  assert.equal(stdout, '', 'the report goes to the file, not stdout, even when the file fails');
  const errors = logLines(stderr).filter((l) => l.level >= 50);
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0]!.msg, /^cannot write the report to out\/findings\.txt \([A-Z]+\): the report was not written/);
  assert.ok(existsSync(join(dir, 'pages', 'r.html')), 'the HTML report is written all the same');
}));
