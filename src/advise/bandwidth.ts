// A NumPy line's achieved bandwidth, held against this machine's peak for where its arrays live (in cache, or
// memory), counting the same bytes the peak counts.
import { formatBytes, formatRate } from '../render/units.js';
import { inCachePeakAt, memoryWeight, type CostModel } from './costmodel.js';
import { REDUCING } from './rewrite-cost.js';

/** Which bytes a bandwidth counts: what a call reads, or what it reads and what it writes (each array once). */
export type BytesCounted = 'read' | 'read + written';

export interface BandwidthVerdict {
  /** Achieved over peak, in percent; capped at 100 (the peak is a measurement, a line can run a little above it). */
  percentOfPeak: number | null;
  bound: boolean;
  /** Which of the machine's bandwidths the line was held against. */
  comparedWith: 'cache' | 'memory';
  peakBytesPerSecond: number;
  /** The bytes both the line's rate and the peak count. */
  counted: BytesCounted;
  text: string;
}

/**
 * A reduction (`a.sum()`, `np.max(a)`) without `out=` only reads its arrays: its rate is held against the rate
 * memory delivers to a read stream, not against copy/triad, which count a write for every read.
 */
export function readsOnly(lineText: string): boolean {
  const code = lineText.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""').replace(/#.*$/, '');
  return REDUCING.test(code) && !/\bout\s*=/.test(code);
}

/**
 * A line's bandwidth counts the bytes of the arrays it names once per run of the line (read, and written when the
 * output is named): temporaries are not seen, so it is a lower bound, and "bandwidth-bound" is claimed only when
 * even that bound is near the peak. The peak is the one for where those bytes live and counts the same bytes:
 * arrays beyond the last-level cache are held against memory bandwidth (copy/triad, read + written; a reduction's
 * against the read rate of a.sum()), arrays in cache against the in-cache peak measured for that working set.
 */
export function describeBandwidth(bytesPerSecond: number, model: CostModel, bytesTouched: number, opts: { readOnly?: boolean } = {}): BandwidthVerdict {
  const fromMemory = memoryWeight(model, bytesTouched) >= 0.5;
  const readStream = fromMemory && opts.readOnly === true;
  const counted: BytesCounted = readStream ? 'read' : 'read + written';
  const peak = !fromMemory ? inCachePeakAt(model, bytesTouched) : readStream ? model.memoryReadBytesPerSecond : model.memoryBytesPerSecond;
  const cache = model.llcBytes !== null ? formatBytes(model.llcBytes) : 'last-level';
  const beyond = `${formatBytes(bytesTouched)} of arrays do not fit the ${cache} cache`;
  const [name, detail] = !fromMemory
    ? ['the in-cache peak', `${formatRate(peak)} by np.add for ${formatBytes(bytesTouched)} of arrays`]
    : readStream
      ? ["this machine's memory read rate", `${formatRate(peak)} by a.sum(); ${beyond}`]
      : ["this machine's memory bandwidth", `${formatRate(peak)} by ${model.memorySource === 'copy/triad' ? 'copy/triad' : 'a.sum()'}; ${beyond}`];
  const raw = peak > 0 ? (100 * bytesPerSecond) / peak : null;
  const percent = raw === null ? null : Math.min(100, raw);
  const bound = percent !== null && percent >= 60;
  const moves = `moves at least ${formatRate(bytesPerSecond)} (${counted}: the arrays it names, once per run)`;
  const share = percent === null ? '' : percent >= 100 ? `, at the measured peak (${name}: ${detail})` : `, ${percent.toFixed(0)} % of ${name} (${detail})`;
  const text = bound ? `bandwidth-bound: ${moves}${share}: vectorizing further will not help` : `NumPy kernel: ${moves}${share}`;
  return { percentOfPeak: percent, bound, comparedWith: fromMemory ? 'memory' : 'cache', peakBytesPerSecond: peak, counted, text };
}
