// py-spy --format raw: collapsed stacks, one per line, "root;…;leaf count", each frame "name (file:line)" for
// Python or "name (library)" for native code. Names may hold spaces and parentheses, so both the count and the
// location are parsed from the right.
import { VecprofError } from '../../errors.js';
import type { Frame, Profile, SampleStacks } from '../model.js';
import { isNativeLocation } from '../split.js';
import { profileFromStacks, type StackImportOptions } from './stacks.js';

export interface RawImportOptions extends StackImportOptions {
  source?: string;
  /** The raw format carries no timing; the recorder's rate (1/rate seconds) turns counts into time. */
  intervalSeconds?: number;
}

export function parseCollapsedFrame(text: string): Frame {
  // A Python frame's name has no spaces (an identifier or <lambda>), while its path may hold " (": split on the first.
  const py = /^(\S+) \((.*):(\d+)\)$/.exec(text);
  if (py) return { name: py[1]!, file: py[2]!, line: Number(py[3]), native: isNativeLocation(py[2]!, Number(py[3])) };
  // Native names may hold spaces and parentheses (C++), their library path rarely: split on the last.
  const open = text.lastIndexOf(' (');
  if (open < 0 || !text.endsWith(')')) {
    // Pseudo frames such as py-spy's "process 123:"python x.py"" root (--subprocesses) have no location.
    return { name: text, file: '', line: 0, native: true };
  }
  const file = text.slice(open + 2, -1);
  return { name: text.slice(0, open), file, line: 0, native: true };
}

export function importPySpyRaw(text: string, opts: RawImportOptions = {}): Profile {
  const source = opts.source ?? 'the input';
  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const stacks = new Map<string, { frames: number[]; weight: number }>();
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!.replace(/\r$/, '');
    if (row.trim() === '') continue;
    // "stack count"; py-spy also writes " 1" for a sample that caught no Python frame at all.
    const m = /^(.*) (\d+(?:\.\d+)?)$/.exec(row);
    if (m === null) {
      throw new VecprofError(`${source} line ${i + 1} is not a collapsed stack ("frame;frame;… count")`, {
        hint: 'record it again with py-spy record --format raw, or check the file is not truncated',
      });
    }
    const count = Number(m[2]);
    const ids =
      m[1] === ''
        ? []
        : m[1]!.split(';').map((part) => {
            let id = frameIds.get(part);
            if (id === undefined) {
              id = frames.length;
              frames.push(parseCollapsedFrame(part));
              frameIds.set(part, id);
            }
            return id;
          });
    const key = ids.join(',');
    const s = stacks.get(key);
    if (s) s.weight += count;
    else stacks.set(key, { frames: ids, weight: count });
  }
  if (stacks.size === 0) {
    throw new VecprofError(`${source} holds no samples`, { hint: 'the profiled program may have ended before the first sample' });
  }
  const samples: SampleStacks = { frames, stacks: [...stacks.values()] };
  if (opts.intervalSeconds !== undefined) samples.intervalSeconds = opts.intervalSeconds;
  return profileFromStacks(samples, { tool: 'py-spy (raw)' }, opts);
}
