// The one logger. Diagnostics only: results go to stdout through src/render/.
// JSON lines when stderr is a pipe or file (machines read it), pino-pretty when a person watches.
import { pino, type Logger, type Level } from 'pino';
import pretty from 'pino-pretty';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

function colourWanted(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR === '0') return false;
  return true;
}

function makeLogger(): Logger {
  const level: LogLevel = 'warn';
  if (process.stderr.isTTY) {
    const stream = pretty({
      destination: 2,
      sync: true,
      colorize: colourWanted(),
      ignore: 'pid,hostname,time',
      messageFormat: '{msg}',
    });
    return pino({ level, base: undefined }, stream);
  }
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true }));
}

export const log: Logger = makeLogger();

export function setLogLevel(level: LogLevel): void {
  log.level = level;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
