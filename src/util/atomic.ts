// Files appear whole or not at all: write a sibling temp file, then rename over the target.
import { rename, rm, writeFile } from 'node:fs/promises';
import { renameSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/**
 * Creates the missing levels of `dir` one by one. Not `mkdir(…, { recursive: true })`: Node 20's recursive mkdir
 * spins forever at 100 % CPU for a path under /proc (see util/out-dir.ts); one plain mkdir fails there at once.
 */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let level = dir; ; level = dirname(level)) {
    try {
      if (statSync(level).isDirectory()) break;
    } catch {
      // missing (or a parent is a file): the mkdir below says which, in its own error
    }
    missing.push(level);
    if (dirname(level) === level) break;
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw err;
    }
  }
}

function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  makeDirs(dirname(path));
  const tmp = tempSibling(path);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Synchronous twin, for signal handlers and exit paths where awaiting is not possible. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  makeDirs(dirname(path));
  const tmp = tempSibling(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
