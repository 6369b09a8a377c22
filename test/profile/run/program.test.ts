// The program runs as `python script.py args` would: its argv, cwd, sys.path[0], stdin, stdout, stderr and exit
// status are its own. cpu mode keeps these tests quick; every mode shares the launcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CLI, REPO_ROOT, runCli } from '../../../testkit/run-cli.js';
import type { Profile } from '../../../src/profile/model.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'profile', 'run');
const fixture = (name: string): string => join(FIXTURES, name);

function firstJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.split('\n')[0]!) as Record<string, unknown>;
}

/** The model printed by --json after the program's own output. */
function modelAfter(stdout: string): Profile {
  const start = stdout.indexOf('{\n  "version": 1');
  assert.ok(start >= 0, `no profile JSON in stdout: ${stdout.slice(0, 300)}`);
  return JSON.parse(stdout.slice(start)) as Profile;
}

test('options after the script are the script\'s own, even ones vecprof knows (-q, --timeout, --help, -m)', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', fixture('argv_echo.py'), '--foo', '-x', '-q', '--timeout', '1', '--help', '-m', 'x'], { cwd: FIXTURES });
  assert.equal(r.code, 0, r.stderr);
  const seen = firstJsonLine(r.stdout);
  assert.deepEqual(seen.argv, [fixture('argv_echo.py'), '--foo', '-x', '-q', '--timeout', '1', '--help', '-m', 'x']);
  assert.equal(seen.name, '__main__');
  assert.equal(seen.path0, FIXTURES, 'sys.path[0] is the script directory');
  assert.equal(seen.file, fixture('argv_echo.py'));
  assert.match(r.stdout, /vecprof profile/, 'the summary follows the program output');
  assert.ok(r.stdout.indexOf('"argv"') < r.stdout.indexOf('vecprof profile'), 'program output first, summary after');
});

test('a relative script path runs from the working directory, with argv[0] as given', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', '--json', join('run', 'argv_echo.py'), 'a b'], { cwd: join(FIXTURES, '..') });
  assert.equal(r.code, 0, r.stderr);
  const seen = firstJsonLine(r.stderr); // with --json the program's stdout goes to stderr
  assert.deepEqual(seen.argv, [join('run', 'argv_echo.py'), 'a b']);
  assert.equal(seen.cwd, join(FIXTURES, '..'));
  assert.equal(modelAfter(r.stdout).meta.exitStatus, 0);
});

test('-m module runs like python -m, from the working directory, with its own arguments', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', '-m', 'argv_echo', '--flag', 'v'], { cwd: FIXTURES });
  assert.equal(r.code, 0, r.stderr);
  const seen = firstJsonLine(r.stdout);
  assert.deepEqual(seen.argv, [fixture('argv_echo.py'), '--flag', 'v']);
  assert.equal(seen.name, '__main__');
  assert.equal(seen.path0, FIXTURES);
});

test('the exit status of the program is vecprof\'s exit status', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', '--json', fixture('exit3.py')]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^leaving with 3\n/, "with --json the program's stdout goes to stderr");
  assert.equal(modelAfter(r.stdout).meta.exitStatus, 3);
});

test('a crash: Python\'s own traceback (no vecprof frames), status 1, and the profile of what ran', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', '--json', fixture('crash.py')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Traceback \(most recent call last\):\n {2}File ".*crash\.py", line 17, in <module>/);
  assert.match(r.stderr, /ValueError: fixture failure after \d+/);
  assert.doesNotMatch(r.stderr, /vecprof_run|vecprof_cprofile|runpy/);
  const p = modelAfter(r.stdout);
  assert.equal(p.meta.exitStatus, 1);
  const work = p.functions.find((f) => f.name === 'work');
  assert.ok(work && work.calls === 1, 'the work done before the crash is in the profile');
});

test('stdin reaches the program; its stdout and stderr are its own', async () => {
  const child = spawn(process.execPath, [CLI, 'profile', '--mode', 'cpu', fixture('stdin_echo.py')], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end('hello from stdin\n');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^HELLO FROM STDIN\n/);
  assert.match(stderr, /read 17 characters/);
});

test('usage errors: nothing to profile, two targets, a missing script, --duration without --pid', async () => {
  for (const args of [['profile'], ['profile', '--pid', '1', fixture('exit3.py')], ['profile', 'no_such_script.py'], ['profile', '--duration', '2', fixture('exit3.py')]]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
  }
});

test('--pid of a process that does not exist is one line, before py-spy is tried', async () => {
  const r = await runCli(['profile', '--pid', '999999999', '--duration', '1']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /no process with pid 999999999: give the pid of a running Python program/);
});

test('a module that does not exist is a one-line usage error (as a missing script is), not a traceback', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', '-m', 'no_such_module_xyz']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot run -m no_such_module_xyz: No module named no_such_module_xyz/);
  assert.doesNotMatch(r.stderr, /Traceback/);
});

test('a crash in native code (SIGSEGV): exit 128+11 as a shell reports it, and a line saying what happened', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', fixture('segfault.py')]);
  assert.equal(r.code, 139);
  assert.match(r.stdout, /^about to crash\n/);
  assert.match(r.stderr, /killed by SIGSEGV/);
});
