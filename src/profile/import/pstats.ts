// cProfile / pstats dumps (.prof) → Profile.functions.
// The file is one marshalled dict: (file, line, name) → (cc, nc, tt, ct, callers), callers being
// {(file, line, name) → (nc, cc, tt, ct)} — the two call counts swap places there. C functions have file "~", line 0.
// Python 3.15's sampling profiler writes the same shape with ("__sampled__",) → True: then cc/nc are direct/
// cumulative sample counts, tt/ct their time estimates, callers map to plain counts, and the line is the line that
// was executing, so the file also yields per-line samples.
import { VecprofError } from '../../errors.js';
import type { FunctionStat, LineStat, Profile } from '../model.js';
import { MarshalError, isMarshalDict, readMarshal, type MarshalValue } from './marshal.js';
import { functionId } from './stacks.js';
import { firstLineOfDefinition } from './def-lines.js';
import { defaultUserFile, type UserFilePredicate } from './user-files.js';

export interface PstatsImportOptions {
  userFiles?: UserFilePredicate;
  /** Sampled files only: source text, to find the first line of the function a sampled line belongs to. */
  readSource?: (file: string) => string | undefined;
  /** Named in error messages. */
  source?: string;
}

type Key = [string, number, string];

function notProf(source: string, what: string): VecprofError {
  return new VecprofError(`${source} is not a cProfile file: ${what}`, {
    hint: 'write it with cProfile (python -m cProfile -o out.prof script.py) or pstats.Stats.dump_stats()',
  });
}

function asNumber(v: MarshalValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

const utf8 = new TextDecoder('utf-8');

/** Python 2 wrote file and function names as byte strings. */
function asText(v: MarshalValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8.decode(v);
  return undefined;
}

function asKey(v: MarshalValue): Key | undefined {
  if (!Array.isArray(v) || v.length !== 3) return undefined;
  const file = asText(v[0]);
  const line = v[1];
  const name = asText(v[2]);
  const n = asNumber(line ?? null);
  if (typeof file !== 'string' || typeof name !== 'string' || n === undefined) return undefined;
  return [file, n, name];
}

function isSampledMarker(k: MarshalValue): boolean {
  return Array.isArray(k) && k.length === 1 && k[0] === '__sampled__';
}

/** Sampled files store time = samples × interval; any entry with samples gives the interval back. */
function sampleInterval(entries: Array<[MarshalValue, MarshalValue]>): number | undefined {
  for (const [, v] of entries) {
    if (!Array.isArray(v) || v.length !== 5) continue;
    const cc = asNumber(v[0]!);
    const tt = asNumber(v[2]!);
    if (cc !== undefined && tt !== undefined && cc > 0 && tt > 0) return tt / cc;
  }
  return undefined;
}

/**
 * A sampled file has one entry per executing line; the function table wants one per function. Lines of one function
 * fold together, keyed by the function's first line when its source can be read (else by file and name), and caller
 * edges follow. A sample holds a function at one line, so summing cumulative samples over its lines is exact except
 * for recursion through two different lines.
 */
function foldLocations(
  located: FunctionStat[],
  userFile: UserFilePredicate,
  readSource: ((file: string) => string | undefined) | undefined,
): FunctionStat[] {
  const sources = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (readSource === undefined || !userFile(file)) return undefined;
    if (!sources.has(file)) sources.set(file, readSource(file)?.split(/\r?\n/));
    return sources.get(file);
  };
  const folded = new Map<string, FunctionStat>();
  const idOf = new Map<string, string>();
  const groupOf = new Map<string, string>();
  for (const f of located) {
    const src = linesOf(f.file);
    const first = src ? firstLineOfDefinition(f.name, f.line, src) : undefined;
    const group = `${f.file}\0${first ?? '?'}\0${f.name}`;
    groupOf.set(f.id, group);
    let into = folded.get(group);
    if (into === undefined) {
      into = { id: '', file: f.file, line: first ?? f.line, name: f.name, samples: 0, selfSamples: 0, selfTime: 0, totalTime: 0, callers: [] };
      folded.set(group, into);
    }
    if (first === undefined && f.line < into.line) into.line = f.line;
    into.samples! += f.samples ?? 0;
    into.selfSamples! += f.selfSamples ?? 0;
    into.selfTime! += f.selfTime ?? 0;
    into.totalTime! += f.totalTime ?? 0;
  }
  for (const [group, f] of folded) {
    f.id = functionId(f.file, f.line, f.name);
    idOf.set(group, f.id);
  }
  for (const f of located) {
    const into = folded.get(groupOf.get(f.id)!)!;
    for (const c of f.callers ?? []) {
      const callerGroup = groupOf.get(c.id);
      const id = callerGroup === undefined ? c.id : idOf.get(callerGroup)!;
      if (id === into.id) continue; // recursion through another line of the same function
      const edge = into.callers!.find((e) => e.id === id);
      if (edge) {
        edge.totalTime += c.totalTime;
        edge.samples = (edge.samples ?? 0) + (c.samples ?? 0);
      } else into.callers!.push({ ...c, id });
    }
  }
  return [...folded.values()];
}

export function importPstats(bytes: Uint8Array, opts: PstatsImportOptions = {}): Profile {
  const source = opts.source ?? 'the input';
  let root: MarshalValue;
  try {
    root = readMarshal(bytes);
  } catch (err) {
    if (!(err instanceof MarshalError)) throw err;
    if (err.truncated) {
      throw new VecprofError(`${source} is truncated at byte ${err.offset}: not a complete cProfile file`, {
        hint: 'the profiler was probably stopped while writing; profile again',
        cause: err,
      });
    }
    throw notProf(source, err.message);
  }
  if (!isMarshalDict(root)) throw notProf(source, 'the top level is not a dict');

  const sampled = root.entries.some(([k, v]) => isSampledMarker(k) && v === true);
  const functions: FunctionStat[] = [];
  const directByLine = new Map<string, { file: string; line: number; fn: string; samples: number; time: number }>();
  let totalSelf = 0;
  let totalSelfSamples = 0;
  const intervalSeconds = sampled ? sampleInterval(root.entries) : undefined;

  for (const [i, [k, v]] of root.entries.entries()) {
    if (isSampledMarker(k)) continue;
    const key = asKey(k);
    if (key === undefined) throw notProf(source, `entry ${i} has no (file, line, function) key`);
    if (!Array.isArray(v) || v.length !== 5) throw notProf(source, `entry ${i} is not (cc, nc, tt, ct, callers)`);
    const [cc, nc, tt, ct] = v.slice(0, 4).map((x) => asNumber(x));
    const callersRaw = v[4]!;
    if (cc === undefined || nc === undefined || tt === undefined || ct === undefined || !isMarshalDict(callersRaw)) {
      throw notProf(source, `entry ${i} has non-numeric counts or no callers dict`);
    }
    const [file, line, name] = key;
    const stat: FunctionStat = { id: functionId(file, line, name), file, line, name, selfTime: tt, totalTime: ct };
    if (sampled) {
      stat.selfSamples = cc;
      stat.samples = nc;
      totalSelfSamples += cc;
    } else {
      stat.calls = nc;
      stat.primitiveCalls = cc;
    }
    totalSelf += tt;
    stat.callers = callersRaw.entries.map(([ck, cv], j) => {
      const callerKey = asKey(ck);
      if (callerKey === undefined) throw notProf(source, `entry ${i} caller ${j} has no (file, line, function) key`);
      const id = functionId(...callerKey);
      if (sampled) {
        const count = asNumber(cv);
        if (count === undefined) throw notProf(source, `entry ${i} caller ${j} is not a sample count`);
        return { id, calls: 0, totalTime: intervalSeconds === undefined ? 0 : count * intervalSeconds, samples: count };
      }
      if (!Array.isArray(cv) || cv.length !== 4) throw notProf(source, `entry ${i} caller ${j} is not (nc, cc, tt, ct)`);
      const calls = asNumber(cv[0]!);
      const cumulative = asNumber(cv[3]!);
      if (calls === undefined || cumulative === undefined) throw notProf(source, `entry ${i} caller ${j} has non-numeric counts`);
      return { id, calls, totalTime: cumulative };
    });
    functions.push(stat);
    if (sampled && cc > 0) {
      const lk = `${file}\0${line}`;
      const acc = directByLine.get(lk) ?? { file, line, fn: name, samples: 0, time: 0 };
      acc.samples += cc;
      acc.time += tt;
      directByLine.set(lk, acc);
    }
  }

  const userFile = opts.userFiles ?? defaultUserFile;
  if (sampled) functions.splice(0, functions.length, ...foldLocations(functions, userFile, opts.readSource));
  functions.sort((a, b) => (b.totalTime ?? 0) - (a.totalTime ?? 0) || a.id.localeCompare(b.id));
  const lines: LineStat[] = [...directByLine.values()]
    .filter((l) => userFile(l.file))
    .map((l) => ({ file: l.file, line: l.line, function: l.fn, time: l.time, share: l.samples / totalSelfSamples, samples: l.samples }))
    .sort((a, b) => b.share - a.share || a.file.localeCompare(b.file) || a.line - b.line);

  const top = functions.find((f) => f.file !== '~' && !f.name.startsWith('<'));
  const found = `${functions.length} functions${top ? `; slowest by cumulative time ${top.name} (${top.file}:${top.line})` : ''}`;
  return {
    version: 1,
    meta: {
      mode: sampled ? 'sample' : 'cpu',
      passes: [{ mode: sampled ? 'sample' : 'cpu', reason: `read ${source}`, wallSeconds: totalSelf, found }],
      command: [],
      startedAt: new Date().toISOString(),
      durationSeconds: totalSelf,
      exitStatus: null,
      tool: sampled ? 'profiling.sampling (pstats)' : 'cProfile',
    },
    functions,
    lines,
  };
}
