// The advisor's ranked list for a terminal: the hot items first with their rewrite and price, cold ones last.
import { pc } from './colors.js';
import { DEFAULT_ADVICE_TOP, type Advice, type AdviceReport } from '../advise/types.js';
import { quotableRewrite, workingStatements } from '../advise/rewrite-cost.js';
import { underLoadNote } from '../advise/calibration.js';
import { unsampledText } from '../advise/unsampled.js';
import { formatDuration, formatPercent, formatRate, formatRatio } from './units.js';

const KIND_LABEL: Record<Advice['kind'], string> = {
  vectorize: 'vectorize',
  'hot-loop': 'hot loop',
  'numpy-kernel': 'NumPy',
  cold: 'cold',
};

function header(report: AdviceReport): string {
  const meta = report.profile.meta;
  const status = meta.exitStatus === 0 ? '' : `, exit status ${String(meta.exitStatus)}`;
  const stopped = meta.stoppedBy ? pc.yellow(` (stopped by ${meta.stoppedBy}: partial)`) : '';
  const model = report.costModel;
  const underLoad = underLoadNote(model.conditions);
  return [
    pc.bold(`vecprof advise: ${meta.command.join(' ')}`) + ` — ${formatDuration(meta.durationSeconds * 1e9)}${status}${stopped}`,
    pc.dim(
      `cost model: ${formatDuration(model.loopPerElementNs)} per loop iteration, ${formatDuration(model.numpyPerCallNs)} per NumPy call, ` +
        `memory ${formatRate(model.memoryBytesPerSecond)} ${model.memorySource === 'copy/triad' ? 'read + written' : 'read'}` +
        (model.inCachePeak[0] ? `, in cache up to ${formatRate(model.inCachePeak[0].bytesPerSecond)} read + written` : ''),
    ),
    ...(underLoad ? [pc.yellow(`note: ${underLoad}`)] : []),
  ].join('\n');
}

/** Items shown in full (rewrite, price, how it was priced); the rest of the list gets two lines each. */
const DETAILED_ITEMS = 3;
const REWRITE_LINES = 4;
/** A compact item's second line is cut here, so it stays one line on a 120-column terminal. */
const COMPACT_WIDTH = 116;

/** Where: the finding's line, or the whole range of a loop listed without a finding. */
function location(a: Advice): string {
  return a.kind === 'hot-loop' && a.endLine > a.line ? `${a.displayPath}:${a.line}–${a.endLine}` : `${a.displayPath}:${a.line}`;
}

/** What was measured, as numbers: time and share, and for a loop its hits and time per iteration. */
function measured(a: Advice): string {
  const parts = [`${formatDuration(a.timeSeconds * 1e9)}, ${formatPercent(a.share * 100)} of the run`];
  const per = a.perIterationNs !== undefined ? formatDuration(a.perIterationNs) : null;
  if (a.kind === 'vectorize' || a.kind === 'hot-loop') {
    parts.push(a.hits !== undefined ? `${a.hits.toLocaleString('en-US')} hits${per ? `, ${per} per iteration` : ''}` : 'hits not counted');
  } else if (a.hits !== undefined) {
    parts.push(`${a.hits.toLocaleString('en-US')} ${a.hits === 1 ? 'hit' : 'hits'}${per && a.hits > 1 ? `, ${per} each` : ''}`);
  }
  return parts.join(' · ');
}

function head(a: Advice): string {
  return `${pc.bold(`${a.rank}.`)} ${pc.cyan(location(a))} ${pc.dim(`[${a.finding?.code ?? KIND_LABEL[a.kind]}]`)} ${measured(a)}`;
}

function detailed(a: Advice): string {
  const lines = [head(a), `   ${a.detail ?? a.summary}`];
  const rewrite = a.finding?.fix?.replacement;
  if (rewrite && a.kind === 'vectorize') {
    const all = rewrite.split('\n');
    lines.push(...all.slice(0, REWRITE_LINES).map((l) => `   ${pc.green('→')} ${l}`));
    if (all.length > REWRITE_LINES) lines.push(pc.dim(`     … ${all.length - REWRITE_LINES} more lines (--json or --html for all)`));
  }
  const how: string[] = [];
  if (a.prediction) how.push(`priced as ${a.prediction.basis}`);
  if (a.arrays.length > 0) how.push(`arrays seen: ${a.arrays.slice(0, 3).map((x) => `${x.name} ${x.dtype}[${x.shape.join('×')}]`).join(', ')}`);
  if (how.length > 0) lines.push(pc.dim(`   ${how.join('; ')}`));
  return lines.join('\n');
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** Two lines: the numbers, then the rewrite and its gain (or what the item is, or why it has no price). */
function compact(a: Advice): string {
  let second: string;
  const replacement = a.finding?.fix?.replacement;
  if (a.kind === 'vectorize' && a.prediction) {
    const statement = quotableRewrite(replacement) ?? workingStatements(replacement ?? '')[0]?.text;
    const gain = `≈${formatRatio(a.prediction.speedup)} faster, saves ${(a.prediction.savesShare * 100).toFixed(0)} % of the run`;
    second = statement ? `→ ${cut(statement, COMPACT_WIDTH - gain.length - 5)} · ${gain}` : gain;
  } else if (a.kind === 'vectorize') {
    second = `${a.finding?.code ?? ''} not priced: ${a.notPriced ?? ''}`;
  } else {
    second = a.detail ?? a.summary;
  }
  return `${head(a)}\n   ${cut(second, COMPACT_WIDTH)}`;
}

function coldLine(a: Advice): string {
  const ran = a.timeSeconds > 0 ? `${formatDuration(a.timeSeconds * 1e9)}, ${formatPercent(a.share * 100)}` : unsampledText(a.hits);
  return `   ${pc.cyan(`${a.displayPath}:${a.line}`)} ${pc.dim(`[${a.finding?.code ?? ''}] ${ran}`)} ${cut(a.finding?.message.split('\n')[0] ?? '', COMPACT_WIDTH - 40)}`;
}

/**
 * The ranked list, made to fit a screen: the first items in full, the rest of the top `top` in two lines each,
 * then up to ten cold findings in one line each.
 */
export function renderAdviceText(report: AdviceReport, opts: { top?: number } = {}): string {
  const top = opts.top ?? DEFAULT_ADVICE_TOP;
  const hot = report.items.filter((a) => a.kind !== 'cold');
  const cold = report.items.filter((a) => a.kind === 'cold');
  const out = [header(report), ''];
  if (hot.length === 0) out.push('Nothing hot to advise on: no loop or line took a noticeable share of the run.');
  const shown = hot.slice(0, top);
  out.push(...shown.slice(0, DETAILED_ITEMS).map(detailed).join('\n\n').split('\n'));
  if (shown.length > DETAILED_ITEMS) out.push('', ...shown.slice(DETAILED_ITEMS).map(compact));
  if (hot.length > top) out.push('', pc.dim(`… ${hot.length - top} more hot items (--top N, --json or --html to see all)`));
  if (cold.length > 0) {
    out.push('', pc.bold(`Cold findings (${cold.length}): not where the time goes`));
    for (const a of cold.slice(0, 10)) out.push(coldLine(a));
    if (cold.length > 10) out.push(pc.dim(`   … ${cold.length - 10} more`));
  }
  return `${out.join('\n')}\n`;
}
