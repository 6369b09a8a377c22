import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, VecprofError } from '../../src/errors.js';
import { candidates, locatePython, numpyInstallCommand, pySpyInstallCommand } from '../../src/python/locate.js';
import { REPO_ROOT, runCli } from '../../testkit/run-cli.js';

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

const APT = { apt: true };
const NO_APT = { apt: false };

test('the NumPy install command works for the interpreter at hand: pip, no pip, no ensurepip', () => {
  const base = { executable: '/v/bin/python', prefix: '/v', basePrefix: '/usr' };
  const system3 = { ...base, pip: false };
  assert.equal(numpyInstallCommand({ ...base, pip: true, ensurepip: true }), '/v/bin/python -m pip install numpy');
  assert.equal(
    numpyInstallCommand({ ...base, pip: false, ensurepip: true }),
    '/v/bin/python -m ensurepip --upgrade && /v/bin/python -m pip install numpy',
  );
  // Neither pip nor ensurepip (Debian without python3.11-venv): never `venv --clear`, which would empty the venv and,
  // made from the same Python, still have no pip; the venv gets ensurepip and keeps its packages.
  const bare = { ...base, version: '3.11.7', pip: false, ensurepip: false };
  assert.equal(
    numpyInstallCommand(bare, APT),
    'sudo apt install python3.11-venv && /v/bin/python -m ensurepip --upgrade && /v/bin/python -m pip install numpy (python3.11-venv brings the ensurepip this venv lacks; the venv keeps its packages)',
  );
  const elsewhere = numpyInstallCommand(bare, NO_APT);
  assert.match(elsewhere, /^install the package that gives \/usr\/bin\/python3 its ensurepip module .*then \/v\/bin\/python -m ensurepip --upgrade && \/v\/bin\/python -m pip install numpy; or make a new venv at another path/);
  for (const fix of [numpyInstallCommand(bare, APT), elsewhere]) assert.doesNotMatch(fix, /--clear|^python3 -m venv/);
  assert.match(numpyInstallCommand({ ...system3, ensurepip: false, version: undefined }, APT), /sudo apt install python3-venv &&/, 'the version unknown: the generic package');
  assert.match(numpyInstallCommand({ ...base, prefix: '/usr', pip: false, ensurepip: false }), /apt-get install python3-pip/);
});

test('the probe says whether pip and ensurepip are there', async () => {
  const info = await locatePython({ env: {} });
  assert.equal(typeof info.pip, 'boolean');
  assert.equal(typeof info.ensurepip, 'boolean');
  assert.equal(info.basePrefix.length > 0, true);
});

const MANAGED = join(REPO_ROOT, 'test/fixtures/budget/managed-python.sh'); // Debian's python3 without NumPy (PEP 668)

test('PEP 668: on a system-managed Python the NumPy fix is the distribution package or a venv, never pip into it', () => {
  const system = { executable: '/usr/bin/python3', prefix: '/usr', basePrefix: '/usr', pip: true, ensurepip: true, externallyManaged: true };
  assert.equal(
    numpyInstallCommand(system, APT),
    'sudo apt install python3-numpy, or make a venv: /usr/bin/python3 -m venv .venv && .venv/bin/python -m pip install numpy, then pass --python .venv/bin/python',
  );
  assert.match(numpyInstallCommand(system, NO_APT), /^install NumPy with the package manager that owns \/usr\/bin\/python3, or make a venv: /);
  // Debian without python3-venv: venv cannot make its pip until that package is in.
  assert.match(numpyInstallCommand({ ...system, ensurepip: false }, APT), /make a venv: sudo apt install python3-venv && \/usr\/bin\/python3 -m venv \.venv/);
  // Not managed (pyenv, a venv, CI's setup-python): plain pip, as before.
  assert.equal(numpyInstallCommand({ ...system, externallyManaged: false }, APT), '/usr/bin/python3 -m pip install numpy');
  assert.equal(numpyInstallCommand({ ...system, externallyManaged: null }, APT), '/usr/bin/python3 -m pip install numpy');
});

test('PEP 668: the py-spy fix is pipx or a venv on a system-managed Python, pip elsewhere', () => {
  const system = { executable: '/usr/bin/python3', prefix: '/usr', basePrefix: '/usr', pip: true, ensurepip: true, externallyManaged: true };
  assert.equal(
    pySpyInstallCommand(system, APT),
    'pipx install py-spy (sudo apt install pipx first if you lack it), or make a venv: /usr/bin/python3 -m venv .venv && .venv/bin/python -m pip install numpy py-spy, then pass --python .venv/bin/python',
  );
  assert.match(pySpyInstallCommand(system, NO_APT), /^pipx install py-spy, or make a venv: /);
  assert.equal(pySpyInstallCommand({ ...system, externallyManaged: false }, APT), '/usr/bin/python3 -m pip install py-spy');
  assert.equal(pySpyInstallCommand({ ...system, externallyManaged: false, pip: false }, APT), '/usr/bin/python3 -m ensurepip --upgrade && /usr/bin/python3 -m pip install py-spy');
  assert.equal(pySpyInstallCommand(null), 'python3 -m pip install py-spy');
});

test('PEP 668: locate reads externally_managed from the probe and its NumPy error gives the fix that works', async () => {
  const info = await locatePython({ python: MANAGED, requireNumpy: false });
  assert.equal(info.externallyManaged, true);
  await assert.rejects(locatePython({ python: MANAGED }), (e: unknown) => {
    assert.ok(e instanceof VecprofError);
    assert.equal(e.message, 'NumPy is not installed for /usr/bin/python3');
    assert.match(e.hint ?? '', /^run: .*\/usr\/bin\/python3 -m venv \.venv && \.venv\/bin\/python -m pip install numpy, then pass --python \.venv\/bin\/python$/);
    assert.doesNotMatch(e.hint ?? '', /run: \/usr\/bin\/python3 -m pip install numpy/);
    return true;
  });
});

test('the probe says whether an interpreter is externally managed, as that interpreter itself sees it', async (t) => {
  const here = await locatePython({ env: {} });
  const check =
    'import os,sys,sysconfig;' +
    "print(sys.prefix == sys.base_prefix and os.path.isfile(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))";
  assert.equal(here.externallyManaged, execFileSync(here.executable, ['-c', check], { encoding: 'utf8' }).trim() === 'True');
  // Debian's own python3, when this machine has one: the real PEP 668 case.
  const debian = '/usr/bin/python3';
  if (!existsSync(debian) || execFileSync(debian, ['-c', check], { encoding: 'utf8' }).trim() !== 'True') {
    t.diagnostic('no externally managed /usr/bin/python3 here');
    return;
  }
  assert.equal((await locatePython({ python: debian, requireNumpy: false })).externallyManaged, true);
  // A venv made from it is not managed: pip works there.
  const venv = join(mkdtempSync(join(tmpdir(), 'vecprof-pep668-')), 'venv');
  try {
    execFileSync(debian, ['-m', 'venv', '--without-pip', venv], { stdio: 'ignore' });
  } catch {
    return; // python3-venv not installed
  }
  assert.equal((await locatePython({ python: join(venv, 'bin', 'python'), requireNumpy: false })).externallyManaged, false);
});

test('an empty --python is a usage error, not a quiet fall-back to another interpreter', async () => {
  assert.throws(() => candidates({ python: '', env: {} }), (e: unknown) => e instanceof UsageError && e.message === '--python is empty');
  await assert.rejects(locatePython({ python: '  ' }), UsageError);
  const r = await runCli(['--python', '', 'budget', '--sizes', '4', '--no-peak']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--python is empty/);
  const doctor = await runCli(['--python', '', 'doctor']);
  assert.equal(doctor.code, 2, doctor.stderr);
  assert.equal(doctor.stdout, '');
});

test('a $VECPROF_PYTHON that does not exist: fix or unset VECPROF_PYTHON (not "pass --python")', async () => {
  await assert.rejects(locatePython({ env: { VECPROF_PYTHON: '/nope' } }), (e: unknown) => {
    assert.ok(e instanceof VecprofError);
    assert.equal(e.message, 'Python interpreter not found: /nope (from VECPROF_PYTHON)');
    assert.match(e.hint ?? '', /^fix or unset VECPROF_PYTHON/);
    return true;
  });
});

test('a file that is not Python gets the "not a working Python" hint, whether it runs (status 127) or cannot be run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-notpy-'));
  const text = join(dir, 'hostname');
  writeFileSync(text, 'vm\n', { mode: 0o755 }); // executable text: the kernel hands it to sh, which exits 127
  const plain = join(dir, 'notes.txt');
  writeFileSync(plain, 'x\n', { mode: 0o644 }); // not executable: EACCES
  for (const [python, detail] of [
    [text, /the probe exited with status 127/],
    [plain, /EACCES/],
  ] as const) {
    await assert.rejects(locatePython({ python }), (e: unknown) => {
      assert.ok(e instanceof VecprofError);
      assert.match(e.message, new RegExp(`^${python.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a working Python 3\\.9\\+: `));
      assert.match(e.message, detail);
      assert.equal(e.hint, `check it with \`${python} --version\`, then pass --python PATH to a Python 3.9+ interpreter`);
      assert.doesNotMatch(e.oneLine(), /--log-level debug/);
      return true;
    });
  }
  // From $VECPROF_PYTHON the hint says to fix or unset it.
  await assert.rejects(locatePython({ env: { VECPROF_PYTHON: text } }), (e: unknown) => e instanceof VecprofError && /fix or unset VECPROF_PYTHON/.test(e.hint ?? ''));
});
