// lines mode: exact hits (counters compiled into the user's code) and sampled time per line
// (python/vecprof_lines.py), turned into the Profile model.
import { join } from 'node:path';
import { VecprofError } from '../../errors.js';
import { log } from '../../log.js';
import type { HelperMessage } from '../../python/worker.js';
import { writeFileAtomic } from '../../util/atomic.js';
import type { Frame, FunctionStat, LineStat, Profile, SampleStacks } from '../model.js';
import { runLauncher, runMeta } from './launch.js';
import type { RunOptions } from './types.js';
import { arrayField, numberField, stringField } from './message-fields.js';
import { withoutOwnFrames } from '../import/own-frames.js';

export const LINES_RAW_FILE = 'lines.json';
/** Seconds between two looks at the main thread's stack; 1 ms keeps a 0.1 s run at ~100 samples. */
export const LINES_SAMPLE_INTERVAL = 0.001;

export async function runLines(opts: RunOptions): Promise<Profile> {
  const started = new Date();
  const helperArgs = ['--interval', String(LINES_SAMPLE_INTERVAL)];
  for (const name of opts.onlyFunctions ?? []) helperArgs.push('--only', name);
  const launched = await runLauncher(opts, { helper: 'vecprof_lines.py', helperArgs, label: 'line tracer' });
  const raw = launched.messages.find((m) => m.type === 'lines');
  if (!raw) {
    throw new VecprofError('the line tracer wrote no profile: the program was killed before it could report', {
      hint: 'a program stuck in one long native call cannot stop in time; raise --timeout',
    });
  }
  if (opts.outDir !== undefined) await writeFileAtomic(join(opts.outDir, LINES_RAW_FILE), JSON.stringify(raw));
  const parsed = parseLinesMessage(raw);
  for (const name of parsed.unmatched) log.warn(`--lines ${name}: no function of that name ran in the profiled code`);
  const profile: Profile = {
    version: 1,
    meta: runMeta(opts, launched, { mode: 'lines', found: describeHot(parsed), reason: reasonOf(opts) }, started, 'vecprof line counters + stack sampler'),
    functions: parsed.functions,
    lines: parsed.lines,
    samples: parsed.samples,
  };
  return profile;
}

export interface LinesResult {
  wallSeconds: number;
  lines: LineStat[];
  functions: FunctionStat[];
  samples: SampleStacks;
  unmatched: string[];
}

/** Turns the helper's "lines" message into model entries; rejects a malformed one with a one-line error. */
export function parseLinesMessage(msg: HelperMessage): LinesResult {
  const wall = numberField(msg, 'wallSeconds', 'lines');
  const denominator = wall > 0 ? wall : 1;
  const lines: LineStat[] = arrayField(msg, 'lines', 'lines').map((item) => {
    const time = numberField(item, 'time', 'lines entry');
    const stat: LineStat = {
      file: stringField(item, 'file', 'lines entry'),
      line: numberField(item, 'line', 'lines entry'),
      function: stringField(item, 'function', 'lines entry'),
      time,
      share: time / denominator,
      hits: numberField(item, 'hits', 'lines entry'),
    };
    return stat;
  });
  lines.sort((a, b) => (b.time ?? 0) - (a.time ?? 0) || (b.hits ?? 0) - (a.hits ?? 0) || a.file.localeCompare(b.file) || a.line - b.line);

  const selfTime = new Map<string, number>();
  for (const l of lines) {
    const key = `${l.file}\0${l.function ?? ''}`;
    selfTime.set(key, (selfTime.get(key) ?? 0) + (l.time ?? 0));
  }
  const functions: FunctionStat[] = arrayField(msg, 'functions', 'lines').map((item) => {
    const file = stringField(item, 'file', 'functions entry');
    const line = numberField(item, 'line', 'functions entry');
    const name = stringField(item, 'name', 'functions entry');
    const calls = item.calls;
    const stat: FunctionStat = {
      id: `${file}:${line}:${name}`,
      file,
      line,
      name,
      selfTime: selfTime.get(`${file}\0${name}`) ?? 0,
      totalTime: numberField(item, 'totalTime', 'functions entry'),
    };
    if (typeof calls === 'number') stat.calls = calls;
    return stat;
  });
  functions.sort((a, b) => (b.totalTime ?? 0) - (a.totalTime ?? 0));

  const frames: Frame[] = arrayField(msg, 'frames', 'lines').map((f) => ({
    name: stringField(f, 'name', 'frame'),
    file: stringField(f, 'file', 'frame'),
    line: numberField(f, 'line', 'frame'),
  }));
  const stacks = arrayField(msg, 'stacks', 'lines').map((s) => {
    const ids = s.frames;
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'number' && i >= 0 && i < frames.length)) {
      throw new VecprofError('the line tracer sent a stack with a bad frame index', { hint: 'this is a bug in vecprof: please report it' });
    }
    return { frames: ids as number[], weight: numberField(s, 'weight', 'stack') };
  });
  const unmatched = Array.isArray(msg.unmatched) ? msg.unmatched.filter((u): u is string => typeof u === 'string') : [];
  return {
    wallSeconds: wall,
    lines,
    functions,
    samples: withoutOwnFrames({ frames, stacks, intervalSeconds: numberField(msg, 'intervalSeconds', 'lines') }),
    unmatched,
  };
}

function reasonOf(opts: RunOptions): string {
  const only = opts.onlyFunctions ?? [];
  return only.length > 0 ? `--mode lines, limited to ${only.join(', ')}` : '--mode lines';
}

function describeHot(r: LinesResult): string {
  const top = r.lines[0];
  if (!top || (top.time ?? 0) <= 0) return `${r.lines.length} lines counted, too short to time`;
  const hits = top.hits !== undefined ? `, ${top.hits.toLocaleString('en-US')} ${top.hits === 1 ? 'hit' : 'hits'}` : '';
  return `hottest line: ${top.file}:${top.line} (${Math.round(top.share * 100)} % of the run${hits})`;
}
