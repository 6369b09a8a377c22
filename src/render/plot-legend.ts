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

/**
 * Each label sits beside its rule, to the right unless that would cross `right`; a label that would touch one
 * already placed moves up a row. `pixelOf` maps a data x to its horizontal position in the outer SVG.
 */
export function layoutMarkerLabels(
  markers: readonly CleanMarker[],
  pixelOf: (x: number) => number,
  left: number,
  right: number,
): PlacedMarkers {
  const rowEnds: number[] = [];
  const placed = markers
    .filter((m) => m.label !== '')
    .map((m) => {
      const at = pixelOf(m.x);
      const width = textWidth(m.label, MARKER_FONT_SIZE);
      const toLeft = at + MARKER_PAD + width > right && at - MARKER_PAD - width >= left;
      const start = toLeft ? at - MARKER_PAD - width : at + MARKER_PAD;
      let row = rowEnds.findIndex((end) => end + 8 <= start);
      if (row === -1) {
        row = rowEnds.length;
        rowEnds.push(0);
      }
      rowEnds[row] = start + width;
      return { marker: m, at, row, toLeft };
    });
  return {
    height: rowEnds.length * MARKER_ROW_HEIGHT + (rowEnds.length > 0 ? 4 : 0),
    render(top, frameTop) {
      const rows = rowEnds.length;
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
