import type { CostModel } from '../advise/costmodel.js';
import { formatBytes, formatDuration, formatRate } from './units.js';

export function renderCostModel(model: CostModel, path: string): string {
  return [
    `Cost model for ${model.machine.cpuModel} (${model.machine.logicalCpus} CPUs), Python ${model.python.version}, NumPy ${model.python.numpy ?? '?'}`,
    `  Python loop iteration   ${formatDuration(model.loopPerElementNs)}`,
    `  NumPy call overhead     ${formatDuration(model.numpyPerCallNs)}`,
    `  NumPy bandwidth, cache  ${formatRate(model.cacheBytesPerSecond)}`,
    `  NumPy bandwidth, memory ${formatRate(model.memoryBytesPerSecond)}`,
    `  peak bandwidth          ${model.peakBytesPerSecond !== null ? formatRate(model.peakBytesPerSecond) : 'not measured'}`,
    `  last-level cache        ${model.llcBytes !== null ? formatBytes(model.llcBytes) : 'unknown'}`,
    `saved to ${path}`,
  ].join('\n');
}
