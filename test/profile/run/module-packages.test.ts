// `-m pkg.mod` runs as `python -m pkg.mod` would: the package's __init__ is the program's own work (in the profile,
// in every mode), a missing dependency of the package is the program's failure (traceback, exit 1), and only a
// module or parent package that is not there is vecprof's one-line usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../../../testkit/run-cli.js';
import { findPySpy } from '../../../src/python/tools.js';
import type { Profile } from '../../../src/profile/model.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'profile', 'run');
const INIT = join(FIXTURES, 'busy_pkg', '__init__.py');
const pyspy = await findPySpy();
const NO_PYSPY = pyspy ? false : 'py-spy is not installed here (python3 -m pip install py-spy): sample mode not tested';

function modelAfter(stdout: string): Profile {
  const start = stdout.indexOf('{\n  "version": 1');
  assert.ok(start >= 0, `no profile JSON in stdout: ${stdout.slice(0, 300)}`);
  return JSON.parse(stdout.slice(start)) as Profile;
}

test('cpu: the 0.3 s a package spends in its __init__ is in the profile of -m pkg.mod', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', '--json', '-m', 'busy_pkg.main', 'a'], { cwd: FIXTURES });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /argv \['a'\] table True/, 'the module ran, with its own arguments');
  const build = modelAfter(r.stdout).functions.find((f) => f.file === INIT && f.name === 'build_table');
  assert.ok(build, 'build_table of busy_pkg/__init__.py is in the profile');
  assert.ok((build.totalTime ?? 0) > 0.2, `build_table took ${String(build.totalTime)} s`);
});

test('sample: the package __init__\'s samples are kept, not dropped as the launcher\'s', { skip: NO_PYSPY }, async () => {
  const r = await runCli(['profile', '--mode', 'sample', '--json', '-m', 'busy_pkg.main'], { cwd: FIXTURES });
  assert.equal(r.code, 0, r.stderr);
  const profile = modelAfter(r.stdout);
  const share = profile.lines.filter((l) => l.file === INIT).reduce((s, l) => s + l.share, 0);
  assert.ok(share > 0.5, `busy_pkg/__init__.py has ${share} of the samples`);
});

test('a missing dependency of the package is the program failing: its traceback, exit 1', async () => {
  const r = await runCli(['profile', '--mode', 'cpu', '-m', 'broken_pkg.main'], { cwd: FIXTURES });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /Traceback \(most recent call last\):/);
  assert.match(r.stderr, /broken_pkg\/__init__\.py", line 2, in <module>/);
  assert.match(r.stderr, /ModuleNotFoundError: No module named 'vecprof_missing_dependency_xyz'/);
  assert.doesNotMatch(r.stderr, /cannot run -m/);
});

for (const [name, message] of [
  ['no_such_pkg_xyz.main', /cannot run -m no_such_pkg_xyz\.main: .*No module named 'no_such_pkg_xyz'/],
  ['busy_pkg.nope', /cannot run -m busy_pkg\.nope: No module named busy_pkg\.nope/],
] as const) {
  test(`a module or parent package that is not there (-m ${name}) is a one-line usage error`, async () => {
    const r = await runCli(['profile', '--mode', 'cpu', '-m', name], { cwd: FIXTURES });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /Traceback/);
  });
}
