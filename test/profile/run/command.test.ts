// The command's views and decisions: auto mode's passes, --out files, --import, and life without py-spy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, logLines, runCli } from '../../../testkit/run-cli.js';
import { findPySpy } from '../../../src/python/tools.js';
import type { Profile } from '../../../src/profile/model.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'profile', 'run');
const fixture = (name: string): string => join(FIXTURES, name);
const pyspy = await findPySpy();
const NO_PYSPY = pyspy ? false : 'py-spy is not installed here (python3 -m pip install py-spy): auto mode would start with cProfile';

function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-cmd-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('auto: a sample pass finds the hot functions, a lines pass counts their lines; both explained; one merged model', { skip: NO_PYSPY }, async () => {
  // --rate 200: the split comes from the native sampler at a quarter of the rate, ~25 samples of the 0.5 s loop here.
  const r = await runCli(['--log-level', 'info', 'profile', '--rate', '200', '--json', fixture('element_loop.py'), '0.5', '0.3']);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout) as Profile;
  assert.equal(p.meta.mode, 'auto');
  assert.deepEqual(p.meta.passes.map((x) => x.mode), ['sample', 'lines']);
  assert.match(p.meta.passes[1]!.reason, /element_loop/);
  const loop = p.lines.find((l) => l.file === fixture('element_loop.py') && l.function === 'element_loop' && (l.hits ?? 0) > 1000);
  assert.ok(loop, 'the loop line carries its hit count from the lines pass');
  assert.ok(loop.split && loop.split.numpyScalar > 0.5, 'and its split from the sample pass');
  assert.ok(p.samples && p.samples.stacks.length > 0, 'stacks from the sample pass');
  const logged = logLines(r.stderr).map((l) => l.msg);
  assert.ok(logged.some((m) => m.startsWith('pass 1 (sample)')));
  assert.ok(logged.some((m) => m.startsWith('pass 2 (lines)')));
  assert.ok(logged.some((m) => m.startsWith('no memory pass: peak RSS')), 'the memory decision is explained too');
});

test('auto: a program that fails is not run again', async () => {
  const r = await runCli(['--log-level', 'info', 'profile', '--json', fixture('crash.py')]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.match(/Traceback/g)?.length, 1, 'one run, one traceback');
  const p = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Profile;
  assert.equal(p.meta.passes.length, 1);
  assert.ok(logLines(r.stderr).some((l) => /exited with status 1: no further passes/.test(l.msg)));
});

test('--out writes the model, the views and the raw profiler file; --import reads the raw file back', async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'out');
    const r = await runCli(['profile', '--mode', 'cpu', '--out', out, fixture('crash.py')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /vecprof profile/, 'the summary still goes to stdout');
    const model = JSON.parse(readFileSync(join(out, 'profile.json'), 'utf8')) as Profile;
    assert.equal(model.version, 1);
    assert.equal(model.meta.exitStatus, 1);
    const speedscope = JSON.parse(readFileSync(join(out, 'speedscope.json'), 'utf8')) as { $schema: string };
    assert.match(speedscope.$schema, /speedscope/);
    assert.match(readFileSync(join(out, 'flamegraph.svg'), 'utf8'), /<svg[\s>]/);
    assert.ok(existsSync(join(out, 'cpu.prof')), 'the raw cProfile file');
    const imported = await runCli(['profile', '--import', join(out, 'cpu.prof'), '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    const back = JSON.parse(imported.stdout) as Profile;
    assert.ok(back.functions.some((f) => f.name === 'work' && f.calls === 1));
  });
});

test('--import of a damaged file is a one-line error naming it', async () => {
  await withTempDir(async (dir) => {
    const bad = join(dir, 'broken.prof');
    execFileSync('sh', ['-c', `printf '{\\x80garbage' > ${bad}`]);
    const r = await runCli(['profile', '--import', bad]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.prof/);
    assert.equal(r.stdout, '');
  });
});

test('without py-spy: sample mode says how to install it and falls back to cProfile', async () => {
  await withTempDir(async (dir) => {
    // A virtualenv has its own scripts dir (no py-spy there) and PATH leaves out the one that has it.
    const venv = join(dir, 'venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
    const r = await runCli(['--python', join(venv, 'bin', 'python'), 'profile', '--mode', 'sample', '--json', fixture('exit3.py')], {
      env: { PATH: '/usr/bin:/bin' },
    });
    assert.equal(r.code, 3, r.stderr);
    // The fix names this interpreter (its pip comes from the system site-packages), not a python3 that may be another.
    const venvPython = join(venv, 'bin', 'python');
    assert.ok(
      logLines(r.stderr).some((l) => l.level === 40 && l.msg.includes(`to sample, run: ${venvPython} -m pip install py-spy`)),
      r.stderr,
    );
    const p = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Profile;
    assert.equal(p.meta.mode, 'cpu');
    assert.match(p.meta.passes[0]!.reason, /py-spy is missing/);
  });
});

test('auto: a later pass that fails costs only its own view; the first pass is still reported', async () => {
  await withTempDir(async (dir) => {
    const r = await runCli(['profile', '--json', fixture('second_run_dies.py')], { env: { VECPROF_TEST_MARKER: join(dir, 'ran-once') } });
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout) as Profile;
    assert.equal(p.meta.passes.length, 1);
    assert.ok(p.functions.some((f) => f.name === 'busy'));
    assert.ok(logLines(r.stderr).some((l) => l.level === 40 && /the lines pass failed/.test(l.msg)));
  });
});
