// An output directory (--out DIR, or the folder of --html FILE) made ready before any long work starts, so a run
// never ends in "cannot write". Node 20's recursive mkdir is not used: under /proc it gets ENOENT for a directory
// whose parent exists, retries, and spins forever at 100 % CPU. We walk up to the nearest ancestor that exists,
// check it is a writable directory, create each missing level ourselves, and write a probe file to be sure.
import { constants } from 'node:fs';
import { access, mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

function reasonFor(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'ENOENT') return 'this file system does not allow creating it';
  return code ?? (err instanceof Error ? err.message : String(err));
}

/** An empty path would resolve to the working directory: `--html ''` is a slip, not a request to write there. */
function refuseEmpty(given: string, optionName: string, what: string): void {
  if (given.trim() === '') throw new UsageError(`${optionName} was given an empty path`, { hint: `give ${optionName} ${what}` });
}

/** What stands at `path`: a directory, something else, or nothing (including "a parent is a file": ENOTDIR). */
async function kindOf(path: string): Promise<'dir' | 'other' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw err;
  }
}

/**
 * Makes `dir` exist and be writable, or throws one UsageError line: "cannot write to --out DIR: not a directory:
 * choose a writable directory". `optionName` names the option in that line; `given` is the user's spelling of the
 * path (defaults to `dir`). Returns the absolute directory.
 */
export async function prepareOutDir(dir: string, optionName: string, given: string = dir): Promise<string> {
  refuseEmpty(given, optionName, 'a directory');
  const fail = (reason: string): UsageError =>
    new UsageError(`cannot write to ${optionName} ${given}: ${reason}`, { hint: 'choose a writable directory' });
  const target = resolve(dir);
  const missing: string[] = [];
  let existing = target;
  try {
    for (;;) {
      const kind = await kindOf(existing);
      if (kind === 'dir') break;
      if (kind === 'other') {
        throw fail(existing === target ? 'not a directory' : `not a directory (${existing} is a file)`);
      }
      missing.push(existing);
      const up = dirname(existing);
      if (up === existing) throw fail('no existing parent directory');
      existing = up;
    }
    await access(existing, constants.W_OK | constants.X_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw fail(reasonFor(err));
  }
  const created: string[] = [];
  const probe = join(target, `.vecprof-write-probe-${process.pid}`);
  try {
    for (const level of missing.reverse()) {
      try {
        await mkdir(level);
        created.push(level);
      } catch (err) {
        // Someone else made it meanwhile: fine if it is a directory.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || (await kindOf(level)) !== 'dir') throw err;
      }
    }
    // access() says yes to root everywhere and knows nothing of read-only mounts or /proc: write for real.
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    // Leave nothing behind: the probe and the directories made here go again, innermost first.
    await rm(probe, { force: true }).catch(() => undefined);
    for (const level of created.reverse()) await rmdir(level).catch(() => undefined);
    throw fail(reasonFor(err));
  }
  return target;
}

/** For an output file (--html FILE): refuses a directory, and prepares the folder that will hold it. */
export async function prepareOutFile(file: string, optionName: string): Promise<string> {
  refuseEmpty(file, optionName, 'a file path');
  const path = resolve(file);
  if ((await kindOf(path).catch(() => 'missing' as const)) === 'dir') {
    throw new UsageError(`cannot write to ${optionName} ${file}: it is a directory`, { hint: `give ${optionName} a file path` });
  }
  await prepareOutDir(dirname(path), optionName, file);
  return path;
}
