// Running a measuring helper so that Ctrl-C keeps what finished: the helper's messages arrive as cells complete,
// partial results are written as they come, and an interrupt ends the run instead of failing it.
import { InterruptedError } from '../errors.js';
import { runHelper, type HelperOptions } from '../python/worker.js';
import type { Progress } from '../render/progress.js';
import { writeFileAtomic } from '../util/atomic.js';

/** Writes a result file after each finished step, one write after another, never two at once. */
export class PartialWriter {
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly path: string | null) {}

  /** `make` is called now (the snapshot is of this moment); the write waits for the previous one. */
  write(make: () => unknown): void {
    if (this.path === null) return;
    const path = this.path;
    const text = `${JSON.stringify(make())}\n`;
    this.pending = this.pending.then(() => writeFileAtomic(path, text));
  }

  async settled(): Promise<void> {
    await this.pending;
  }
}

/** Runs the helper; resolves true when the user interrupted it (what finished is kept), rejects on any other failure. */
export async function runInterruptible(helper: HelperOptions, progress: Progress, writer: PartialWriter): Promise<boolean> {
  try {
    await runHelper(helper);
    return false;
  } catch (err) {
    if (!(err instanceof InterruptedError)) {
      await writer.settled().catch(() => undefined);
      throw err;
    }
    return true;
  } finally {
    progress.stop();
    await writer.settled().catch(() => undefined);
  }
}
