// Files a verb writes besides what it prints (--html, --out): checked before the work starts, so a run of minutes
// never ends in "cannot write"; written after the results are printed, so a file that still cannot be written (the
// disk filled up, the directory went away) costs only that file, as one line.
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError, VecprofError } from '../errors.js';
import { log } from '../log.js';

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return null; // a parent is a file: reported where that parent is found
    throw err;
  }
}

/** The directory that will hold `path`, or the nearest one that exists (the writers create the rest). */
function checkParent(path: string, option: string, given: string): void {
  let dir = dirname(path);
  for (;;) {
    const st = statOrNull(dir);
    if (st !== null) {
      if (!st.isDirectory()) {
        throw new UsageError(`cannot write ${option} ${given}: ${dir} is a file, not a directory`, { hint: 'give a path in a writable directory' });
      }
      try {
        accessSync(dir, constants.W_OK);
      } catch {
        throw new UsageError(`cannot write ${option} ${given}: the directory ${dir} is not writable`, { hint: 'give a path in a writable directory' });
      }
      return;
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** Refuses an output file that cannot be written, before any work: its directory must be (or become) writable. */
export function checkOutputFile(given: string, option: string): void {
  const path = resolve(given);
  if (statOrNull(path)?.isDirectory()) {
    throw new UsageError(`cannot write ${option} ${given}: it is a directory`, { hint: `give ${option} a file path, e.g. ${option} report.html` });
  }
  checkParent(path, option, given);
}

/** Refuses an output directory that cannot be used, before any work: it must be a writable directory or creatable. */
export function checkOutputDir(given: string, option: string): void {
  const path = resolve(given);
  const st = statOrNull(path);
  if (st === null) {
    checkParent(path, option, given);
    return;
  }
  if (!st.isDirectory()) throw new UsageError(`cannot use ${option} ${given}: it is a file, not a directory`, { hint: `give ${option} a directory path` });
  try {
    accessSync(path, constants.W_OK);
  } catch {
    throw new UsageError(`cannot use ${option} ${given}: the directory is not writable`, { hint: 'give a directory you can write to' });
  }
}

export interface OutputWrite {
  /** What is written, for the error line: "the HTML report", "advice.json". */
  what: string;
  path: string;
  write: () => Promise<void>;
}

/**
 * Writes each file, after the results were printed. A failure is one error line naming the file; the others are
 * still written. Returns whether all were.
 */
export async function writeOutputs(writes: OutputWrite[]): Promise<boolean> {
  let ok = true;
  for (const w of writes) {
    try {
      await w.write();
      log.info({ file: w.path }, `wrote ${w.what}`);
    } catch (err) {
      ok = false;
      if (err instanceof VecprofError) {
        log.error(err.oneLine());
        continue;
      }
      const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      log.error(new VecprofError(`cannot write ${w.what} to ${w.path} (${code})`, { hint: 'the results above are complete; free space or give a writable path and run again' }).oneLine());
    }
  }
  return ok;
}

/** The exit status after a file could not be written: the program's own failure if it failed, else 1. */
export function exitAfterFailedWrite(code: number): number {
  return code === 0 ? 1 : code;
}
