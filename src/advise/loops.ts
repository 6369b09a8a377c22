// Hot code without a finding, grouped the way a reader thinks of it: a loop is one item over its line range, not a
// header and a body whose lines each fall under the listing threshold. A loop of seven lines that takes 28 % of the
// run spreads its time at 3-5 % per line; judging the lines one by one hid it.
import { resolve } from 'node:path';
import { logicalLines } from '../check/skeleton.js';
import type { LineStat } from '../profile/model.js';
import type { LineSeconds } from './join.js';

export interface LoopRange {
  start: number;
  end: number;
  /** The loop this one is nested in (by source), or null. */
  parent: LoopRange | null;
  depth: number;
}

/** A line range is written `a–b` (or `a` alone) wherever the advisor names one. */
export function lineRangeText(start: number, end: number): string {
  return end > start ? `lines ${start}–${end}` : `line ${start}`;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of a character offset. */
function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * The `for` and `while` loops of a Python source, each from its header to the last line of its body (trailing blank
 * and comment lines left out), with their nesting. Null when the text does not lex (the caller falls back to
 * grouping by adjacent lines).
 */
export function loopRangesOf(text: string): LoopRange[] | null {
  const logical = logicalLines(text);
  if (!logical) return null;
  const starts = lineStartsOf(text);
  const physical = text.split('\n');
  /** Last line of logical line k: the line before the next logical line, without trailing blanks or comments. */
  const lastLineOf = (k: number): number => {
    const next = logical[k + 1];
    let line = next ? lineAt(starts, next.start) - 1 : physical.length;
    const first = lineAt(starts, logical[k]!.start);
    while (line > first && /^\s*(?:#.*)?$/.test(physical[line - 1] ?? '')) line--;
    return line;
  };
  const loops: LoopRange[] = [];
  const open: Array<{ range: LoopRange; indent: number }> = [];
  for (let k = 0; k < logical.length; k++) {
    const l = logical[k]!;
    while (open.length > 0 && l.indent <= open.at(-1)!.indent) open.pop();
    for (const o of open) o.range.end = lastLineOf(k);
    const isLoop = l.head === 'for' || l.head === 'while' || (l.head === 'async' && /^async\s+for\b/.test(l.code));
    if (!isLoop) continue;
    const parent = open.at(-1)?.range ?? null;
    const range: LoopRange = { start: lineAt(starts, l.start), end: lastLineOf(k), parent, depth: open.length };
    loops.push(range);
    open.push({ range, indent: l.indent });
  }
  return loops;
}

/** What a run of hot lines is, for the advisor: one loop over a range, or one line on its own. */
export interface HotGroup {
  file: string;
  start: number;
  end: number;
  lines: LineStat[];
  /** A loop (from the source, or adjacent lines that ran often): listed as one item over its range. */
  loop: boolean;
  /** Ranges inside this loop listed as items of their own (findings, inner loops): its time leaves them out. */
  besides: Array<{ start: number; end: number }>;
}

export interface GroupingInput {
  /** Lines with no finding on them, any share. */
  lines: LineStat[];
  /** Source text by absolute path, where it was read. */
  sources: Record<string, string>;
  cwd: string;
  /** Ranges already listed (findings), by absolute path. */
  covered: Map<string, Array<{ start: number; end: number }>>;
  secondsOf: LineSeconds;
  duration: number;
  /** Share of the run a loop or line needs to be listed. */
  threshold: number;
  /** Whether a group of lines is a hot Python loop (and not, say, a short loop around NumPy kernels). */
  isPythonLoop: (lines: LineStat[], range: { start: number; end: number }) => boolean;
}

/** Lines of one file that follow each other (a gap of blank or comment lines at most) and each ran often. */
const ADJACENT_GAP = 3;

function push<K, V>(map: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, [...values]);
}

function shareOf(lines: LineStat[], input: GroupingInput): number {
  return input.duration > 0 ? lines.reduce((s, l) => s + input.secondsOf(l), 0) / input.duration : 0;
}

/**
 * Loops from the source: each line goes to its innermost loop; from the innermost loops out, a loop whose lines
 * (with those of unlisted inner loops) reach the threshold and run as a Python loop is one group; otherwise its lines
 * go up to the loop around it. What no loop takes is judged line by line.
 */
function groupByLoops(file: string, lines: LineStat[], loops: LoopRange[], input: GroupingInput): HotGroup[] {
  const innermost = (line: number): LoopRange | null =>
    loops.filter((r) => r.start <= line && line <= r.end).reduce<LoopRange | null>((best, r) => (!best || r.depth > best.depth ? r : best), null);
  const pending = new Map<LoopRange, LineStat[]>();
  const singles: LineStat[] = [];
  for (const l of lines) {
    const loop = innermost(l.line);
    if (loop) push(pending, loop, l);
    else singles.push(l);
  }
  const groups: HotGroup[] = [];
  const listed: LoopRange[] = [];
  for (const loop of [...loops].sort((a, b) => b.depth - a.depth)) {
    const mine = pending.get(loop) ?? [];
    if (mine.length === 0) continue;
    if (shareOf(mine, input) >= input.threshold && input.isPythonLoop(mine, loop)) {
      const besides = [...(input.covered.get(file) ?? []), ...listed].filter((r) => r.start >= loop.start && r.end <= loop.end && !(r.start === loop.start && r.end === loop.end));
      groups.push({ file, start: loop.start, end: loop.end, lines: mine, loop: true, besides: besides.map(({ start, end }) => ({ start, end })) });
      listed.push(loop);
    } else if (loop.parent) {
      push(pending, loop.parent, ...mine);
    } else {
      singles.push(...mine);
    }
  }
  return [...groups, ...singles.map((l) => ({ file, start: l.line, end: l.line, lines: [l], loop: false, besides: [] }))];
}

/** Without the source: lines that ran often and sit next to each other in one function are taken for one loop. */
function groupByAdjacency(file: string, lines: LineStat[], input: GroupingInput, loopHits: number): HotGroup[] {
  const sorted = [...lines].sort((a, b) => a.line - b.line);
  const runs: LineStat[][] = [];
  for (const l of sorted) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    const often = (l.hits ?? 0) >= loopHits;
    if (run && last && often && (last.hits ?? 0) >= loopHits && l.function === last.function && l.line - last.line <= ADJACENT_GAP) run.push(l);
    else runs.push([l]);
  }
  // A run that is not a Python loop (kernels that each ran often) is no item of its own: its lines are listed one by one.
  return runs.flatMap((run): HotGroup[] => {
    const range = { start: run[0]!.line, end: run.at(-1)!.line };
    if (run.length > 1 && input.isPythonLoop(run, range)) return [{ file, ...range, lines: run, loop: true, besides: [] }];
    return run.map((l) => ({ file, start: l.line, end: l.line, lines: [l], loop: false, besides: [] }));
  });
}

/**
 * Hot code no finding covers, as groups at or above the threshold: loops over their whole range, and single lines.
 * The threshold applies to a loop's lines together, never to its lines one by one.
 */
export function hotGroups(input: GroupingInput, loopHits: number): HotGroup[] {
  const byFile = new Map<string, LineStat[]>();
  for (const l of input.lines) {
    push(byFile, resolve(input.cwd, l.file), l);
  }
  const out: HotGroup[] = [];
  for (const [file, lines] of byFile) {
    const text = input.sources[file];
    const loops = text !== undefined ? loopRangesOf(text) : null;
    const groups = loops ? groupByLoops(file, lines, loops, input) : groupByAdjacency(file, lines, input, loopHits);
    out.push(...groups.filter((g) => shareOf(g.lines, input) >= input.threshold));
  }
  return out;
}
