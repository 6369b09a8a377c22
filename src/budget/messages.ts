// Reading the timing helpers' messages: sample arrays must be non-empty lists of finite numbers.
import { VecprofError } from '../errors.js';

export function finiteSamples(value: unknown, helper: string, what: string): number[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new VecprofError(`${helper} sent a malformed ${what}`, { hint: 'reinstall vecprof; this is a bug if it persists' });
  }
  return value as number[];
}
