// The second sampler of sample mode: py-spy --native attached by pid, at a low rate, whose samples only give each
// line's split (Python / NumPy per-element / kernels / other native). It starts while the launcher holds the program
// at its gate and releases the gate once py-spy has taken its first sample (the slow one: it loads the interpreter's
// symbols while it holds the process stopped), or has failed, or has taken too long.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { log } from '../../log.js';
import type { ToolInfo } from '../../python/tools.js';
import { cpuSecondsOf } from './launch.js';

/** How long the program may wait at its gate for the native sampler; after that it runs and the sampler may join late. */
export const NATIVE_READY_LIMIT_MS = 5000;
/** After the program ended: py-spy notices within one interval and writes its file; these are the limits. */
const FINISH_GRACE_MS = 3000;
const INTERRUPT_GRACE_MS = 2000;

export interface NativeSamplerOptions {
  pyspy: ToolInfo;
  pid: number;
  rateHz: number;
  /** py-spy writes its speedscope file here. */
  file: string;
  /** Called once: the sampler is ready, gave up, or ran out of time. */
  onReady: (why: 'ready' | 'failed' | 'late') => void;
}

export interface NativeRun {
  /** The speedscope file exists (py-spy wrote its samples). */
  wrote: boolean;
  stderr: string;
  /** py-spy's own CPU time, where /proc shows it. */
  cpuSeconds?: number;
  /** Milliseconds from spawn to its first sample, when it got there. */
  readyMs?: number;
}

export interface NativeSampler {
  /** The program has reported its end: py-spy's CPU time so far is what sampling it cost. */
  programEnded(): void;
  /** Waits for py-spy to end (it stops by itself when the program has ended), ending it if it does not. Once. */
  finish(): Promise<NativeRun>;
}

export function nativeRecordArgs(file: string, rateHz: number, pid: number): string[] {
  return ['record', '--native', '--format', 'speedscope', '--output', file, '--rate', String(rateHz), '--subprocesses', '--pid', String(pid)];
}

export function startNativeSampler(opts: NativeSamplerOptions): NativeSampler {
  const spawnedAt = performance.now();
  let readyMs: number | undefined;
  let stderr = '';
  let signalled = false;
  const signalReady = (why: 'ready' | 'failed' | 'late'): void => {
    if (signalled) return;
    signalled = true;
    clearTimeout(limit);
    opts.onReady(why);
  };
  const limit = setTimeout(() => {
    log.warn({ afterMs: NATIVE_READY_LIMIT_MS }, 'the native sampler (py-spy --native) is slow to start: the program runs now, and the split of its lines may miss its start');
    signalReady('late');
  }, NATIVE_READY_LIMIT_MS);
  limit.unref();

  let child: ChildProcess;
  try {
    // Its own process group: a terminal's Ctrl-C stops the program, and this py-spy then ends with it and writes its
    // file, instead of stopping at once with the program still running.
    child = spawn(opts.pyspy.path, nativeRecordArgs(opts.file, opts.rateHz, opts.pid), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  } catch (err) {
    stderr = String(err);
    signalReady('failed');
    return { programEnded: () => undefined, finish: () => Promise.resolve({ wrote: false, stderr }) };
  }
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    if (signalled) return;
    stdout = (stdout + d).slice(-4096);
    // py-spy prints this once its first sample is in (PythonSpy::retry_new has read a stack, native frames included).
    if (/Sampling process/.test(stdout)) {
      readyMs = performance.now() - spawnedAt;
      log.debug({ readyMs: Math.round(readyMs) }, 'native sampler ready');
      signalReady('ready');
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8192)));
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      stderr += String(err);
      resolve();
    });
    child.once('close', () => resolve());
  });
  void exited.then(() => signalReady('failed'));

  let cpuSeconds: number | undefined;
  let finished: Promise<NativeRun> | undefined;
  const finish = async (): Promise<NativeRun> => {
    if (!(await within(exited, FINISH_GRACE_MS))) {
      log.debug('the native sampler is still running after the program ended: asking it to stop');
      child.kill('SIGINT'); // py-spy writes what it has on SIGINT
      if (!(await within(exited, INTERRUPT_GRACE_MS))) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    if (stderr.trim() !== '') log.debug({ stderr }, 'native py-spy stderr');
    return { wrote: existsSync(opts.file), stderr, ...(cpuSeconds === undefined ? {} : { cpuSeconds }), ...(readyMs === undefined ? {} : { readyMs }) };
  };
  return {
    programEnded(): void {
      if (child.pid !== undefined) cpuSeconds = cpuSecondsOf(child.pid);
    },
    finish: () => (finished ??= finish()),
  };
}

function within(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(t);
      resolve(true);
    });
  });
}
