// Our own profile.json (the model, as `--out` and `--json` write it) read back, so a saved run can be shown again.
// Checked at the seams the views rely on; anything else in the file is passed through as written.
import { VecprofError } from '../../errors.js';
import type { Profile } from '../model.js';

function bad(source: string, what: string): VecprofError {
  return new VecprofError(`${source} is not a valid vecprof profile.json: ${what}`, {
    hint: 'write it again with vecprof profile --out DIR (or --json), or check it is not truncated',
  });
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for a parsed JSON document that claims to be our model. */
export function looksLikeVecprofProfile(doc: unknown): boolean {
  return isObject(doc) && doc.version === 1 && isObject(doc.meta) && Array.isArray(doc.functions) && Array.isArray(doc.lines);
}

function checkLocated(source: string, what: string, items: unknown[]): void {
  items.forEach((item, i) => {
    if (!isObject(item) || typeof item.file !== 'string' || typeof item.line !== 'number') {
      throw bad(source, `${what} ${i} has no file and line`);
    }
  });
}

export function importVecprofJson(doc: unknown, opts: { source?: string } = {}): Profile {
  const source = opts.source ?? 'the input';
  if (!looksLikeVecprofProfile(doc)) throw bad(source, 'no version 1 model (version, meta, functions, lines)');
  const p = doc as Json & { meta: Json; functions: unknown[]; lines: unknown[] };
  if (typeof p.meta.mode !== 'string' || !Array.isArray(p.meta.passes) || typeof p.meta.durationSeconds !== 'number') {
    throw bad(source, 'meta needs mode, passes and durationSeconds');
  }
  checkLocated(source, 'function', p.functions);
  checkLocated(source, 'line', p.lines);
  p.lines.forEach((l, i) => {
    if (typeof (l as Json).share !== 'number') throw bad(source, `line ${i} has no share`);
  });
  if (p.memory !== undefined) {
    if (!isObject(p.memory) || !Array.isArray(p.memory.lines)) throw bad(source, 'memory has no lines');
    checkLocated(source, 'memory line', p.memory.lines);
  }
  if (p.samples !== undefined) {
    const s = p.samples;
    if (!isObject(s) || !Array.isArray(s.frames) || !Array.isArray(s.stacks)) throw bad(source, 'samples need frames and stacks');
    const n = s.frames.length;
    s.stacks.forEach((st, i) => {
      const ok = isObject(st) && typeof st.weight === 'number' && Array.isArray(st.frames) && st.frames.every((f) => Number.isInteger(f) && (f as number) >= 0 && (f as number) < n);
      if (!ok) throw bad(source, `sample stack ${i} refers to frames that do not exist`);
    });
  }
  return doc as Profile;
}
