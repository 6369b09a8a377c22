// Runs one helper built on python/vecprof_run.py (or the launcher itself under py-spy) with the user's program,
// and reports how the program ended. Timeout and Ctrl-C stop the program, never the profile: the launcher turns
// SIGTERM/SIGINT into an orderly end, its finish callbacks write what ran, then it reports the status.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { log } from '../../log.js';
import { helperPath } from '../../paths.js';
import { runHelper, type HelperMessage, type HelperResult } from '../../python/worker.js';
import type { PassInfo, ProfileMeta, ProfileMode, RssStat } from '../model.js';
import { commandOf, launcherArgs, type ProgramOutput, type RunEnd, type RunOptions } from './types.js';

/** How long the program gets to write its profile after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 3000;

export interface LaunchSpec {
  /** Helper file in python/, e.g. 'vecprof_cprofile.py'. */
  helper: string;
  /** The helper's own options, placed before --script/--module. */
  helperArgs?: string[];
  /** Run the interpreter under a wrapper (py-spy record … --). */
  prefix?: string[];
  label: string;
  onMessage?: (msg: HelperMessage) => void;
}

export interface LaunchResult {
  end: RunEnd;
  messages: HelperMessage[];
  /** The launcher's hello (absent when the interpreter never got as far as the launcher). */
  hello: HelperMessage | undefined;
  /** With a wrapper: the wrapper's own stderr (the program's stderr went to the user). */
  wrapperStderr: string;
  /**
   * How long the helper held the program back before its first line (sample mode waits there for its native sampler
   * to start): profiler start-up, left out of `end.wallSeconds`.
   */
  heldSeconds: number;
  result: HelperResult;
}

/** Fails early, with a usage error, on a script that cannot be run, instead of a Python traceback later. */
export function checkTarget(opts: Pick<RunOptions, 'target' | 'cwd'>): void {
  if (!('script' in opts.target)) return;
  const path = resolve(opts.cwd, opts.target.script);
  if (!existsSync(path)) {
    throw new UsageError(`script not found: ${opts.target.script}`, { where: opts.cwd, hint: 'give the path of a Python file' });
  }
  if (statSync(path).isDirectory() && !existsSync(resolve(path, '__main__.py'))) {
    throw new UsageError(`${opts.target.script} is a directory without __main__.py`, { hint: 'give the path of a Python file' });
  }
}

export async function runLauncher(opts: RunOptions, spec: LaunchSpec): Promise<LaunchResult> {
  checkTarget(opts);
  let programPid: number | undefined;
  let groupPid: number | undefined;
  let timedOut = false;
  let exitReportedMs: number | undefined;
  let wrapperCpu: number | undefined;
  let heldSeconds = 0;
  const started = performance.now();
  let killTimer: NodeJS.Timeout | undefined;

  const stopProgram = (): void => {
    timedOut = true;
    log.warn({ timeoutSeconds: (opts.timeoutMs ?? 0) / 1000 }, 'time limit reached: stopping the program and keeping the profile of what ran');
    // Signals go to the program alone: a wrapper (py-spy) must survive them to see the program end and write its
    // file. A program stuck in one native call cannot act on SIGTERM, so it gets SIGKILL after the grace period;
    // only when even that does not end the run is the whole group killed.
    signal(programPid ?? groupPid, 'SIGTERM', programPid === undefined);
    killTimer = setTimeout(() => {
      if (programPid !== undefined) {
        log.warn('the program did not stop within 3 s of SIGTERM (stuck in native code?): killing it');
        signal(programPid, 'SIGKILL', false);
      }
      killTimer = setTimeout(() => signal(groupPid, 'SIGKILL', true), STOP_GRACE_MS);
      killTimer.unref();
    }, STOP_GRACE_MS);
    killTimer.unref();
  };
  let timer = opts.timeoutMs === undefined ? undefined : setTimeout(stopProgram, opts.timeoutMs);
  // The time limit is the program's: a wait before its first line moves the deadline by as much.
  const postpone = (seconds: number): void => {
    if (timer === undefined || opts.timeoutMs === undefined || timedOut) return;
    clearTimeout(timer);
    timer = setTimeout(stopProgram, Math.max(0, opts.timeoutMs + seconds * 1000 - (performance.now() - started)));
  };

  const output = programStdio(opts.programOutput ?? 'show');
  let result: HelperResult;
  try {
    result = await runHelper({
      // The real binary, not a shim (pyenv's is a shell script): py-spy must find a Python process at the pid it starts.
      python: opts.python.executable,
      script: helperPath(spec.helper),
      args: [...(spec.helperArgs ?? []), ...launcherArgs(opts.target, opts.args)],
      cwd: opts.cwd,
      stdio: 'inherit',
      interpreterFlags: [],
      prefix: spec.prefix,
      captureWrapperOutput: spec.prefix !== undefined,
      allowNonZeroExit: true,
      resolveWhenStopped: true,
      graceMs: STOP_GRACE_MS,
      label: spec.label,
      ...(output.fds === undefined ? {} : { programStdio: output.fds }),
      onSpawn: (pid) => (groupPid = pid),
      onMessage: (msg) => {
        if (msg.type === 'hello' && typeof msg.pid === 'number') programPid = msg.pid;
        if (msg.type === 'started' && typeof msg.held_seconds === 'number' && msg.held_seconds > 0) {
          heldSeconds = msg.held_seconds;
          postpone(heldSeconds);
        }
        if (msg.type === 'exit') {
          exitReportedMs = performance.now() - started;
          if (spec.prefix !== undefined && groupPid !== undefined) wrapperCpu = cpuSecondsOf(groupPid);
        }
        spec.onMessage?.(msg);
      },
    });
  } finally {
    if (timer) clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    output.close();
  }

  const hello = result.messages.find((m) => m.type === 'hello');
  const exit = result.messages.find((m) => m.type === 'exit');
  const cannotStart = exit?.reason === 'cannot-start' ? result.messages.find((m) => m.type === 'error') : undefined;
  if (cannotStart) {
    // A script that cannot be opened or a module that cannot be found: what was asked for does not exist (usage).
    throw new UsageError(`cannot run ${describe(opts)}: ${String(cannotStart.message)}`, {
      hint: typeof cannotStart.hint === 'string' ? cannotStart.hint : undefined,
    });
  }
  for (const m of result.messages) {
    if (m.type === 'error') log.warn({ helper: spec.helper }, `${spec.label}: ${String(m.message)}`);
  }
  const exitStatus = typeof exit?.status === 'number' ? exit.status : spec.prefix ? null : result.exitCode;
  const end: RunEnd = {
    exitStatus,
    stoppedBy: result.interrupted ? 'interrupt' : timedOut ? 'timeout' : null,
    signal: exit ? null : result.signal,
    // Until the program reported its end: a wrapper's own wrap-up (py-spy writing its file) is not the program's time,
    // nor is a wait before its first line (the helper measured it; the plain run has no such wait).
    wallSeconds: Math.max(0, (exitReportedMs ?? result.wallMs) / 1000 - heldSeconds),
    rss: exit ? rssOf(exit) : undefined,
    ...(typeof exit?.cpu_seconds === 'number' ? { cpuSeconds: exit.cpu_seconds } : {}),
    ...(wrapperCpu === undefined ? {} : { wrapperCpuSeconds: wrapperCpu }),
  };
  if (!exit && hello) log.warn({ signal: result.signal }, 'the program ended without reporting its exit status (killed, or it called os._exit)');
  const hidden = output.hiddenStderr();
  if (hidden !== undefined && exitStatus !== 0 && end.stoppedBy === null) {
    log.info({ status: exitStatus }, `${spec.label}: the program exited with status ${String(exitStatus)} on this run; its output is not shown again (--log-level debug shows its stderr)`);
    log.debug({ stderr: hidden }, `${spec.label}: the program's stderr on this run`);
  }
  return { end, messages: result.messages, hello, wrapperStderr: spec.prefix ? result.stderrTail : '', heldSeconds, result };
}

/** How many bytes of a hidden run's stderr are kept for the debug log: a traceback's last frames and its message. */
const HIDDEN_STDERR_TAIL = 4096;

interface ProgramStdio {
  fds: [number, number, number] | undefined;
  /** The tail of what a hidden run wrote to stderr (undefined unless hidden). */
  hiddenStderr(): string | undefined;
  close(): void;
}

/** The fds the program's stdin, stdout and stderr are given for each ProgramOutput. */
function programStdio(output: ProgramOutput): ProgramStdio {
  if (output === 'show') return { fds: undefined, hiddenStderr: () => undefined, close: () => undefined };
  if (output === 'stdout-to-stderr') return { fds: [0, 2, 2], hiddenStderr: () => undefined, close: () => undefined };
  const devNull = openSync('/dev/null', 'r+');
  const errPath = join(tmpdir(), `vecprof-stderr-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  const errFd = openSync(errPath, 'w+', 0o600);
  // The open fd is all the program and the tail need: no name is left behind, whatever ends vecprof.
  rmSync(errPath, { force: true });
  let tail: string | undefined;
  let closed = false;
  return {
    fds: [devNull, devNull, errFd],
    hiddenStderr: () => tail,
    close: () => {
      if (closed) return;
      closed = true;
      try {
        tail = tailOf(errFd, HIDDEN_STDERR_TAIL);
      } catch {
        tail = '';
      }
      closeSync(devNull);
      closeSync(errFd);
    },
  };
}

/** The last `bytes` bytes of an open file as text, read alone (a chatty program's stderr can be gigabytes). */
export function tailOf(fd: number, bytes: number): string {
  const size = fstatSync(fd).size;
  const length = Math.min(size, bytes);
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, size - length + read);
    if (n === 0) break;
    read += n;
  }
  let start = 0;
  while (start < read && (buffer[start]! & 0xc0) === 0x80) start++; // the rest of a character cut at the start
  return buffer.subarray(start, read).toString('utf8');
}

function rssOf(exit: HelperMessage): RssStat {
  const bytes = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const end = bytes(exit.rss_end);
  const peak = bytes(exit.peak_rss);
  // ru_maxrss lags the current size by a page or two at exit; the peak is at least what is resident now.
  return {
    startBytes: bytes(exit.rss_start),
    endBytes: end,
    peakBytes: peak === null ? end : Math.max(peak, end ?? 0),
    peakChildrenBytes: bytes(exit.peak_rss_children),
  };
}

/** utime + stime of a live process from /proc (Linux); undefined elsewhere. The clock tick is 100 Hz on Linux. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    const ticks = Number(fields?.[11]) + Number(fields?.[12]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

function describe(opts: RunOptions): string {
  return 'script' in opts.target ? opts.target.script : `-m ${opts.target.module}`;
}

function signal(pid: number | undefined, sig: NodeJS.Signals, group: boolean): void {
  if (pid === undefined) return;
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    /* already gone */
  }
}

/** The metadata every runner fills in the same way. */
export function runMeta(
  opts: RunOptions,
  launched: LaunchResult,
  pass: { mode: ProfileMode; found: string; reason?: string },
  started: Date,
  tool: string,
): ProfileMeta {
  const passInfo: PassInfo = {
    mode: pass.mode,
    reason: pass.reason ?? `--mode ${pass.mode}`,
    wallSeconds: launched.end.wallSeconds,
    found: pass.found,
    ...(launched.end.cpuSeconds === undefined ? {} : { cpuSeconds: launched.end.cpuSeconds }),
    ...(launched.end.wrapperCpuSeconds === undefined ? {} : { profilerCpuSeconds: launched.end.wrapperCpuSeconds }),
  };
  return {
    mode: pass.mode,
    passes: [passInfo],
    command: commandOf(opts.target, opts.args),
    python: { executable: opts.python.executable, version: opts.python.version, numpy: opts.python.numpy },
    startedAt: started.toISOString(),
    durationSeconds: launched.end.wallSeconds,
    exitStatus: launched.end.exitStatus,
    signal: launched.end.signal,
    tool,
    ...(launched.end.stoppedBy ? { stoppedBy: launched.end.stoppedBy } : {}),
    ...(launched.end.rss ? { rss: launched.end.rss } : {}),
  };
}

/** Source of a profiled file, for importers that want a function's `def` line; undefined when it cannot be read. */
export function readSource(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
