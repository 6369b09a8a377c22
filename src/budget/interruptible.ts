// Running a measuring helper so that Ctrl-C keeps what finished: the helper's messages arrive as cells complete,
// partial results are written as they come, and an interrupt ends the run instead of failing it.
import { rm } from 'node:fs/promises';
import { InterruptedError, VecprofError } from '../errors.js';
import { runHelper, type HelperOptions } from '../python/worker.js';
import type { Progress } from '../render/progress.js';
import { writeFileAtomic } from '../util/atomic.js';

function writeError(path: string, err: unknown): VecprofError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'no space left on the device'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOTDIR' || code === 'EEXIST' || code === 'ENOENT'
          ? 'its directory is gone or is not a directory'
          : (code ?? String(err));
  return new VecprofError(`cannot write ${path}: ${why}`, { hint: 'choose a writable --out directory with free space and run again' });
}

/**
 * Writes a result file after each finished step, one write after another, never two at once. The first write
 * that fails is kept as `failure` and handed to `onFailure` (which stops the run); later writes are skipped.
 */
export class PartialWriter {
  private pending: Promise<void> = Promise.resolve();
  private written = false;
  failure: VecprofError | null = null;
  onFailure: (err: VecprofError) => void = () => undefined;

  constructor(readonly path: string | null) {}

  /** `make` is called now (the snapshot is of this moment); the write waits for the previous one. */
  write(make: () => unknown): void {
    if (this.path === null || this.failure) return;
    const path = this.path;
    const text = `${JSON.stringify(make())}\n`;
    this.pending = this.pending.then(async () => {
      if (this.failure) return;
      try {
        await writeFileAtomic(path, text);
        this.written = true;
      } catch (err) {
        this.failure = writeError(path, err);
        this.onFailure(this.failure);
      }
    });
  }

  /** Resolves once every write asked for so far is done (or skipped); never rejects. */
  async settled(): Promise<void> {
    await this.pending;
  }

  /** Removes the file if this writer wrote it: a run that failed keeps no partial file. True when one was removed. */
  async discard(): Promise<boolean> {
    await this.settled();
    if (this.path === null || !this.written) return false;
    await rm(this.path, { force: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOTDIR') throw err; // its directory became a file: the partial file is gone with it
    });
    this.written = false;
    return true;
  }
}

export interface HelperOutcome {
  /** The signal the user stopped the run with (SIGINT, SIGTERM, SIGHUP): what finished is kept. */
  stoppedBy: NodeJS.Signals | null;
  /** Any other end: a timeout, a crash, a protocol error, a result file that could not be written. */
  failure: VecprofError | null;
}

/** Runs the helper to its end, whatever that is; a write failure of `writer` stops it. Never rejects for a VecprofError. */
export async function runToOutcome(helper: HelperOptions, progress: Progress, writer: PartialWriter): Promise<HelperOutcome> {
  const abort = new AbortController();
  writer.onFailure = (err) => abort.abort(err);
  try {
    await runHelper({ ...helper, abort: abort.signal });
    await writer.settled();
    return { stoppedBy: null, failure: writer.failure };
  } catch (err) {
    await writer.settled();
    if (err instanceof InterruptedError) return { stoppedBy: err.signal, failure: writer.failure };
    if (err instanceof VecprofError) return { stoppedBy: null, failure: err };
    throw err;
  } finally {
    progress.stop();
  }
}

/**
 * The older shape of `runToOutcome`: resolves true when the user interrupted the helper (what finished is kept),
 * rejects with any other failure (a timeout is a HelperTimeoutError; a failed write, the write's error).
 */
export async function runInterruptible(helper: HelperOptions, progress: Progress, writer: PartialWriter): Promise<boolean> {
  const outcome = await runToOutcome(helper, progress, writer);
  if (outcome.failure) throw outcome.failure;
  return outcome.stoppedBy !== null;
}
