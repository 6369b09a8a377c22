// sample mode: py-spy records the program from outside (no tracing inside it), children included. Two recordings:
//   - the shares: py-spy without native frames at the full rate (--rate, 100 Hz) wraps the launcher, so it is the
//     program's ancestor (allowed under Yama ptrace_scope 1) and follows its children. --nonblocking: it reads the
//     stacks without stopping the program (a stopped sample costs it ~0.15 ms, and two samplers stopping the same
//     threads collide and lose samples unevenly: the native one holds longer in NumPy code);
//   - the split: py-spy --native at a quarter of that rate (native-sampler.ts), attached by pid while the launcher
//     (python/vecprof_sample.py) holds the program before its first line, so its slow first sample (it loads the
//     interpreter's symbols with the process stopped, ~30 ms) is not the program's time. Native unwinding needs the
//     program stopped, ~0.5 ms per sample, hence the lower rate.
// The two are grafted together (graft.ts). py-spy's own exit status means nothing: the output files are the verdict,
// and the program's exit status comes from the launcher on the channel, since py-spy never passes it on.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VecprofError } from '../../errors.js';
import { log } from '../../log.js';
import type { ToolInfo } from '../../python/tools.js';
import { writeFileAtomic } from '../../util/atomic.js';
import { adoptSplits, graftNative, settleCounts } from '../graft.js';
import { importSpeedscope } from '../import/speedscope.js';
import { profileFromStacks } from '../import/stacks.js';
import { defaultUserFile } from '../import/user-files.js';
import type { Profile } from '../model.js';
import { readSource, runLauncher, runMeta, type LaunchResult } from './launch.js';
import { startNativeSampler, type NativeRun, type NativeSampler } from './native-sampler.js';
import type { RunOptions } from './types.js';

export const SAMPLE_PROFILE_FILE = 'sample.speedscope.json';
export const NATIVE_PROFILE_FILE = 'sample-native.speedscope.json';
export const DEFAULT_RATE_HZ = 100;
/** The native recording runs at this fraction of --rate (at most NATIVE_RATE_MAX_HZ): each of its samples holds the program ~0.5 ms. */
export const NATIVE_RATE_DIVISOR = 4;
export const NATIVE_RATE_MAX_HZ = 50;

export interface SampleOptions extends RunOptions {
  pyspy: ToolInfo;
}

/** py-spy's native frames can carry C source paths with line numbers (a libpython with debug info): not user code. */
const PYTHON_SOURCE = /\.(py|pyw|pyx)$/i;
function userFiles(file: string): boolean {
  return PYTHON_SOURCE.test(file) && defaultUserFile(file);
}

function recordArgs(pyspy: ToolInfo, file: string, rateHz: number, native: boolean): string[] {
  return [pyspy.path, 'record', '--format', 'speedscope', '--output', file, '--rate', String(rateHz), '--subprocesses', ...(native ? ['--native'] : [])];
}

export function nativeRateHz(rateHz: number): number {
  return Math.min(NATIVE_RATE_MAX_HZ, Math.max(1, Math.round(rateHz / NATIVE_RATE_DIVISOR)));
}

export async function runSample(opts: SampleOptions): Promise<Profile> {
  // py-spy writes its files in place; it records into a temp dir so --out only ever gets whole files.
  const dir = await mkdtemp(join(tmpdir(), 'vecprof-sample-'));
  const file = join(dir, SAMPLE_PROFILE_FILE);
  const nativeFile = join(dir, NATIVE_PROFILE_FILE);
  const rateHz = opts.rateHz ?? DEFAULT_RATE_HZ;
  const wantNative = opts.native ?? true;
  const started = new Date();
  let sampler: NativeSampler | undefined;
  try {
    let releasable = false;
    let schedstat: { oncpu: number; runqueue: number } | undefined;
    const launched = await runLauncher(opts, {
      helper: 'vecprof_sample.py',
      helperArgs: wantNative ? ['--gate', '--tracer', String(process.pid)] : [],
      prefix: [...recordArgs(opts.pyspy, file, rateHz, false), '--nonblocking', '--'],
      label: 'py-spy',
      onMessage: (msg) => {
        if (msg.type === 'sampler-wait' && wantNative && typeof msg.pid === 'number' && sampler === undefined) {
          const pid = msg.pid;
          releasable = msg.gate === true;
          sampler = startNativeSampler({
            pyspy: opts.pyspy,
            pid,
            rateHz: nativeRateHz(rateHz),
            file: nativeFile,
            onReady: () => {
              if (!releasable) return;
              releasable = false;
              try {
                process.kill(pid, 'SIGUSR1');
              } catch {
                /* the program is gone already */
              }
            },
          });
        }
        // Once the program runs (or is being stopped), a late release must not reach it.
        if (msg.type === 'started' || msg.type === 'exit') releasable = false;
        if (msg.type === 'exit') sampler?.programEnded();
        if (msg.type === 'schedstat' && typeof msg.oncpu_seconds === 'number' && typeof msg.runqueue_seconds === 'number') {
          schedstat = { oncpu: msg.oncpu_seconds, runqueue: msg.runqueue_seconds };
        }
      },
    });
    const nativeRun = sampler ? await sampler.finish() : undefined;
    if (permissionDenied(launched.wrapperStderr)) throw ptraceDenied(launched.wrapperStderr);
    const text = existsSync(file) ? await readFile(file, 'utf8') : undefined;
    const nativeText = nativeRun?.wrote ? await readFile(nativeFile, 'utf8') : undefined;
    if (opts.outDir !== undefined) {
      if (text !== undefined) await writeFileAtomic(join(opts.outDir, SAMPLE_PROFILE_FILE), text);
      if (nativeText !== undefined) await writeFileAtomic(join(opts.outDir, NATIVE_PROFILE_FILE), nativeText);
    }
    if (wantNative) explainNative(nativeRun, nativeText !== undefined);
    const profile =
      text !== undefined ? combine(text, nativeText, file, nativeFile) : nativeText !== undefined ? nativeOnly(nativeText, nativeFile, launched, rateHz) : emptyProfile(launched);
    const found = describeSamples(profile);
    const tool = `py-spy ${opts.pyspy.version}${nativeText !== undefined ? ` (+ --native at ${nativeRateHz(rateHz)} Hz)` : ''}`;
    profile.meta = { ...profile.meta, ...runMeta(opts, launched, { mode: 'sample', found }, started, tool) };
    const pass = profile.meta.passes[0];
    if (pass && nativeRun?.cpuSeconds !== undefined) pass.profilerCpuSeconds = (pass.profilerCpuSeconds ?? 0) + nativeRun.cpuSeconds;
    if (schedstat) {
      // For a program that never sleeps this is how long the samplers kept it stopped (benchmarks read it).
      const offCpuSeconds = Math.max(0, launched.end.wallSeconds - schedstat.oncpu - schedstat.runqueue);
      log.debug({ offCpuSeconds: +offCpuSeconds.toFixed(4) }, 'time the program was neither running nor waiting for a CPU: py-spy holding it, or its own sleeping and I/O');
    }
    if (launched.heldSeconds > 0) {
      log.info({ heldSeconds: +launched.heldSeconds.toFixed(4) }, 'the program waited before its first line while the native sampler started (not counted in its time)');
    }
    return profile;
  } finally {
    await sampler?.finish(); // a run that failed leaves it to end with the program
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The full-rate sampler wrote nothing while the native one recorded the run: py-spy 0.4 with --nonblocking now and
 * then crashes on a stack it read mid-change (about one run in ten here). The native recording is a whole profile
 * at a lower rate, so it stands in rather than the run being lost.
 */
function nativeOnly(nativeText: string, nativeFile: string, launched: LaunchResult, rateHz: number): Profile {
  log.warn(
    { pyspy: pyspyReason(launched.wrapperStderr) || 'no output' },
    `the full-rate sampler (py-spy --nonblocking) wrote no recording; shares come from the native one at ${nativeRateHz(rateHz)} Hz`,
  );
  return importSpeedscope(nativeText, { source: nativeFile, readSource, userFiles });
}

/** The full-rate recording gives lines, functions and shares; the native one, where there is one, the splits. */
function combine(text: string, nativeText: string | undefined, file: string, nativeFile: string): Profile {
  const stackOpts = { readSource, userFiles };
  const full = importSpeedscope(text, { source: file, ...stackOpts });
  if (nativeText === undefined || full.samples === undefined) return full;
  const native = importSpeedscope(nativeText, { source: nativeFile, ...stackOpts });
  if (native.samples === undefined) return full;
  const grafted = graftNative(full.samples, native.samples);
  const meta = { tool: full.meta.tool ?? 'py-spy', durationSeconds: full.meta.durationSeconds };
  const profile = profileFromStacks(grafted.all, meta, stackOpts);
  adoptSplits(profile.lines, profileFromStacks(grafted.withNative, meta, stackOpts).lines);
  settleCounts(profile);
  log.debug({ graftedShare: grafted.totalWeight > 0 ? +(grafted.graftedWeight / grafted.totalWeight).toFixed(3) : 0 }, 'full-rate samples whose leaf the native recording saw');
  return profile;
}

/** Without a native recording the profile is whole but has no split: say why, once. */
function explainNative(run: NativeRun | undefined, haveSamples: boolean): void {
  // No sampler at all: the program never reached its first line (a syntax error, a missing module), nothing to split.
  if (haveSamples || run === undefined) return;
  if (run.readyMs !== undefined) {
    log.warn('the native sampler started but wrote no recording (the program ended or was stopped first): its lines have no split');
    return;
  }
  const reason = pyspyReason(run.stderr) || 'no samples';
  if (permissionDenied(run.stderr)) {
    log.warn(
      { pyspy: reason },
      'py-spy --native was not allowed to attach to the program (ptrace), so its lines have no split; run as root or allow it: sudo sysctl kernel.yama.ptrace_scope=0; in Docker add --cap-add SYS_PTRACE',
    );
  } else {
    log.warn({ pyspy: reason }, 'py-spy cannot record native frames here, so the lines have no split (Python / NumPy / kernels); sampling Python frames only');
  }
}

/** A program that ends before py-spy's first sample leaves no file; that is a profile with nothing in it, not a failure. */
function emptyProfile(launched: LaunchResult): Profile {
  const finished = launched.messages.some((m) => m.type === 'exit');
  if (!finished) {
    const what = launched.hello === undefined ? 'did not start the program' : 'failed and the program was stopped';
    throw new VecprofError(`py-spy ${what}: ${pyspyReason(launched.wrapperStderr) || 'no reason given'}`, {
      hint: "run with --log-level debug to see py-spy's output, or use --mode cpu",
    });
  }
  log.warn({ pyspy: pyspyReason(launched.wrapperStderr) }, 'py-spy collected no samples: the program ended too soon to be sampled; use --mode cpu or lines for short runs');
  return { version: 1, meta: { mode: 'sample', passes: [], command: [], startedAt: '', durationSeconds: 0, exitStatus: null }, functions: [], lines: [] };
}

function describeSamples(p: Profile): string {
  const top = [...p.lines].sort((a, b) => b.share - a.share)[0];
  if (!top) return 'no samples';
  const split = top.split ? `; there: ${Math.round(top.split.python * 100)} % Python, ${Math.round(top.split.numpyScalar * 100)} % NumPy per-element, ${Math.round(top.split.nativeKernel * 100)} % native kernels` : '';
  return `hottest line: ${top.file}:${top.line}${top.function ? ` in ${top.function}` : ''}, ${Math.round(top.share * 100)} % of samples${split}`;
}

export interface AttachOptions {
  pyspy: ToolInfo;
  pid: number;
  durationSeconds?: number;
  rateHz?: number;
  native?: boolean;
  outDir?: string;
}

/** A pid that names no process is the user's typo: say so before py-spy tries twice. */
function checkProcessExists(pid: number): void {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but is someone else's; the ptrace check that follows explains that case
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
      throw new VecprofError(`no process with pid ${pid}`, { hint: 'give the pid of a running Python program (for example from `pgrep -af python`)' });
    }
  }
}

/** Refuses, before anything is prepared, a pid that cannot be sampled: no such process, or attaching forbidden. */
export function checkAttachable(pid: number): void {
  checkProcessExists(pid);
  checkAttachAllowed(pid);
}

/** Samples a running process for a while (or until Ctrl-C); the process itself is left alone. */
export async function attachSample(opts: AttachOptions): Promise<Profile> {
  checkAttachable(opts.pid);
  const dir = await mkdtemp(join(tmpdir(), 'vecprof-attach-'));
  const file = join(dir, SAMPLE_PROFILE_FILE);
  const started = new Date();
  try {
    const native = opts.native ?? true;
    let run = await pyspyAttach(opts, file, native);
    if (!existsSync(file) && native && !permissionDenied(run.stderr) && !/no such process|failed to find|no python processes found/i.test(run.stderr)) {
      log.warn({ pyspy: pyspyReason(run.stderr) }, 'py-spy cannot record native frames of this process; sampling Python frames only');
      run = await pyspyAttach(opts, file, false);
    }
    if (permissionDenied(run.stderr)) throw ptraceDenied(run.stderr);
    if (!existsSync(file)) {
      throw new VecprofError(`py-spy could not sample process ${opts.pid}: ${pyspyReason(run.stderr) || 'no output'}`, {
        hint: 'check that the pid is a running Python process',
      });
    }
    const text = await readFile(file, 'utf8');
    if (opts.outDir !== undefined) await writeFileAtomic(join(opts.outDir, SAMPLE_PROFILE_FILE), text);
    const profile = importSpeedscope(text, { source: file, readSource, userFiles });
    profile.meta = {
      ...profile.meta,
      mode: 'sample',
      passes: [{ mode: 'sample', reason: `--pid ${opts.pid}`, wallSeconds: run.wallSeconds, found: describeSamples(profile) }],
      command: ['--pid', String(opts.pid)],
      startedAt: started.toISOString(),
      durationSeconds: run.wallSeconds,
      exitStatus: null,
      tool: `py-spy ${opts.pyspy.version}`,
    };
    return profile;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pyspyAttach(opts: AttachOptions, file: string, native: boolean): Promise<{ stderr: string; wallSeconds: number }> {
  const [cmd = opts.pyspy.path, ...args] = recordArgs(opts.pyspy, file, opts.rateHz ?? DEFAULT_RATE_HZ, native);
  args.push('--pid', String(opts.pid));
  if (opts.durationSeconds !== undefined) args.push('--duration', String(opts.durationSeconds));
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
    // Ctrl-C ends the recording, not vecprof: py-spy writes its file on SIGINT, then we read it.
    const onSignal = (sig: NodeJS.Signals): void => void child.kill(sig === 'SIGTERM' ? 'SIGINT' : sig);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    child.once('error', (err) => reject(new VecprofError(`could not start py-spy: ${err.message}`, { where: cmd })));
    child.once('close', () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      log.debug({ stderr }, 'py-spy stderr');
      resolve({ stderr, wallSeconds: (performance.now() - startedMs) / 1000 });
    });
  });
}

/** yama ptrace_scope 2 (admin only) and 3 (no attach) stop py-spy before it starts; say so without trying. */
function checkAttachAllowed(pid: number): void {
  if (!Number.isInteger(pid) || pid <= 0) throw new VecprofError(`not a process id: ${pid}`, { hint: 'give --pid a positive integer' });
  const scope = readPtraceScope();
  const root = process.getuid?.() === 0;
  if (scope === 3 || (scope === 2 && !root)) {
    throw new VecprofError(`attaching to process ${pid} is not allowed: kernel.yama.ptrace_scope is ${scope}`, {
      hint: scope === 3 ? 'ptrace is disabled until reboot (ptrace_scope 3); run the program under vecprof profile instead' : 'run vecprof as root, or: sudo sysctl kernel.yama.ptrace_scope=1',
    });
  }
}

function readPtraceScope(): number | null {
  try {
    return Number(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim());
  } catch {
    return null;
  }
}

export function permissionDenied(pyspyStderr: string): boolean {
  return /permission denied|operation not permitted|EPERM|os error 1\b/i.test(pyspyStderr);
}

function ptraceDenied(pyspyStderr: string): VecprofError {
  return new VecprofError(`py-spy was not allowed to read the Python process (ptrace denied: ${pyspyReason(pyspyStderr)})`, {
    hint: 'allow ptrace: sudo sysctl kernel.yama.ptrace_scope=0, or run as root; in Docker add --cap-add SYS_PTRACE',
  });
}

function pyspyReason(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('py-spy>') && !/^\d+: /.test(l) && l !== 'Stack backtrace:')
      .at(0) ?? ''
  );
}
