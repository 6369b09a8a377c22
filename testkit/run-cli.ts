// Runs the built CLI as a user would, in a child process, and captures everything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/vecprof.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Called once the child is running, e.g. to send it a signal. */
  onSpawn?: (pid: number) => void;
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('spawn', () => {
      if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSON log lines the CLI wrote to stderr (stderr is a pipe here, so pino writes JSON). */
export function logLines(stderr: string): Array<{ level: number; msg: string; [k: string]: unknown }> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
}

/**
 * A vecprof cache dir shared by the test files of one `node --test` run (they are processes of the same runner),
 * so the cost model is calibrated once per run, not once per file; never the user's own cache.
 */
export function sharedTestCacheDir(): string {
  return join(tmpdir(), `vecprof-test-cache-${process.ppid}`);
}

/** An `onSpawn` that sends SIGINT shortly after `path` first appears: a run interrupted once it has written something. */
export function interruptOnceWritten(path: string, delayMs = 300, signal: NodeJS.Signals = 'SIGINT'): (pid: number) => void {
  return (pid) => {
    const poll = setInterval(() => {
      if (existsSync(path)) {
        clearInterval(poll);
        setTimeout(() => process.kill(pid, signal), delayMs);
      }
    }, 50);
  };
}
