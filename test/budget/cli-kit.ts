// What the budget CLI tests share: a tiny sweep, temp folders, and ways to stop a run once it has written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../testkit/run-cli.js';
import type { BudgetResult } from '../../src/budget/types.js';

export const TINY = ['budget', '--sizes', '2..8', '--min-samples', '5', '--min-time', '0.02', '--sample-ms', '0.5', '--passes', '2', '--no-peak'];

/** A Python whose budget helper dies (as a segfaulting extension would) once the first size has been reported. */
export const CRASH_AFTER_ONE = join(REPO_ROOT, 'test/fixtures/budget/crash-after-one-size.sh');

/** A Python whose measuring helper finishes, after which $VECPROF_TEST_BLOCK_OUT (the --out folder) becomes a file, once the last snapshot ($VECPROF_TEST_BLOCK_ROWS rows) is written. */
export const BLOCK_OUT_AT_END = join(REPO_ROOT, 'test/fixtures/budget/block-out-at-end.sh');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vecprof-budget-'));
}

export function noTempFiles(dir: string): void {
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no half-written files left behind');
}

/**
 * Sends `signal` once `path` has been written, and keeps the first version of it (the mid-run file) for the test,
 * and whether budget.json was there at that moment.
 */
export function signalOnceWritten(path: string, signal: NodeJS.Signals, seen: { first?: BudgetResult; finalThen?: boolean }): (pid: number) => void {
  return (pid) => {
    const poll = setInterval(() => {
      if (!existsSync(path)) return;
      clearInterval(poll);
      seen.first = JSON.parse(readFileSync(path, 'utf8')) as BudgetResult; // written atomically: whole or absent
      seen.finalThen = existsSync(join(path, '..', 'budget.json'));
      setTimeout(() => process.kill(pid, signal), 300);
    }, 20);
  };
}
