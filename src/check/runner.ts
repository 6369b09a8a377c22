// The check run: read every discovered file once, screen it on the main thread (size, encoding, pre-filter),
// answer from the content-hash cache when possible, and send only the rest to a pool of worker threads.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { log } from '../log.js';
import { cacheKey, readCache, writeCache, type FileFinding } from './cache.js';
import type { Candidate, DiscoveryProblem } from './discover.js';
import { fileKindOf } from './filekind.js';
import { getParser } from './parse.js';
import { analyzeText, fileProblem, MAX_FILE_BYTES, screen } from './pipeline.js';
import type { FileKind, Finding } from './types.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './worker.js';

export interface RunOptions {
  enabled: ReadonlySet<string>;
  /** Cache directory, or null for --no-cache. */
  cacheDir: string | null;
  /** Worker threads; 0 or 1 analyses on the main thread. */
  threads?: number;
  /** Codes per-file-ignores drops for a file. */
  ignoredFor?: (file: Candidate) => string[];
  onProgress?: (done: number, total: number) => void;
}

/** What a renderer may show of a file with findings: its text, or a notebook's cells. */
export interface SourceView {
  kind: FileKind;
  text: string;
}

export interface CheckRun {
  findings: Finding[];
  filesChecked: number;
  /** Files that needed a parse (passed the pre-filter). */
  analysed: number;
  cacheHits: number;
  /** Text of each file with findings, keyed by display path, for code frames. */
  sources: Map<string, SourceView>;
  /** Files whose analysis crashed (a bug of ours): reported through the log, counted here. */
  internalErrors: number;
}

type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

function readBounded(path: string): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, message: 'permission denied: cannot read the file' };
    if (code === 'ELOOP') return { ok: false, message: 'symbolic link loop: the link points back to itself' };
    if (code === 'ENOENT') return { ok: false, message: 'file disappeared before it could be read' };
    return { ok: false, message: `cannot read the file (${code ?? (err as Error).message})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, message: 'not a regular file: skipped' };
    if (st.size > MAX_FILE_BYTES) return { ok: false, message: `file is larger than 10 MB (${(st.size / 1024 / 1024).toFixed(1)} MB): skipped` };
    const bytes = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, bytes, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return { ok: true, bytes: bytes.subarray(0, off) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'EISDIR' ? 'is a directory, not a file' : `cannot read the file (${code ?? (err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}

interface Pending {
  file: Candidate;
  kind: FileKind;
  text: string;
  key: string | null;
}

/** Below this much text, starting worker threads (each loads the wasm parser) costs more than it saves. */
const INLINE_LIMIT_CHARS = 384 * 1024;

export async function runCheck(files: Candidate[], problems: DiscoveryProblem[], opts: RunOptions): Promise<CheckRun> {
  const perFile = new Map<Candidate, FileFinding[]>();
  const texts = new Map<Candidate, SourceView>();
  const pending: Pending[] = [];
  let cacheHits = 0;
  let done = 0;
  const total = files.length;
  const tick = (): void => opts.onProgress?.(++done, total);

  for (const file of files) {
    const read = readBounded(file.absPath);
    if (!read.ok) {
      perFile.set(file, [fileProblem(read.message)]);
      tick();
      continue;
    }
    const head = Buffer.from(read.bytes.subarray(0, 3)).toString('latin1');
    const kind = fileKindOf(file.relPath, head);
    const s = screen({ bytes: read.bytes, kind, enabled: opts.enabled });
    if (s.verdict !== 'analyze') {
      perFile.set(file, s.verdict === 'problem' ? [fileProblem(s.message)] : []);
      tick();
      continue;
    }
    texts.set(file, { kind, text: s.text });
    const key = opts.cacheDir === null ? null : cacheKey(opts.enabled, kind, read.bytes);
    const cached = key === null ? null : readCache(opts.cacheDir!, key);
    if (cached !== null) {
      cacheHits++;
      perFile.set(file, cached);
      tick();
      continue;
    }
    pending.push({ file, kind, text: s.text, key });
  }

  let internalErrors = 0;
  const onFailure = (p: Pending, message: string, stack?: string): void => {
    internalErrors++;
    log.error({ path: p.file.displayPath, stack }, `internal error while analysing ${p.file.displayPath}: ${message} (please report it; other files were still checked)`);
    perFile.set(p.file, []);
  };
  const pendingChars = pending.reduce((n, p) => n + p.text.length, 0);
  const threads = Math.min(opts.threads ?? availableParallelism(), Math.ceil(pendingChars / INLINE_LIMIT_CHARS));
  log.debug({ files: files.length, pending: pending.length, pendingChars, cacheHits, threads }, 'check: screened');
  if (threads <= 1) {
    const parser = pending.length ? await getParser() : null;
    for (const p of pending) {
      try {
        const findings = analyzeText(parser!, p.text, p.kind, opts.enabled);
        if (p.key !== null) writeCache(opts.cacheDir!, p.key, findings);
        perFile.set(p.file, findings);
      } catch (err) {
        onFailure(p, err instanceof Error ? err.message : String(err), err instanceof Error ? err.stack : undefined);
      }
      tick();
    }
  } else {
    await runPool(pending, threads, opts, (p, reply) => {
      if (reply.type === 'result') perFile.set(p.file, reply.findings);
      else onFailure(p, reply.message, reply.stack);
      tick();
    });
  }

  const findings: Finding[] = [];
  const sources = new Map<string, SourceView>();
  for (const file of files) {
    const own = perFile.get(file) ?? [];
    const dropped = own.length ? opts.ignoredFor?.(file) ?? [] : [];
    for (const f of own) {
      if (dropped.length && f.code !== 'E999' && f.code !== 'E902' && dropped.some((c) => c === 'ALL' || f.code.startsWith(c))) continue;
      findings.push({ ...f, path: file.displayPath });
      const text = texts.get(file);
      if (text) sources.set(file.displayPath, text);
    }
  }
  for (const p of problems) findings.push({ ...fileProblem(p.message), path: p.displayPath });
  findings.sort(compareFindings);
  return { findings, filesChecked: files.length + problems.length, analysed: texts.size, cacheHits, sources, internalErrors };
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return (a.cell ?? 0) - (b.cell ?? 0) || a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

function runPool(pending: Pending[], threads: number, opts: RunOptions, onReply: (p: Pending, reply: WorkerReply) => void): Promise<void> {
  // Longest first, so no worker is left parsing one big file at the end while the others idle.
  const queue = [...pending].sort((a, b) => b.text.length - a.text.length);
  const init: WorkerInit = { enabled: [...opts.enabled], cacheDir: opts.cacheDir };
  return new Promise((resolve, reject) => {
    let remaining = queue.length;
    let next = 0;
    const workers: Worker[] = [];
    const finish = (err?: Error): void => {
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
      workers.push(worker);
      const inFlight = new Map<number, Pending>();
      const feed = (): void => {
        if (next >= queue.length) return;
        const id = next++;
        const p = queue[id]!;
        inFlight.set(id, p);
        const job: WorkerJob = { id, text: p.text, kind: p.kind, cacheKey: p.key };
        worker.postMessage(job);
      };
      worker.on('message', (reply: WorkerReply) => {
        const p = inFlight.get(reply.id);
        if (!p) return;
        inFlight.delete(reply.id);
        onReply(p, reply);
        feed();
        if (--remaining === 0) finish();
      });
      worker.on('error', (err) => finish(err));
      // Two jobs in flight per worker hide the message round trip.
      feed();
      feed();
    }
  });
}
