// One panel of a sweep plot, drawn by Observable Plot into a server-side DOM: log-log axes with ticks in
// human units, grid, marker rules, and per series a confidence band, solid/dashed line and symbols.
import * as Plot from '@observablehq/plot';
import type { CleanMarker, CleanPoint, CleanSeries } from './plot-data.js';
import { bandRuns, segments } from './plot-data.js';
import { formatTick, type AxisUnit } from './plot-units.js';
import { GRID, INK, MUTED_INK, RULE_COLOUR, RULE_DASH, type PointSymbol } from './plot-svg.js';

export interface AxisLayout {
  domain: [number, number];
  ticks: number[];
  minorTicks: number[];
  unit: AxisUnit;
  label: string | null;
  /** False on the upper panel of a pair: the panel below carries the shared x labels. */
  showTickLabels: boolean;
}

export interface PanelLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  x: AxisLayout;
  y: AxisLayout;
  labelFontSize: number;
}

export interface StyledSeries {
  series: CleanSeries;
  colour: string;
  symbol: PointSymbol;
  /** Data in the nested SVG is tagged so tests and the HTML report can find each series. */
  tag: string;
  radius: number;
}

export const TICK_FONT_SIZE = 11;
const BAND_OPACITY = 0.2;

/** Plot's `document` option wants a DOM Document; linkedom's is one in all that Plot touches. */
export type ServerDocument = Document;

export function renderPanel(document: ServerDocument, layout: PanelLayout, marks: Plot.Markish[]): SVGSVGElement {
  const { x, y, margin } = layout;
  const chart = Plot.plot({
    document,
    width: layout.width,
    height: layout.height,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    x: { type: 'log', domain: x.domain },
    y: { type: 'log', domain: y.domain },
    marks: [
      Plot.gridX(x.ticks, { stroke: GRID, strokeOpacity: 1 }),
      Plot.gridY(y.ticks, { stroke: GRID, strokeOpacity: 1 }),
      Plot.frame({ stroke: '#9a9a9a' }),
      ...marks,
      Plot.axisY(y.ticks, {
        text: (v: number) => formatTick(v, y.unit),
        tickSize: 4,
        fontSize: TICK_FONT_SIZE,
        label: y.label,
        labelAnchor: 'center',
        labelArrow: 'none',
        labelOffset: margin.left - 4,
      }),
      Plot.axisY(y.minorTicks, { text: null, tickSize: 2.5, label: null, className: 'vp-minor-ticks' }),
      Plot.axisX(x.minorTicks, { text: null, tickSize: 2.5, label: null, className: 'vp-minor-ticks' }),
      Plot.axisX(x.ticks, {
        text: x.showTickLabels ? (v: number) => formatTick(v, x.unit) : null,
        tickSize: 4,
        fontSize: TICK_FONT_SIZE,
        label: x.showTickLabels ? x.label : null,
        labelAnchor: 'center',
        labelArrow: 'none',
        labelOffset: 32,
      }),
    ],
  }) as unknown as SVGSVGElement; // without caption, legend or title Plot returns the bare <svg>
  for (const axisLabel of chart.querySelectorAll('[aria-label$="-axis label"]')) {
    axisLabel.setAttribute('font-size', String(layout.labelFontSize));
  }
  // Axes without labels still emit empty <text> elements: drop them.
  if (!x.showTickLabels) chart.querySelector('[aria-label="x-axis tick label"]:not(.vp-minor-ticks)')?.remove();
  for (const empty of chart.querySelectorAll('.vp-minor-ticks[aria-label$="tick label"]')) empty.remove();
  return chart;
}

/** Band, lines and symbols of one series. Each group carries the series' tag in its class. */
export function seriesMarks(s: StyledSeries, describe: (p: CleanPoint) => string): Plot.Markish[] {
  const marks: Plot.Markish[] = [];
  const points = s.series.points;
  for (const run of bandRuns(points)) {
    if (run.length >= 2) {
      marks.push(
        Plot.areaY(run, {
          x: 'x',
          y1: 'low',
          y2: 'high',
          fill: s.colour,
          fillOpacity: BAND_OPACITY,
          className: `${s.tag} vp-band`,
        }),
      );
    } else {
      marks.push(
        Plot.ruleX(run, { x: 'x', y1: 'low', y2: 'high', stroke: s.colour, strokeWidth: 1.2, className: `${s.tag} vp-errorbar` }),
      );
    }
  }
  for (const seg of segments(points)) {
    marks.push(
      Plot.line(seg.points, {
        x: 'x',
        y: 'y',
        stroke: s.colour,
        strokeWidth: seg.extrapolated ? 1.5 : 1.8,
        strokeDasharray: seg.extrapolated ? '5,4' : undefined,
        className: `${s.tag} ${seg.extrapolated ? 'vp-line-extrapolated' : 'vp-line'}`,
      }),
    );
  }
  const measured = points.filter((p) => !p.extrapolated);
  const extrapolated = points.filter((p) => p.extrapolated);
  if (measured.length > 0) {
    marks.push(
      Plot.dot(measured, {
        x: 'x',
        y: 'y',
        r: s.radius,
        symbol: s.symbol,
        fill: s.colour,
        stroke: 'white',
        strokeWidth: 0.7,
        title: describe,
        className: `${s.tag} vp-points`,
      }),
    );
  }
  if (extrapolated.length > 0) {
    marks.push(
      Plot.dot(extrapolated, {
        x: 'x',
        y: 'y',
        r: s.radius,
        symbol: s.symbol,
        fill: 'white',
        stroke: s.colour,
        strokeWidth: 1.3,
        title: (p: CleanPoint) => `${describe(p)} (extrapolated)`,
        className: `${s.tag} vp-points-extrapolated`,
      }),
    );
  }
  return marks;
}

/** Vertical rules across the whole panel, one mark per kind so each keeps its own dash. */
export function markerRules(markers: readonly CleanMarker[]): Plot.Markish[] {
  return (['cache', 'other', 'crossover'] as const)
    .map((kind) => markers.filter((m) => m.kind === kind))
    .filter((group) => group.length > 0)
    .map((group) =>
      Plot.ruleX(group, {
        x: 'x',
        stroke: RULE_COLOUR[group[0]!.kind],
        strokeWidth: 1,
        strokeDasharray: RULE_DASH[group[0]!.kind],
        className: `vp-marker vp-marker-${group[0]!.kind}`,
      }),
    );
}

/** The break-even line of a ratio panel and its label, right-aligned just above it. */
export function referenceMarks(reference: number, label: string): Plot.Markish[] {
  return [
    Plot.ruleY([reference], { y: (v: number) => v, stroke: INK, strokeWidth: 1.1, strokeDasharray: '3,3', className: 'vp-reference' }),
    Plot.text([reference], {
      y: (v: number) => v,
      text: () => label,
      frameAnchor: 'right',
      textAnchor: 'end',
      dx: -6,
      dy: -7,
      fill: MUTED_INK,
      fontSize: 10.5,
      className: 'vp-reference-label',
    }),
  ];
}
