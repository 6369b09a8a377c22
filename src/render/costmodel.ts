import type { CostModel } from '../advise/costmodel.js';
import { underLoadNote } from '../advise/calibration.js';
import { formatBytes, formatDuration, formatRate } from './units.js';

export function renderCostModel(model: CostModel, path: string): string {
  const peak = model.inCachePeak[0];
  const c = model.conditions;
  const load = [c.loadAverageStart, c.loadAverageEnd].filter((x): x is number => x !== null).map((x) => x.toFixed(2)).join(' → ');
  const note = underLoadNote(c);
  return [
    `Cost model for ${model.machine.cpuModel} (${model.machine.logicalCpus} CPUs), Python ${model.python.version}, NumPy ${model.python.numpy ?? '?'}`,
    `  Python loop iteration   ${formatDuration(model.loopPerElementNs)}`,
    `  NumPy call overhead     ${formatDuration(model.numpyPerCallNs)}`,
    `  in-cache peak           ${peak ? `${formatRate(peak.bytesPerSecond)} read + written (np.add, ${formatBytes(peak.bytes)} of arrays)` : 'not measured'}`,
    `  memory bandwidth        ${formatRate(model.memoryBytesPerSecond)} ${model.memorySource === 'copy/triad' ? 'read + written (copy/triad beyond the cache)' : 'read (a.sum() beyond the cache; copy/triad not measured)'}`,
    `  memory read rate        ${formatRate(model.memoryReadBytesPerSecond)} read (a.sum() beyond the cache)`,
    `  sum in cache            ${formatRate(model.cacheBytesPerSecond)} read`,
    `  last-level cache        ${model.llcBytes !== null ? formatBytes(model.llcBytes) : 'unknown'}`,
    `  measured at load        ${load} on ${c.logicalCpus} CPUs${c.noise !== null ? `, repeats ${(c.noise * 100).toFixed(0)} % above their lower quartile (median)` : ''}`,
    ...(note ? [`  ${note}`] : []),
    `saved to ${path}`,
  ].join('\n');
}
