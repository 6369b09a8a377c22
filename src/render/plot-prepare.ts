// A caller's SweepPlotSpec made safe to draw: sizes checked, text sanitised, points cleaned, units chosen,
// colours and symbols assigned, legend entries listed. Everything after this works on Prepared only.
import { VecprofError } from '../errors.js';
import { log } from '../log.js';
import type { SweepPlotSpec } from './plot.js';
import { cleanMarkers, cleanPoints, logDomain, type CleanMarker, type CleanSeries } from './plot-data.js';
import type { LegendItem } from './plot-legend.js';
import type { StyledSeries } from './plot-panel.js';
import { allPowersOfTwo, formatRatio, type AxisUnit } from './plot-units.js';
import { INK, MUTED_INK, sanitiseText, SERIES_COLOURS, SERIES_SYMBOLS } from './plot-svg.js';

const DEFAULT_WIDTH = 760;
const DEFAULT_HEIGHT = 480;
const DEFAULT_HEIGHT_WITH_RATIO = 640;
const MAX_SIDE = 8000;
export const SYMBOL_RADIUS = 3.4;

export interface Prepared {
  width: number;
  height: number;
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  xUnit: AxisUnit;
  yUnit: AxisUnit;
  xDomain: [number, number];
  /** Every series, drawable or not (an empty one keeps its colour and its legend entry). */
  series: StyledSeries[];
  ratio: { series: StyledSeries; label: string; reference: number[]; referenceLabel: string } | undefined;
  markers: CleanMarker[];
  legend: LegendItem[];
}

export function prepareSpec(spec: SweepPlotSpec): Prepared {
  const hasRatio = spec.ratio !== undefined && spec.ratio !== null;
  const width = dimension(spec.width, DEFAULT_WIDTH, 320, 'width');
  const height = dimension(spec.height, hasRatio ? DEFAULT_HEIGHT_WITH_RATIO : DEFAULT_HEIGHT, hasRatio ? 300 : 220, 'height');
  const title = text(spec.title);

  const cleaned = (Array.isArray(spec.series) ? spec.series : []).map((s) => cleanPoints(s?.name ?? '', s?.points));
  const ratio = hasRatio ? cleanPoints(spec.ratio!.label ?? '', spec.ratio!.points) : undefined;
  for (const s of ratio ? [...cleaned, ratio] : cleaned) {
    if (s.dropped > 0) {
      log.warn({ plot: title, series: s.name, dropped: s.dropped }, 'plot: skipped points a log-log plot cannot show (zero, negative or not a number)');
    }
  }
  if (!cleaned.some((s) => s.points.length > 0)) {
    throw new VecprofError('nothing to plot: no series has a point with positive, finite x and y', {
      where: title || 'untitled plot',
      hint: 'check that the measurement produced results before plotting',
    });
  }

  const allX = [...cleaned, ...(ratio ? [ratio] : [])].flatMap((s) => s.points.map((p) => p.x));
  const xDomain = logDomain(allX)!; // at least one point exists, checked above
  const series: StyledSeries[] = cleaned.map((s, i) => ({
    series: s,
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
    symbol: SERIES_SYMBOLS[i % SERIES_SYMBOLS.length]!,
    tag: `vp-series vp-series-${i}`,
    radius: SYMBOL_RADIUS,
  }));
  const reference = referenceValue(spec.ratio?.reference);
  return {
    width,
    height,
    title,
    subtitle: spec.subtitle === undefined ? '' : text(spec.subtitle),
    xLabel: text(spec.xLabel),
    yLabel: text(spec.yLabel),
    xUnit: xAxisUnit(spec.xUnit, allX),
    yUnit: (['seconds', 'bytes', 'ratio', 'none'] as const).find((u) => u === spec.yUnit) ?? 'none',
    xDomain,
    series,
    ratio: ratio
      ? {
          series: { series: ratio, colour: INK, symbol: SERIES_SYMBOLS[0]!, tag: 'vp-ratio', radius: 2.8 },
          label: ratio.name,
          reference,
          referenceLabel: referenceLabel(spec.ratio?.referenceLabel, reference[0]),
        }
      : undefined,
    markers: cleanMarkers(spec.markers).filter((m) => m.x >= xDomain[0] && m.x <= xDomain[1]),
    legend: legendItems(series, ratio, spec.bandLabel),
  };
}

function text(value: unknown): string {
  return sanitiseText(value === undefined || value === null ? '' : String(value));
}

function dimension(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_SIDE) {
    throw new VecprofError(`plot ${name} must be a number from ${min} to ${MAX_SIDE}, got ${String(value)}`, {
      hint: `leave ${name} unset for the default (${fallback})`,
    });
  }
  return Math.round(value);
}

function xAxisUnit(given: SweepPlotSpec['xUnit'], xs: number[]): AxisUnit {
  if (given === 'bytes' || given === 'none') return given;
  if (!allPowersOfTwo(xs)) return 'count';
  return Math.max(...xs) >= 1024 ? 'pow2' : 'count-pow2';
}

function referenceValue(r: unknown): number[] {
  return typeof r === 'number' && Number.isFinite(r) && r > 0 ? [r] : [];
}

function referenceLabel(given: unknown, reference: number | undefined): string {
  if (typeof given === 'string') return sanitiseText(given);
  if (reference === undefined) return '';
  return reference === 1 ? 'break-even (1×)' : formatRatio(reference);
}

function legendItems(series: StyledSeries[], ratio: CleanSeries | undefined, bandLabel: unknown): LegendItem[] {
  const items: LegendItem[] = [];
  for (const s of series) {
    const empty = s.series.points.length === 0;
    items.push({ label: empty ? `${s.series.name} (no data)` : s.series.name, colour: s.colour, line: 'solid', symbol: s.symbol });
    if (s.series.points.some((p) => p.extrapolated)) {
      items.push({ label: `${s.series.name} (extrapolated)`, colour: s.colour, line: 'dashed', symbol: s.symbol, hollow: true });
    }
  }
  const banded = [...series.map((s) => s.series), ...(ratio ? [ratio] : [])].some((s) => s.points.some((p) => p.low !== undefined));
  if (banded) items.push({ label: typeof bandLabel === 'string' ? sanitiseText(bandLabel) : 'confidence interval', colour: MUTED_INK, line: 'none', band: true });
  return items;
}
