// The run's bookkeeping: which sizes are finished, and the partial file written as they finish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SizeTracker } from '../../src/budget/run.js';
import { PartialWriter, runToOutcome } from '../../src/budget/interruptible.js';
import { VecprofError } from '../../src/errors.js';
import { PYTHON_HELPERS_DIR } from '../../src/paths.js';
import { REPO_ROOT } from '../../testkit/run-cli.js';

const noProgress = { start() {}, update() {}, stop() {} };

test('a size is finished when NumPy and (up to --loop-max) the loop have both arrived, in either order', () => {
  const t = new SizeTracker(20);
  assert.equal(t.add({ kernel: 'numpy', exponent: 4 }), false, 'NumPy alone does not finish a size the loop is measured at');
  assert.equal(t.add({ kernel: 'loop', exponent: 4 }), true);
  assert.equal(t.add({ kernel: 'loop', exponent: 5 }), false);
  assert.equal(t.add({ kernel: 'numpy', exponent: 5 }), true);
  assert.equal(t.add({ kernel: 'numpy', exponent: 22 }), true, 'above --loop-max NumPy is all there is');
  assert.equal(t.add({ kernel: 'numpy', exponent: 6 }), false);
  assert.equal(t.finishedCount, 3);
  const cells = [4, 4, 5, 5, 22, 6].map((exponent) => ({ exponent }));
  assert.deepEqual(t.finished(cells).map((c) => c.exponent), [4, 4, 5, 5, 22]);
});

test('PartialWriter: a write that fails is caught, reported once, and later writes are skipped', async () => {
  const blocker = join(mkdtempSync(join(tmpdir(), 'vecprof-writer-')), 'file');
  writeFileSync(blocker, 'x');
  const writer = new PartialWriter(join(blocker, 'budget.json')); // a path under a file: ENOTDIR
  const failures: VecprofError[] = [];
  writer.onFailure = (e) => failures.push(e);
  writer.write(() => ({ n: 1 }));
  writer.write(() => ({ n: 2 }));
  await writer.settled();
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.message, /cannot write .*budget\.json: its directory is gone or is not a directory/);
  assert.equal(writer.failure, failures[0]);
});

test('PartialWriter.discard removes the file it wrote, and only that', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-writer-'));
  const path = join(dir, 'budget.json');
  const writer = new PartialWriter(path);
  assert.equal(await writer.discard(), 'nothing', 'nothing written yet');
  writer.write(() => ({ n: 1 }));
  await writer.settled();
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { n: 1 });
  assert.equal(await writer.discard(), 'removed');
  assert.equal(existsSync(path), false);
});

test('PartialWriter.discard says "gone" when the folder was replaced by a file, rather than claiming a removal', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'vecprof-writer-')), 'out');
  mkdirSync(dir);
  const writer = new PartialWriter(join(dir, 'budget.partial.json'), join(dir, 'budget.json'));
  writer.write(() => ({ n: 1 }));
  await writer.settled();
  rmSync(dir, { recursive: true });
  writeFileSync(dir, 'now a file');
  assert.equal(await writer.discard(), 'gone');
});

test('PartialWriter with keepAs: snapshots go to the scratch file; commit renames it over the result, discard leaves the result alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-writer-'));
  const [scratch, final] = [join(dir, 'budget.partial.json'), join(dir, 'budget.json')];
  writeFileSync(final, '"earlier"\n');
  const failed = new PartialWriter(scratch, final);
  failed.write(() => ({ n: 1 }));
  await failed.settled();
  assert.equal(readFileSync(final, 'utf8'), '"earlier"\n', 'a snapshot does not touch the result');
  assert.equal(await failed.discard(), 'removed');
  assert.deepEqual(readdirSync(dir), ['budget.json']);
  assert.equal(readFileSync(final, 'utf8'), '"earlier"\n');

  const good = new PartialWriter(scratch, final);
  good.write(() => ({ n: 1 }));
  good.write(() => ({ n: 2 }));
  await good.commit();
  assert.equal(good.failure, null);
  assert.deepEqual(readdirSync(dir), ['budget.json']);
  assert.deepEqual(JSON.parse(readFileSync(final, 'utf8')), { n: 2 });
  assert.equal(await good.discard(), 'nothing', 'after the commit there is no scratch file to remove');
  assert.ok(existsSync(final));
});

test('PartialWriter.commit that cannot rename keeps the failure and removes the scratch file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-writer-'));
  const [scratch, final] = [join(dir, 'budget.partial.json'), join(dir, 'budget.json')];
  mkdirSync(final); // a non-empty directory where the result goes: the rename fails
  writeFileSync(join(final, 'x'), 'x');
  const writer = new PartialWriter(scratch, final);
  writer.write(() => ({ n: 1 }));
  await writer.commit();
  assert.ok(writer.failure);
  assert.match(writer.failure.message, /^cannot write .*budget\.json/);
  assert.equal(existsSync(scratch), false);
});

test('PartialWriter.commit after a failed last write (disk full): the stale scratch file is removed, the result left alone, and abandon says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-writer-'));
  const [scratch, final] = [join(dir, 'budget.partial.json'), join(dir, 'budget.json')];
  writeFileSync(final, '"earlier"\n');
  let writes = 0;
  const diskFillsUp = async (path: string, text: string): Promise<void> => {
    if (++writes > 1) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    writeFileSync(path, text);
  };
  const writer = new PartialWriter(scratch, final, diskFillsUp);
  writer.write(() => ({ stopReason: 'still running' }));
  await writer.settled();
  assert.ok(existsSync(scratch), 'the mid-run snapshot was written');
  writer.write(() => ({ complete: true }));
  await writer.commit();
  assert.ok(writer.failure);
  assert.equal(writer.failure.message, `cannot write ${scratch}: no space left on the device`);
  assert.deepEqual(readdirSync(dir), ['budget.json'], 'no "still running" scratch file is left behind');
  assert.equal(readFileSync(final, 'utf8'), '"earlier"\n');
  assert.equal(await writer.abandon(), `; the partial ${scratch} was removed; the earlier ${final} is left as it was`, 'the first discard is what is reported');
});

test('PartialWriter.abandon says what a failed run left: nothing written, or no earlier result', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-writer-'));
  const [scratch, final] = [join(dir, 'budget.partial.json'), join(dir, 'budget.json')];
  assert.equal(await new PartialWriter(scratch, final).abandon(), `; no ${final} was written`);
  const writer = new PartialWriter(scratch, final);
  writer.write(() => ({ n: 1 }));
  await writer.settled();
  assert.equal(await writer.abandon(), `; the partial ${scratch} was removed; no ${final} was written`);
  assert.equal(await new PartialWriter(null, null).abandon(), '');
});

test('a write failure mid-run stops the helper and becomes the outcome (no unhandled rejection, no orphan)', async () => {
  const blocker = join(mkdtempSync(join(tmpdir(), 'vecprof-writer-')), 'file');
  writeFileSync(blocker, 'x');
  const writer = new PartialWriter(join(blocker, 'budget.json'));
  let pids = null as { child: number; grandchild: number } | null;
  const started = Date.now();
  const outcome = await runToOutcome(
    {
      python: 'python3',
      script: join(REPO_ROOT, 'test/fixtures/python/grandchild.py'), // runs until stopped
      env: { ...process.env, VECPROF_HELPERS: PYTHON_HELPERS_DIR },
      label: 'fixture',
      onMessage: (m) => {
        if (m.type === 'pids') {
          pids = { child: Number(m.me), grandchild: Number(m.grandchild) };
          writer.write(() => ({ n: 1 }));
        }
      },
    },
    noProgress,
    writer,
  );
  assert.equal(outcome.stoppedBy, null);
  assert.ok(outcome.failure instanceof VecprofError);
  assert.match(outcome.failure.message, /cannot write .*budget\.json/);
  assert.ok(Date.now() - started < 10_000, 'stopped promptly');
  assert.ok(pids, 'the fixture started');
  const gone = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  const deadline = Date.now() + 3000;
  while (!gone(pids!.grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  assert.ok(gone(pids!.grandchild), 'the helper\'s grandchild was stopped too');
});
