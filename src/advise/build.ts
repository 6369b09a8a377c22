// Profile × findings × shapes × cost model → ranked advice. Pure: everything it needs is passed in.
import { resolve } from 'node:path';
import type { Finding } from '../check/types.js';
import type { LineStat, Profile } from '../profile/model.js';
import { formatDuration, formatRatio } from '../render/units.js';
import type { CostModel } from './costmodel.js';
import { indexLines, lineSecondsFor, rangeStats, type LineSeconds, type RangeStats } from './join.js';
import { describeBandwidth, priceRewrite } from './rewrite-cost.js';
import { largestByName, type ShapesSeen, type Watch } from './shapes.js';
import type { Advice } from './types.js';

/** A loop or line under this share of the run is cold: its finding is listed last, not priced. */
export const HOT_SHARE = 0.02;
/** A line that ran this often without a finding is a hot Python loop worth naming. */
const LOOP_HITS = 1000;
/** Share of the run a line without a finding needs to be listed at all. */
const LISTED_SHARE = 0.05;
const NOT_LOOP_CODES = new Set(['E999', 'E902', 'LOG001']);

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield range len enumerate zip print np numpy math self abs min max sum float int list dict tuple set'.split(' '),
);

/** Names worth asking the program about: identifiers (and self.attr) in the loop's lines and in the rewrite. */
export function namesIn(texts: string[], symbol?: string): string[] {
  const names = new Set<string>(symbol ? [symbol] : []);
  for (const text of texts) {
    const code = text.replace(/#.*$/gm, '').replace(/(["']).*?\1/g, '');
    for (const m of code.matchAll(/\b(self\.[A-Za-z_]\w*|[A-Za-z_]\w*)/g)) {
      const name = m[1]!;
      const attribute = m.index! > 0 && code[m.index! - 1] === '.'; // np.maximum, a.shape: not a variable
      if (!attribute && !KEYWORDS.has(name)) names.add(name);
    }
  }
  return [...names].slice(0, 16);
}

export function loopRange(f: Finding): { start: number; end: number } {
  return f.loop ? { start: f.loop.startLine, end: f.loop.endLine } : { start: f.line, end: f.endLine };
}

export function watchId(file: string, line: number, tag: string): string {
  return `${file}:${line}:${tag}`;
}

function sourceLines(sources: Record<string, string>, file: string, start: number, end: number): string[] {
  const text = sources[file];
  if (text === undefined) return [];
  return text.split('\n').slice(start - 1, end);
}

/** Lines that deserve a look without a finding: hot and either run very often or spent in NumPy. */
function hotUnmatchedLines(
  profile: Profile,
  covered: Set<string>,
  cwd: string,
  secondsOf: LineSeconds = lineSecondsFor(profile),
  duration = profile.meta.durationSeconds,
): LineStat[] {
  return profile.lines.filter((l) => duration > 0 && secondsOf(l) / duration >= LISTED_SHARE && !covered.has(`${resolve(cwd, l.file)}:${l.line}`));
}

export function watchesFor(profile: Profile, findings: Finding[], sources: Record<string, string>, cwd: string): Watch[] {
  const watches: Watch[] = [];
  const covered = new Set<string>();
  const lines = indexLines(profile, cwd);
  for (const f of findings) {
    if (f.cell !== undefined || NOT_LOOP_CODES.has(f.code)) continue;
    const file = resolve(cwd, f.path);
    const { start, end } = costRange(f, lines.get(file));
    for (let l = start; l <= end; l++) covered.add(`${file}:${l}`);
    const texts = [...sourceLines(sources, file, start, end), f.fix?.replacement.split('\n')[0] ?? ''];
    watches.push({ id: watchId(file, start, f.code), file, line: start, names: namesIn(texts, f.symbol) });
  }
  for (const l of hotUnmatchedLines(profile, covered, cwd)) {
    const file = resolve(cwd, l.file);
    watches.push({ id: watchId(file, l.line, 'line'), file, line: l.line, names: namesIn(sourceLines(sources, file, l.line, l.line)) });
  }
  return watches;
}

export interface AdviceInput {
  profile: Profile;
  findings: Finding[];
  shapes: ShapesSeen;
  model: CostModel;
  sources: Record<string, string>;
  cwd: string;
  displayPath: (absPath: string) => string;
  /** Wall time of a run with no profiler attached (the shape probe's), to turn sample shares into seconds. */
  plainWallSeconds?: number | null;
}

function describeLoop(stats: RangeStats, share: number): string {
  const runs = stats.bodyHits !== undefined ? `runs ${stats.bodyHits.toLocaleString('en-US')} times and ` : '';
  return `${runs}takes ${(share * 100).toFixed(share < 0.1 ? 1 : 0)} % of the run`;
}

/**
 * A hidden loop (np.vectorize and friends) costs where the wrapped function is called, which is often a later line
 * of the same function (`f = np.vectorize(g)` … `f(x)`): its range runs to the last profiled line of that function.
 */
function costRange(f: Finding, fileLines: LineStat[] | undefined): { start: number; end: number } {
  const range = loopRange(f);
  if (f.code !== 'VEC006' || !fileLines) return range;
  const fn = fileLines.find((l) => l.line === f.line)?.function;
  if (!fn) return range;
  const later = fileLines.filter((l) => l.function === fn && l.line >= f.line).map((l) => l.line);
  return { start: range.start, end: Math.max(range.end, ...later) };
}

function findingAdvice(f: Finding, input: AdviceInput, lines: Map<string, LineStat[]>, secondsOf: LineSeconds, duration: number): Advice {
  const file = resolve(input.cwd, f.path);
  const { start, end } = costRange(f, lines.get(file));
  const stats = rangeStats(lines.get(file), start, end, secondsOf, duration);
  const arrays = largestByName(input.shapes.get(watchId(file, start, f.code)) ?? []);
  const hot = stats.share >= HOT_SHARE && !NOT_LOOP_CODES.has(f.code);
  const priced = hot ? priceRewrite(f, stats, arrays, input.model) : null;
  // A generic hint (a comment, not code) is not quoted as if it were the rewrite.
  const firstLine = f.fix?.replacement.split('\n')[0]?.trim();
  const rewrite = firstLine && !firstLine.startsWith('#') ? firstLine : undefined;
  const advice: Advice = {
    rank: 0,
    kind: hot ? 'vectorize' : 'cold',
    file,
    displayPath: input.displayPath(file),
    line: f.line,
    endLine: end,
    finding: f,
    hits: stats.bodyHits,
    entries: stats.entries,
    timeSeconds: stats.timeSeconds,
    share: stats.share,
    perIterationNs: stats.bodyHits ? (stats.timeSeconds * 1e9) / stats.bodyHits : undefined,
    arrays: [...arrays.values()],
    summary: '',
  };
  if (priced && stats.timeSeconds > 0) {
    const speedup = stats.timeSeconds / priced.predictedSeconds;
    advice.prediction = {
      measuredSeconds: stats.timeSeconds,
      predictedSeconds: priced.predictedSeconds,
      speedup,
      savesShare: Math.max(0, (stats.timeSeconds - priced.predictedSeconds) / duration),
      basis: priced.basis,
    };
  }
  const where = `line ${f.line}`;
  if (!hot) {
    const ran = stats.lines.length > 0 ? `ran cold (${(stats.share * 100).toFixed(1)} % of the run)` : 'did not run';
    advice.summary = `${where} ${ran}: ${f.message}`;
  } else {
    const p = advice.prediction;
    const price = p
      ? `; ${rewrite ? `\`${rewrite}\`` : 'a whole-array rewrite'} should take ≈${formatDuration(p.predictedSeconds * 1e9)} instead of ${formatDuration(p.measuredSeconds * 1e9)} (≈${formatRatio(p.speedup)}), saving ${(p.savesShare * 100).toFixed(0)} % of the run`
      : '';
    advice.summary = `${where} ${describeLoop(stats, stats.share)}; ${f.message}${price}`;
  }
  return advice;
}

function lineAdvice(l: LineStat, input: AdviceInput, secondsOf: LineSeconds, duration: number): Advice | null {
  const file = resolve(input.cwd, l.file);
  const time = secondsOf(l);
  const share = duration > 0 ? time / duration : 0;
  const arrays = largestByName(input.shapes.get(watchId(file, l.line, 'line')) ?? []);
  const base = {
    rank: 0,
    file,
    displayPath: input.displayPath(file),
    line: l.line,
    endLine: l.line,
    hits: l.hits,
    timeSeconds: time,
    share,
    perIterationNs: l.hits ? (time * 1e9) / l.hits : undefined,
    arrays: [...arrays.values()],
  };
  // Time in native code beyond the interpreter and NumPy's per-element path: kernels, and the allocations and page
  // faults of their temporaries.
  const native = l.split ? 1 - l.split.python - l.split.numpyScalar : null;
  const inNumpy = native !== null ? native >= 0.5 : (l.hits ?? 0) < LOOP_HITS;
  if ((l.hits ?? 0) >= LOOP_HITS && !(native !== null && native >= 0.5)) {
    return { ...base, kind: 'hot-loop', summary: `line ${l.line} ${describeLoop({ timeSeconds: time, share, bodyHits: l.hits, lines: [] }, l.share)}: hot Python loop, no known pattern` };
  }
  if (!inNumpy) return null;
  const bytes = [...arrays.values()].reduce((s, a) => s + a.nbytes, 0);
  if (bytes === 0 || time <= 0) {
    return { ...base, kind: 'numpy-kernel', summary: `line ${l.line} takes ${(share * 100).toFixed(0)} % of the run in NumPy's own code` };
  }
  const bytesPerSecond = (bytes * (l.hits ?? 1)) / time;
  const bw = describeBandwidth(bytesPerSecond, input.model);
  return {
    ...base,
    kind: 'numpy-kernel',
    bandwidth: { bytesPerSecond, percentOfPeak: bw.percentOfPeak, bound: bw.bound },
    summary: `line ${l.line} takes ${(share * 100).toFixed(0)} % of the run: ${bw.text}`,
  };
}

/**
 * A hot loop without a finding shows up as its header and its body lines, each hot: one item per loop reads better.
 * Hot-loop lines of one file that follow each other become one item over their range, the times added up.
 */
function mergeAdjacentLoops(items: Advice[]): Advice[] {
  const loops = items.filter((a) => a.kind === 'hot-loop').sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  const merged: Advice[] = [];
  for (const a of loops) {
    const last = merged.at(-1);
    if (last && last.file === a.file && a.line === last.endLine + 1) {
      last.endLine = a.line;
      last.timeSeconds += a.timeSeconds;
      last.share += a.share;
      last.hits = Math.min(last.hits ?? Infinity, a.hits ?? Infinity);
      last.perIterationNs = last.hits ? (last.timeSeconds * 1e9) / last.hits : undefined;
      last.summary = `lines ${last.line}–${last.endLine} run ${last.hits.toLocaleString('en-US')} times and take ${(last.share * 100).toFixed(last.share < 0.1 ? 1 : 0)} % of the run: hot Python loop, no known pattern`;
    } else {
      merged.push({ ...a });
    }
  }
  return [...merged, ...items.filter((a) => a.kind !== 'hot-loop')];
}

const KIND_ORDER = { vectorize: 0, 'hot-loop': 0, 'numpy-kernel': 0, cold: 1 } as const;

export function buildAdvice(input: AdviceInput): Advice[] {
  const duration = input.plainWallSeconds ?? input.profile.meta.durationSeconds;
  const lines = indexLines(input.profile, input.cwd);
  const secondsOf = lineSecondsFor(input.profile, duration);
  const items: Advice[] = [];
  const covered = new Set<string>();
  for (const f of input.findings) {
    if (f.cell !== undefined || f.code === 'E999' || f.code === 'E902') continue;
    const a = findingAdvice(f, input, lines, secondsOf, duration);
    items.push(a);
    if (!NOT_LOOP_CODES.has(f.code)) for (let l = loopRange(f).start; l <= a.endLine; l++) covered.add(`${a.file}:${l}`);
  }
  const unmatched: Advice[] = [];
  for (const l of hotUnmatchedLines(input.profile, covered, input.cwd, secondsOf, duration)) {
    const a = lineAdvice(l, input, secondsOf, duration);
    if (a) unmatched.push(a);
  }
  items.push(...mergeAdjacentLoops(unmatched));
  items.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.timeSeconds - a.timeSeconds || a.line - b.line);
  items.forEach((a, i) => (a.rank = i + 1));
  return items;
}
