// Files a verb writes besides what it prints (--html, --out). Their paths are made ready before the work starts
// (util/out-dir.ts), so a run of minutes never ends in "cannot write"; they are written after the results are
// printed, so a file that still cannot be written (the disk filled up, the program put something in its place)
// costs only that file, as one line, and the results are already out.
import { VecprofError } from '../errors.js';
import { log } from '../log.js';

export interface OutputWrite {
  /** What is written, for the error line: "the HTML report", "advice.json". */
  what: string;
  path: string;
  write: () => Promise<void>;
  /** What the reader should know and do when it fails, if not that the results above are complete. */
  hint?: string;
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
      log.error(new VecprofError(`cannot write ${w.what} to ${w.path} (${code})`, { hint: w.hint ?? 'the results above are complete; free space or give a writable path and run again' }).oneLine());
    }
  }
  return ok;
}

/** The exit status after a file could not be written: the program's own failure if it failed, else 1. */
export function exitAfterFailedWrite(code: number): number {
  return code === 0 ? 1 : code;
}
