import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VecprofError } from '../../src/errors.js';
import { candidates, locatePython, numpyInstallCommand } from '../../src/python/locate.js';
import { REPO_ROOT } from '../../testkit/run-cli.js';

function fakeEnv(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-env-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'python'), '');
  return dir;
}

test('--python wins over everything, then $VECPROF_PYTHON', () => {
  const venv = fakeEnv();
  assert.deepEqual(candidates({ python: '/x/py', env: { VECPROF_PYTHON: '/y/py', VIRTUAL_ENV: venv } }), [{ command: '/x/py', source: '--python' }]);
  assert.deepEqual(candidates({ env: { VECPROF_PYTHON: '/y/py', VIRTUAL_ENV: venv } }), [{ command: '/y/py', source: 'VECPROF_PYTHON' }]);
});

test('an active virtualenv, then conda, then python3 and python on PATH', () => {
  const venv = fakeEnv();
  const conda = fakeEnv();
  assert.deepEqual(
    candidates({ env: { VIRTUAL_ENV: venv, CONDA_PREFIX: conda } }).map((c) => c.source),
    ['virtualenv', 'conda', 'PATH', 'PATH'],
  );
  assert.equal(candidates({ env: { VIRTUAL_ENV: venv } })[0]!.command, join(venv, 'bin', 'python'));
  // A stale VIRTUAL_ENV whose interpreter is gone is skipped rather than failing.
  assert.deepEqual(candidates({ env: { VIRTUAL_ENV: '/gone/venv' } }).map((c) => c.command), ['python3', 'python']);
});

test('locatePython finds python3 with NumPy here', async () => {
  const info = await locatePython({ env: {} });
  assert.equal(info.source, 'PATH');
  assert.ok(info.numpy);
  assert.match(info.version, /^3\.\d+/);
});

test('a --python that does not exist is one clear error', async () => {
  await assert.rejects(locatePython({ python: '/nope/python' }), /Python interpreter not found: \/nope\/python/);
});

test('an interpreter older than 3.9 is refused, naming its version and what to pass instead', async () => {
  const old = join(REPO_ROOT, 'test/fixtures/budget/old-python.sh'); // answers the probe as Python 3.8.10 would
  await assert.rejects(locatePython({ python: old }), (e: unknown) => {
    assert.ok(e instanceof VecprofError);
    assert.equal(e.oneLine(), 'Python 3.8.10 at /usr/bin/python3.8 is too old; vecprof needs 3.9 or newer: pass --python PATH to a newer interpreter (or set VECPROF_PYTHON)');
    return true;
  });
});

test('a program that is not Python (/bin/true) is refused with what to do about it', async () => {
  await assert.rejects(locatePython({ python: '/bin/true' }), (e: unknown) => {
    assert.ok(e instanceof VecprofError);
    assert.match(e.message, /^\/bin\/true ran but did not answer the probe/);
    assert.match(e.hint ?? '', /--python PATH to a Python 3\.9\+ interpreter/);
    return true;
  });
});

test('the NumPy install command works for the interpreter at hand: pip, no pip, no ensurepip', () => {
  const base = { executable: '/v/bin/python', prefix: '/v', basePrefix: '/usr' };
  assert.equal(numpyInstallCommand({ ...base, pip: true, ensurepip: true }), '/v/bin/python -m pip install numpy');
  assert.equal(
    numpyInstallCommand({ ...base, pip: false, ensurepip: true }),
    '/v/bin/python -m ensurepip --upgrade && /v/bin/python -m pip install numpy',
  );
  assert.match(numpyInstallCommand({ ...base, pip: false, ensurepip: false }), /^python3 -m venv --clear \/v && \/v\/bin\/python -m pip install numpy/);
  assert.match(numpyInstallCommand({ ...base, prefix: '/usr', pip: false, ensurepip: false }), /apt-get install python3-pip/);
});

test('the probe says whether pip and ensurepip are there', async () => {
  const info = await locatePython({ env: {} });
  assert.equal(typeof info.pip, 'boolean');
  assert.equal(typeof info.ensurepip, 'boolean');
  assert.equal(info.basePrefix.length > 0, true);
});
