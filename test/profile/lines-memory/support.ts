// Shared by the lines/memory truth tests: the interpreter, fixture paths, a temp dir, and the script's own timings.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../testkit/run-cli.js';
import { locatePython, type PythonInfo } from '../../../src/python/locate.js';
import type { LineStat, Profile } from '../../../src/profile/model.js';
import type { RunOptions } from '../../../src/profile/run/types.js';

export const FIXTURES = join(REPO_ROOT, 'test/fixtures/profile/lines-memory');

let cached: Promise<PythonInfo> | undefined;
export function pythonWithNumpy(): Promise<PythonInfo> {
  cached ??= locatePython({ requireNumpy: true });
  return cached;
}

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export async function options(script: string, args: string[], extra: Partial<RunOptions> = {}): Promise<RunOptions> {
  return { python: await pythonWithNumpy(), target: { script: fixture(script) }, args, cwd: FIXTURES, ...extra };
}

export async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'vecprof-lm-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function readTimings(path: string): Record<string, number> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, number>;
}

export function lineOf(profile: Profile, script: string, line: number): LineStat {
  const found = profile.lines.find((l) => l.file === fixture(script) && l.line === line);
  if (!found) throw new Error(`no entry for ${script}:${line} in ${profile.lines.map((l) => `${l.line}`).join(',')}`);
  return found;
}

/** Percentage points, for messages. */
export function pts(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
