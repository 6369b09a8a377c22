// Profile × findings × shapes × cost model → ranked advice. Pure: everything it needs is passed in.
import { resolve } from 'node:path';
import type { Finding } from '../check/types.js';
import type { LineStat, Profile } from '../profile/model.js';
import { formatDuration, formatRatio } from '../render/units.js';
import type { CostModel } from './costmodel.js';
import { indexLines, lineSecondsFor, rangeStats, type LineSeconds } from './join.js';
import { hotGroups, lineRangeText, type HotGroup } from './loops.js';
import { describeBandwidth, readsOnly } from './bandwidth.js';
import { priceRewrite, quotableRewrite, workingStatements } from './rewrite-cost.js';
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

function isImport(line: string | undefined): boolean {
  return line !== undefined && /^\s*(?:import\s|from\s+\S+\s+import\s)/.test(line);
}

/** Each source split into lines once: every profiled line asks for its own text. */
const splitSources = new WeakMap<Record<string, string>, Map<string, string[]>>();

function sourceLines(sources: Record<string, string>, file: string, start: number, end: number): string[] {
  let files = splitSources.get(sources);
  if (!files) splitSources.set(sources, (files = new Map()));
  let lines = files.get(file);
  if (!lines) {
    const text = sources[file];
    if (text === undefined) return [];
    files.set(file, (lines = text.split('\n')));
  }
  return lines.slice(start - 1, end);
}

/** Ranges findings cover (a loop and, for a hidden loop, where its function is called), by absolute path. */
function coveredRanges(findings: Finding[], lines: Map<string, LineStat[]>, cwd: string): Map<string, Array<{ start: number; end: number }>> {
  const covered = new Map<string, Array<{ start: number; end: number }>>();
  for (const f of findings) {
    if (f.cell !== undefined || NOT_LOOP_CODES.has(f.code)) continue;
    const file = resolve(cwd, f.path);
    covered.set(file, [...(covered.get(file) ?? []), costRange(f, lines.get(file))]);
  }
  return covered;
}

function isCovered(covered: Map<string, Array<{ start: number; end: number }>>, file: string, line: number): boolean {
  return (covered.get(file) ?? []).some((r) => r.start <= line && line <= r.end);
}

/** Share of a set of lines' time spent in native code beyond NumPy's per-element path; null where not sampled. */
function nativeShare(lines: LineStat[], secondsOf: LineSeconds): number | null {
  const split = lines.filter((l) => l.split);
  const total = split.reduce((s, l) => s + secondsOf(l), 0);
  if (total <= 0) return null;
  return split.reduce((s, l) => s + secondsOf(l) * (1 - l.split!.python - l.split!.numpyScalar), 0) / total;
}

/** A loop's trip count: its most-run body line, or the header of a loop written on one line; undefined if not counted. */
function tripCount(lines: LineStat[], start: number): number | undefined {
  const body = lines.filter((l) => l.line > start && l.hits !== undefined);
  if (body.length > 0) return Math.max(...body.map((l) => l.hits!));
  return lines.find((l) => l.line === start)?.hits;
}

/**
 * Hot code no finding covers, grouped into loops over their whole range before any threshold applies (a loop's
 * lines can each be under it while the loop is not), then lines on their own.
 */
function unmatchedGroups(profile: Profile, findings: Finding[], sources: Record<string, string>, cwd: string, secondsOf: LineSeconds, duration: number, threshold: number): HotGroup[] {
  const covered = coveredRanges(findings, indexLines(profile, cwd), cwd);
  // an import costs what it costs (loading NumPy is native code, but no kernel): nothing to advise on
  const lines = profile.lines.filter((l) => {
    const file = resolve(cwd, l.file);
    return secondsOf(l) > 0 && !isCovered(covered, file, l.line) && !isImport(sourceLines(sources, file, l.line, l.line)[0]);
  });
  const isPythonLoop = (group: LineStat[], range: { start: number; end: number }): boolean => {
    const hits = tripCount(group, range.start);
    const native = nativeShare(group, secondsOf);
    return (hits === undefined || hits >= LOOP_HITS) && !(native !== null && native >= 0.5);
  };
  return hotGroups({ lines, sources, cwd, covered, secondsOf, duration, threshold, isPythonLoop }, LOOP_HITS);
}

export function watchesFor(profile: Profile, findings: Finding[], sources: Record<string, string>, cwd: string): Watch[] {
  const watches: Watch[] = [];
  const lines = indexLines(profile, cwd);
  for (const f of findings) {
    if (f.cell !== undefined || NOT_LOOP_CODES.has(f.code)) continue;
    const file = resolve(cwd, f.path);
    const { start, end } = costRange(f, lines.get(file));
    // every line of the rewrite: its first is often only `x = np.asarray(x)`
    const texts = [...sourceLines(sources, file, start, end), f.fix?.replacement ?? ''];
    watches.push({ id: watchId(file, start, f.code), file, line: start, names: namesIn(texts, f.symbol) });
  }
  // Shares here are of the profiled run, a little longer than the plain one advice is priced against: watch what
  // comes close to the listing threshold too (where a loop is grouped can move with the threshold: both are asked).
  const duration = profile.meta.durationSeconds;
  const secondsOf = lineSecondsFor(profile);
  const groups = [LISTED_SHARE / 2, LISTED_SHARE].flatMap((t) => unmatchedGroups(profile, findings, sources, cwd, secondsOf, duration, t));
  for (const g of groups) {
    const id = watchId(g.file, g.start, g.loop ? 'loop' : 'line');
    if (!watches.some((w) => w.id === id)) watches.push({ id, file: g.file, line: g.start, names: namesIn(sourceLines(sources, g.file, g.start, g.end)) });
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

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
}

/** "runs 300,000 times and takes 18 % of the run" (or "run … take" for a range of lines). */
function describeMeasured(hits: number | undefined, share: number, plural: boolean): string {
  const runs = hits !== undefined ? `${plural ? 'run' : 'runs'} ${hits.toLocaleString('en-US')} times and ` : '';
  return `${runs}${plural ? 'take' : 'takes'} ${percent(share)} of the run`;
}

/** Why nothing was priced when the run did not finish: the passes that count trips and read shapes never ran. */
function stoppedReason(profile: Profile): string | null {
  switch (profile.meta.stoppedBy) {
    case 'timeout':
      return 'the run was stopped by --timeout before trip counts and shapes were read';
    case 'interrupt':
      return 'the run was interrupted before trip counts and shapes were read';
    default:
      return null;
  }
}

/** How the summary names a rewrite: its one working statement, else its size, else (a hint in a comment) generically. */
function rewriteName(replacement: string | undefined): string {
  const quoted = quotableRewrite(replacement);
  if (quoted) return `\`${quoted}\``;
  const statements = replacement && !replacement.trim().startsWith('#') ? workingStatements(replacement).length : 0;
  return statements > 1 ? `the ${statements}-statement rewrite` : 'a whole-array rewrite';
}

function findingAdvice(f: Finding, input: AdviceInput, lines: Map<string, LineStat[]>, secondsOf: LineSeconds, duration: number): Advice {
  const file = resolve(input.cwd, f.path);
  const { start, end } = costRange(f, lines.get(file));
  const stats = rangeStats(lines.get(file), start, end, secondsOf, duration);
  const arrays = largestByName(input.shapes.get(watchId(file, start, f.code)) ?? []);
  const loopCode = !NOT_LOOP_CODES.has(f.code);
  const hot = stats.share >= HOT_SHARE && loopCode;
  const advice: Advice = {
    rank: 0,
    kind: hot ? 'vectorize' : 'cold',
    file,
    displayPath: input.displayPath(file),
    line: f.line,
    endLine: end,
    finding: f,
    // A one-line finding (a print, an np.append outside a loop) has no body: its own hits are its count.
    hits: stats.bodyHits ?? (start === end ? stats.headerHits : undefined),
    entries: stats.entries,
    timeSeconds: stats.timeSeconds,
    share: stats.share,
    perIterationNs: stats.bodyHits ? (stats.timeSeconds * 1e9) / stats.bodyHits : undefined,
    arrays: [...arrays.values()],
    summary: '',
  };
  const where = `line ${f.line}`;
  if (!hot) {
    const ran = stats.lines.length === 0 ? 'did not run' : loopCode ? `ran cold (${percent(stats.share)} of the run)` : `takes ${percent(stats.share)} of the run`;
    advice.notPriced = !loopCode ? 'not a loop: there is no rewrite to price' : stats.lines.length === 0 ? 'the code did not run' : 'cold code: a rewrite would save little';
    advice.detail = f.message;
    advice.summary = `${where} ${ran}: ${f.message}`;
    return advice;
  }
  const priced = stoppedReason(input.profile) === null || stats.bodyHits !== undefined || arrays.size > 0 ? priceRewrite(f, stats, arrays, input.model) : null;
  if (priced && 'predictedSeconds' in priced) {
    const p = (advice.prediction = {
      measuredSeconds: stats.timeSeconds,
      predictedSeconds: priced.predictedSeconds,
      speedup: stats.timeSeconds / priced.predictedSeconds,
      savesShare: Math.max(0, (stats.timeSeconds - priced.predictedSeconds) / duration),
      basis: priced.basis,
    });
    advice.detail =
      `${f.message}; ${rewriteName(f.fix?.replacement)} should take ≈${formatDuration(p.predictedSeconds * 1e9)} instead of ` +
      `${formatDuration(p.measuredSeconds * 1e9)} (≈${formatRatio(p.speedup)}), saving ${(p.savesShare * 100).toFixed(0)} % of the run`;
  } else {
    // a stopped run explains a missing trip count or shape better than the rule's own reason does
    advice.notPriced = stoppedReason(input.profile) ?? priced?.notPriced ?? 'not priced';
    advice.detail = `${f.message}; not priced: ${advice.notPriced}`;
  }
  advice.summary = `${where} ${describeMeasured(stats.bodyHits, stats.share, false)}; ${advice.detail}`;
  return advice;
}

/** One hot line outside any listed loop: a NumPy kernel (with its bandwidth), or a line that ran very often. */
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
  const native = nativeShare([l], secondsOf);
  const inNumpy = native !== null ? native >= 0.5 : (l.hits ?? 0) < LOOP_HITS;
  if ((l.hits ?? 0) >= LOOP_HITS && !(native !== null && native >= 0.5)) {
    const detail = 'hot Python loop, no known pattern: no rewrite to price';
    return { ...base, kind: 'hot-loop', notPriced: 'no rule recognises this code, so there is no rewrite to price', detail, summary: `line ${l.line} ${describeMeasured(l.hits, share, false)}: ${detail}` };
  }
  if (!inNumpy) return null;
  const bytes = [...arrays.values()].reduce((s, a) => s + a.nbytes, 0);
  if (bytes === 0 || time <= 0) {
    const notPriced = stoppedReason(input.profile) ?? 'no array was seen at this line when the program ran';
    const detail = `in NumPy's own code; bandwidth unknown: ${notPriced}`;
    return { ...base, kind: 'numpy-kernel', notPriced, detail, summary: `line ${l.line} takes ${percent(share)} of the run ${detail}` };
  }
  const bytesPerSecond = (bytes * (l.hits ?? 1)) / time;
  const text = sourceLines(input.sources, file, l.line, l.line)[0];
  const bw = describeBandwidth(bytesPerSecond, input.model, bytes, { readOnly: text !== undefined && readsOnly(text) });
  return {
    ...base,
    kind: 'numpy-kernel',
    bandwidth: { bytesPerSecond, percentOfPeak: bw.percentOfPeak, bound: bw.bound, comparedWith: bw.comparedWith, peakBytesPerSecond: bw.peakBytesPerSecond, counted: bw.counted },
    detail: bw.text,
    summary: `line ${l.line} takes ${percent(share)} of the run: ${bw.text}`,
  };
}

/** A hot Python loop no rule recognises, as one item over its whole range. */
function loopAdvice(g: HotGroup, input: AdviceInput, secondsOf: LineSeconds, duration: number): Advice {
  const stats = rangeStats(g.lines, g.start, g.end, secondsOf, duration);
  const hits = tripCount(g.lines, g.start);
  const arrays = largestByName(input.shapes.get(watchId(g.file, g.start, 'loop')) ?? []);
  const besides = g.besides.length > 0 ? `, apart from ${g.besides.map((r) => lineRangeText(r.start, r.end)).join(' and ')},` : '';
  const detail = `hot Python loop, no known pattern: no rewrite to price${hits === undefined && stoppedReason(input.profile) ? ` (trip count not counted: ${stoppedReason(input.profile)})` : ''}`;
  return {
    rank: 0,
    kind: 'hot-loop',
    file: g.file,
    displayPath: input.displayPath(g.file),
    line: g.start,
    endLine: g.end,
    hits,
    entries: stats.entries,
    timeSeconds: stats.timeSeconds,
    share: stats.share,
    perIterationNs: hits ? (stats.timeSeconds * 1e9) / hits : undefined,
    arrays: [...arrays.values()],
    notPriced: 'no rule recognises this loop, so there is no rewrite to price',
    detail,
    summary: `${lineRangeText(g.start, g.end)}${besides} ${describeMeasured(hits, stats.share, g.end > g.start)}: ${detail}`,
  };
}

const KIND_ORDER = { vectorize: 0, 'hot-loop': 0, 'numpy-kernel': 0, cold: 1 } as const;

export function buildAdvice(input: AdviceInput): Advice[] {
  const duration = input.plainWallSeconds ?? input.profile.meta.durationSeconds;
  const lines = indexLines(input.profile, input.cwd);
  const secondsOf = lineSecondsFor(input.profile, duration);
  const findings = input.findings.filter((f) => f.cell === undefined && f.code !== 'E999' && f.code !== 'E902');
  const items: Advice[] = findings.map((f) => findingAdvice(f, input, lines, secondsOf, duration));
  for (const g of unmatchedGroups(input.profile, findings, input.sources, input.cwd, secondsOf, duration, LISTED_SHARE)) {
    const a = g.loop ? loopAdvice(g, input, secondsOf, duration) : lineAdvice(g.lines[0]!, input, secondsOf, duration);
    if (a) items.push(a);
  }
  items.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.timeSeconds - a.timeSeconds || a.line - b.line);
  items.forEach((a, i) => (a.rank = i + 1));
  return items;
}
