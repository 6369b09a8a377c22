// Command-line options → PatternConfig. The catalogue has its own defaults (six patterns in ≤ 5 min, ≤ 60 s with
// --quick); an option the user typed (--min-samples, --sizes, …) overrides them.
import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { UsageError } from '../../errors.js';
import { bounded, oneOf, parseLoopMax, parseSeed, parseSizes, positive, type TimingCliOptions } from '../config.js';
import { DTYPES, type Dtype } from '../types.js';
import { PATTERN_NAMES, findPattern } from './index.js';
import type { PatternConfig, PatternSpec } from './types.js';
import { MEMORY_GUARD_SHARE } from './guard.js';

export const PATTERN_DEFAULTS = {
  full: { sampleSeconds: 0.002, minSamples: 15, minCellSeconds: 0.2, maxCellSeconds: 1.2, passes: 2 },
  quick: { sampleSeconds: 0.001, minSamples: 9, minCellSeconds: 0.05, maxCellSeconds: 0.3, passes: 2 },
} as const;

/** The options of `vecprof budget` that matter here, with whether the user typed them. */
export interface PatternCliOptions extends TimingCliOptions {
  pattern: string;
  quick: boolean;
  /** Names of the options given on the command line (not defaults). */
  given: ReadonlySet<string>;
}

/** The names (commander's keys) of the `vecprof budget` options whose presence on the command line matters here. */
export const CHECKED_OPTIONS = ['op', 'dtype', 'sizes', 'loopMax', 'minSamples', 'minTime', 'sampleMs', 'passes', 'seed', 'peak', 'timeout', 'html'];

export function selectPatterns(name: string): PatternSpec[] {
  if (name === 'all') return PATTERN_NAMES.map((n) => findPattern(n)!);
  const spec = findPattern(name);
  if (!spec) {
    throw new UsageError(`--pattern "${name}" is not a pattern`, { hint: `use one of: ${PATTERN_NAMES.join(', ')}, all` });
  }
  return [spec];
}

/** MemAvailable from /proc/meminfo (free memory the kernel can hand out without swapping); os.freemem() elsewhere. */
export function availableMemory(): number {
  try {
    const m = /^MemAvailable:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux */
  }
  return freemem();
}

/**
 * The sum budget's parsers and limits, so an option means the same in both modes (--sample-ms 5000 is refused
 * here too); only the defaults differ.
 */
export function toPatternConfig(spec: PatternSpec, o: PatternCliOptions, memoryBytes = availableMemory()): PatternConfig {
  const d = o.quick ? PATTERN_DEFAULTS.quick : PATTERN_DEFAULTS.full;
  const given = (k: string): boolean => o.given.has(k);
  const dtype = oneOf<Dtype>('--dtype', o.dtype, DTYPES);
  const sizes = given('sizes') ? parseSizes(o.sizes).map((k) => 2 ** k) : o.quick ? spec.sizes.quick : spec.sizes.full;
  const capOverride = given('loopMax') ? 2 ** parseLoopMax(o.loopMax) : null;
  const minCellSeconds = given('minTime') ? bounded('minTime', o.minTime) : d.minCellSeconds;
  return {
    pattern: spec.name,
    quick: o.quick,
    sizes,
    dtype,
    sampleSeconds: given('sampleMs') ? bounded('sampleMs', o.sampleMs) / 1000 : d.sampleSeconds,
    minSamples: given('minSamples') ? positive('--min-samples', o.minSamples, true) : d.minSamples,
    minCellSeconds,
    maxCellSeconds: Math.max(d.maxCellSeconds, 4 * minCellSeconds),
    passes: given('passes') ? bounded('passes', o.passes) : d.passes,
    seed: parseSeed(o.seed),
    timeoutSeconds: bounded('timeout', o.timeout),
    memoryGuardBytes: Math.floor(MEMORY_GUARD_SHARE * memoryBytes),
    capOverride,
  };
}

/** Options that mean nothing for the catalogue: refuse them rather than ignore them silently. */
export function checkPatternOptions(o: PatternCliOptions, patternCount: number): void {
  if (o.given.has('peak')) throw new UsageError('--no-peak belongs to the sum budget; the catalogue does not measure peak bandwidth', { hint: 'drop --no-peak' });
  if (o.given.has('op')) throw new UsageError('--op selects the sum budget\'s kernel and cannot be combined with --pattern', { hint: 'drop --op; each pattern has its own versions' });
  if (o.given.has('html')) {
    throw new UsageError('--html does not apply to --pattern: the HTML report is the sum budget\'s', { hint: 'drop --html; --out DIR writes each pattern\'s JSON, SVG and PNG' });
  }
  if (o.given.has('sizes') && patternCount > 1) {
    throw new UsageError('--sizes needs a single --pattern: each pattern measures sizes in its own unit', { hint: `pick one of: ${PATTERN_NAMES.join(', ')}` });
  }
}

/** The `vecprof budget` options --pitfalls has no use for (it picks its own data, sizes and sample counts), by flag. */
const NOT_FOR_PITFALLS: ReadonlyArray<[name: string, flag: string]> = [
  ['op', '--op'],
  ['dtype', '--dtype'],
  ['sizes', '--sizes'],
  ['loopMax', '--loop-max'],
  ['minSamples', '--min-samples'],
  ['minTime', '--min-time'],
  ['sampleMs', '--sample-ms'],
  ['passes', '--passes'],
  ['peak', '--no-peak'],
  ['html', '--html'],
];

/** --pitfalls takes --quick, --seed, --timeout, --out and --json; anything else typed is refused, never ignored. */
export function checkPitfallsOptions(given: ReadonlySet<string>): void {
  const refused = NOT_FOR_PITFALLS.find(([name]) => given.has(name));
  if (refused) {
    throw new UsageError(`${refused[1]} does not apply to --pitfalls: each pitfall picks its own data, sizes and samples`, {
      hint: 'drop it; --pitfalls takes --quick, --seed, --timeout, --out and --json',
    });
  }
}
