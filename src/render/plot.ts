// Sweep plots: time (or memory) against array size on log-log axes, one line per version, an optional ratio
// panel underneath sharing the x axis, and vertical markers for cache boundaries and the crossover.
// The panels are drawn by Observable Plot into linkedom's server-side DOM and nested in one standalone SVG;
// svgToPng rasterises that SVG with resvg and the bundled DejaVu Sans, so a PNG never depends on system fonts.
//
// Importing this module costs ~150-200 ms (Observable Plot and linkedom; resvg loads on the first PNG): callers
// load it with `await import()` only when they draw, so it stays off the CLI's start-up path.
import { parseHTML } from 'linkedom';
import { writeFileAtomic } from '../util/atomic.js';
import type { CleanPoint } from './plot-data.js';
import { AXIS_LABEL_SIZE, MAIN_MARGINS, MARGIN_RIGHT, planLayout, RATIO_MARGINS, SIDE, SUBTITLE_SIZE, TITLE_SIZE, type Layout } from './plot-layout.js';
import { markerRules, referenceMarks, renderPanel, seriesMarks, TICK_FONT_SIZE, type PanelLayout, type ServerDocument } from './plot-panel.js';
import { prepareSpec, type Prepared } from './plot-prepare.js';
import { svgToPng } from './plot-png.js';
import { formatBytes, formatTick, type AxisUnit } from './plot-units.js';
import { escapeXml, fitText, FONT_FAMILY, INK, MUTED_INK, px } from './plot-svg.js';

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

export function renderSweepSvg(spec: SweepPlotSpec): string {
  const p = prepareSpec(spec);
  const layout = planLayout(p);
  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  const doc = document as unknown as ServerDocument; // linkedom implements the part of the DOM that Plot uses
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${p.width}" height="${layout.height}" viewBox="0 0 ${p.width} ${layout.height}" `,
    `font-family="${escapeXml(FONT_FAMILY)}" font-size="${TICK_FONT_SIZE}" fill="${INK}" color="${INK}" text-anchor="start" role="img">`,
    `<title>${escapeXml(p.title)}</title>`,
    p.subtitle ? `<desc>${escapeXml(p.subtitle)}</desc>` : '',
    // A background of its own keeps the figure readable in dark-mode viewers.
    `<rect width="100%" height="100%" fill="white"/>`,
    ...header(p, layout),
    ...panels(p, layout, doc),
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

function header(p: Prepared, layout: Layout): string[] {
  // A title too long for the width shrinks, then is cut; the full text stays in <title> and <desc>.
  const title = fitText(p.title, p.width - 2 * SIDE, TITLE_SIZE, 12);
  const subtitle = fitText(p.subtitle, p.width - 2 * SIDE, SUBTITLE_SIZE, 10);
  return [
    `<text class="vp-title" x="${SIDE}" y="${10 + TITLE_SIZE}" font-size="${title.size}" font-weight="600">${escapeXml(title.text)}</text>`,
    p.subtitle
      ? `<text class="vp-subtitle" x="${SIDE}" y="${10 + TITLE_SIZE + 4 + SUBTITLE_SIZE + 3}" font-size="${subtitle.size}" fill="${MUTED_INK}">${escapeXml(subtitle.text)}</text>`
      : '',
    layout.legend.render(layout.legendTop),
    layout.markerLabels.render(layout.markerLabelsTop, layout.panelsTop + MAIN_MARGINS.alone[0]),
  ];
}

function panels(p: Prepared, layout: Layout, doc: ServerDocument): string[] {
  const describe = describer(p.xUnit, p.yUnit);
  const frame = (height: number, [top, bottom]: readonly [number, number], xLabels: boolean): Omit<PanelLayout, 'y'> => ({
    width: p.width,
    height,
    margin: { top, right: MARGIN_RIGHT, bottom, left: layout.marginLeft },
    x: { ...layout.x, label: p.xLabel, showTickLabels: xLabels },
    labelFontSize: AXIS_LABEL_SIZE,
  });
  const main = renderPanel(
    doc,
    {
      ...frame(layout.mainHeight, p.ratio ? MAIN_MARGINS.aboveRatio : MAIN_MARGINS.alone, !p.ratio),
      y: { ...layout.mainY, label: p.yLabel, showTickLabels: true },
    },
    [markerRules(p.markers), ...p.series.flatMap((s) => seriesMarks(s, (pt) => describe(s.series.name, pt)))],
  );
  const out = [nested(main, layout.panelsTop, 'vp-panel-main')];
  if (p.ratio && layout.ratioY) {
    const { series, label, reference, referenceLabel } = p.ratio;
    const ratio = renderPanel(
      doc,
      {
        ...frame(layout.ratioHeight, RATIO_MARGINS, true),
        y: { ...layout.ratioY, label, showTickLabels: true },
        labelFontSize: layout.ratioLabelSize,
      },
      [
        markerRules(p.markers),
        ...reference.flatMap((r) => referenceMarks(r, referenceLabel)),
        ...seriesMarks(series, (pt) => describe(label, pt, 'ratio')),
      ],
    );
    out.push(nested(ratio, layout.panelsTop + layout.mainHeight, 'vp-panel-ratio'));
  }
  return out;
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
