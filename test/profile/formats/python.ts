// Test support: run python3 for a few lines of setup (marshal dumps, a tiny cProfile run). Not a test file itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../testkit/run-cli.js';

export const PYTHON = process.env.VECPROF_TEST_PYTHON ?? 'python3';

export function python(code: string, args: string[] = [], cwd?: string): Buffer {
  return execFileSync(PYTHON, ['-c', code, ...args], { cwd, maxBuffer: 64 << 20 });
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-formats-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The project's seeded PRNG, so fuzz cases are the same on every run. */
export { seededRandom as seeded } from '../../../src/budget/stats.js';

export async function withTempDirAsync<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-formats-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const FIXTURES = join(REPO_ROOT, 'test/fixtures/profile/formats');
/** Where the py-spy fixtures were recorded; their absolute paths are moved to wherever this checkout lives. */
const RECORDED_AT = '/work/main/test/fixtures/profile/formats';

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8').split(RECORDED_AT).join(FIXTURES);
}
