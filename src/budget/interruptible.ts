// Running a measuring helper so that Ctrl-C keeps what finished: the helper's messages arrive as cells complete,
// partial results are written as they come, and an interrupt ends the run instead of failing it.
import { lstat, rename, rm } from 'node:fs/promises';
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

/** What `discard` found: it removed the file, nothing had been written, or the file was already gone (its folder too). */
export type Discarded = 'removed' | 'nothing' | 'gone';

/**
 * Writes a result file after each finished step, one write after another, never two at once. The first write
 * that fails is kept as `failure` and handed to `onFailure` (which stops the run); later writes are skipped.
 *
 * With `keepAs`, `path` is a scratch file (budget.partial.json): `commit` renames it over `keepAs` when the run
 * ends as it should, `discard` removes it when it fails, so the file at `keepAs` is never a failed run's.
 */
export class PartialWriter {
  private pending: Promise<void> = Promise.resolve();
  private written = false;
  failure: VecprofError | null = null;
  onFailure: (err: VecprofError) => void = () => undefined;

  constructor(
    readonly path: string | null,
    readonly keepAs: string | null = null,
  ) {}

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
        this.fail(writeError(path, err));
      }
    });
  }

  private fail(err: VecprofError): void {
    this.failure = err;
    this.onFailure(err);
  }

  /** Resolves once every write asked for so far is done (or skipped); never rejects. */
  async settled(): Promise<void> {
    await this.pending;
  }

  /**
   * Moves the last write over `keepAs` (one rename: readers see the old file or the new one, never a mix).
   * A failure is kept in `failure` (the scratch file is then removed); never rejects.
   */
  async commit(): Promise<void> {
    await this.settled();
    if (this.path === null || this.keepAs === null || !this.written || this.failure) return;
    try {
      await rename(this.path, this.keepAs);
      this.written = false;
    } catch (err) {
      this.fail(writeError(this.keepAs, err));
      await this.discard().catch(() => undefined);
    }
  }

  /** Removes the file if this writer wrote it: a run that failed keeps no partial file. */
  async discard(): Promise<Discarded> {
    await this.settled();
    if (this.path === null || !this.written) return 'nothing';
    this.written = false;
    try {
      await lstat(this.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Removed by someone else, or its folder was removed or replaced by a file: nothing left to remove.
      if (code === 'ENOENT' || code === 'ENOTDIR') return 'gone';
      throw err;
    }
    await rm(this.path, { force: true });
    return 'removed';
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
