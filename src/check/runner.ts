// The check run: read every discovered file once, screen it on the main thread (size, encoding, pre-filter),
// answer from the content-hash cache when possible, and send only the rest to a pool of worker threads.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { log } from '../log.js';
import { cacheKey, readCache, writeCache, type FileFinding } from './cache.js';
import type { Candidate, DiscoveryProblem } from './discover.js';
import { fileKindOf } from './filekind.js';
import { decodeText, fileProblem, MAX_FILE_BYTES, screen } from './screen.js';
import type { FileKind, Finding } from './types.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './worker.js';

export interface RunOptions {
  enabled: ReadonlySet<string>;
  /** Cache directory, or null for --no-cache. */
  cacheDir: string | null;
  /** Parse every unit of every file, not only those that could hold a finding (see skeleton.ts). */
  fullParse?: boolean;
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
  /** Times a worker died holding this file: the innocent neighbour of a crash gets one more try. */
  lost?: number;
}

/** Below this much text, starting worker threads (each loads the wasm parser) costs more than it saves. */
const INLINE_LIMIT_CHARS = 384 * 1024;

export async function runCheck(files: Candidate[], problems: DiscoveryProblem[], opts: RunOptions): Promise<CheckRun> {
  const perFile = new Map<Candidate, FileFinding[]>();
  // Texts are kept only while they may still be needed for a code frame: dropped as soon as a file is clean.
  const texts = new Map<Candidate, SourceView>();
  let analysed = 0;
  let cacheHits = 0;
  let internalErrors = 0;
  let done = 0;
  const total = files.length;
  const settle = (file: Candidate, findings: FileFinding[]): void => {
    perFile.set(file, findings);
    if (findings.length === 0) texts.delete(file);
    opts.onProgress?.(++done, total);
  };
  const onFailure = (p: Pending, message: string, stack?: string): void => {
    internalErrors++;
    log.error({ path: p.file.displayPath, stack }, `internal error while analysing ${p.file.displayPath}: ${message} (please report it; other files were still checked)`);
    settle(p.file, []);
  };

  const maxThreads = opts.threads ?? availableParallelism();
  // Files wait here until there is enough work to be worth threads; then they stream to the pool while the
  // main thread goes on reading, so reading overlaps parsing and no more text than necessary is held at once.
  let held: Pending[] = [];
  let heldChars = 0;
  let pool: Pool | null = null;
  let sinceYield = 0;
  const onReply = (p: Pending, reply: WorkerReply): void => {
    if (reply.type === 'result') settle(p.file, reply.findings);
    else onFailure(p, reply.message, reply.stack);
  };

  for (const file of files) {
    const read: ReadResult = file.contents ? { ok: true, bytes: file.contents } : readBounded(file.absPath);
    if (!read.ok) {
      settle(file, [fileProblem(read.message)]);
      continue;
    }
    const head = Buffer.from(read.bytes.subarray(0, 3)).toString('latin1');
    const kind = fileKindOf(file.relPath, head);
    // The cache first: an entry exists only for bytes that passed the screen before (the key holds everything the
    // screen looks at), so a hit skips decoding and screening, and a warm run stays mostly Node's own start-up.
    const key = opts.cacheDir === null ? null : cacheKey(opts.enabled, kind, read.bytes, opts.fullParse === true);
    const cached = key === null ? null : readCache(opts.cacheDir!, key);
    if (cached !== null) {
      analysed++;
      cacheHits++;
      if (cached.length > 0) texts.set(file, { kind, text: decodeText(read.bytes) });
      settle(file, cached);
      continue;
    }
    const s = screen({ bytes: read.bytes, kind, enabled: opts.enabled });
    if (s.verdict !== 'analyze') {
      settle(file, s.verdict === 'problem' ? [fileProblem(s.message)] : []);
      continue;
    }
    analysed++;
    texts.set(file, { kind, text: s.text });
    const job: Pending = { file, kind, text: s.text, key };
    if (pool) {
      pool.submit(job);
      // Let worker replies in, so idle workers get their next job while reading goes on.
      if (++sinceYield >= 8) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      continue;
    }
    held.push(job);
    heldChars += job.text.length;
    if (maxThreads >= 2 && heldChars > INLINE_LIMIT_CHARS) {
      pool = new Pool(maxThreads, opts, onReply);
      for (const h of held) pool.submit(h);
      held = [];
    }
  }
  log.debug({ files: files.length, analysed, cacheHits, threads: pool ? maxThreads : 0 }, 'check: screened');

  if (pool) {
    await pool.drain();
  } else if (held.length) {
    // the parser and the rules load only when something is analysed here: a warm cache never needs them
    const { getParser } = await import('./parse.js');
    const { analyzeText } = await import('./pipeline.js');
    const parser = await getParser();
    for (const p of held) {
      try {
        const findings = analyzeText(parser, p.text, p.kind, opts.enabled, opts.fullParse === true);
        if (p.key !== null) writeCache(opts.cacheDir!, p.key, findings);
        settle(p.file, findings);
      } catch (err) {
        onFailure(p, err instanceof Error ? err.message : String(err), err instanceof Error ? err.stack : undefined);
      }
    }
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
  return { findings, filesChecked: files.length + problems.length, analysed, cacheHits, sources, internalErrors };
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

/**
 * Worker threads fed from one queue; each keeps two jobs in flight to hide the message round trip. A worker that
 * dies (a wasm abort, an out-of-memory) fails only the files it held, which are reported as internal errors, and
 * is replaced.
 */
class Pool {
  private readonly queue: Pending[] = [];
  private readonly slots: Slot[] = [];
  private readonly init: WorkerInit;
  private nextId = 0;
  private outstanding = 0;
  private respawns = 0;
  private fatal: Error | null = null;
  private closing = false;
  private wake: (() => void) | null = null;

  constructor(
    size: number,
    opts: RunOptions,
    private readonly onReply: (p: Pending, reply: WorkerReply) => void,
  ) {
    this.init = { enabled: [...opts.enabled], cacheDir: opts.cacheDir, fullParse: opts.fullParse === true };
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(new URL('./worker.js', import.meta.url), { workerData: this.init }), inFlight: new Map() };
    slot.worker.on('message', (reply: WorkerReply) => {
      const p = slot.inFlight.get(reply.id);
      if (!p) return;
      slot.inFlight.delete(reply.id);
      this.settle(p, reply);
      this.feed(slot);
    });
    slot.worker.on('error', (err) => this.replace(slot, err));
    // process.exit() or an abort inside the worker ends it without an 'error' event.
    slot.worker.on('exit', (code) => {
      if (!this.closing && this.slots.includes(slot)) this.replace(slot, new Error(`exited with code ${code}`));
    });
    return slot;
  }

  private settle(p: Pending, reply: WorkerReply): void {
    this.outstanding--;
    this.onReply(p, reply);
    if (this.outstanding === 0) this.wake?.();
  }

  private replace(slot: Slot, err: Error): void {
    if (!this.slots.includes(slot)) return; // 'error' is followed by 'exit': replace once
    const lost = [...slot.inFlight.entries()];
    slot.inFlight.clear();
    void slot.worker.terminate();
    // A worker that keeps dying means something is wrong with every file, not one: stop rather than loop.
    if (++this.respawns > 8) {
      this.slots.splice(this.slots.indexOf(slot), 1);
      this.fatal = err;
      this.wake?.();
      return;
    }
    const index = this.slots.indexOf(slot);
    const fresh = this.spawn();
    this.slots[index] = fresh;
    for (const [id, p] of lost) {
      p.lost = (p.lost ?? 0) + 1;
      if (p.lost === 1) this.queue.unshift(p);
      else this.settle(p, { type: 'failure', id, message: `worker thread died: ${err.message}`, stack: err.stack });
    }
    this.feed(fresh);
    this.feed(fresh);
  }

  submit(job: Pending): void {
    this.outstanding++;
    this.queue.push(job);
    const idle = this.slots.reduce((a, b) => (b.inFlight.size < a.inFlight.size ? b : a));
    if (idle.inFlight.size < 2) this.feed(idle);
  }

  private feed(slot: Slot): void {
    const p = this.queue.shift();
    if (!p) return;
    const id = this.nextId++;
    slot.inFlight.set(id, p);
    const job: WorkerJob = { id, text: p.text, kind: p.kind, cacheKey: p.key };
    slot.worker.postMessage(job);
  }

  async drain(): Promise<void> {
    try {
      while (this.outstanding > 0 && this.fatal === null) {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
      if (this.fatal) throw this.fatal;
    } finally {
      this.closing = true;
      await Promise.all(this.slots.map((s) => s.worker.terminate()));
    }
  }
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return (a.cell ?? 0) - (b.cell ?? 0) || a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
