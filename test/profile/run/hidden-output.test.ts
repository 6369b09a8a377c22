// A later run's output is hidden (it was shown on the first run); only the last 4 KiB of its stderr are kept, for the
// debug log, however much it wrote, and its temp file does not outlive the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, logLines, runCli } from '../../../testkit/run-cli.js';
import { tailOf } from '../../../src/profile/run/launch.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'profile', 'run');

test('a chatty later run: the debug log holds the last 4 KiB of its 3 MB of stderr, and no temp file is left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-hidden-'));
  let pid = 0;
  try {
    const r = await runCli(['profile', '--log-level', 'debug', join(FIXTURES, 'chatty_second_run.py')], {
      env: { VECPROF_TEST_MARKER: join(dir, 'ran-once') },
      onSpawn: (p) => (pid = p),
    });
    const logged = logLines(r.stderr).find((l) => /the program's stderr on this run/.test(l.msg));
    assert.ok(logged, r.stderr.slice(-2000));
    const tail = String(logged.stderr);
    assert.ok(Buffer.byteLength(tail) <= 4096 && Buffer.byteLength(tail) > 4000, `${Buffer.byteLength(tail)} bytes kept`);
    assert.match(tail, /éé\nthe last words\n$/);
    assert.doesNotMatch(tail, /\ufffd/, 'no character cut in half at the start');
    assert.deepEqual(readdirSync(tmpdir()).filter((f) => f.startsWith(`vecprof-stderr-${pid}-`)), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tailOf reads the last bytes of a file, starting on a whole character', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-tail-'));
  try {
    const path = join(dir, 'err.txt');
    writeFileSync(path, 'x' + 'é'.repeat(10) + 'end');
    const fd = openSync(path, 'r');
    try {
      assert.equal(tailOf(fd, 8), 'éé' + 'end', '8 bytes start in the middle of an é: that half is dropped');
      assert.equal(tailOf(fd, 1000), 'x' + 'é'.repeat(10) + 'end');
      assert.equal(tailOf(fd, 0), '');
    } finally {
      closeSync(fd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
