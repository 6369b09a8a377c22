// The cost-model cache the advise tests share (testkit sharedTestCacheDir) lasts as long as the test runner and no
// longer: it is removed once the runner ends, and dirs left by runners that are gone are swept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../testkit/run-cli.js';

const RUN_CLI = join(REPO_ROOT, 'dist', 'testkit', 'run-cli.js');

/** A stand-in for the test runner: it runs one "test file" that asks for the dir, prints it, and ends when told. */
const RUNNER = `
const { execFileSync } = require('node:child_process');
const file = 'import { sharedTestCacheDir } from ' + JSON.stringify(process.argv[1]) + '; console.log(sharedTestCacheDir());';
process.stdout.write(execFileSync(process.execPath, ['--input-type=module', '-e', file], { encoding: 'utf8' }));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) if (condition()) return true;
  return condition();
}

test('the shared test cache dir is removed once its runner has ended; a dir of a runner that is gone is swept', async () => {
  const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that no process has any more
  const stale = join(tmpdir(), `vecprof-test-cache-${gone}`);
  mkdirSync(join(stale, 'left-behind'), { recursive: true });
  const runner = spawn(process.execPath, ['-e', RUNNER, RUN_CLI], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  runner.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  assert.ok(await until(() => out.includes('\n'), 20_000), 'the runner printed its cache dir');
  const dir = out.trim();
  assert.equal(dir, join(tmpdir(), `vecprof-test-cache-${runner.pid}`));
  assert.ok(existsSync(dir), 'the dir exists while the runner runs');
  assert.equal(existsSync(stale), false, 'the dir of a runner that is gone was swept');
  runner.stdin.end();
  assert.ok(await until(() => !existsSync(dir), 5_000), `${dir} is removed after the runner ended`);
});
