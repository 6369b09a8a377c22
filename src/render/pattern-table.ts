// A pattern's result for a terminal or a pipe: per group, time per call with the speedup over the loop, peak
// memory, then crossovers, the speedup at the largest size, the seed's claim and what this machine says.
import { pc } from './colors.js';
import type { GroupSummary, PatternCrossover, PatternResult, PatternRow, VersionEntry } from '../budget/patterns/types.js';
import { formatBytes, formatCount, formatDuration, formatRatio, textTable } from './units.js';

/** Why a partial result stopped; files from before `stopReason` say it with their flags. */
function stopReasonOf(result: PatternResult): string {
  if (result.stopReason) return result.stopReason;
  return result.timedOut ? `stopped by --timeout (${result.config.timeoutSeconds} s)` : result.interrupted ? 'interrupted' : 'stopped early';
}

function entryOf(row: PatternRow, id: string): VersionEntry | undefined {
  return row.entries.find((e) => e.version === id);
}

/** "12× (10–15) faster than loop", or for a speedup below 1 the same interval inverted: "2.7× (2.5–2.9) slower than loop". */
function speedupText(i: { estimate: number; low: number; high: number }, baseline: string): string {
  const range = (e: number, lo: number, hi: number): string => `${formatRatio(e)} (${formatRatio(lo).slice(0, -1)}–${formatRatio(hi).slice(0, -1)})`;
  if (i.estimate >= 1) return `${range(i.estimate, i.low, i.high)} faster than ${baseline}`;
  return `${range(1 / i.estimate, 1 / i.high, 1 / i.low)} slower than ${baseline}`;
}

function crossoverText(c: PatternCrossover | null, unit: string): string {
  if (!c) return 'no crossover measured';
  if (c.kind === 'always') return `ahead at every size from ${unit} = ${formatCount(c.size)}`;
  if (c.kind === 'never') return `behind at every size up to ${unit} = ${formatCount(c.size)}`;
  const at = `${unit} ≈ ${formatCount(Math.round(c.size))}`;
  return c.kind === 'from' ? `ahead from ${at} on (interpolated)` : `ahead only below ${at} (interpolated)`;
}

function timeCell(e: VersionEntry | undefined, baseline: boolean): string {
  if (!e) return '–';
  if (e.status === 'unavailable') return 'n/a';
  if (e.status === 'skipped-memory') return pc.yellow('skipped: memory');
  if (!e.timeNs) return '–';
  const star = e.status === 'extrapolated' ? '*' : '';
  const noisy = e.flags.length > 0 ? pc.yellow('~') : '';
  const time = `${formatDuration(e.timeNs.estimate)}${star}${noisy}`;
  if (baseline || !e.speedup) return time;
  const ratio = `${formatRatio(e.speedup.estimate)}`;
  return `${time} ${e.speedup.estimate >= 1 ? ratio : pc.yellow(ratio)}`;
}

function memoryCell(e: VersionEntry | undefined): string {
  if (!e) return '–';
  if (e.status === 'unavailable') return 'n/a';
  if (e.status === 'skipped-memory') return pc.yellow('skipped');
  return e.peakBytes === null ? '–' : formatBytes(e.peakBytes);
}

function groupVersions(group: GroupSummary): string[] {
  return [group.baseline, ...group.versions.map((v) => v.version)];
}

/**
 * What the CPU/wall numbers mean depends on the clock each version was read with: process time counts every thread
 * (above 1: BLAS threads worked), thread time only the calling thread (at most 1; below it, the thread waited).
 */
function cpuLegend(result: PatternResult, ids: string[]): string[] {
  const clockOf = (id: string): string => result.versions.find((v) => v.id === id)?.clock ?? 'thread';
  const processIds = ids.filter((id) => clockOf(id) === 'process');
  const threadIds = ids.filter((id) => clockOf(id) !== 'process');
  const lines: string[] = [];
  if (processIds.length > 0) {
    lines.push(`  ${processIds.join(', ')}: process CPU time (every thread) / wall time; above 1 means several threads worked`);
  }
  if (threadIds.length > 0) {
    lines.push(`  ${threadIds.join(', ')}: this thread's CPU time / wall time; at most 1, below 1 it waited (other processes had the CPU)`);
  }
  return lines;
}

export function renderPatternTables(result: PatternResult): string {
  if (result.rows.length === 0 && !result.complete) {
    return pc.yellow(`${result.name}: ${stopReasonOf(result)} before any size finished; nothing to show`);
  }
  const out: string[] = [];
  const multithreaded = result.versions.some((v) => v.clock === 'process');
  for (const group of result.groups) {
    const ids = groupVersions(group);
    const heading = group.title ? `${result.name} · ${group.title}` : result.name;
    out.push(pc.bold(`${heading}: time per call (median) and speedup over ${group.baseline}`));
    out.push(
      textTable(
        [result.sizeLabel.split(' ')[0] ?? 'size', 'touched', ...ids],
        result.rows.map((r) => [formatCount(r.size), formatBytes(r.bytesTouched), ...ids.map((id, i) => timeCell(entryOf(r, id), i === 0))]),
        [true, true, ...ids.map(() => true)],
      ),
    );
    out.push('');
    out.push(pc.bold(`${heading}: peak memory beyond the inputs (tracemalloc, NumPy buffers included)`));
    out.push(
      textTable(
        [result.sizeLabel.split(' ')[0] ?? 'size', ...ids],
        result.rows.map((r) => [formatCount(r.size), ...ids.map((id) => memoryCell(entryOf(r, id)))]),
        [true, ...ids.map(() => true)],
      ),
    );
    if (multithreaded) {
      out.push('');
      out.push(pc.bold(`${heading}: CPU time per wall second`));
      out.push(
        textTable(
          [result.sizeLabel.split(' ')[0] ?? 'size', ...ids],
          result.rows.map((r) => [formatCount(r.size), ...ids.map((id) => (entryOf(r, id)?.cpuPerWall ? entryOf(r, id)!.cpuPerWall!.toFixed(2) : '–'))]),
          [true, ...ids.map(() => true)],
        ),
      );
      out.push(...cpuLegend(result, ids));
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export function renderPatternSummary(result: PatternResult): string {
  const lines: string[] = [];
  const label = (id: string): string => result.versions.find((v) => v.id === id)?.label ?? id;
  lines.push(`${pc.bold(result.title)} — ${result.description}`);
  lines.push(`Sizes: ${result.sizeLabel}; touched: ${result.bytesMeaning}; peak: ${result.peakMeaning}`);
  lines.push('Versions:');
  for (const v of result.versions) {
    const cap = v.cap !== null ? `; measured up to ${formatCount(v.cap)}, extrapolated beyond (growth n^${v.growth ?? 1})` : '';
    lines.push(`  ${v.id.padEnd(18)} ${v.role.padEnd(11)} ${v.label}${cap}`);
  }
  for (const u of result.unavailable) lines.push(pc.yellow(`  ${u.version}: skipped, ${u.reason}`));
  const unit = result.sizeLabel.split(' ')[0] ?? 'size';
  for (const group of result.groups) {
    const prefix = group.title ? `${group.title}: ` : '';
    for (const v of group.versions) {
      const largest = v.atLargest
        ? `${speedupText(v.atLargest.speedup, group.baseline)} at ${unit} = ${formatCount(v.atLargest.size)}${v.atLargest.extrapolated ? ' (extrapolated)' : ''}`
        : 'no speedup measured';
      lines.push(`${prefix}${label(v.version)}: ${largest}; ${crossoverText(v.crossover, unit)}`);
    }
  }
  for (const insight of result.insights) lines.push(`→ ${insight}`);
  lines.push(`Seed's claim: ${result.claim}`);
  if (result.clockNote) lines.push(`Clock: ${result.clockNote}`);
  const notes: string[] = [];
  if (result.rows.some((r) => r.entries.some((e) => e.status === 'extrapolated'))) notes.push('* extrapolated beyond the measured cap');
  if (result.rows.some((r) => r.entries.some((e) => e.flags.length > 0))) notes.push('~ noisy cell (see warnings)');
  if (result.rows.some((r) => r.entries.some((e) => e.status === 'skipped-memory'))) notes.push('skipped: would exceed the memory guard');
  if (notes.length > 0) lines.push(notes.join(' · '));
  lines.push(
    `${result.config.dtype}; ${formatDuration(result.timing.wallSeconds * 1e9)} wall` +
      (result.complete
        ? ''
        : pc.yellow(` — PARTIAL, ${result.rows.length} of ${result.config.sizes.length} sizes finished: ${stopReasonOf(result)}`)),
  );
  return lines.join('\n');
}
