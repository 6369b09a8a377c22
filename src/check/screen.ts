// The cheap part of checking a file, run on the main thread for every file before anything is parsed: size,
// NUL bytes, UTF-8, the pre-filter, a file-level noqa. Kept apart from the parser and the rules so that a run
// answered from the cache never loads them.
import { isUtf8 } from 'node:buffer';
import type { FileFinding } from './cache.js';
import { fileNoqa } from './noqa.js';
import type { FileKind } from './types.js';

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface FileJob {
  bytes: Uint8Array;
  kind: FileKind;
  enabled: ReadonlySet<string>;
}

export type Screening = { verdict: 'problem'; message: string } | { verdict: 'clean' } | { verdict: 'analyze'; text: string };

/** A finding about the file as a whole (I/O, encoding), always at 1:1. */
export function fileProblem(message: string): FileFinding {
  return { code: 'E902', message, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of bytes known to be UTF-8, decoded as the screen decodes them (a leading BOM dropped). */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  // Binary search on prefixes would be cheaper, but this only runs on files already known to be bad.
  for (let end = 1; end <= bytes.length; end++) {
    try {
      decoder.decode(bytes.subarray(0, end), { stream: true });
    } catch {
      return end - 1;
    }
  }
  return bytes.length;
}

/** Which rule families can fire in a file of this kind: the VEC rules, and LOG001 (library code only). */
export function familiesFor(kind: FileKind, enabled: ReadonlySet<string>): { vec: boolean; print: boolean } {
  let vec = false;
  for (const code of enabled) if (code.startsWith('VEC')) vec = true;
  return { vec, print: kind === 'library' && enabled.has('LOG001') };
}

/** Mentions that make analysis worth a parse: NumPy for the VEC rules, print for LOG001 in library code. */
export function worthAnalysing(text: string, kind: FileKind, enabled: ReadonlySet<string>): boolean {
  const families = familiesFor(kind, enabled);
  if (families.vec && text.includes('numpy')) return true;
  return families.print && text.includes('print');
}

/** The cheap part, run on the main thread for every file before anything is queued for a worker. */
export function screen(job: FileJob): Screening {
  const { bytes } = job;
  if (bytes.length > MAX_FILE_BYTES) {
    return { verdict: 'problem', message: `file is larger than 10 MB (${(bytes.length / 1024 / 1024).toFixed(1)} MB): skipped` };
  }
  if (bytes.length === 0) return { verdict: 'clean' };
  if (bytes.includes(0)) return { verdict: 'problem', message: 'file contains NUL bytes (binary, or saved as UTF-16?): skipped' };
  if (!isUtf8(bytes)) {
    return { verdict: 'problem', message: `file is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8Offset(bytes)}): re-save it as UTF-8` };
  }
  const text = decodeText(bytes);
  // A notebook's JSON is checked for breakage whatever it mentions; the pre-filter runs on its code cells.
  if (job.kind === 'notebook') return { verdict: 'analyze', text };
  if (!worthAnalysing(text, job.kind, job.enabled)) return { verdict: 'clean' };
  if (fileNoqa(text).kind === 'all') return { verdict: 'clean' };
  return { verdict: 'analyze', text };
}
