// A pattern as a picture: time per call against size for every version (log-log, CI bands, extrapolated points
// dashed), and under it peak memory against size, stacked in one SVG.
import type { SweepPlotSpec } from '../../render/plot.js';
import type { PatternResult } from './types.js';

function subtitle(result: PatternResult): string {
  const env = result.environment;
  return `${env.machine.cpuModel} · Python ${env.python.version} · NumPy ${env.python.numpy ?? '?'} · ${result.config.dtype}`;
}

function seriesName(result: PatternResult, id: string): string {
  const v = result.versions.find((x) => x.id === id);
  const group = v?.group ? `${v.group}: ` : '';
  return `${group}${v?.label ?? id}`;
}

/** One time panel per group (a pattern with several groups, like elementwise, would otherwise mix 8 lines). */
export function patternTimeSpecs(result: PatternResult): SweepPlotSpec[] {
  const groups = [...new Set(result.versions.map((v) => v.group))];
  return groups.map((group) => ({
    title: `${result.name}${group ? ` · ${group}` : ''}: time per call${result.clockNote ? ' (wall time)' : ''}`,
    subtitle: subtitle(result),
    xLabel: result.sizeLabel,
    yLabel: 'time per call',
    yUnit: 'seconds',
    bandLabel: '95% bootstrap CI of the median',
    series: result.versions
      .filter((v) => v.group === group)
      .map((v) => ({
        name: v.label,
        points: result.rows.flatMap((r) => {
          const e = r.entries.find((x) => x.version === v.id);
          if (!e?.timeNs) return [];
          const s = (ns: number): number => ns / 1e9;
          return [{ x: r.size, y: s(e.timeNs.estimate), low: s(e.timeNs.low), high: s(e.timeNs.high), extrapolated: e.status === 'extrapolated' }];
        }),
      })),
  }));
}

/** Versions that allocate (almost) nothing have no place on a log axis; they are left out and named in the title. */
export function patternMemorySpec(result: PatternResult): SweepPlotSpec | null {
  const series = result.versions.map((v) => ({
    name: seriesName(result, v.id),
    points: result.rows.flatMap((r) => {
      const e = r.entries.find((x) => x.version === v.id);
      return e?.peakBytes && e.peakBytes >= 64 ? [{ x: r.size, y: e.peakBytes }] : [];
    }),
  }));
  if (series.every((s) => s.points.length === 0)) return null;
  return {
    title: `${result.name}: peak memory beyond the inputs`,
    subtitle: 'tracemalloc peak in a separate untimed run, NumPy buffers included; under 64 B not drawn',
    xLabel: result.sizeLabel,
    yLabel: 'peak memory',
    yUnit: 'bytes',
    series,
  };
}

/** Two standalone SVGs one above the other, in one SVG document (resvg renders nested <svg> elements). */
export function stackSvgs(parts: string[]): string {
  let y = 0;
  let width = 0;
  const body: string[] = [];
  for (const svg of parts) {
    const w = Number(/<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0);
    const h = Number(/<svg[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0);
    body.push(svg.trim().replace(/^<svg /, `<svg x="0" y="${y}" `));
    y += h;
    width = Math.max(width, w);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">${body.join('')}</svg>\n`;
}

export async function renderPatternPlot(result: PatternResult): Promise<{ svg: string; png: Buffer } | null> {
  if (result.rows.length === 0) return null;
  // Plotting pulls in Observable Plot and resvg: load them only when a plot is asked for.
  const { renderSweepSvg, svgToPng } = await import('../../render/plot.js');
  const width = 900;
  const timeSpecs = patternTimeSpecs(result);
  const panels = timeSpecs.map((spec) => renderSweepSvg({ ...spec, width, height: timeSpecs.length > 1 ? 440 : 560 }));
  const memorySpec = patternMemorySpec(result);
  if (memorySpec) panels.push(renderSweepSvg({ ...memorySpec, width, height: 460 }));
  const svg = panels.length === 1 ? panels[0]! : stackSvgs(panels);
  return { svg, png: Buffer.from(svgToPng(svg, { width: 1200 })) };
}
