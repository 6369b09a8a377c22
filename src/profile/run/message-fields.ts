// Typed reads of fields in a helper's JSON message: a malformed message is a bug of ours, reported in one line.
import { VecprofError } from '../../errors.js';

export type Fields = Record<string, unknown>;

function bad(what: string, field: string, expected: string): VecprofError {
  return new VecprofError(`the profiling helper sent a ${what} whose "${field}" is not ${expected}`, {
    hint: 'this is a bug in vecprof (or a mixed-up install): please report it',
  });
}

export function numberField(obj: Fields, field: string, what: string): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(what, field, 'a number');
  return v;
}

export function stringField(obj: Fields, field: string, what: string): string {
  const v = obj[field];
  if (typeof v !== 'string') throw bad(what, field, 'a string');
  return v;
}

export function arrayField(obj: Fields, field: string, what: string): Fields[] {
  const v = obj[field];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) throw bad(what, field, 'a list of objects');
  return v as Fields[];
}
