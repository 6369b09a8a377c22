// Errors a user can act on. Each carries the exit code and a hint saying what to do;
// the CLI turns one into a single line: "<what> (<where>): <what to do>".
import { constants as osConstants } from 'node:os';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1; // findings, or a measurement that failed
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

export class VecprofError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly where: string | undefined;

  constructor(message: string, opts: { hint?: string; where?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'VecprofError';
    this.exitCode = opts.exitCode ?? EXIT_FAILURE;
    this.hint = opts.hint;
    this.where = opts.where;
  }

  oneLine(): string {
    const where = this.where ? ` (${this.where})` : '';
    const hint = this.hint ? `: ${this.hint}` : '';
    return `${this.message}${where}${hint}`;
  }
}

export class UsageError extends VecprofError {
  constructor(message: string, opts: { hint?: string; where?: string } = {}) {
    super(message, { ...opts, exitCode: EXIT_USAGE });
    this.name = 'UsageError';
  }
}

/** The shell's convention for a process ended by a signal: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  const number = osConstants.signals[signal] as number | undefined;
  return number === undefined ? EXIT_INTERRUPTED : 128 + number;
}

/** Raised when the user pressed Ctrl-C (or we got SIGTERM or SIGHUP) while a child was working. */
export class InterruptedError extends VecprofError {
  readonly signal: NodeJS.Signals;
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`, { exitCode: exitCodeForSignal(signal) });
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}
