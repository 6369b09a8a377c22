// Runs the built CLI as a user would, in a child process, and captures everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
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

const TEST_CACHE_PREFIX = 'vecprof-test-cache-';

/**
 * A vecprof cache dir shared by the test files of one `node --test` run (they are processes of the same runner),
 * so the cost model is calibrated once per run, not once per file; never the user's own cache. It is removed once
 * the runner has ended: the file that makes it starts a small detached watcher for that (no test file knows whether
 * it is the last), and dirs of runners that are gone (a watcher killed with the machine) are swept here.
 */
export function sharedTestCacheDir(): string {
  if (process.ppid <= 1) {
    // no runner to share with (orphaned, or run by init): this process's own dir, gone when it exits
    const own = join(tmpdir(), `${TEST_CACHE_PREFIX}${process.pid}`);
    process.once('exit', () => rmSync(own, { recursive: true, force: true }));
    return own;
  }
  const dir = join(tmpdir(), `${TEST_CACHE_PREFIX}${process.ppid}`);
  try {
    mkdirSync(dir);
  } catch {
    return dir; // made by another file of this run, which watches it
  }
  sweepTestCacheDirs();
  const watcher = spawn(process.execPath, ['-e', REMOVE_WHEN_GONE, String(process.ppid), dir], { detached: true, stdio: 'ignore' });
  watcher.unref();
  return dir;
}

/** Polls the runner once a second; when it is gone, removes its cache dir and ends. */
const REMOVE_WHEN_GONE = `
const [pid, dir] = process.argv.slice(1);
setInterval(() => {
  try { process.kill(Number(pid), 0); } catch (err) {
    if (err.code !== 'ESRCH') return;
    require('node:fs').rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
}, 1000);
`;

function sweepTestCacheDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(name.slice(TEST_CACHE_PREFIX.length));
    if (!name.startsWith(TEST_CACHE_PREFIX) || !Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, someone else's
  }
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
