// Human units for plot ticks (and anyone else who prints times, sizes or ratios) and the tick positions of
// log axes. Ticks land on values people read without arithmetic: 1-2-5 decades for times and ratios,
// powers of two for bytes and for sweeps whose sizes are powers of two.

/**
 * `pow2`: ticks on powers of two labelled 2ᵏ (sweeps reaching 2¹⁰ and beyond); `count-pow2`: the same ticks
 * labelled as plain counts (1, 2, 4 … 512), where exponents would only make small numbers harder to read.
 */
export type AxisUnit = 'seconds' | 'bytes' | 'ratio' | 'none' | 'count' | 'pow2' | 'count-pow2';

const SECOND_UNITS: ReadonlyArray<readonly [number, string]> = [
  [1e-9, 'ns'],
  [1e-6, 'µs'],
  [1e-3, 'ms'],
  [1, 's'],
];
const BYTE_UNITS: ReadonlyArray<readonly [number, string]> = [
  [1, 'B'],
  [1024, 'KiB'],
  [1024 ** 2, 'MiB'],
  [1024 ** 3, 'GiB'],
  [1024 ** 4, 'TiB'],
];
const COUNT_UNITS: ReadonlyArray<readonly [number, string]> = [
  [1, ''],
  [1e3, 'k'],
  [1e6, 'M'],
  [1e9, 'G'],
  [1e12, 'T'],
];

/** At most three significant digits, no trailing zeros: 1.50 → "1.5", 120 → "120". */
export function formatSignificant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const rounded = Number(value.toPrecision(digits));
  if (Math.abs(rounded) >= 1e15 || Math.abs(rounded) < 1e-6) return rounded.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(rounded);
}

/** Picks the largest unit the value reaches, after rounding (so 999.9 µs prints as "1 ms", not "1000 µs"). */
function scaled(value: number, units: ReadonlyArray<readonly [number, string]>, sep: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return `0${sep}${units[0]![1]}`.trimEnd();
  const magnitude = Math.abs(value);
  let chosen = units[0]!;
  for (const unit of units) {
    if (Number(Math.abs(magnitude / unit[0]).toPrecision(3)) >= 1) chosen = unit;
  }
  const text = formatSignificant(value / chosen[0]);
  return chosen[1] === '' ? text : `${text}${sep}${chosen[1]}`;
}

/** 1.5e-6 → "1.5 µs", 0.075 → "75 ms", 1.2 → "1.2 s". */
export function formatSeconds(seconds: number): string {
  return scaled(seconds, SECOND_UNITS, ' ');
}

/** Binary prefixes, as caches and arrays are sized: 49152 → "48 KiB". */
export function formatBytes(bytes: number): string {
  return scaled(bytes, BYTE_UNITS, ' ');
}

/** 74.6 → "74.6×", 0.7 → "0.7×". */
export function formatRatio(ratio: number): string {
  return `${formatSignificant(ratio)}×`;
}

/** Element counts on decimal axes: 1500 → "1.5k", 2e6 → "2M". */
export function formatCount(count: number): string {
  return scaled(count, COUNT_UNITS, '');
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** 65536 → "2¹⁶"; a value that is not a power of two falls back to formatCount. */
export function formatPowerOfTwo(value: number): string {
  const exponent = Math.log2(value);
  if (!Number.isInteger(exponent)) return formatCount(value);
  const digits = String(Math.abs(exponent))
    .split('')
    .map((d) => SUPERSCRIPT_DIGITS[Number(d)])
    .join('');
  return `2${exponent < 0 ? '⁻' : ''}${digits}`;
}

export function formatTick(value: number, unit: AxisUnit): string {
  switch (unit) {
    case 'seconds':
      return formatSeconds(value);
    case 'bytes':
      return formatBytes(value);
    case 'ratio':
      return formatRatio(value);
    case 'count':
    case 'count-pow2':
      return formatCount(value);
    case 'pow2':
      return formatPowerOfTwo(value);
    case 'none':
      return formatSignificant(value);
  }
}

/** True when every value is an integer power of two: such sweeps get ticks on powers of two. */
export function allPowersOfTwo(values: readonly number[]): boolean {
  return values.length > 0 && values.every((v) => v > 0 && Number.isInteger(Math.log2(v)));
}

/**
 * Tick values for a log axis spanning [lo, hi] drawn over `pixels`, at least `minGap` pixels apart.
 * Binary units step through powers of two (1, 2, 4 or 5, 10 … octaves); the others through
 * 1-2-5 per decade, then every decade, then every few decades.
 */
export function logTicks(lo: number, hi: number, unit: AxisUnit, pixels: number, minGap: number): number[] {
  if (!(lo > 0) || !(hi > lo) || !(pixels > 0)) return lo > 0 && Number.isFinite(lo) ? [lo] : [];
  const binary = unit === 'bytes' || unit === 'pow2' || unit === 'count-pow2';
  const base = binary ? 2 : 10;
  const perUnit = pixels / (Math.log(hi / lo) / Math.log(base)); // pixels per octave or per decade
  const units = Math.log(hi / lo) / Math.log(base);
  const candidates = binary ? binaryCandidates(perUnit, minGap, unit === 'bytes') : decimalCandidates(perUnit, minGap, units);
  for (const candidate of candidates) {
    const ticks = candidate(lo, hi);
    if (ticks.length >= 2) return ticks;
  }
  // Less than one step of any scheme fits the span: label its ends.
  return [lo, hi];
}

type TickScheme = (lo: number, hi: number) => number[];

function binaryCandidates(pxPerOctave: number, minGap: number, bytes: boolean): TickScheme[] {
  // Byte steps divide 10 so that 1 KiB, 1 MiB, 1 GiB are always among the ticks.
  const steps = bytes ? [1, 2, 5, 10, 20] : [1, 2, 4, 5, 10, 20];
  const step = steps.find((s) => s * pxPerOctave >= minGap) ?? Math.ceil(minGap / pxPerOctave);
  return [powerSteps(2, step), powerSteps(2, 1)];
}

function decimalCandidates(pxPerDecade: number, minGap: number, decades: number): TickScheme[] {
  const schemes: TickScheme[] = [];
  // Over three decades or more, labelled decades and unlabelled minor ticks read best (as in print);
  // shorter spans label inside the decade too. The tightest gap of 1-2-5 is log10(2) ≈ 0.30 decade, of 1-3 ≈ 0.48.
  if (decades < 3 && pxPerDecade * Math.log10(2) >= minGap) schemes.push(mantissaSteps([1, 2, 5]));
  if (decades < 3 && pxPerDecade * Math.log10(10 / 3) >= minGap) schemes.push(mantissaSteps([1, 3]));
  const step = [1, 2, 3, 5, 10].find((s) => s * pxPerDecade >= minGap) ?? Math.ceil(minGap / pxPerDecade);
  schemes.push(powerSteps(10, step), mantissaSteps([1, 2, 5]), mantissaSteps([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  return schemes;
}

function powerSteps(base: number, step: number): TickScheme {
  return (lo, hi) => {
    const ticks: number[] = [];
    const first = Math.ceil(logBase(lo, base) / step - 1e-9) * step;
    for (let e = first; base ** e <= hi * (1 + 1e-9); e += step) ticks.push(cleanPower(base, e));
    return ticks;
  };
}

function mantissaSteps(mantissas: readonly number[]): TickScheme {
  return (lo, hi) => {
    const ticks: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); 10 ** e <= hi; e++) {
      for (const m of mantissas) {
        const v = Number((m * cleanPower(10, e)).toPrecision(12));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
      }
    }
    return ticks;
  };
}

function logBase(value: number, base: number): number {
  return Math.log(value) / Math.log(base);
}

/** 10 ** -7 is 1.0000000000000001e-7 in floating point; ticks should be the exact decimal. */
function cleanPower(base: number, exponent: number): number {
  return Number((base ** exponent).toPrecision(12));
}

/**
 * Unlabelled ticks between the labelled ones: every octave between binary ticks, 2…9 within decimal decades
 * (when a decade is wide enough to hold them), none when the labelled ticks are already every step.
 */
export function minorLogTicks(lo: number, hi: number, unit: AxisUnit, pixels: number, majors: readonly number[]): number[] {
  if (!(lo > 0) || !(hi > lo) || majors.length < 2) return [];
  const binary = unit === 'bytes' || unit === 'pow2' || unit === 'count-pow2';
  const all = binary
    ? powerSteps(2, 1)(lo, hi)
    : pixels / Math.log10(hi / lo) >= 36
      ? mantissaSteps([1, 2, 3, 4, 5, 6, 7, 8, 9])(lo, hi)
      : powerSteps(10, 1)(lo, hi);
  const major = new Set(majors);
  return all.filter((t) => !major.has(t));
}
