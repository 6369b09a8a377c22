import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runHelper, type HelperMessage } from '../../src/python/worker.js';
import { InterruptedError, VecprofError } from '../../src/errors.js';
import { PYTHON_HELPERS_DIR } from '../../src/paths.js';
import { REPO_ROOT } from '../../testkit/run-cli.js';

const fixture = (name: string): string => join(REPO_ROOT, 'test/fixtures/python', name);
const env = { ...process.env, VECPROF_HELPERS: PYTHON_HELPERS_DIR };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

test('the probe helper answers hello over fd 3 with the protocol version', async () => {
  const r = await runHelper({ python: 'python3', script: join(PYTHON_HELPERS_DIR, 'vecprof_probe.py') });
  assert.equal(r.exitCode, 0);
  assert.deepEqual(r.messages.map((m) => m.type), ['hello', 'probe']);
  assert.equal(r.messages[0]!.v, 1);
});

test('a timeout kills the helper and its grandchild, and says so in one line', async () => {
  let pids: HelperMessage | undefined;
  await assert.rejects(
    runHelper({ python: 'python3', script: fixture('grandchild.py'), env, timeoutMs: 1500, label: 'fixture', onMessage: (m) => { if (m.type === 'pids') pids = m; } }),
    (e: unknown) => e instanceof VecprofError && /fixture timed out after 1\.5 s and was stopped/.test(e.message),
  );
  assert.ok(pids, 'the fixture reported its pids');
  assert.ok(await waitUntil(() => !alive(Number(pids!.grandchild)), 3000), 'grandchild is gone');
});

test('a timeout beyond setTimeout\'s 24.8 days (or Infinity) is no limit, not 1 ms, and Node prints no warning', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error): number => warnings.push(w);
  process.on('warning', onWarning);
  try {
    for (const timeoutMs of [1e999, 3e9, 2 ** 31]) {
      const r = await runHelper({ python: 'python3', script: join(PYTHON_HELPERS_DIR, 'vecprof_probe.py'), timeoutMs });
      assert.equal(r.exitCode, 0, `timeoutMs ${timeoutMs}`);
      assert.equal(r.timedOut, false);
    }
    await new Promise((r) => setImmediate(r)); // a warning is emitted on the next tick
    assert.deepEqual(warnings.map((w) => w.name), []);
  } finally {
    process.off('warning', onWarning);
  }
});

test('a helper that ignores SIGTERM is killed after the grace period', async () => {
  const started = Date.now();
  await assert.rejects(
    runHelper({ python: 'python3', script: fixture('grandchild.py'), args: ['ignore-term'], env, timeoutMs: 800, graceMs: 500 }),
    /timed out/,
  );
  assert.ok(Date.now() - started < 5000, 'did not hang on the ignored SIGTERM');
});

test('SIGINT to vecprof is forwarded: the helper stops and the call rejects with InterruptedError', async () => {
  let sent = false;
  await assert.rejects(
    runHelper({
      python: 'python3',
      script: fixture('grandchild.py'),
      env,
      onMessage: (m) => {
        if (m.type === 'pids' && !sent) {
          sent = true;
          process.emit('SIGINT', 'SIGINT'); // as if the user pressed Ctrl-C: our handler forwards it
        }
      },
    }),
    (e: unknown) => e instanceof InterruptedError && e.exitCode === 130,
  );
  assert.equal(process.listenerCount('SIGINT'), 0, 'the forwarding handler is removed afterwards');
});

test('a helper speaking another protocol version is refused with a reinstall hint', async () => {
  await assert.rejects(runHelper({ python: 'python3', script: fixture('wrong_protocol.py') }), (e: unknown) => {
    return e instanceof VecprofError && /protocol v99, vecprof expects v1/.test(e.message) && /reinstall/.test(e.hint ?? '');
  });
});

test('a line that is not JSON is a protocol error naming the line', async () => {
  await assert.rejects(runHelper({ python: 'python3', script: fixture('not_json.py') }), /not JSON: this is not json/);
});

test("a helper's own error message and hint are surfaced", async () => {
  await assert.rejects(runHelper({ python: 'python3', script: fixture('reports_error.py'), env, label: 'budget helper' }), (e: unknown) => {
    return e instanceof VecprofError && e.oneLine() === 'budget helper failed: the array is too large for this machine: pass smaller --sizes';
  });
});

test('SIGHUP (a closed terminal) is forwarded too: the helper stops, the error exits 129 (128 + 1)', async () => {
  let pids: HelperMessage | undefined;
  await assert.rejects(
    runHelper({
      python: 'python3',
      script: fixture('grandchild.py'),
      env,
      onMessage: (m) => {
        if (m.type === 'pids' && !pids) {
          pids = m;
          process.emit('SIGHUP', 'SIGHUP');
        }
      },
    }),
    (e: unknown) => e instanceof InterruptedError && e.signal === 'SIGHUP' && e.exitCode === 129,
  );
  assert.ok(await waitUntil(() => !alive(Number(pids!.grandchild)), 3000), 'grandchild is gone');
  assert.equal(process.listenerCount('SIGHUP'), 0, 'the forwarding handler is removed afterwards');
});

test('abort stops the helper and rejects with the reason the caller gave', async () => {
  const controller = new AbortController();
  let pids: HelperMessage | undefined;
  await assert.rejects(
    runHelper({
      python: 'python3',
      script: fixture('grandchild.py'),
      env,
      abort: controller.signal,
      onMessage: (m) => {
        if (m.type === 'pids' && !pids) {
          pids = m;
          controller.abort(new VecprofError('cannot write out/budget.json: no space left on the device'));
        }
      },
    }),
    /cannot write out\/budget\.json: no space left on the device/,
  );
  assert.ok(await waitUntil(() => !alive(Number(pids!.grandchild)), 3000), 'grandchild is gone');
});

test('InterruptedError exits 128 + the signal number (SIGTERM 143, not 130)', () => {
  assert.equal(new InterruptedError('SIGINT').exitCode, 130);
  assert.equal(new InterruptedError('SIGTERM').exitCode, 143);
  assert.equal(new InterruptedError('SIGHUP').exitCode, 129);
});
