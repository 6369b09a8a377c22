// The parts of a sweep plot drawn as plain SVG around Plot's panels: the legend rows and the marker labels
// above the upper panel (outside the data, so a label never hides a point; staggered when they crowd).
import type { CleanMarker } from './plot-data.js';
import {
  escapeXml,
  MUTED_INK,
  px,
  RULE_COLOUR,
  RULE_DASH,
  symbolPath,
  textWidth,
  type PointSymbol,
} from './plot-svg.js';

export interface LegendItem {
  label: string;
  colour: string;
  line: 'solid' | 'dashed' | 'none';
  symbol?: PointSymbol;
  hollow?: boolean;
  band?: boolean;
}

export const LEGEND_FONT_SIZE = 11.5;
const LEGEND_ROW_HEIGHT = 19;
const SWATCH_WIDTH = 28;
const SWATCH_GAP = 6;
const ITEM_GAP = 20;

export interface PlacedLegend {
  height: number;
  render(top: number): string;
}

/** Items flow left to right and wrap to a new row when the next one would cross `right`. */
export function layoutLegend(items: readonly LegendItem[], left: number, right: number, symbolArea: number): PlacedLegend {
  const placed: Array<{ item: LegendItem; x: number; row: number }> = [];
  let x = left;
  let row = 0;
  for (const item of items) {
    const width = SWATCH_WIDTH + SWATCH_GAP + textWidth(item.label, LEGEND_FONT_SIZE);
    if (x > left && x + width > right) {
      row++;
      x = left;
    }
    placed.push({ item, x, row });
    x += width + ITEM_GAP;
  }
  const rows = placed.length === 0 ? 0 : row + 1;
  return {
    height: rows * LEGEND_ROW_HEIGHT,
    render(top) {
      const parts = placed.map(({ item, x: ix, row: r }) => {
        const cy = top + r * LEGEND_ROW_HEIGHT + LEGEND_ROW_HEIGHT / 2;
        return `<g class="vp-legend-item">${swatch(item, ix, cy, symbolArea)}<text x="${px(ix + SWATCH_WIDTH + SWATCH_GAP)}" y="${px(cy)}" dy="0.35em" font-size="${LEGEND_FONT_SIZE}">${escapeXml(item.label)}</text></g>`;
      });
      return `<g class="vp-legend" text-anchor="start">${parts.join('')}</g>`;
    },
  };
}

function swatch(item: LegendItem, x: number, cy: number, symbolArea: number): string {
  const parts: string[] = [];
  if (item.band) {
    parts.push(`<rect x="${px(x)}" y="${px(cy - 6)}" width="${SWATCH_WIDTH}" height="12" fill="${item.colour}" fill-opacity="0.2"/>`);
  }
  if (item.line !== 'none') {
    const dash = item.line === 'dashed' ? ' stroke-dasharray="5,4"' : '';
    parts.push(
      `<line x1="${px(x)}" x2="${px(x + SWATCH_WIDTH)}" y1="${px(cy)}" y2="${px(cy)}" stroke="${item.colour}" stroke-width="1.8"${dash}/>`,
    );
  }
  if (item.symbol) {
    const d = symbolPath(item.symbol, symbolArea, x + SWATCH_WIDTH / 2, cy);
    const paint = item.hollow
      ? `fill="white" stroke="${item.colour}" stroke-width="1.3"`
      : `fill="${item.colour}" stroke="white" stroke-width="0.7"`;
    parts.push(`<path d="${d}" ${paint}/>`);
  }
  return parts.join('');
}

export const MARKER_FONT_SIZE = 10.5;
const MARKER_ROW_HEIGHT = 14;
const MARKER_PAD = 4;

export interface PlacedMarkers {
  height: number;
  /** `frameTop` is where the panel's plotting area begins: connectors run from each label down to it. */
  render(top: number, frameTop: number): string;
}

interface LabelBox {
  at: number;
  start: number;
  end: number;
  row: number;
  toLeft: boolean;
}

const MAX_MARKER_ROWS = 3;

/**
 * Each label sits beside its rule, to the right unless that would cross `right`, or to the left, in one of a few
 * rows above the panel (row 0 nearest). A placement is valid when no two labels touch and no connector (the dashed
 * line from a label down to the panel) runs through a label in a row below it. The fewest rows that allow a valid
 * placement win, searched depth-first (a handful of markers at most); when none exists labels may touch.
 * `pixelOf` maps a data x to its horizontal position in the outer SVG.
 */
export function layoutMarkerLabels(
  markers: readonly CleanMarker[],
  pixelOf: (x: number) => number,
  left: number,
  right: number,
): PlacedMarkers {
  const labelled = markers.filter((m) => m.label !== '');
  const options = labelled.map((m) => {
    const at = pixelOf(m.x);
    const width = textWidth(m.label, MARKER_FONT_SIZE);
    const sides: boolean[] = [];
    if (at + MARKER_PAD + width <= right) sides.push(false);
    if (at - MARKER_PAD - width >= left) sides.push(true);
    if (sides.length === 0) sides.push(at - left > right - at);
    return { at, width, sides };
  });
  let boxes: LabelBox[] | undefined;
  // The clear search is exponential in the worst case; past a few markers the greedy one is good enough.
  if (options.length <= 8) for (let rows = 1; rows <= MAX_MARKER_ROWS && !boxes; rows++) boxes = searchClear(options, rows);
  boxes ??= placeGreedy(options, MAX_MARKER_ROWS);
  const placed = labelled.map((marker, i) => ({ marker, ...boxes![i]! }));
  const rowCount = boxes.length === 0 ? 0 : Math.max(...boxes.map((b) => b.row)) + 1;
  return {
    height: rowCount * MARKER_ROW_HEIGHT + (rowCount > 0 ? 4 : 0),
    render(top, frameTop) {
      const rows = rowCount;
      const parts = placed.map(({ marker, at, row, toLeft }) => {
        // Row 0 is nearest the panel; later rows stack upwards.
        const baseline = top + (rows - row) * MARKER_ROW_HEIGHT - 3;
        const colour = RULE_COLOUR[marker.kind];
        const tx = toLeft ? at - MARKER_PAD : at + MARKER_PAD;
        return (
          `<g class="vp-marker-label vp-marker-${marker.kind}">` +
          `<line x1="${px(at)}" x2="${px(at)}" y1="${px(baseline - MARKER_ROW_HEIGHT + 5)}" y2="${px(frameTop)}" stroke="${colour}" stroke-dasharray="${RULE_DASH[marker.kind]}"/>` +
          `<text x="${px(tx)}" y="${px(baseline)}" text-anchor="${toLeft ? 'end' : 'start'}" font-size="${MARKER_FONT_SIZE}" fill="${marker.kind === 'crossover' ? colour : MUTED_INK}">${escapeXml(marker.label)}</text>` +
          `</g>`
        );
      });
      return parts.join('');
    },
  };
}

type LabelOption = { at: number; width: number; sides: boolean[] };

function boxFor({ at, width }: LabelOption, row: number, toLeft: boolean): LabelBox {
  const start = toLeft ? at - MARKER_PAD - width : at + MARKER_PAD;
  return { at, start, end: start + width, row, toLeft };
}

/** Depth-first: a placement in `rows` rows where nothing clashes, or undefined. */
function searchClear(options: readonly LabelOption[], rows: number): LabelBox[] | undefined {
  const chosen: LabelBox[] = [];
  const visit = (i: number): boolean => {
    if (i === options.length) return true;
    for (let row = 0; row < rows; row++) {
      for (const toLeft of options[i]!.sides) {
        const box = boxFor(options[i]!, row, toLeft);
        if (chosen.some((other) => clash(box, other))) continue;
        chosen.push(box);
        if (visit(i + 1)) return true;
        chosen.pop();
      }
    }
    return false;
  };
  return visit(0) ? chosen : undefined;
}

/** Greedy, never fails: the first clear spot, else one where only connectors cross labels, else the top row. */
function placeGreedy(options: readonly LabelOption[], rows: number): LabelBox[] {
  const chosen: LabelBox[] = [];
  for (const option of options) {
    const spots = Array.from({ length: rows }, (_, row) => option.sides.map((toLeft) => boxFor(option, row, toLeft))).flat();
    chosen.push(
      spots.find((box) => !chosen.some((other) => clash(box, other))) ??
        spots.find((box) => !chosen.some((other) => other.row === box.row && overlaps(box, other))) ??
        boxFor(option, rows - 1, option.sides[0]!),
    );
  }
  return chosen;
}

const LABEL_GAP = 6;

function overlaps(a: LabelBox, b: LabelBox): boolean {
  return a.start < b.end + LABEL_GAP && b.start < a.end + LABEL_GAP;
}

/** Two labels clash when they share a row and touch, or when one's connector runs through the other. */
function clash(a: LabelBox, b: LabelBox): boolean {
  if (a.row === b.row) return overlaps(a, b);
  const [upper, lower] = a.row > b.row ? [a, b] : [b, a];
  return upper.at > lower.start - 2 && upper.at < lower.end + 2;
}
