// Sweep plots: time (or memory) against array size on log-log axes, one line per version, an optional ratio
// panel underneath sharing the x axis, and vertical markers for cache boundaries and the crossover.
// The panels are drawn by Observable Plot into linkedom's server-side DOM and nested in one standalone SVG;
// svgToPng rasterises that SVG with resvg and the bundled DejaVu Sans, so a PNG never depends on system fonts.
//
// Importing this module costs ~150 ms (Plot, linkedom, resvg): callers load it with `await import()` only
// when they draw, so it stays off the CLI's start-up path.
import { parseHTML } from 'linkedom';
import { VecprofError } from '../errors.js';
import { log } from '../log.js';
import { cleanMarkers, cleanPoints, logDomain, yValues, type CleanPoint, type CleanSeries } from './plot-data.js';
import { layoutLegend, layoutMarkerLabels, type LegendItem } from './plot-legend.js';
import { markerRules, referenceMarks, renderPanel, seriesMarks, TICK_FONT_SIZE, type PanelLayout, type ServerDocument, type StyledSeries } from './plot-panel.js';
import { allPowersOfTwo, formatBytes, formatRatio, formatTick, logTicks, minorLogTicks, type AxisUnit } from './plot-units.js';
import { escapeXml, fitText, FONT_FAMILY, INK, MUTED_INK, px, sanitiseText, SERIES_COLOURS, SERIES_SYMBOLS, textWidth } from './plot-svg.js';

import { svgToPng } from './plot-png.js';
import { writeFileAtomic } from '../util/atomic.js';

export { svgToPng };
export { formatBytes, formatRatio, formatSeconds, formatTick } from './plot-units.js';

export interface PlotPoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
  extrapolated?: boolean;
}
export interface PlotSeries {
  name: string;
  points: PlotPoint[];
}
export interface PlotMarker {
  x: number;
  label: string;
  kind?: 'cache' | 'crossover' | 'other';
}
export interface SweepPlotSpec {
  title: string;
  subtitle?: string;
  /** e.g. "array size (elements)" */
  xLabel: string;
  /** How x ticks read: element counts (default; powers of two print as 2ᵏ when every size is one) or bytes. */
  xUnit?: 'count' | 'bytes' | 'none';
  /** e.g. "time per call" */
  yLabel: string;
  /** Tick labels in human units: ns/µs/ms/s, B/KiB/MiB/GiB, 2×. */
  yUnit: 'seconds' | 'bytes' | 'ratio' | 'none';
  /** Log-log lines with points; a band where points carry low/high; extrapolated points dashed and hollow. */
  series: PlotSeries[];
  /** A second panel under the first sharing its x axis: log y, band, a horizontal line at `reference`. */
  ratio?: { label: string; points: PlotPoint[]; reference?: number; referenceLabel?: string };
  /** Vertical rules on both panels, labelled above the upper one: cache boundaries, the crossover. */
  markers?: PlotMarker[];
  /** Legend text for the shaded bands, e.g. "95% bootstrap CI of the median". */
  bandLabel?: string;
  width?: number;
  height?: number;
}

const DEFAULT_WIDTH = 760;
const DEFAULT_HEIGHT = 480;
const DEFAULT_HEIGHT_WITH_RATIO = 640;
const MARGIN_RIGHT = 18;
const SIDE = 14; // outer padding left and right of header text
const SYMBOL_RADIUS = 3.4;
const TITLE_SIZE = 15;
const SUBTITLE_SIZE = 11.5;
const AXIS_LABEL_SIZE = 12;
const Y_TICK_GAP = 24;
const X_TICK_GAP = 52;

export function renderSweepSvg(spec: SweepPlotSpec): string {
  const width = dimension(spec.width, DEFAULT_WIDTH, 320, 'width');
  const height = dimension(spec.height, spec.ratio ? DEFAULT_HEIGHT_WITH_RATIO : DEFAULT_HEIGHT, spec.ratio ? 300 : 220, 'height');
  const title = sanitiseText(String(spec.title ?? ''));

  const series = (Array.isArray(spec.series) ? spec.series : []).map((s) => cleanPoints(s?.name ?? '', s?.points));
  const ratio = spec.ratio ? cleanPoints(spec.ratio.label ?? '', spec.ratio.points) : undefined;
  for (const s of ratio ? [...series, ratio] : series) {
    if (s.dropped > 0) log.warn({ plot: title, series: s.name, dropped: s.dropped }, 'plot: skipped points a log-log plot cannot show (zero, negative or not a number)');
  }
  const drawable = series.filter((s) => s.points.length > 0);
  if (drawable.length === 0) {
    throw new VecprofError('nothing to plot: no series has a point with positive, finite x and y', {
      where: title || 'untitled plot',
      hint: 'check that the measurement produced results before plotting',
    });
  }

  const allX = [...series, ...(ratio ? [ratio] : [])].flatMap((s) => s.points.map((p) => p.x));
  const xDomain = logDomain(allX)!;
  const markers = cleanMarkers(spec.markers).filter((m) => m.x >= xDomain[0] && m.x <= xDomain[1]);
  const xUnit = xAxisUnit(spec.xUnit, allX);
  const yUnit: AxisUnit = ['seconds', 'bytes', 'ratio', 'none'].includes(spec.yUnit) ? spec.yUnit : 'none';
  const styled: StyledSeries[] = series.map((s, i) => ({
    series: s,
    colour: SERIES_COLOURS[i % SERIES_COLOURS.length]!,
    symbol: SERIES_SYMBOLS[i % SERIES_SYMBOLS.length]!,
    tag: `vp-series vp-series-${i}`,
    radius: SYMBOL_RADIUS,
  }));

  // Header: title, subtitle, legend, marker labels. The marker labels need the panel's left margin, which needs
  // the y ticks, which need the panel height, which needs the header: start from a guess and settle in two passes.
  const legend = layoutLegend(legendItems(spec, styled, ratio), SIDE, width - SIDE, Math.PI * SYMBOL_RADIUS ** 2);
  const subtitle = spec.subtitle === undefined ? '' : sanitiseText(String(spec.subtitle));
  const textTop = 10 + TITLE_SIZE + 4 + (subtitle ? SUBTITLE_SIZE + 7 : 0) + 6;
  let marginLeft = 64;
  let layout = settle(marginLeft);
  const needed = Math.max(layout.main.leftMargin, layout.ratio?.leftMargin ?? 0);
  if (needed !== marginLeft) {
    marginLeft = needed;
    layout = settle(marginLeft);
  }

  function settle(left: number) {
    const pixelOf = (x: number): number =>
      left + (Math.log(x / xDomain[0]) / Math.log(xDomain[1] / xDomain[0])) * (width - left - MARGIN_RIGHT);
    const markerLabels = layoutMarkerLabels(markers, pixelOf, SIDE, width - SIDE);
    const panelsTop = textTop + legend.height + 4 + markerLabels.height;
    const available = height - panelsTop;
    const ratioHeight = ratio ? Math.max(120, Math.round(available * 0.34)) : 0;
    const mainHeight = available - ratioHeight;
    const main = yAxisFor(yValues(drawable.flatMap((s) => s.points)), yUnit, mainHeight - (ratio ? 14 : 54));
    const ratioAxis = ratio
      ? yAxisFor([...yValues(ratio.points), ...referenceValue(spec)], 'ratio', ratioHeight - 54)
      : undefined;
    return { markerLabels, panelsTop, mainHeight, ratioHeight, main, ratio: ratioAxis };
  }

  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  const doc = document as unknown as ServerDocument; // linkedom implements the DOM that Plot uses
  const xPixels = width - marginLeft - MARGIN_RIGHT;
  const xTicks = logTicks(xDomain[0], xDomain[1], xUnit, xPixels, X_TICK_GAP);
  const xMinor = minorLogTicks(xDomain[0], xDomain[1], xUnit, xPixels, xTicks);
  const xLabel = sanitiseText(String(spec.xLabel ?? ''));
  const base = (h: number, top: number, bottom: number): Omit<PanelLayout, 'y'> => ({
    width,
    height: h,
    margin: { top, right: MARGIN_RIGHT, bottom, left: marginLeft },
    x: { domain: xDomain, ticks: xTicks, minorTicks: xMinor, unit: xUnit, label: xLabel, showTickLabels: !ratio },
    labelFontSize: AXIS_LABEL_SIZE,
  });
  const describe = describer(xUnit, yUnit);
  const mainSvg = renderPanel(
    doc,
    { ...base(layout.mainHeight, 8, ratio ? 6 : 46), y: { ...layout.main, label: sanitiseText(String(spec.yLabel ?? '')), showTickLabels: true } },
    [markerRules(markers), ...styled.flatMap((s) => seriesMarks(s, (p) => describe(s.series.name, p)))],
  );
  const panels = [nested(mainSvg, layout.panelsTop, 'vp-panel-main')];
  if (ratio && layout.ratio) {
    const reference = referenceValue(spec);
    const ratioStyle: StyledSeries = { series: ratio, colour: INK, symbol: SERIES_SYMBOLS[0]!, tag: 'vp-ratio', radius: 2.8 };
    const ratioLabel = sanitiseText(String(spec.ratio?.label ?? ''));
    const ratioSvg = renderPanel(
      doc,
      {
        ...base(layout.ratioHeight, 6, 46),
        x: { domain: xDomain, ticks: xTicks, minorTicks: xMinor, unit: xUnit, label: xLabel, showTickLabels: true },
        y: { ...layout.ratio, label: ratioLabel, showTickLabels: true },
        labelFontSize: fitLabel(ratioLabel, layout.ratioHeight - 52),
      },
      [
        markerRules(markers),
        ...reference.flatMap((r) => referenceMarks(r, referenceLabel(spec, r))),
        ...seriesMarks(ratioStyle, (p) => describe(ratioLabel, p, 'ratio')),
      ],
    );
    panels.push(nested(ratioSvg, layout.panelsTop + layout.mainHeight, 'vp-panel-ratio'));
  }

  // A title too long for the width shrinks, then is cut; the full text stays in <title> and <desc>.
  const shownTitle = fitText(title, width - 2 * SIDE, TITLE_SIZE, 12);
  const shownSubtitle = fitText(subtitle, width - 2 * SIDE, SUBTITLE_SIZE, 10);
  const header = [
    `<text class="vp-title" x="${SIDE}" y="${10 + TITLE_SIZE}" font-size="${shownTitle.size}" font-weight="600">${escapeXml(shownTitle.text)}</text>`,
    subtitle
      ? `<text class="vp-subtitle" x="${SIDE}" y="${10 + TITLE_SIZE + 4 + SUBTITLE_SIZE + 3}" font-size="${shownSubtitle.size}" fill="${MUTED_INK}">${escapeXml(shownSubtitle.text)}</text>`
      : '',
    legend.render(textTop),
    layout.markerLabels.render(textTop + legend.height + 4, layout.panelsTop + 8),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" `,
    `font-family="${escapeXml(FONT_FAMILY)}" font-size="${TICK_FONT_SIZE}" fill="${INK}" color="${INK}" text-anchor="start" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    subtitle ? `<desc>${escapeXml(subtitle)}</desc>` : '',
    `<rect width="100%" height="100%" fill="white"/>`,
    ...header,
    ...panels,
    `</svg>\n`,
  ].join('');
}

/**
 * Draws `spec` and writes `<base>.svg` and `<base>.png` (PNG at twice the SVG size unless `pngWidth` says otherwise).
 * Both are rendered before either is written, and each file appears whole or not at all.
 */
export async function writeSweepPlot(spec: SweepPlotSpec, base: string, opts: { pngWidth?: number } = {}): Promise<{ svg: string; png: string }> {
  const svg = renderSweepSvg(spec);
  const png = svgToPng(svg, opts.pngWidth === undefined ? {} : { width: opts.pngWidth });
  const paths = { svg: `${base}.svg`, png: `${base}.png` };
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, png);
  return paths;
}

function dimension(value: number | undefined, fallback: number, min: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || value > 8000) {
    throw new VecprofError(`plot ${name} must be a number from ${min} to 8000, got ${String(value)}`, {
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

function referenceValue(spec: SweepPlotSpec): number[] {
  const r = spec.ratio?.reference;
  return typeof r === 'number' && Number.isFinite(r) && r > 0 ? [r] : [];
}

function referenceLabel(spec: SweepPlotSpec, reference: number): string {
  const given = spec.ratio?.referenceLabel;
  if (typeof given === 'string') return sanitiseText(given);
  return reference === 1 ? 'break-even (1×)' : formatRatio(reference);
}

interface YAxis {
  domain: [number, number];
  ticks: number[];
  minorTicks: number[];
  unit: AxisUnit;
  leftMargin: number;
}

/** Domain and ticks of a y axis, and the left margin its tick labels and rotated label need. */
function yAxisFor(values: number[], unit: AxisUnit, pixels: number): YAxis {
  const domain = logDomain(values, 0.06) ?? [0.1, 10];
  const ticks = logTicks(domain[0], domain[1], unit, Math.max(pixels, 40), Y_TICK_GAP);
  const minorTicks = minorLogTicks(domain[0], domain[1], unit, Math.max(pixels, 40), ticks);
  const widest = Math.max(...ticks.map((t) => textWidth(formatTick(t, unit), TICK_FONT_SIZE)));
  return { domain, ticks, minorTicks, unit, leftMargin: Math.ceil(widest + 4 + 3 + 10 + AXIS_LABEL_SIZE + 8) };
}

/** Shrinks a rotated y label's font until it fits the panel height (down to 9 px). */
function fitLabel(label: string, pixels: number): number {
  for (let size = AXIS_LABEL_SIZE; size > 9; size -= 0.5) if (textWidth(label, size) <= pixels) return size;
  return 9;
}

function legendItems(spec: SweepPlotSpec, styled: StyledSeries[], ratio: CleanSeries | undefined): LegendItem[] {
  const items: LegendItem[] = [];
  for (const s of styled) {
    const empty = s.series.points.length === 0;
    items.push({ label: empty ? `${s.series.name} (no data)` : s.series.name, colour: s.colour, line: 'solid', symbol: s.symbol });
    if (s.series.points.some((p) => p.extrapolated)) {
      items.push({ label: `${s.series.name} (extrapolated)`, colour: s.colour, line: 'dashed', symbol: s.symbol, hollow: true });
    }
  }
  const banded = [...styled.map((s) => s.series), ...(ratio ? [ratio] : [])].some((s) => s.points.some((p) => p.low !== undefined));
  if (banded) items.push({ label: sanitiseText(spec.bandLabel ?? 'confidence interval'), colour: MUTED_INK, line: 'none', band: true });
  return items;
}

/** The text of a point's tooltip (an SVG <title>, shown on hover in browsers). */
function describer(xUnit: AxisUnit, yUnit: AxisUnit) {
  const xText = (x: number): string => (xUnit === 'bytes' ? formatBytes(x) : xUnit === 'none' ? String(x) : x.toLocaleString('en-US'));
  return (name: string, p: CleanPoint, unit: AxisUnit = yUnit): string => {
    const ci = p.low !== undefined && p.high !== undefined ? ` [${formatTick(p.low, unit)} – ${formatTick(p.high, unit)}]` : '';
    return `${name} at ${xText(p.x)}: ${formatTick(p.y, unit)}${ci}`;
  };
}

/** Places one of Plot's <svg> panels inside the outer SVG; drops its stylesheet, meant for HTML pages only. */
function nested(panel: SVGSVGElement, top: number, cls: string): string {
  for (const style of panel.querySelectorAll('style')) style.remove();
  panel.setAttribute('class', cls);
  panel.setAttribute('x', '0');
  panel.setAttribute('y', px(top));
  panel.setAttribute('font-family', FONT_FAMILY);
  panel.setAttribute('fill', INK);
  return panel.outerHTML;
}
