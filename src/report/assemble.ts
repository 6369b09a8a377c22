// ReportData (the models) → ReportPayload (what the page shows): files and their hot lines, ranked advice,
// findings, the call tree, tables. Everything is computed here once, so the page only draws.
import type { Advice } from '../advise/types.js';
import type { Finding } from '../check/types.js';
import type { Profile } from '../profile/model.js';
import { packageVersion } from '../paths.js';
import { buildFlameTree } from './flame-tree.js';
import { budgetView, budgetLines } from './budget-view.js';
import { createFileTable, isPseudoPath, type FileTable } from './sources.js';
import { PAYLOAD_VERSION, type AdviceView, type FindingView, type FixView, type FunctionRow, type MemoryView, type ReportPayload, type SummaryView } from './payload.js';
import type { ReportData } from './types.js';

/** Profiled files below this share of the run are not shown in the source view (libraries touched once). */
const MIN_FILE_SHARE = 0.002;
const MAX_PROFILED_FILES = 40;
const MAX_FUNCTIONS = 1500;
const MAX_MEMORY_LINES = 300;

export function assemblePayload(data: ReportData): ReportPayload {
  const cwd = data.cwd ?? process.cwd();
  const profile = data.profile ?? data.advice?.profile;
  const findings = data.findings ?? data.advice?.findings ?? [];
  const table = createFileTable(cwd, { ...(data.advice?.sources ?? {}), ...data.sources });

  const advice = (data.advice?.items ?? []).map((item) => adviceView(item, table));
  const findingViews = findings.map((f) => findingView(f, table));
  if (profile) addProfileLines(profile, table, [...advice.map((a) => a.file), ...findingViews.map((f) => f.file)]);
  findingViews.forEach((f, i) => {
    if (f.file >= 0 && f.cell === null) table.line(f.file, f.line).findings.push(i);
  });
  for (const a of advice) {
    if (a.file < 0) continue;
    const line = table.line(a.file, a.line);
    if (line.advice === null) line.advice = a.rank;
  }

  const parts = [data.advice ? 'advice' : null, profile ? 'profile' : null, findings.length > 0 || data.findings ? 'check' : null, data.budget ? 'budget' : null];
  const functions = profile ? functionRows(profile, table) : { rows: [], omitted: 0 };
  return {
    version: PAYLOAD_VERSION,
    title: data.title,
    createdAt: data.createdAt,
    generator: `vecprof ${packageVersion()}`,
    summary: summaryView(parts.filter((p): p is string => p !== null), profile, findingViews, data),
    advice,
    files: table.files(),
    findings: findingViews,
    flame: profile ? buildFlameTree(profile, (f) => table.display(table.absolute(f))) : null,
    functions: functions.rows,
    functionsOmitted: functions.omitted,
    memory: profile ? memoryView(profile, table) : null,
    budget: data.budget ? budgetView(data.budget) : null,
  };
}

function fixView(f: Finding | undefined): FixView | null {
  return f?.fix ? { description: f.fix.description, replacement: f.fix.replacement, safety: f.fix.safety } : null;
}

function adviceView(item: Advice, table: FileTable): AdviceView {
  return {
    rank: item.rank,
    kind: item.kind,
    file: table.indexOf(item.file),
    displayPath: item.displayPath,
    line: item.line,
    endLine: item.endLine,
    code: item.finding?.code ?? null,
    message: item.finding?.message ?? null,
    fix: fixView(item.finding),
    hits: item.hits ?? null,
    entries: item.entries ?? null,
    timeSeconds: item.timeSeconds,
    share: item.share,
    perIterationNs: item.perIterationNs ?? null,
    prediction: item.prediction ?? null,
    bandwidth: bandwidthView(item.bandwidth),
    arrays: item.arrays.map((a) => `${a.name}: ${a.dtype}[${a.shape.join(' × ')}]`),
    summary: item.summary,
  };
}

function bandwidthView(b: Advice['bandwidth']): AdviceView['bandwidth'] {
  if (!b) return null;
  return {
    ...b,
    percentOfPeak: b.percentOfPeak === null ? null : Math.min(100, b.percentOfPeak),
    comparedWith: b.comparedWith ?? null,
    peakBytesPerSecond: b.peakBytesPerSecond ?? null,
  };
}

function findingView(f: Finding, table: FileTable): FindingView {
  const abs = table.absolute(f.path);
  return {
    code: f.code,
    message: f.message,
    displayPath: f.path,
    file: isPseudoPath(abs) ? -1 : table.indexOf(abs),
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    cell: f.cell ?? null,
    fix: fixView(f),
  };
}

function addProfileLines(profile: Profile, table: FileTable, keep: number[]): void {
  const fileShare = new Map<string, number>();
  for (const l of profile.lines) {
    const abs = table.absolute(l.file);
    fileShare.set(abs, (fileShare.get(abs) ?? 0) + l.share);
  }
  const memoryFiles = new Set((profile.memory?.lines ?? []).slice(0, MAX_MEMORY_LINES).map((m) => table.absolute(m.file)));
  const shown = [...fileShare.entries()]
    .filter(([file, share]) => !isPseudoPath(file) && share >= MIN_FILE_SHARE)
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_PROFILED_FILES)
    .map(([file]) => file);
  const wanted = new Set([...shown, ...memoryFiles].filter((f) => !isPseudoPath(f)));
  const kept = new Set(keep.filter((i) => i >= 0));
  for (const l of profile.lines) {
    const abs = table.absolute(l.file);
    if (!wanted.has(abs) && !kept.has(table.find(abs))) continue;
    const view = table.line(table.indexOf(abs), l.line);
    view.share = (view.share ?? 0) + l.share;
    if (l.time !== undefined) view.time = (view.time ?? 0) + l.time;
    if (l.hits !== undefined) view.hits = (view.hits ?? 0) + l.hits;
    if (l.samples !== undefined) view.samples = (view.samples ?? 0) + l.samples;
    if (l.split) view.split = [l.split.python, l.split.numpyScalar, l.split.nativeKernel, l.split.otherNative];
  }
  for (const m of profile.memory?.lines ?? []) {
    const abs = table.absolute(m.file);
    if (!wanted.has(abs)) continue;
    const view = table.line(table.indexOf(abs), m.line);
    view.bytesAtPeak = m.bytesAtPeak;
    view.allocatedBytes = m.allocatedBytes;
  }
}

function functionRows(profile: Profile, table: FileTable): { rows: FunctionRow[]; omitted: number } {
  const cost = (f: Profile['functions'][number]): number => f.selfTime ?? f.selfSamples ?? f.totalTime ?? f.samples ?? 0;
  const sorted = [...profile.functions].sort((a, b) => cost(b) - cost(a));
  const rows = sorted.slice(0, MAX_FUNCTIONS).map((f): FunctionRow => {
    const abs = table.absolute(f.file);
    return {
      name: f.name,
      displayPath: table.display(abs),
      line: f.line,
      file: table.find(abs),
      calls: f.calls ?? null,
      selfTime: f.selfTime ?? null,
      totalTime: f.totalTime ?? null,
      samples: f.samples ?? null,
      selfSamples: f.selfSamples ?? null,
    };
  });
  return { rows, omitted: sorted.length - rows.length };
}

/** Null when nothing about memory is known (an imported profile, a platform without RSS readings). */
function memoryView(profile: Profile, table: FileTable): MemoryView | null {
  const m = profile.memory;
  const rss = profile.meta.rss;
  const peakRssBytes = m?.peakRssBytes ?? rss?.peakBytes ?? null;
  if (!m && peakRssBytes === null) return null;
  const lines = [...(m?.lines ?? [])].sort((a, b) => b.bytesAtPeak - a.bytesAtPeak || b.allocatedBytes - a.allocatedBytes).slice(0, MAX_MEMORY_LINES);
  const at = (file: string): { displayPath: string; file: number } => {
    const abs = table.absolute(file);
    return { displayPath: table.display(abs), file: table.find(abs) };
  };
  return {
    peakRssBytes,
    rssStartBytes: rss?.startBytes ?? null,
    rssEndBytes: rss?.endBytes ?? null,
    peakChildrenRssBytes: rss?.peakChildrenBytes ? rss.peakChildrenBytes : null,
    peakRssLine: m?.peakRssLine ? { ...at(m.peakRssLine.file), line: m.peakRssLine.line } : null,
    traced: m
      ? {
          peakBytes: m.peakTracedBytes,
          startBytes: m.startBytes,
          endBytes: m.endBytes,
          mechanism: m.mechanism ?? null,
          lines: lines.map((l) => ({ ...at(l.file), line: l.line, bytesAtPeak: l.bytesAtPeak, allocatedBytes: l.allocatedBytes, numpyBytes: l.numpyBytes, allocations: l.allocations })),
        }
      : null,
  };
}

function summaryView(parts: string[], profile: Profile | undefined, findings: FindingView[], data: ReportData): SummaryView {
  const meta = profile?.meta;
  const command = data.advice?.command ?? meta?.command ?? null;
  const py = meta?.python;
  return {
    parts,
    command: command && command.length > 0 ? command : null,
    durationSeconds: meta?.durationSeconds ?? null,
    exitStatus: meta?.exitStatus ?? null,
    signal: meta?.signal ?? null,
    stoppedBy: meta?.stoppedBy ?? null,
    mode: meta?.mode ?? null,
    passes: meta?.passes.map((p) => ({ mode: p.mode, reason: p.reason, wallSeconds: p.wallSeconds, found: p.found })) ?? [],
    python: py ? `Python ${py.version}${py.numpy ? ` · NumPy ${py.numpy}` : ''}` : null,
    tool: meta?.tool ?? null,
    totalSamples: profile?.samples ? profile.samples.stacks.reduce((s, x) => s + x.weight, 0) : null,
    findingsCount: findings.length,
    filesWithFindings: new Set(findings.map((f) => f.displayPath)).size,
    budgetLines: data.budget ? budgetLines(data.budget) : [],
    warnings: data.profile && data.advice ? differentRuns(data.profile, data.advice.profile) : [],
  };
}

/**
 * A profile and advice given apart (`vecprof report --profile A --advice B`) should be of one run: the page shows the
 * profile's heat, tables and flame graph beside advice ranked by the advice's own run. One line when they are not.
 */
export function differentRuns(profile: Profile, adviceProfile: Profile): string[] {
  const p = profile.meta;
  const a = adviceProfile.meta;
  const sameCommand = JSON.stringify(p.command) === JSON.stringify(a.command);
  if (sameCommand && p.startedAt === a.startedAt) return [];
  const run = (m: Profile['meta']): string => `\`${m.command.join(' ')}\`${m.startedAt ? ` started ${m.startedAt}` : ''}`;
  const what = sameCommand ? 'different runs of the same command' : 'different commands';
  return [
    `the profile (${run(p)}) and the advice (${run(a)}) come from ${what}: the heat, tables and flame graph are the profile's, the advice ranks its own run`,
  ];
}
