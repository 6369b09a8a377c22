// The terminal summary of a Profile: what ran and how (passes), the hot lines with their source, the functions,
// and memory when it was measured. Reads only the model, plus the user's source files for the snippets.
import { readFileSync } from 'node:fs';
import { relative, isAbsolute, sep } from 'node:path';
import { colorEnabled, createColors, type Colors } from './colors.js';
import type { FunctionStat, LineStat, MemoryStat, Profile, SampleSplit } from '../profile/model.js';
import { PYTHON_HELPERS_DIR } from '../paths.js';
import { formatBytes, formatSeconds, textTable } from './units.js';


export interface ProfileTextOptions {
  /** Rows per table (default 10). */
  top?: number;
  /** Print the source line under each hot line (default true). */
  sourceSnippets?: boolean;
  /** Colour (default: render/colors.ts's decision: a terminal on stdout, NO_COLOR and FORCE_COLOR honoured). */
  color?: boolean;
  /** Paths are shown relative to this directory (default: the current one). */
  cwd?: string;
}

const MIN_SHOWN_SHARE = 0.001;

const SPLIT_LABELS: Record<keyof SampleSplit, string> = {
  numpyScalar: 'numpy-scalar',
  python: 'python',
  nativeKernel: 'kernel',
  otherNative: 'other-native',
};

// Plumbing, not the user's program: the launcher, runpy, exec, the profiler switching itself off, and the import
// system's own frames (the imported module's <module> entry still shows what an import cost).
const PLUMBING_NAMES = /^(<built-in method builtins\.exec>|<method 'disable' of '_lsprof\.Profiler' objects>|<built-in method _lsprof\.\w+>)$/;
const PLUMBING_RUNPY = /(^|[/\\])runpy\.py$/;

export function formatCountHuman(n: number): string {
  const abs = Math.abs(n);
  if (abs < 10_000) return Number.isInteger(n) ? String(n) : n.toFixed(1);
  if (abs < 1e6) return `${(n / 1e3).toFixed(abs < 1e5 ? 1 : 0)} k`;
  if (abs < 1e9) return `${(n / 1e6).toFixed(abs < 1e7 ? 2 : 1)} M`;
  return `${(n / 1e9).toFixed(2)} G`;
}

function seconds(s: number | undefined): string {
  if (s === undefined) return '';
  return s === 0 ? '0' : formatSeconds(s);
}

function percent(f: number): string {
  const p = f * 100;
  return `${p.toFixed(p >= 10 ? 0 : 1)}%`;
}

/** Paths below cwd are shown relative; library paths are cut down to the package part. */
export function displayPath(file: string, cwd: string): string {
  if (file === '~') return '';
  if (isAbsolute(file)) {
    const rel = relative(cwd, file);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel;
    const m = /[/\\](site-packages|dist-packages)[/\\](.*)$/.exec(file);
    if (m) return m[2]!;
    const std = /[/\\](python\d+\.\d+t?)[/\\](.*)$/.exec(file);
    if (std) return `${std[1]}/${std[2]}`;
  }
  return file;
}

function isPlumbing(f: FunctionStat): boolean {
  return (
    PLUMBING_NAMES.test(f.name) ||
    PLUMBING_RUNPY.test(f.file) ||
    f.file.startsWith('<frozen importlib.') ||
    (f.file !== '~' && f.file.startsWith(PYTHON_HELPERS_DIR + sep))
  );
}

function splitText(split: SampleSplit | undefined, c: Colors): string {
  if (split === undefined) return '';
  const parts = (Object.keys(SPLIT_LABELS) as Array<keyof SampleSplit>)
    .filter((k) => split[k] >= 0.005)
    .sort((a, b) => split[b] - split[a])
    .map((k) => {
      const text = `${SPLIT_LABELS[k]} ${percent(split[k])}`;
      return k === 'numpyScalar' && split[k] >= 0.3 ? c.red(text) : text;
    });
  return parts.join(' · ');
}

class SourceCache {
  private readonly files = new Map<string, string[] | undefined>();
  line(file: string, line: number): string | undefined {
    if (!this.files.has(file)) {
      let lines: string[] | undefined;
      try {
        lines = readFileSync(file, 'utf8').split(/\r?\n/);
      } catch {
        lines = undefined; // not there any more, or never a real file (<string>): the table still says file:line
      }
      this.files.set(file, lines);
    }
    const text = this.files.get(file)?.[line - 1];
    return text === undefined ? undefined : text.trim();
  }
}

function header(p: Profile, c: Colors): string[] {
  const m = p.meta;
  const bits = [`mode ${m.mode}`];
  if (m.python) bits.push(`Python ${m.python.version}${m.python.numpy ? ` · NumPy ${m.python.numpy}` : ''}`);
  if (m.durationSeconds > 0) bits.push(formatSeconds(m.durationSeconds));
  if (m.exitStatus !== null || m.signal) {
    const status = m.signal ? `killed by ${m.signal}` : `exit ${m.exitStatus}`;
    bits.push(m.exitStatus === 0 ? status : c.yellow(status));
  }
  if (m.stoppedBy) bits.push(c.yellow(m.stoppedBy === 'timeout' ? 'stopped at the time limit' : 'interrupted'));
  if (m.overhead !== undefined) bits.push(`overhead ${m.overhead.toFixed(2)}×`);
  // Without a memory pass the launcher's resident-size reading is the only memory figure: worth one word up here.
  if (!p.memory && m.rss?.peakBytes != null) bits.push(`peak RSS ${formatBytes(m.rss.peakBytes)}`);
  if (m.tool) bits.push(m.tool);
  const out = [`${c.bold('vecprof profile')}  ${bits.join(' · ')}`];
  if (m.command.length > 0) out.push(c.dim(`  command: ${m.command.join(' ')}`));
  m.passes.forEach((pass, i) => {
    const wall = pass.wallSeconds > 0 ? formatSeconds(pass.wallSeconds) : '';
    out.push(`  pass ${i + 1} ${c.cyan(pass.mode.padEnd(6))} ${wall.padStart(9)}  ${pass.reason}`);
    if (pass.found) out.push(c.dim(`         found: ${pass.found}`));
  });
  return out;
}

function linesSection(p: Profile, top: number, snippets: boolean, cwd: string, c: Colors): string[] {
  // Lines under 0.1 % of the run are noise in a summary (lines mode lists every line that ran); the JSON keeps them.
  const warm = p.lines.filter((l) => l.share >= MIN_SHOWN_SHARE);
  const rows = (warm.length > 0 ? warm : p.lines).slice(0, top);
  if (rows.length === 0) {
    const why =
      p.meta.mode === 'cpu'
        ? 'cProfile times functions, not lines: --mode lines or --mode sample shows the lines'
        : 'no samples or hits landed in your own files';
    return [c.dim(`No line-level data: ${why}.`)];
  }
  const has = (k: keyof LineStat): boolean => rows.some((l) => l[k] !== undefined);
  const cols: Array<{ head: string; right: boolean; cell: (l: LineStat) => string }> = [
    { head: 'share', right: true, cell: (l) => percent(l.share) },
  ];
  if (has('time')) cols.push({ head: 'time', right: true, cell: (l) => seconds(l.time) });
  // Hits are trip counts a user checks against len(a): exact, grouped by thousands.
  if (has('hits')) cols.push({ head: 'hits', right: true, cell: (l) => (l.hits === undefined ? '' : l.hits.toLocaleString('en-US')) });
  if (has('samples')) cols.push({ head: 'samples', right: true, cell: (l) => (l.samples === undefined ? '' : formatCountHuman(l.samples)) });
  cols.push({ head: 'where', right: false, cell: (l) => `${displayPath(l.file, cwd)}:${l.line}${l.function ? c.dim(` ${l.function}`) : ''}` });
  if (has('split')) cols.push({ head: 'where the time went', right: false, cell: (l) => splitText(l.split, c) });

  const source = new SourceCache();
  const table = textTable(
    cols.map((x) => x.head),
    rows.map((l) => cols.map((x) => x.cell(l))),
    cols.map((x) => x.right),
  ).split('\n');
  const cold = p.lines.length - warm.length;
  const title = `Hot lines (top ${rows.length} of ${p.lines.length}${cold > 0 && warm.length > 0 ? `; ${cold} under 0.1 % not shown` : ''})`;
  const out = [c.bold(title), ...table.slice(0, 2).map((s) => `  ${s}`)];
  rows.forEach((l, i) => {
    out.push(`  ${table[i + 2]}`);
    const text = snippets ? source.line(l.file, l.line) : undefined;
    if (text) out.push(c.dim(`      │ ${text.length > 100 ? `${text.slice(0, 99)}…` : text}`));
  });
  const scalar = rows.find((l) => (l.split?.numpyScalar ?? 0) >= 0.3 && l.share >= 0.05);
  if (scalar) {
    out.push(
      c.red(`  ${displayPath(scalar.file, cwd)}:${scalar.line} spends ${percent(scalar.split!.numpyScalar)} of its samples in NumPy's per-element machinery: a Python loop over array elements.`),
    );
  }
  return out;
}

function functionsSection(p: Profile, top: number, cwd: string, c: Colors): string[] {
  const visible = p.functions.filter((f) => !isPlumbing(f));
  const bySamples = visible.every((f) => f.totalTime === undefined);
  const sorted = [...visible].sort((a, b) =>
    bySamples ? (b.samples ?? 0) - (a.samples ?? 0) : (b.totalTime ?? 0) - (a.totalTime ?? 0) || (b.selfTime ?? 0) - (a.selfTime ?? 0),
  );
  const rows = sorted.slice(0, top);
  if (rows.length === 0) return [];
  const has = (k: keyof FunctionStat): boolean => rows.some((f) => f[k] !== undefined);
  const cols: Array<{ head: string; right: boolean; cell: (f: FunctionStat) => string }> = [];
  if (has('totalTime')) cols.push({ head: 'total', right: true, cell: (f) => seconds(f.totalTime) });
  if (has('selfTime')) cols.push({ head: 'self', right: true, cell: (f) => seconds(f.selfTime) });
  if (has('calls')) {
    cols.push({
      head: 'calls',
      right: true,
      cell: (f) =>
        f.calls === undefined ? '' : f.primitiveCalls !== undefined && f.primitiveCalls !== f.calls ? `${formatCountHuman(f.calls)}/${formatCountHuman(f.primitiveCalls)}` : formatCountHuman(f.calls),
    });
  }
  if (has('samples')) cols.push({ head: 'samples', right: true, cell: (f) => (f.samples === undefined ? '' : formatCountHuman(f.samples)) });
  cols.push({
    head: 'function',
    right: false,
    cell: (f) => (f.file === '~' ? f.name : `${f.name} ${c.dim(`${displayPath(f.file, cwd)}:${f.line}`)}`),
  });
  const title = bySamples ? 'by samples' : 'by cumulative time';
  const table = textTable(cols.map((x) => x.head), rows.map((f) => cols.map((x) => x.cell(f))), cols.map((x) => x.right));
  return [c.bold(`Functions ${title} (top ${rows.length} of ${visible.length})`), ...table.split('\n').map((s) => `  ${s}`)];
}

const MECHANISM_TEXT: Record<string, string> = {
  'numpy-handler': 'NumPy buffers',
  tracemalloc: 'all allocations',
};

function memorySection(m: MemoryStat, top: number, snippets: boolean, cwd: string, c: Colors): string[] {
  const traced = m.mechanism ? ` (${MECHANISM_TEXT[m.mechanism] ?? m.mechanism})` : '';
  const facts = [`peak traced ${formatBytes(m.peakTracedBytes)}${traced}`];
  if (m.peakRssBytes !== undefined) {
    const at = m.peakRssLine ? ` at ${displayPath(m.peakRssLine.file, cwd)}:${m.peakRssLine.line}` : '';
    facts.push(`peak RSS ${formatBytes(m.peakRssBytes)}${at}`);
  }
  const growth = m.endBytes - m.startBytes;
  facts.push(`start ${formatBytes(m.startBytes)} → end ${formatBytes(m.endBytes)} (${growth >= 0 ? '+' : '−'}${formatBytes(Math.abs(growth))})`);
  const out = [c.bold('Memory'), `  ${facts.join(' · ')}`];
  const rows = [...m.lines].sort((a, b) => b.bytesAtPeak - a.bytesAtPeak || b.allocatedBytes - a.allocatedBytes).slice(0, top);
  if (rows.length === 0) return out;
  const source = new SourceCache();
  const rss = rows.some((l) => l.rssGrowthBytes !== undefined && l.rssGrowthBytes > 0);
  const table = textTable(
    ['at peak', 'allocated', 'NumPy', 'allocs', ...(rss ? ['RSS growth'] : []), 'where'],
    rows.map((l) => [
      formatBytes(l.bytesAtPeak),
      formatBytes(l.allocatedBytes),
      l.allocatedBytes > 0 ? percent(l.numpyBytes / l.allocatedBytes) : '',
      formatCountHuman(l.allocations),
      ...(rss ? [l.rssGrowthBytes ? formatBytes(l.rssGrowthBytes) : ''] : []),
      `${displayPath(l.file, cwd)}:${l.line}`,
    ]),
    [true, true, true, true, ...(rss ? [true] : []), false],
  ).split('\n');
  out.push(...table.slice(0, 2).map((s) => `  ${s}`));
  rows.forEach((l, i) => {
    out.push(`  ${table[i + 2]}`);
    const text = snippets ? source.line(l.file, l.line) : undefined;
    if (text) out.push(c.dim(`      │ ${text}`));
  });
  return out;
}

export function renderProfileText(p: Profile, opts: ProfileTextOptions = {}): string {
  const c = createColors(opts.color ?? colorEnabled);
  const top = opts.top ?? 10;
  const snippets = opts.sourceSnippets ?? true;
  const cwd = opts.cwd ?? process.cwd();
  const sections: string[][] = [header(p, c)];
  // A memory-only run has no timing lines to miss; saying so would only be noise.
  if (p.lines.length > 0 || p.memory === undefined) sections.push(linesSection(p, top, snippets, cwd, c));
  const fns = functionsSection(p, top, cwd, c);
  if (fns.length > 0) sections.push(fns);
  if (p.memory) sections.push(memorySection(p.memory, top, snippets, cwd, c));
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}
