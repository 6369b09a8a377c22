// The advisor's ranked list for a terminal: the hot items first with their rewrite and price, cold ones last.
import { pc } from './colors.js';
import type { Advice, AdviceReport } from '../advise/types.js';
import { formatDuration, formatRatio } from './units.js';

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
  return [
    pc.bold(`vecprof advise: ${meta.command.join(' ')}`) + ` — ${formatDuration(meta.durationSeconds * 1e9)}${status}${stopped}`,
    pc.dim(
      `cost model: ${formatDuration(model.loopPerElementNs)} per loop iteration, ${formatDuration(model.numpyPerCallNs)} per NumPy call, ` +
        `${(model.memoryBytesPerSecond / 1e9).toFixed(1)} GB/s from memory`,
    ),
  ].join('\n');
}

function item(a: Advice): string {
  const head = `${pc.bold(`${a.rank}.`)} ${pc.cyan(`${a.displayPath}:${a.line}`)} ${pc.dim(`[${a.finding?.code ?? KIND_LABEL[a.kind]}]`)}`;
  const lines = [head, `   ${a.summary}`];
  const rewrite = a.finding?.fix?.replacement;
  if (rewrite && a.kind === 'vectorize') {
    lines.push(...rewrite.split('\n').map((l) => `   ${pc.green('→')} ${l}`));
  }
  if (a.prediction) {
    const p = a.prediction;
    lines.push(
      pc.dim(
        `   predicted ${formatDuration(p.predictedSeconds * 1e9)} vs measured ${formatDuration(p.measuredSeconds * 1e9)} ` +
          `(${formatRatio(p.speedup)}): ${p.basis}`,
      ),
    );
  }
  if (a.arrays.length > 0) {
    const seen = a.arrays.slice(0, 3).map((x) => `${x.name} ${x.dtype}[${x.shape.join('×')}]`);
    lines.push(pc.dim(`   arrays seen: ${seen.join(', ')}`));
  }
  return lines.join('\n');
}

export function renderAdviceText(report: AdviceReport, opts: { top?: number } = {}): string {
  const top = opts.top ?? 8;
  const hot = report.items.filter((a) => a.kind !== 'cold');
  const cold = report.items.filter((a) => a.kind === 'cold');
  const out = [header(report), ''];
  if (hot.length === 0) out.push('Nothing hot to advise on: no loop or line took a noticeable share of the run.');
  out.push(...hot.slice(0, top).map(item).join('\n\n').split('\n'));
  if (hot.length > top) out.push('', pc.dim(`… ${hot.length - top} more hot items (--top N or --json to see all)`));
  if (cold.length > 0) {
    out.push('', pc.bold(`Cold findings (${cold.length}): correct but not where the time goes`));
    for (const a of cold.slice(0, 10)) out.push(`   ${pc.cyan(`${a.displayPath}:${a.line}`)} ${pc.dim(a.finding?.code ?? '')} ${a.finding?.message.split('\n')[0] ?? ''}`);
    if (cold.length > 10) out.push(pc.dim(`   … ${cold.length - 10} more`));
  }
  return `${out.join('\n')}\n`;
}
