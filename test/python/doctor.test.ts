// vecprof doctor's fixes for the interpreter at hand: a system-managed Python (PEP 668) gets fixes that work there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../../testkit/run-cli.js';
import type { DoctorReport } from '../../src/commands/doctor.js';
import { numpyInstallWithoutPython } from '../../src/python/locate.js';

const MANAGED = join(REPO_ROOT, 'test/fixtures/budget/managed-python.sh'); // Debian's python3 without NumPy (PEP 668)

test('doctor on a system-managed Python: says so, and its NumPy and py-spy fixes are not `pip install` into it', async () => {
  // PATH without the user's tools, so py-spy is missing here as on a fresh Debian machine.
  const r = await runCli(['--python', MANAGED, 'doctor', '--json'], { env: { PATH: '/usr/bin:/bin' } });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as DoctorReport;
  assert.equal(report.python?.externallyManaged, true);
  const check = (name: string): DoctorReport['checks'][number] => {
    const found = report.checks.find((c) => c.name === name);
    assert.ok(found, `${name} check present`);
    return found;
  };
  assert.match(check('Python').found, /managed by the system, PEP 668/);
  const numpy = check('NumPy');
  assert.equal(numpy.ok, false);
  assert.match(numpy.found, /pip will not install into it/);
  assert.match(numpy.fix ?? '', /\/usr\/bin\/python3 -m venv \.venv && \.venv\/bin\/python -m pip install numpy, then pass --python \.venv\/bin\/python$/);
  assert.doesNotMatch(numpy.fix ?? '', /^\/usr\/bin\/python3 -m pip/);
  const pySpy = check('py-spy');
  if (pySpy.ok) return; // a py-spy in /usr/bin: nothing to fix
  assert.match(pySpy.fix ?? '', /^pipx install py-spy.*, or make a venv: .*\.venv\/bin\/python -m pip install numpy py-spy/);
});

test('doctor prints the managed-Python fix as text too', async () => {
  const r = await runCli(['--python', MANAGED, 'doctor'], { env: { PATH: '/usr/bin:/bin' } });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /MISS\s+NumPy\s+not installed \(this Python is managed by the system/);
  assert.match(r.stdout, /fix: .*-m venv \.venv/);
});

test('doctor with no Python: the NumPy fix says to install Python first, not `python3 -m pip install numpy`', async () => {
  const r = await runCli(['--python', '/no/such/python3', 'doctor', '--json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as DoctorReport;
  assert.equal(report.python, null);
  const numpy = report.checks.find((c) => c.name === 'NumPy');
  assert.ok(numpy);
  assert.equal(numpy.found, 'unknown (no Python)');
  assert.match(numpy.fix ?? '', /^install Python 3\.9\+ first/);
  assert.match(numpy.fix ?? '', /PEP 668/);
  assert.doesNotMatch(numpy.fix ?? '', /^python3 -m pip install numpy$/);
});

test('the NumPy fix without a Python: apt systems get the distribution packages, others a venv', () => {
  assert.equal(
    numpyInstallWithoutPython({ apt: true }),
    'install Python 3.9+ first, with NumPy from the same place: sudo apt install python3 python3-numpy (pip will not install into the system Python, PEP 668; for a venv add python3-venv)',
  );
  assert.match(numpyInstallWithoutPython({ apt: false }), /^install Python 3\.9\+ first .*python3 -m venv \.venv && \.venv\/bin\/python -m pip install numpy, then pass --python \.venv\/bin\/python; .*PEP 668/);
});
