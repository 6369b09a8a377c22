// Where everything goes in a sweep plot: header rows (title, subtitle, legend, marker labels), the heights of the
// two panels, the ticks of every axis and the left margin their labels need.
import { log } from '../log.js';
import { logDomain, yValues } from './plot-data.js';
import { layoutLegend, layoutMarkerLabels, type PlacedLegend, type PlacedMarkers } from './plot-legend.js';
import { TICK_FONT_SIZE, type AxisLayout } from './plot-panel.js';
import { SYMBOL_RADIUS, type Prepared } from './plot-prepare.js';
import { formatTick, logTicks, minorLogTicks, type AxisUnit } from './plot-units.js';
import { textWidth } from './plot-svg.js';

export const SIDE = 14; // outer padding left and right of header text
export const MARGIN_RIGHT = 18;
export const TITLE_SIZE = 15;
export const SUBTITLE_SIZE = 11.5;
export const AXIS_LABEL_SIZE = 12;
const Y_TICK_GAP = 24;
const X_TICK_GAP = 52;
const MIN_MAIN_HEIGHT = 150;
const MIN_RATIO_HEIGHT = 120;
/** Vertical margins of the panels: [top, bottom]. The lowest panel carries the x tick labels and x label. */
export const MAIN_MARGINS = { alone: [8, 46], aboveRatio: [8, 6] } as const;
export const RATIO_MARGINS = [6, 46] as const;

export interface YAxis {
  domain: [number, number];
  ticks: number[];
  minorTicks: number[];
  unit: AxisUnit;
  /** What the tick labels and the rotated axis label need to the left of the frame. */
  leftMargin: number;
}

export interface Layout {
  height: number;
  marginLeft: number;
  /** Baseline of the legend's first row. */
  legendTop: number;
  legend: PlacedLegend;
  markerLabels: PlacedMarkers;
  markerLabelsTop: number;
  panelsTop: number;
  mainHeight: number;
  ratioHeight: number;
  x: Omit<AxisLayout, 'label' | 'showTickLabels'>;
  mainY: YAxis;
  ratioY: YAxis | undefined;
  ratioLabelSize: number;
}

export function planLayout(p: Prepared): Layout {
  const legend = layoutLegend(p.legend, SIDE, p.width - SIDE, Math.PI * SYMBOL_RADIUS ** 2);
  const legendTop = 10 + TITLE_SIZE + 4 + (p.subtitle ? SUBTITLE_SIZE + 7 : 0) + 6;
  // The marker labels need the left margin, which needs the y tick labels, which need the panel heights, which
  // need the header: start from a guess, then settle with the margin the ticks asked for.
  let plan = panels(p, legend, legendTop, 64);
  const wanted = Math.max(plan.mainY.leftMargin, plan.ratioY?.leftMargin ?? 0);
  if (wanted !== plan.marginLeft) plan = panels(p, legend, legendTop, wanted);
  const xPixels = p.width - plan.marginLeft - MARGIN_RIGHT;
  const ticks = logTicks(p.xDomain[0], p.xDomain[1], p.xUnit, xPixels, X_TICK_GAP);
  return {
    ...plan,
    legendTop,
    legend,
    x: { domain: p.xDomain, ticks, minorTicks: minorLogTicks(p.xDomain[0], p.xDomain[1], p.xUnit, xPixels, ticks), unit: p.xUnit },
    ratioLabelSize: p.ratio ? fitLabel(p.ratio.label, plan.ratioHeight - RATIO_MARGINS[0] - RATIO_MARGINS[1]) : AXIS_LABEL_SIZE,
  };
}

function panels(p: Prepared, legend: PlacedLegend, legendTop: number, marginLeft: number) {
  const pixelOf = (x: number): number =>
    marginLeft + (Math.log(x / p.xDomain[0]) / Math.log(p.xDomain[1] / p.xDomain[0])) * (p.width - marginLeft - MARGIN_RIGHT);
  const markerLabels = layoutMarkerLabels(p.markers, pixelOf, SIDE, p.width - SIDE);
  const markerLabelsTop = legendTop + legend.height + 4;
  const panelsTop = markerLabelsTop + markerLabels.height;
  // A long legend must not squeeze the data away: the figure grows instead.
  const needed = panelsTop + MIN_MAIN_HEIGHT + (p.ratio ? MIN_RATIO_HEIGHT : 0);
  if (needed > p.height) log.debug({ plot: p.title, asked: p.height, drawn: needed }, 'plot: taller than asked, to fit its legend');
  const height = Math.max(p.height, needed);
  const available = height - panelsTop;
  const ratioHeight = p.ratio ? Math.max(MIN_RATIO_HEIGHT, Math.round(available * 0.34)) : 0;
  const mainHeight = available - ratioHeight;
  const [mainTop, mainBottom] = p.ratio ? MAIN_MARGINS.aboveRatio : MAIN_MARGINS.alone;
  const mainY = yAxisFor(yValues(p.series.flatMap((s) => s.series.points)), p.yUnit, mainHeight - mainTop - mainBottom);
  const ratioY = p.ratio
    ? yAxisFor([...yValues(p.ratio.series.series.points), ...p.ratio.reference], 'ratio', ratioHeight - RATIO_MARGINS[0] - RATIO_MARGINS[1])
    : undefined;
  return { height, marginLeft, markerLabels, markerLabelsTop, panelsTop, mainHeight, ratioHeight, mainY, ratioY };
}

/** Domain and ticks of a y axis, and the left margin its tick labels and rotated label need. */
function yAxisFor(values: number[], unit: AxisUnit, pixels: number): YAxis {
  const domain = logDomain(values, 0.06) ?? [0.1, 10];
  const room = Math.max(pixels, 40);
  const ticks = logTicks(domain[0], domain[1], unit, room, Y_TICK_GAP);
  const minorTicks = minorLogTicks(domain[0], domain[1], unit, room, ticks);
  const widest = Math.max(0, ...ticks.map((t) => textWidth(formatTick(t, unit), TICK_FONT_SIZE)));
  // tick (4) + padding (3) + gap (10) + the rotated label + a little air
  return { domain, ticks, minorTicks, unit, leftMargin: Math.ceil(widest + 4 + 3 + 10 + AXIS_LABEL_SIZE + 8) };
}

/** Shrinks a rotated y label's font until it fits the panel height (down to 9 px). */
function fitLabel(label: string, pixels: number): number {
  for (let size = AXIS_LABEL_SIZE; size > 9; size -= 0.5) if (textWidth(label, size) <= pixels) return size;
  return 9;
}
