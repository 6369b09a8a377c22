// What every verb shares: the global options and the way it reports its exit code.
import type { LogLevel } from '../log.js';
import { EXIT_OK } from '../errors.js';

export interface GlobalOptions {
  logLevel: LogLevel;
  quiet: boolean;
  python?: string;
}

/** Commander only knows success or throw; each verb reports its exit code here. */
let actionExitCode = EXIT_OK;

export function setExitCode(code: number): void {
  actionExitCode = code;
}

export function takeExitCode(): number {
  const code = actionExitCode;
  actionExitCode = EXIT_OK;
  return code;
}

/** Progress bars and other live output: only for a person at a terminal, never with --quiet. */
export function wantsProgress(globals: GlobalOptions): boolean {
  return Boolean(process.stderr.isTTY) && !globals.quiet;
}
