// Runs one Python helper: argument arrays only (never a shell), JSON lines on fd 3,
// a timeout, Ctrl-C/SIGTERM/SIGHUP forwarded to the child's whole process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { VecprofError, InterruptedError } from '../errors.js';
import { log } from '../log.js';

export const PROTOCOL_VERSION = 1;

export interface HelperMessage {
  v: number;
  type: string;
  [field: string]: unknown;
}

export interface HelperOptions {
  python: string;
  script: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child after this long; undefined means no limit. */
  timeoutMs?: number;
  /** 'pipe' captures the child's stdout/stderr (helpers); 'inherit' leaves them to the user (profiled scripts). */
  stdio?: 'pipe' | 'inherit';
  /** A non-zero exit is normal for a profiled user script; for a helper it is a failure. */
  allowNonZeroExit?: boolean;
  /** How long the child gets to finish after the forwarded signal before SIGKILL. */
  graceMs?: number;
  onMessage?: (msg: HelperMessage) => void;
  /** What to call the helper in error messages, e.g. "budget helper". */
  label?: string;
  /** Interpreter flags before the script; default ['-u']. A profiled program gets [] to keep Python's own buffering. */
  interpreterFlags?: string[];
  /** Run the interpreter under another command (e.g. `py-spy record … --`); the first word is the executable. */
  prefix?: string[];
  /** Timeout and Ctrl-C resolve with timedOut/interrupted set instead of rejecting: a profiler wants what ran. */
  resolveWhenStopped?: boolean;
  /**
   * With stdio 'inherit': a wrapper's own chatter (py-spy prints to both streams) stays out of the user's output.
   * fd 1 is discarded and fd 2 kept in stderrTail; the real stdout and stderr reach the child as fds 4 and 5, named
   * in $VECPROF_STDOUT_FD and $VECPROF_STDERR_FD, and python/vecprof_run.py moves them back to 1 and 2 for the program.
   */
  captureWrapperOutput?: boolean;
  /**
   * With stdio 'inherit': the fds of this process the program gets as its stdin, stdout and stderr, instead of
   * vecprof's own (a profiler prints JSON on stdout, or runs the program again and shows its output only once).
   */
  programStdio?: [stdin: number, stdout: number, stderr: number];
  /** Called once the process is running, with its pid (the leader of the helper's process group). */
  onSpawn?: (pid: number) => void;
  /**
   * Stops the helper (SIGTERM to its group, SIGKILL after the grace period) and rejects with the signal's reason
   * when it is a VecprofError: the caller hit a failure of its own (e.g. its output file cannot be written).
   */
  abort?: AbortSignal;
}

export interface HelperResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  messages: HelperMessage[];
  stderrTail: string;
  timedOut: boolean;
  interrupted: NodeJS.Signals | null;
  wallMs: number;
}

const STDERR_TAIL_BYTES = 8192;
/**
 * setTimeout's ceiling (about 24.8 days): Node turns a longer delay (or Infinity) into 1 ms, with a
 * TimeoutOverflowWarning on stderr outside the logger, so the helper would be stopped at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Signals that end vecprof are passed on to the helper's group, so a closed terminal does not orphan it. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The helper ran past its timeoutMs and was stopped; a caller that keeps partial results tells it from a crash. */
export class HelperTimeoutError extends VecprofError {
  constructor(label: string, timeoutMs: number) {
    super(`${label} timed out after ${(timeoutMs / 1000).toFixed(1)} s and was stopped`, { hint: 'raise --timeout, or measure fewer sizes' });
    this.name = 'HelperTimeoutError';
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // negative pid: the whole group the helper may have spawned
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function lastMeaningfulLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return lines.at(-1) ?? '';
}

/** Runs the helper and resolves when it exits. Rejects with a one-line VecprofError on any failure. */
export function runHelper(opts: HelperOptions): Promise<HelperResult> {
  const label = opts.label ?? 'Python helper';
  const started = performance.now();
  const stdio = opts.stdio ?? 'pipe';
  const graceMs = opts.graceMs ?? 2000;
  const splitOutput = stdio === 'inherit' && opts.captureWrapperOutput === true;
  const programIn: number | 'inherit' = opts.programStdio?.[0] ?? 'inherit';
  const programOut: number | undefined = opts.programStdio?.[1];
  const programErr: number | undefined = opts.programStdio?.[2];

  return new Promise<HelperResult>((resolve, reject) => {
    let child: ChildProcess;
    try {
      const pythonArgv = [opts.python, ...(opts.interpreterFlags ?? ['-u']), opts.script, ...(opts.args ?? [])];
      const argv = [...(opts.prefix ?? []), ...pythonArgv];
      child = spawn(argv[0] ?? opts.python, argv.slice(1), {
        cwd: opts.cwd,
        env: {
          ...(opts.env ?? process.env),
          VECPROF_CHANNEL_FD: '3',
          PYTHONIOENCODING: 'utf-8',
          ...(splitOutput ? { VECPROF_STDOUT_FD: '4', VECPROF_STDERR_FD: '5' } : {}),
        },
        stdio: splitOutput
          ? [programIn, 'pipe', 'pipe', 'pipe', programOut ?? 1, programErr ?? 2]
          : stdio === 'inherit'
            ? [programIn, programOut ?? 'inherit', programErr ?? 'inherit', 'pipe']
            : ['ignore', stdio, stdio, 'pipe'],
        detached: true, // own process group, so Ctrl-C reaches it only through us and we can kill its children
      });
    } catch (err) {
      reject(new VecprofError(`could not start ${opts.python}`, { cause: err, hint: 'check the path given with --python' }));
      return;
    }

    const messages: HelperMessage[] = [];
    let stderrTail = '';
    let timedOut = false;
    let interrupted: NodeJS.Signals | null = null;
    let protocolError: VecprofError | null = null;
    let spawnError: NodeJS.ErrnoException | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    const escalate = (first: NodeJS.Signals): void => {
      killGroup(child, first);
      killTimer ??= setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      killTimer.unref();
    };

    const onSignal = (sig: NodeJS.Signals): void => {
      if (interrupted) {
        killGroup(child, 'SIGKILL'); // a second Ctrl-C means now
        return;
      }
      interrupted = sig;
      log.debug({ signal: sig, pid: child.pid }, 'forwarding signal to helper');
      escalate(sig);
    };
    for (const sig of FORWARDED_SIGNALS) process.on(sig, onSignal);

    let aborted: VecprofError | null = null;
    const onAbort = (): void => {
      const reason: unknown = opts.abort?.reason;
      aborted ??= reason instanceof VecprofError ? reason : new VecprofError(`${label} was stopped: ${String(reason)}`);
      escalate('SIGTERM');
    };
    if (opts.abort?.aborted) onAbort();
    else opts.abort?.addEventListener('abort', onAbort, { once: true });

    const timeout =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            escalate('SIGTERM');
          }, Math.min(opts.timeoutMs, MAX_TIMER_MS));

    if (child.stderr) {
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
      });
    }
    child.stdout?.resume(); // a helper's stray prints must not fill the pipe and stall it

    const channel = child.stdio[3] as Readable | null;
    const lines = channel ? createInterface({ input: channel, crlfDelay: Infinity }) : null;
    lines?.on('line', (line) => {
      if (line.trim() === '') return;
      let msg: HelperMessage;
      try {
        msg = JSON.parse(line) as HelperMessage;
      } catch {
        protocolError ??= new VecprofError(`${label} sent a line that is not JSON: ${line.slice(0, 120)}`);
        return;
      }
      if (msg.v !== PROTOCOL_VERSION) {
        protocolError ??= new VecprofError(`${label} speaks protocol v${String(msg.v)}, vecprof expects v${PROTOCOL_VERSION}`, {
          hint: 'the package is mixed up between versions; reinstall vecprof',
        });
        escalate('SIGTERM');
        return;
      }
      messages.push(msg);
      try {
        opts.onMessage?.(msg);
      } catch (err) {
        protocolError ??= err instanceof VecprofError ? err : new VecprofError(`handling a ${msg.type} message failed: ${String(err)}`);
        escalate('SIGTERM');
      }
    });
    const linesClosed = lines ? new Promise<void>((r) => lines.once('close', () => r())) : Promise.resolve();

    child.once('spawn', () => {
      if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      spawnError = err;
    });

    child.once('close', (code, sig) => {
      void linesClosed.then(() => {
        for (const forwarded of FORWARDED_SIGNALS) process.off(forwarded, onSignal);
        opts.abort?.removeEventListener('abort', onAbort);
        if (timeout) clearTimeout(timeout);
        if (killTimer) clearTimeout(killTimer);
        const result: HelperResult = {
          exitCode: code,
          signal: sig,
          messages,
          stderrTail,
          timedOut,
          interrupted,
          wallMs: performance.now() - started,
        };
        const failure = aborted ?? describeFailure(opts, label, result, spawnError, protocolError);
        if (failure) reject(failure);
        else resolve(result);
      });
    });
  });
}

function describeFailure(
  opts: HelperOptions,
  label: string,
  r: HelperResult,
  spawnError: NodeJS.ErrnoException | null,
  protocolError: VecprofError | null,
): VecprofError | null {
  if (r.stderrTail.trim() !== '') log.debug({ stderr: r.stderrTail }, `${label} stderr`);
  if (spawnError) {
    if (spawnError.code === 'ENOENT' && opts.prefix?.[0] !== undefined) {
      return new VecprofError(`${opts.prefix[0]} not found`, { hint: 'check that it is installed and on PATH' });
    }
    if (spawnError.code === 'ENOENT') {
      return new VecprofError(`Python interpreter not found: ${opts.python}`, {
        hint: 'install Python 3.9+ or pass --python PATH (or set VECPROF_PYTHON)',
      });
    }
    return new VecprofError(`could not start ${opts.python}: ${spawnError.message}`, { hint: 'check the path given with --python' });
  }
  if (r.interrupted && !opts.resolveWhenStopped) return new InterruptedError(r.interrupted);
  if (r.timedOut && !opts.resolveWhenStopped) {
    return new HelperTimeoutError(label, opts.timeoutMs ?? 0);
  }
  if (protocolError) return protocolError;
  const reported = r.messages.find((m) => m.type === 'error');
  if (reported && !opts.allowNonZeroExit) {
    return new VecprofError(`${label} failed: ${String(reported.message)}`, { hint: typeof reported.hint === 'string' ? reported.hint : undefined });
  }
  if ((r.exitCode !== 0 || r.signal) && !opts.allowNonZeroExit) {
    const status = r.signal ? `was killed by ${r.signal}` : `exited with status ${String(r.exitCode)}`;
    const why = lastMeaningfulLine(r.stderrTail);
    return new VecprofError(`${label} ${status}${why ? `: ${why}` : ''}`, {
      hint: 'run with --log-level debug to see its full stderr',
    });
  }
  return null;
}
