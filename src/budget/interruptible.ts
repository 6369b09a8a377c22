// Running a measuring helper so that Ctrl-C keeps what finished: the helper's messages arrive as cells complete,
// partial results are written as they come, and an interrupt ends the run instead of failing it.
import { existsSync } from 'node:fs';
import { lstat, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { InterruptedError, VecprofError } from '../errors.js';
import { HelperTimeoutError, runHelper, type HelperOptions } from '../python/worker.js';
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

/** A mid-run file's stopReason: a run killed outright (SIGKILL, power loss) leaves its partial file saying so. */
export const IN_PROGRESS = 'still running when this file was written (a run killed outright leaves it so)';

/** A failed helper's message as a stopReason: "budget helper exited with status 139: …" → "the budget helper exited …". */
function helperFailureReason(label: string, message: string): string {
  return message.startsWith(`${label} `) ? `the ${message}` : `the ${label} failed: ${message}`;
}

/** A failed run's stopReason: past --timeout, its scratch file unwritable, or what the helper said. */
export function failureReason(failure: VecprofError, writer: PartialWriter, label: string, timeoutSeconds: number): string {
  if (failure instanceof HelperTimeoutError) return `stopped by --timeout (${timeoutSeconds} s)`;
  if (failure === writer.failure) return `${basename(writer.path ?? '')} could not be written`;
  return helperFailureReason(label, failure.message);
}

/** What `discard` found: it removed the file, nothing had been written, or the file was already gone (its folder too). */
export type Discarded = 'removed' | 'nothing' | 'gone';

export type WriteFile = (path: string, text: string) => Promise<void>;

/**
 * Writes a result file after each finished step, one write after another, never two at once. The first write
 * that fails is kept as `failure` and handed to `onFailure` (which stops the run); later writes are skipped.
 *
 * With `keepAs`, `path` is a scratch file (budget.partial.json, pattern-<name>.partial.json): `commit` renames it
 * over `keepAs` when the run ends as it should, `discard` (or `abandon`) removes it when it fails, so the file at
 * `keepAs` is never a failed run's.
 */
export class PartialWriter {
  private pending: Promise<void> = Promise.resolve();
  private written = false;
  /** What the first discard that found something did: the failed run's error line says it. */
  private discarded: Discarded | 'failed' = 'nothing';
  failure: VecprofError | null = null;
  onFailure: (err: VecprofError) => void = () => undefined;

  constructor(
    readonly path: string | null,
    readonly keepAs: string | null = null,
    /** How a snapshot reaches the disk; a test hands in one that fails (a full disk is hard to come by). */
    private readonly writeFile: WriteFile = writeFileAtomic,
  ) {}

  /** `make` is called now (the snapshot is of this moment); the write waits for the previous one. */
  write(make: () => unknown): void {
    if (this.path === null || this.failure) return;
    const path = this.path;
    const text = `${JSON.stringify(make())}\n`;
    this.pending = this.pending.then(async () => {
      if (this.failure) return;
      try {
        await this.writeFile(path, text);
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
   * When a write or the rename failed, the failure is kept in `failure` and the scratch file is removed: it holds an
   * older snapshot ("still running"), not this run's end. Never rejects.
   */
  async commit(): Promise<void> {
    await this.settled();
    if (this.failure) {
      await this.abandon();
      return;
    }
    if (this.path === null || this.keepAs === null || !this.written) return;
    try {
      await rename(this.path, this.keepAs);
      this.written = false;
    } catch (err) {
      this.fail(writeError(this.keepAs, err));
      await this.abandon();
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

  /**
   * For a run that failed: removes the scratch file (never rejects) and says what became of the files, as the tail
   * of its error line: "; the partial … was removed; the earlier … is left as it was". Empty without `keepAs`.
   */
  async abandon(): Promise<string> {
    const now = await this.discard().catch((): 'failed' => 'failed');
    if (this.discarded === 'nothing') this.discarded = now;
    return this.path === null || this.keepAs === null ? '' : whatWasKept(this.discarded, this.path, this.keepAs);
  }
}

/** What a failed run left, said as it is: the scratch file removed, its folder gone, an earlier result kept. */
async function whatWasKept(discarded: Discarded | 'failed', partialFile: string, finalFile: string): Promise<string> {
  const outDir = dirname(partialFile);
  if (discarded === 'gone') {
    const now = await stat(outDir).then(
      (s) => (s.isDirectory() ? 'dir' : 'file'),
      () => 'missing',
    );
    if (now === 'missing') return `; ${outDir} was removed during the run, and the partial file with it`;
    if (now === 'file') return `; ${outDir} was replaced by a file during the run, so nothing could be kept there`;
    return `; the partial ${partialFile} had already been removed`;
  }
  const earlier = existsSync(finalFile) ? `; the earlier ${finalFile} is left as it was` : `; no ${finalFile} was written`;
  if (discarded === 'removed') return `; the partial ${partialFile} was removed${earlier}`;
  if (discarded === 'failed') return `; the partial ${partialFile} could not be removed${earlier}`;
  return earlier;
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
