// Colour for results on stdout: only for a person at a terminal. picocolors alone also colours whenever a `CI`
// variable is set, which puts escape codes into piped output and files; NO_COLOR and FORCE_COLOR still rule.
import picocolors from 'picocolors';

function noColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

function wanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColor(env)) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return Boolean(process.stdout.isTTY) && env.TERM !== 'dumb';
}

export const colorEnabled = wanted();
export const pc = picocolors.createColors(colorEnabled);
export type Colors = typeof pc;
/** A caller that knows its destination (a file, a terminal) decides; NO_COLOR still wins. */
export const createColors = (enabled: boolean): Colors => picocolors.createColors(enabled && !noColor());
