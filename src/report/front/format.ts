// Units as the terminal prints them (shared with src/render/units.ts), plus the few the page adds.
import { formatBytes, formatDuration, formatRate, formatRatio, formatSeconds } from '../../render/units.js';

export { formatBytes, formatDuration, formatRate, formatRatio, formatSeconds };

export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined) return '';
  const pct = share * 100;
  if (pct === 0) return '0 %';
  if (pct < 0.1) return '< 0.1 %';
  return `${pct.toFixed(pct < 10 ? 1 : 0)} %`;
}

export function formatInt(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  return Math.round(n).toLocaleString('en-US');
}

export function formatTime(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '' : formatSeconds(seconds);
}

/**
 * Sample counts may be fractional (stacks rebuilt from a deterministic profile, native samples grafted in
 * proportion): a count reads as a count, 1,800 not 1.80e+3, with one decimal only where a fraction of one matters.
 */
export function formatSamples(n: number): string {
  if (Number.isInteger(n) || Math.abs(n) >= 100) return formatInt(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
