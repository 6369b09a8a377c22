// Sampled stacks → the Profile's lines and functions. Shared by the speedscope and raw py-spy importers.
//
// A sample is blamed on the deepest frame in a user file (its executing line): that is the line a user can change.
// The split of that line comes from the native frames below the deepest Python frame of the same sample.
// Functions are Python frames only, keyed like pstats (file, first line, name) so a cpu pass and a sample pass
// name the same function the same way; native code shows in the split and the flame graph instead.
import type { FunctionStat, LineStat, Profile, ProfileMeta, SampleSplit, SampleStacks, Frame } from '../model.js';
import { classifySample, emptySplit, isNativeFrame, normaliseSplit } from '../split.js';
import { defaultUserFile, type UserFilePredicate } from './user-files.js';
import { firstLineOfDefinition } from './def-lines.js';
import { withoutOwnFrames } from './own-frames.js';

export interface StackImportOptions {
  /** Which files are the user's code (lines are blamed on the deepest such frame). Default: a guess from the path. */
  userFiles?: UserFilePredicate;
  /** Source text of a file, to find the `def` line of a sampled function; undefined when unreadable. */
  readSource?: (file: string) => string | undefined;
}

interface FunctionAcc {
  file: string;
  name: string;
  defLine: number | undefined;
  minLine: number;
  samples: number;
  selfSamples: number;
}

interface LineAcc {
  file: string;
  line: number;
  fn: string;
  samples: number;
  split: SampleSplit;
}

export function functionId(file: string, line: number, name: string): string {
  return `${file}:${line}:${name}`;
}

export function profileFromStacks(
  recorded: SampleStacks,
  meta: Pick<ProfileMeta, 'tool'> & Partial<ProfileMeta>,
  opts: StackImportOptions = {},
): Profile {
  const samples = withoutOwnFrames(recorded);
  const isUser = opts.userFiles ?? defaultUserFile;
  const userCache = new Map<string, boolean>();
  const userFile = (file: string): boolean => {
    let v = userCache.get(file);
    if (v === undefined) userCache.set(file, (v = isUser(file)));
    return v;
  };
  const native = samples.frames.map((f: Frame) => isNativeFrame(f));
  const sourceLines = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (opts.readSource === undefined) return undefined;
    if (!sourceLines.has(file)) sourceLines.set(file, opts.readSource(file)?.split(/\r?\n/));
    return sourceLines.get(file);
  };
  // Per frame: which function it belongs to. With the source, by its first line (so two __init__ in one file stay
  // apart); without, by file and name, and the first sampled line stands in for the def line.
  const fnOfFrame = new Map<number, { key: string; defLine: number | undefined }>();
  const functionOf = (idx: number): { key: string; defLine: number | undefined } => {
    let fn = fnOfFrame.get(idx);
    if (fn === undefined) {
      const f = samples.frames[idx]!;
      const src = userFile(f.file) ? linesOf(f.file) : undefined;
      const defLine = f.name === '<module>' ? 1 : src ? firstLineOfDefinition(f.name, f.line, src) : undefined;
      fn = { key: `${f.file}\0${defLine ?? '?'}\0${f.name}`, defLine };
      fnOfFrame.set(idx, fn);
    }
    return fn;
  };
  const functions = new Map<string, FunctionAcc>();
  const lines = new Map<string, LineAcc>();
  let total = 0;
  // Without --native a recording has no native frame below Python code, and then the split is unknown, not "all Python".
  let sawNativeBelowPython = false;

  for (const stack of samples.stacks) {
    const w = stack.weight;
    if (!(w > 0)) continue;
    total += w;
    const ids = stack.frames;
    let deepestPython = -1;
    let deepestUser = -1;
    const seen = new Set<string>();
    for (let i = 0; i < ids.length; i++) {
      const idx = ids[i]!;
      if (native[idx]) continue;
      const f = samples.frames[idx]!;
      deepestPython = i;
      if (userFile(f.file)) deepestUser = i;
      const { key, defLine } = functionOf(idx);
      let acc = functions.get(key);
      if (acc === undefined) {
        acc = { file: f.file, name: f.name, defLine, minLine: f.line, samples: 0, selfSamples: 0 };
        functions.set(key, acc);
      }
      if (f.line > 0 && (acc.minLine <= 0 || f.line < acc.minLine)) acc.minLine = f.line;
      if (!seen.has(key)) {
        seen.add(key); // recursion: a function on the stack twice still ran for one sample
        acc.samples += w;
      }
    }
    if (deepestPython >= 0) functions.get(functionOf(ids[deepestPython]!).key)!.selfSamples += w;
    if (deepestUser < 0) continue;
    const user = samples.frames[ids[deepestUser]!]!;
    const lineKey = `${user.file}\0${user.line}`;
    let line = lines.get(lineKey);
    if (line === undefined) {
      lines.set(lineKey, (line = { file: user.file, line: user.line, fn: user.name, samples: 0, split: emptySplit() }));
    }
    line.samples += w;
    const nativeBelow: Frame[] = [];
    for (let i = ids.length - 1; i > deepestPython; i--) nativeBelow.push(samples.frames[ids[i]!]!);
    if (nativeBelow.length > 0) sawNativeBelowPython = true;
    line.split[classifySample(nativeBelow)] += w;
  }

  const interval = samples.intervalSeconds;
  const seconds = (n: number): number | undefined => (interval === undefined ? undefined : n * interval);
  const functionStats: FunctionStat[] = [...functions.values()]
    .map((f) => {
      const line = f.defLine ?? f.minLine;
      const stat: FunctionStat = { id: functionId(f.file, line, f.name), file: f.file, line, name: f.name };
      stat.samples = f.samples;
      stat.selfSamples = f.selfSamples;
      const selfTime = seconds(f.selfSamples);
      const totalTime = seconds(f.samples);
      if (selfTime !== undefined) stat.selfTime = selfTime;
      if (totalTime !== undefined) stat.totalTime = totalTime;
      return stat;
    })
    .sort((a, b) => (b.samples ?? 0) - (a.samples ?? 0) || a.id.localeCompare(b.id));

  const lineStats: LineStat[] = [...lines.values()]
    .map((l) => {
      const stat: LineStat = { file: l.file, line: l.line, function: l.fn, share: total > 0 ? l.samples / total : 0 };
      const time = seconds(l.samples);
      if (time !== undefined) stat.time = time;
      stat.samples = l.samples;
      if (sawNativeBelowPython) stat.split = normaliseSplit(l.split);
      return stat;
    })
    .sort((a, b) => b.share - a.share || a.file.localeCompare(b.file) || a.line - b.line);

  const duration = meta.durationSeconds ?? seconds(total) ?? 0;
  return {
    version: 1,
    meta: {
      mode: meta.mode ?? 'sample',
      passes: meta.passes ?? [
        { mode: 'sample', reason: meta.tool ?? 'imported samples', wallSeconds: duration, found: foundText(lineStats, total) },
      ],
      command: meta.command ?? [],
      startedAt: meta.startedAt ?? new Date().toISOString(),
      durationSeconds: duration,
      exitStatus: meta.exitStatus ?? null,
      ...(meta.tool === undefined ? {} : { tool: meta.tool }),
      ...(meta.python === undefined ? {} : { python: meta.python }),
    },
    functions: functionStats,
    lines: lineStats,
    samples,
  };
}

function foundText(lines: LineStat[], total: number): string {
  const hot = lines[0];
  const count = `${Math.round(total)} samples`;
  if (hot === undefined) return `${count}, none in user code`;
  return `${count}; hottest line ${hot.file}:${hot.line} (${(hot.share * 100).toFixed(1)}%)`;
}
