// auto mode: the decision tree a seasoned profiler walks, done for the user.
//   1. sample the whole run (py-spy; cProfile if py-spy is missing): cheap, and it finds where the time goes;
//   2. trace lines in just the hot functions: hits (loop trip counts) and time per line, at a fraction of the cost
//      of tracing everything;
//   3. trace memory only when the run's peak RSS is large for this machine or memory grew over the run.
// Each pass records why it ran and what it found (PassInfo), and says so in the log at info level.
import { totalmem } from 'node:os';
import { InterruptedError, VecprofError } from '../errors.js';
import { log } from '../log.js';
import type { LineStat, PassInfo, Profile, RssStat } from './model.js';
import { mergePasses } from './merge.js';
import { defaultUserFile } from './import/user-files.js';
import { runCpu, runLines, runMemory, runSample, sampler } from './run/index.js';
import { laterRun, type RunOptions } from './run/types.js';

/** A function is hot when its own lines (and the native code they call) take at least this share of the run. */
export const HOT_SHARE = 0.05;
export const MAX_HOT_FUNCTIONS = 6;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface HotFunction {
  file: string;
  name: string;
  share: number;
  /** The form RunOptions.onlyFunctions takes: `FILE:name`. */
  spec: string;
}

/**
 * Hot functions of the user's own code. From samples: the lines a sample is blamed on (its deepest user frame), summed
 * by function. From cProfile: a function's own time plus the time of library and C calls it makes directly.
 */
export function hotFunctions(p: Profile, minShare = HOT_SHARE, max = MAX_HOT_FUNCTIONS): HotFunction[] {
  const shares = p.lines.length > 0 ? sharesFromLines(p.lines) : sharesFromCalls(p);
  return [...shares.values()]
    .filter((f) => f.share >= minShare)
    .sort((a, b) => b.share - a.share)
    .slice(0, max)
    .map((f) => ({ ...f, spec: `${f.file}:${f.name}` }));
}

type Share = { file: string; name: string; share: number };

function sharesFromLines(lines: LineStat[]): Map<string, Share> {
  const out = new Map<string, Share>();
  for (const l of lines) {
    if (!l.function || !defaultUserFile(l.file)) continue;
    const key = `${l.file}\0${l.function}`;
    const s = out.get(key) ?? { file: l.file, name: l.function, share: 0 };
    s.share += l.share;
    out.set(key, s);
  }
  return out;
}

function sharesFromCalls(p: Profile): Map<string, Share> {
  const out = new Map<string, Share>();
  const wall = p.meta.durationSeconds;
  if (!(wall > 0)) return out;
  const user = new Map(p.functions.filter((f) => f.file !== '~' && defaultUserFile(f.file)).map((f) => [f.id, f])); // "~": C functions
  for (const f of user.values()) out.set(f.id, { file: f.file, name: f.name, share: (f.selfTime ?? 0) / wall });
  for (const callee of p.functions) {
    if (user.has(callee.id)) continue;
    for (const c of callee.callers ?? []) {
      const s = out.get(c.id);
      if (s) s.share += c.totalTime / wall;
    }
  }
  return out;
}

export interface MemoryVerdict {
  run: boolean;
  reason: string;
}

/** The memory the program may use before it matters: RAM, or the container's limit when there is one. */
export function machineMemory(): number {
  const limit = process.constrainedMemory?.() ?? 0; // cgroup limit; 0 or a huge number when there is none
  const ram = totalmem();
  return limit > 0 && limit < ram ? limit : ram;
}

/** A memory pass earns its cost when the peak is large for this machine (>10 % or >1 GiB) or memory grew a lot. */
export function memoryVerdict(rss: RssStat | undefined, machineBytes: number): MemoryVerdict {
  const peak = Math.max(rss?.peakBytes ?? 0, rss?.peakChildrenBytes ?? 0);
  if (!rss || peak === 0) return { run: false, reason: 'peak memory unknown (no RSS reading on this platform)' };
  const share = peak / machineBytes;
  const mb = (n: number): string => `${Math.round(n / MiB)} MiB`;
  if (peak > GiB || share > 0.1) {
    return { run: true, reason: `peak RSS ${mb(peak)} is ${(share * 100).toFixed(0)} % of this machine's ${mb(machineBytes)}` };
  }
  const growth = (rss.endBytes ?? 0) - (rss.startBytes ?? 0);
  if (growth > 256 * MiB && growth > 0.5 * peak) {
    return { run: true, reason: `memory grew by ${mb(growth)} over the run and was still held at the end` };
  }
  return { run: false, reason: `peak RSS ${mb(peak)} is small for this machine (${(share * 100).toFixed(1)} % of ${mb(machineBytes)})` };
}

function announce(pass: PassInfo, index: number): void {
  log.info({ pass: index, mode: pass.mode, reason: pass.reason, found: pass.found, seconds: +pass.wallSeconds.toFixed(3) }, `pass ${index} (${pass.mode}): ${pass.found}`);
}

function setReason(p: Profile, reason: string): void {
  const pass = p.meta.passes[0];
  if (pass) pass.reason = reason;
}

/** A later pass that fails costs its own view only: the passes before it are still worth returning. */
async function laterPass(mode: string, run: () => Promise<Profile>): Promise<Profile | null> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof VecprofError) || err instanceof InterruptedError) throw err;
    log.warn(`the ${mode} pass failed, so the profile has no ${mode} view: ${err.oneLine()}`);
    return null;
  }
}

/** Why the remaining passes would be a mistake: they run the program again. */
function stopReason(first: Profile): string | null {
  if (first.meta.stoppedBy === 'interrupt') return 'interrupted: no further passes';
  if (first.meta.stoppedBy === 'timeout') return 'stopped at the time limit: a second run would stop there too, so no further passes';
  if (first.meta.exitStatus !== 0) {
    return `the program exited with status ${String(first.meta.exitStatus)}: no further passes (they would run it again)`;
  }
  return null;
}

export async function runAuto(opts: RunOptions): Promise<Profile> {
  // A Ctrl-C between two passes (no program running to forward it to) must still end in the profile of what ran.
  let interrupted = false;
  const onInterrupt = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    return await decide(opts, () => interrupted);
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

async function decide(opts: RunOptions, interrupted: () => boolean): Promise<Profile> {
  const pyspy = await sampler(opts);
  const first = pyspy ? await runSample({ ...opts, pyspy }) : await runCpu(opts);
  setReason(first, pyspy ? 'sampling from outside finds where the time goes, native code included, without touching the program' : 'py-spy is missing, so cProfile finds the hot functions');
  const passes: Profile[] = [first];
  announce(first.meta.passes[0]!, 1);

  const stop = stopReason(first) ?? (interrupted() ? 'interrupted: no further passes' : null);
  if (stop) {
    log.info(stop);
    if (interrupted()) first.meta.stoppedBy = 'interrupt';
    return mergePasses(passes);
  }

  // The program's output (and a traceback) was shown on the first run; the later runs keep it to themselves.
  const again = laterRun(opts);
  const hot = hotFunctions(first);
  if (hot.length === 0) {
    log.info(`no function of yours takes ${HOT_SHARE * 100} % of the run: no lines pass`);
  } else {
    const names = hot.map((h) => `${h.name} (${(h.share * 100).toFixed(0)} %)`).join(', ');
    const lines = await laterPass('lines', () => runLines({ ...again, onlyFunctions: hot.map((h) => h.spec) }));
    if (lines) {
      setReason(lines, `hits and time per line in the hot functions: ${names}`);
      passes.push(lines);
      announce(lines.meta.passes[0]!, passes.length);
    }
  }

  const memory = memoryVerdict(first.meta.rss, machineMemory());
  if (interrupted() || stopReason(passes.at(-1)!)) {
    log.info('the lines pass was stopped: no memory pass');
    if (interrupted()) passes.at(-1)!.meta.stoppedBy ??= 'interrupt';
  } else if (memory.run) {
    const mem = await laterPass('memory', () => runMemory(again));
    if (mem) {
      setReason(mem, memory.reason);
      passes.push(mem);
      announce(mem.meta.passes[0]!, passes.length);
    }
  } else {
    log.info(`no memory pass: ${memory.reason}`);
  }
  return mergePasses(passes);
}
