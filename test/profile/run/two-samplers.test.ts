// Sample mode's two samplers: a Python-only py-spy for the shares, a native py-spy by pid for the splits, started
// while the launcher holds the program before its first line. When the native one cannot run, the profile loses
// only its splits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, logLines, runCli } from '../../../testkit/run-cli.js';
import { findPySpy } from '../../../src/python/tools.js';
import type { Profile } from '../../../src/profile/model.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'profile', 'run');
const KERNELS = join(FIXTURES, 'kernels.py');
const pyspy = await findPySpy();
const NO_PYSPY = pyspy ? false : 'py-spy is not installed here (python3 -m pip install py-spy): the samplers are not tested';

function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-two-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

const HELD = 'the program waited before its first line while the native sampler started (not counted in its time)';

test('sample: the native sampler starts while the program waits at its gate; --out keeps both recordings', { skip: NO_PYSPY }, async () => {
  await withTempDir(async (dir) => {
    const out = join(dir, 'out');
    const r = await runCli(['--log-level', 'info', 'profile', '--mode', 'sample', '--out', out, '--json', KERNELS, '0.6']);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Profile;
    const held = logLines(r.stderr).find((l) => l.msg === HELD);
    assert.ok(held, 'the wait at the gate is reported');
    const seconds = held.heldSeconds as number;
    // py-spy's first native sample alone (the interpreter's symbols) takes milliseconds; the limit is 5 s.
    assert.ok(seconds > 0.003 && seconds < 5, `held ${seconds} s`);
    assert.match(p.meta.tool ?? '', /\+ --native at 25 Hz/);
    const hot = [...p.lines].sort((a, b) => b.share - a.share)[0]!;
    assert.ok(hot.split && hot.split.nativeKernel > 0.6, `the hot line's split comes from the native recording: ${JSON.stringify(hot.split)}`);
    assert.ok(existsSync(join(out, 'sample.speedscope.json')), 'the full-rate recording');
    assert.ok(existsSync(join(out, 'sample-native.speedscope.json')), 'the native recording');
    assert.ok(p.samples?.frames.some((f) => f.native), 'the stacks carry the grafted native frames');
  });
});

test('sample --no-native: one Python-only sampler, no gate, no split', { skip: NO_PYSPY }, async () => {
  const r = await runCli(['--log-level', 'info', 'profile', '--mode', 'sample', '--no-native', '--json', KERNELS, '0.3']);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Profile;
  assert.ok(!logLines(r.stderr).some((l) => l.msg === HELD), 'nothing waited');
  assert.ok(p.lines.length > 0);
  assert.ok(p.lines.every((l) => l.split === undefined));
  assert.doesNotMatch(p.meta.tool ?? '', /native/);
});

// A py-spy that records Python frames as the real one does but refuses --native, as builds without unwinding do, or as
// Yama does to a process that is not the program's ancestor.
for (const [what, refusal, expected] of [
  ['cannot unwind native frames', 'Error: Collecting stack traces from native extensions (--native) is not supported on your platform.', /cannot record native frames here/],
  ['is not allowed to attach', 'Error: Permission denied (os error 13)', /not allowed to attach to the program \(ptrace\)/],
] as const) {
  test(`sample: when py-spy ${what}, the profile keeps its shares, has no split, and says why`, { skip: NO_PYSPY }, async () => {
    await withTempDir(async (dir) => {
      const venv = join(dir, 'venv');
      execFileSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
      const fake = join(venv, 'bin', 'py-spy');
      writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do [ "$a" = --native ] && { echo '${refusal}' >&2; exit 1; }; done\nexec '${pyspy!.path}' "$@"\n`);
      chmodSync(fake, 0o755);
      const r = await runCli(['--python', join(venv, 'bin', 'python'), 'profile', '--mode', 'sample', '--json', KERNELS, '0.4']);
      assert.equal(r.code, 0, r.stderr);
      const p = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Profile;
      const hot = [...p.lines].sort((a, b) => b.share - a.share)[0]!;
      assert.ok(hot.share > 0.5, `the kernel line still holds the samples: ${hot.share}`);
      assert.ok(p.lines.every((l) => l.split === undefined), 'no split without native frames');
      assert.ok(logLines(r.stderr).some((l) => l.level === 40 && expected.test(l.msg)), r.stderr);
      assert.doesNotMatch(p.meta.tool ?? '', /native/);
    });
  });
}

// py-spy 0.4 with --nonblocking now and then dies on a stack it read mid-change and writes nothing; this one runs the
// program (everything after `--`) without sampling it, so only the native sampler records.
test('sample: when the full-rate sampler writes nothing, the native recording stands in, with its splits', { skip: NO_PYSPY }, async () => {
  await withTempDir(async (dir) => {
    const venv = join(dir, 'venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
    const fake = join(venv, 'bin', 'py-spy');
    writeFileSync(
      fake,
      `#!/bin/sh\ncase " $* " in *" --native "*|*" --version "*) exec '${pyspy!.path}' "$@";; esac\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n`,
    );
    chmodSync(fake, 0o755);
    const r = await runCli(['--python', join(venv, 'bin', 'python'), 'profile', '--mode', 'sample', '--json', KERNELS, '0.6']);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as Profile;
    assert.ok(logLines(r.stderr).some((l) => l.level === 40 && /shares come from the native one at 25 Hz/.test(l.msg)), r.stderr);
    const hot = [...p.lines].sort((a, b) => b.share - a.share)[0]!;
    assert.ok(hot.share > 0.5, `the kernel line holds the native samples: ${hot.share}`);
    assert.ok(hot.split && hot.split.nativeKernel > 0.6, `its split: ${JSON.stringify(hot.split)}`);
  });
});
