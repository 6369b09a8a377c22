// Helpers the CLI tests share: a temp folder for one test, removed after it however the test ends; counting what a
// text holds (how often the program's output or a traceback showed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A test body run in a fresh folder under the system temp dir (named `prefix` + random), removed after it. */
export function withTempDir(prefix: string, fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** How many times `what` occurs in `text` (not overlapping). */
export function occurrences(text: string, what: string): number {
  return text.split(what).length - 1;
}
